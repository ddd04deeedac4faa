// A DuckDB 1.5.5 fault, and its mend. A COMMIT that runs out of memory while it appends its rows to
// a table gives up and takes the row group's count back, but the columns keep the rows appended
// so far in memory (pragma_storage_info shows them). Reading the table still gives exactly its
// committed rows, and the file and its log are sound: a new process reads the table as it was
// before. But the next checkpoint in this process finds a column longer than its row group
// ("Corrupted in-memory column … misaligned count") and invalidates the database; and a later
// COMMIT that appends to the table does not fail at all: its rows read as the failed insert's
// values, and the next checkpoint writes them to the file (test/duckdb-mend.test.ts reproduces
// all three). Copying the table's rows into a new table and dropping the damaged one mends it:
// later appends and checkpoints are clean.
//
// So a warehouse whose statement failed in its COMMIT checks every table
// before its next statement and rebuilds the damaged ones (duckdb-warehouse.ts, ready); the
// direct load, which carries on after a failed statement within one call, checks its target at once.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../sql-common.js';
import type { Runner } from './duckdb-raw-tables.js';

/** Whether e (or what it wraps) is DuckDB's failure of a COMMIT, which may have damaged a table. */
export function failedInCommit(e: unknown): boolean {
  for (let x = e; x instanceof Error; x = x.cause) if (/Failed to commit/.test(x.message)) return true;
  return false;
}

/** A table as DuckDB's catalog names it. */
export interface TableName {
  database: string;
  schema: string;
  name: string;
}

const qualified = (t: TableName) => [t.database, t.schema, t.name].map(quoteIdent).join('.');

/**
 * The top-level columns' row counts in the table's segments, one per column; [] for a table with
 * no rows. Reads the segment list only, a few milliseconds.
 */
async function columnRows(conn: DuckDBConnection, run: Runner, table: string): Promise<number[]> {
  const sql = `SELECT column_id, sum(count) FROM pragma_storage_info($1)
    WHERE column_path = '[' || column_id || ']' GROUP BY column_id`;
  const reader = await run(() => conn.runAndReadAll(sql, [table]), sql);
  return reader.getRows().map((r) => Number(r[1]));
}

/**
 * Whether a column of table (a quoted name, with no row deleted) holds more rows than the table:
 * the damage above.
 */
export async function damaged(conn: DuckDBConnection, run: Runner, table: string): Promise<boolean> {
  const count = `SELECT count(*) FROM ${table}`;
  const rows = Number((await run(() => conn.runAndReadAll(count), count)).getRows()[0]?.[0] ?? 0);
  return (await columnRows(conn, run, table)).some((n) => n !== rows);
}

/**
 * The damaged tables of every attached database, deleted rows or not: a column whose segments hold
 * another number of rows than the table's row groups (duckdb_tables' estimated_size, which counts
 * deleted rows too). Run it when no other statement writes. Names holding a double quote are
 * passed over: pragma_storage_info cannot name them.
 */
export async function damagedTables(conn: DuckDBConnection, run: Runner): Promise<TableName[]> {
  const list = `SELECT database_name, schema_name, table_name, estimated_size FROM duckdb_tables() WHERE NOT internal`;
  const reader = await run(() => conn.runAndReadAll(list), list);
  const found: TableName[] = [];
  for (const [database, schema, name, size] of reader.getRows()) {
    const t = { database: String(database), schema: String(schema), name: String(name) };
    // pragma_storage_info does not read a quote doubled inside a name; no Harmonize table has one.
    if (Object.values(t).some((part) => part.includes('"'))) continue;
    if ((await columnRows(conn, run, qualified(t))).some((n) => n !== Number(size))) found.push(t);
  }
  return found;
}

/**
 * Replaces table by a copy of its rows: same columns, types and NOT NULLs, rows in rowid order, so
 * in a table with no row deleted a rowid read before still marks the same row. A quoted name is
 * taken as in the default schema. Runs a transaction on conn: no other statement may use conn
 * meanwhile.
 */
export async function rebuildTable(
  conn: DuckDBConnection,
  run: Runner,
  table: string | TableName,
): Promise<void> {
  const exec = (sql: string) => run(() => conn.run(sql), sql);
  // Names in the table's own database and schema: a rename cannot move a table out of them.
  const prefix =
    typeof table === 'string' ? '' : `${quoteIdent(table.database)}.${quoteIdent(table.schema)}.`;
  const own = typeof table === 'string' ? table : quoteIdent(table.name);
  const name = prefix + own;
  const copy = prefix + quoteIdent('_hz_mended');
  const described = `DESCRIBE ${name}`;
  const reader = await run(() => conn.runAndReadAll(described), described);
  const columns = reader.getRowObjectsJS() as { column_name: string; column_type: string; null: string }[];
  const defs = columns.map(
    (c) => `${quoteIdent(c.column_name)} ${c.column_type}${c.null === 'NO' ? ' NOT NULL' : ''}`,
  );
  // One transaction: a checkpoint that a COMMIT sets off (the copy's, say) must not find the
  // damaged table still there, and a copy that fails leaves nothing behind.
  await exec('BEGIN');
  try {
    await exec(`DROP TABLE IF EXISTS ${copy}`);
    await exec(`CREATE TABLE ${copy} (${defs.join(', ')})`);
    await exec(`INSERT INTO ${copy} SELECT * FROM ${name} ORDER BY rowid`);
    await exec(`DROP TABLE ${name}`);
    await exec(`ALTER TABLE ${copy} RENAME TO ${own}`);
    await exec('COMMIT');
  } catch (e) {
    // Out of memory again, say: the run fails, and leaves the table as it was and no copy.
    await exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
