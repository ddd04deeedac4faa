// The Warehouse seam: I/O against one engine (query, execute, bulk load of raw files, transaction,
// lock, close). Everything outside warehouse/ talks to this interface and the SqlDialect only.
import type { RecordSpec } from '../model/records.js';
import type { SqlDialect } from './dialect.js';

export type SqlValue = string | number | boolean | null | Date;
export type Row = Record<string, unknown>;

/** A source file already on local disk as plain text, and the URI it is recorded under. */
export interface RawFile {
  sourceFile: string;
  localPath: string;
  /** Size of the local file in bytes (after decompression), for batching; unknown counts as 0. */
  bytes?: number;
}

/**
 * A relation (SQL text usable in FROM) with columns source_file, source_line, raw: materialized, so
 * it may be read more than once without reading the files again.
 */
export interface RawRelation {
  sql: string;
  params: SqlValue[];
  /** Drops whatever the load created (temporary tables). */
  dispose(): Promise<void>;
}

/** Where typed records go: a staging table, its spec (field columns in order) and the run. */
export interface TypedTarget {
  /** The staging table as the dialect qualifies it. */
  table: string;
  /** The spec fields' quoted column names, in spec order; the lineage columns follow. */
  columns: string[];
  spec: RecordSpec;
  runId: string;
}

export interface TypedLoad {
  /** Rows that went into the staging table typed. */
  loaded: number;
  /** Non-blank records of every file (typed or not). */
  records: Map<string, number>;
  /** The other records, raw, for parseRecords; undefined when there are none. */
  rest?: RawRelation;
  /** How many records rest holds, when the engine counted them already (spares a count). */
  restRecords?: number;
}

export interface WarehouseCapabilities {
  /** How raw files reach the engine: it reads local files itself, or they are streamed with COPY. */
  bulkLoad: 'engine-reads-files' | 'copy-from-stdin';
  /** DDL inside a transaction rolls back with it. */
  transactionalDdl: boolean;
  /**
   * How a first load or full refresh stays all-or-nothing: 'transaction' runs it inside the run's
   * transaction like any run; 'swap' builds the new tables under shadow names with autocommitted
   * statements, then swaps them in within one short transaction (for engines that work faster on
   * committed rows).
   */
  freshLoad: 'transaction' | 'swap';
  /**
   * Where a run onto tables that hold rows stages: 'transaction' inside its transaction; 'apart'
   * into shadow staging tables (in the scratch space, dialect.scratchTable, where there is one)
   * by autocommitted statements just before it, which the transaction then appends to the live
   * ones (for engines whose bulk parse is faster outside a transaction, DuckDB's direct load,
   * duckdb-direct.ts, and that scan committed rows faster; shadow.ts, load.ts).
   */
  stageIn: 'transaction' | 'apart';
  /**
   * Upper bound of the file bytes staged per batch (a bigger file is one batch): what the engine's
   * raw records and per-batch costs call for (see stage-records.ts).
   */
  stageBatchBytes: number;
}

export interface Warehouse {
  readonly dialect: SqlDialect;
  readonly capabilities: WarehouseCapabilities;
  /** The warehouse URL with any password masked: safe to print. */
  readonly description: string;
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it inserted, updated or deleted (else 0). */
  execute(sql: string, params?: SqlValue[]): Promise<number>;
  /**
   * Inserts many small rows at once where the engine has a faster path than INSERT … VALUES with
   * one parameter per value (DuckDB binds thousands of parameters slowly). Optional: insertRows
   * falls back to batched VALUES.
   */
  appendRows?(table: string, columns: string[], rows: SqlValue[][]): Promise<void>;
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * A faster bulk path than parsing raw records in SQL, where the engine has one: the files'
   * plain records go straight into the staging table, the others come back raw for parseRecords
   * (PostgreSQL reads them in Node, warehouse/typed-records.ts; DuckDB parses them in one statement
   * per run of files on a fresh load, duckdb/duckdb-direct.ts). Undefined when it has no such path
   * for these files; engines without it, and those files, are given rawRecords and the parse.
   */
  loadTypedRecords?(files: RawFile[], target: TypedTarget): Promise<TypedLoad | undefined>;
  /** Makes the raw records of these files queryable (one record per non-blank line, see README). */
  rawRecords(files: RawFile[], onProgress?: (bytes: number) => void): Promise<RawRelation>;
  /** Holds the run lock until release; a second run waits (see README). */
  lock(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
