// The real public Sparkify sample (../shared): the figures of EXPECTED.md, and a re-run that
// changes nothing. Skipped, visibly, only when the shared folder is not beside the project.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckFixture, starSnapshot, type DuckFixture } from './support/duckdb.js';

const sample = resolve(import.meta.dirname, '../../shared/datasets/sparkify-sample');
const present = existsSync(join(sample, 'log_data'));
if (!present) console.warn(`sample tests skipped: ${sample} not found`);

describe.runIf(present)('sparkify sample on DuckDB', () => {
  let f: DuckFixture;
  beforeAll(async () => {
    f = await duckFixture();
    await f.etl(join(sample, 'song_data'), join(sample, 'log_data'));
  });
  afterAll(() => f.close());

  it('builds the star schema with the expected row counts', async () => {
    const tables = [
      'staging_events',
      'staging_songs',
      'songplays',
      'users',
      'songs',
      'artists',
      'time',
      'rejected_records',
    ];
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t] = await f.count(t);
    expect(counts).toEqual({
      staging_events: 8056,
      staging_songs: 71,
      songplays: 6820,
      users: 97,
      songs: 71,
      artists: 69,
      time: 6813,
      rejected_records: 0,
    });
  });

  it('matches exactly one songplay to the catalog, the documented one', async () => {
    const rows = await f.wh.query(
      `SELECT user_id, song_id, artist_id, start_time FROM songplays WHERE song_id IS NOT NULL OR artist_id IS NOT NULL`,
    );
    expect(rows).toEqual([
      {
        user_id: '15',
        song_id: 'SOZCTXZ12AB0182364',
        artist_id: 'AR5KOSW1187FB35FF4',
        start_time: new Date(1542837407796),
      },
    ]);
  });

  it('reproduces the weekday, level and gender splits', async () => {
    const byDay = await f.wh.query<{ weekday: number; n: number }>(
      `SELECT t.weekday, count(*) AS n FROM songplays p JOIN time t USING (start_time) GROUP BY 1 ORDER BY 1`,
    );
    // weekday 0 = Sunday; EXPECTED.md lists Mon..Sun as 1014, 1071, 1364, 1052, 1295, 628, 396.
    expect(byDay.map((r) => r.n)).toEqual([396, 1014, 1071, 1364, 1052, 1295, 628]);
    const levels = await f.wh.query(`SELECT level, count(*) AS n FROM songplays GROUP BY 1 ORDER BY 1`);
    expect(levels).toEqual([
      { level: 'free', n: 1229 },
      { level: 'paid', n: 5591 },
    ]);
    const genders = await f.wh.query(
      `SELECT u.gender, count(*) AS n FROM songplays p JOIN users u USING (user_id) GROUP BY 1 ORDER BY 1`,
    );
    expect(genders).toEqual([
      { gender: 'F', n: 4887 },
      { gender: 'M', n: 1933 },
    ]);
    const [s] = await f.wh.query(`SELECT count(DISTINCT session_id) AS n FROM songplays`);
    expect(s).toEqual({ n: 776 });
  });

  it('keeps every user at the level of their latest event', async () => {
    // user 15 went paid → free → paid; their last event is paid.
    const [u] = await f.wh.query(`SELECT level FROM users WHERE user_id = '15'`);
    expect(u).toEqual({ level: 'paid' });
    const [preston] = await f.wh.query(`SELECT first_name FROM users WHERE user_id = '21'`);
    expect(preston).toEqual({ first_name: 'Preston' });
  });

  it('keeps the raw quirks: quoted user agents, mojibake, empty userIds', async () => {
    const [q] = await f.wh.query(
      `SELECT count(*) AS n FROM staging_events WHERE starts_with(user_agent, '"')`,
    );
    expect(q).toEqual({ n: 5917 });
    const [e] = await f.wh.query(`SELECT count(*) AS n FROM staging_events WHERE user_id = ''`);
    expect(e).toEqual({ n: 286 });
  });

  it('changes nothing when run again on the same input', async () => {
    const before = await starSnapshot(f.wh);
    const again = await f.etl(join(sample, 'song_data'), join(sample, 'log_data'));
    expect(again.files.logs).toMatchObject({ new: 0, changed: 0, skipped: 30 });
    expect(await starSnapshot(f.wh)).toEqual(before);
    expect(await f.count('staging_events')).toBe(8056);
  });
});
