// The built-in checks over whole tables find what they exist to find, on every engine: a repeated
// key (also one whose hash the engine groups first), a dangling reference, a value outside its
// accepted set; and they pass on a clean load. Checks scoped to a run find the same in the run's
// rows, see only them (bounded by their start_time span), and still find older rows that lost
// their dimension row.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInChecks, NO_SPAN, runSpanSql, type CheckScope } from '../src/quality/checks.js';
import { affectedTable, createAffectedTables } from '../src/transform/apply.js';
import { runChecks } from '../src/quality/run-checks.js';
import { event, jsonLines, songAFile } from './support/data.js';
import type { DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

const engines = await contractEngines();
let f: DuckFixture;

async function load() {
  await f.dir.write('songs/A/s1.json', songAFile());
  const base = Date.UTC(2018, 10, 1, 12);
  const recs = Array.from({ length: 12 }, (_, i) =>
    event({ ts: base + i * 1000, userId: String(i % 3), itemInSession: i }),
  );
  await f.dir.write('logs/2018/11/2018-11-01-events.json', jsonLines(recs));
  await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
}

const failing = async () =>
  Object.fromEntries(
    (await runChecks(f.wh, builtInChecks(f.wh.dialect)))
      .filter((r) => !r.passed)
      .map((r) => [r.name, r.failingRows]),
  );

describe.each(engines)('whole-table checks on $name', (engine) => {
  beforeEach(async () => {
    f = await engine.open();
    await load();
  });
  afterEach(() => f.close());

  it('pass on a clean load', async () => {
    expect(await failing()).toEqual({});
  });

  it('find a dangling start_time and a value outside its set', async () => {
    await f.wh.execute(
      `UPDATE ${f.wh.dialect.table('songplays')} SET start_time = start_time + INTERVAL '1 hour', level = 'gold'
       WHERE songplay_id IN (SELECT songplay_id FROM ${f.wh.dialect.table('songplays')} ORDER BY songplay_id LIMIT 2)`,
    );
    expect(await failing()).toEqual({
      'songplays.start_time references time.start_time': 2,
      'songplays.level in (free, paid)': 2,
    });
  });

  it('find a repeated key, in songplays and in time (an engine that enforces keys refuses it)', async () => {
    const sp = f.wh.dialect.table('songplays');
    const t = f.wh.dialect.table('time');
    const duplicate = async () => {
      await f.wh.execute(`INSERT INTO ${sp} SELECT * FROM ${sp} ORDER BY songplay_id LIMIT 3`);
      await f.wh.execute(`INSERT INTO ${t} SELECT * FROM ${t} ORDER BY start_time LIMIT 1`);
    };
    if (f.wh.dialect.enforcesPrimaryKeys) {
      await expect(duplicate()).rejects.toThrow(/duplicate primary key/);
      return;
    }
    await duplicate();
    expect(await failing()).toEqual({
      'songplays.songplay_id unique': 3,
      'time.start_time unique': 1,
    });
  });
});

describe.each(engines)('checks scoped to a run on $name', (engine) => {
  const runId = 'r2';
  let scope: CheckScope;
  const countWhere = async (where: string) => {
    const [r] = await f.wh.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${f.wh.dialect.table('songplays')} WHERE ${where}`,
    );
    return Number(r?.n);
  };

  /** The failing checks scoped to run r2, over the given span (by default, r2's own). */
  const scopedFailing = async (span?: CheckScope['span']) =>
    Object.fromEntries(
      (await runChecks(f.wh, builtInChecks(f.wh.dialect, span ? { ...scope, span } : scope)))
        .filter((r) => !r.passed)
        .map((r) => [r.name, r.failingRows]),
    );

  beforeEach(async () => {
    f = await engine.open();
    await load();
    // Run r2's songplays, written here: a day later, for a user and times the dimensions lack.
    const sp = f.wh.dialect.table('songplays');
    await f.wh.execute(
      `INSERT INTO ${sp} (songplay_id, start_time, user_id, level, session_id, _source_file, _source_line, _run_id)
       SELECT 'r2-' || songplay_id, start_time + INTERVAL '1 day', 'nobody', level, session_id, 'x', 1, $1
       FROM ${sp} WHERE user_id = '0'`,
      [runId],
    );
    await createAffectedTables(f.wh);
    const [span] = await f.wh.query<{ from: string; to: string }>(runSpanSql(f.wh.dialect), [runId]);
    scope = { runId, affected: (k) => affectedTable(f.wh.dialect, k), span: span as CheckScope['span'] };
  });
  afterEach(() => f.close());

  it("find the run's broken rows, within the span of its start times", async () => {
    expect(scope.span.from).toMatch(/^2018-11-02 12:00:00/);
    const added = await countWhere(`_run_id = '${runId}'`);
    expect(added).toBe(4);
    expect(await scopedFailing()).toEqual({
      'songplays.user_id references users.user_id': added,
      'songplays.start_time references time.start_time': added,
    });
    // The span bounds every scan for the run's rows: outside it they are not seen.
    expect(await scopedFailing(NO_SPAN)).toEqual({});
  });

  it('find a repeated key of the run (an engine that enforces keys refuses it)', async () => {
    const sp = f.wh.dialect.table('songplays');
    const copy = () =>
      f.wh.execute(
        `INSERT INTO ${sp} (songplay_id, start_time, user_id, level, _source_file, _source_line, _run_id)
         SELECT songplay_id, start_time, user_id, level, 'y', 1, 'r1' FROM ${sp} WHERE _run_id = $1`,
        [runId],
      );
    if (f.wh.dialect.enforcesPrimaryKeys) {
      await expect(copy()).rejects.toThrow(/duplicate primary key/);
      return;
    }
    await copy();
    expect(await scopedFailing()).toMatchObject({ 'songplays.songplay_id unique': 4 });
  });

  it('find older rows whose dimension row the run removed, even when it made no songplays', async () => {
    await f.wh.execute(`DELETE FROM ${f.wh.dialect.table('songplays')} WHERE _run_id = $1`, [runId]);
    await f.wh.execute(`DELETE FROM ${f.wh.dialect.table('users')} WHERE user_id = '1'`);
    await f.wh.execute(`INSERT INTO ${affectedTable(f.wh.dialect, 'user_id')} (k) VALUES ('1')`);
    const [span] = await f.wh.query<{ from: string | null }>(runSpanSql(f.wh.dialect), [runId]);
    expect(span?.from).toBeNull();
    expect(await scopedFailing(NO_SPAN)).toEqual({
      'songplays.user_id references users.user_id': await countWhere(`user_id = '1'`),
    });
  });
});
