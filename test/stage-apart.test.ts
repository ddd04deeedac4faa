// A run onto tables that hold rows, on DuckDB, stages apart (capabilities.stageIn = 'apart'):
// into shadow staging tables in the in-memory scratch database before its transaction, by the
// direct load where it can, and the transaction appends their rows. Its warehouse is the one
// staging inside the transaction gives, row for row, rejects and lineage included; a failure
// before or inside the transaction leaves neither rows nor shadows; shadows a failed run's cleanup
// left are dropped before the next run stages; the warehouse file never holds a shadow.
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl, type EtlOptions } from '../src/pipeline/etl.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { event, jsonLines, song, songAFile, tempDir, type TempDir } from './support/data.js';
import { starSnapshot } from './support/duckdb.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function folder(): Promise<TempDir> {
  const dir = await tempDir('hz-apart-');
  cleanups.push(() => dir.cleanup());
  return dir;
}

async function warehouse(
  opts: { stageApart?: boolean; smallFileBytes?: number; largeFileBytes?: number } = {},
): Promise<Warehouse> {
  const wh = await openDuckDb({ path: join((await folder()).path, 'wh.duckdb'), ...opts });
  cleanups.push(() => wh.close());
  return wh;
}

const etl = (wh: Warehouse, dir: TempDir, opts: Partial<EtlOptions> = {}) =>
  runEtl(wh, {
    songs: new LocalSource(join(dir.path, 'songs')),
    logs: new LocalSource(join(dir.path, 'logs')),
    ...opts,
  });

const day = (d: number) => Date.UTC(2018, 10, d, 12);

/** Two days of history and a catalog of one song. */
async function writeHistory(dir: TempDir): Promise<void> {
  await dir.write('songs/A/s1.json', songAFile());
  for (const d of [1, 2])
    await dir.write(
      `logs/2018/11/2018-11-0${d}-events.json`,
      jsonLines([
        event({ ts: day(d), userId: '10', level: 'free' }),
        event({ ts: day(d) + 1, userId: '11', page: 'Home', song: null, artist: null, length: null }),
        event({ ts: day(d) + 2, userId: '12', sessionId: 9 }),
      ]),
    );
}

/** A warehouse that loaded the history, and its folder. */
async function loadedHistory(opts: Parameters<typeof warehouse>[0] = {}) {
  const dir = await folder();
  await writeHistory(dir);
  const wh = await warehouse(opts);
  await etl(wh, dir);
  return { dir, wh };
}

/**
 * A daily run that touches every step: a new day with a user who went paid, a copy of one of its
 * events, an event the history holds, a malformed line and a record of the wrong type; day 2
 * rewritten (its rows removed first); a new song its plays now match.
 */
async function writeDailyRun(dir: TempDir): Promise<void> {
  const first = event({ ts: day(3), userId: '10', level: 'paid', song: 'Song B', artist: 'Artist B' });
  await dir.write(
    'logs/2018/11/2018-11-03-events.json',
    [
      JSON.stringify(first),
      JSON.stringify(first),
      JSON.stringify(event({ ts: day(1), userId: '10', level: 'free', itemInSession: 0 })),
      '{"ts": 1541', // cut off
      JSON.stringify(event({ ts: day(3) + 5, sessionId: 'not a number' })),
      JSON.stringify(event({ ts: day(3) + 9, userId: '13' })),
    ].join('\n'),
  );
  await dir.write(
    'logs/2018/11/2018-11-02-events.json',
    jsonLines([event({ ts: day(2) + 7, userId: '12', level: 'paid' })]),
  );
  await dir.write(
    'songs/B/s2.json',
    JSON.stringify(
      song({ song_id: 'SOB', title: 'Song B', artist_id: 'ARB', artist_name: 'Artist B', duration: 200.5 }),
    ),
  );
}

/** Staging, quarantine and manifest rows, run ids left out: they differ between warehouses. */
async function bookkeeping(wh: Warehouse): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => wh.query(sql).then((rows) => rows.map((r) => JSON.stringify(r)));
  return {
    staging_events: await q(
      `SELECT * EXCLUDE (_run_id) FROM staging_events ORDER BY _source_file, _source_line`,
    ),
    staging_songs: await q(`SELECT * EXCLUDE (_run_id) FROM staging_songs ORDER BY _source_file`),
    rejected_records: await q(
      `SELECT * EXCLUDE (run_id) FROM rejected_records ORDER BY source_file, source_line`,
    ),
    harmonize_files: await q(
      `SELECT source_file, kind, records, rejects FROM harmonize_files ORDER BY source_file`,
    ),
  };
}

const shadows = async (wh: Warehouse) =>
  (
    await wh.query<{ name: string }>(
      `SELECT table_name AS name FROM duckdb_tables() WHERE table_name LIKE '\\_hz\\_next\\_%' ESCAPE '\\' ORDER BY 1`,
    )
  ).map((r) => r.name);

describe('a run staged apart, on DuckDB', () => {
  it('gives the warehouse that staging inside the transaction gives', async () => {
    const dir = await folder();
    await writeHistory(dir);
    const apart = await warehouse();
    const inside = await warehouse({ stageApart: false });
    expect(apart.capabilities.stageIn).toBe('apart');
    expect(inside.capabilities.stageIn).toBe('transaction');
    for (const wh of [apart, inside]) await etl(wh, dir);
    await writeDailyRun(dir);
    const [a, b] = [await etl(apart, dir), await etl(inside, dir)];
    expect(a.records).toEqual(b.records);
    expect(a.records.events).toEqual({ staged: 5, rejected: 2 });
    expect(a.files).toEqual(b.files);
    expect(a.checks.failed).toBe(0);
    expect(await starSnapshot(apart)).toEqual(await starSnapshot(inside));
    expect(await bookkeeping(apart)).toEqual(await bookkeeping(inside));
    // The day's paid user, its song matched by the new catalog, day 2's one event left.
    const [u] = await apart.query<{ level: string }>(`SELECT level FROM users WHERE user_id = '10'`);
    expect(u?.level).toBe('paid');
    const matched = await apart.query(`SELECT 1 FROM songplays WHERE song_id = 'SOB'`);
    expect(matched).toHaveLength(1);
    const [left] = await apart.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM staging_events WHERE _source_file LIKE '%2018-11-02%'`,
    );
    expect(left?.n).toBe(1);
    expect(await shadows(apart)).toEqual([]);
  });

  it.each([
    ['one file', { smallFileBytes: 0 }, [3]],
    ['one file in pieces', { smallFileBytes: 0, largeFileBytes: 256 }, [3]],
    ['two files', { smallFileBytes: 0 }, [3, 2]],
  ])('stages %s by the direct load, before the transaction, which appends it', async (_, opts, days) => {
    const { dir, wh } = await loadedHistory(opts);
    const files = days.map((n, i) => `logs/2018/11/2018-11-0${i + 3}-events.json`);
    for (const [i, n] of days.entries())
      await dir.write(
        files[i] ?? '',
        jsonLines(Array.from({ length: n }, (_, k) => event({ ts: day(i + 3) + k }))),
      );
    const run = vi.spyOn(DuckDBConnection.prototype, 'run');
    const summary = await etl(wh, dir);
    const total = days.reduce((a, b) => a + b, 0);
    expect(summary.records.events).toEqual({ staged: total, rejected: 0 });
    const sql = run.mock.calls.map((c) => String(c[0]));
    const direct = sql.findIndex((q) => q.includes('INSERT INTO hz_scratch."_hz_next_staging_events"'));
    const append = sql.findIndex((q) =>
      /^INSERT INTO "staging_events" .*FROM hz_scratch."_hz_next_staging_events"$/s.test(q),
    );
    expect(sql[direct]).toContain('not a usual record');
    expect(append).toBeGreaterThan(direct);
    // The transaction began after the direct statements' own, before the append.
    const last = Math.max(
      ...sql.flatMap((q, i) => (i < append && q.includes('not a usual record') ? [i] : [])),
    );
    const begins = sql.flatMap((q, i) => (q === 'BEGIN' && i > last && i < append ? [i] : []));
    expect(begins).toHaveLength(1);
    expect(await shadows(wh)).toEqual([]);
    const [n] = await wh.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging_events`);
    expect(n?.n).toBe(6 + total);
    // Each file's records in the manifest, counted the way the run staged them.
    const manifest = await wh.query<{ f: string; n: number }>(
      `SELECT source_file AS f, records AS n FROM harmonize_files
       WHERE source_file LIKE '%2018-11-03%' OR source_file LIKE '%2018-11-04%' ORDER BY 1`,
    );
    expect(manifest.map((r) => [r.f.slice(-22), Number(r.n)])).toEqual(
      files.map((f, i) => [f.slice(-22), days[i]]),
    );
    // One statement for one file, one per piece of a file in pieces.
    const statements = sql.filter((q) => q.includes('not a usual record')).length;
    if (days.length === 1) expect(statements > 1).toBe('largeFileBytes' in opts);
  });

  it('leaves no row and no shadow when it fails in its transaction, and the next run loads the day', async () => {
    const { dir, wh } = await loadedHistory();
    const before = await bookkeeping(wh);
    const star = await starSnapshot(wh);
    await writeDailyRun(dir);
    const failing = [{ name: 'always fails', sql: `SELECT 1 AS problem` }];
    const failed = await etl(wh, dir, { checks: failing }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HarmonizeError);
    expect(await bookkeeping(wh)).toEqual(before);
    expect(await starSnapshot(wh)).toEqual(star);
    expect(await shadows(wh)).toEqual([]);
    const next = await etl(wh, dir);
    expect(next.records.events).toEqual({ staged: 5, rejected: 2 });
  });

  it('leaves no row and no shadow when it fails while staging', async () => {
    const { dir, wh } = await loadedHistory();
    const before = await bookkeeping(wh);
    await writeDailyRun(dir);
    const failed = await etl(wh, dir, { maxRejects: 1 }).catch((e: unknown) => e);
    expect((failed as HarmonizeError).message).toMatch(
      /^2 records rejected, more than --max-rejects 1; first: /,
    );
    expect(await bookkeeping(wh)).toEqual(before);
    expect(await shadows(wh)).toEqual([]);
  });

  it('drops shadows a failed cleanup left before staging into them', async () => {
    const { dir, wh } = await loadedHistory();
    // Left by a run of this process that failed after staging apart and could not drop them:
    // rows of a run that never committed.
    await wh.execute(`CREATE TABLE hz_scratch."_hz_next_staging_events" AS SELECT * FROM staging_events`);
    await wh.execute(`UPDATE hz_scratch."_hz_next_staging_events" SET _run_id = 'killed'`);
    await wh.execute(`CREATE TABLE hz_scratch."_hz_next_rejected_records" AS SELECT * FROM rejected_records`);
    await dir.write('logs/2018/11/2018-11-03-events.json', jsonLines([event({ ts: day(3) })]));
    const summary = await etl(wh, dir);
    expect(summary.records.events).toEqual({ staged: 1, rejected: 0 });
    const runs = await wh.query<{ id: string }>(`SELECT DISTINCT _run_id AS id FROM staging_events`);
    expect(runs.map((r) => r.id)).not.toContain('killed');
    const [n] = await wh.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging_events`);
    expect(n?.n).toBe(7);
    expect(await shadows(wh)).toEqual([]);
  });

  it('writes no shadow to the warehouse file', async () => {
    const { dir, wh } = await loadedHistory();
    await writeDailyRun(dir);
    const run = vi.spyOn(DuckDBConnection.prototype, 'run');
    await etl(wh, dir);
    const made = run.mock.calls.map((c) => String(c[0])).filter((q) => /^CREATE TABLE .*_hz_next_/.test(q));
    expect(made.map((q) => /^CREATE TABLE (\S+)/.exec(q)?.[1])).toEqual([
      'hz_scratch."_hz_next_staging_events"',
      'hz_scratch."_hz_next_staging_songs"',
      'hz_scratch."_hz_next_rejected_records"',
    ]);
  });
});
