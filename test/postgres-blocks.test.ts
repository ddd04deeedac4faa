// PostgreSQL keeps per-block ranges only in BRIN indexes (SqlDialect.blockIndexes): each table's
// blockKeys get one, a fresh load builds them at its end, a daily run summarizes its new blocks,
// and the planner then reads a run's rows through them. songplays is analyzed only when a run adds
// a tenth of it or more.
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/warehouse/postgres/postgres-warehouse.js';
import { event, jsonLines, songAFile, tempDir } from './support/data.js';
import { fixtureFor, type DuckFixture } from './support/duckdb.js';
import { postgresForTests, randomName } from './support/postgres-server.js';

const { server, skipReason } = await postgresForTests();
afterAll(() => server?.stop());

const day = (d: number) => Date.UTC(2018, 10, d, 12);
const logFile = (d: number) => `logs/2018/11/2018-11-${String(d).padStart(2, '0')}-events.json`;

describe.skipIf(!server)(`block ranges on PostgreSQL ${skipReason ?? ''}`, () => {
  let f: DuckFixture;
  const songs = () => join(f.dir.path, 'songs');
  const logs = () => join(f.dir.path, 'logs');
  const writeDay = (d: number, users: string[]) =>
    f.dir.write(
      logFile(d),
      jsonLines(
        users.map((u, i) => event({ ts: day(d) + i, userId: u, sessionId: d * 100 + i, itemInSession: 0 })),
      ),
    );
  const brinIndexes = async () =>
    (
      await f.wh.query<{ t: string; i: string }>(
        `SELECT tablename AS t, indexname AS i FROM pg_indexes
         WHERE schemaname = current_schema() AND indexdef LIKE '%USING brin%' ORDER BY 1, 2`,
      )
    ).map((r) => `${r.t}.${r.i}`);
  /** Ranges of each BRIN index not summarized yet: summarizing them now reports how many. */
  const unsummarized = async () => {
    const out: Record<string, number> = {};
    for (const name of await brinIndexes()) {
      const index = name.split('.')[1] as string;
      const [r] = await f.wh.query<{ n: number }>(
        `SELECT brin_summarize_new_values(to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1))) AS n`,
        [index],
      );
      out[index] = Number(r?.n);
    }
    return out;
  };
  /** History the runs did not write, in blocks of their own (20,000 rows, some 190 blocks). */
  const addHistory = () =>
    f.wh.execute(
      `INSERT INTO staging_events (ts, user_id, page, level, _source_file, _source_line, _run_id)
       SELECT ${day(1) - 1_000_000} + g, 'h' || (g % 50), 'Home', 'free', 'history.json', g, '00000000-history'
       FROM generate_series(1, 20000) g`,
    );

  beforeEach(async () => {
    const wh = await openPostgres(server!.config({ schema: randomName('hz_blocks') }));
    f = fixtureFor(wh, await tempDir('hz-pgb-'));
    await f.dir.write('songs/A/s1.json', songAFile());
    await writeDay(1, ['1', '2']);
  });
  afterEach(() => f?.close());

  it('gives staging_events and songplays their BRIN indexes, and builds them again after a fresh load', async () => {
    await f.etl(songs(), logs());
    const expected = [
      'songplays.songplays__run_id_brin',
      'staging_events.staging_events__run_id_brin',
      'staging_events.staging_events_ts_brin',
    ];
    expect(await brinIndexes()).toEqual(expected);
    await f.etl(songs(), logs(), { fullRefresh: true });
    expect(await brinIndexes()).toEqual(expected);
    // A warehouse made before the indexes existed gets them on its next run.
    await f.wh.execute(`DROP INDEX staging_events_ts_brin`);
    await f.etl(songs(), logs());
    expect(await brinIndexes()).toEqual(expected);
  });

  it("summarizes a daily run's new blocks, and reads the run's rows through the index", async () => {
    await f.etl(songs(), logs());
    await addHistory();
    expect((await unsummarized()).staging_events__run_id_brin).toBeGreaterThan(0);
    await addHistory();
    // A sample of every row (300 × the target), so the statistics list each run id they saw.
    await f.wh.execute('ALTER TABLE staging_events ALTER COLUMN _run_id SET STATISTICS 1000');
    await f.wh.execute('ANALYZE staging_events');
    await writeDay(2, ['2', '3']);
    const run = await f.etl(songs(), logs());
    // staging is analyzed after every load, so the planner knows the run's rows: two among 40,004.
    const [stats] = await f.wh.query<{ v: string }>(
      `SELECT most_common_vals::text AS v FROM pg_stats
       WHERE schemaname = current_schema() AND tablename = 'staging_events' AND attname = '_run_id'`,
    );
    expect(stats?.v).toContain(run.runId);
    expect(run.files.logs).toMatchObject({ new: 1, skipped: 1 });
    expect(await unsummarized()).toEqual({
      songplays__run_id_brin: 0,
      staging_events__run_id_brin: 0,
      staging_events_ts_brin: 0,
    });
    const plan = await f.wh.query<Record<string, string>>(
      `EXPLAIN SELECT count(*) FROM staging_events WHERE _run_id = $1`,
      [run.runId],
    );
    expect(plan.map((r) => Object.values(r)[0]).join('\n')).toMatch(
      /Bitmap Index Scan on staging_events__run_id_brin/,
    );
    const [users] = await f.wh.query<{ n: number }>(`SELECT count(*) AS n FROM users`);
    expect(Number(users?.n)).toBe(3);
  });

  it('analyzes all of a table after a load that adds a tenth of it or more; else only the given columns, or nothing', async () => {
    const t = f.wh.dialect.table(randomName('hz_t'));
    await f.wh.execute(`CREATE TABLE ${t} (x integer, y text)`);
    /** Adds n rows whose y is `y`, runs the statement, and reads what the statistics say. */
    const add = async (n: number, y: string, sql: string) => {
      await f.wh.execute(`INSERT INTO ${t} SELECT g, $1 FROM generate_series(1, ${n}) g`, [y]);
      await f.wh.execute(sql);
      const [r] = await f.wh.query<{ n: number; y: string | null }>(
        `SELECT c.reltuples AS n, (SELECT most_common_vals::text FROM pg_stats s
           WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = 'y') AS y
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
        [t],
      );
      return [Number(r?.n), r?.y];
    };
    const d = f.wh.dialect;
    const keys = (n: number) => d.analyze(t, { added: n, columns: ['x'] });
    expect(await add(1000, 'a', keys(1000))).toEqual([1000, '{a}']); // never analyzed: all of it
    expect(await add(50, 'b', keys(50))).toEqual([1050, '{a}']); // a twentieth: x only
    expect(await add(50, 'b', d.analyze(t, { added: 50 }))).toEqual([1050, '{a}']); // nothing
    expect(await add(200, 'c', keys(200))).toEqual([1300, '{a,c,b}']); // more than a tenth: all
    // Without a count of new rows it always runs, all of it.
    expect(await add(10, 'd', d.analyze(t))).toEqual([1310, '{a,c,b,d}']);
  });
});
