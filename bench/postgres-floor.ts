// The PostgreSQL floor, Redshift-ELT style: COPY every raw line into a one-column UNLOGGED table
// (CSV format with quote and delimiter bytes that never occur, so the JSON text arrives untouched),
// cast each line to jsonb once into staging (OFFSET 0 keeps the planner from inlining the cast into
// every field lookup), then the star schema as CREATE TABLE … AS SELECT with the same rules as the
// DuckDB floor. Runs in a fresh schema that the caller drops.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { MAINTENANCE_WORK_MEM, WORK_MEM } from '../src/warehouse/postgres/postgres-warehouse.js';
import { countedTables, type FloorResult } from './duckdb-floor.js';

async function listJson(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listJson(p)));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

/** Streams the files, one after another with a newline between them, into one COPY. */
async function copyLines(client: pg.Client, table: string, dir: string): Promise<void> {
  const files = await listJson(dir);
  const sink = client.query(
    copyFrom(`COPY ${table} (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`),
  );
  const source = new PassThrough();
  const done = pipeline(source, sink);
  const put = async (chunk: Buffer | string) => {
    if (!source.write(chunk)) await new Promise((r) => source.once('drain', r));
  };
  for (const f of files) {
    // Small files in one synchronous read (an awaited open, stat and read cost more than reading a
    // few kilobytes; Harmonize reads its small files the same way); big ones streamed.
    if (statSync(f).size <= 1 << 26) await put(readFileSync(f));
    else
      for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
        await put(chunk);
    await put('\n');
  }
  source.end();
  await done;
}

const text = (keys: string[]) => keys.map((k) => `j->>'${k}' AS "${k}"`).join(', ');

const statements: [string, string][] = [
  [
    'staging_events',
    `CREATE TABLE staging_events AS SELECT ${text(['artist', 'auth', 'firstName', 'gender'])},
      (j->>'itemInSession')::int AS "itemInSession", j->>'lastName' AS "lastName", (j->>'length')::float8 AS length,
      ${text(['level', 'location', 'method', 'page'])}, (j->>'registration')::float8 AS registration,
      (j->>'sessionId')::bigint AS "sessionId", j->>'song' AS song, (j->>'status')::int AS status,
      (j->>'ts')::bigint AS ts, j->>'userAgent' AS "userAgent", j->>'userId' AS "userId"
    FROM (SELECT line::jsonb AS j FROM raw_events WHERE line IS NOT NULL AND btrim(line) <> '' OFFSET 0) r`,
  ],
  [
    'staging_songs',
    `CREATE TABLE staging_songs AS SELECT (j->>'num_songs')::int AS num_songs, j->>'artist_id' AS artist_id,
      (j->>'artist_latitude')::float8 AS artist_latitude, (j->>'artist_longitude')::float8 AS artist_longitude,
      j->>'artist_location' AS artist_location, j->>'artist_name' AS artist_name, j->>'song_id' AS song_id,
      j->>'title' AS title, (j->>'duration')::float8 AS duration, (j->>'year')::int AS year, n
    FROM (SELECT line::jsonb AS j, n FROM raw_songs WHERE line IS NOT NULL AND btrim(line) <> '' OFFSET 0) r`,
  ],
  [
    'songs',
    `CREATE TABLE songs AS SELECT DISTINCT ON (song_id) song_id, title, artist_id, year, duration
    FROM staging_songs WHERE song_id IS NOT NULL ORDER BY song_id, n`,
  ],
  [
    'artists',
    `CREATE TABLE artists AS SELECT DISTINCT ON (artist_id) artist_id, artist_name AS name,
      artist_location AS location, artist_latitude AS latitude, artist_longitude AS longitude
    FROM staging_songs WHERE artist_id IS NOT NULL
    ORDER BY artist_id, CASE WHEN artist_location <> '' THEN 0 ELSE 1 END, CASE WHEN artist_latitude IS NOT NULL THEN 0 ELSE 1 END, n`,
  ],
  [
    'users',
    `CREATE TABLE users AS SELECT DISTINCT ON ("userId") "userId" AS user_id, "firstName" AS first_name,
      "lastName" AS last_name, gender, level
    FROM staging_events WHERE "userId" <> '' ORDER BY "userId", ts DESC`,
  ],
  [
    'songplays',
    `CREATE TABLE songplays AS
    WITH best AS (SELECT s.title, a.name, s.duration, min(s.song_id) AS song_id
        FROM songs s JOIN artists a USING (artist_id) GROUP BY 1, 2, 3),
      lookup AS (SELECT b.*, s.artist_id FROM best b JOIN songs s USING (song_id))
    SELECT DISTINCT ON (songplay_id) md5(concat(e.ts, '|', e."userId", '|', e."sessionId", '|', e."itemInSession")) AS songplay_id,
      to_timestamp(e.ts / 1000.0) AT TIME ZONE 'UTC' AS start_time, nullif(e."userId", '') AS user_id, e.level,
      m.song_id, m.artist_id, e."sessionId" AS session_id, e.location, e."userAgent" AS user_agent
    FROM staging_events e LEFT JOIN lookup m ON m.title = e.song AND m.name = e.artist AND m.duration = e.length
    WHERE e.page = 'NextSong'`,
  ],
  [
    'time',
    `CREATE TABLE "time" AS SELECT start_time, extract(hour FROM start_time)::int AS hour,
      extract(day FROM start_time)::int AS day, extract(week FROM start_time)::int AS week,
      extract(month FROM start_time)::int AS month, extract(year FROM start_time)::int AS year,
      extract(dow FROM start_time)::int AS weekday
    FROM (SELECT DISTINCT start_time FROM songplays) t`,
  ],
];

export async function runPostgresFloor(
  url: string,
  schema: string,
  songs: string,
  logs: string,
): Promise<FloorResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const phasesMs: Record<string, number> = {};
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    phasesMs[name] = Math.round(performance.now() - t0);
  };
  try {
    // The same session memory Harmonize's engine sets, so the ratio compares designs, not settings.
    await client.query(`SET work_mem = '${WORK_MEM}'`);
    await client.query(`SET maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path = "${schema}"`);
    await client.query('BEGIN');
    await client.query('CREATE UNLOGGED TABLE raw_events (line text)');
    await client.query('CREATE UNLOGGED TABLE raw_songs (n serial, line text)');
    await timed('copy_events', () => copyLines(client, 'raw_events', logs));
    await timed('copy_songs', () => copyLines(client, 'raw_songs', songs));
    for (const [name, sql] of statements) await timed(name, () => client.query(sql));
    await timed('commit', () => client.query('COMMIT'));
    const counts = await client.query<{ t: string; n: string }>(
      countedTables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL '),
    );
    const tables = Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)]));
    return { phasesMs, tables };
  } finally {
    await client.end();
  }
}
