// The built-in checks over whole tables find what they exist to find, on every engine: a repeated
// key (also one whose hash the engine groups first), a dangling reference, a value outside its
// accepted set; and they pass on a clean load.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInChecks } from '../src/quality/checks.js';
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
