// The pipeline end to end from a real S3-protocol server into DuckDB, one story in order: a full
// load, a no-op re-run, a new day, changed files, a backfill range. After each step the warehouse
// equals a --full-refresh rebuild, and the S3 result equals a load of the same files from disk.
// The AWS SDK finds the server through AWS_ENDPOINT_URL_S3, as a user's would.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSource } from '../src/extract/local-source.js';
import { openSource } from '../src/extract/open-source.js';
import { generateDataset } from '../src/generate/generate.js';
import { starTables } from '../src/model/tables.js';
import { runEtl, type EtlOptions } from '../src/pipeline/etl.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { startS3ServerOrSkip, useS3Env } from './support/s3-server.js';

const server = await startS3ServerOrSkip();
const BUCKET = 'hz-pipeline';
const dayKey = (d: number) => `log_data/2018/11/2018-11-0${d}-events.json`;
const uri = (key: string) => `s3://${BUCKET}/${key}`;

/** Star tables, every row sorted, without the named columns (lineage that differs by design). */
async function snapshot(wh: Warehouse, ignore: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of starTables) {
    const cols = t.columns.map((c) => c.name).filter((c) => !ignore.includes(c));
    const rows = await wh.query(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t.name}"`);
    out[t.name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

async function perFile(wh: Warehouse): Promise<Map<string, { n: number; run: string }>> {
  const rows = await wh.query<{ f: string; n: number; run: string }>(
    'SELECT _source_file AS f, count(*) AS n, max(_run_id) AS run FROM songplays GROUP BY 1',
  );
  return new Map(rows.map((r) => [r.f, { n: Number(r.n), run: r.run }]));
}

describe.skipIf(!server)('runEtl from S3 into DuckDB', () => {
  const s3 = server!;
  let tmp: string;
  let mirror: string;
  let wh: Warehouse;
  let restoreEnv: () => void;
  let seq = 0;

  const s3Run = async (target: Warehouse, opts: Partial<EtlOptions> = {}) =>
    runEtl(target, {
      songs: await openSource(`s3://${BUCKET}/song_data`),
      logs: await openSource(`s3://${BUCKET}/log_data/`),
      ...opts,
    });

  async function withFresh<T>(fn: (w: Warehouse) => Promise<T>): Promise<T> {
    const w = await openDuckDb({ path: join(tmp, `fresh-${++seq}.duckdb`) });
    try {
      return await fn(w);
    } finally {
      await w.close();
    }
  }

  const expectEqualToRebuild = async () => {
    const rebuilt = await withFresh(
      async (w) => (await s3Run(w, { fullRefresh: true }), snapshot(w, ['_run_id'])),
    );
    expect(await snapshot(wh, ['_run_id'])).toEqual(rebuilt);
  };

  const expectEqualToDisk = async () => {
    const local = {
      songs: new LocalSource(join(mirror, 'song_data')),
      logs: new LocalSource(join(mirror, 'log_data')),
    };
    const onDisk = await withFresh(
      async (w) => (await runEtl(w, local), snapshot(w, ['_source_file', '_run_id'])),
    );
    expect(await snapshot(wh, ['_source_file', '_run_id'])).toEqual(onDisk);
  };

  /** Writes a file to the local mirror and to the bucket, so both always hold the same files. */
  async function publish(key: string, content: string): Promise<void> {
    await writeFile(join(mirror, key), content);
    await s3.put(BUCKET, key, content);
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'hz-s3-pipe-'));
    mirror = join(tmp, 'mirror');
    await generateDataset({ out: join(tmp, 'gen'), users: 30, days: 6, songs: 40, seed: 7 });
    await cp(join(tmp, 'gen'), mirror, {
      recursive: true,
      filter: (p) => !p.endsWith('2018-11-06-events.json'),
    });
    await s3.createBucket(BUCKET);
    expect(await s3.uploadDir(mirror, BUCKET, '')).toBe(45);
    restoreEnv = useS3Env(s3.endpoint);
    wh = await openDuckDb({ path: join(tmp, 'incremental.duckdb') });
  });

  afterAll(async () => {
    await wh?.close();
    restoreEnv?.();
    await rm(tmp, { recursive: true, force: true });
    await s3.stop();
  });

  it('loads everything on the first run, equal to a load of the same files from disk', async () => {
    const s = await s3Run(wh);
    expect(s.status).toBe('succeeded');
    expect(s.files).toMatchObject({
      songs: { new: 40, changed: 0, skipped: 0 },
      logs: { new: 5, changed: 0, skipped: 0 },
    });
    expect(s.tables.songplays).toBeGreaterThan(500);
    expect([...(await perFile(wh)).keys()]).toContain(uri(dayKey(1)));
    await expectEqualToDisk();
  });

  it('changes nothing when nothing is new, quickly', async () => {
    const before = await snapshot(wh, []);
    const t0 = performance.now();
    const s = await s3Run(wh);
    const ms = performance.now() - t0;
    expect(s.files).toMatchObject({
      songs: { new: 0, changed: 0, skipped: 40 },
      logs: { new: 0, changed: 0, skipped: 5 },
    });
    expect(s.records.events.staged + s.records.songs.staged).toBe(0);
    expect(await snapshot(wh, [])).toEqual(before);
    console.info(`no-op run over 45 S3 files: ${ms.toFixed(0)} ms (listing ${s.phasesMs.list} ms)`);
    expect(ms).toBeLessThan(5_000);
  });

  it('loads only a new day', async () => {
    await publish(dayKey(6), await readFile(join(tmp, 'gen', dayKey(6)), 'utf8'));
    const s = await s3Run(wh);
    expect(s.files).toMatchObject({
      songs: { new: 0, skipped: 40 },
      logs: { new: 1, changed: 0, skipped: 5 },
    });
    const lines = (await readFile(join(mirror, dayKey(6)), 'utf8')).trim().split('\n').length;
    expect(s.records.events.staged + s.records.events.rejected).toBe(lines);
    await expectEqualToRebuild();
  });

  it('replaces the rows of changed log and song files: no duplicates, no orphans', async () => {
    const day3 = (await readFile(join(mirror, dayKey(3)), 'utf8')).trim().split('\n');
    const kept = day3
      .slice(0, Math.floor(day3.length / 2))
      .map((l) => l.replace('"level":"free"', '"level":"paid"'));
    await publish(dayKey(3), `${kept.join('\n')}\n`);
    const [matched] = await wh.query<{ f: string }>(
      'SELECT min(s._source_file) AS f FROM staging_songs s JOIN songplays p ON p.song_id = s.song_id',
    );
    const songKey = String(matched?.f).slice(uri('').length);
    const rec = JSON.parse(await readFile(join(mirror, songKey), 'utf8')) as {
      title: string;
      song_id: string;
    };
    await publish(songKey, JSON.stringify({ ...rec, title: `${rec.title} (remastered)` }));

    const s = await s3Run(wh);
    expect(s.files).toMatchObject({ songs: { changed: 1, skipped: 39 }, logs: { changed: 1, skipped: 5 } });
    // The renamed song no longer matches any event, so its earlier songplays lost their song.
    expect(await wh.query('SELECT 1 FROM songplays WHERE song_id = $1', [rec.song_id])).toEqual([]);
    const [dup] = await wh.query<{ n: number }>(
      'SELECT count(*) - count(DISTINCT songplay_id) AS n FROM songplays',
    );
    expect(Number(dup?.n)).toBe(0);
    const orphans = await wh.query(
      `SELECT p.songplay_id FROM songplays p LEFT JOIN songs s ON s.song_id = p.song_id
       WHERE p.song_id IS NOT NULL AND s.song_id IS NULL
       UNION ALL SELECT CAST(t.start_time AS VARCHAR) FROM time t WHERE t.start_time NOT IN (SELECT start_time FROM songplays)`,
    );
    expect(orphans).toEqual([]);
    await expectEqualToRebuild();
  });

  it('replaces exactly a backfilled date range, and leaves changes outside it for the next run', async () => {
    const before = await perFile(wh);
    const day5 = (await readFile(join(mirror, dayKey(5)), 'utf8')).trim().split('\n');
    await publish(dayKey(5), `${day5.slice(0, 20).join('\n')}\n`);
    await rm(join(mirror, dayKey(2)));
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: dayKey(2) }));

    const s = await s3Run(wh, { from: '2018-11-01', to: '2018-11-02' });
    expect(s.files.logs).toMatchObject({ listed: 1, new: 0, changed: 1, skipped: 0, removed: 1 });
    const after = await perFile(wh);
    expect(after.get(uri(dayKey(1)))?.run).toBe(s.runId);
    expect(after.get(uri(dayKey(1)))?.n).toBe(before.get(uri(dayKey(1)))?.n);
    expect(after.has(uri(dayKey(2)))).toBe(false);
    for (const d of [3, 4, 5, 6]) expect(after.get(uri(dayKey(d)))).toEqual(before.get(uri(dayKey(d))));

    const next = await s3Run(wh);
    expect(next.files.logs).toMatchObject({ new: 0, changed: 1, skipped: 4 });
    await expectEqualToRebuild();
  });

  it('ends equal to the same files loaded from disk', async () => {
    await expectEqualToDisk();
  });
});
