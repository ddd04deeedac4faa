// The Node-side typed reading of plain records (PostgreSQL's bulk path): what it accepts, what it
// leaves to the SQL parse, and — on real engines — that a load through it equals a load through
// the SQL parse alone, and DuckDB's, value for value and reject for reject.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSpec, songSpec } from '../src/model/records.js';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { openPostgres } from '../src/warehouse/postgres/postgres-warehouse.js';
import { typedRecord } from '../src/warehouse/typed-records.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { event, song, tempDir, type TempDir, songAFile } from './support/data.js';
import { postgresForTests, randomName, type PgTestServer } from './support/postgres-server.js';

const plain = event({ ts: 1541105830796, userId: '7', length: 215.5, registration: 1540919166796 });

describe('typedRecord', () => {
  it('reads a plain event into spec order, nulls and absent optional fields as NULL', () => {
    const withoutArtist = Object.fromEntries(Object.entries(plain).filter(([k]) => k !== 'artist'));
    const values = typedRecord(eventSpec, JSON.stringify({ ...withoutArtist, song: null }));
    expect(values).toHaveLength(eventSpec.fields.length);
    const byColumn = Object.fromEntries(eventSpec.fields.map((f, i) => [f.column, values?.[i]]));
    expect(byColumn).toMatchObject({
      artist: null,
      song: null,
      ts: 1541105830796,
      user_id: '7',
      length: 215.5,
      registration: 1540919166796,
      session_id: 7,
    });
  });

  it('leaves every unusual value to the SQL parse', () => {
    const unusual: Record<string, unknown>[] = [
      { ts: '1541105830796' }, // numeric string
      { ts: null }, // required field null: a reject
      { itemInSession: 1.5 }, // fractional integer
      { itemInSession: 2 ** 31 }, // beyond INTEGER
      { sessionId: 2 ** 53 }, // beyond what a double holds exactly
      { userId: 12 }, // number in a text field
      { userId: true },
      { artist: { name: 'x' } }, // nested value
      { artist: ['x'] },
      { length: '215.5' },
      { length: true },
    ];
    for (const over of unusual)
      expect(typedRecord(eventSpec, JSON.stringify({ ...plain, ...over }))).toBeUndefined();
    const noTs = Object.fromEntries(Object.entries(plain).filter(([k]) => k !== 'ts'));
    expect(typedRecord(eventSpec, JSON.stringify(noTs))).toBeUndefined();
  });

  it('leaves DuckDB-lenient JSON, non-objects and awkward escapes to the SQL parse', () => {
    const raw = JSON.stringify(plain);
    for (const text of [
      raw.replace(/}$/, ',}'), // trailing comma, which DuckDB reads
      raw.replace('"length":215.5', '"length":NaN'),
      '[1,2]',
      '"text"',
      'null',
      raw.replace('"Ann"', '"A\\u0000nn"'),
      raw.replace('"Ann"', '"A\\ud800nn"'),
      '{"song_id": "SO1", ',
    ])
      expect(typedRecord(eventSpec, text)).toBeUndefined();
    expect(typedRecord(eventSpec, raw.replace('"Ann"', '"A\\u00e9nn"'))).toBeDefined();
  });

  it('reads song records, keeping year 0 and null coordinates', () => {
    const s = song({ song_id: 'SO1', title: 'T', artist_id: 'AR1', artist_name: 'A', duration: 1.25 });
    const values = typedRecord(songSpec, JSON.stringify(s));
    expect(Object.fromEntries(songSpec.fields.map((f, i) => [f.column, values?.[i]]))).toMatchObject({
      year: 0,
      artist_latitude: null,
      duration: 1.25,
      song_id: 'SO1',
    });
  });
});

/** The same warehouse without its typed bulk path: every record through the SQL parse. */
function sqlOnly(wh: Warehouse): Warehouse {
  return {
    dialect: wh.dialect,
    capabilities: wh.capabilities,
    description: wh.description,
    query: (s, p) => wh.query(s, p),
    execute: (s, p) => wh.execute(s, p),
    transaction: (fn) => wh.transaction(fn),
    rawRecords: (files, onProgress) => wh.rawRecords(files, onProgress),
    lock: () => wh.lock(),
    close: () => wh.close(),
  };
}

/**
 * Records where every field takes every shape the parse knows, one field varied per line. Left out:
 * a number written with an exponent in a text field (1e21), which jsonb cannot tell from its digits
 * — a documented difference between the engines, whichever path PostgreSQL takes.
 */
function trickyEvents(): string {
  const variants: Record<string, unknown[]> = {
    ts: [1541105830797, '1541105830798', ' 1541105830799 ', 1541105830800.0, null, 'x', true],
    itemInSession: [3, '4', 5.5, -0, 1e2, 2 ** 31, true, null, { a: 1 }],
    sessionId: [2 ** 53 + 2, '12', 1.5e3, false],
    length: [1.5, '2.25', 'inf', '-Infinity', 'NaN', 1e308, '1e400', true, [1]],
    userId: [12, 12.5, true, '', null, { id: 1 }, 'Zoë', 'tab\there', 'back\\slash', 'line\nbreak'],
    registration: [1540919166796.0, '1540919166796', null],
    status: [200, '404', 2.5],
  };
  const lines: string[] = [];
  let i = 0;
  for (const [key, values] of Object.entries(variants))
    for (const v of values) lines.push(JSON.stringify(event({ ts: 1541105840000 + i++, [key]: v })));
  lines.push(
    '{"ts": 1541105850000, "userId": "9",}',
    '{"ts": 1541105850001, "page": "NextSong", "length": NaN}',
  );
  lines.push('not json', '[1]', '', '   ', JSON.stringify(event({ ts: 1541105850002 })));
  return lines.join('\n');
}

const stagedSql = `SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, location,
  method, page, registration, session_id, song, status, ts, user_agent, user_id, _source_line
  FROM staging_events ORDER BY _source_line`;
const rejectedSql = `SELECT source_line, reason, message, raw FROM rejected_records ORDER BY source_line`;

describe('a load through the typed path', () => {
  let dir: TempDir;
  let pg: PgTestServer | undefined;

  beforeAll(async () => {
    dir = await tempDir('hz-typed-');
    await dir.write('songs/s.json', songAFile());
    await dir.write('logs/2018/11/2018-11-01-events.json', trickyEvents());
    const { server, skipReason } = await postgresForTests();
    if (!server) console.warn(`PostgreSQL typed-path cases skipped: ${skipReason ?? 'no server'}`);
    pg = server;
  });
  afterAll(async () => {
    await pg?.stop();
    await dir.cleanup();
  });

  async function load(wh: Warehouse) {
    try {
      await runEtl(wh, {
        songs: new LocalSource(join(dir.path, 'songs')),
        logs: new LocalSource(join(dir.path, 'logs')),
        skipChecks: true,
      });
      return { staged: await wh.query(stagedSql), rejected: await wh.query(rejectedSql) };
    } finally {
      await wh.close();
    }
  }

  it('equals the SQL parse alone and DuckDB, value for value and reject for reject', async (ctx) => {
    if (!pg) return ctx.skip();
    const typed = await load(await openPostgres(pg.config({ schema: randomName('hz_typed') })));
    const sql = await load(sqlOnly(await openPostgres(pg.config({ schema: randomName('hz_sql') }))));
    const duck = await load(await openDuckDb({ path: join(dir.path, 'wh.duckdb') }));
    expect(typed.staged.length).toBeGreaterThan(20);
    expect(typed.rejected.length).toBeGreaterThan(5);
    expect(typed).toEqual(sql);
    expect(typed).toEqual(duck);
  });
});
