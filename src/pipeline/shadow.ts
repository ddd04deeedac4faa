// Shadow tables, built under a prefix by autocommitted statements. A fresh load on engines with
// capabilities.freshLoad = 'swap' builds every data table so, then one transaction drops the live
// ones and renames the shadows in their place: readers see the old tables until that commit and
// the new ones after. A run onto tables that hold rows, on engines with capabilities.stageIn =
// 'apart', stages into shadows of the staging tables and the quarantine so, and its transaction
// appends their rows to the live tables. A run that fails or is killed leaves only shadows, which
// the next run that makes them drops.
import { rejectedRecords, stagingTables, starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

const PREFIX = '_hz_next_';

/** The tables a fresh load rebuilds; run history and the manifest are written in the swap. */
export const rebuiltTables: Table[] = [...stagingTables, ...starTables, rejectedRecords];

const rebuilt = new Set(rebuiltTables.map((t) => t.name));
const shadowName = (name: string) => (rebuilt.has(name) ? `${PREFIX}${name}` : name);

/** The same warehouse, with the names of these tables (all rebuilt ones) pointing at their shadows. */
export function shadowed(wh: Warehouse, tables: readonly Table[] = rebuiltTables): Warehouse {
  const names = new Set(tables.map((t) => t.name));
  const dialect = {
    ...wh.dialect,
    table: (name: string) => wh.dialect.table(names.has(name) ? shadowName(name) : name),
  };
  return {
    dialect,
    capabilities: wh.capabilities,
    description: wh.description,
    query: (sql, params) => wh.query(sql, params),
    execute: (sql, params) => wh.execute(sql, params),
    ...(wh.appendRows ? { appendRows: wh.appendRows.bind(wh) } : {}),
    transaction: (fn) => wh.transaction(fn),
    rawRecords: (files, onProgress) => wh.rawRecords(files, onProgress),
    ...(wh.loadTypedRecords ? { loadTypedRecords: wh.loadTypedRecords.bind(wh) } : {}),
    lock: () => wh.lock(),
    close: () => wh.close(),
  };
}

export async function dropShadows(wh: Warehouse, tables: readonly Table[] = rebuiltTables): Promise<void> {
  for (const t of tables) await wh.execute(wh.dialect.dropTable(shadowName(t.name)));
}

/** Empty shadows of these tables (all rebuilt ones), after dropping any a killed run left. */
export async function createShadows(wh: Warehouse, tables: readonly Table[] = rebuiltTables): Promise<void> {
  await dropShadows(wh, tables);
  for (const t of tables) await wh.execute(wh.dialect.createTable({ ...t, name: shadowName(t.name) }));
}

/** Inside the run's transaction: appends the rows of this table's shadow to it. */
export async function appendShadow(wh: Warehouse, t: Table): Promise<void> {
  const d = wh.dialect;
  const cols = t.columns.map((c) => d.quoteId(c.name)).join(', ');
  await wh.execute(
    `INSERT INTO ${d.table(t.name)} (${cols}) SELECT ${cols} FROM ${d.table(shadowName(t.name))}`,
  );
}

/** Inside the swap transaction: the shadows take the live tables' names. */
export async function swapShadows(wh: Warehouse): Promise<void> {
  const d = wh.dialect;
  for (const t of rebuiltTables) {
    await wh.execute(d.dropTable(t.name));
    await wh.execute(`ALTER TABLE ${d.table(shadowName(t.name))} RENAME TO ${d.quoteId(t.name)}`);
  }
}
