// Dialect pieces shared by the engines that follow standard SQL closely enough (DuckDB, PostgreSQL,
// Redshift). An engine's dialect starts from these and overrides what differs.
import type { Table } from '../model/types.js';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function createTableSql(
  t: Table,
  qualified: string,
  typeOf: (c: Table['columns'][number]) => string,
  opts: { ifNotExists?: boolean; temporary?: boolean; suffix?: string; primaryKey?: boolean } = {},
): string {
  const pk = new Set(t.primaryKey ?? []);
  const cols = t.columns.map((c) => {
    const notNull = c.required || pk.has(c.name) ? ' NOT NULL' : '';
    return `  ${quoteIdent(c.name)} ${typeOf(c)}${notNull}`;
  });
  if (t.primaryKey?.length && opts.primaryKey !== false)
    cols.push(`  PRIMARY KEY (${t.primaryKey.map(quoteIdent).join(', ')})`);
  const temp = opts.temporary ? 'TEMPORARY ' : '';
  const ine = opts.ifNotExists ? 'IF NOT EXISTS ' : '';
  return `CREATE ${temp}TABLE ${ine}${qualified} (\n${cols.join(',\n')}\n)${opts.suffix ?? ''}`;
}

/** Escape text for a single-quoted SQL literal (only for constants the code itself owns). */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The message of a row with columns reason and field: the reason's text, then the field named. */
export function rejectMessageSql(): string {
  const arms = Object.entries(rejectMessages).map(
    ([code, msg]) => `WHEN ${sqlString(code)} THEN ${sqlString(msg)}`,
  );
  return `CASE reason ${arms.join(' ')} END || CASE WHEN field <> '' THEN ' (field "' || field || '")' ELSE '' END`;
}

/** Human messages for reject reasons, shared so every engine says the same thing. */
export const rejectMessages: Record<string, string> = {
  invalid_json: 'not valid JSON: fix or remove the line',
  not_object: 'valid JSON but not an object: each record must be a JSON object',
  missing_field: 'required field is missing or null',
  bad_type: 'field has the wrong type',
};
