// PostgreSQL's SQL text: the type table, schema-qualified names and the helpers the transforms use.
// Tables are qualified with the configured schema; temporary tables never are. Record parsing is in
// postgres-parse.ts. Redshift's dialect starts from this one and overrides what differs.
import type { ColumnType, Table } from '../../model/types.js';
import type { SqlDialect } from '../dialect.js';
import { createTableSql, pickPerKeyByWindow, quoteIdent } from '../sql-common.js';
import { parseRecordsSql } from './postgres-parse.js';

export const postgresTypes: Record<ColumnType, string> = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  timestamp: 'timestamp',
  bool: 'boolean',
};

const parts = { hour: 'hour', day: 'day', week: 'week', month: 'month', year: 'year', weekday: 'dow' };

/** The warehouse creates the session function parseRecords relies on (tryJsonbFunctionSql). */
export function postgresDialect(schema?: string): SqlDialect {
  const table = (name: string) => (schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name));
  return {
    name: 'postgres',
    quoteId: quoteIdent,
    table,
    analyze: (t) => `ANALYZE ${t}`,
    type: (t) => postgresTypes[t],
    param: (i) => `$${i}`,
    createTable: (t: Table, o = {}) =>
      createTableSql(t, o.temporary ? quoteIdent(t.name) : table(t.name), (c) => postgresTypes[c.type], o),
    dropTable: (name) => `DROP TABLE IF EXISTS ${table(name)}`,
    // Whole seconds and the millisecond rest as two interval products: exact for any bigint epoch.
    epochMsToTimestamp: (e) =>
      `(TIMESTAMP 'epoch' + (${e}) / 1000 * INTERVAL '1 second' + (${e}) % 1000 * INTERVAL '1 millisecond')`,
    datePart: (part, e) => `CAST(extract(${parts[part]} FROM ${e}) AS integer)`,
    pickPerKey: pickPerKeyByWindow,
    md5: (e) => `md5(${e})`,
    concatText: (es) => `concat(${es.join(', ')})`,
    parseRecords: parseRecordsSql,
  };
}
