// Opens a fresh DuckDB warehouse file in its own temp folder and runs the pipeline on folders.
import { join } from 'node:path';
import { LocalSource } from '../../src/extract/local-source.js';
import { runEtl, type EtlOptions } from '../../src/pipeline/etl.js';
import { openDuckDb } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { tempDir, type TempDir } from './data.js';

export interface DuckFixture {
  dir: TempDir;
  wh: Warehouse;
  dbPath: string;
  etl(songs: string, logs: string, opts?: Partial<EtlOptions>): ReturnType<typeof runEtl>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function duckFixture(): Promise<DuckFixture> {
  const dir = await tempDir('hz-duck-');
  const dbPath = join(dir.path, 'wh.duckdb');
  return fixtureFor(await openDuckDb({ path: dbPath }), dir, dbPath);
}

/** The same fixture around any warehouse (the contract tests run it on every engine). */
export function fixtureFor(wh: Warehouse, dir: TempDir, dbPath = ''): DuckFixture {
  return {
    dir,
    wh,
    dbPath,
    etl: (songs, logs, opts = {}) =>
      runEtl(wh, { songs: new LocalSource(songs), logs: new LocalSource(logs), ...opts }),
    async count(table) {
      const [r] = await wh.query<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`);
      return Number(r?.n);
    },
    async close() {
      await wh.close();
      await dir.cleanup();
    },
  };
}

/** Every star table's rows, sorted, without lineage columns: for comparing two warehouses. */
export async function starSnapshot(wh: Warehouse): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    songplays:
      'songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent',
    users: 'user_id, first_name, last_name, gender, level',
    songs: 'song_id, title, artist_id, year, duration',
    artists: 'artist_id, name, location, latitude, longitude',
    time: 'start_time, hour, day, week, month, year, weekday',
  };
  const out: Record<string, unknown[]> = {};
  for (const [t, cols] of Object.entries(tables)) {
    const rows = await wh.query(`SELECT ${cols} FROM "${t}" ORDER BY ${cols.split(',')[0] ?? ''}`);
    out[t] = rows.map((r) => JSON.stringify(r));
  }
  return out;
}
