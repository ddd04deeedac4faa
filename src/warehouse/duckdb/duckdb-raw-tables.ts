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
// Small files (SMALL_FILE_BYTES) are read by Node and handed over a thousand at a time: read_text's
// cost per file, not per byte, is what a tree of small song files pays.
//
// Large JSON Lines files (duckdb-pieces.ts) are read by Node a piece of whole lines at a time:
// read_text would allocate each one's whole size at once. Outside a transaction every connection
// inserts pieces, each taking the next one when it is free: the ×1000 sample's events in 30 files
// of 122 MiB loaded in 35.3–36.4 s so, against 40.9–46.0 s with the pieces on one connection.
//
// A file that is not valid UTF-8 is named with its first bad line, as the COPY engines do.
import { readFileSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { HarmonizeError, inputError } from '../../errors.js';
import { splitRecordBytes } from '../record-splitter.js';
import { quoteIdent } from '../sql-common.js';
import type { RawFile, RawRelation } from '../warehouse.js';
import { SCRATCH } from './duckdb-dialect.js';
import { LARGE_FILE_BYTES, pieces, startsWithJsonLine } from './duckdb-pieces.js';
import { givenTextSql, namedTextSql, pieceRecordsSql, rawRecordsSql, readTextSql } from './duckdb-raw.js';

export type Runner = <T>(fn: () => Promise<T>, sql?: string) => Promise<T>;

/**
 * Files up to this size are read by Node and handed to DuckDB as list parameters, many per
 * statement. read_text costs about 30 µs of CPU per file however small, and two connections
 * reading small files at once took as long as one: the 7,100 song files of the ×100 sample took
 * 0.24 s of wall time so, 0.08–0.15 s read by Node (4 µs a file). Above a few KiB DuckDB's own
 * reading wins: Node decodes the bytes to a string and DuckDB encodes them back.
 */
export const SMALL_FILE_BYTES = 16 * 1024;

/** Small files handed over per statement: at most this many, of at most this many bytes. */
const GIVEN_FILES = 1024;
const GIVEN_BYTES = 1024 * 1024;

export interface RawTablesOptions {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  run: Runner;
  threads: number;
  /** Files of at most this many bytes are read by Node (default SMALL_FILE_BYTES; 0: none). */
  smallFileBytes?: number;
  /** JSON Lines files above this many bytes are read in pieces of an eighth of that (LARGE_FILE_BYTES). */
  largeFileBytes?: number;
  /** True while the main connection is inside a transaction. */
  inTransaction: () => boolean;
}

const RAW_COLUMNS = '(source_file VARCHAR, source_line INTEGER, raw VARCHAR)';

/**
 * The direct load (duckdb-direct.ts), given whole files or a piece of a large one on a connection:
 * true when it loaded them, false when they go to the raw-record table after all.
 */
export interface DirectReader {
  /** A run of files for read_text. */
  files(conn: DuckDBConnection, files: RawFile[]): Promise<boolean>;
  /** A piece as pieceRecordsSql's parameters ($1 file, $2 text, $3 lines before). */
  piece(conn: DuckDBConnection, params: [string, string, number]): Promise<boolean>;
}

export class RawTables {
  private seq = 0;
  private readonly helpers: DuckDBConnection[] = [];

  constructor(private readonly o: RawTablesOptions) {}

  /**
   * The raw records of files, as one table. With direct, files and pieces it loads are not in it:
   * only outside a transaction, where every statement commits on its own.
   */
  async load(files: RawFile[], direct?: DirectReader): Promise<RawRelation> {
    const seq = ++this.seq;
    const small: RawFile[] = [];
    const largeLimit = this.o.largeFileBytes ?? LARGE_FILE_BYTES;
    const pieced: RawFile[] = [];
    const large: RawFile[] = [];
    for (const f of files) {
      if (this.small(f)) small.push(f);
      else if ((f.bytes ?? 0) > largeLimit && (await jsonLines(f))) pieced.push(f);
      else large.push(f);
    }
    const inTransaction = this.o.inTransaction();
    const reader = inTransaction ? undefined : direct;
    const runs = inTransaction ? [large] : consecutiveRuns(large, this.o.threads);
    const sideBySide = !inTransaction && (runs.length > 1 || (pieced.length > 0 && this.o.threads > 1));
    const name = quoteIdent(`_hz_raw_${seq}`);
    const table = sideBySide ? `${SCRATCH}.${name}` : name;
    await this.o.conn.run(`CREATE ${sideBySide ? '' : 'TEMP '}TABLE ${table} ${RAW_COLUMNS}`);
    try {
      if (sideBySide) await this.sideBySide(runs, small, pieced, table, reader);
      else {
        await this.readSmall(this.o.conn, small, table);
        await this.readPieces(this.o.conn, piecesOf(pieced, this.pieceBytes()), table, reader);
        if (large.length > 0) await this.readRun(this.o.conn, large, table, reader);
      }
    } catch (e) {
      await this.drop(table);
      throw e;
    }
    return {
      sql: `SELECT source_file, source_line, raw FROM ${table}`,
      params: [],
      dispose: () => this.drop(table),
    };
  }

  /** Whether load can take a direct reader for these files: outside a transaction, not all small. */
  directFits(files: RawFile[]): boolean {
    return !this.o.inTransaction() && files.some((f) => !this.small(f));
  }

  /** A file Node reads and hands over (readSmall), not read_text. */
  private small(f: RawFile): boolean {
    return f.bytes !== undefined && f.bytes <= (this.o.smallFileBytes ?? SMALL_FILE_BYTES);
  }

  close(): void {
    for (const c of this.helpers) c.closeSync();
    this.helpers.length = 0;
  }

  /**
   * One table, each run of files inserted into it by its own connection at the same time, while
   * the main connection inserts the small files Node reads. One table, not one per run: a scan of
   * one table shares its row groups among the threads to the end, while a UNION ALL of smaller
   * tables left one thread idle at the end of each branch. The pieces of large JSON Lines files are
   * read here in file order and inserted by whichever connection is free, its own share done.
   */
  private async sideBySide(
    runs: RawFile[][],
    small: RawFile[],
    pieced: RawFile[],
    table: string,
    direct: DirectReader | undefined,
  ): Promise<void> {
    const helpers = Math.max(runs.length, pieced.length > 0 ? this.o.threads - 1 : 0);
    while (this.helpers.length < helpers) this.helpers.push(await this.o.instance.connect());
    const shared = piecesOf(pieced, this.pieceBytes());
    // The first failure ends the pieces for every connection (and closes the file being read).
    const stopOnFailure = (work: Promise<void>) =>
      work.catch(async (e: unknown) => {
        await shared.return(undefined).catch(() => undefined);
        throw e;
      });
    await this.o.conn.run('SET threads = 1');
    let results: PromiseSettledResult<void>[];
    try {
      results = await Promise.allSettled([
        ...this.helpers.slice(0, helpers).map((conn, i) =>
          stopOnFailure(
            (async () => {
              const files = runs[i];
              if (files) await this.readRun(conn, files, table, direct);
              await this.readPieces(conn, shared, table, direct);
            })(),
          ),
        ),
        stopOnFailure(
          this.readSmall(this.o.conn, small, table).then(() =>
            this.readPieces(this.o.conn, shared, table, direct),
          ),
        ),
      ]);
    } finally {
      await this.o.conn.run(`SET threads = ${this.o.threads}`);
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private pieceBytes(): number {
    return Math.max(1, Math.floor((this.o.largeFileBytes ?? LARGE_FILE_BYTES) / 8));
  }

  /** A run of files read by read_text on conn: loaded by direct when it can, else into table. */
  private async readRun(
    conn: DuckDBConnection,
    files: RawFile[],
    table: string,
    direct: DirectReader | undefined,
  ): Promise<void> {
    if (direct && (await direct.files(conn, files))) return;
    if (files.every((f) => f.localPath === f.sourceFile))
      return this.read(conn, files, `INSERT INTO ${table} ${rawRecordsSql(readTextSql)}`);
    const names = listValue(files.map((f) => f.sourceFile));
    await this.read(conn, files, `INSERT INTO ${table} ${rawRecordsSql(namedTextSql('$2'))}`, [names]);
  }

  /** The records of files, read by read_text on conn, by sql (an INSERT of their records; $1 the paths, more after). */
  private async read(
    conn: DuckDBConnection,
    files: RawFile[],
    sql: string,
    more: DuckDBValue[] = [],
  ): Promise<void> {
    try {
      await this.o.run(() => conn.run(sql, [listValue(files.map((f) => f.localPath)), ...more]), sql);
    } catch (e) {
      throw tooLarge(e, files, this.o.largeFileBytes ?? LARGE_FILE_BYTES) ?? (await utf8Error(e, files));
    }
  }

  /**
   * The records of small files, read here a group at a time, into table on conn. The next group
   * is read while DuckDB splits the last one.
   */
  private async readSmall(conn: DuckDBConnection, files: RawFile[], table: string): Promise<void> {
    const sql = `INSERT INTO ${table} ${rawRecordsSql(givenTextSql)}`;
    let inFlight: Promise<unknown> = Promise.resolve();
    try {
      for (const group of groups(files)) {
        const names = listValue(group.map((f) => f.sourceFile));
        const texts = listValue(await Promise.all(group.map(readSmallFile)));
        await inFlight;
        inFlight = this.o.run(() => conn.run(sql, [names, texts]), sql);
      }
    } finally {
      // Settled before returning or throwing: the caller drops the table next.
      await inFlight.catch(() => undefined);
    }
    await inFlight;
  }

  /**
   * Pieces of large JSON Lines files into table on conn, until none is left. Several connections
   * may share one source of pieces: each takes the next piece the moment it is free.
   */
  private async readPieces(
    conn: DuckDBConnection,
    source: AsyncIterator<FilePiece>,
    table: string,
    direct?: DirectReader,
  ): Promise<void> {
    const sql = `INSERT INTO ${table} ${pieceRecordsSql}`;
    for (let next = await source.next(); !next.done; next = await source.next()) {
      const { file, text, linesBefore } = next.value;
      const params: [string, string, number] = [file.sourceFile, text, linesBefore];
      if (!(direct && (await direct.piece(conn, params)))) await this.o.run(() => conn.run(sql, params), sql);
    }
  }

  private async drop(table: string): Promise<void> {
    await this.o.conn.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

interface FilePiece {
  file: RawFile;
  text: string;
  linesBefore: number;
}

/** The pieces of the files, in order, decoded; a file that cannot be read or decoded is named. */
async function* piecesOf(files: RawFile[], pieceBytes: number): AsyncGenerator<FilePiece> {
  for (const file of files) {
    let decoder = dropBom;
    try {
      for await (const p of pieces(file.localPath, pieceBytes)) {
        const text = await decodeOrName(decoder, p.bytes, file);
        decoder = utf8;
        yield { file, text, linesBefore: p.linesBefore };
      }
    } catch (e) {
      // The file's own errors (it went away, cannot be read); the others pass as they are.
      throw (e as NodeJS.ErrnoException).code !== undefined ? unreadable(file, e) : e;
    }
  }
}

/** Consecutive groups of at most GIVEN_FILES files and (beyond one file) GIVEN_BYTES bytes. */
function* groups(files: RawFile[]): Generator<RawFile[]> {
  let group: RawFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (group.length === GIVEN_FILES || (group.length > 0 && bytes + (f.bytes ?? 0) > GIVEN_BYTES)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(f);
    bytes += f.bytes ?? 0;
  }
  if (group.length > 0) yield group;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** For a file's first piece: a leading BOM is dropped, as the whole-file reader drops it. */
const dropBom = new TextDecoder('utf-8', { fatal: true });

/** The text of bytes of file f, or the input error that names f's first bad line. */
async function decodeOrName(decoder: TextDecoder, bytes: Buffer, f: RawFile): Promise<string> {
  try {
    return decoder.decode(bytes);
  } catch {
    throw await notUtf8(f);
  }
}

/** Whether a large file is JSON Lines (duckdb-pieces.ts); a file that cannot be read is named. */
async function jsonLines(f: RawFile): Promise<boolean> {
  try {
    return await startsWithJsonLine(f.localPath);
  } catch (e) {
    throw unreadable(f, e);
  }
}

const unreadable = (f: RawFile, e: unknown) =>
  inputError(`cannot read: ${(e as Error).message}`, {
    where: f.sourceFile,
    hint: 'check the file is readable',
    cause: e,
  });

/** A small file's text (read synchronously: a few µs), or the input error that names it. */
async function readSmallFile(f: RawFile): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(f.localPath);
  } catch (e) {
    throw unreadable(f, e);
  }
  return decodeOrName(utf8, bytes, f);
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

/**
 * DuckDB's out-of-memory error of a read that held a large file read whole (not JSON Lines, so not
 * read in pieces), as the input error that names the largest: read_text allocates a file's size at
 * once, and a large JSON array or pretty-printed file cannot be cut by lines.
 */
function tooLarge(e: unknown, files: RawFile[], largeFileBytes: number): HarmonizeError | undefined {
  if (!/Out of Memory/i.test((e as Error).message ?? '')) return undefined;
  const largest = files.reduce<RawFile | undefined>(
    (a, f) => ((f.bytes ?? 0) > (a?.bytes ?? 0) ? f : a),
    undefined,
  );
  if (!largest || (largest.bytes ?? 0) <= largeFileBytes) return undefined;
  const mb = Math.round((largest.bytes ?? 0) / 1e6);
  return inputError(
    `too large to read whole (${mb} MB): a JSON array or pretty-printed file this big does not fit DuckDB's memory cap`,
    {
      where: largest.sourceFile,
      hint: 'write it as JSON Lines (one record per line), or raise the cap with ?memory_limit= in the warehouse URL',
      cause: e,
    },
  );
}

/** read_text's UTF-8 failure as an input error at the file's first bad line; others unchanged. */
async function utf8Error(e: unknown, files: RawFile[]): Promise<unknown> {
  const m = /could not read content of file '(.*)' as valid UTF-8/.exec((e as Error).message ?? '');
  const file = m ? files.find((f) => f.localPath === m[1]) : undefined;
  return file ? await notUtf8(file) : e;
}

/** The input error of a file that is not valid UTF-8, at its first bad line when one is found. */
async function notUtf8(file: RawFile): Promise<HarmonizeError> {
  try {
    for await (const batch of splitRecordBytes(file.localPath, { label: file.sourceFile })) void batch;
  } catch (bad) {
    if (bad instanceof HarmonizeError) return bad;
  }
  return inputError('not valid UTF-8 text', { where: file.sourceFile, hint: 'convert the file to UTF-8' });
}
