// The JSON-parse floor: Node on one core reads every log file and JSON.parses every non-blank line,
// nothing else — the cost any design that parses records in JavaScript pays at least.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function* files(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith('.json')) yield p;
  }
}

/** Files up to this size are read in one call; bigger ones stream (flat memory). */
const WHOLE_READ_LIMIT = 64 * 1024 * 1024;

/** Parses every line of every log file under dir; returns the number of records parsed. */
export async function runJsonFloor(logsDir: string): Promise<{ events: number; bytes: number }> {
  let events = 0;
  let bytes = 0;
  for await (const path of files(logsDir)) {
    if ((await stat(path)).size <= WHOLE_READ_LIMIT) {
      const text = await readFile(path, 'utf8');
      bytes += text.length;
      for (const line of text.split('\n')) events += parseLine(line);
      continue;
    }
    let rest = '';
    for await (const chunk of createReadStream(path, {
      encoding: 'utf8',
      highWaterMark: 1 << 20,
    }) as AsyncIterable<string>) {
      bytes += chunk.length;
      const lines = chunk.split('\n');
      lines[0] = rest + (lines[0] ?? '');
      rest = lines.pop() ?? '';
      for (const line of lines) events += parseLine(line);
    }
    events += parseLine(rest);
  }
  return { events, bytes };
}

function parseLine(line: string): number {
  if (line.trim() === '') return 0;
  const v: unknown = JSON.parse(line);
  return v === null ? 0 : 1;
}
