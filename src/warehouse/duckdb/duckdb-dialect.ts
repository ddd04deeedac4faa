// DuckDB's SQL text. Records are parsed once per line with from_json into a struct; only rows that
// look wrong pay for one more parse (json_type over all checked paths at once) that tells a missing
// field from a badly typed one.
import type { FieldSpec, RecordSpec } from '../../model/records.js';
import type { ColumnType, Table } from '../../model/types.js';
import type { SqlDialect } from '../dialect.js';
import { createTableSql, quoteIdent, rejectMessages, sqlString } from '../sql-common.js';

const types: Record<ColumnType, string> = {
  text: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
};

const isNumeric = (f: FieldSpec) => f.type !== 'text';
const field = (f: FieldSpec) => `j.${quoteIdent(f.key)}`;
const path = (f: FieldSpec) => sqlString(`$.${f.key}`);
const jsonType = (f: FieldSpec) => `json_type(raw, ${path(f)})`;

/** Fields whose JSON type the deep checks look at, in the order they are checked. */
const deepFields = (spec: RecordSpec) => [
  ...spec.fields.filter(isNumeric),
  ...spec.fields.filter((f) => !isNumeric(f)),
];

/**
 * The JSON types of the deep-check fields, one json_type call (one parse) for all of them, and only
 * for rows that look wrong: a numeric field that came out NULL, or a text field that came out as
 * JSON text of an object or array (from_json renders those compactly, so they start with { or [).
 */
function suspectTypes(spec: RecordSpec): string {
  const suspect = spec.fields
    .map((f) =>
      isNumeric(f) ? `${field(f)} IS NULL` : `starts_with(${field(f)}, '{') OR starts_with(${field(f)}, '[')`,
    )
    .join(' OR ');
  return `CASE WHEN j IS NOT NULL AND (${suspect}) THEN json_type(raw, [${deepFields(spec).map(path).join(', ')}]) END`;
}

/** The reason code plus field name, e.g. 'missing_field:ts', or NULL for a good record. */
function reasonCase(spec: RecordSpec): string {
  const deep = deepFields(spec);
  const type = (f: FieldSpec) => `types[${deep.indexOf(f) + 1}]`;
  const whens = [
    `WHEN j IS NULL AND NOT json_valid(raw) THEN 'invalid_json:'`,
    `WHEN NOT starts_with(raw, '{') THEN 'not_object:'`,
    ...spec.fields
      .filter((f) => f.required)
      .map(
        (f) =>
          `WHEN ${field(f)} IS NULL THEN CASE WHEN coalesce(${jsonType(f)}, 'NULL') = 'NULL' THEN 'missing_field:${f.key}' ELSE 'bad_type:${f.key}' END`,
      ),
  ];
  const checks = deep.map((f) =>
    isNumeric(f)
      ? `WHEN ${field(f)} IS NULL AND coalesce(${type(f)}, 'NULL') <> 'NULL' THEN 'bad_type:${f.key}'`
      : `WHEN ${type(f)} IN ('OBJECT', 'ARRAY') THEN 'bad_type:${f.key}'`,
  );
  whens.push(`WHEN types IS NOT NULL THEN CASE ${checks.join(' ')} END`);
  return `CASE ${whens.join(' ')} END`;
}

function messageCase(): string {
  const arms = Object.entries(rejectMessages).map(
    ([code, msg]) => `WHEN ${sqlString(code)} THEN ${sqlString(msg)}`,
  );
  return `CASE reason ${arms.join(' ')} END || CASE WHEN field <> '' THEN ' (field "' || field || '")' ELSE '' END`;
}

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  quoteId: quoteIdent,
  table: (name) => quoteIdent(name),
  type: (t) => types[t],
  param: (i) => `$${i}`,
  // No PRIMARY KEY: DuckDB would maintain an ART index on every insert and hold it in memory, which
  // costs more than the whole load; the quality checks verify keys unique and not null instead.
  createTable: (t: Table, opts = {}) =>
    createTableSql(t, quoteIdent(t.name), (c) => types[c.type], { ...opts, primaryKey: false }),
  dropTable: (name) => `DROP TABLE IF EXISTS ${quoteIdent(name)}`,
  epochMsToTimestamp: (e) => `epoch_ms(CAST(${e} AS BIGINT))`,
  datePart: (part, e) =>
    part === 'weekday' ? `CAST(dayofweek(${e}) AS INTEGER)` : `CAST(${part}(${e}) AS INTEGER)`,
  // DuckDB updates its statistics on every insert; ANALYZE would rescan the whole table.
  analyze: () => '',
  md5: (e) => `md5(${e})`,
  concatText: (es) => `concat(${es.join(', ')})`,
  parseRecords(relation, spec) {
    const struct = Object.fromEntries(spec.fields.map((f) => [f.key, types[f.type]]));
    const cols = spec.fields.map((f) => `${field(f)} AS ${quoteIdent(f.column)}`).join(', ');
    // read_text scans run on one thread; materializing the records first lets the parse run on all.
    const parsed = `SELECT source_file, source_line, raw, try(from_json(raw, ${sqlString(JSON.stringify(struct))})) AS j FROM _hz_records`;
    const typed = `SELECT *, ${suspectTypes(spec)} AS types FROM (${parsed})`;
    const reasoned = `SELECT source_file, source_line, raw, j, ${reasonCase(spec)} AS rf FROM (${typed})`;
    const split = `SELECT *, split_part(rf, ':', 1) AS reason, split_part(rf, ':', 2) AS field FROM (${reasoned})`;
    return `WITH _hz_records AS MATERIALIZED (${relation})
      SELECT source_file, source_line, ${cols}, reason, CASE WHEN reason IS NOT NULL THEN ${messageCase()} END AS message, CASE WHEN reason IS NOT NULL THEN raw END AS raw FROM (${split})`;
  },
};
