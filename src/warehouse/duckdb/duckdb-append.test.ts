// appendRows on DuckDB: the Appender when the columns are the table's, in its order, else INSERT;
// either way inside the open transaction, with NULLs, numbers and text as given.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../warehouse.js';
import { openDuckDb } from './duckdb-warehouse.js';

let wh: Warehouse;
beforeEach(async () => {
  wh = await openDuckDb({ path: ':memory:' });
  await wh.execute('CREATE TABLE t (name VARCHAR, n BIGINT, x DOUBLE)');
});
afterEach(() => wh.close());

describe('appendRows', () => {
  it('appends whole rows, NULLs included', async () => {
    await wh.appendRows?.(
      '"t"',
      ['name', 'n', 'x'],
      [
        ['a', 1, 1.5],
        [null, 2 ** 40, null],
      ],
    );
    expect(await wh.query('SELECT * FROM t ORDER BY n')).toEqual([
      { name: 'a', n: 1, x: 1.5 },
      { name: null, n: 2 ** 40, x: null },
    ]);
  });

  it('takes a subset or another order of the columns through INSERT', async () => {
    await wh.appendRows?.('"t"', ['n', 'name'], [[3, 'c']]);
    expect(await wh.query('SELECT * FROM t')).toEqual([{ name: 'c', n: 3, x: null }]);
  });

  it('prefers a temporary table of the same name, as unqualified names do', async () => {
    await wh.execute('CREATE TEMP TABLE t (note VARCHAR)');
    await wh.appendRows?.('"t"', ['note'], [['temp']]);
    expect(await wh.query('SELECT * FROM temp.main.t')).toEqual([{ note: 'temp' }]);
  });

  it('rolls back with the transaction it was made in', async () => {
    await wh
      .transaction(async () => {
        await wh.appendRows?.('"t"', ['name', 'n', 'x'], [['gone', 9, 0]]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await wh.query('SELECT count(*) AS c FROM t')).toEqual([{ c: 0 }]);
  });
});
