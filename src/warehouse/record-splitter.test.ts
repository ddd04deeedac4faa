// The Node-side splitter: the same records DuckDB's read_text split gives (see duckdb-raw.ts),
// streamed line by line, with whole-file arrays and pretty objects read whole only when small.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../errors.js';
import { arrayElements, parses } from './lenient-json.js';
import { splitRecords, type RawRecord, type SplitOptions } from './record-splitter.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hz-split-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
let mode: SplitOptions = {};
async function split(content: string | Buffer, opts: SplitOptions = {}): Promise<RawRecord[]> {
  const path = join(dir, `f${++n}.json`);
  await writeFile(path, content);
  const out: RawRecord[] = [];
  for await (const batch of splitRecords(path, { ...mode, ...opts })) out.push(...batch);
  return out;
}

// Every case runs twice: small files read in one go, and the same files streamed in chunks.
describe.each([
  ['read whole', {}],
  ['streamed', { smallFileLimit: 0 }],
] as const)('%s', (_name, m) => {
  beforeAll(() => {
    mode = m;
  });

  describe('JSON Lines', () => {
    it('numbers physical lines, skips blanks, trims CR, spaces and tabs', async () => {
      const recs = await split('{"a":1}\r\n\r\n  {"a":2}\t \n\n{"a":3}');
      expect(recs).toEqual([
        { line: 1, raw: '{"a":1}' },
        { line: 3, raw: '{"a":2}' },
        { line: 5, raw: '{"a":3}' },
      ]);
    });

    it('drops a leading BOM but keeps one inside the file', async () => {
      const recs = await split('\uFEFF{"a":1}\n\uFEFF{"a":2}\n');
      expect(recs).toEqual([
        { line: 1, raw: '{"a":1}' },
        { line: 2, raw: '\uFEFF{"a":2}' },
      ]);
    });

    it('keeps backslashes, inner tabs, unicode and invalid lines as they are', async () => {
      const lines = [
        '{"p":"C:\\\\x\\ty"}',
        '{"s":"a\tb"}',
        '{"u":"Beyoncé — 東京 🎵"}',
        '{not json',
        '[1,2]',
      ];
      const recs = await split(lines.join('\n'));
      expect(recs.map((r) => r.raw)).toEqual(lines);
    });

    it('splits lines that straddle read chunks and multi-byte characters', async () => {
      const line = JSON.stringify({ s: 'é'.repeat(400_000) }); // ~800 KB, larger than a chunk
      const recs = await split(`${line}\n${line}\n`);
      expect(recs.map((r) => [r.line, r.raw.length])).toEqual([
        [1, line.length],
        [2, line.length],
      ]);
    });

    it('treats an object file whose first line is a record as JSON Lines', async () => {
      expect(await split('{"a":1}\n{"a":2}\n')).toHaveLength(2);
    });

    it('turns a NUL into a visible escape, keeping the record invalid JSON', async () => {
      const [r] = await split('{"a":"x\0y"}\n');
      expect(r?.raw).toBe('{"a":"x\\u0000y"}');
    });

    it('reports invalid UTF-8 with the file and line', async () => {
      const err = await split(
        Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]),
        {
          label: 's3://b/x.json',
        },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HarmonizeError);
      expect((err as HarmonizeError).oneLine()).toBe(
        's3://b/x.json:2: not valid UTF-8 text (convert the file to UTF-8)',
      );
    });

    it('reports the bytes it reads', async () => {
      let bytes = 0;
      await split('{"a":1}\n{"a":2}\n', { onBytes: (b) => (bytes += b) });
      expect(bytes).toBe(16);
    });
  });

  describe('whole files', () => {
    it('gives one record per element of a JSON array, compacted', async () => {
      const recs = await split('\uFEFF[\n  {"a": 1, "s": "x y"},\n  {"b": [1, 2]},\n  null,\n  3\n]\n');
      expect(recs).toEqual([
        { line: 1, raw: '{"a":1,"s":"x y"}' },
        { line: 2, raw: '{"b":[1,2]}' },
        { line: 3, raw: 'null' },
        { line: 4, raw: '3' },
      ]);
    });

    it('gives nothing for an empty array', async () => {
      expect(await split('[]')).toEqual([]);
    });

    it('gives a pretty-printed object as one record on line 1', async () => {
      const text = '{\n  "song_id": "S1",\n  "title": "a\\\\b"\n}';
      expect(await split(`  ${text}\r\n\n`)).toEqual([{ line: 1, raw: text }]);
    });

    it('falls back to lines for an invalid pretty object', async () => {
      expect(await split('{\n  "a": 1,\n')).toEqual([
        { line: 1, raw: '{' },
        { line: 2, raw: '"a": 1,' },
      ]);
    });

    it('reads files above the limit as lines, never whole', async () => {
      const recs = await split('[\n{"a":1},\n{"a":2}\n]\n', { wholeFileLimit: 8 });
      expect(recs.map((r) => r.raw)).toEqual(['[', '{"a":1},', '{"a":2}', ']']);
    });

    it('only counts spaces before the first bracket, as DuckDB does', async () => {
      expect(await split('  [1, 2]')).toEqual([
        { line: 1, raw: '1' },
        { line: 2, raw: '2' },
      ]);
      expect(await split('\n[1, 2]')).toEqual([{ line: 2, raw: '[1, 2]' }]);
    });
  });

  describe('DuckDB-lenient JSON', () => {
    it('takes arrays and objects with trailing commas and bare NaN/Infinity as whole files', async () => {
      expect(await split('[\n {"d": NaN, "e": -Infinity},\n {"f": [1, 2,],},\n]\n')).toEqual([
        { line: 1, raw: '{"d":NaN,"e":-Infinity}' },
        { line: 2, raw: '{"f":[1,2,],}' },
      ]);
      expect(await split('{\n  "a": inf,\n}')).toEqual([{ line: 1, raw: '{\n  "a": inf,\n}' }]);
    });

    it('still refuses what DuckDB refuses', () => {
      for (const bad of ['{,}', '[,]', '{"a":1,,}', '{"a":+inf}', '{"a":1 /* c */}', '{"a":"x",'])
        expect(parses(bad)).toBe(false);
      for (const ok of ['{"a":1,}', '[1,]', '{"a":"inf,]"}', '{"a":NaN}', '[-nan, INF]'])
        expect(parses(ok)).toBe(true);
    });
  });
});

describe('arrayElements', () => {
  it('keeps strings with brackets, commas, quotes and escapes intact', () => {
    expect(arrayElements('[ "a, ]b", {"k": "\\" ]"}, [ [ ] ], -1.50e3 ]')).toEqual([
      '"a, ]b"',
      '{"k":"\\" ]"}',
      '[[]]',
      '-1.50e3',
    ]);
  });
});
