// The DuckDB 1.5.5 fault duckdb-mend.ts works around, reproduced: an INSERT whose COMMIT runs out
// of memory leaves its table damaged in memory, and the next checkpoint invalidates the database.
// Rebuilt from its rows, the table is whole again: the same rows and columns, a clean checkpoint.
// If a DuckDB upgrade fixes the fault, the first test fails and says so: the rebuild can then go.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { damaged, failedInCommit, rebuildTable } from '../src/warehouse/duckdb/duckdb-mend.js';
import { tempDir } from './support/data.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const rows = (n: number, width: number, from: number) =>
  `SELECT repeat('a', ${width}) || (i + ${from})::VARCHAR AS x, i AS y, md5(i::VARCHAR) AS z FROM range(${n}) r(i)`;

const run = <T>(fn: () => Promise<T>) => fn();

/**
 * A file warehouse with one table of 50,000 committed rows, then the state just after an INSERT of
 * 40,000 more failed in its COMMIT: other transactions held the rest of a 64 MB cap, with no temp
 * directory to spill to, and let go of it afterwards.
 */
async function failedCommit() {
  const dir = await tempDir('hz-mend-');
  cleanups.push(() => dir.cleanup());
  const instance = await DuckDBInstance.create(join(dir.path, 'wh.duckdb'), {
    memory_limit: '64MB',
    threads: '2',
    temp_directory: '',
  });
  cleanups.push(() => Promise.resolve(instance.closeSync()));
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE t (x VARCHAR NOT NULL, y BIGINT, z VARCHAR)`);
  await conn.run(`INSERT INTO t ${rows(50_000, 20, 0)}`);
  const digest = async () =>
    (
      await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, sum(hash(x, y, z))::VARCHAR AS h, sum(y)::VARCHAR AS s FROM t`,
      )
    ).getRowObjectsJS()[0];
  const before = await digest();
  const whole = await damaged(conn, run, '"t"');
  const holders: DuckDBConnection[] = [];
  for (const step of [5000, 1000]) {
    for (;;) {
      const c = await instance.connect();
      await c.run('BEGIN');
      try {
        await c.run(`INSERT INTO t ${rows(step, 200, 2e6)}`);
        holders.push(c);
      } catch {
        await c.run('ROLLBACK').catch(() => undefined);
        break;
      }
    }
  }
  // About 3 MB free: enough to run the insert, not to commit it.
  for (const c of holders.splice(-12)) await c.run('ROLLBACK');
  const error = await conn.run(`INSERT INTO t ${rows(40_000, 200, 1e6)}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  for (const c of holders) await c.run('ROLLBACK');
  return { conn, error, before, digest, whole };
}

describe('a COMMIT out of memory (DuckDB 1.5.5)', () => {
  it('leaves the table damaged: the next checkpoint invalidates the database', async () => {
    const { conn, error, whole } = await failedCommit();
    expect(failedInCommit(error)).toBe(true);
    // The segments hold the failed insert's rows; the table's count does not.
    expect(whole).toBe(false);
    expect(await damaged(conn, run, '"t"')).toBe(true);
    expect((error as Error).message).toMatch(/Failed to commit: could not allocate/);
    const checkpoint = await conn.run('CHECKPOINT').catch((e: unknown) => e);
    expect(checkpoint).toBeInstanceOf(Error);
    expect((checkpoint as Error).message).toMatch(/misaligned count/);
  });

  it('is mended by rebuilding the table from its rows: same rows and columns, a clean checkpoint', async () => {
    const { conn, error, before, digest } = await failedCommit();
    expect(failedInCommit(error)).toBe(true);
    const describe = async () => (await conn.runAndReadAll('DESCRIBE t')).getRowObjectsJS();
    const columns = await describe();
    const rowids = async () =>
      (await conn.runAndReadAll('SELECT y FROM t WHERE rowid IN (0, 49999) ORDER BY rowid')).getRows();
    const ends = await rowids();
    await rebuildTable(conn, run, '"t"');
    expect(await damaged(conn, run, '"t"')).toBe(false);
    expect(await digest()).toEqual(before);
    expect(await describe()).toEqual(columns);
    expect(await rowids()).toEqual(ends);
    await conn.run('CHECKPOINT');
    expect(await digest()).toEqual(before);
    await expect(conn.run(`INSERT INTO t VALUES (NULL, 1, 'z')`)).rejects.toThrow(/NOT NULL/);
  });
});

describe('rebuildTable', () => {
  it('leaves the table and no copy behind when the copy fails', async () => {
    const dir = await tempDir('hz-mend-');
    cleanups.push(() => dir.cleanup());
    const instance = await DuckDBInstance.create(join(dir.path, 'wh.duckdb'));
    cleanups.push(() => Promise.resolve(instance.closeSync()));
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE t AS ${rows(100, 5, 0)}`);
    const failing = <T>(fn: () => Promise<T>, sql?: string) =>
      sql?.startsWith('INSERT') ? Promise.reject(new Error('Out of Memory Error: in the copy')) : fn();
    await expect(rebuildTable(conn, failing, '"t"')).rejects.toThrow(/in the copy/);
    const tables = (await conn.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows();
    expect(tables).toEqual([['t']]);
    expect((await conn.runAndReadAll('SELECT count(*)::INTEGER FROM t')).getRows()).toEqual([[100]]);
  });
});

describe('failedInCommit', () => {
  it('tells a failed COMMIT, also wrapped, from other failures', () => {
    const commit = new Error('TransactionContext Error: Failed to commit: could not allocate block');
    expect(failedInCommit(commit)).toBe(true);
    expect(failedInCommit(new Error('DuckDB: …', { cause: commit }))).toBe(true);
    expect(failedInCommit(new Error('Out of Memory Error: failed to allocate data of size 4.0 MiB'))).toBe(
      false,
    );
    expect(failedInCommit('Failed to commit')).toBe(false);
  });
});
