// The DuckDB floor: the same star schema hand-written as tuned DuckDB SQL, as a data engineer would
// write it without Harmonize — read_json with explicit columns → CREATE TABLE AS staging, then one
// CREATE TABLE AS per star table with Harmonize's rules (users: latest event; songs: first file;
// artists: most complete record; songplays: one per MD5 id, matched on title/artist/duration with
// the smallest song_id; time: distinct start times). Tuned: N threads, preserve_insertion_order off.
// No validation, quarantine, line numbers, checks or manifest: that is what makes it a floor.
import { DuckDBInstance } from '@duckdb/node-api';

const eventColumns = {
  artist: 'VARCHAR',
  auth: 'VARCHAR',
  firstName: 'VARCHAR',
  gender: 'VARCHAR',
  itemInSession: 'INTEGER',
  lastName: 'VARCHAR',
  length: 'DOUBLE',
  level: 'VARCHAR',
  location: 'VARCHAR',
  method: 'VARCHAR',
  page: 'VARCHAR',
  registration: 'DOUBLE',
  sessionId: 'BIGINT',
  song: 'VARCHAR',
  status: 'INTEGER',
  ts: 'BIGINT',
  userAgent: 'VARCHAR',
  userId: 'VARCHAR',
};
const songColumns = {
  num_songs: 'INTEGER',
  artist_id: 'VARCHAR',
  artist_latitude: 'DOUBLE',
  artist_longitude: 'DOUBLE',
  artist_location: 'VARCHAR',
  artist_name: 'VARCHAR',
  song_id: 'VARCHAR',
  title: 'VARCHAR',
  duration: 'DOUBLE',
  year: 'INTEGER',
};

const struct = (cols: Record<string, string>) =>
  `{${Object.entries(cols)
    .map(([k, t]) => `'${k}': '${t}'`)
    .join(', ')}}`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function floorStatements(songsDir: string, logsDir: string): [string, string][] {
  const events = `read_json(${lit(`${logsDir}/**/*.json`)}, format = 'newline_delimited', columns = ${struct(eventColumns)})`;
  const songs = `read_json(${lit(`${songsDir}/**/*.json`)}, format = 'auto', columns = ${struct(songColumns)}, filename = true)`;
  return [
    ['staging_events', `CREATE TABLE staging_events AS SELECT * FROM ${events}`],
    ['staging_songs', `CREATE TABLE staging_songs AS SELECT * FROM ${songs}`],
    [
      'songs',
      `CREATE TABLE songs AS SELECT DISTINCT ON (song_id) song_id, title, artist_id, year, duration
      FROM staging_songs WHERE song_id IS NOT NULL ORDER BY song_id, filename`,
    ],
    [
      'artists',
      `CREATE TABLE artists AS SELECT DISTINCT ON (artist_id) artist_id, artist_name AS name,
        artist_location AS location, artist_latitude AS latitude, artist_longitude AS longitude
      FROM staging_songs WHERE artist_id IS NOT NULL
      ORDER BY artist_id, CASE WHEN artist_location <> '' THEN 0 ELSE 1 END, CASE WHEN artist_latitude IS NOT NULL THEN 0 ELSE 1 END, filename`,
    ],
    [
      'users',
      `CREATE TABLE users AS SELECT DISTINCT ON (userId) userId AS user_id, firstName AS first_name,
        lastName AS last_name, gender, level
      FROM staging_events WHERE userId <> '' ORDER BY userId, ts DESC`,
    ],
    [
      'songplays',
      `CREATE TABLE songplays AS
      WITH best AS (SELECT s.title, a.name, s.duration, min(s.song_id) AS song_id
          FROM songs s JOIN artists a USING (artist_id) GROUP BY ALL),
        lookup AS (SELECT b.*, s.artist_id FROM best b JOIN songs s USING (song_id))
      SELECT DISTINCT ON (songplay_id) md5(concat(e.ts, '|', e.userId, '|', e.sessionId, '|', e.itemInSession)) AS songplay_id,
        epoch_ms(e.ts) AS start_time, nullif(e.userId, '') AS user_id, e.level, m.song_id, m.artist_id,
        e.sessionId AS session_id, e.location, e.userAgent AS user_agent
      FROM staging_events e LEFT JOIN lookup m ON m.title = e.song AND m.name = e.artist AND m.duration = e.length
      WHERE e.page = 'NextSong'`,
    ],
    [
      'time',
      `CREATE TABLE "time" AS SELECT start_time, hour(start_time) AS hour, day(start_time) AS day,
        week(start_time) AS week, month(start_time) AS month, year(start_time) AS year,
        dayofweek(start_time) AS weekday
      FROM (SELECT DISTINCT start_time FROM songplays)`,
    ],
  ];
}

export const countedTables = [
  'staging_events',
  'staging_songs',
  'songplays',
  'users',
  'songs',
  'artists',
  'time',
];

export interface FloorResult {
  phasesMs: Record<string, number>;
  tables: Record<string, number>;
  /** DuckDB's memory_limit as it reported it (its own default, whatever --memory-limit says). */
  memoryLimit?: string;
}

export async function runDuckdbFloor(
  dbPath: string,
  songsDir: string,
  logsDir: string,
  threads: number,
): Promise<FloorResult> {
  const instance = await DuckDBInstance.create(dbPath, {
    threads: String(threads),
    preserve_insertion_order: 'false',
  });
  const conn = await instance.connect();
  const phasesMs: Record<string, number> = {};
  const tables: Record<string, number> = {};
  let memoryLimit: string | undefined;
  try {
    for (const [name, sql] of floorStatements(songsDir, logsDir)) {
      const t0 = performance.now();
      await conn.run(sql);
      phasesMs[name] = Math.round(performance.now() - t0);
    }
    const counts = await conn.runAndReadAll(
      countedTables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL '),
    );
    for (const [t, n] of counts.getRows()) tables[t as string] = Number(n);
    const t0 = performance.now();
    await conn.run('CHECKPOINT');
    phasesMs.checkpoint = Math.round(performance.now() - t0);
    const cap = await conn.runAndReadAll(`SELECT current_setting('memory_limit')`);
    memoryLimit = String(cap.getRows()[0]?.[0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return { phasesMs, tables, ...(memoryLimit ? { memoryLimit } : {}) };
}
