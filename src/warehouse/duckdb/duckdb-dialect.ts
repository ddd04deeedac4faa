// DuckDB's SQL text. Records are parsed once per line with from_json into a struct; only rows that
// look wrong pay for the deeper json_type checks that tell a missing field from a badly typed one.
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
const jsonType = (f: FieldSpec) => `json_type(raw, ${sqlString(`$.${f.key}`)})`;

/** The reason code plus field name, e.g. 'missing_field:ts', or NULL for a good record. */
function reasonCase(spec: RecordSpec): string {
  const required = spec.fields.filter((f) => f.required);
  const numeric = spec.fields.filter(isNumeric);
  const text = spec.fields.filter((f) => !isNumeric(f));
  const whens = [
    `WHEN j IS NULL THEN 'invalid_json:'`,
    `WHEN NOT starts_with(raw, '{') THEN 'not_object:'`,
    ...required.map(
      (f) =>
        `WHEN ${field(f)} IS NULL THEN CASE WHEN coalesce(${jsonType(f)}, 'NULL') = 'NULL' THEN 'missing_field:${f.key}' ELSE 'bad_type:${f.key}' END`,
    ),
  ];
  // Cheap suspicion first; json_type only runs on the few rows that raise it.
  const suspect = [
    ...numeric.map((f) => `${field(f)} IS NULL`),
    ...text.map((f) => `left(${field(f)}, 1) IN ('{', '[')`),
  ].join(' OR ');
  const deep = [
    ...numeric.map(
      (f) =>
        `WHEN ${field(f)} IS NULL AND coalesce(${jsonType(f)}, 'NULL') <> 'NULL' THEN 'bad_type:${f.key}'`,
    ),
    ...text.map((f) => `WHEN ${jsonType(f)} IN ('OBJECT', 'ARRAY') THEN 'bad_type:${f.key}'`),
  ];
  whens.push(`WHEN ${suspect} THEN CASE ${deep.join(' ')} END`);
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
  createTable: (t: Table, opts = {}) => createTableSql(t, quoteIdent(t.name), (c) => types[c.type], opts),
  dropTable: (name) => `DROP TABLE IF EXISTS ${quoteIdent(name)}`,
  epochMsToTimestamp: (e) => `epoch_ms(CAST(${e} AS BIGINT))`,
  datePart: (part, e) =>
    part === 'weekday' ? `CAST(dayofweek(${e}) AS INTEGER)` : `CAST(${part}(${e}) AS INTEGER)`,
  md5: (e) => `md5(${e})`,
  concatText: (es) => `concat(${es.join(', ')})`,
  parseRecords(relation, spec) {
    const struct = Object.fromEntries(spec.fields.map((f) => [f.key, types[f.type]]));
    const cols = spec.fields.map((f) => `${field(f)} AS ${quoteIdent(f.column)}`).join(', ');
    const parsed = `SELECT source_file, source_line, raw, try(from_json(raw, ${sqlString(JSON.stringify(struct))})) AS j FROM (${relation})`;
    const reasoned = `SELECT source_file, source_line, raw, j, ${reasonCase(spec)} AS rf FROM (${parsed})`;
    const split = `SELECT *, split_part(rf, ':', 1) AS reason, split_part(rf, ':', 2) AS field FROM (${reasoned})`;
    return `SELECT source_file, source_line, ${cols}, reason, CASE WHEN reason IS NOT NULL THEN ${messageCase()} END AS message, CASE WHEN reason IS NOT NULL THEN raw END AS raw FROM (${split})`;
  },
};
