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

export async function createAffectedTables(wh: Warehouse): Promise<void> {
  const d = wh.dialect;
  for (const k of affectedKeys) {
    const t = d.quoteId(`_hz_affected_${k}`);
    await wh.execute(`DROP TABLE IF EXISTS ${t}`);
    await wh.execute(`CREATE TEMPORARY TABLE ${t} (k ${d.type(k === 'start_time' ? 'timestamp' : 'text')})`);
  }
}

export async function dropAffectedTables(wh: Warehouse): Promise<void> {
  for (const k of affectedKeys)
    await wh.execute(`DROP TABLE IF EXISTS ${wh.dialect.quoteId(`_hz_affected_${k}`)}`);
}

/** Adds the keys of the rows this run staged (parameter: run id). */
async function collectNewKeys(wh: Warehouse, runId: string, songsChanged: boolean): Promise<void> {
  const d = wh.dialect;
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
}

/** The run's songplays; the later copies of events staged twice are listed first, if there are any. */
async function insertSongplays(wh: Warehouse, opts: TransformOptions): Promise<void> {
  const d = wh.dialect;
  const [repeats] = await wh.query<{ n: number }>(possibleCopiesSql(d), [opts.runId]);
  const laterCopies = Number(repeats?.n ?? 0) > 0;
  const later = d.quoteId(laterCopiesTable);
  if (laterCopies) {
    await wh.execute(`DROP TABLE IF EXISTS ${later}`);
    await wh.execute(laterCopiesSql(d), [opts.runId]);
  }
  await wh.execute(insertSongplaysSql(d, { fresh: opts.firstLoad, laterCopies }), [opts.runId]);
  if (laterCopies) await wh.execute(`DROP TABLE ${later}`);
}

export async function applyTransforms(wh: Warehouse, opts: TransformOptions): Promise<void> {
  const d = wh.dialect;
  const scope: Scope = opts.firstLoad ? 'all' : 'affected';
  const songs = opts.firstLoad || opts.songsChanged;
  if (!opts.firstLoad) await collectNewKeys(wh, opts.runId, opts.songsChanged);
  const catalogChanged = !opts.firstLoad && songs && (await hasRows(wh, d.quoteId('_hz_affected_song_id')));
  const dims: [string, string, (s: Scope) => string][] = [
    ...(songs
      ? ([
          ['songs', 'song_id', (s) => insertSongsSql(d, s)],
          ['artists', 'artist_id', (s) => insertArtistsSql(d, s)],
        ] as [string, string, (s: Scope) => string][])
      : []),
    ['users', 'user_id', (s) => insertUsersSql(d, s)],
  ];
  for (const [table, key, insert] of dims) {
    if (!opts.firstLoad) await wh.execute(deleteAffectedSql(d, table, key));
    await wh.execute(insert(scope));
  }
  if (catalogChanged) await wh.execute(rematchSongplaysSql(d), [opts.runId]);
  await insertSongplays(wh, opts);
  await wh.execute(insertTimeSql(d, { fresh: opts.firstLoad }), [opts.runId]);
  if (!opts.firstLoad) await wh.execute(deleteOrphanTimeSql(d));
}
