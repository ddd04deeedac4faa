// Columns read as joined text: values line up row by row across columns, an empty table gives
// empty columns, and a value holding the separator or a NULL makes the read decline (the caller
// then reads another way) instead of returning misaligned values.
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { insertRows } from '../src/warehouse/insert-rows.js';
import { readTextColumns } from '../src/warehouse/text-columns.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';

let wh: Warehouse | undefined;
afterEach(async () => {
  await wh?.close();
  wh = undefined;
});

async function table(rows: [string | null, number][]): Promise<Warehouse> {
  wh = await openDuckDb({ path: ':memory:', threads: 2 });
  await wh.execute(`CREATE TABLE t (name VARCHAR, size BIGINT)`);
  await insertRows(wh, 't', ['name', 'size'], rows);
  return wh;
}

describe('readTextColumns', () => {
  it('reads every column of many rows, aligned', async () => {
    const n = 50_000;
    const w = await table(Array.from({ length: n }, (_, i) => [`f${i}`, i * 7] as [string, number]));
    const cols = await readTextColumns(w, ['name', 'size'], 't');
    expect(cols?.[0]).toHaveLength(n);
    const pairs = new Map(cols?.[0]?.map((name, i) => [name, cols[1]?.[i]]));
    expect(pairs.size).toBe(n);
    expect([...pairs].filter(([name, size]) => Number(name.slice(1)) * 7 !== Number(size))).toEqual([]);
  });

  it('gives empty columns for an empty table', async () => {
    expect(await readTextColumns(await table([]), ['name', 'size'], 't')).toEqual([[], []]);
  });

  it('declines when a value holds the separator or is NULL', async () => {
    expect(await readTextColumns(await table([['a\x1eb', 1]]), ['name', 'size'], 't')).toBeUndefined();
    await wh?.close();
    expect(
      await readTextColumns(
        await table([
          ['a', 1],
          [null, 2],
        ]),
        ['name', 'size'],
        't',
      ),
    ).toBeUndefined();
  });
});
