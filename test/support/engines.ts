// The engines the contract tests run on: DuckDB always, PostgreSQL on a throwaway server started
// for the test file (a missing server fails under CI, see postgres-server.ts). Each fixture gets its
// own DuckDB file or its own PostgreSQL schema.
import { afterAll } from 'vitest';
import { openPostgres } from '../../src/warehouse/postgres/postgres-warehouse.js';
import { tempDir } from './data.js';
import { duckFixture, fixtureFor, type DuckFixture } from './duckdb.js';
import { postgresForTests, randomName } from './postgres-server.js';

export interface Engine {
  name: string;
  open(): Promise<DuckFixture>;
}

export async function contractEngines(): Promise<Engine[]> {
  const engines: Engine[] = [{ name: 'duckdb', open: duckFixture }];
  const { server, skipReason } = await postgresForTests();
  if (!server) {
    console.warn(`PostgreSQL contract cases skipped: ${skipReason ?? 'no server'}`);
    return engines;
  }
  afterAll(() => server.stop());
  engines.push({
    name: 'postgres',
    async open() {
      const wh = await openPostgres(server.config({ schema: randomName('hz_contract') }));
      return fixtureFor(wh, await tempDir('hz-pgc-'));
    },
  });
  return engines;
}
