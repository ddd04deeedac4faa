// The PostgreSQL engine against a real server: DDL from the model, values at the seam, COPY of
// awkward files, transactions, the run lock, and errors that name the server but never the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { allTables } from '../src/model/tables.js';
import { createTables } from '../src/pipeline/schema.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { openPostgres } from '../src/warehouse/postgres/postgres-warehouse.js';
import { splitRecords } from '../src/warehouse/record-splitter.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { tempDir, type TempDir } from './support/data.js';
import { postgresForTests, randomName } from './support/postgres-server.js';

const { server, skipReason } = await postgresForTests();
afterAll(() => server?.stop());

describe.skipIf(!server)(`PostgreSQL warehouse ${server?.version ?? skipReason}`, () => {
  const srv = server!;
  let wh: Warehouse;
  let schema: string;
  let dir: TempDir;
  beforeAll(async () => {
    schema = randomName('hz');
    wh = await openPostgres(srv.config({ schema }));
    dir = await tempDir('hz-pgwh-');
  });
  afterAll(async () => {
    await wh?.close();
    await dir?.cleanup();
  });

  it('creates every table of the model in its schema, with the type table', async () => {
    await createTables(wh);
    await createTables(wh); // IF NOT EXISTS: twice is fine
    const cols = await wh.query<{ table_name: string; n: number }>(
      `SELECT table_name, count(*) AS n FROM information_schema.columns WHERE table_schema = $1 GROUP BY 1 ORDER BY 1`,
      [schema],
    );
    expect(cols).toEqual(
      allTables
        .map((t) => ({ table_name: t.name, n: t.columns.length }))
        .sort((a, b) => a.table_name.localeCompare(b.table_name)),
    );
    const [t] = await wh.query(
      `SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'songplays' AND column_name = 'start_time'`,
      [schema],
    );
    expect(t).toEqual({ data_type: 'timestamp without time zone' });
    const [visible] = await wh.query(`SELECT count(*) AS n FROM songplays`); // search_path leads with the schema
    expect(visible).toEqual({ n: 0 });
  });

  it('converts values at the seam and takes Dates as UTC', async () => {
    const at = new Date(Date.UTC(2018, 10, 1, 20, 57, 10, 796));
    const [r] = await wh.query(
      `SELECT count(*) AS c, sum(x) AS s, 9007199254740993::bigint AS big, 1.5::numeric AS num, $1::timestamp AS t, 2.5::float8 AS f, NULL::bigint AS z FROM (VALUES (1::bigint), (2)) v(x)`,
      [at],
    );
    expect(r).toEqual({ c: 2, s: 3, big: '9007199254740993', num: 1.5, t: at, f: 2.5, z: null });
  });

  it('computes time parts and ids the same way DuckDB does', async () => {
    const duck = await openDuckDb({ path: ':memory:' });
    const expr = (w: Warehouse) => {
      const d = w.dialect;
      const ts = d.epochMsToTimestamp('v.ts');
      const parts = (['hour', 'day', 'week', 'month', 'year', 'weekday'] as const).map(
        (p) => `${d.datePart(p, ts)} AS ${p}`,
      );
      const id = d.md5(d.concatText(['v.ts', `'|'`, 'v.u', `'|'`, 'v.s']));
      return `SELECT ${ts} AS t, ${parts.join(', ')}, ${id} AS id FROM (SELECT CAST(${d.param(1)} AS BIGINT) AS ts, CAST(NULL AS ${d.type('text')}) AS u, CAST(7 AS BIGINT) AS s) v`;
    };
    try {
      for (const ms of [1541106106796, 1543622399999, 0, -1, 951782400001]) {
        const [p] = await wh.query(expr(wh), [ms]);
        expect(p).toEqual((await duck.query(expr(duck), [ms]))[0]);
        expect((p?.t as Date).getTime()).toBe(ms);
      }
    } finally {
      await duck.close();
    }
  });

  it('COPYs awkward files byte for byte and reports progress', async () => {
    const files = {
      'a.json':
        '\uFEFF{"s":"back\\\\slash \\"q\\" tab\\there"}\r\n\r\n{"s":"raw\ttab"}\n  {"s":"Beyoncé 東京 🎵 \\u00e9"}  \n',
      'b.json': '{\n  "s": "pretty\\nobject",\n  "n": 1\n}\n',
      'c.json': '[\n {"s": "x\\\\y"},\n {"s": "z"}\n]',
      'd.json': `${Array.from({ length: 30_000 }, (_, i) => `{"i":${i},"pad":"${'x'.repeat(40)}"}`).join('\n')}\n`,
      'e.json': '{"s":"quote\u0001 delim\u0002 cr\r inside"}\n{"s":"\u0001\u0001"}\n\u0002\n',
    };
    const raw = await Promise.all(
      Object.entries(files).map(async ([n, text]) => ({
        sourceFile: `s3://b/${n}\tx\\y`,
        localPath: await dir.write(n, text),
      })),
    );
    const progress: number[] = [];
    const rel = await wh.rawRecords(raw, (b) => progress.push(b));
    const rows = await wh.query(
      `SELECT source_file, source_line, raw FROM (${rel.sql}) r ORDER BY source_file, source_line`,
    );
    await rel.dispose();
    const expected = [];
    for (const f of raw)
      for await (const batch of splitRecords(f.localPath))
        for (const r of batch) expected.push({ source_file: f.sourceFile, source_line: r.line, raw: r.raw });
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(3 + 1 + 2 + 30_000 + 3);
    expect(progress.at(-1)).toBe(Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0));
  });

  it('stops a COPY on bad UTF-8 with the file and line, and the session goes on', async () => {
    const good = await dir.write('ok.json', '{"a":1}\n');
    const bad = await dir.write(
      'bad.json',
      Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    );
    const err = await wh
      .transaction(() =>
        wh.rawRecords([
          { sourceFile: 'ok', localPath: good },
          { sourceFile: 's3://b/bad.json', localPath: bad },
        ]),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).oneLine()).toMatch(/^s3:\/\/b\/bad\.json:2: not valid UTF-8 text/);
    expect(await wh.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('rolls back data and DDL together', async () => {
    await wh.execute('CREATE TABLE kept (x integer)');
    const err = await wh
      .transaction(async () => {
        await wh.execute('INSERT INTO kept VALUES ($1)', [1]);
        await wh.execute('CREATE TABLE dropped_with_rollback (x integer)');
        throw new Error('boom');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom');
    expect(await wh.query('SELECT count(*) AS n FROM kept')).toEqual([{ n: 0 }]);
    expect(await wh.query(`SELECT to_regclass('dropped_with_rollback') AS t`)).toEqual([{ t: null }]);
    await wh.transaction(() => wh.execute('INSERT INTO kept VALUES ($1)', [2]));
    expect(await wh.query('SELECT x FROM kept')).toEqual([{ x: 2 }]);
  });

  it('reports a broken primary key as a failed check, naming the key', async () => {
    await wh.execute('CREATE TABLE keyed (k text PRIMARY KEY, v text)');
    await wh.execute(`INSERT INTO keyed VALUES ('a', 'x')`);
    const dup = (await wh
      .execute(`INSERT INTO keyed VALUES ('a', 'y')`)
      .catch((e: unknown) => e)) as HarmonizeError;
    expect(dup).toBeInstanceOf(HarmonizeError);
    expect(dup.exitCode).toBe(1);
    expect(dup.oneLine()).toMatch(
      /^quality check failed: duplicate primary key in keyed: Key \(k\)=\(a\) already exists/,
    );
    const missing = (await wh
      .execute(`INSERT INTO keyed VALUES (NULL, 'z')`)
      .catch((e: unknown) => e)) as HarmonizeError;
    expect(missing.exitCode).toBe(1);
    expect(missing.message).toContain('null in a primary-key column in keyed');
  });

  it('wraps SQL errors once, keeping the cause', async () => {
    const err = (await wh.query('SELECT * FROM no_such_table').catch((e: unknown) => e)) as Error;
    expect(err).not.toBeInstanceOf(HarmonizeError);
    expect(err.message).toBe('PostgreSQL: relation "no_such_table" does not exist');
    expect((err.cause as { code?: string }).code).toBe('42P01');
  });
});

describe.skipIf(!server)('PostgreSQL run lock', () => {
  const srv = server!;
  const open = (schema: string, lockWaitMs = 300) => openPostgres(srv.config({ schema }), { lockWaitMs });

  it('makes a second run on the same schema wait, then fail with a clear message', async () => {
    const schema = randomName('hz_lock');
    const [a, b, other] = [await open(schema), await open(schema), await open(randomName('hz_lock'))];
    try {
      const release = await a.lock();
      const t0 = Date.now();
      const err = (await b.lock().catch((e: unknown) => e)) as HarmonizeError;
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(err).toBeInstanceOf(HarmonizeError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(
        new RegExp(
          `^another Harmonize run holds the lock on schema "${schema}" \\(server process \\d+, connected since .+\\); waited 0.3 s$`,
        ),
      );
      await (
        await other.lock()
      )(); // another schema is not blocked
      const waiting = b.lock(); // waits …
      await new Promise((r) => setTimeout(r, 100));
      await release(); // … and gets the lock as soon as the first run lets go
      await (
        await waiting
      )();
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('frees the lock when the holder disconnects (a killed run)', async () => {
    const schema = randomName('hz_lock');
    const a = await open(schema);
    await a.lock();
    await a.close();
    const b = await open(schema);
    await (
      await b.lock()
    )();
    await b.close();
  });
});

describe.skipIf(!server)('PostgreSQL connection errors', () => {
  const srv = server!;
  const fail = async (cfg: Parameters<typeof openPostgres>[0]) => {
    const err = (await openPostgres(cfg, { connectTimeoutMs: 3000 }).catch(
      (e: unknown) => e,
    )) as HarmonizeError;
    expect(err).toBeInstanceOf(HarmonizeError);
    expect(err.exitCode).toBe(3);
    for (const text of [
      err.message,
      err.oneLine(),
      String(err.cause),
      JSON.stringify(err),
      err.stack ?? '',
    ]) {
      expect(text).not.toContain(cfg.password ?? '\u0000');
      expect(text).not.toContain(srv.password);
    }
    return err.oneLine();
  };

  it('says wrong password, without the password', async () => {
    const line = await fail(srv.config({ password: 'Wr0ng-S3cret!' }));
    expect(line).toBe(
      `postgres@127.0.0.1:${srv.port}/postgres: password authentication failed for user "postgres" (check the user and password of the warehouse URL (or PGPASSWORD))`,
    );
  });

  it('says a password is needed when none was given', async () => {
    const saved = process.env.PGPASSWORD; // pg falls back to it
    delete process.env.PGPASSWORD;
    const line = await fail({ ...srv.config(), password: undefined }).finally(() => {
      if (saved !== undefined) process.env.PGPASSWORD = saved;
    });
    expect(line).toContain('the server wants a password for user "postgres" and none was given');
  });

  it('says which database is missing and how to create it', async () => {
    const line = await fail(srv.config({ database: 'nope_db' }));
    expect(line).toContain(`database "nope_db" does not exist on 127.0.0.1:${srv.port}`);
    expect(line).toContain(`createdb -h 127.0.0.1 -p ${srv.port} -U postgres nope_db`);
  });

  it('says the server cannot be reached', async () => {
    const line = await fail({ ...srv.config(), port: 1 });
    expect(line).toBe(
      `postgres@127.0.0.1:1/postgres: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED) (check the host and port, and that the server is running and accepts TCP connections)`,
    );
    expect(await fail({ ...srv.config(), host: 'no-such-host.invalid' })).toContain(
      'unknown host "no-such-host.invalid"',
    );
  });

  it('says a privilege is missing', async () => {
    const db = await srv.createDatabase();
    const password = 'Limited-Pa55';
    const user = randomName('hz_user');
    await srv.admin(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
    await srv.admin(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, [], db);
    const cfg = { ...srv.config({ database: db, schema: 'analytics', password }), user };
    expect(await fail(cfg)).toMatch(
      new RegExp(
        `^${user}@127.0.0.1:\\d+/${db}: user "${user}" lacks a privilege: permission denied for database ${db} \\(grant`,
      ),
    );
    const wh = await openPostgres({ ...cfg, schema: undefined });
    const err = (await wh
      .execute('CREATE TABLE public.t (x int)')
      .catch((e: unknown) => e)) as HarmonizeError;
    await wh.close();
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe(`user "${user}" lacks a privilege: permission denied for schema public`);
  });
});
