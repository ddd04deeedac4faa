// Streaming output for the generator. LineAssembler builds JSON lines from precomputed
// byte fragments with copyWithin inside one work buffer (no per-event allocation);
// LinesFileSink streams ~1 MB chunks to a file honouring backpressure; writeManyFiles
// writes the many small song files with bounded concurrency.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const CHUNK_BYTES = 1 << 20;
/** Room past CHUNK_BYTES for the line being written (lines are < 4 KB). */
const SLACK_BYTES = 1 << 16;
/** Up to this many bytes may be queued in the stream before we wait for 'drain'. */
const STREAM_HIGH_WATER = 8 << 20;
const NEWLINE = 10;
const ZERO = 48;

/**
 * One work buffer = [fragment arenas | output window]. Fragments are copied into the
 * window with copyWithin; take() hands out a copy of the filled window.
 */
export class LineAssembler {
  /** start offset of each arena passed to the constructor, in the work buffer */
  readonly bases: number[];
  private readonly work: Uint8Array;
  private readonly out0: number;
  private pos: number;
  private lines = 0;

  constructor(arenas: readonly Uint8Array[]) {
    const total = arenas.reduce((n, a) => n + a.length, 0);
    this.work = new Uint8Array(total + CHUNK_BYTES + SLACK_BYTES);
    this.bases = [];
    let at = 0;
    for (const a of arenas) {
      this.work.set(a, at);
      this.bases.push(at);
      at += a.length;
    }
    this.out0 = at;
    this.pos = at;
  }

  /** The next line is the first of a new file (no LF before it). */
  startFile(): void {
    this.lines = 0;
  }

  /** Starts a line: writes the separating LF unless it is the file's first line. */
  beginLine(): void {
    if (this.lines++ > 0) this.work[this.pos++] = NEWLINE;
  }

  /** Appends work[start, end) (absolute offsets: an arena base plus a fragment offset). */
  copy(start: number, end: number): void {
    const w = this.work;
    let p = this.pos;
    if (end - start < 12) {
      for (let i = start; i < end; i++) w[p++] = w[i]!;
    } else {
      w.copyWithin(p, start, end);
      p += end - start;
    }
    this.pos = p;
  }

  /** Appends a non-negative integer (< 2^53) in decimal. */
  int(n: number): void {
    if (n >= 1e9) {
      const hi = Math.floor(n / 1e9);
      this.int(hi);
      this.digits(n - hi * 1e9, 9);
      return;
    }
    let len = 1;
    for (let m = 10; m <= n; m *= 10) len++;
    this.digits(n, len);
  }

  /** Writes exactly `width` digits of n (< 1e9), zero-padded. */
  private digits(n: number, width: number): void {
    const w = this.work;
    let v = n | 0;
    const end = this.pos + width;
    for (let p = end - 1; p >= this.pos; p--) {
      const q = (v / 10) | 0;
      w[p] = ZERO + v - q * 10;
      v = q;
    }
    this.pos = end;
  }

  get full(): boolean {
    return this.pos - this.out0 >= CHUNK_BYTES;
  }

  /** A copy of the bytes assembled since the last take(); empties the window. */
  take(): Uint8Array {
    const data = Buffer.allocUnsafe(this.pos - this.out0);
    data.set(this.work.subarray(this.out0, this.pos));
    this.pos = this.out0;
    return data;
  }
}

/** A file written from byte chunks through a write stream, waiting on 'drain'. */
export class LinesFileSink {
  private error: Error | null = null;

  private constructor(private readonly stream: WriteStream) {
    stream.on('error', (err) => {
      this.error = err;
    });
  }

  static async open(path: string): Promise<LinesFileSink> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { highWaterMark: STREAM_HIGH_WATER });
    await once(stream, 'open');
    return new LinesFileSink(stream);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (chunk.length > 0 && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    const closed = once(this.stream, 'close');
    this.stream.end();
    await closed;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error;
  }
}

/** Writes `count` small files with at most `concurrency` writes in flight. */
export async function writeManyFiles(
  count: number,
  file: (i: number) => { path: string; text: string },
  concurrency = 32,
): Promise<void> {
  const madeDirs = new Map<string, Promise<unknown>>();
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < count) {
      const { path, text } = file(nextIndex++);
      const dir = dirname(path);
      let made = madeDirs.get(dir);
      if (!made) {
        made = mkdir(dir, { recursive: true });
        madeDirs.set(dir, made);
      }
      await made;
      await writeFile(path, text);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
