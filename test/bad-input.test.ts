// Real-world file shapes and broken records: every non-blank line ends up staged or rejected with
// file, line and reason; nothing is silently dropped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { event, jsonLines, song } from './support/data.js';
import { type DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

let f: DuckFixture;
const engines = await contractEngines();

const s1 = song({
  song_id: 'SO1',
  title: 'Song A',
  artist_id: 'AR1',
  artist_name: 'Artist A',
  duration: 200.5,
});
const s2 = song({
  song_id: 'SO2',
  title: 'Song B',
  artist_id: 'AR2',
  artist_name: 'Artist B',
  duration: 100.25,
});
const s3 = song({ song_id: 'SO3', title: 'Song C', artist_id: 'AR2', artist_name: 'Artist B', duration: 90 });
const s4 = song({ song_id: 'SO4', title: 'Song D', artist_id: 'AR3', artist_name: 'Artist C', duration: 80 });
const s5 = song({ song_id: 'SO5', title: 'Song E', artist_id: 'AR3', artist_name: 'Artist C', duration: 70 });

async function writeSongs() {
  await f.dir.write('songs/A/pretty.json', JSON.stringify(s1, null, 2));
  await f.dir.write('songs/A/array.json', JSON.stringify([s2, s3]));
  await f.dir.write('songs/B/lines.json', `\uFEFF${jsonLines([s4], '\r\n')}\r\n`);
  await f.dir.write('songs/B/zipped.json.gz', JSON.stringify(s5), { gzip: true });
  await f.dir.write('songs/C/broken.json', '{"song_id": "SO9", "title": ');
  await f.dir.write('songs/C/no-id.json', JSON.stringify({ ...s1, song_id: null }));
}

describe.each(engines)('on $name', (engine) => {
  beforeEach(async () => {
    f = await engine.open();
  });
  afterEach(() => f.close());

  describe('file shapes', () => {
    it('reads pretty-printed, array, JSON Lines, BOM, CRLF and gzip files', async () => {
      await writeSongs();
      const e = [
        event({ ts: 1541105830796 }),
        event({ ts: '1541105830797', userId: 11 }),
        event({ page: 'Home', song: null, artist: null, length: null, ts: 1541105830798 }),
      ];
      await f.dir.write('logs/2018/11/2018-11-01-events.json', `\uFEFF${jsonLines(e, '\r\n')}\r\n\r\n`);
      await f.dir.write('logs/2018/11/2018-11-02-events.json.gz', jsonLines([event({ ts: 1541192230796 })]), {
        gzip: true,
      });
      const s = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
      expect(s.records.songs).toEqual({ staged: 5, rejected: 2 });
      expect(s.records.events).toEqual({ staged: 4, rejected: 0 });
      expect(await f.count('songs')).toBe(5);
      expect(await f.count('artists')).toBe(3);
      const coerced = await f.wh.query(`SELECT user_id, ts FROM staging_events WHERE ts = 1541105830797`);
      expect(coerced).toEqual([{ user_id: '11', ts: 1541105830797 }]);
      const lines = await f.wh.query(
        `SELECT song_id, _source_line FROM staging_songs WHERE song_id IN ('SO2', 'SO3') ORDER BY 1`,
      );
      expect(lines).toEqual([
        { song_id: 'SO2', _source_line: 1 },
        { song_id: 'SO3', _source_line: 2 },
      ]);
      const rejects = await f.wh.query(
        `SELECT source_file, source_line, reason FROM rejected_records ORDER BY source_file`,
      );
      expect(rejects).toEqual([
        { source_file: join(f.dir.path, 'songs/C/broken.json'), source_line: 1, reason: 'invalid_json' },
        { source_file: join(f.dir.path, 'songs/C/no-id.json'), source_line: 1, reason: 'missing_field' },
      ]);
    });
  });

  describe('broken event records', () => {
    it('quarantines each with its line, reason, message and raw text', async () => {
      await f.dir.write('songs/s.json', JSON.stringify(s1));
      const good = jsonLines([event({ ts: 1541105830796 })]);
      const lines = [
        good,
        '{"ts": 1541105830796, "page": "NextSong"',
        '',
        '[1, 2]',
        JSON.stringify(event({ ts: undefined })),
        JSON.stringify(event({ ts: 'soon' })),
        JSON.stringify(event({ ts: 1541105830999, userId: { id: 1 } })),
        JSON.stringify(event({ ts: 1541105830999, sessionId: 'abc' })),
        '   ',
        JSON.stringify(event({ ts: 1541105831000 })),
        // Good, though not the usual shape: an optional field is absent (the full parse stages it).
        JSON.stringify(event({ ts: 1541105831001, registration: undefined, location: undefined })),
        // Good: text that only looks like JSON (the fast parse sends it to the full one).
        JSON.stringify(event({ ts: 1541105831002, song: '[Untitled]', artist: '{Braces}' })),
        // Bad: a text field holding an array (its raw text holds a [, so the fast parse tests for it).
        JSON.stringify(event({ ts: 1541105831003, artist: ['Various', 'Artists'] })),
      ];
      await f.dir.write('logs/2018/11/2018-11-01-events.json', lines.join('\n'));
      const s = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
      expect(s.records.events).toEqual({ staged: 4, rejected: 7 });
      const rejects = await f.wh.query<{ source_line: number; reason: string; message: string; raw: string }>(
        `SELECT source_line, reason, message, raw FROM rejected_records ORDER BY source_line`,
      );
      expect(rejects.map((r) => [r.source_line, r.reason])).toEqual([
        [2, 'invalid_json'],
        [4, 'not_object'],
        [5, 'missing_field'],
        [6, 'bad_type'],
        [7, 'bad_type'],
        [8, 'bad_type'],
        [13, 'bad_type'],
      ]);
      expect(rejects[2]?.message).toContain('"ts"');
      expect(rejects[4]?.message).toContain('"userId"');
      expect(rejects[5]?.message).toContain('"sessionId"');
      expect(rejects[6]?.message).toContain('"artist"');
      expect(rejects[0]?.raw).toBe(lines[1]);
      const staged = await f.wh.query(`SELECT _source_line FROM staging_events ORDER BY 1`);
      expect(staged).toEqual([
        { _source_line: 1 },
        { _source_line: 10 },
        { _source_line: 11 },
        { _source_line: 12 },
      ]);
      const bracketed = await f.wh.query(`SELECT song, artist FROM staging_events WHERE _source_line = 12`);
      expect(bracketed).toEqual([{ song: '[Untitled]', artist: '{Braces}' }]);
      const partial = await f.wh.query(
        `SELECT ts, registration, location FROM staging_events WHERE _source_line = 11`,
      );
      expect(partial).toEqual([{ ts: 1541105831001, registration: null, location: null }]);
    });

    it('quarantines a lone broken record among usual ones, every line accounted for', async () => {
      await f.dir.write('songs/s.json', JSON.stringify(s1));
      const good = Array.from({ length: 40 }, (_, i) => JSON.stringify(event({ ts: 1541105830796 + i })));
      good.splice(17, 0, '{"ts": 1541105830796, "page": ');
      await f.dir.write('logs/2018/11/2018-11-01-events.json', good.join('\n'));
      const s = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
      expect(s.records.events).toEqual({ staged: 40, rejected: 1 });
      const rejects = await f.wh.query(`SELECT source_line, reason FROM rejected_records`);
      expect(rejects).toEqual([{ source_line: 18, reason: 'invalid_json' }]);
      const [file] = await f.wh.query<{ records: number; rejects: number }>(
        `SELECT records, rejects FROM harmonize_files WHERE kind = 'event'`,
      );
      expect([Number(file?.records), Number(file?.rejects)]).toEqual([40, 1]);
    });

    it('fails the run with --max-rejects and leaves every table as it was', async () => {
      await f.dir.write('songs/s.json', JSON.stringify(s1));
      await f.dir.write('logs/2018/11/2018-11-01-events.json', jsonLines([event({ ts: 1541105830796 })]));
      await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
      await f.dir.write(
        'logs/2018/11/2018-11-02-events.json',
        [JSON.stringify(event({ ts: 1541192230796 })), 'not json', '{"x":'].join('\n'),
      );
      const err = await f
        .etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'), { maxRejects: 1 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 5 });
      expect((err as Error).message).toContain('2 records rejected, more than --max-rejects 1');
      expect(await f.count('staging_events')).toBe(1);
      expect(await f.count('songplays')).toBe(1);
      expect(await f.count('rejected_records')).toBe(0);
      expect(await f.count('harmonize_files')).toBe(2);
      const runs = await f.wh.query(`SELECT status FROM harmonize_runs ORDER BY started_at`);
      expect(runs).toEqual([{ status: 'succeeded' }, { status: 'failed' }]);
      // With a higher limit the same input loads and the rejects are kept.
      const ok = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'), { maxRejects: 2 });
      expect(ok.records.events).toEqual({ staged: 1, rejected: 2 });
    });
  });
});
