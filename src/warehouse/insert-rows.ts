// Batched, parameterised multi-row INSERT for the small tables Harmonize writes itself (manifest,
// run history, key lists). Bulk data never goes this way: it is loaded by Warehouse.rawRecords.
import type { SqlValue, Warehouse } from './warehouse.js';

export async function insertRows(
  wh: Warehouse,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  batchSize = 500,
): Promise<void> {
  if (wh.appendRows) return wh.appendRows(table, columns, rows);
  const d = wh.dialect;
  const cols = columns.map((c) => d.quoteId(c)).join(', ');
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    const values: SqlValue[] = [];
    const tuples = batch.map((row) => {
      const ps = row.map((v) => {
        values.push(v);
        return d.param(values.length);
      });
      return `(${ps.join(', ')})`;
    });
    await wh.execute(`INSERT INTO ${table} (${cols}) VALUES ${tuples.join(', ')}`, values);
  }
}

/**
 * A temporary table `name` of one text column, source_file, holding these file names (replacing
 * one left by an earlier run): what a DELETE … WHERE source_file IN (SELECT …) reads. Returns
 * the table's quoted name.
 */
export async function fileNamesTable(wh: Warehouse, name: string, files: string[]): Promise<string> {
  const d = wh.dialect;
  const table = d.quoteId(name);
  await wh.execute(`DROP TABLE IF EXISTS ${table}`);
  await wh.execute(`CREATE TEMPORARY TABLE ${table} (source_file ${d.type('text')})`);
  await insertRows(
    wh,
    table,
    ['source_file'],
    files.map((f) => [f]),
  );
  return table;
}
