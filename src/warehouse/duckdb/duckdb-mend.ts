// A DuckDB 1.5.5 fault, and its mend. A COMMIT that runs out of memory while it appends its rows to
// a table gives up and takes the row group's count back, but the columns keep the rows appended
// so far in memory (pragma_storage_info shows them). The file and its log are sound (a new process
// reads the table as it was before), but the next checkpoint in this process finds a column longer
// than its row group ("Corrupted in-memory column … misaligned count") and invalidates the
// database. Reading the table still gives exactly its committed rows, so copying them into a new
// table and dropping the damaged one mends it: the checkpoint after that is clean
// (test/duckdb-mend.test.ts reproduces both). The direct load is the one place that carries on
// after a failed statement, so it looks for that damage when one fails, and mends it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../sql-common.js';
import type { Runner } from './duckdb-raw-tables.js';

/** Whether e (or what it wraps) is DuckDB's failure of a COMMIT, which may have damaged a table. */
export function failedInCommit(e: unknown): boolean {
  for (let x = e; x instanceof Error; x = x.cause) if (/Failed to commit/.test(x.message)) return true;
  return false;
}

/**
 * Whether a column of table (a quoted name, with no row deleted) holds more rows than the table:
 * the damage above. Reads the segment list only, a few milliseconds.
 */
export async function damaged(conn: DuckDBConnection, run: Runner, table: string): Promise<boolean> {
  const sql = `SELECT count(*) FROM (SELECT column_id FROM pragma_storage_info($1)
    WHERE column_path = '[' || column_id || ']' GROUP BY column_id
    HAVING sum(count) <> (SELECT count(*) FROM ${table}))`;
  const reader = await run(() => conn.runAndReadAll(sql, [table]), sql);
  return Number(reader.getRows()[0]?.[0] ?? 0) > 0;
}

/**
 * Replaces table (a quoted name) by a copy of its rows: same columns, types and NOT NULLs, rows in
 * rowid order, so a rowid read before still marks the same row.
 */
export async function rebuildTable(conn: DuckDBConnection, run: Runner, table: string): Promise<void> {
  const exec = (sql: string) => run(() => conn.run(sql), sql);
  const described = `DESCRIBE ${table}`;
  const reader = await run(() => conn.runAndReadAll(described), described);
  const columns = reader.getRowObjectsJS() as { column_name: string; column_type: string; null: string }[];
  const copy = quoteIdent('_hz_mended');
  const defs = columns.map(
    (c) => `${quoteIdent(c.column_name)} ${c.column_type}${c.null === 'NO' ? ' NOT NULL' : ''}`,
  );
  await exec(`DROP TABLE IF EXISTS ${copy}`);
  try {
    await exec(`CREATE TABLE ${copy} (${defs.join(', ')})`);
    await exec(`INSERT INTO ${copy} SELECT * FROM ${table} ORDER BY rowid`);
  } catch (e) {
    // Out of memory again, say: the run fails, and leaves no copy behind.
    await exec(`DROP TABLE IF EXISTS ${copy}`).catch(() => undefined);
    throw e;
  }
  await exec(`DROP TABLE ${table}`);
  await exec(`ALTER TABLE ${copy} RENAME TO ${table}`);
}
