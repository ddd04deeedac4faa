// Incremental runs on local folders: new files only, changed files replace their rows, unchanged
// files are skipped, backfill ranges are replaced exactly; the result always equals a rebuild.
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { event, jsonLines, song, songAFile } from './support/data.js';
import { starSnapshot, type DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

let f: DuckFixture;
let rebuild: DuckFixture;
const engines = await contractEngines();

const day = (d: number) => Date.UTC(2018, 10, d, 12);
const songs = () => join(f.dir.path, 'songs');
const logs = () => join(f.dir.path, 'logs');
const logFile = (d: number) => `logs/2018/11/2018-11-${String(d).padStart(2, '0')}-events.json`;

async function writeDay(d: number, users: string[], level = 'free') {
  const recs = users.flatMap((u, i) => [
    event({ ts: day(d) + i * 1000, userId: u, level, sessionId: d * 100 + i, itemInSession: 0 }),
    event({
      ts: day(d) + i * 1000 + 1,
      userId: u,
      level,
      sessionId: d * 100 + i,
      itemInSession: 1,
      page: 'Home',
      song: null,
      artist: null,
      length: null,
    }),
  ]);
  await f.dir.write(logFile(d), jsonLines(recs));
}

/** The warehouse with ms more spent between a transaction's last statement and its COMMIT. */
const slowCommit = (wh: Warehouse, ms: number): Warehouse =>
  new Proxy(wh, {
    get(target, key) {
      if (key === 'transaction')
        return <T>(fn: () => Promise<T>) =>
          target.transaction(async () => {
            const result = await fn();
            await new Promise((done) => setTimeout(done, ms));
            return result;
          });
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });

async function expectEqualToRebuild() {
  await rebuild.etl(songs(), logs(), { fullRefresh: true });
  expect(await starSnapshot(f.wh)).toEqual(await starSnapshot(rebuild.wh));
}

describe.each(engines)('on $name', (engine) => {
  beforeEach(async () => {
    f = await engine.open();
    rebuild = await engine.open();
  });
  afterEach(async () => {
    await f?.close();
    await rebuild?.close();
  });

  beforeEach(async () => {
    await f.dir.write('songs/A/s1.json', songAFile());
    await writeDay(1, ['1', '2']);
    await writeDay(2, ['2', '3']);
  });

  describe('incremental runs', () => {
    it('loads only a new day, and nothing when nothing changed', async () => {
      await f.etl(songs(), logs());
      const again = await f.etl(songs(), logs());
      expect(again.files.logs).toMatchObject({ new: 0, changed: 0, skipped: 2 });
      expect(again.records.events.staged).toBe(0);
      await writeDay(3, ['4']);
      const third = await f.etl(songs(), logs());
      expect(third.files.logs).toMatchObject({ new: 1, changed: 0, skipped: 2 });
      expect(third.records.events.staged).toBe(2);
      expect(await f.count('songplays')).toBe(5);
      await expectEqualToRebuild();
    });

    it("counts the time its transaction takes to commit to the summary's commit phase and duration", async () => {
      await f.etl(songs(), logs());
      await writeDay(3, ['4']);
      const run = await runEtl(slowCommit(f.wh, 300), {
        songs: new LocalSource(songs()),
        logs: new LocalSource(logs()),
      });
      expect(run.records.events.staged).toBe(2);
      expect(run.phasesMs.commit).toBeGreaterThanOrEqual(300);
      const phases = Object.values(run.phasesMs).reduce((n, ms) => n + (ms ?? 0), 0);
      expect(run.durationMs).toBeGreaterThanOrEqual(phases);
      // The run record is written inside the transaction it records: it stops short of the COMMIT.
      const [rec] = await f.wh.query<{ summary: string }>(
        'SELECT summary FROM harmonize_runs ORDER BY started_at DESC LIMIT 1',
      );
      const recorded = JSON.parse(String(rec?.summary)) as { phasesMs: { commit?: number } };
      expect(recorded.phasesMs.commit).toBeLessThan(run.phasesMs.commit ?? 0);
    });

    it('a run that finds nothing new transforms nothing, runs only the user checks, and is recorded', async () => {
      const mine = {
        name: 'a listener on day 2',
        sql: `SELECT 1 AS x WHERE NOT EXISTS (SELECT 1 FROM users WHERE user_id = '3')`,
      };
      await f.etl(songs(), logs());
      const before = await starSnapshot(f.wh);
      const again = await f.etl(songs(), logs(), { checks: [mine] });
      expect(Object.keys(again.phasesMs)).not.toContain('transform');
      expect(Object.keys(again.phasesMs)).not.toContain('stage');
      expect(again.checks).toMatchObject({ scope: 'run', passed: 1, failed: 0 });
      expect(again.checks.results.map((r) => r.name)).toEqual([mine.name]);
      expect(again.tables.songplays).toBe(4);
      expect(await starSnapshot(f.wh)).toEqual(before);
      const runs = await f.wh.query<{ n: number }>(
        `SELECT count(*) AS n FROM harmonize_runs WHERE status = 'succeeded'`,
      );
      expect(Number(runs[0]?.n)).toBe(2);

      // A failing user check still fails a run that loaded nothing.
      const failing = { name: 'never', sql: 'SELECT 1 AS x' };
      const err = await f.etl(songs(), logs(), { checks: [failing] }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/quality checks failed: never \(1\)/);

      // The run after it still checks only what it changed: built-in checks, scoped.
      await writeDay(3, ['4']);
      const next = await f.etl(songs(), logs());
      expect(next.checks.scope).toBe('run');
      expect(next.checks.results.length).toBeGreaterThan(5);
      await expectEqualToRebuild();
    });

    it('leaves out the checks of songs and artists when no song file changed, not when one did', async () => {
      await f.etl(songs(), logs());
      const tablesChecked = (s: Awaited<ReturnType<typeof f.etl>>) =>
        new Set(s.checks.results.map((r) => r.name.split('.')[0]?.split(' ')[0]));
      await writeDay(3, ['4']);
      const day3 = await f.etl(songs(), logs());
      expect(day3.checks.scope).toBe('run');
      expect(tablesChecked(day3)).toEqual(new Set(['songplays', 'users', 'time']));
      // The facts' references into the catalog are still checked.
      expect(day3.checks.results.map((r) => r.name)).toContain('songplays.song_id references songs.song_id');
      await f.dir.write(
        'songs/B/s2.json',
        JSON.stringify(song({ song_id: 'SB', title: 'B', artist_id: 'AB', artist_name: 'NB', duration: 2 })),
      );
      await writeDay(4, ['5']);
      const day4 = await f.etl(songs(), logs());
      expect(day4.checks.scope).toBe('run');
      expect(tablesChecked(day4)).toEqual(new Set(['songplays', 'users', 'songs', 'artists', 'time']));
      await expectEqualToRebuild();
    });

    it('replaces the rows of a changed file: no duplicates, no orphans, latest level wins', async () => {
      await f.etl(songs(), logs());
      await writeDay(2, ['3', '5'], 'paid');
      const s = await f.etl(songs(), logs());
      expect(s.files.logs).toMatchObject({ new: 0, changed: 1, skipped: 1 });
      expect(await f.count('songplays')).toBe(4);
      expect(await f.wh.query(`SELECT user_id, level FROM users ORDER BY 1`)).toEqual([
        { user_id: '1', level: 'free' },
        { user_id: '2', level: 'free' },
        { user_id: '3', level: 'paid' },
        { user_id: '5', level: 'paid' },
      ]);
      await expectEqualToRebuild();
    });

    it('a late file adds what it holds, and a user keeps the level of their latest event', async () => {
      await writeDay(5, ['2'], 'paid');
      await f.etl(songs(), logs());
      // Day 3 arrives late: user 2's events there are older than day 5's, user 1's are their latest.
      await writeDay(3, ['1', '2'], 'free');
      await f.dir.write(
        'logs/2018/11/0-late-events.json',
        jsonLines([event({ ts: day(5) + 1, userId: '2', level: 'free', sessionId: 999, itemInSession: 0 })]),
      );
      await writeDay(4, ['1'], 'paid');
      const s = await f.etl(songs(), logs());
      expect(s.files.logs).toMatchObject({ new: 3, changed: 0, skipped: 3 });
      // User 2's latest is day 5's last event: the late file's event at the same ts comes first
      // by file name.
      expect(await f.wh.query(`SELECT user_id, level FROM users ORDER BY 1`)).toEqual([
        { user_id: '1', level: 'paid' },
        { user_id: '2', level: 'paid' },
        { user_id: '3', level: 'free' },
      ]);
      await expectEqualToRebuild();
    });

    it('skips a touched file whose content did not change', async () => {
      await f.etl(songs(), logs());
      const later = new Date(Date.now() + 60_000);
      await utimes(join(f.dir.path, logFile(1)), later, later);
      const s = await f.etl(songs(), logs());
      expect(s.files.logs).toMatchObject({ new: 0, changed: 0, skipped: 2 });
      const again = await f.etl(songs(), logs());
      expect(again.files.logs.skipped).toBe(2);
    });

    it('with mtime fingerprints, reloads a touched file, to the same rows, and skips the others', async () => {
      const byMtime = () => new LocalSource(logs(), { fingerprint: 'mtime' });
      await f.etl(songs(), logs(), { logs: byMtime() });
      const prints = await f.wh.query<{ fingerprint: string }>(
        `SELECT fingerprint FROM harmonize_files WHERE kind = 'event' ORDER BY source_file`,
      );
      expect(prints.map((p) => p.fingerprint.split(':')[0])).toEqual(['mtime', 'mtime']);
      const before = await starSnapshot(f.wh);
      const later = new Date(Date.now() + 60_000);
      await utimes(join(f.dir.path, logFile(1)), later, later);
      const s = await f.etl(songs(), logs(), { logs: byMtime() });
      expect(s.files.logs).toMatchObject({ new: 0, changed: 1, skipped: 1 });
      expect(s.records.events.staged).toBe(4);
      expect(await starSnapshot(f.wh)).toEqual(before);
      const again = await f.etl(songs(), logs(), { logs: byMtime() });
      expect(again.files.logs).toMatchObject({ changed: 0, skipped: 2 });
      await expectEqualToRebuild();
    });

    it("knows a file whose name holds the manifest read's separator on the next run", async () => {
      // The manifest is read as one text per column joined by \x1e; such a name makes it read as JSON.
      await f.dir.write('logs/2018/11/odd\x1ename-events.json', jsonLines([event({ ts: day(3) })]));
      expect((await f.etl(songs(), logs())).files.logs.new).toBe(3);
      const again = await f.etl(songs(), logs());
      expect(again.files.logs).toMatchObject({ new: 0, changed: 0, skipped: 3 });
      expect(again.files.songs).toMatchObject({ new: 0, changed: 0, skipped: 1 });
    });

    it('skips hundreds of touched files by their fingerprints, and reloads the ones that changed', async () => {
      // More touched files than are looked up by name: the manifest's fingerprints are read whole.
      const bFile = (i: number, title = `T${i}`) =>
        JSON.stringify(
          song({ song_id: `SOB${i}`, title, artist_id: 'ARB', artist_name: 'B', duration: i + 1 }),
        );
      for (let i = 0; i < 520; i++) await f.dir.write(`songs/B/${i}.json`, bFile(i));
      await f.etl(songs(), logs());
      const later = new Date(Date.now() + 60_000);
      for (let i = 0; i < 520; i++) await utimes(join(songs(), `B/${i}.json`), later, later);
      await f.dir.write('songs/B/7.json', bFile(7, 'Changed'));
      const s = await f.etl(songs(), logs());
      expect(s.files.songs).toMatchObject({ new: 0, changed: 1, skipped: 520 });
      expect(await f.wh.query(`SELECT title FROM songs WHERE song_id = 'SOB7'`)).toEqual([
        { title: 'Changed' },
      ]);
      expect((await f.etl(songs(), logs())).files.songs.skipped).toBe(521);
      await expectEqualToRebuild();
      // More changed files than are deleted from the manifest by name: one row each all the same.
      for (let i = 0; i < 520; i++) await f.dir.write(`songs/B/${i}.json`, bFile(i, `New ${i}`));
      expect((await f.etl(songs(), logs())).files.songs).toMatchObject({ changed: 520, skipped: 1 });
      expect(await f.count('harmonize_files')).toBe(521 + 2);
      expect(await f.wh.query(`SELECT count(*) AS n FROM songs WHERE title LIKE 'New %'`)).toEqual([
        { n: 520 },
      ]);
      await expectEqualToRebuild();
    });

    it('re-matches earlier songplays when the catalog gains their song', async () => {
      await f.dir.write(
        'songs/A/s1.json',
        JSON.stringify(
          song({ song_id: 'SO1', title: 'Other', artist_id: 'AR1', artist_name: 'Artist A', duration: 1 }),
        ),
      );
      await f.etl(songs(), logs());
      expect(await f.wh.query(`SELECT count(*) AS n FROM songplays WHERE song_id IS NOT NULL`)).toEqual([
        { n: 0 },
      ]);
      await f.dir.write(
        'songs/A/s2.json',
        JSON.stringify(
          song({
            song_id: 'SO2',
            title: 'Song A',
            artist_id: 'AR1',
            artist_name: 'Artist A',
            duration: 200.5,
          }),
        ),
      );
      await f.etl(songs(), logs());
      expect(await f.wh.query(`SELECT DISTINCT song_id, artist_id FROM songplays`)).toEqual([
        { song_id: 'SO2', artist_id: 'AR1' },
      ]);
      await expectEqualToRebuild();
    });

    it('backfills a date range: exactly that range is replaced, files gone from it are removed', async () => {
      await writeDay(3, ['4']);
      await f.etl(songs(), logs());
      await writeDay(2, ['6'], 'paid');
      const { rm } = await import('node:fs/promises');
      await rm(join(f.dir.path, logFile(3)));
      const s = await f.etl(songs(), logs(), { from: '2018-11-02', to: '2018-11-03' });
      expect(s.files.logs).toMatchObject({ changed: 1, removed: 1 });
      expect(await f.wh.query(`SELECT DISTINCT user_id FROM songplays ORDER BY 1`)).toEqual([
        { user_id: '1' },
        { user_id: '2' },
        { user_id: '6' },
      ]);
      await expectEqualToRebuild();
    });

    it('rebuilds from scratch with fullRefresh', async () => {
      await f.etl(songs(), logs());
      const s = await f.etl(songs(), logs(), { fullRefresh: true });
      expect(s.files.logs).toMatchObject({ new: 2, skipped: 0 });
      expect(await f.count('staging_events')).toBe(8);
      expect(await f.count('songplays')).toBe(4);
    });
  });

  describe('backfill scope', () => {
    it('a backfill of logs/ keeps the facts loaded from a sibling logs_old/', async () => {
      const ts = Date.UTC(2018, 10, 1, 12);
      await f.dir.write(
        'logs_old/2018-11-01-events.json',
        jsonLines([event({ ts, userId: '7', sessionId: 1, itemInSession: 0 })]),
      );
      await f.etl(songs(), join(f.dir.path, 'logs_old'));
      await f.etl(songs(), logs());
      const s = await f.etl(songs(), logs(), { from: '2018-11-01', to: '2018-11-02' });
      expect(s.files.logs.removed).toBe(0);
      expect(await f.count('songplays')).toBe(5);
    });

    it('refuses an empty source folder instead of loading nothing', async () => {
      await f.dir.write('empty/README.txt', 'no data here');
      await expect(f.etl(songs(), join(f.dir.path, 'empty'))).rejects.toThrow(/no \.json files under/);
    });
  });
});
