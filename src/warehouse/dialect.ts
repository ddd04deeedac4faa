// SqlDialect: pure SQL text for one engine — quoting, the type table, DDL and the few helpers the
// transforms need, named by meaning. It does no I/O; tests check its output as text and then run it
// against every real engine.
import type { RecordSpec } from '../model/records.js';
import type { ColumnType, Table } from '../model/types.js';

export interface PickPerKey {
  from: string;
  key: string;
  columns: string[];
  by: string[];
  pick: 'first' | 'last';
  where?: string;
}

export interface SqlDialect {
  readonly name: string;
  /** Primary keys are constraints the engine enforces, so no check needs to verify them. */
  readonly enforcesPrimaryKeys: boolean;
  /**
   * The engine keeps each block's smallest and largest values of the tables' `blockKeys` and skips
   * the blocks a filter rules out (DuckDB's zone maps, PostgreSQL's BRIN indexes from
   * blockIndexes), so a filter on one run's rows (its `_run_id`, a span of `ts`) reads about that
   * run's rows. Without it every such filter is a scan of the whole table, and a daily run's
   * statements add none they can do without.
   */
  readonly skipsBlocks: boolean;
  quoteId: (name: string) => string;
  /** A qualified table reference (schema-aware engines prefix their schema). */
  table: (name: string) => string;
  type: (t: ColumnType) => string;
  /** `$1`-style positional parameter for the i-th (1-based) value. */
  param: (i: number) => string;
  /**
   * A table in the engine's scratch space, where it has one: seen by every connection, never
   * logged, gone with the process (DuckDB: its attached in-memory database). A run staged apart
   * stages there (shadow.ts).
   */
  scratchTable?: (name: string) => string;
  /** With `scratch`, in the scratch space (scratchTable; an engine without one ignores it). */
  createTable: (t: Table, opts?: { ifNotExists?: boolean; temporary?: boolean; scratch?: boolean }) => string;
  dropTable: (name: string, opts?: { scratch?: boolean }) => string;
  /** A query yielding `name` for each of these tables that exists (not temporary ones). */
  existingTables: (names: string[]) => string;
  /**
   * Statements that drop and re-create a table's primary-key constraint, so that a bulk load into
   * an empty table builds the index once, sorted, instead of row by row; '' where the engine keeps
   * no primary keys.
   */
  dropPrimaryKey: (t: Table) => string;
  addPrimaryKey: (t: Table) => string;
  /** A TIMESTAMP (UTC, no zone) from epoch milliseconds, exact to the millisecond. */
  epochMsToTimestamp: (expr: string) => string;
  /** Integer calendar parts of a timestamp; weekday is 0 = Sunday … 6 = Saturday. */
  datePart: (part: 'hour' | 'day' | 'week' | 'month' | 'year' | 'weekday', expr: string) => string;
  /**
   * Refreshes a table's planner statistics after a bulk load. With `added`, all of them only when
   * that many new rows are enough to move them; else those of `columns` (none when absent). ''
   * where the engine keeps them current.
   */
  analyze(table: string, opts?: { added: number; columns?: string[] }): string;
  /**
   * The statements that give the table's `blockKeys` per-block ranges where the engine keeps them
   * only in an index (idempotent), and that drop them (a fresh load builds them once at its end,
   * as it does primary keys); none where the engine keeps them anyway.
   */
  blockIndexes: (t: Table) => string[];
  dropBlockIndexes: (t: Table) => string[];
  /** After a load into kept indexes: statements that bring their ranges up to the rows just added. */
  summarizeBlocks: (t: Table) => string[];
  /**
   * One row per distinct non-null key of a table: the key and the given columns of the row whose
   * sort key — the `by` expressions compared left to right, none of them null — is the smallest
   * ('first') or the largest ('last'). `where` narrows the rows considered.
   */
  pickPerKey: (q: PickPerKey) => string;
  /**
   * A query yielding one text value `j`: a JSON array with an object per row of `from`, keyed by
   * the given plain column names. Many rows read this way cost one value at the seam instead of a
   * value per cell (a 10,000-file manifest: 25 ms instead of 80 ms on DuckDB).
   */
  jsonRows: (columns: string[], from: string) => string;
  /** Lower-case hex MD5 of a text expression. */
  md5: (expr: string) => string;
  /**
   * A 64-bit hash of the values, where the engine has a fast one: the uniqueness checks group by it
   * first and only look closer at the keys whose hash repeats. Absent: keys are grouped as they are.
   */
  keyHash?: (exprs: string[]) => string;
  /** Text concatenation that treats NULL as ''. */
  concatText: (exprs: string[]) => string;
  /**
   * Parse and validate raw JSON records: from a relation with (source_file, source_line, raw),
   * a SELECT of source_file, source_line, every spec field typed, `reason` (null when the record is
   * good), `message`, and `raw` (kept only for rejected records).
   */
  parseRecords: (relation: string, spec: RecordSpec) => string;
}
