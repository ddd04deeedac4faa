// Materializes the raw records of files (duckdb-raw.ts) as tables the parse then scans. read_text
// reads on one thread, but a committed table is scanned on every thread, so the parse — most of
// staging's work — runs in parallel whenever the tables were made outside a transaction (a fresh
// load, see capabilities.freshLoad).
//
// Outside a transaction the files are also read side by side: cut into one run of consecutive
// files per engine thread, each run inserted by a connection of its own into one table of an
// attached in-memory database (SCRATCH), which every connection sees. The engine's thread pool is
// set to one thread meanwhile, so each statement runs on its own connection's thread and no idle
// pool thread spins beside them. ×100 sample: 0.36 s against 0.66 s on one connection. This pays
// only because checkpoints do not vacuum (NO_VACUUM in duckdb-warehouse.ts). Inside a
// transaction, whose snapshot would not see tables other connections commit, the main connection
// reads everything into one temporary table.
//
// A file that is not valid UTF-8 is named with its first bad line, as the COPY engines do.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { HarmonizeError, inputError } from '../../errors.js';
import { splitRecordBytes } from '../record-splitter.js';
import { quoteIdent } from '../sql-common.js';
import type { RawFile, RawRelation } from '../warehouse.js';
import { rawRecordsSql } from './duckdb-raw.js';

export type Runner = <T>(fn: () => Promise<T>, sql?: string) => Promise<T>;

/** The attached in-memory database the side-by-side readers write to. */
export const SCRATCH = 'hz_scratch';

export interface RawTablesOptions {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  run: Runner;
  threads: number;
  /** True while the main connection is inside a transaction. */
  inTransaction: () => boolean;
}

export class RawTables {
  private seq = 0;
  private readonly helpers: DuckDBConnection[] = [];

  constructor(private readonly o: RawTablesOptions) {}

  async load(files: RawFile[]): Promise<RawRelation> {
    const seq = ++this.seq;
    const runs = this.o.inTransaction() ? [files] : consecutiveRuns(files, this.o.threads);
    let table: string;
    if (runs.length > 1) {
      table = `${SCRATCH}.${quoteIdent(`_hz_raw_${seq}`)}`;
      await this.sideBySide(runs, table, seq);
    } else {
      table = quoteIdent(`_hz_raw_${seq}`);
      await this.read(this.o.conn, files, `CREATE TEMP TABLE ${table} AS`, seq);
    }
    return {
      sql: `SELECT source_file, source_line, raw FROM ${table}`,
      params: [],
      dispose: () => this.drop(table),
    };
  }

  close(): void {
    for (const c of this.helpers) c.closeSync();
    this.helpers.length = 0;
  }

  /**
   * One table, each run of files inserted into it by its own connection at the same time. One
   * table, not one per run: a scan of one table shares its row groups among the threads to the end,
   * while a UNION ALL of smaller tables left one thread idle at the end of each branch.
   */
  private async sideBySide(runs: RawFile[][], table: string, seq: number): Promise<void> {
    while (this.helpers.length < runs.length) this.helpers.push(await this.o.instance.connect());
    await this.o.conn.run(`CREATE TABLE ${table} (source_file VARCHAR, source_line INTEGER, raw VARCHAR)`);
    await this.o.conn.run('SET threads = 1');
    let results: PromiseSettledResult<void>[];
    try {
      results = await Promise.allSettled(
        runs.map((files, i) =>
          this.read(this.helpers[i] as DuckDBConnection, files, `INSERT INTO ${table}`, seq),
        ),
      );
    } finally {
      await this.o.conn.run(`SET threads = ${this.o.threads}`);
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.drop(table);
      throw failed.reason;
    }
  }

  /** `${into} <the records of files>` on conn: CREATE … AS or INSERT INTO. */
  private async read(conn: DuckDBConnection, files: RawFile[], into: string, seq: number): Promise<void> {
    try {
      const names = await namesTable(conn, files, quoteIdent(`_hz_raw_files_${seq}`));
      const sql = `${into} ${rawRecordsSql(names)}`;
      try {
        await this.o.run(() => conn.run(sql, [listValue(files.map((f) => f.localPath))]), sql);
      } finally {
        if (names) await conn.run(`DROP TABLE IF EXISTS ${names}`);
      }
    } catch (e) {
      throw await utf8Error(e, files);
    }
  }

  private async drop(table: string): Promise<void> {
    await this.o.conn.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/**
 * Files cut into at most n runs of consecutive files of about equal bytes. Consecutive, not dealt
 * by size: the rows keep the files' order (by day, for logs), which keeps ts and the like nearly
 * sorted in the staging table and the tables built from it (dealt by size, the ×100 file grew from
 * 95 to 126 MB).
 */
export function consecutiveRuns(files: RawFile[], n: number): RawFile[][] {
  const total = files.reduce((b, f) => b + (f.bytes ?? 0), 0);
  const runs: RawFile[][] = [];
  let run: RawFile[] = [];
  let bytes = 0;
  for (const f of files) {
    run.push(f);
    bytes += f.bytes ?? 0;
    if (runs.length < n - 1 && bytes >= (total * (runs.length + 1)) / n) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The (local_path, source_file) table rawRecordsSql joins, when some files were fetched. */
async function namesTable(
  conn: DuckDBConnection,
  files: RawFile[],
  table: string,
): Promise<string | undefined> {
  if (files.every((f) => f.localPath === f.sourceFile)) return undefined;
  await conn.run(`CREATE TEMP TABLE ${table} AS SELECT unnest($1) AS local_path, unnest($2) AS source_file`, [
    listValue(files.map((f) => f.localPath)),
    listValue(files.map((f) => f.sourceFile)),
  ]);
  return table;
}

/** read_text's UTF-8 failure as an input error at the file's first bad line; others unchanged. */
async function utf8Error(e: unknown, files: RawFile[]): Promise<unknown> {
  const m = /could not read content of file '(.*)' as valid UTF-8/.exec((e as Error).message ?? '');
  const file = m ? files.find((f) => f.localPath === m[1]) : undefined;
  if (!file) return e;
  try {
    for await (const batch of splitRecordBytes(file.localPath, { label: file.sourceFile })) void batch;
  } catch (bad) {
    if (bad instanceof HarmonizeError) return bad;
  }
  return inputError('not valid UTF-8 text', { where: file.sourceFile, hint: 'convert the file to UTF-8' });
}
