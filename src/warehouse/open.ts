// The one factory that picks an engine. Engine modules are imported lazily, so a DuckDB run never
// loads the PostgreSQL driver and the other way round.
import { usageError } from '../errors.js';
import type { WarehouseConfig } from './url.js';
import type { Warehouse } from './warehouse.js';

export async function openWarehouse(cfg: WarehouseConfig): Promise<Warehouse> {
  switch (cfg.engine) {
    case 'duckdb': {
      const { openDuckDb } = await import('./duckdb/duckdb-warehouse.js');
      return openDuckDb(cfg); // the URL's DuckDB options are the engine's own (DuckDbOptions)
    }
    case 'redshift':
      throw usageError('the Redshift engine is not built yet', {
        where: '--warehouse',
        hint: 'use duckdb:<file> or postgres://…; dwh.cfg files pointing at Redshift are read, but not loaded into it',
      });
    case 'postgres': {
      const { openPostgres } = await import('./postgres/postgres-warehouse.js');
      return openPostgres(cfg);
    }
  }
}
