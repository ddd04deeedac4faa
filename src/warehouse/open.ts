// The one factory that picks an engine. Engine modules are imported lazily, so a DuckDB run never
// loads the PostgreSQL driver and the other way round.
import type { WarehouseConfig } from './url.js';
import type { Warehouse } from './warehouse.js';

export async function openWarehouse(cfg: WarehouseConfig): Promise<Warehouse> {
  switch (cfg.engine) {
    case 'duckdb': {
      const { openDuckDb } = await import('./duckdb/duckdb-warehouse.js');
      return openDuckDb({ path: cfg.path });
    }
    case 'postgres':
    case 'redshift': {
      const { openPostgres } = await import('./postgres/postgres-warehouse.js');
      return openPostgres(cfg);
    }
  }
}
