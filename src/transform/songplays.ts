// songplays: one row per NextSong event. songplay_id is the MD5 of (ts, userId, sessionId,
// itemInSession), so the same event loaded twice, from any file, is one row.
import { songplays } from '../model/tables.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { matchCondition, songLookupSql } from './match.js';

export function songplayIdSql(d: SqlDialect, alias: string): string {
  const c = (n: string) => `${alias}.${d.quoteId(n)}`;
  return d.md5(
    d.concatText([c('ts'), `'|'`, c('user_id'), `'|'`, c('session_id'), `'|'`, c('item_in_session')]),
  );
}

const columns = songplays.columns.map((c) => c.name);

/**
 * INSERT the songplays of one run (parameter 1 = run id) that are not in the table yet. The same
 * event twice in one run keeps its first copy by file and line; duplicates are rare, so only they
 * go through the window — a window partitioned by songplay_id over every row costs more than the
 * rest of the statement and, with a memory limit, spills heavily.
 */
export function insertSongplaysSql(d: SqlDialect): string {
  const events = `SELECT ${songplayIdSql(d, 'e')} AS songplay_id, ${d.epochMsToTimestamp('e.ts')} AS start_time,
      CASE WHEN e.user_id = '' THEN NULL ELSE e.user_id END AS user_id, e.level, m.song_id, m.artist_id,
      e.session_id, e.location, e.user_agent, e._source_file, e._source_line, e._run_id
    FROM ${d.table('staging_events')} e
    LEFT JOIN (${songLookupSql(d)}) m ON ${matchCondition}
    WHERE e._run_id = ${d.param(1)} AND e.page = 'NextSong'`;
  const cols = columns.map((c) => d.quoteId(c)).join(', ');
  const firstOfDups = `SELECT ${cols} FROM (SELECT *, row_number() OVER (PARTITION BY songplay_id ORDER BY _source_file, _source_line) AS rn
      FROM ev WHERE songplay_id IN (SELECT songplay_id FROM dup)) f WHERE f.rn = 1`;
  return `INSERT INTO ${d.table('songplays')} (${cols})
    WITH ev AS MATERIALIZED (${events}),
      dup AS (SELECT songplay_id FROM ev GROUP BY songplay_id HAVING count(*) > 1)
    SELECT ${cols} FROM (
      SELECT ${cols} FROM ev WHERE songplay_id NOT IN (SELECT songplay_id FROM dup)
      UNION ALL ${firstOfDups}) x
    WHERE NOT EXISTS (SELECT 1 FROM ${d.table('songplays')} p WHERE p.songplay_id = x.songplay_id)`;
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
