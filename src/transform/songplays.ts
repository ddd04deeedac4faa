// songplays: one row per NextSong event. songplay_id is the MD5 of (ts, userId, sessionId,
// itemInSession), so the same event loaded twice, from any file, is one row: within a run the first
// copy by file and line is kept (laterCopiesSql), across runs the row already there.
import { songplays } from '../model/tables.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { matchCondition, songLookupSql } from './match.js';

/**
 * The event identity songplay_id hashes. Equal text means an equal id and the reverse: ts,
 * session_id and item_in_session are numbers, so the separators delimit user_id unambiguously.
 */
function eventKeySql(d: SqlDialect, alias: string): string {
  const c = (n: string) => `${alias}.${d.quoteId(n)}`;
  return d.concatText([c('ts'), `'|'`, c('user_id'), `'|'`, c('session_id'), `'|'`, c('item_in_session')]);
}

export function songplayIdSql(d: SqlDialect, alias: string): string {
  return d.md5(eventKeySql(d, alias));
}

const columns = songplays.columns.map((c) => c.name);

/** Where the later copies of events staged twice by one run are listed (usually empty). */
export const laterCopiesTable = '_hz_later_copies';

const tsParam = (d: SqlDialect, i: number) => `CAST(${d.param(i)} AS ${d.type('bigint')})`;

/**
 * A part's range on the songplays a part is checked against: they can only match within it. Its
 * earlier parts' rows lie outside, so the engine reads none of them: without it, DuckDB read
 * every songplay inserted so far for each part (×1000 sample's 8M events onto one day, five
 * parts: the run's RSS grew by 30–110 MiB a part, to 984–1,064 MiB).
 */
const partOfTable = (d: SqlDialect) =>
  ` AND p.start_time >= ${d.epochMsToTimestamp(tsParam(d, 2))} AND p.start_time < ${d.epochMsToTimestamp(tsParam(d, 3))}`;

const runEvents = (d: SqlDialect, alias: string) =>
  `${alias}._run_id = ${d.param(1)} AND ${alias}.page = 'NextSong'`;

/**
 * Whether the run (parameter 1) may have staged a NextSong event twice: a count of repeated
 * (ts, session_id, item_in_session). Copies of an event share these, so 0 means none; a
 * repeat with another user_id is a false alarm that laterCopiesSql, which compares the whole
 * identity, sorts out. Fixed-width number keys keep the grouping in memory, where grouping by
 * the identity's text spills (PostgreSQL, 800k events: 1.2 s against 0.3 s).
 */
export function possibleCopiesSql(d: SqlDialect): string {
  return `SELECT count(*) AS n FROM (SELECT 1 AS x FROM ${d.table('staging_events')} e WHERE ${runEvents(d, 'e')}
    GROUP BY e.ts, e.session_id, e.item_in_session HAVING count(*) > 1) d`;
}

/**
 * The (file, line) of every copy but the first (by file and line) of a NextSong event the run
 * (parameter 1) staged more than once. Duplicates are rare, so only they go through the window:
 * one over every songplay costs more than the rest of the transform and spills under a memory cap.
 */
export function laterCopiesSql(d: SqlDialect): string {
  const key = eventKeySql(d, 'e');
  const dupKeys = `SELECT ${eventKeySql(d, 'k')} FROM ${d.table('staging_events')} k
    WHERE ${runEvents(d, 'k')} GROUP BY ${eventKeySql(d, 'k')} HAVING count(*) > 1`;
  return `CREATE TEMPORARY TABLE ${d.quoteId(laterCopiesTable)} AS
    SELECT _source_file, _source_line FROM (
      SELECT e._source_file, e._source_line,
        row_number() OVER (PARTITION BY ${key} ORDER BY e._source_file, e._source_line) AS rn
      FROM ${d.table('staging_events')} e WHERE ${runEvents(d, 'e')} AND ${key} IN (${dupKeys})) x
    WHERE rn > 1`;
}

/**
 * INSERT the songplays of one run (parameter 1 = run id): every NextSong event but the later
 * copies (when possibleCopiesSql found any, listed by laterCopiesSql), and, unless the table was
 * empty before the run (fresh), none that it already holds. The
 * same id always has the same start_time; saying so lets an engine skip the parts of a large
 * table whose times lie outside the run's.
 *
 * A daily run on an engine that skips blocks looks up only its own events' titles; otherwise the
 * whole catalog is grouped on every run. DuckDB, one more day on the ×1000 sample's history, the
 * day's events matched alone: 40–78 ms so, 11–17 ms (×100: 9.5–25 against 6–8 ms; the generated
 * ×100, whose day is a thirtieth of its events, 16–42 against 19–26 ms). On an engine that does
 * not skip blocks, every filter on the run's rows is a scan of staging, so the lookup stays whole
 * rather than add one (PostgreSQL skips them by its BRIN indexes).
 *
 * A part (apply.ts, insertSongplays): only the events from ts parameter 2 (inclusive) to parameter
 * 3 (exclusive). Copies of an event share its ts, so they fall in one part.
 */
export function insertSongplaysSql(
  d: SqlDialect,
  opts: { fresh: boolean; laterCopies: boolean; part?: boolean },
): string {
  const cols = columns.map((c) => d.quoteId(c)).join(', ');
  const titles =
    !opts.fresh && d.skipsBlocks
      ? `SELECT t.song FROM ${d.table('staging_events')} t WHERE ${runEvents(d, 't')}`
      : undefined;
  const events = `SELECT ${songplayIdSql(d, 'e')} AS songplay_id, ${d.epochMsToTimestamp('e.ts')} AS start_time,
      CASE WHEN e.user_id = '' THEN NULL ELSE e.user_id END AS user_id, e.level, m.song_id, m.artist_id,
      e.session_id, e.location, e.user_agent, e._source_file, e._source_line, e._run_id
    FROM ${d.table('staging_events')} e
    LEFT JOIN (${songLookupSql(d, titles)}) m ON ${matchCondition}
    WHERE ${runEvents(d, 'e')}${opts.part ? ` AND e.ts >= ${tsParam(d, 2)} AND e.ts < ${tsParam(d, 3)}` : ''}`;
  const conditions = [
    ...(opts.laterCopies
      ? [
          `NOT EXISTS (SELECT 1 FROM ${d.quoteId(laterCopiesTable)} c
    WHERE c._source_file = x._source_file AND c._source_line = x._source_line)`,
        ]
      : []),
    ...(opts.fresh
      ? []
      : [
          `NOT EXISTS (SELECT 1 FROM ${d.table('songplays')} p
    WHERE p.songplay_id = x.songplay_id AND p.start_time = x.start_time${opts.part ? partOfTable(d) : ''})`,
        ]),
  ];
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `INSERT INTO ${d.table('songplays')} (${cols}) SELECT ${cols} FROM (${events}) x${where}`;
}

/** Re-resolve song_id/artist_id of earlier runs' songplays after the catalog changed. */
export function rematchSongplaysSql(d: SqlDialect): string {
  const sp = d.table('songplays');
  const resolved = `SELECT e._source_file, e._source_line, m.song_id, m.artist_id
    FROM ${d.table('staging_events')} e LEFT JOIN (${songLookupSql(d)}) m ON ${matchCondition}
    WHERE e.page = 'NextSong' AND e._run_id <> ${d.param(1)}`;
  return `UPDATE ${sp} SET song_id = r.song_id, artist_id = r.artist_id FROM (${resolved}) r
    WHERE ${sp}._source_file = r._source_file AND ${sp}._source_line = r._source_line
      AND (${sp}.song_id IS DISTINCT FROM r.song_id OR ${sp}.artist_id IS DISTINCT FROM r.artist_id)`;
}
