// Splits a local file into raw records in Node, for engines that receive records over COPY. The rules
// are duckdb-raw.ts's: a whole-file JSON array gives one record per element (line = element index), a
// whole pretty-printed object is one record, anything else is JSON Lines (LF or CRLF, spaces and tabs
// trimmed, blank lines skipped, line = physical line). A leading UTF-8 BOM is dropped. Lines stream
// with flat memory; only whole-file candidates up to `wholeFileLimit` bytes are read whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { inputError } from '../errors.js';

export interface RawRecord {
  line: number;
  raw: string;
}

export interface SplitOptions {
  /** Names the file in errors (the source URI). */
  label?: string;
  /** Files above this size are never parsed whole (default 64 MiB). */
  wholeFileLimit?: number;
  /** Called with the number of bytes read since the last call. */
  onBytes?: (bytes: number) => void;
}

const defaultWholeFileLimit = 64 * 1024 * 1024;
const headBytes = 64 * 1024;
const LF = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Yields the file's records in batches (one batch per chunk read), in file order. */
export async function* splitRecords(path: string, opts: SplitOptions = {}): AsyncGenerator<RawRecord[]> {
  const whole = await wholeFileRecords(path, opts);
  if (whole) {
    if (whole.length > 0) yield whole;
    return;
  }
  yield* lineRecords(path, opts);
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

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The records of a whole-file array or pretty-printed object, or undefined when the file is JSON
 * Lines. The first line is tried alone first: when it parses, an object file is JSON Lines without
 * reading the rest, which is what keeps ordinary log files streaming.
 */
async function wholeFileRecords(path: string, opts: SplitOptions): Promise<RawRecord[] | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, headBytes));
    await fh.read(head, 0, head.length, 0);
    let start = bomLength(head);
    while (head[start] === 0x20) start++; // DuckDB's ltrim removes spaces only
    const first = head[start];
    if (first !== 0x5b && first !== 0x7b) return undefined; // '[' or '{'
    const nl = head.indexOf(LF, start);
    if (first === 0x7b && nl >= 0 && parses(trimBytes(head, start, nl).toString('utf8'))) return undefined;
    if (size > (opts.wholeFileLimit ?? defaultWholeFileLimit)) return undefined;
    const all = await fh.readFile();
    const text = decodeOrUndefined(all.subarray(bomLength(all)));
    const records = text === undefined ? undefined : recordsOfWhole(text);
    if (records) opts.onBytes?.(all.length);
    return records;
  } finally {
    await fh.close();
  }
}

function decodeOrUndefined(buf: Buffer): string | undefined {
  try {
    return decoder.decode(buf);
  } catch {
    return undefined; // the line reader reports the line with the bad bytes
  }
}

function recordsOfWhole(text: string): RawRecord[] | undefined {
  const trimmed = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (!parses(text)) return undefined;
  if (trimmed.startsWith('[')) return arrayElements(trimmed).map((raw, i) => ({ line: i + 1, raw }));
  return trimmed.includes('\n') ? [{ line: 1, raw: trimmed }] : undefined;
}

/**
 * The elements of a valid JSON array (text starting with '[') as compact JSON: each element's own
 * text with the whitespace between tokens removed; string contents and number spellings are kept.
 */
export function arrayElements(json: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 1;
  let inString = false;
  for (let i = 1; i < json.length && depth > 0; i++) {
    const ch = json[i] as string;
    if (inString) {
      cur += ch === '\\' ? ch + (json[++i] ?? '') : ch;
      inString = ch !== '"';
    } else if (depth === 1 && (ch === ',' || ch === ']')) {
      if (cur !== '') out.push(cur);
      cur = '';
      if (ch === ']') depth = 0;
    } else if (!isSpaceChar(ch)) {
      if (ch === '[' || ch === '{') depth++;
      else if (ch === ']' || ch === '}') depth--;
      inString = ch === '"';
      cur += ch;
    }
  }
  return out;
}

const isSpaceChar = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

/** JSON Lines: split on LF as bytes (never inside a UTF-8 sequence), trim, decode, skip blanks. */
async function* lineRecords(path: string, opts: SplitOptions): AsyncGenerator<RawRecord[]> {
  const pending: Buffer[] = [];
  let line = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    opts.onBytes?.(chunk.length);
    let buf = chunk;
    if (first) buf = buf.subarray(bomLength(buf));
    first = false;
    const batch: RawRecord[] = [];
    let from = 0;
    for (let nl = buf.indexOf(LF); nl >= 0; nl = buf.indexOf(LF, from)) {
      const piece = buf.subarray(from, nl);
      pushLine(batch, pending.length > 0 ? Buffer.concat([...pending, piece]) : piece, ++line, opts);
      pending.length = 0;
      from = nl + 1;
    }
    if (from < buf.length) pending.push(buf.subarray(from));
    if (batch.length > 0) yield batch;
  }
  const last: RawRecord[] = [];
  if (pending.length > 0) pushLine(last, Buffer.concat(pending), line + 1, opts);
  if (last.length > 0) yield last;
}

function pushLine(batch: RawRecord[], bytes: Buffer, line: number, opts: SplitOptions): void {
  const t = trimBytes(bytes, 0, bytes.length);
  if (t.length === 0) return;
  let raw: string;
  try {
    raw = decoder.decode(t);
  } catch {
    throw inputError('not valid UTF-8 text', {
      where: `${opts.label ?? 'input'}:${line}`,
      hint: 'convert the file to UTF-8',
    });
  }
  // A NUL cannot be stored in a SQL text value; its escape keeps the record invalid JSON, as it was.
  batch.push({ line, raw: raw.includes('\0') ? raw.replace(/\0/g, '\\u0000') : raw });
}
