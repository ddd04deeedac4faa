// Parse-and-validate SQL for DuckDB, with a fast path for the usual record. Every line goes through
// json_transform_strict once: it fails on anything unusual (invalid JSON, a non-object, a missing
// key, a non-numeric value in a numeric field, an out-of-range number), and a strict success whose
// required fields are set and whose text fields do not hold an object or array is a good record.
// Only the other lines pay for the full diagnosis: a lenient from_json plus one json_type over
// every checked path, which tells a missing field from a badly typed one. Both paths give the same
// values (strict and lenient differ only in what they reject), so the result is the reasons and
// values of the full diagnosis for every line, at about the cost of one parse.
import type { FieldSpec, RecordSpec } from '../../model/records.js';
import type { ColumnType } from '../../model/types.js';
import { quoteIdent, rejectMessageSql, sqlString } from '../sql-common.js';

const isNumeric = (f: FieldSpec) => f.type !== 'text';
const at = (struct: string, f: FieldSpec) => `${struct}.${quoteIdent(f.key)}`;
const path = (f: FieldSpec) => sqlString(`$.${f.key}`);

/** The JSON structure every record is transformed to, as from_json's type argument. */
function structure(spec: RecordSpec, typeOf: (t: ColumnType) => string): string {
  return sqlString(JSON.stringify(Object.fromEntries(spec.fields.map((f) => [f.key, typeOf(f.type)]))));
}

/** Fields whose JSON type the diagnosis looks at, in the order they are checked. */
const deepFields = (spec: RecordSpec) => [
  ...spec.fields.filter(isNumeric),
  ...spec.fields.filter((f) => !isNumeric(f)),
];

/**
 * A text value that from_json rendered from an object or array starts with { or [. Tested byte-wise:
 * ascii(v) validates all of v as UTF-8 first.
 */
const looksNested = (v: string) => `(starts_with(${v}, '[') OR starts_with(${v}, '{'))`;

/**
 * True for a strict success s that needs no diagnosis: its required fields set, and no text field
 * looking nested. A CASE with one starts_with per WHEN, not an OR of them all: each WHEN runs only
 * on the rows still undecided, with no boolean vector and three-valued OR per term. callgrind, the
 * direct statement on 200 ×1000 log files: 537 M instructions against 585 M for the OR of 24
 * starts_with (449 M with no test at all). Testing for [ only where the raw line holds one took
 * it to 512 M, but carries every raw line through the statement beside its parse, memory the
 * statement's COMMIT may then lack under a tight cap. A COMMIT out of memory came in full suites
 * both with and without it (docs/PERFORMANCE.md, 2026-12-07); the 5 % is left out all the same.
 */
function fastCase(spec: RecordSpec): string {
  const required = spec.fields.filter((f) => f.required).map((f) => `${at('s', f)} IS NOT NULL`);
  const texts = spec.fields.filter((f) => !isNumeric(f)).map((f) => at('s', f));
  const set = `s IS NOT NULL${required.map((r) => ` AND ${r}`).join('')}`;
  if (texts.length === 0) return set;
  const startingWith = (c: string) => texts.map((v) => `WHEN starts_with(${v}, '${c}') THEN false`).join(' ');
  return `${set} AND CASE ${startingWith('{')} ${startingWith('[')} ELSE true END`;
}

/**
 * The JSON types of the deep-check fields (one json_type call, one parse), only for diagnosed rows
 * that look wrong: a numeric field that came out NULL, or a text field that looks nested.
 */
function suspectTypes(spec: RecordSpec): string {
  const suspect = spec.fields
    .map((f) => (isNumeric(f) ? `${at('l', f)} IS NULL` : looksNested(at('l', f))))
    .join(' OR ');
  return `CASE WHEN NOT fast AND l IS NOT NULL AND (${suspect}) THEN json_type(raw, [${deepFields(spec).map(path).join(', ')}]) END`;
}

/** The reason code plus field name of a diagnosed row, e.g. 'missing_field:ts', or NULL when good. */
function diagnosis(spec: RecordSpec): string {
  const deep = deepFields(spec);
  const type = (f: FieldSpec) => `types[${deep.indexOf(f) + 1}]`;
  const whens = [
    `WHEN l IS NULL AND NOT json_valid(raw) THEN 'invalid_json:'`,
    `WHEN NOT starts_with(raw, '{') THEN 'not_object:'`,
    ...spec.fields
      .filter((f) => f.required)
      .map(
        (f) =>
          `WHEN ${at('l', f)} IS NULL THEN CASE WHEN coalesce(json_type(raw, ${path(f)}), 'NULL') = 'NULL' THEN 'missing_field:${f.key}' ELSE 'bad_type:${f.key}' END`,
      ),
  ];
  const checks = deep.map((f) =>
    isNumeric(f)
      ? `WHEN ${at('l', f)} IS NULL AND coalesce(${type(f)}, 'NULL') <> 'NULL' THEN 'bad_type:${f.key}'`
      : `WHEN ${type(f)} IN ('OBJECT', 'ARRAY') THEN 'bad_type:${f.key}'`,
  );
  whens.push(`WHEN types IS NOT NULL THEN CASE ${checks.join(' ')} END`);
  return `CASE ${whens.join(' ')} END`;
}

/** See SqlDialect.parseRecords. */
export function parseRecordsSql(
  relation: string,
  spec: RecordSpec,
  typeOf: (t: ColumnType) => string,
): string {
  const S = structure(spec, typeOf);
  const strict = `SELECT source_file, source_line, raw, try(json_transform_strict(raw, ${S})) AS s FROM (${relation})`;
  const flagged = `SELECT *, ${fastCase(spec)} AS fast FROM (${strict})`;
  // Only JSON goes to the lenient parse: try() of a from_json that fails costs more than the parse
  // (×100 log files half cut short, 268k lines: 2.24–2.46 s so, 1.12 s guarded; same reasons).
  const lenient = `SELECT *, CASE WHEN NOT fast AND json_valid(raw) THEN try(from_json(raw, ${S})) END AS l FROM (${flagged})`;
  const typed = `SELECT *, ${suspectTypes(spec)} AS types FROM (${lenient})`;
  const reasoned = `SELECT *, CASE WHEN NOT fast THEN ${diagnosis(spec)} END AS rf FROM (${typed})`;
  const split = `SELECT *, split_part(rf, ':', 1) AS reason, split_part(rf, ':', 2) AS field FROM (${reasoned})`;
  const cols = spec.fields
    .map((f) => `CASE WHEN fast THEN ${at('s', f)} ELSE ${at('l', f)} END AS ${quoteIdent(f.column)}`)
    .join(', ');
  return `SELECT source_file, source_line, ${cols}, reason, CASE WHEN reason IS NOT NULL THEN ${rejectMessageSql()} END AS message, CASE WHEN reason IS NOT NULL THEN raw END AS raw FROM (${split})`;
}

/** Where the direct load inserts: the staging table and its spec columns, quoted, in spec order. */
export interface DirectInsert {
  table: string;
  columns: string[];
}

/**
 * The direct load (duckdb-direct.ts): the usual records of relation (source_file, source_line,
 * raw) straight into the staging table, with lineage; $runParam is the run id. Only the strict
 * parse and the fast case's test run, once per record. Any other record ends the statement: the
 * strict parse fails on it, or error() does when the fast case does not hold. Nothing is left out
 * silently, so a statement that succeeds staged every record it read.
 */
export function directInsertSql(
  relation: string,
  spec: RecordSpec,
  typeOf: (t: ColumnType) => string,
  into: DirectInsert,
  runParam: string,
): string {
  const strict = `SELECT source_file, source_line, json_transform_strict(raw, ${structure(spec, typeOf)}) AS s FROM (${relation})`;
  const values = spec.fields.map((f) => at('s', f)).join(', ');
  const runId = `CASE WHEN ${fastCase(spec)} THEN ${runParam} ELSE error('not a usual record: for the full parse') END`;
  return `INSERT INTO ${into.table} (${into.columns.join(', ')}, "_source_file", "_source_line", "_run_id")
    SELECT ${values}, source_file, source_line, ${runId} FROM (${strict})`;
}
