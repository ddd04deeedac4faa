// Shadow tables, built under a prefix by autocommitted statements. A fresh load on engines with
// capabilities.freshLoad = 'swap' builds every data table so, beside the live ones, then one
// transaction drops the live ones and renames the shadows in their place: readers see the old
// tables until that commit and the new ones after; a run that fails or is killed leaves only
// shadows, which the next fresh load drops. A run onto tables that hold rows, on engines with
// capabilities.stageIn = 'apart', stages into shadows of the staging tables and the quarantine in
// the engine's scratch space (dialect.scratchTable: never logged, gone with the process), and its
// transaction appends their rows to the live tables.
import { rejectedRecords, stagingEvents, stagingSongs, stagingTables, starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import type { Warehouse } from '../warehouse/warehouse.js';

const PREFIX = '_hz_next_';

/** Shadows of some tables, beside the live ones or in the engine's scratch space. */
export interface ShadowSet {
  tables: readonly Table[];
  /** In the scratch space where the engine has one (dialect.scratchTable), else beside. */
  scratch: boolean;
}

/** A fresh load's: every data table; run history and the manifest are written in the swap. */
export const freshShadows: ShadowSet = {
  tables: [...stagingTables, ...starTables, rejectedRecords],
  scratch: false,
};

/**
 * A run staged apart's. In scratch: on disk, the shadow's rows went to the log once more, and a
 * generated ×100 day's COMMIT (28k events) checkpointed: 145–231 ms against 60–65 ms in scratch.
 */
export const stagedShadows: ShadowSet = {
  tables: [stagingEvents, stagingSongs, rejectedRecords],
  scratch: true,
};

/** The engine's scratch-space naming when the set lives there. */
const scratchOf = (d: SqlDialect, set: ShadowSet) => (set.scratch ? d.scratchTable : undefined);

/** The shadow of table `name` of the set, as the engine names it. */
function shadowOf(d: SqlDialect, name: string, set: ShadowSet): string {
  const shadow = `${PREFIX}${name}`;
  return scratchOf(d, set)?.(shadow) ?? d.table(shadow);
}

/** The same warehouse, with the names of the set's tables pointing at their shadows. */
export function shadowed(wh: Warehouse, set: ShadowSet = freshShadows): Warehouse {
  const names = new Set(set.tables.map((t) => t.name));
  const dialect = {
    ...wh.dialect,
    table: (name: string) => (names.has(name) ? shadowOf(wh.dialect, name, set) : wh.dialect.table(name)),
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

export async function dropShadows(wh: Warehouse, set: ShadowSet = freshShadows): Promise<void> {
  const scratch = scratchOf(wh.dialect, set) !== undefined;
  for (const t of set.tables) await wh.execute(wh.dialect.dropTable(`${PREFIX}${t.name}`, { scratch }));
}

/** Empty shadows of the set's tables, after dropping any that a failed or killed run left. */
export async function createShadows(wh: Warehouse, set: ShadowSet = freshShadows): Promise<void> {
  await dropShadows(wh, set);
  const scratch = scratchOf(wh.dialect, set) !== undefined;
  for (const t of set.tables)
    await wh.execute(wh.dialect.createTable({ ...t, name: `${PREFIX}${t.name}` }, { scratch }));
}

/** Inside the run's transaction: appends the rows of table t's shadow in the set to t. */
export async function appendShadow(wh: Warehouse, t: Table, set: ShadowSet): Promise<void> {
  const d = wh.dialect;
  const cols = t.columns.map((c) => d.quoteId(c.name)).join(', ');
  await wh.execute(
    `INSERT INTO ${d.table(t.name)} (${cols}) SELECT ${cols} FROM ${shadowOf(d, t.name, set)}`,
  );
}

/** Inside the swap transaction: a fresh load's shadows take the live tables' names. */
export async function swapShadows(wh: Warehouse): Promise<void> {
  const d = wh.dialect;
  for (const t of freshShadows.tables) {
    await wh.execute(d.dropTable(t.name));
    await wh.execute(`ALTER TABLE ${shadowOf(d, t.name, freshShadows)} RENAME TO ${d.quoteId(t.name)}`);
  }
}
