// appendRows on DuckDB: from 64 rows on, the Appender when the columns are the table's, in its
// order; else (fewer rows, other columns) one INSERT. Either way inside the open transaction, with
// NULLs, numbers and text as given.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../warehouse.js';
import { openDuckDb } from './duckdb-warehouse.js';

let wh: Warehouse;
beforeEach(async () => {
  wh = await openDuckDb({ path: ':memory:' });
  await wh.execute('CREATE TABLE t (name VARCHAR, n BIGINT, x DOUBLE)');
});
afterEach(() => wh.close());

/** n rows; every third one has NULLs, the last one a number beyond 32 bits. */
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i % 3 === 2 ? [null, i === n - 1 ? 2 ** 40 : i, null] : [`r${i}`, i, i + 0.5],
  );

describe.each([
  ['INSERT', 2],
  ['Appender', 100],
])('appendRows of %s size (%i rows)', (_, n) => {
  it('appends whole rows, NULLs included', async () => {
    await wh.appendRows?.('"t"', ['name', 'n', 'x'], rows(n));
    const got = await wh.query('SELECT * FROM t ORDER BY n');
    expect(got.map((r) => [r.name, r.n, r.x])).toEqual(rows(n));
  });

  it('takes a subset or another order of the columns', async () => {
    await wh.appendRows?.(
      '"t"',
      ['n', 'name'],
      rows(n).map((r) => [r[1] ?? null, r[0] ?? null]),
    );
    const got = await wh.query('SELECT * FROM t ORDER BY n');
    expect(got.map((r) => [r.name, r.n, r.x])).toEqual(rows(n).map((r) => [r[0], r[1], null]));
  });

  it('prefers a temporary table of the same name, as unqualified names do', async () => {
    await wh.execute('CREATE TEMP TABLE t (note VARCHAR)');
    await wh.appendRows?.(
      '"t"',
      ['note'],
      rows(n).map((r) => [r[0] ?? null]),
    );
    expect(await wh.query('SELECT count(*) AS c FROM temp.main.t')).toEqual([{ c: n }]);
    expect(await wh.query('SELECT count(*) AS c FROM memory.main.t')).toEqual([{ c: 0 }]);
  });

  it('rolls back with the transaction it was made in', async () => {
    await wh
      .transaction(async () => {
        await wh.appendRows?.('"t"', ['name', 'n', 'x'], rows(n));
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await wh.query('SELECT count(*) AS c FROM t')).toEqual([{ c: 0 }]);
  });
});
