// Record parsing on PostgreSQL gives what DuckDB gives: the same tricky raw records run through both
// engines' parseRecords, and the same files through both engines' rawRecords, compared row by row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSpec, songSpec, type RecordSpec } from '../src/model/records.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { insertRows } from '../src/warehouse/insert-rows.js';
import { tryJsonbFunctionSql } from '../src/warehouse/postgres/postgres-parse.js';
import { openPostgres } from '../src/warehouse/postgres/postgres-warehouse.js';
import type { Row, Warehouse } from '../src/warehouse/warehouse.js';
import { tempDir, type TempDir } from './support/data.js';
import { postgresForTests, randomName } from './support/postgres-server.js';

const { server, skipReason } = await postgresForTests();
afterAll(() => server?.stop());

const base = {
  artist: "Des'ree",
  auth: 'Logged In',
  firstName: 'Kaylee',
  gender: 'F',
  itemInSession: 1,
  lastName: 'Summers',
  length: 246.30812,
  level: 'free',
  location: 'Phoenix-Mesa-Scottsdale, AZ',
  method: 'PUT',
  page: 'NextSong',
  registration: 1540344794796.0,
  sessionId: 139,
  song: 'You Gotta Be',
  status: 200,
  ts: 1541106106796,
  userAgent: '"Mozilla/5.0 (Windows NT 6.1; WOW64)"',
  userId: '8',
};
const ev = (over: Record<string, unknown>) => JSON.stringify({ ...base, ...over });
const noTs = Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'ts'));

/** Raw event records whose parse must agree on both engines. */
const eventLines = [
  ev({}),
  ev({ userId: 12 }),
  ev({ userId: 12.5 }),
  '{"ts":1,"userId":1.0}',
  '{"ts":1,"userId":12.50}',
  ev({ userId: true }),
  ev({ userId: '' }),
  ev({ ts: '1541903636796' }),
  ev({ ts: ' 1541903636796 ' }),
  '{"ts":1e3}',
  '{"ts":true}',
  '{"ts":1541903636796.5}',
  JSON.stringify(noTs),
  ev({ ts: null }),
  ev({ ts: 'abc' }),
  ev({ ts: {} }),
  '{"ts":9223372036854775808}',
  '{"TS":1}',
  '{}',
  ev({ sessionId: 'abc' }),
  '{"ts":1,"sessionId":9223372036854775808}',
  ev({ sessionId: [1] }),
  ev({ sessionId: null }),
  ev({ userId: { a: 1 } }),
  ev({ song: ['x'] }),
  ev({ song: '{not an object' }),
  ev({ song: '[1]' }),
  ev({ length: '200.5' }),
  ev({ length: '  1.5\t' }),
  ev({ length: null }),
  '{"ts":1,"length":1e400}',
  ev({ length: '1.5e400' }),
  ev({ length: 'NaN' }),
  ev({ length: 'inf' }),
  ev({ length: '' }),
  ev({ length: 269.58322 }),
  '{"ts":1,"length":1e-400}',
  ev({ length: '1.5e400' }),
  ev({ length: 'Infinity' }),
  ev({ itemInSession: 2.5 }),
  ev({ itemInSession: 3.5 }),
  ev({ itemInSession: -2.5 }),
  ev({ itemInSession: '2.5' }),
  ev({ itemInSession: '-2.5' }),
  ev({ itemInSession: 3000000000 }),
  ev({ itemInSession: false }),
  ev({ itemInSession: '1e3' }),
  ev({ status: ' 200 ' }),
  '{"ts":1,"status":200.0}',
  ev({ status: '+5' }),
  ev({ status: '1.2.3' }),
  ev({ song: 'Beyoncé — 東京 🎵' }),
  '{"ts":1,"song":"\\u00e9\\t\\"q\\" \\\\ back"}',
  ev({ location: 'C:\\x\ty' }),
  '{"ts":1,"extra":{"nested":[1,2,{"a":null}]}}',
  '[1,2]',
  '"str"',
  '12',
  'true',
  '{bad',
  '{"ts":1} trailing',
  '',
  '{"ts":1 /* c */}',
  '{"ts":01}',
  '{"ts":1}{"ts":2}',
  // DuckDB's lenient JSON: trailing commas and bare NaN/Infinity/inf/nan literals
  '{"ts":1,}',
  '{"ts":1, "song":[1,] , }',
  '{,}',
  '[1,]',
  '[,]',
  '{"ts":1,,}',
  '{"ts":1,"song":"a,}"}',
  '{"ts":1,"length":NaN}',
  '{"ts":1,"length":-Infinity}',
  '{"ts":1,"length":inf}',
  '{"ts":1,"song":-nan,"userId":INF}',
  '{"ts":1,"sessionId":NaN}',
  '{"ts":NaN}',
  '{"ts":1,"song":"NaN"}',
  '{"ts":1,"length":"-INF"}',
  '{"ts":1,"length":" nan"}',
  '{"ts":1,"length":1e400}',
  '{"ts":1,"length":-1e400}',
  ev({ length: '1e5000' }),
  '{"ts":1,"info":"x"}',
  '{"ts":1,"song":informal}',
];

const song = (over: Record<string, unknown>) =>
  JSON.stringify({
    num_songs: 1,
    artist_id: 'ARD7TVE1187B99BFB1',
    artist_latitude: null,
    artist_longitude: null,
    artist_location: 'California - LA',
    artist_name: 'Casual',
    song_id: 'SOMZWCG12A8C13C480',
    title: "I Didn't Mean To",
    duration: 218.93179,
    year: 0,
    ...over,
  });

const songLines = [
  song({}),
  song({ artist_id: undefined }),
  song({ song_id: null }),
  song({ artist_id: undefined, song_id: undefined }),
  song({ artist_id: 123 }),
  song({ artist_id: { x: 1 } }),
  song({ year: '1999' }),
  '{"artist_id":"A","song_id":"S","year":1999.0}',
  song({ duration: 'abc' }),
  song({ artist_latitude: 35.14968, artist_longitude: -90.04892 }),
  song({ num_songs: '1' }),
];

async function parseOn(wh: Warehouse, spec: RecordSpec, lines: string[]): Promise<Row[]> {
  const d = wh.dialect;
  const t = d.quoteId(randomName('_t'));
  await wh.execute(
    `CREATE TEMPORARY TABLE ${t} (source_file ${d.type('text')}, source_line ${d.type('int')}, raw ${d.type('text')})`,
  );
  await insertRows(
    wh,
    t,
    ['source_file', 'source_line', 'raw'],
    lines.map((l, i) => ['f', i + 1, l]),
  );
  const rows = await wh.query(
    `SELECT * FROM (${d.parseRecords(`SELECT source_file, source_line, raw FROM ${t}`, spec)}) x ORDER BY source_line`,
  );
  await wh.execute(`DROP TABLE ${t}`);
  return rows;
}

/** Rejected rows keep only what is stored for them; good rows keep every value. */
const comparable = (r: Row): Row =>
  r.reason === null ? r : { source_line: r.source_line, reason: r.reason, message: r.message, raw: r.raw };

describe.skipIf(!server)(`record parsing, DuckDB vs PostgreSQL ${server?.version ?? skipReason}`, () => {
  let duck: Warehouse;
  let pg: Warehouse;
  let dir: TempDir;
  beforeAll(async () => {
    duck = await openDuckDb({ path: ':memory:' });
    pg = await openPostgres(server!.config({ schema: randomName('hz') }));
    dir = await tempDir('hz-pgparse-');
  });
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
    await dir?.cleanup();
  });

  it.each([
    ['events', eventSpec, eventLines],
    ['songs', songSpec, songLines],
  ] as const)('%s: same reasons, messages and values', async (name, spec, lines) => {
    const [d, p] = [await parseOn(duck, spec, lines), await parseOn(pg, spec, lines)];
    expect(p.map(comparable)).toEqual(d.map(comparable));
    expect(p.filter((r) => r.reason === null).length).toBeGreaterThan(name === 'songs' ? 4 : 30);
  });

  it('reads the documented coercions', async () => {
    const rows = await parseOn(pg, eventSpec, [
      ev({ userId: 12 }),
      ev({ ts: '1541903636796' }),
      ev({ length: null }),
      ev({ sessionId: 'x' }),
    ]);
    expect(rows.map((r) => [r.user_id, r.ts, r.length, r.reason, r.message])).toEqual([
      ['12', 1541106106796, 246.30812, null, null],
      ['8', 1541903636796, 246.30812, null, null],
      ['8', 1541106106796, null, null, null],
      ['8', 1541106106796, 246.30812, 'bad_type', 'field has the wrong type (field "sessionId")'],
    ]);
  });

  it('calls valid JSON null not_object (DuckDB says invalid_json, see report)', async () => {
    const [r] = await parseOn(pg, eventSpec, ['null']);
    expect(r?.reason).toBe('not_object');
  });

  it('tells JSON from the rest the same way on every server version', async () => {
    // From PostgreSQL 16 hz_try_jsonb tests a line with pg_input_is_valid; before, it catches the
    // failing cast. Both definitions, side by side on this server, on every line above and more.
    await pg.execute(tryJsonbFunctionSql(150000).replace('hz_try_jsonb', 'hz_try_jsonb_caught'));
    const lines = [...eventLines, ...songLines, '"\\u0000"', '{"a":"\\ud800"}', ' ', '{"a":1e400}', 'nan'];
    const rows = await pg.query<{ tested: string | null; caught: string | null }>(
      `SELECT pg_temp.hz_try_jsonb(t)::text AS tested, pg_temp.hz_try_jsonb_caught(t)::text AS caught
       FROM json_array_elements_text($1::json) WITH ORDINALITY AS l(t, n) ORDER BY n`,
      [JSON.stringify(lines)],
    );
    expect(rows).toHaveLength(lines.length);
    expect(rows.map((r) => r.tested)).toEqual(rows.map((r) => r.caught));
    expect(rows.filter((r) => r.tested === null).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.tested !== null).length).toBeGreaterThan(30);
  });

  it('splits the same files into the same records', async () => {
    const files = {
      'crlf.json':
        '\uFEFF{"ts":1,"userId":"1"}\r\n\r\n\t{"ts":2, "song":"tab\\there"}  \r\n{"ts":3,"location":"C:\\\\dir"}',
      'blank.json': '\n\n{"ts":4}\n\n\n{"ts":5,"song":"Beyoncé 東京 🎵"}\n{broken\n',
      'pretty.json': '{\n  "artist_id": "A1",\n  "song_id": "S1",\n  "title": "two\\\\nlines"\n}\n',
      'array.json':
        '[\n  {"artist_id": "A2", "song_id": "S2", "title": "x y"},\n  {"artist_id": "A3", "song_id": "S3"},\n  3\n]\n',
      'empty.json': '',
    };
    const raw = await Promise.all(
      Object.entries(files).map(async ([name, text]) => ({
        sourceFile: `s3://b/${name}`,
        localPath: await dir.write(name, text),
      })),
    );
    const read = async (wh: Warehouse) => {
      const rel = await wh.rawRecords(raw);
      const rows = await wh.query(
        `SELECT source_file, source_line, raw FROM (${rel.sql}) r ORDER BY source_file, source_line`,
        rel.params,
      );
      const parsed = await wh.query(
        `SELECT * FROM (${wh.dialect.parseRecords(rel.sql, songSpec)}) r ORDER BY source_file, source_line`,
        rel.params,
      );
      await rel.dispose();
      return { rows, parsed };
    };
    const [d, p] = [await read(duck), await read(pg)];
    expect(p.rows).toEqual(d.rows);
    expect(p.parsed).toEqual(d.parsed);
    expect(p.rows).toHaveLength(10);
  });
});
