// Splits a local file into raw records in Node, for engines that receive records over COPY. The rules
// are duckdb-raw.ts's: a whole-file JSON array gives one record per element (line = element index), a
// whole pretty-printed object is one record, anything else is JSON Lines (LF or CRLF, spaces and tabs
// trimmed, blank lines skipped, line = physical line). A leading UTF-8 BOM is dropped. Small files are
// read in one go; larger ones stream in 1 MiB chunks and are read whole only when they may be one
// JSON value and are at most `wholeFileLimit` bytes, so memory stays flat.
import { isUtf8 } from 'node:buffer';
import { createReadStream, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { inputError } from '../errors.js';
import { arrayElements, parses } from './lenient-json.js';

export interface RawRecord {
  line: number;
  raw: string;
}

/** A record as UTF-8 bytes (validated), for engines that stream bytes to the server. */
export interface RecordBytes {
  line: number;
  bytes: Buffer;
}

export interface SplitOptions {
  /** Names the file in errors (the source URI). */
  label?: string;
  /** Files above this size are never parsed whole (default 64 MiB). */
  wholeFileLimit?: number;
  /** Files up to this size are read in one go, larger ones streamed (default 4 MiB). */
  smallFileLimit?: number;
  /** Called with the number of bytes read since the last call. */
  onBytes?: (bytes: number) => void;
  /**
   * The file's size when known: a small file is then read in one synchronous call — an awaited
   * open, stat, read and close cost more than reading a few kilobytes (7,100 song files: 2.1 s).
   */
  size?: number;
}

const defaultWholeFileLimit = 64 * 1024 * 1024;
/** Up to this size a file is one read: a stream per small file costs more than the file. */
const defaultSmallFileLimit = 4 * 1024 * 1024;
const chunkBytes = 1024 * 1024;
const LF = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Yields the file's records in batches, in file order. */
export async function* splitRecordBytes(
  path: string,
  opts: SplitOptions = {},
): AsyncGenerator<RecordBytes[]> {
  const wholeLimit = opts.wholeFileLimit ?? defaultWholeFileLimit;
  const smallLimit = opts.smallFileLimit ?? defaultSmallFileLimit;
  let content: Buffer | undefined;
  if (opts.size !== undefined && opts.size <= smallLimit) content = readFileSync(path);
  else {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const small = size <= smallLimit;
      if (small || (size <= wholeLimit && (await mayBeWhole(fh, size)))) content = await fh.readFile();
    } finally {
      await fh.close();
    }
  }
  if (!content) {
    yield* streamedLines(path, opts);
    return;
  }
  opts.onBytes?.(content.length);
  const body = content.subarray(bomLength(content));
  const whole = content.length <= wholeLimit ? wholeRecords(body) : undefined;
  const records = whole
    ? whole.map((r) => ({ line: r.line, bytes: Buffer.from(r.raw) }))
    : linesOf(withLastLf(body), 0, opts).records;
  if (records.length > 0) yield records;
}

/** The same records as text. */
export async function* splitRecords(path: string, opts: SplitOptions = {}): AsyncGenerator<RawRecord[]> {
  for await (const batch of splitRecordBytes(path, opts))
    yield batch.map((r) => ({ line: r.line, raw: r.bytes.toString('utf8') }));
}

/** Length of the leading BOMs (DuckDB drops every leading U+FEFF). */
function bomLength(buf: Buffer): number {
  let i = 0;
  while (buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) i += 3;
  return i;
}

const isJsonSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Trims spaces, tabs, CR and LF at both ends (the bytes DuckDB's trim removes). */
function trimBytes(buf: Buffer, start: number, end: number): Buffer {
  while (start < end && isJsonSpace(buf[start])) start++;
  while (end > start && isJsonSpace(buf[end - 1])) end--;
  return buf.subarray(start, end);
}

/**
 * Whether content (BOM removed) could be one JSON value: it starts with '[' or '{' after spaces
 * (DuckDB's ltrim removes spaces only), and for '{' its first line is not a record by itself — when
 * it is, the file is JSON Lines, which keeps ordinary log files from being parsed whole.
 */
function wholeCandidate(content: Buffer): boolean {
  let start = 0;
  while (content[start] === 0x20) start++;
  const first = content[start];
  if (first !== 0x5b && first !== 0x7b) return false;
  const nl = content.indexOf(LF, start);
  return !(first === 0x7b && nl >= 0 && parses(trimBytes(content, start, nl).toString('utf8')));
}

async function mayBeWhole(fh: FileHandle, size: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  await fh.read(head, 0, head.length, 0);
  return wholeCandidate(head.subarray(bomLength(head)));
}

/** The records of a whole-file array or pretty-printed object, or undefined for JSON Lines. */
function wholeRecords(content: Buffer): RawRecord[] | undefined {
  if (!wholeCandidate(content) || !isUtf8(content)) return undefined; // bad bytes: reported by line
  const text = decoder.decode(content);
  if (!parses(text)) return undefined;
  const trimmed = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (trimmed.startsWith('[')) return arrayElements(trimmed).map((raw, i) => ({ line: i + 1, raw }));
  return trimmed.includes('\n') ? [{ line: 1, raw: trimmed }] : undefined;
}

const withLastLf = (b: Buffer) =>
  b.length === 0 || b[b.length - 1] === LF ? b : Buffer.concat([b, Buffer.from([LF])]);

/** JSON Lines of a large file, chunk by chunk; a line is split on LF bytes, never inside a character. */
async function* streamedLines(path: string, opts: SplitOptions): AsyncGenerator<RecordBytes[]> {
  const pending: Buffer[] = [];
  let line = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    opts.onBytes?.(chunk.length);
    const fresh = first ? chunk.subarray(bomLength(chunk)) : chunk;
    first = false;
    const end = fresh.lastIndexOf(LF) + 1;
    if (end === 0) {
      pending.push(fresh); // a line longer than a chunk: joined once its end arrives
      continue;
    }
    const region =
      pending.length > 0 ? Buffer.concat([...pending, fresh.subarray(0, end)]) : fresh.subarray(0, end);
    pending.length = 0;
    if (end < fresh.length) pending.push(fresh.subarray(end));
    const batch = linesOf(region, line, opts);
    line += batch.lines;
    if (batch.records.length > 0) yield batch.records;
  }
  const last = pending.length > 0 ? linesOf(withLastLf(Buffer.concat(pending)), line, opts).records : [];
  if (last.length > 0) yield last;
}

/** The records of whole lines (region ends with LF), numbered from after `line`. */
function linesOf(
  region: Buffer,
  line: number,
  opts: SplitOptions,
): { records: RecordBytes[]; lines: number } {
  if (!isUtf8(region)) throw notUtf8(region, line, opts);
  const records: RecordBytes[] = [];
  let n = line;
  for (let from = 0; from < region.length;) {
    const nl = region.indexOf(LF, from);
    n++;
    const t = trimBytes(region, from, nl);
    if (t.length > 0) records.push({ line: n, bytes: t.includes(0) ? escapeNul(t) : t });
    from = nl + 1;
  }
  return { records, lines: n - line };
}

function notUtf8(region: Buffer, line: number, opts: SplitOptions): Error {
  let n = line;
  for (let from = 0; from < region.length;) {
    const nl = region.indexOf(LF, from);
    n++;
    if (!isUtf8(region.subarray(from, nl))) break;
    from = nl + 1;
  }
  return inputError('not valid UTF-8 text', {
    where: `${opts.label ?? 'input'}:${n}`,
    hint: 'convert the file to UTF-8',
  });
}

/** A NUL cannot be stored in a SQL text value; its escape keeps the record invalid JSON, as it was. */
const escapeNul = (b: Buffer): Buffer => Buffer.from(b.toString('utf8').replace(/\0/g, '\\u0000'));
