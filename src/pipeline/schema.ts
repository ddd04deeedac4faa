// Creates (or drops) every Harmonize table from the model, in the engine's dialect.
import { allTables } from '../model/tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export async function createTables(wh: Warehouse, opts: { drop?: boolean } = {}): Promise<string[]> {
  const d = wh.dialect;
  if (opts.drop) for (const t of [...allTables].reverse()) await wh.execute(d.dropTable(t.name));
  for (const t of allTables) await wh.execute(d.createTable(t, { ifNotExists: true }));
  return allTables.map((t) => t.name);
}

export async function truncateAll(wh: Warehouse): Promise<void> {
  for (const t of allTables) {
    if (t.name === 'harmonize_runs') continue;
    await wh.execute(`DELETE FROM ${wh.dialect.table(t.name)}`);
  }
}
