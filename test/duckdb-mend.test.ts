// The DuckDB 1.5.5 fault duckdb-mend.ts works around, reproduced: an INSERT whose COMMIT runs out
// of memory leaves its table damaged in memory; the next checkpoint invalidates the database, and a
// later COMMIT to the table reads back the failed insert's values and writes them to the file.
// Rebuilt from its rows, the table is whole again: the same rows and columns, a clean checkpoint.
// The warehouse's guard (duckdb-guard.ts) finds the damaged tables after a failed COMMIT and
// rebuilds them before the next statement. If a DuckDB upgrade fixes the fault, the first tests
// fail and say so: the rebuild can then go.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { CommitGuard, duckdbError } from '../src/warehouse/duckdb/duckdb-guard.js';
import { damaged, damagedTables, failedInCommit, rebuildTable } from '../src/warehouse/duckdb/duckdb-mend.js';
import type { Runner } from '../src/warehouse/duckdb/duckdb-raw-tables.js';
import { event, jsonLines, songAFile, tempDir } from './support/data.js';
import { duckFixture } from './support/duckdb.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const rows = (n: number, width: number, from: number) =>
  `SELECT repeat('a', ${width}) || (i + ${from})::VARCHAR AS x, i AS y, md5(i::VARCHAR) AS z FROM range(${n}) r(i)`;

const run = <T>(fn: () => Promise<T>) => fn();

/** A connection to a new, empty file database with the default settings. */
async function fileConnection(): Promise<DuckDBConnection> {
  const dir = await tempDir('hz-mend-');
  cleanups.push(() => dir.cleanup());
  const instance = await DuckDBInstance.create(join(dir.path, 'wh.duckdb'));
  cleanups.push(() => Promise.resolve(instance.closeSync()));
  return instance.connect();
}

/** A runner that fails the statements matching fail while it is set, and records all it runs. */
function failingRunner(fail: RegExp | undefined) {
  const seen: string[] = [];
  const runner: { fail: RegExp | undefined; seen: string[]; run: Runner } = {
    fail,
    seen,
    run: <T>(fn: () => Promise<T>, sql?: string) => {
      seen.push(sql ?? '');
      return runner.fail && sql && runner.fail.test(sql)
        ? Promise.reject(new Error(`Out of Memory Error: in ${sql.split(' ')[0] ?? ''}`))
        : fn();
    },
  };
  return runner;
}

const lastRows = async (conn: DuckDBConnection) =>
  (
    await conn.runAndReadAll(
      `SELECT rowid::INTEGER, x, y::INTEGER, z FROM t WHERE rowid >= 49999 ORDER BY rowid`,
    )
  ).getRows();

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
  return { conn, instance, path: join(dir.path, 'wh.duckdb'), error, before, digest, whole };
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

  it("lets a later COMMIT to the table read back, and write to the file, the failed insert's values", async () => {
    const { conn, instance, path, error } = await failedCommit();
    expect(failedInCommit(error)).toBe(true);
    await conn.run(`INSERT INTO t VALUES ('after', 7, 'after')`);
    const last = (await lastRows(conn)).slice(-1)[0] ?? [];
    expect(last[0]).toBe(50000);
    expect(String(last[1])).toMatch(/^a{200}1000000$/);
    conn.closeSync();
    instance.closeSync();
    const again = await (await DuckDBInstance.create(path)).connect();
    expect(String(((await lastRows(again)).slice(-1)[0] ?? [])[1])).toMatch(/^a{200}1000000$/);
    again.closeSync();
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
  it('is mended in one transaction: a checkpoint its COMMIT sets off finds the table whole', async () => {
    const { conn, error, before, digest } = await failedCommit();
    expect(failedInCommit(error)).toBe(true);
    // Every COMMIT that writes to the log now checkpoints as it ends.
    await conn.run(`SET checkpoint_threshold = '1KB'`);
    await rebuildTable(conn, run, '"t"');
    expect(await damaged(conn, run, '"t"')).toBe(false);
    expect(await digest()).toEqual(before);
    await conn.run(`INSERT INTO t VALUES ('after', 7, 'after')`);
    expect((await lastRows(conn)).slice(-1)).toEqual([[50000, 'after', 7, 'after']]);
  });
});

describe('the guard after a failed COMMIT (duckdb-guard.ts)', () => {
  it('rebuilds the damaged table before the next statement: later rows are right, in the file too', async () => {
    const { conn, instance, path, error, before, digest } = await failedCommit();
    const runner = failingRunner(undefined);
    const guard = new CommitGuard({ conn, run: runner.run, where: 'duckdb:test' });
    guard.failed(error);
    await guard.ready();
    expect(runner.seen.some((sql) => /^INSERT INTO "\w+"\."main"\."_hz_mended"/.test(sql))).toBe(true);
    expect(await damagedTables(conn, run)).toEqual([]);
    expect(await digest()).toEqual(before);
    await conn.run(`INSERT INTO t VALUES ('after', 7, 'after')`);
    expect((await lastRows(conn)).slice(-2)).toEqual([
      [49999, `${'a'.repeat(20)}49999`, 49999, expect.any(String)],
      [50000, 'after', 7, 'after'],
    ]);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    const again = await (await DuckDBInstance.create(path)).connect();
    expect((await lastRows(again)).slice(-1)).toEqual([[50000, 'after', 7, 'after']]);
    again.closeSync();
    // Mended once: the next call checks nothing.
    const count = runner.seen.length;
    await guard.ready();
    expect(runner.seen.length).toBe(count);
  });

  it('lets a DROP TABLE go ahead unmended, and finds nothing to rebuild once the damaged table is dropped', async () => {
    const { conn, error } = await failedCommit();
    const runner = failingRunner(undefined);
    const guard = new CommitGuard({ conn, run: runner.run, where: 'duckdb:test' });
    guard.failed(error);
    await guard.ready('DROP TABLE IF EXISTS "t"');
    expect(runner.seen).toEqual([]);
    await conn.run('DROP TABLE "t"');
    await guard.ready('SELECT 1');
    expect(runner.seen.filter((sql) => /_hz_mended/.test(sql))).toEqual([]);
    expect(runner.seen.some((sql) => /duckdb_tables\(\)/.test(sql))).toBe(true);
    await conn.run('CHECKPOINT');
  });

  it('checks nothing after other failures', async () => {
    const runner = failingRunner(undefined);
    const guard = new CommitGuard({ conn: await fileConnection(), run: runner.run, where: 'duckdb:test' });
    guard.failed(new Error('Out of Memory Error: failed to allocate data of size 4.0 MiB'));
    guard.failed(new Error('Binder Error: no such column'));
    await guard.ready();
    expect(runner.seen).toEqual([]);
  });

  it('fails the call when the check fails, and checks again at the next one', async () => {
    const { conn, error, before, digest } = await failedCommit();
    const runner = failingRunner(/duckdb_tables/);
    const guard = new CommitGuard({ conn, run: runner.run, where: 'duckdb:test' });
    guard.failed(error);
    await expect(guard.ready()).rejects.toThrow(/in SELECT/);
    runner.fail = undefined;
    await guard.ready();
    expect(await damagedTables(conn, run)).toEqual([]);
    expect(await digest()).toEqual(before);
  });

  it('fails every later call, as a warehouse error, when the rebuild fails', async () => {
    const { conn, error } = await failedCommit();
    const runner = failingRunner(/^INSERT/);
    const guard = new CommitGuard({ conn, run: runner.run, where: 'duckdb:/x/wh.duckdb' });
    guard.failed(error);
    const first = await guard.ready().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(HarmonizeError);
    expect((first as HarmonizeError).exitCode).toBe(3);
    expect((first as HarmonizeError).oneLine()).toMatch(
      /^duckdb:\/x\/wh\.duckdb: stopped: table t, damaged in memory by a failed COMMIT, could not be rebuilt \(Out of Memory Error: in INSERT\) \(run again/,
    );
    runner.fail = undefined;
    await expect(guard.ready()).rejects.toBe(first);
    // The table is left as it was (damaged), not dropped, and no copy is left behind.
    expect(await damaged(conn, run, '"t"')).toBe(true);
    const tables = (await conn.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows();
    expect(tables).toEqual([['t']]);
  });
});

describe('damagedTables', () => {
  it('finds none in sound tables: deleted and updated rows, an added column, empty, attached, temporary, odd names', async () => {
    const conn = await fileConnection();
    await conn.run(`ATTACH ':memory:' AS side`);
    await conn.run(`CREATE TABLE gaps AS ${rows(300_000, 5, 0)}`);
    await conn.run(`DELETE FROM gaps WHERE y % 3 = 0 OR y > 290000`);
    await conn.run(`UPDATE gaps SET z = 'changed' WHERE y % 7 = 0`);
    await conn.run(`ALTER TABLE gaps ADD COLUMN w INTEGER`);
    await conn.run(`CREATE TABLE empty (a INTEGER)`);
    await conn.run(`CREATE TABLE side.main."odd name" AS ${rows(1000, 5, 0)}`);
    await conn.run(`CREATE TABLE "quoted ""name""" AS ${rows(10, 5, 0)}`);
    await conn.run(`CREATE TEMP TABLE scratch AS ${rows(1000, 5, 0)}`);
    expect(await damagedTables(conn, run)).toEqual([]);
    await conn.run('CHECKPOINT');
    expect(await damagedTables(conn, run)).toEqual([]);
    // The deleted rows are still in the segments: a check against count(*) would call it damaged.
    expect(await damaged(conn, run, '"gaps"')).toBe(true);
  });

  it('finds none in a warehouse after a full load and a run that replaced a changed file', async () => {
    const f = await duckFixture();
    cleanups.push(() => f.close());
    const day = (d: number, level: string) =>
      jsonLines(
        Array.from({ length: 40 }, (_, i) =>
          event({
            ts: Date.UTC(2018, 10, d, 12) + i,
            userId: String(i % 5),
            level,
            sessionId: d,
            itemInSession: i,
          }),
        ),
      );
    await f.dir.write('songs/A/s1.json', songAFile());
    for (const d of [1, 2, 3]) await f.dir.write(`logs/2018-11-0${d}-events.json`, day(d, 'free'));
    const songs = join(f.dir.path, 'songs');
    const logs = join(f.dir.path, 'logs');
    await f.etl(songs, logs);
    await f.dir.write('logs/2018-11-02-events.json', day(2, 'paid'));
    expect((await f.etl(songs, logs)).files.logs).toMatchObject({ changed: 1 });
    await f.wh.close();
    const instance = await DuckDBInstance.create(f.dbPath);
    cleanups.push(() => Promise.resolve(instance.closeSync()));
    const conn = await instance.connect();
    const tables = await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() ORDER BY 1`);
    // Tables that hold deleted rows, which a check against count(*) reads as damaged: not this one.
    const withDeleted: string[] = [];
    for (const [name] of tables.getRows())
      if (await damaged(conn, run, `"${String(name)}"`)) withDeleted.push(String(name));
    expect(withDeleted).toContain('songplays');
    expect(await damagedTables(conn, run)).toEqual([]);
  });

  it('finds the damaged table among others', async () => {
    const { conn } = await failedCommit();
    await conn.run(`CREATE TABLE other AS ${rows(100, 5, 0)}`);
    await conn.run(`DELETE FROM other WHERE y < 50`);
    expect(await damagedTables(conn, run)).toEqual([{ database: 'wh', schema: 'main', name: 't' }]);
  });
});

describe('duckdbError', () => {
  it('reads a COMMIT out of memory as running out of memory under the cap: a warehouse error', async () => {
    const { error } = await failedCommit();
    const e = duckdbError(error, '64MB', 'duckdb:/x/wh.duckdb');
    expect(e).toBeInstanceOf(HarmonizeError);
    expect((e as HarmonizeError).exitCode).toBe(3);
    expect((e as HarmonizeError).oneLine()).toMatch(
      /^duckdb:\/x\/wh\.duckdb: DuckDB ran out of memory under its 64MB cap \(TransactionContext Error: Failed to commit: could not allocate .*\) \(raise the cap with \?memory_limit=2GB/,
    );
    expect(failedInCommit(e)).toBe(true);
  });

  it('leaves other errors as DuckDB errors, not warehouse errors', () => {
    const e = duckdbError(new Error('Binder Error: no such column\nLINE 1'), '64MB', 'duckdb:x');
    expect(e).not.toBeInstanceOf(HarmonizeError);
    expect(e.message).toBe('DuckDB: Binder Error: no such column\nLINE 1');
  });
});

describe('rebuildTable', () => {
  it('leaves the table and no copy behind when the copy fails', async () => {
    const conn = await fileConnection();
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
