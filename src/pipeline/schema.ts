// Creates (or drops) every Harmonize table from the model, in the engine's dialect.
import { allTables } from '../model/tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** Harmonize's tables that exist already, in one catalog query. */
async function existingTables(wh: Warehouse): Promise<Set<string>> {
  const rows = await wh.query<{ name: string }>(wh.dialect.existingTables(allTables.map((t) => t.name)));
  return new Set(rows.map((r) => r.name));
}

/** Creates the tables that are missing (every run starts here, so the usual case is one query). */
export async function createTables(wh: Warehouse, opts: { drop?: boolean } = {}): Promise<string[]> {
  const d = wh.dialect;
  if (opts.drop) for (const t of [...allTables].reverse()) await wh.execute(d.dropTable(t.name));
  const existing = opts.drop ? new Set<string>() : await existingTables(wh);
  for (const t of allTables) {
    if (!existing.has(t.name)) await wh.execute(d.createTable(t, { ifNotExists: true }));
    // Also on tables of a warehouse made before the table had them.
    for (const sql of d.blockIndexes(t)) await wh.execute(sql);
  }
  return allTables.map((t) => t.name);
}

export async function truncateAll(wh: Warehouse): Promise<void> {
  for (const t of allTables) {
    if (t.name === 'harmonize_runs') continue;
    await wh.execute(`DELETE FROM ${wh.dialect.table(t.name)}`);
  }
}
