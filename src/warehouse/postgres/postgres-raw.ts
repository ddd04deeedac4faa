// Raw records into PostgreSQL: every file's records (split in Node by record-splitter.ts, as bytes)
// stream through one COPY … FROM STDIN into a temporary table, with backpressure, so memory stays
// flat whatever the input size. The CSV format uses control characters as delimiter (0x02) and
// quote (0x01): JSON's backslashes and tabs pass untouched; only a record holding 0x01, 0x02, CR or
// LF (a pretty-printed object) is quoted.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { splitRecordBytes, type RecordBytes } from '../record-splitter.js';
import type { RawFile } from '../warehouse.js';

const QUOTE = 0x01;
const DELIM = 0x02;
const CR = 0x0d;
const NL = 0x0a;

export const copySql = (table: string) =>
  `COPY ${table} (source_file, source_line, raw) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;

export const rawTableSql = (table: string) =>
  `CREATE TEMPORARY TABLE ${table} (source_file text NOT NULL, source_line integer NOT NULL, raw text NOT NULL)`;

/** A CSV value quoted: wrapped in the quote byte, inner quote bytes doubled. */
function quoted(b: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([QUOTE])];
  let from = 0;
  for (let q = b.indexOf(QUOTE); q >= 0; q = b.indexOf(QUOTE, from)) {
    parts.push(b.subarray(from, q + 1), Buffer.from([QUOTE]));
    from = q + 1;
  }
  parts.push(b.subarray(from), Buffer.from([QUOTE]));
  return Buffer.concat(parts);
}

/** A CSV value, quoted only when it holds the quote, the delimiter, CR or LF. */
export const csvValue = (b: Buffer): Buffer =>
  b.includes(QUOTE) || b.includes(DELIM) || b.includes(CR) || b.includes(NL) ? quoted(b) : b;

/** COPY rows `file<0x02>line<0x02>raw<LF>` of one batch, written into a single buffer. */
function encodeBatch(file: Buffer, batch: RecordBytes[]): Buffer {
  const values = batch.map((r) => csvValue(r.bytes));
  let size = 0;
  for (const v of values) size += file.length + 12 + v.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  batch.forEach((r, i) => {
    pos += file.copy(out, pos);
    pos += out.write(`${r.line}\x02`, pos, 'latin1');
    pos += (values[i] as Buffer).copy(out, pos);
    out[pos++] = NL;
  });
  return out.subarray(0, pos);
}

/** Which records of a file to copy; all when not given. */
export type KeepRecord = (f: RawFile, r: RecordBytes) => boolean;

async function* copyRows(
  files: RawFile[],
  onProgress?: (bytes: number) => void,
  keep?: KeepRecord,
): AsyncGenerator<Buffer> {
  let bytes = 0;
  const onBytes = (n: number) => {
    bytes += n;
    onProgress?.(bytes);
  };
  for (const f of files) {
    // Always quoted: an empty file name would read as NULL unquoted.
    const file = Buffer.concat([quoted(Buffer.from(f.sourceFile)), Buffer.from([DELIM])]);
    const size = f.bytes === undefined ? {} : { size: f.bytes };
    for await (const batch of splitRecordBytes(f.localPath, { label: f.sourceFile, onBytes, ...size })) {
      const kept = keep ? batch.filter((r) => keep(f, r)) : batch;
      if (kept.length > 0) yield encodeBatch(file, kept);
    }
  }
}

/** Streams the files' records into table (created by rawTableSql); returns the record count. */
export async function copyRawRecords(
  client: pg.Client,
  table: string,
  files: RawFile[],
  onProgress?: (bytes: number) => void,
  keep?: KeepRecord,
): Promise<number> {
  const copy = client.query(copyFrom(copySql(table)));
  await pipeline(Readable.from(copyRows(files, onProgress, keep)), copy);
  return copy.rowCount;
}
