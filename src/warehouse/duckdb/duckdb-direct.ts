// The direct load: on a load outside a transaction (a fresh load, a run staged apart), each
// connection that reads a run of files or a piece of a large one parses its records straight into
// the staging table in one statement, with no raw-record table between. That table cost the ×100
// sample's events about 0.6 s of a 3 s staging: writing 370 MiB of lines into memory that the
// parse read once and dropped. Its statement takes the usual record only (duckdb-parse.ts,
// directInsertSql) and fails at the first other one: strict parse failed, a required field null,
// a text field holding an object. Then nothing of that run is staged (the statement rolls back by
// itself) and its files go to the raw-record table and the full parse, which stages and
// quarantines exactly as without the direct load; later batches of the load go that way too,
// since data with one odd record tends to hold more. Inside a transaction a failed statement
// would end the transaction, so the direct load is not used there (a run onto tables that hold
// rows stages apart, before its transaction).
//
// The direct load's records per file are counted from the staging table's new rows: a shadow
// table has nothing deleted, so the rows a batch added are those after the largest rowid before it.
//
// A statement that failed in its COMMIT (out of memory there) may have left the staging table
// damaged in memory, a DuckDB 1.5.5 fault (duckdb-mend.ts): after a failure the table is checked,
// and rebuilt from its rows when it is damaged, before the load goes on. The statements beside it
// commit one at a time, and none after a failed COMMIT (insert, below), so no rows are appended to
// a damaged table. (The warehouse's guard, duckdb-guard.ts, checks every table again before its
// next call.)
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import type { RawFile, RawRelation, TypedLoad, TypedTarget } from '../warehouse.js';
import { traceNote } from '../trace.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { damaged, failedInCommit, rebuildTable } from './duckdb-mend.js';
import { directInsertSql } from './duckdb-parse.js';
import { namedTextSql, readTextSql, untrimmedPieceSql, untrimmedRecordsSql } from './duckdb-raw.js';
import type { DirectReader, RawTables, Runner } from './duckdb-raw-tables.js';

export interface DirectOptions {
  conn: DuckDBConnection;
  raw: RawTables;
  run: Runner;
  /** A connection of its own, for the rebuild's transaction: the main one may be reading beside it. */
  connect: () => Promise<DuckDBConnection>;
}

export class DirectLoads {
  /** Set by the first statement that fails: the rest of this warehouse's loads go the raw way. */
  private off = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private mended: Promise<void> | undefined;
  /** The last COMMIT of a direct statement: each waits for the one before. */
  private commits: Promise<void> = Promise.resolve();
  /** The error of a COMMIT that failed: no direct statement commits after it. */
  private failedCommit: unknown;

  constructor(private readonly o: DirectOptions) {}

  /**
   * The batch's records: the usual ones straight into target, the others (and every file the
   * direct load does not read: small ones, whole runs that failed) as the rest. Undefined when
   * the direct load has nothing to do here.
   */
  async load(files: RawFile[], target: TypedTarget): Promise<TypedLoad | undefined> {
    if (this.off || !this.o.raw.directFits(files)) return undefined;
    // One file (a daily run's usual batch): every row its statements added is its own, so no
    // rowid is looked up nor rows counted (a ×100 day: 2–11 ms of two statements).
    const only = files.length === 1 ? files[0]?.sourceFile : undefined;
    const before = only === undefined ? await this.lastRowid(target.table) : -1;
    let loaded = 0;
    const statement = (relation: string, runParam: string) =>
      directInsertSql(relation, target.spec, duckdbDialect.type, target, runParam);
    const attempt = async (conn: DuckDBConnection, sql: string, params: DuckDBValue[]) => {
      if (this.off) return false;
      const pending = this.insert(conn, sql, params);
      this.inFlight.add(pending);
      try {
        // Awaited first: `loaded += await …` would read loaded before the wait, and lose what
        // the other connections' statements added meanwhile.
        const rowsChanged = await pending;
        loaded += rowsChanged;
        return true;
      } catch (e) {
        this.off = true;
        traceNote(`direct load off: ${(e as Error).message.split('\n')[0] ?? ''}`);
        // What falls back is read only once no direct statement runs beside it: under a tight
        // memory cap the two did not fit together.
        this.inFlight.delete(pending);
        await Promise.allSettled([...this.inFlight]);
        await this.mendAfter(e, target.table);
        return false;
      } finally {
        this.inFlight.delete(pending);
      }
    };
    const reader: DirectReader = {
      files: (conn, run) => {
        const paths = listValue(run.map((f) => f.localPath));
        if (run.every((f) => f.localPath === f.sourceFile))
          return attempt(conn, statement(untrimmedRecordsSql(readTextSql), '$2'), [paths, target.runId]);
        const names = listValue(run.map((f) => f.sourceFile));
        return attempt(conn, statement(untrimmedRecordsSql(namedTextSql('$3')), '$2'), [
          paths,
          target.runId,
          names,
        ]);
      },
      piece: (conn, params) => attempt(conn, statement(untrimmedPieceSql, '$4'), [...params, target.runId]),
    };
    const rest = await this.o.raw.load(files, reader);
    let left = 0;
    const records = new Map<string, number>();
    try {
      if (loaded > 0 && only !== undefined) records.set(only, loaded);
      else if (loaded > 0) await this.addNew(records, target.table, before);
      left = await this.addRest(records, rest);
    } finally {
      if (left === 0) await rest.dispose();
    }
    return { loaded, records, ...(left > 0 ? { rest, restRecords: left } : {}) };
  }

  /**
   * One direct statement in a transaction of its own, committed one at a time. Once a COMMIT has
   * failed, none of the others commits: their rows would be appended to a table that COMMIT may
   * have damaged, and read back as the failed insert's values (duckdb-mend.ts). They roll back
   * instead, and their files go the raw way too, after the table is mended. Returns its rows.
   */
  private async insert(conn: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<number> {
    const exec = (q: string, p?: DuckDBValue[]) => this.o.run(() => conn.run(q, p), q);
    await exec('BEGIN');
    try {
      const { rowsChanged } = await exec(sql, params);
      const commit = this.commits.then(async () => {
        if (this.failedCommit !== undefined)
          throw new Error('rolled back: the COMMIT of a statement beside it failed', {
            cause: this.failedCommit,
          });
        try {
          await exec('COMMIT');
        } catch (e) {
          this.failedCommit = e;
          this.off = true;
          throw e;
        }
      });
      this.commits = commit.catch(() => undefined);
      await commit;
      return rowsChanged;
    } catch (e) {
      // Still open unless the COMMIT ran (a failed COMMIT ends the transaction).
      await exec('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * After a failed statement (and those beside it): rebuilds table when it is damaged, or the
   * failure was a COMMIT's. Once, however many failed side by side.
   */
  private mendAfter(e: unknown, table: string): Promise<void> {
    this.mended ??= (async () => {
      const { conn, run } = this.o;
      if (!failedInCommit(e) && !(await damaged(conn, run, table))) return;
      const own = await this.o.connect();
      try {
        await rebuildTable(own, run, table);
      } finally {
        own.closeSync();
      }
      traceNote(`direct load: ${table} rebuilt after a failed statement`);
    })();
    return this.mended;
  }

  private async lastRowid(table: string): Promise<number> {
    const sql = `SELECT coalesce(max(rowid), -1) AS r FROM ${table}`;
    const r = await this.o.run(() => this.o.conn.runAndReadAll(sql), sql);
    return Number(r.getRows()[0]?.[0] ?? -1);
  }

  /** Adds the records per file of the rows table gained after rowid before to records. */
  private async addNew(records: Map<string, number>, table: string, before: number): Promise<void> {
    const sql = `SELECT "_source_file", count(*) FROM ${table} WHERE rowid > $1 GROUP BY ALL`;
    const r = await this.o.run(() => this.o.conn.runAndReadAll(sql, [before]), sql);
    for (const [file, n] of r.getRows()) records.set(String(file), Number(n));
  }

  /** Adds the rest's records per file to records (a file may have pieces in both); returns how many. */
  private async addRest(records: Map<string, number>, rest: RawRelation): Promise<number> {
    const sql = `SELECT source_file, count(*) FROM (${rest.sql}) GROUP BY ALL`;
    const r = await this.o.run(() => this.o.conn.runAndReadAll(sql), sql);
    let total = 0;
    for (const [file, n] of r.getRows()) {
      records.set(String(file), (records.get(String(file)) ?? 0) + Number(n));
      total += Number(n);
    }
    return total;
  }
}
