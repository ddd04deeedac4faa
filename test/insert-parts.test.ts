// The songplays and time of a run with many, inserted in parts of equal time ranges, are exactly
// the rows one statement inserts, on every engine: every start time once, the first and the last
// included, none from another run; and for songplays, a copy staged twice or already loaded by an
// earlier run still left out, also on a part's first millisecond; and read from a committed copy of
// the run's staged events (runRows, a run staged apart), the same rows again.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stagingEvents } from '../src/model/tables.js';
import { shadowed } from '../src/pipeline/shadow.js';
import { insertSongplays, insertTime } from '../src/transform/apply.js';
import { event, jsonLines, songAFile } from './support/data.js';
import type { DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

const engines = await contractEngines();
let f: DuckFixture;

const base = Date.UTC(2018, 10, 1, 12);
/**
 * Ten plays over 1,000,000 ms, two in one millisecond, and plays on the edges of the parts: with
 * 10, 5, 4 or 2 parts (1, 2, 3 or 5 songplays per part) an edge falls at a multiple of 100,000,
 * 200,000, 250,000 or 500,000 ms, which belongs to the part it starts.
 */
const offsets = [0, 1, 1, 7, 100_000, 200_000, 250_000, 500_000, 750_000, 999_999];

async function timeRows(): Promise<unknown[]> {
  return f.wh.query(`SELECT * FROM "time" ORDER BY start_time`);
}

describe.each(engines)('songplays and time in parts, on $name', (engine) => {
  beforeEach(async () => {
    f = await engine.open();
    await f.dir.write('songs/A/s1.json', songAFile());
    const recs = offsets.map((o, i) => event({ ts: base + o, userId: String(i), itemInSession: i }));
    recs.push(event({ ts: base + 5, page: 'Home', song: null, artist: null, length: null }));
    await f.dir.write('logs/2018/11/2018-11-01-events.json', jsonLines(recs));
    await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
  });
  afterEach(() => f?.close());

  it('gives the rows of the one-statement insert, for every number of parts', async () => {
    const whole = await timeRows();
    expect(whole).toHaveLength(offsets.length - 1); // two plays share a start time
    const [run] = await f.wh.query<{ id: string }>(`SELECT DISTINCT _run_id AS id FROM songplays`);
    const songplays = offsets.length;
    for (const partRows of [1, 2, 3, 4, 5, 9, songplays]) {
      await f.wh.execute(`DELETE FROM "time"`);
      await insertTime(f.wh, { runId: run?.id ?? '', firstLoad: true }, songplays, partRows);
      expect(await timeRows(), `${partRows} songplays per part`).toEqual(whole);
    }
    // Another run's id: its parts hold nothing.
    await f.wh.execute(`DELETE FROM "time"`);
    await insertTime(f.wh, { runId: 'no such run', firstLoad: true }, songplays, 2);
    expect(await timeRows()).toEqual([]);
  });

  it('gives the songplays of the one-statement insert of a second run, for every number of parts', async () => {
    // The day before the first run's: its first play opens the first part (a backfill).
    const dayBefore = base - 86_400_000;
    const recs = offsets.map((o, i) => event({ ts: dayBefore + o, userId: String(i), itemInSession: i }));
    // A copy within the run, and an event the first run loaded: neither is a songplay of this run.
    recs.push(event({ ts: dayBefore + 7, userId: '3', itemInSession: 3 }));
    recs.push(event({ ts: base + 1, userId: '1', itemInSession: 1 }));
    recs.push(event({ ts: dayBefore + 5, page: 'Home', song: null, artist: null, length: null }));
    await f.dir.write('logs/2018/11/2018-11-02-events.json', jsonLines(recs));
    await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
    const [run] = await f.wh.query<{ id: string }>(
      `SELECT DISTINCT _run_id AS id FROM staging_events WHERE _source_file LIKE '%2018-11-02%'`,
    );
    const runId = run?.id ?? '';
    const rowsOfRun = () =>
      f.wh.query(`SELECT * FROM songplays WHERE _run_id = $1 ORDER BY start_time, songplay_id`, [runId]);
    const whole = await rowsOfRun();
    expect(whole).toHaveLength(offsets.length);
    for (const partRows of [1, 2, 3, 4, 5, 9, recs.length]) {
      await f.wh.execute(`DELETE FROM songplays WHERE _run_id = $1`, [runId]);
      const opts = { runId, firstLoad: false, stagedEvents: recs.length };
      const n = await insertSongplays(f.wh, opts, partRows);
      expect(n, `${partRows} events per part`).toBe(offsets.length);
      expect(await rowsOfRun(), `${partRows} events per part`).toEqual(whole);
    }
  });

  it("leaves out an earlier run's event on a part's first millisecond", async () => {
    // The run's first play is one the first run loaded: every first part starts on it.
    const recs = [event({ ts: base, userId: '0', itemInSession: 0 })];
    for (const o of offsets) recs.push(event({ ts: base + 2_000_000 + o, userId: 'n', itemInSession: o }));
    await f.dir.write('logs/2018/11/2018-11-02-events.json', jsonLines(recs));
    const summary = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
    const runId = summary.runId;
    // The new plays less the copy of the one at offset 1: the earlier run's play is not one.
    const plays = offsets.length - 1;
    expect(await f.count('songplays')).toBe(offsets.length + plays);
    for (const partRows of [1, 2, 5, recs.length]) {
      await f.wh.execute(`DELETE FROM songplays WHERE _run_id = $1`, [runId]);
      const n = await insertSongplays(f.wh, { runId, firstLoad: false, stagedEvents: recs.length }, partRows);
      expect(n, `${partRows} events per part`).toBe(plays);
    }
  });

  it("gives the same songplays read from a committed copy of the run's events", async () => {
    const recs = offsets.map((o, i) =>
      event({ ts: base - 86_400_000 + o, userId: String(i), itemInSession: i }),
    );
    recs.push(event({ ts: base + 1, userId: '1', itemInSession: 1 }));
    await f.dir.write('logs/2018/11/2018-11-02-events.json', jsonLines(recs));
    const { runId } = await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
    const rowsOfRun = () =>
      f.wh.query(`SELECT * FROM songplays WHERE _run_id = $1 ORDER BY start_time, songplay_id`, [runId]);
    const whole = await rowsOfRun();
    expect(whole).toHaveLength(offsets.length);
    // The run's events only in the copy: read from the live table, the run has no songplays.
    const copy = shadowed(f.wh, { tables: [stagingEvents], scratch: true });
    await f.wh.execute(
      `CREATE TABLE ${copy.dialect.table('staging_events')} AS SELECT * FROM staging_events WHERE _run_id = $1`,
      [runId],
    );
    await f.wh.execute(`DELETE FROM staging_events WHERE _run_id = $1`, [runId]);
    for (const partRows of [2, recs.length]) {
      await f.wh.execute(`DELETE FROM songplays WHERE _run_id = $1`, [runId]);
      const opts = { runId, firstLoad: false, stagedEvents: recs.length };
      expect(await insertSongplays(f.wh, opts, partRows)).toBe(0);
      expect(await insertSongplays(f.wh, { ...opts, runRows: copy.dialect }, partRows)).toBe(offsets.length);
      expect(await rowsOfRun(), `${partRows} events per part`).toEqual(whole);
    }
    await f.wh.execute(`DROP TABLE ${copy.dialect.table('staging_events')}`);
  });
});
