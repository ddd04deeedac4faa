// Splits raw files into records inside DuckDB. A file whose whole content is a JSON array yields one
// record per element; a whole pretty-printed object is one record; anything else is JSON Lines
// (LF or CRLF, blank lines skipped). A leading UTF-8 BOM is dropped. Line numbers count from 1.
// extract/ has already decompressed .gz files; record-splitter.ts is the same logic for engines
// that receive records over COPY.
//
// Speed: DuckDB's trim and ltrim copy (trim also decodes) the whole string, so they only run when
// the text actually starts or ends with what they remove — the result is the same — and json_valid,
// which fails fast on JSON Lines, runs before the whole-file trim of the pretty-object test. The
// warehouse materializes these records once (read_text runs on one thread; the parse that follows
// runs on all of them, and a second parse for rejects only happens when there are rejects).

/** The whitespace a record may be padded with, one SQL expression per character. */
const wsChars = ['chr(32)', 'chr(9)', 'chr(10)', 'chr(13)'];

/** The same characters as one string, for trim's second argument. */
const ws = wsChars.join(' || ');

/**
 * trim(x, ws), evaluated only when x starts or ends with whitespace. Byte-wise prefix and suffix
 * tests: ascii(x) validates the whole string as UTF-8 before it reads the first character.
 */
function trimWs(x: string): string {
  const edges = wsChars.flatMap((c) => [`starts_with(${x}, ${c})`, `ends_with(${x}, ${c})`]).join(' OR ');
  return `CASE WHEN ${edges} THEN trim(${x}, ${ws}) ELSE ${x} END`;
}

/**
 * terms[0] AND terms[1] AND …, each evaluated only where the ones before it hold. DuckDB reorders
 * the terms of an AND by their measured cost as it runs (adaptive filters), and in some runs it put
 * the whole-file trim of the pretty-object test before json_valid: every JSON Lines file was then
 * trimmed and decoded whole (callgrind, 200 ×1000 log files: 96 M more instructions, 14 % of the
 * direct statement). A CASE keeps the order.
 */
const inOrder = (...terms: string[]): string =>
  terms.reduceRight((rest, term) => `CASE WHEN ${term} THEN ${rest} ELSE false END`);

/** starts_with(ltrim(x), prefix): ltrim (spaces only) runs only when x starts with a space. */
const startsAfterSpaces = (x: string, prefix: string) =>
  `(starts_with(${x}, '${prefix}') OR ${inOrder(`starts_with(${x}, ' ')`, `starts_with(ltrim(${x}), '${prefix}')`)})`;

/** The files read_text($1) reads, as (source_file, content): the local path is the name. */
export const readTextSql = `SELECT t.filename AS source_file, t.content FROM read_text($1) t`;

/**
 * The files read_text($1) reads, named by the list parameter names (source names in the order of
 * the local paths in $1): the files of a source fetched to local disk. A lookup per file, not a
 * join: a join on read_text's contents ran out of memory on 185 MiB of fetched log files (the
 * ×100 sample's, gzipped) under the default cap and under 512 MB.
 */
export const namedTextSql = (names: string) =>
  `SELECT list_extract(${names}, list_position($1, t.filename)) AS source_file, t.content FROM read_text($1) t`;

/** Files whose names and contents are the list parameters $1 and $2, as (source_file, content). */
export const givenTextSql = `SELECT unnest($1) AS source_file, unnest($2) AS content`;

/** The pieces of (source_file, recs) rows, recs a list of records, numbered from 1 (plus offset). */
const splitSql = (recsSql: string) =>
  `SELECT source_file, unnest(recs) AS piece, generate_subscripts(recs, 1) AS source_line FROM (${recsSql})`;

/** The records of (source_file, recs) rows, trimmed, blank ones left out. */
function numberedSql(recsSql: string, offset = ''): string {
  const trimmed = `SELECT source_file, source_line, ${trimWs('piece')} AS raw FROM (${splitSql(recsSql)})`;
  return `SELECT source_file, CAST(source_line${offset} AS INTEGER) AS source_line, raw FROM (${trimmed}) WHERE raw <> ''`;
}

/**
 * The records of (source_file, recs) rows as they are, for the direct load (duckdb-direct.ts):
 * only empty pieces and a lone CR (a blank CRLF line) are left out. A record padded otherwise keeps
 * its padding, which the strict parse skips as JSON whitespace; a piece of other whitespace alone is
 * no record the direct load takes, so the files holding one go the trimmed way.
 */
function untrimmedSql(recsSql: string, offset = ''): string {
  return `SELECT source_file, CAST(source_line${offset} AS INTEGER) AS source_line, piece AS raw FROM (${splitSql(recsSql)}) WHERE piece <> '' AND piece <> chr(13)`;
}

/** (source_file, recs) of the files of a relation (source_file, content), by the file's shape. */
function fileRecsSql(filesSql: string): string {
  const bom = `chr(65279)`;
  const content = `CASE WHEN starts_with(t.content, ${bom}) THEN ltrim(t.content, ${bom}) ELSE t.content END`;
  const files = `SELECT t.source_file, ${content} AS content FROM (${filesSql}) t`;
  const recs = `CASE
      WHEN ${inOrder(startsAfterSpaces('content', '['), 'json_valid(content)')} THEN CAST(json_extract(content, '$[*]') AS VARCHAR[])
      WHEN ${inOrder(startsAfterSpaces('content', '{'), 'json_valid(content)', `contains(trim(content, ${ws}), chr(10))`)} THEN [content]
      ELSE string_split(content, chr(10)) END`;
  return `SELECT source_file, ${recs} AS recs FROM (${files})`;
}

/** The records of the files of a relation (source_file, content): readTextSql or givenTextSql. */
export const rawRecordsSql = (filesSql: string) => numberedSql(fileRecsSql(filesSql));

/** The same records untrimmed, for the direct load (see untrimmedSql). */
export const untrimmedRecordsSql = (filesSql: string) => untrimmedSql(fileRecsSql(filesSql));

/**
 * A piece of a JSON Lines file (duckdb-pieces.ts): $1 the file's name, $2 the piece's text (whole
 * lines, a leading BOM of the file already dropped), $3 the number of lines before it. Lines only:
 * a piece is never taken for a whole array or object.
 */
const pieceRecsSql = `SELECT CAST($1 AS VARCHAR) AS source_file, string_split(CAST($2 AS VARCHAR), chr(10)) AS recs`;
const linesBefore = ' + CAST($3 AS BIGINT)';

/** The records of a piece (pieceRecsSql). */
export const pieceRecordsSql = numberedSql(pieceRecsSql, linesBefore);

/** The same records untrimmed, for the direct load. */
export const untrimmedPieceSql = untrimmedSql(pieceRecsSql, linesBefore);
