// Materializes the raw records of files (duckdb-raw.ts) as a temporary table the parse then scans.
// read_text reads on one thread, but a committed table is scanned on every thread, so the parse —
// most of staging's work — runs in parallel whenever the table was made outside a transaction
// (a fresh load, see capabilities.freshLoad). Reading files side by side on helper connections
// was tried and dropped: their waiting query threads spin (14 % of the CPU in scheduler loops),
// and on two cores whole runs were no faster than this. A file that is not valid UTF-8 is named with its
// first bad line, as the COPY engines do.
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { HarmonizeError, inputError } from '../../errors.js';
import { splitRecordBytes } from '../record-splitter.js';
import { quoteIdent } from '../sql-common.js';
import type { RawFile, RawRelation } from '../warehouse.js';
import { rawRecordsSql } from './duckdb-raw.js';

export type Runner = <T>(fn: () => Promise<T>, sql?: string) => Promise<T>;

export class RawTables {
  private seq = 0;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly run: Runner,
  ) {}

  async load(files: RawFile[]): Promise<RawRelation> {
    const seq = ++this.seq;
    const table = quoteIdent(`_hz_raw_${seq}`);
    try {
      const names = await this.namesTable(files, quoteIdent(`_hz_raw_files_${seq}`));
      const sql = `CREATE TEMP TABLE ${table} AS ${rawRecordsSql(names)}`;
      await this.run(() => this.conn.run(sql, [listValue(files.map((f) => f.localPath))]), sql);
      if (names) await this.conn.run(`DROP TABLE ${names}`);
    } catch (e) {
      throw await utf8Error(e, files);
    }
    return {
      sql: `SELECT source_file, source_line, raw FROM ${table}`,
      params: [],
      dispose: () => this.conn.run(`DROP TABLE IF EXISTS ${table}`).then(() => undefined),
    };
  }

  /** The (local_path, source_file) table rawRecordsSql joins, when some files were fetched. */
  private async namesTable(files: RawFile[], table: string): Promise<string | undefined> {
    if (files.every((f) => f.localPath === f.sourceFile)) return undefined;
    await this.conn.run(
      `CREATE TEMP TABLE ${table} AS SELECT unnest($1) AS local_path, unnest($2) AS source_file`,
      [listValue(files.map((f) => f.localPath)), listValue(files.map((f) => f.sourceFile))],
    );
    return table;
  }
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
