// The whole pipeline on PostgreSQL next to DuckDB: the public sample gives the EXPECTED.md figures and
// the two star schemas, rejects and manifests hold exactly the same rows; a re-run adds nothing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import { openPostgres } from '../src/warehouse/postgres/postgres-warehouse.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { tempDir, type TempDir } from './support/data.js';
import { duckFixture, starSnapshot, type DuckFixture } from './support/duckdb.js';
import { postgresForTests, randomName } from './support/postgres-server.js';

const sample = resolve(import.meta.dirname, '../../shared/datasets/sparkify-sample');
const present = existsSync(join(sample, 'log_data'));
if (!present) console.warn(`PostgreSQL sample test skipped: ${sample} not found`);
const { server, skipReason } = present
  ? await postgresForTests()
  : { server: undefined, skipReason: 'no sample' };
afterAll(() => server?.stop());

const counts = async (wh: Warehouse) => {
  const tables = [
    'staging_events',
    'staging_songs',
    'songplays',
    'users',
    'songs',
    'artists',
    'time',
    'rejected_records',
    'harmonize_files',
  ];
  const rows = await wh.query<{ t: string; n: number }>(
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
};

const sideTables = async (wh: Warehouse) => ({
  rejects: await wh.query(
    `SELECT kind, source_file, source_line, reason, message, raw FROM rejected_records ORDER BY source_file, source_line`,
  ),
  files: await wh.query(
    `SELECT source_file, kind, size, fingerprint, records, rejects FROM harmonize_files ORDER BY source_file`,
  ),
});

describe.skipIf(!server)(`the sample on PostgreSQL and DuckDB ${server?.version ?? skipReason}`, () => {
  let duck: DuckFixture;
  let pg: Warehouse;
  let dir: TempDir;
  const etl = (wh: Warehouse, songs: string, logs: string) =>
    runEtl(wh, { songs: new LocalSource(songs), logs: new LocalSource(logs) });

  beforeAll(async () => {
    duck = await duckFixture();
    pg = await openPostgres(server!.config({ schema: randomName('hz_sample') }));
    dir = await tempDir('hz-pgpipe-');
  });
  afterAll(async () => {
    await pg?.close();
    await duck?.close();
    await dir?.cleanup();
  });

  it('builds the EXPECTED.md star schema, row for row the same as DuckDB', async () => {
    const [s, d] = [
      await etl(pg, join(sample, 'song_data'), join(sample, 'log_data')),
      await duck.etl(join(sample, 'song_data'), join(sample, 'log_data')),
    ];
    expect(s.status).toBe('succeeded');
    expect(s.checks.failed).toBe(0);
    expect(s.tables).toEqual(d.tables);
    expect(await counts(pg)).toEqual({
      staging_events: 8056,
      staging_songs: 71,
      songplays: 6820,
      users: 97,
      songs: 71,
      artists: 69,
      time: 6813,
      rejected_records: 0,
      harmonize_files: 101,
    });
    expect(await starSnapshot(pg)).toEqual(await starSnapshot(duck.wh));
    const matched = await pg.query(
      `SELECT user_id, song_id, artist_id, start_time FROM songplays WHERE song_id IS NOT NULL`,
    );
    expect(matched).toEqual([
      {
        user_id: '15',
        song_id: 'SOZCTXZ12AB0182364',
        artist_id: 'AR5KOSW1187FB35FF4',
        start_time: new Date(1542837407796),
      },
    ]);
  });

  it('changes nothing when run again', async () => {
    const before = await starSnapshot(pg);
    const again = await etl(pg, join(sample, 'song_data'), join(sample, 'log_data'));
    expect(again.files.logs.skipped).toBe(30);
    expect(again.records.events.staged).toBe(0);
    expect(await starSnapshot(pg)).toEqual(before);
  });

  it('quarantines bad input exactly like DuckDB', async () => {
    const songs = join(dir.path, 'songs');
    const logs = join(dir.path, 'logs');
    await dir.write(
      'songs/a.json',
      '{"song_id":"S1","artist_id":"A1","title":"T","duration":1.5,"year":"1999"}\n{"song_id":"S2"}\n[1]\n',
    );
    await dir.write(
      'songs/b.json',
      '[\n {"song_id":"S3","artist_id":"A1","title":"U","duration":NaN},\n {"song_id":"S4","artist_id":{"x":1}}\n]\n',
    );
    await dir.write(
      'logs/2018/11/2018-11-01-events.json',
      '\uFEFF{"ts":1541106106796,"userId":12,"page":"NextSong","level":"free","sessionId":"x"}\r\n\r\n{bad\n{"ts":"1541106106797","userId":"7","page":"NextSong","level":"paid","song":"T","artist":null,"length":1.5}\n',
    );
    const freshPg = await openPostgres(server!.config({ schema: randomName('hz_bad') }));
    const freshDuck = await duckFixture();
    try {
      const p = await etl(freshPg, songs, logs);
      const d = await freshDuck.etl(songs, logs);
      expect(p.records).toEqual(d.records);
      expect(p.records.events.rejected + p.records.songs.rejected).toBeGreaterThan(3);
      expect(await sideTables(freshPg)).toEqual(await sideTables(freshDuck.wh));
      expect(await starSnapshot(freshPg)).toEqual(await starSnapshot(freshDuck.wh));
    } finally {
      await freshPg.close();
      await freshDuck.close();
    }
  });
});
