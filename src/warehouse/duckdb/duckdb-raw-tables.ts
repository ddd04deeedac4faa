// Materializes the raw records of files (duckdb-raw.ts) as tables the parse can scan on every
// thread. Two DuckDB facts shape it: read_text reads its files on one thread, and a scan of rows
// written by the current, uncommitted transaction runs on one thread too (DuckDB sizes a scan by
// the table's committed rows). Outside a transaction the files are split in groups, one per
// thread, by helper connections that write into an attached in-memory database: the reads run
// side by side and the committed tables are scanned in parallel. Inside a transaction (a run that
// adds to an existing warehouse, where batches are small) they go into a temporary table of the
// main connection, which sees its own uncommitted rows. A file that is not valid UTF-8 is named
// with its first bad line, as the COPY engines do.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { HarmonizeError, inputError } from '../../errors.js';
import { splitRecordBytes } from '../record-splitter.js';
import { quoteIdent } from '../sql-common.js';
import type { RawFile, RawRelation } from '../warehouse.js';
import { rawRecordsSql } from './duckdb-raw.js';

export type Runner = <T>(fn: () => Promise<T>, sql?: string) => Promise<T>;

const SCRATCH = '_hz_scratch';

/** Splits files into n groups of about equal bytes (largest first onto the lightest group). */
export function balance(files: RawFile[], n: number): RawFile[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(n, files.length)) }, () => ({
    bytes: 0,
    files: [] as RawFile[],
  }));
  const bySize = [...files].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0));
  for (const f of bySize) {
    const lightest = groups.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(f);
    lightest.bytes += f.bytes ?? 0;
  }
  return groups.map((g) => g.files).filter((g) => g.length > 0);
}

export class RawTables {
  private helpers: DuckDBConnection[] = [];
  private seq = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly main: DuckDBConnection,
    private readonly threads: number,
    private readonly run: Runner,
  ) {}

  async load(files: RawFile[], inTransaction: boolean): Promise<RawRelation> {
    try {
      return inTransaction ? await this.loadLocal(files) : await this.loadParallel(files);
    } catch (e) {
      throw await utf8Error(e, files);
    }
  }

  close(): void {
    for (const h of this.helpers) h.closeSync();
    this.helpers = [];
  }

  private async loadLocal(files: RawFile[]): Promise<RawRelation> {
    const table = quoteIdent(`_hz_raw_${++this.seq}`);
    const names = await this.namesTable(files, `_hz_raw_files_${this.seq}`, this.main, true);
    const sql = `CREATE TEMP TABLE ${table} AS ${rawRecordsSql(names)}`;
    await this.run(() => this.main.run(sql, [listValue(files.map((f) => f.localPath))]), sql);
    if (names) await this.main.run(`DROP TABLE ${names}`);
    return this.relation([table]);
  }

  private async loadParallel(files: RawFile[]): Promise<RawRelation> {
    const seq = ++this.seq;
    await this.attachScratch();
    const table = `${SCRATCH}.${quoteIdent(`raw_${seq}`)}`;
    const names = await this.namesTable(files, `raw_files_${seq}`, this.main, false);
    // One table the helpers append to side by side: a UNION of per-helper tables parses slower.
    await this.main.run(
      `CREATE TABLE ${table} (source_file VARCHAR NOT NULL, source_line INTEGER NOT NULL, raw VARCHAR NOT NULL)`,
    );
    const groups = balance(files, this.threads);
    const helpers = await this.helperConnections(groups.length);
    const sql = `INSERT INTO ${table} ${rawRecordsSql(names)}`;
    try {
      await this.run(
        () =>
          Promise.all(
            groups.map(async (g, k) => {
              await helpers[k]?.run(sql, [listValue(g.map((f) => f.localPath))]);
            }),
          ),
        `${sql} -- ${groups.length} connections`,
      );
    } catch (e) {
      await this.drop([table]);
      throw e;
    } finally {
      if (names) await this.drop([names]);
    }
    return this.relation([table]);
  }

  /** The (local_path, source_file) table rawRecordsSql joins, when some files were fetched. */
  private async namesTable(
    files: RawFile[],
    name: string,
    conn: DuckDBConnection,
    temp: boolean,
  ): Promise<string | undefined> {
    if (files.every((f) => f.localPath === f.sourceFile)) return undefined;
    const table = temp ? quoteIdent(name) : `${SCRATCH}.${quoteIdent(name)}`;
    await conn.run(
      `CREATE ${temp ? 'TEMP ' : ''}TABLE ${table} AS SELECT unnest($1) AS local_path, unnest($2) AS source_file`,
      [listValue(files.map((f) => f.localPath)), listValue(files.map((f) => f.sourceFile))],
    );
    return table;
  }

  private relation(tables: string[]): RawRelation {
    return {
      sql: tables.map((t) => `SELECT source_file, source_line, raw FROM ${t}`).join(' UNION ALL '),
      params: [],
      dispose: () => this.drop(tables),
    };
  }

  private async drop(tables: string[]): Promise<void> {
    for (const t of tables) await this.main.run(`DROP TABLE IF EXISTS ${t}`);
  }

  private async attachScratch(): Promise<void> {
    const found = await this.main.runAndReadAll(
      `SELECT 1 FROM duckdb_databases() WHERE database_name = '${SCRATCH}'`,
    );
    if (found.currentRowCount === 0) await this.main.run(`ATTACH ':memory:' AS ${SCRATCH}`);
  }

  private async helperConnections(n: number): Promise<DuckDBConnection[]> {
    while (this.helpers.length < n) this.helpers.push(await this.instance.connect());
    return this.helpers.slice(0, n);
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
