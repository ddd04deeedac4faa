// PostgreSQL's SQL text: the type table, schema-qualified names and the helpers the transforms use.
// Tables are qualified with the configured schema; temporary tables never are. Record parsing is in
// postgres-parse.ts. Redshift's dialect starts from this one and overrides what differs.
import type { ColumnType, Table } from '../../model/types.js';
import type { PickPerKey, SqlDialect } from '../dialect.js';
import { createTableSql, quoteIdent, sqlString } from '../sql-common.js';
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

/**
 * pickPerKey in two hash-friendly steps: the best leading sort key per key (an aggregate), then
 * DISTINCT ON over just the rows that have it, for the remaining tie-breaks. Sorting every row
 * instead spills for a large staging table (measured: 1.7 s against 0.6 s for 800k events).
 */
function pickPerKey(q: PickPerKey): string {
  const [lead = 'true', ...rest] = q.by;
  const dir = q.pick === 'first' ? 'ASC' : 'DESC';
  const where = `${q.key} IS NOT NULL${q.where ? ` AND (${q.where})` : ''}`;
  const best = `SELECT ${q.key} AS hz_k, ${q.pick === 'first' ? 'min' : 'max'}(${lead}) AS hz_b
    FROM ${q.from} WHERE ${where} GROUP BY ${q.key}`;
  const order = [q.key, ...rest.map((b) => `${b} ${dir}`)].join(', ');
  return `SELECT DISTINCT ON (${q.key}) ${[q.key, ...q.columns].join(', ')}
    FROM ${q.from} JOIN (${best}) hz_best ON hz_best.hz_k = ${q.key} AND hz_best.hz_b = ${lead}
    WHERE ${where} ORDER BY ${order}`;
}

/** The BRIN index of one block key: PostgreSQL's per-block ranges (zone maps, in an index). */
const brinName = (t: Table, key: string) => `${t.name}_${key}_brin`;

/**
 * With `added`: the whole ANALYZE only when the rows added are at least a tenth of what the
 * statistics describe, the share from which autovacuum analyzes a table on its own
 * (autovacuum_analyze_scale_factor); otherwise only the given columns, which still samples the
 * whole table but computes nothing else: `staging_events (_run_id, ts)` took 198–309 ms on the
 * ×100 sample's history against 510–725 ms for all of it (four each). reltuples is -1 until a
 * table's first ANALYZE or VACUUM. `added` is a count, not input, so it can be written into the
 * DO block.
 */
function analyzeSql(table: string, opts?: { added: number; columns?: string[] }): string {
  if (!opts) return `ANALYZE ${table}`;
  const some = opts.columns?.length
    ? ` ELSE ANALYZE ${table} (${opts.columns.map(quoteIdent).join(', ')});`
    : '';
  return `DO $hz$ BEGIN IF (SELECT reltuples FROM pg_class WHERE oid = ${sqlString(table)}::regclass) < ${Math.trunc(opts.added) * 10} THEN ANALYZE ${table};${some} END IF; END $hz$`;
}

/** The warehouse creates the session function parseRecords relies on (tryJsonbFunctionSql). */
export function postgresDialect(schema?: string): SqlDialect {
  const table = (name: string) => (schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name));
  return {
    name: 'postgres',
    enforcesPrimaryKeys: true,
    // With the BRIN indexes of blockIndexes: a daily run's filters on _run_id and ts read the
    // blocks of the newest rows only.
    skipsBlocks: true,
    quoteId: quoteIdent,
    table,
    analyze: analyzeSql,
    blockIndexes: (t) =>
      (t.blockKeys ?? []).map(
        (k) =>
          `CREATE INDEX IF NOT EXISTS ${quoteIdent(brinName(t, k))} ON ${table(t.name)} USING brin (${quoteIdent(k)})`,
      ),
    dropBlockIndexes: (t) => (t.blockKeys ?? []).map((k) => `DROP INDEX IF EXISTS ${table(brinName(t, k))}`),
    // Rows added after an index was built fall in ranges it has not summarized yet, which every
    // scan reads; summarizing reads only those.
    summarizeBlocks: (t) =>
      (t.blockKeys ?? []).map(
        (k) => `SELECT brin_summarize_new_values(${sqlString(table(brinName(t, k)))}::regclass)`,
      ),
    type: (t) => postgresTypes[t],
    param: (i) => `$${i}`,
    createTable: (t: Table, o = {}) =>
      createTableSql(t, o.temporary ? quoteIdent(t.name) : table(t.name), (c) => postgresTypes[c.type], o),
    dropTable: (name) => `DROP TABLE IF EXISTS ${table(name)}`,
    existingTables: (names) =>
      `SELECT table_name AS name FROM information_schema.tables WHERE table_catalog = current_database()
       AND table_schema = current_schema() AND table_name IN (${names.map(sqlString).join(', ')})`,
    // CREATE TABLE … PRIMARY KEY names the constraint <table>_pkey.
    dropPrimaryKey: (t) =>
      t.primaryKey?.length
        ? `ALTER TABLE ${table(t.name)} DROP CONSTRAINT IF EXISTS ${quoteIdent(`${t.name}_pkey`)}`
        : '',
    addPrimaryKey: (t) =>
      t.primaryKey?.length
        ? `ALTER TABLE ${table(t.name)} ADD CONSTRAINT ${quoteIdent(`${t.name}_pkey`)} PRIMARY KEY (${t.primaryKey.map(quoteIdent).join(', ')})`
        : '',
    // Whole seconds and the millisecond rest as two interval products: exact for any bigint epoch.
    epochMsToTimestamp: (e) =>
      `(TIMESTAMP 'epoch' + (${e}) / 1000 * INTERVAL '1 second' + (${e}) % 1000 * INTERVAL '1 millisecond')`,
    datePart: (part, e) => `CAST(extract(${parts[part]} FROM ${e}) AS integer)`,
    pickPerKey,
    jsonRows: (columns, from) =>
      `SELECT coalesce(json_agg(json_build_object(${columns.map((c) => `'${c}', ${quoteIdent(c)}`).join(', ')})), '[]')::text AS j FROM ${from}`,
    md5: (e) => `md5(${e})`,
    concatText: (es) => `concat(${es.join(', ')})`,
    parseRecords: parseRecordsSql,
  };
}
