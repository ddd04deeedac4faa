// Large JSON Lines files, read by Node a piece of whole lines at a time. read_text allocates a
// file's whole size at once: a 385 MB log file (the ×100 sample's days in one file) failed with
// "failed to allocate data of size 512.0 MiB" under the 448 MB cap, whatever the tables held. In
// pieces, each with the number of lines before it, the same file loads and its records keep
// their line numbers; the raw-record table they go to spills beyond the cap like any other. Pieces
// are an eighth of LARGE_FILE_BYTES: that file loaded in 10.5–11.0 s at 810–825 MiB of RSS in
// 8 MiB pieces, at 993 MiB in 32 MiB ones.
//
// Only files whose first non-blank line is a JSON value by itself are cut: a file that is one
// JSON array, or one pretty-printed object, cannot have a complete value on its first line and
// more after it, so such a file is JSON Lines for the whole-file reader too.
import { open } from 'node:fs/promises';

/** Files above this size are read in pieces when they are JSON Lines (duckdb-raw-tables.ts). */
export const LARGE_FILE_BYTES = 64 * 1024 * 1024;

/** How far into a file its first non-blank line is looked for. */
const FIRST_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;

/** Whether the file's first non-blank line (within its first MiB) is a JSON value by itself. */
export async function startsWithJsonLine(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(FIRST_LINE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const lines = head.split('\n');
    // The last piece of the head may be a line cut short: only whole lines count.
    for (const line of lines.slice(0, -1)) {
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  } finally {
    await fh.close();
  }
}

export interface Piece {
  /** Whole lines of the file (the last piece may end without a line break). */
  bytes: Buffer;
  /** Lines of the file before this piece. */
  linesBefore: number;
}

const countLines = (b: Buffer) => {
  let n = 0;
  for (let i = b.indexOf(LF); i !== -1; i = b.indexOf(LF, i + 1)) n++;
  return n;
};

/** The file in pieces of about pieceBytes, each cut after a line break (a longer line is one piece). */
export async function* pieces(path: string, pieceBytes: number): AsyncGenerator<Piece> {
  const fh = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let linesBefore = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(pieceBytes);
      const { bytesRead } = await fh.read(buf, 0, pieceBytes, null);
      const data =
        carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      if (bytesRead === 0) {
        if (data.length > 0) yield { bytes: data, linesBefore };
        return;
      }
      const cut = data.lastIndexOf(LF) + 1;
      if (cut === 0) {
        carry = data;
        continue;
      }
      const bytes = data.subarray(0, cut);
      carry = Buffer.from(data.subarray(cut));
      yield { bytes, linesBefore };
      linesBefore += countLines(bytes);
    }
  } finally {
    await fh.close();
  }
}
