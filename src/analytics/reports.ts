// Named analytics over the star schema, behind `harmonize report` and the dashboard. Each report is
// one dialect-neutral SELECT, but for the rankings by song and artist name (play-ranking.ts), which
// take one or two.
import type { Row } from '../warehouse/warehouse.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { runRanking, type PlayRanking, type Queryable } from './play-ranking.js';

export interface Report {
  name: string;
  title: string;
  run: (wh: Queryable, limit: number) => Promise<Row[]>;
}

const select =
  (sql: (d: SqlDialect, limit: number) => string) =>
  (wh: Queryable, limit: number): Promise<Row[]> =>
    wh.query(sql(wh.dialect, limit));

const ranking = (r: PlayRanking) => (wh: Queryable, limit: number) => runRanking(wh, r, limit);

export const topSongs: PlayRanking = {
  keys: ['song', 'artist'],
  measures: ['count(DISTINCT p.user_id) AS listeners', 'max(p.song_id) AS song_id'],
  uses: [],
};

export const topArtists: PlayRanking = {
  keys: ['artist'],
  measures: ['count(DISTINCT e.song) AS songs', 'count(DISTINCT p.user_id) AS listeners'],
  uses: ['song'],
};

export const reports: Report[] = [
  {
    name: 'top-songs',
    title: 'Most played songs',
    run: ranking(topSongs),
  },
  {
    name: 'top-artists',
    title: 'Most played artists',
    run: ranking(topArtists),
  },
  {
    name: 'peak-hours',
    title: 'Plays by weekday and hour (UTC; weekday 0 = Sunday)',
    run: select(
      (
        d,
        n,
      ) => `SELECT t.weekday, t.hour, count(*) AS plays FROM ${d.table('songplays')} p JOIN ${d.table('time')} t ON t.start_time = p.start_time
      GROUP BY t.weekday, t.hour ORDER BY plays DESC, t.weekday, t.hour LIMIT ${n}`,
    ),
  },
  {
    name: 'levels',
    title: 'Free vs paid: plays and active users per day',
    run: select(
      (d, n) => `SELECT CAST(start_time AS DATE) AS day,
        sum(CASE WHEN level = 'free' THEN 1 ELSE 0 END) AS free_plays, sum(CASE WHEN level = 'paid' THEN 1 ELSE 0 END) AS paid_plays,
        count(DISTINCT CASE WHEN level = 'free' THEN user_id END) AS free_users, count(DISTINCT CASE WHEN level = 'paid' THEN user_id END) AS paid_users
      FROM ${d.table('songplays')} GROUP BY CAST(start_time AS DATE) ORDER BY day LIMIT ${n}`,
    ),
  },
  {
    name: 'top-locations',
    title: 'Plays and listeners by location',
    run: select(
      (d, n) => `SELECT location, count(*) AS plays, count(DISTINCT user_id) AS listeners
      FROM ${d.table('songplays')} WHERE location IS NOT NULL GROUP BY location ORDER BY plays DESC, location LIMIT ${n}`,
    ),
  },
  {
    name: 'sessions',
    title: 'Sessions by level: count, average and longest plays per session',
    run: select(
      (
        d,
        n,
      ) => `SELECT level, count(*) AS sessions, round(avg(plays), 2) AS avg_plays, max(plays) AS max_plays FROM (
        SELECT user_id, session_id, max(level) AS level, count(*) AS plays FROM ${d.table('songplays')} GROUP BY user_id, session_id) s
      GROUP BY level ORDER BY level LIMIT ${n}`,
    ),
  },
];

export const findReport = (name: string): Report | undefined => reports.find((r) => r.name === name);
