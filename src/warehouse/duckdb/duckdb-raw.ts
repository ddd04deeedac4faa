// Splits raw files into records inside DuckDB. A file whose whole content is a JSON array yields one
// record per element; a whole pretty-printed object is one record; anything else is JSON Lines
// (LF or CRLF, blank lines skipped). A leading UTF-8 BOM is dropped. Line numbers count from 1.
// extract/ has already decompressed .gz files; record-splitter.ts is the same logic for engines
// that receive records over COPY.

export function rawRecordsSql(filesTable: string): string {
  const content = `ltrim(t.content, chr(65279))`;
  const files = `SELECT f.source_file, ${content} AS content FROM read_text($1) t JOIN ${filesTable} f ON f.local_path = t.filename`;
  const ws = `' ' || chr(9) || chr(10) || chr(13)`;
  const recs = `CASE
      WHEN starts_with(ltrim(content), '[') AND json_valid(content) THEN CAST(json_extract(content, '$[*]') AS VARCHAR[])
      WHEN starts_with(ltrim(content), '{') AND contains(trim(content, ${ws}), chr(10)) AND json_valid(content) THEN [content]
      ELSE string_split(content, chr(10)) END`;
  const split = `SELECT source_file, unnest(recs) AS raw, generate_subscripts(recs, 1) AS source_line FROM (SELECT source_file, ${recs} AS recs FROM (${files}))`;
  return `SELECT source_file, CAST(source_line AS INTEGER) AS source_line, trim(raw, ${ws}) AS raw FROM (${split}) WHERE trim(raw, ${ws}) <> ''`;
}
