// Shadow tables for a fresh load on engines with capabilities.freshLoad = 'swap': the data tables
// are built under a prefix by autocommitted statements, then one transaction drops the live ones
// and renames the shadows in their place. Readers see the old tables until that commit and the
// new ones after; a run that fails or is killed leaves only shadows, which the next run drops.
import { rejectedRecords, stagingTables, starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

const PREFIX = '_hz_next_';

/** The tables a fresh load rebuilds; run history and the manifest are written in the swap. */
export const rebuiltTables: Table[] = [...stagingTables, ...starTables, rejectedRecords];

const rebuilt = new Set(rebuiltTables.map((t) => t.name));
const shadowName = (name: string) => (rebuilt.has(name) ? `${PREFIX}${name}` : name);

/** The same warehouse, with every rebuilt table's name pointing at its shadow. */
export function shadowed(wh: Warehouse): Warehouse {
  const dialect = { ...wh.dialect, table: (name: string) => wh.dialect.table(shadowName(name)) };
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

export async function dropShadows(wh: Warehouse): Promise<void> {
  for (const t of rebuiltTables) await wh.execute(wh.dialect.dropTable(shadowName(t.name)));
}

export async function createShadows(wh: Warehouse): Promise<void> {
  await dropShadows(wh);
  for (const t of rebuiltTables) await wh.execute(wh.dialect.createTable({ ...t, name: shadowName(t.name) }));
}

/** Inside the swap transaction: the shadows take the live tables' names. */
export async function swapShadows(wh: Warehouse): Promise<void> {
  const d = wh.dialect;
  for (const t of rebuiltTables) {
    await wh.execute(d.dropTable(t.name));
    await wh.execute(`ALTER TABLE ${d.table(shadowName(t.name))} RENAME TO ${d.quoteId(t.name)}`);
  }
}
