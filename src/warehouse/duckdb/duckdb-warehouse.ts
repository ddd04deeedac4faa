// The embedded DuckDB engine. Raw files are read by DuckDB itself (read_text; small ones by Node and
// handed over in bulk), split into records in SQL, and no record passes through JavaScript, which
// keeps staging at the speed of the engine (duckdb-raw-tables.ts). A first load or full refresh is
// built in shadow tables by autocommitted statements and swapped in by one short transaction
// (capabilities.freshLoad): DuckDB scans the rows of an open transaction on one thread, committed
// rows on all.
import { inTransaction } from '../transaction.js';
import { mkdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, listValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import { warehouseError } from '../../errors.js';
import type {
  RawFile,
  RawRelation,
  Row,
  SqlValue,
  TypedLoad,
  TypedTarget,
  Warehouse,
  WarehouseCapabilities,
} from '../warehouse.js';
import { DirectLoads } from './duckdb-direct.js';
import { duckdbDialect, SCRATCH } from './duckdb-dialect.js';
import { appendWithAppender } from './duckdb-append.js';
import { RawTables } from './duckdb-raw-tables.js';
import { toJsRow } from './duckdb-values.js';
import { traced } from '../trace.js';
import { CommitGuard, duckdbError } from './duckdb-guard.js';

export interface DuckDbOptions {
  path: string;
  threads?: number;
  /** DuckDB's buffer memory (default 448MB); beyond it, work spills to the temp directory. */
  memoryLimit?: string;
  /** FSST string compression (default off: faster loads, a larger file; see NO_FSST). */
  fsst?: boolean;
  /** Files of at most this many bytes are read by Node, not read_text (see SMALL_FILE_BYTES). */
  smallFileBytes?: number;
  /** JSON Lines files above this many bytes are read in pieces (see LARGE_FILE_BYTES). */
  largeFileBytes?: number;
  /**
   * Loads outside a transaction (fresh loads, runs staged apart) parse the usual records straight
   * into staging (default true; duckdb-direct.ts).
   */
  direct?: boolean;
  /**
   * Runs onto tables that hold rows stage before their transaction, into shadow staging tables
   * (default true; capabilities.stageIn, load.ts). Off: inside it, on its one connection.
   */
  stageApart?: boolean;
}

/**
 * A fixed cap instead of DuckDB's 80 % of RAM, so memory stays flat whatever the input size. Work
 * beyond it spills next to the database file (<file>.tmp), or to the OS temp folder for :memory:.
 * It relies on nothing big that cannot spill: no primary-key (ART) indexes, no window over every
 * songplay. The rest of the RSS is DuckDB's working memory outside the cap (the run's peak is the
 * DISTINCT of the time table, 200–250 MB above the staging's plateau), Node's heap and the
 * hashing worker. Measured on the ×1000 sample (8M events, whole runs alternating, five each,
 * three at 400MB): 512MB peaked at 979–1,036 MiB RSS in 28.4–30.4 s, 448MB at 954–987 MiB in
 * 28.9–30.0 s, 400MB at 887–977 MiB in 29.0–30.6 s; in earlier rounds 1GB took 1.8–2.1 GiB and
 * was no faster, DuckDB's default of 80 % of RAM much more.
 */
export const DEFAULT_MEMORY_LIMIT = '448MB';

/**
 * Settings that keep memory flat: the external file cache would keep every input file's bytes in
 * the buffer pool, though each is read once; the allocator hands freed memory back soon (32 MB
 * peaks instead of 128 MB, on a background thread).
 */
const FLAT_MEMORY = {
  enable_external_file_cache: 'false',
  allocator_flush_threshold: '32MB',
  allocator_background_threads: 'true',
};

/**
 * FSST, DuckDB's string compression, is off unless asked for: on the ×100 sample (DAMON paused,
 * three runs each) a full load took 4.35–4.45 s without it against 4.93–4.94 s with it (CPU 7.1–7.4
 * against 8.4 s), for a file of 95 MB instead of 70 MB. Dictionary compression still applies.
 */
const NO_FSST = `SET disabled_compression_methods = 'fsst'`;

/**
 * No row-group vacuum at checkpoints. Every thread of an insert ends its share with a partly filled
 * row group; a checkpoint merges neighbours that fit into fewer row groups and so rewrites, on one
 * thread, data the insert had already written compressed (×100, staging read side by side: 0.65 s
 * at the last checkpoint, and a file of 114 MB instead of 95 MB from the blocks it freed). The cost: rows deleted
 * by later runs are skipped by scans but their space is not compacted until a --full-refresh
 * rebuilds the tables. Row groups with no row left are still dropped.
 */
const NO_VACUUM = `SET max_vacuum_tasks = 0`;

export async function openDuckDb(opts: DuckDbOptions): Promise<Warehouse> {
  if (opts.path !== ':memory:') await mkdir(dirname(opts.path), { recursive: true });
  let instance: DuckDBInstance;
  const threads = opts.threads ?? availableParallelism();
  try {
    instance = await DuckDBInstance.create(opts.path, {
      threads: String(threads),
      memory_limit: opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      ...(opts.path === ':memory:'
        ? { temp_directory: join(tmpdir(), `harmonize-duckdb-${process.pid}`) }
        : {}),
      preserve_insertion_order: 'false',
      ...FLAT_MEMORY,
    });
  } catch (e) {
    throw warehouseError(`cannot open DuckDB file: ${(e as Error).message.split('\n')[0]}`, {
      where: opts.path,
      hint: 'check the path is writable and no other process holds the file',
      cause: e,
    });
  }
  const conn = await instance.connect();
  if (!opts.fsst) await conn.run(NO_FSST);
  await conn.run(NO_VACUUM);
  await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS ${SCRATCH}`);
  return new DuckDbWarehouse(instance, conn, opts, threads);
}

/**
 * Fewer rows go by one INSERT: the appender first looks the table's columns up in the catalog,
 * 3–12 ms on a warehouse, against about 1 ms for an INSERT of a daily run's one manifest row.
 */
const APPENDER_MIN_ROWS = 64;

/**
 * Batches of up to 1 GiB: the direct load holds no raw records, and every batch ends with a wait
 * for its slower connection, two COMMITs one after the other and its counts (130–240 ms of a
 * ×1000 sample batch's 1.3–1.5 s). ×1000 sample, two full loads each: staging 19.4–20.4 s against
 * 22.2–24.7 s in batches of 256 MiB, the same peak RSS (847–869 MiB). The raw way, the same files
 * with one malformed line (so the direct load is off from the first batch): staging 27.3 s against
 * 31.2 s, 853 MiB against 798 MiB; the raw records past the memory cap spill to disk. Batches of
 * 2 GiB staged about 1 s faster still, but the loads took as long: the run then waited at its end
 * for the SHA-256 fingerprints, which the niced hashing worker had computed in the barriers' idle
 * time (docs/PERFORMANCE.md, 2026-12-08).
 */
const STAGE_BATCH_BYTES = 1024 * 1024 * 1024;

const toDuck = (v: SqlValue): DuckDBValue => (v instanceof Date ? v.toISOString() : v);

class DuckDbWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  readonly capabilities: WarehouseCapabilities;
  readonly description: string;
  private readonly memoryLimit: string;
  private readonly raw: RawTables;
  private readonly direct: DirectLoads | undefined;
  private inTransaction = false;
  private readonly guard: CommitGuard;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    opts: DuckDbOptions,
    threads: number,
  ) {
    this.capabilities = {
      bulkLoad: 'engine-reads-files',
      transactionalDdl: true,
      freshLoad: 'swap',
      stageIn: opts.stageApart === false ? 'transaction' : 'apart',
      stageBatchBytes: STAGE_BATCH_BYTES,
    };
    this.description = `duckdb:${opts.path}`;
    this.memoryLimit = opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    this.guard = new CommitGuard({ conn, run: (fn, sql) => this.wrap(fn, sql), where: this.description });
    this.raw = new RawTables({
      instance,
      conn,
      run: (fn, sql) => this.wrap(fn, sql),
      threads,
      ...(opts.smallFileBytes !== undefined ? { smallFileBytes: opts.smallFileBytes } : {}),
      ...(opts.largeFileBytes !== undefined ? { largeFileBytes: opts.largeFileBytes } : {}),
      inTransaction: () => this.inTransaction,
    });
    if (opts.direct !== false)
      this.direct = new DirectLoads({
        conn,
        raw: this.raw,
        run: (fn, sql) => this.wrap(fn, sql),
        connect: () => instance.connect(),
      });
  }

  async query<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    await this.ready();
    const reader = await this.wrap(() => this.conn.runAndReadAll(sql, params.map(toDuck)), sql);
    return reader.getRowObjectsJS().map((r) => toJsRow(r) as T);
  }

  async execute(sql: string, params: SqlValue[] = []): Promise<number> {
    await this.ready(sql);
    const result = await this.wrap(() => this.conn.run(sql, params.map(toDuck)), sql);
    return result.rowsChanged;
  }

  /**
   * The Appender when it fits (duckdb-append.ts), else one INSERT … SELECT unnest(list), … per call:
   * a handful of list parameters, not one per value.
   */
  async appendRows(table: string, columns: string[], rows: SqlValue[][]): Promise<void> {
    if (rows.length === 0) return;
    await this.ready();
    const appended =
      rows.length >= APPENDER_MIN_ROWS &&
      (await this.wrap(() => appendWithAppender(this.conn, table, columns, rows), `APPEND ${table}`));
    if (appended) return;
    const lists = columns.map((_, i) => listValue(rows.map((r) => toDuck(r[i] ?? null))));
    const cols = columns.map((c) => this.dialect.quoteId(c)).join(', ');
    const values = columns.map((_, i) => `unnest($${i + 1})`).join(', ');
    const sql = `INSERT INTO ${table} (${cols}) SELECT ${values}`;
    await this.wrap(() => this.conn.run(sql, lists), sql);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.ready();
    this.inTransaction = true;
    try {
      return await inTransaction((sql) => this.execute(sql), fn);
    } finally {
      this.inTransaction = false;
    }
  }

  async rawRecords(files: RawFile[]): Promise<RawRelation> {
    await this.ready();
    return this.raw.load(files);
  }

  async loadTypedRecords(files: RawFile[], target: TypedTarget): Promise<TypedLoad | undefined> {
    await this.ready();
    return this.direct?.load(files, target);
  }

  lock(): Promise<() => Promise<void>> {
    // DuckDB holds an exclusive file lock for the process that opened the file read-write.
    return Promise.resolve(() => Promise.resolve());
  }

  close(): Promise<void> {
    this.raw.close();
    this.conn.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }

  /** Driver errors wrapped once; the guard is told of each. */
  private async wrap<T>(fn: () => Promise<T>, sql?: string): Promise<T> {
    try {
      return await traced(sql, fn);
    } catch (e) {
      this.guard.failed(e);
      throw duckdbError(e, this.memoryLimit, this.description);
    }
  }

  /** Before a call's statements: the tables mended after a failed COMMIT (duckdb-guard.ts). */
  private ready(sql?: string): Promise<void> {
    return this.inTransaction ? Promise.resolve() : this.guard.ready(sql);
  }
}
