// Many small rows into a DuckDB table through the Appender (about 5× faster than one INSERT of
// list parameters for the 10,000-row manifest of a large load). The appender writes whole rows in
// the table's column order, within the connection's open transaction; it is used when the columns
// given are exactly the table's and of the plain types Harmonize writes, and the caller falls back
// to INSERT otherwise.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { DuckDBTypeId } from '@duckdb/node-api';
import type { SqlValue } from '../warehouse.js';

type Put = (a: DuckDBAppender, v: NonNullable<SqlValue>) => void;

const writers: Partial<Record<DuckDBTypeId, Put>> = {
  [DuckDBTypeId.VARCHAR]: (a, v) => a.appendVarchar(v instanceof Date ? v.toISOString() : String(v)),
  [DuckDBTypeId.BIGINT]: (a, v) => a.appendBigInt(BigInt(v as number)),
  [DuckDBTypeId.INTEGER]: (a, v) => a.appendInteger(Number(v)),
  [DuckDBTypeId.DOUBLE]: (a, v) => a.appendDouble(Number(v)),
  [DuckDBTypeId.BOOLEAN]: (a, v) => a.appendBoolean(Boolean(v)),
};

/** The bare name in a single quoted identifier ("name"), as the DuckDB dialect writes tables. */
function bareName(table: string): string | undefined {
  const m = /^"((?:[^"]|"")+)"$/.exec(table);
  return m?.[1]?.replace(/""/g, '"');
}

/** Appends rows, or returns false (nothing written) when the appender cannot take them. */
export async function appendWithAppender(
  conn: DuckDBConnection,
  table: string,
  columns: string[],
  rows: SqlValue[][],
): Promise<boolean> {
  const name = bareName(table);
  if (name === undefined) return false;
  // Resolved as DuckDB resolves an unqualified name: a temporary table first, then the main schema.
  const found = await conn.runAndReadAll(
    `SELECT database_name, column_name FROM duckdb_columns()
     WHERE table_name = $1 AND schema_name = 'main' AND database_name IN ('temp', current_database())
     ORDER BY database_name <> 'temp', column_index`,
    [name],
  );
  const rowsFound = found.getRowsJS().map((r) => ({ db: r[0] as string, column: r[1] as string }));
  const db = rowsFound[0]?.db;
  const tableColumns = rowsFound.filter((r) => r.db === db).map((r) => r.column);
  if (tableColumns.length !== columns.length || tableColumns.some((c, i) => c !== columns[i])) return false;
  const appender = await conn.createAppender(name, 'main', db);
  try {
    const puts = tableColumns.map((_, i) => writers[appender.columnType(i).typeId]);
    if (puts.some((p) => p === undefined)) return false;
    for (const row of rows) {
      puts.forEach((put, i) => {
        const v = row[i];
        if (v === null || v === undefined) appender.appendNull();
        else (put as Put)(appender, v);
      });
      appender.endRow();
    }
    appender.flushSync();
    return true;
  } finally {
    appender.closeSync();
  }
}
