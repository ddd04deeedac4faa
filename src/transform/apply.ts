// Runs the transforms of one run in order, set-wise in the warehouse: dimensions for the affected
// keys, then the run's songplays, then time. Affected keys were collected into the _hz_affected_*
// temporary tables by the reload step and by collectNewKeys below.
import type { SqlDialect } from '../warehouse/dialect.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import {
  deleteAffectedSql,
  deleteOrphanTimeSql,
  insertArtistsSql,
  insertSongsSql,
  insertTimeSql,
  insertUsersSql,
  type Scope,
} from './dimensions.js';
import {
  possibleCopiesSql,
  insertSongplaysSql,
  laterCopiesSql,
  laterCopiesTable,
  rematchSongplaysSql,
} from './songplays.js';

export const affectedKeys = ['user_id', 'song_id', 'artist_id', 'start_time'] as const;

/** The temporary table (column k) holding the run's affected keys of one key column. */
export const affectedTable = (d: SqlDialect, key: string): string => d.quoteId(`_hz_affected_${key}`);

/**
 * Created inside the run's transaction and dropped at its end, so none is left from an earlier run:
 * a run that failed rolled its creation back (both engines' DDL is transactional).
 */
export async function createAffectedTables(wh: Warehouse): Promise<void> {
  const d = wh.dialect;
  for (const k of affectedKeys) {
    const t = d.quoteId(`_hz_affected_${k}`);
    await wh.execute(`CREATE TEMPORARY TABLE ${t} (k ${d.type(k === 'start_time' ? 'timestamp' : 'text')})`);
  }
}

export async function dropAffectedTables(wh: Warehouse): Promise<void> {
  for (const k of affectedKeys)
    await wh.execute(`DROP TABLE IF EXISTS ${wh.dialect.quoteId(`_hz_affected_${k}`)}`);
}

/** Adds the keys of the rows this run staged (parameter: run id), read where `d` names them. */
async function collectNewKeys(
  wh: Warehouse,
  d: SqlDialect,
  runId: string,
  songsChanged: boolean,
): Promise<void> {
  const add = (key: string, sql: string) =>
    wh.execute(`INSERT INTO ${d.quoteId(`_hz_affected_${key}`)} (k) ${sql}`, [runId]);
  await add(
    'user_id',
    `SELECT DISTINCT user_id FROM ${d.table('staging_events')} WHERE _run_id = ${d.param(1)} AND user_id <> ''`,
  );
  if (!songsChanged) return;
  await add(
    'song_id',
    `SELECT DISTINCT song_id FROM ${d.table('staging_songs')} WHERE _run_id = ${d.param(1)}`,
  );
  await add(
    'artist_id',
    `SELECT DISTINCT artist_id FROM ${d.table('staging_songs')} WHERE _run_id = ${d.param(1)}`,
  );
}

async function hasRows(wh: Warehouse, table: string): Promise<boolean> {
  const rows = await wh.query(`SELECT 1 AS x FROM ${table} LIMIT 1`);
  return rows.length > 0;
}

export interface TransformOptions {
  runId: string;
  /** Star tables were empty before this run: build everything without per-key deletes. */
  firstLoad: boolean;
  /** The run loaded or removed song files (else songs and artists stay as they are). */
  songsChanged: boolean;
  /**
   * The run removed no rows before staging (no changed or vanished files), so every affected user
   * has events in this run (insertUsersSql's `since`), and no time row can have lost its songplays.
   */
  appendOnly?: boolean;
  /** The events the run staged: how many songplays it may add at most (insertSongplays' parts). */
  stagedEvents?: number;
  /**
   * The warehouse's dialect, but with staging tables named where the run's own staged rows are
   * committed apart (shadow.ts: a run staged apart, capabilities.stageIn). The statements that
   * read only the run's rows read them there: DuckDB scans committed rows on every thread, those
   * the run's transaction appended on one (×1000 sample's 8M events onto one day: each part of
   * the songplays insert 1.8–2.5 s so, 4.2–5.4 s from the live table). Unset: the live tables.
   */
  runRows?: SqlDialect;
}

/**
 * Rows per part of the songplays and time inserts of a run with many (see each). A daily run is one
 * part: a statement more costs it more than it saves.
 */
const PART_ROWS = 2_000_000;

/**
 * Parts of equal ts ranges of the run's NextSong events, as [from, to) in epoch ms: the
 * songplays' start times are their events' ts.
 */
async function tsParts(
  wh: Warehouse,
  d: SqlDialect,
  runId: string,
  parts: number,
): Promise<[number, number][]> {
  const [span] = await wh.query<{ lo: number; hi: number }>(
    `SELECT min(ts) AS lo, max(ts) AS hi FROM ${d.table('staging_events')} WHERE _run_id = ${d.param(1)} AND page = 'NextSong'`,
    [runId],
  );
  const lo = Number(span?.lo);
  const width = Number(span?.hi) - lo + 1;
  return Array.from({ length: parts }, (_, i) => [
    lo + Math.floor((width * i) / parts),
    lo + Math.floor((width * (i + 1)) / parts),
  ]);
}

/**
 * The run's songplays; the later copies of events staged twice are listed first, if there are any.
 * Resolves to the number of songplays inserted. A run that adds many to a table that had rows
 * inserts them in parts of equal ts ranges (by its staged events, an upper bound of its plays): on
 * DuckDB, one statement for the ×1000 sample's 6.8M songplays, in the run's transaction on top of
 * 388 earlier ones, ran out of memory under the default cap after 13 s; in four parts it passed
 * (the run peaked at 934 MiB). A first load stays one statement, which passed there.
 */
export async function insertSongplays(
  wh: Warehouse,
  opts: Pick<TransformOptions, 'runId' | 'firstLoad' | 'stagedEvents' | 'runRows'>,
  partRows = PART_ROWS,
): Promise<number> {
  // The run's events read where runRows names them; songplays and the catalog are the live tables.
  const d = opts.runRows ?? wh.dialect;
  const [repeats] = await wh.query<{ n: number }>(possibleCopiesSql(d), [opts.runId]);
  const laterCopies = Number(repeats?.n ?? 0) > 0;
  const later = d.quoteId(laterCopiesTable);
  if (laterCopies) {
    await wh.execute(`DROP TABLE IF EXISTS ${later}`);
    await wh.execute(laterCopiesSql(d), [opts.runId]);
  }
  const parts = opts.firstLoad ? 1 : Math.ceil((opts.stagedEvents ?? 0) / partRows);
  const fresh = opts.firstLoad;
  let n = 0;
  if (parts <= 1) n = await wh.execute(insertSongplaysSql(d, { fresh, laterCopies }), [opts.runId]);
  else {
    const sql = insertSongplaysSql(d, { fresh, laterCopies, part: true });
    for (const [from, to] of await tsParts(wh, d, opts.runId, parts))
      n += await wh.execute(sql, [opts.runId, from, to]);
  }
  if (laterCopies) await wh.execute(`DROP TABLE ${later}`);
  return n;
}

/**
 * The time rows of the run's songplays, in parts of equal time ranges when they are many. The
 * DISTINCT holds every start time of the run at once: on a fresh load of the ×1000 sample (6.5M
 * songplays, 6.8M start times) it raised the run's RSS by 230 MiB, to the run's peak. In four parts
 * of equal time ranges, on that warehouse alone: 597–611 MiB peak against 691–706 MiB, and
 * 0.77–0.78 s against 0.92–1.00 s.
 */
export async function insertTime(
  wh: Warehouse,
  opts: Pick<TransformOptions, 'runId' | 'firstLoad' | 'runRows'>,
  songplays: number,
  partRows = PART_ROWS,
): Promise<void> {
  const d = wh.dialect;
  const parts = Math.ceil(songplays / partRows);
  if (parts <= 1) {
    await wh.execute(insertTimeSql(d, { fresh: opts.firstLoad }), [opts.runId]);
    return;
  }
  const sql = insertTimeSql(d, { fresh: opts.firstLoad, part: true });
  for (const [from, to] of await tsParts(wh, opts.runRows ?? d, opts.runId, parts))
    await wh.execute(sql, [opts.runId, from, to]);
}

/**
 * The users of a daily run, from its first event on where the engine can skip the older blocks
 * (insertUsersSql's `since`); else from all of their events.
 */
async function insertUsers(wh: Warehouse, opts: TransformOptions, scope: Scope): Promise<void> {
  const d = wh.dialect;
  if (scope === 'affected' && opts.appendOnly && d.skipsBlocks) {
    const run = opts.runRows ?? d;
    const [first] = await wh.query<{ ts: number | null }>(
      `SELECT min(ts) AS ts FROM ${run.table('staging_events')} WHERE _run_id = ${d.param(1)}`,
      [opts.runId],
    );
    // No event staged: no user is affected.
    if (first?.ts === null || first?.ts === undefined) return;
    await wh.execute(insertUsersSql(d, scope, { since: true }), [first.ts]);
    return;
  }
  await wh.execute(insertUsersSql(d, scope));
}

/** A dimension table, its key, and the statement that inserts its new or affected rows. */
interface Dimension {
  table: string;
  key: string;
  insert: () => Promise<unknown>;
}

function catalogDimensions(wh: Warehouse, scope: Scope): Dimension[] {
  const d = wh.dialect;
  return [
    { table: 'songs', key: 'song_id', insert: () => wh.execute(insertSongsSql(d, scope)) },
    { table: 'artists', key: 'artist_id', insert: () => wh.execute(insertArtistsSql(d, scope)) },
  ];
}

export async function applyTransforms(wh: Warehouse, opts: TransformOptions): Promise<void> {
  const d = wh.dialect;
  const scope: Scope = opts.firstLoad ? 'all' : 'affected';
  const songs = opts.firstLoad || opts.songsChanged;
  if (!opts.firstLoad) await collectNewKeys(wh, opts.runRows ?? d, opts.runId, opts.songsChanged);
  const catalogChanged = !opts.firstLoad && songs && (await hasRows(wh, d.quoteId('_hz_affected_song_id')));
  const dims: Dimension[] = [
    ...(songs ? catalogDimensions(wh, scope) : []),
    { table: 'users', key: 'user_id', insert: () => insertUsers(wh, opts, scope) },
  ];
  for (const { table, key, insert } of dims) {
    if (!opts.firstLoad) await wh.execute(deleteAffectedSql(d, table, key));
    await insert();
  }
  if (catalogChanged) await wh.execute(rematchSongplaysSql(d), [opts.runId]);
  const songplays = await insertSongplays(wh, opts);
  // Statistics of the facts where the engine keeps none itself: without them PostgreSQL guessed a
  // run's songplays at 0.5 % of the table and scanned all of it for them, not their blocks. Only
  // when the run adds a tenth or more: later statements find a run's songplays by index lookups,
  // which an estimate of one row does not make slow. Before the time rows: a run of 100,000
  // songplays onto 40 took 43 s in the time insert on PostgreSQL with the statistics taken after it.
  const analyze = d.analyze(d.table('songplays'), { added: songplays });
  if (songplays > 0 && analyze) await wh.execute(analyze);
  await insertTime(wh, opts, songplays);
  // Only removed songplays leave time rows orphaned (their start times are the affected ones).
  if (!opts.firstLoad && !opts.appendOnly) await wh.execute(deleteOrphanTimeSql(d));
}
