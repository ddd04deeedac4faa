// The classic song match: a NextSong event gets song_id/artist_id when its song title, artist name
// and length equal a catalog song's title, artist name and duration exactly. When several catalog
// songs match, the smallest song_id wins, so the choice is the same on every engine and every run.
import type { SqlDialect } from '../warehouse/dialect.js';

/**
 * A relation (title, name, duration, song_id, artist_id) with one row per matchable triple; with
 * `titles` (a query of one text column), only the triples of those titles. Every song of a title
 * stays in, so each triple keeps its smallest song_id.
 */
export function songLookupSql(d: SqlDialect, titles?: string): string {
  const songs = d.table('songs');
  const artists = d.table('artists');
  const only = titles ? `\n    WHERE s.title IN (${titles})` : '';
  const best = `SELECT s.title, a.name, s.duration, min(s.song_id) AS song_id
    FROM ${songs} s JOIN ${artists} a ON a.artist_id = s.artist_id${only}
    GROUP BY s.title, a.name, s.duration`;
  return `SELECT b.title, b.name, b.duration, b.song_id, s.artist_id FROM (${best}) b JOIN ${songs} s ON s.song_id = b.song_id`;
}

/** The join condition between staging_events alias e and the lookup alias m. */
export const matchCondition = 'm.title = e.song AND m.name = e.artist AND m.duration = e.length';
