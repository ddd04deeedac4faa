// How a run loads, on every engine: a fresh load (first load, full refresh) that fails leaves
// nothing behind — DuckDB builds it in shadow tables and swaps them in — staging in small batches
// gives the same warehouse as one batch, checks of an incremental run look at what it changed
// (whole tables with fullChecks, after a run that skipped them, or when the run staged many
// events against the history), and a file that is not
// UTF-8 stops the run naming its first bad line.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import type { CheckSpec } from '../src/quality/checks.js';
import { event, jsonLines, songAFile } from './support/data.js';
import { starSnapshot, type DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

const engines = await contractEngines();
let f: DuckFixture;

const songs = () => join(f.dir.path, 'songs');
const logs = () => join(f.dir.path, 'logs');
const dayFile = (d: number) => `logs/2018/11/2018-11-${String(d).padStart(2, '0')}-events.json`;

async function writeInput(days = 3) {
  await f.dir.write('songs/A/s1.json', songAFile());
  for (let d = 1; d <= days; d++) {
    const base = Date.UTC(2018, 10, d, 12);
    const recs = Array.from({ length: 20 }, (_, i) =>
      event({ ts: base + i, userId: String(i % 4), sessionId: d * 10 + (i % 4), itemInSession: i }),
    );
    await f.dir.write(dayFile(d), jsonLines(recs));
  }
}

/** Table names a user would see, with Harmonize's internal ones (shadows) among them. */
async function tableNames(): Promise<string[]> {
  const rows = await f.wh.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE '%hz_next%'`,
  );
  return rows.map((r) => r.name);
}

const failing: CheckSpec = { name: 'always fails', sql: 'SELECT 1 AS x' };

describe.each(engines)('on $name', (engine) => {
  beforeEach(async () => {
    f = await engine.open();
  });
  afterEach(() => f.close());

  describe('a fresh load that fails', () => {
    it('on a check leaves the tables empty and no shadow tables', async () => {
      await writeInput();
      const err = await f.etl(songs(), logs(), { checks: [failing] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1 });
      for (const t of ['staging_events', 'songplays', 'users', 'time', 'harmonize_files'])
        expect(await f.count(t)).toBe(0);
      expect(await tableNames()).toEqual([]);
      const runs = await f.wh.query(`SELECT status FROM harmonize_runs`);
      expect(runs).toEqual([{ status: 'failed' }]);
    });

    it('reports its own error when dropping the shadow tables fails too', async () => {
      await writeInput();
      // The drops after the failed check fail: the check's error is what the run reports.
      const failingDrops = new Proxy(f.wh, {
        get(target, key) {
          if (key === 'execute')
            return (sql: string, params?: unknown[]) =>
              /^DROP TABLE/i.test(sql) && /_hz_next/.test(sql) && dropsFail
                ? Promise.reject(new Error('cannot drop'))
                : target.execute(sql, params as never);
          return Reflect.get(target, key) as unknown;
        },
      });
      let dropsFail = false;
      const run = runEtl(
        new Proxy(failingDrops, {
          get(target, key) {
            if (key === 'transaction')
              return <T>(fn: () => Promise<T>) =>
                target.transaction(fn).catch((e: unknown) => {
                  dropsFail = true;
                  throw e;
                });
            return Reflect.get(target, key) as unknown;
          },
        }),
        { songs: new LocalSource(songs()), logs: new LocalSource(logs()), checks: [failing] },
      );
      const err = await run.catch((e: unknown) => e);
      expect(dropsFail).toBe(true);
      expect(err).toBeInstanceOf(HarmonizeError);
      expect((err as HarmonizeError).exitCode).toBe(1);
      expect((err as HarmonizeError).message).toMatch(/quality checks failed: always fails/);
    });

    it('on a full refresh leaves the earlier load exactly as it was', async () => {
      await writeInput();
      await f.etl(songs(), logs());
      const before = await starSnapshot(f.wh);
      await f.dir.write(dayFile(4), jsonLines([event({ ts: Date.UTC(2018, 10, 4) })]));
      const err = await f
        .etl(songs(), logs(), { fullRefresh: true, checks: [failing] })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1 });
      expect(await starSnapshot(f.wh)).toEqual(before);
      expect(await f.count('harmonize_files')).toBe(4);
      expect(await tableNames()).toEqual([]);
    });
  });

  it('stages in small batches exactly what one batch stages', async () => {
    await writeInput(5);
    const one = await f.etl(songs(), logs());
    const oneSnapshot = await starSnapshot(f.wh);
    const small = await f.etl(songs(), logs(), { fullRefresh: true, stageBatchBytes: 1 });
    expect(small.records).toEqual(one.records);
    expect(await starSnapshot(f.wh)).toEqual(oneSnapshot);
    const perFile = await f.wh.query(`SELECT source_file, records, rejects FROM harmonize_files ORDER BY 1`);
    expect(perFile).toHaveLength(6);
    expect(
      perFile.every((r) => Number(r.records) === (String(r.source_file).includes('songs') ? 1 : 20)),
    ).toBe(true);
  });

  describe('checks of a run that adds to the warehouse', () => {
    it('cover what the run changed, whole tables when asked or after a run without checks', async () => {
      await writeInput(2);
      expect((await f.etl(songs(), logs())).checks.scope).toBe('full');
      await f.dir.write(dayFile(3), jsonLines([event({ ts: Date.UTC(2018, 10, 3, 9) })]));
      expect((await f.etl(songs(), logs())).checks.scope).toBe('run');
      // A songplay that breaks a reference, written behind Harmonize's back, outside any run's scope.
      await f.wh.execute(
        `INSERT INTO songplays (songplay_id, start_time, user_id, level, _source_file, _source_line, _run_id)
         VALUES ('manual', TIMESTAMP '2018-11-01 00:00:00', 'nobody', 'free', 'x', 1, 'manual')`,
      );
      await f.dir.write(dayFile(4), jsonLines([event({ ts: Date.UTC(2018, 10, 4, 9) })]));
      const scoped = await f.etl(songs(), logs());
      expect(scoped.checks).toMatchObject({ scope: 'run', failed: 0 });
      await f.dir.write(dayFile(5), jsonLines([event({ ts: Date.UTC(2018, 10, 5, 9) })]));
      const err = await f.etl(songs(), logs(), { fullChecks: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1 });
      expect((err as { summary: { checks: { scope: string } } }).summary.checks.scope).toBe('full');
      await f.wh.execute(`DELETE FROM songplays WHERE songplay_id = 'manual'`);
      expect((await f.etl(songs(), logs(), { skipChecks: true })).checks.scope).toBe('skipped');
      await f.dir.write(dayFile(6), jsonLines([event({ ts: Date.UTC(2018, 10, 6, 9) })]));
      expect((await f.etl(songs(), logs())).checks.scope).toBe('full');
    });

    it('look at whole tables after a run that staged many events against the history', async () => {
      await writeInput(2);
      await f.etl(songs(), logs());
      // A broken row outside any run's scope: only a whole-table check finds it.
      await f.wh.execute(
        `INSERT INTO songplays (songplay_id, start_time, user_id, level, _source_file, _source_line, _run_id)
         VALUES ('manual', TIMESTAMP '2018-11-01 00:00:00', 'nobody', 'free', 'x', 1, 'manual')`,
      );
      const base = Date.UTC(2018, 10, 3);
      const many = Array.from({ length: 100_000 }, (_, i) =>
        event({ ts: base + i * 500, userId: String(i % 50), sessionId: 1000 + (i % 50), itemInSession: i }),
      );
      await f.dir.write(dayFile(3), jsonLines(many));
      const err = await f.etl(songs(), logs()).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1 });
      expect((err as { summary: { checks: { scope: string } } }).summary.checks.scope).toBe('full');
      await f.wh.execute(`DELETE FROM songplays WHERE songplay_id = 'manual'`);
      const big = await f.etl(songs(), logs());
      expect(big.records.events.staged).toBe(100_000);
      expect(big.checks).toMatchObject({ scope: 'full', failed: 0 });
      await f.dir.write(dayFile(4), jsonLines([event({ ts: Date.UTC(2018, 10, 4, 9) })]));
      expect((await f.etl(songs(), logs())).checks.scope).toBe('run');
    });

    it('catch a bad value among the rows the run added', async () => {
      await writeInput(1);
      await f.etl(songs(), logs());
      await f.dir.write(dayFile(2), jsonLines([event({ ts: Date.UTC(2018, 10, 2, 9), level: 'gold' })]));
      const err = await f.etl(songs(), logs()).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1 });
      expect((err as Error).message).toContain('songplays.level in (free, paid)');
    });
  });

  it("keeps each user's latest event: ties on ts go to the later file, then the later line", async () => {
    await writeInput(1);
    const ts = Date.UTC(2018, 10, 5, 12);
    const e = (level: string, item: number) =>
      event({ ts, userId: '42', level, sessionId: 900, itemInSession: item });
    await f.dir.write('logs/a/2018-11-05-events.json', jsonLines([e('paid', 1), e('free', 2)]));
    await f.dir.write('logs/b/2018-11-05-events.json', jsonLines([e('free', 3), e('paid', 4)]));
    await f.etl(songs(), logs());
    expect(await f.wh.query(`SELECT level FROM users WHERE user_id = '42'`)).toEqual([{ level: 'paid' }]);
  });

  it('records awkward file names as they are', async () => {
    await writeInput(1);
    const odd = 'logs/tab\there back\\slash/2018-11-06-events.json';
    await f.dir.write(odd, jsonLines([event({ ts: Date.UTC(2018, 10, 6) })]));
    await f.etl(songs(), logs());
    const rows = await f.wh.query(`SELECT DISTINCT _source_file AS f FROM staging_events WHERE ts = $1`, [
      Date.UTC(2018, 10, 6),
    ]);
    expect(rows).toEqual([{ f: join(f.dir.path, odd) }]);
  });

  it('stops at a file that is not UTF-8, naming its first bad line', async () => {
    await writeInput(1);
    const good = JSON.stringify(event({ ts: Date.UTC(2018, 10, 2) }));
    await f.dir.write(
      dayFile(2),
      Buffer.concat([
        Buffer.from(`${good}\n${good}\n{"userId":"`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}\n'),
      ]),
    );
    const err = await f.etl(songs(), logs()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).exitCode).toBe(4);
    expect((err as HarmonizeError).oneLine()).toContain(
      `${join(f.dir.path, dayFile(2))}:3: not valid UTF-8 text`,
    );
    expect(await f.count('staging_events')).toBe(0);
    expect(await tableNames()).toEqual([]);
  });
});
