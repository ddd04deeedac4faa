// The stat worker answers each call with its own paths' stats, in order, or the first it could not
// stat; it ends when idle, and a call made right after (while the ended thread is still exiting)
// is answered by a new thread, not failed by the old one's exit.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statWorker, type Stats } from '../src/extract/stat-worker.js';
import { tempDir, type TempDir } from './support/data.js';

let d: TempDir;
beforeAll(async () => {
  d = await tempDir('hz-stat-');
});
afterAll(() => d.cleanup());

describe('stat worker', () => {
  it('answers calls one after another, each with its own stats in order', async () => {
    const paths = await Promise.all([3, 1, 4, 1, 5].map((n, i) => d.write(`f${i}.json`, 'x'.repeat(n))));
    for (let round = 0; round < 5; round++) {
      const r = (await statWorker.stat(paths)) as Stats;
      expect([...r.size]).toEqual([3, 1, 4, 1, 5]);
      expect(r.mtimeMs.every((t) => t > 0)).toBe(true);
    }
    const both = await Promise.all([statWorker.stat(paths.slice(0, 2)), statWorker.stat(paths.slice(2))]);
    expect(both.map((r) => [...(r as Stats).size])).toEqual([
      [3, 1],
      [4, 1, 5],
    ]);
  });

  it('names the index, message and code of the first path it cannot stat', async () => {
    const ok = await d.write('ok.json', '{}');
    const r = await statWorker.stat([ok, join(d.path, 'gone.json'), join(d.path, 'also-gone.json')]);
    expect(r).toMatchObject({ index: 1, code: 'ENOENT' });
    expect((r as { message: string }).message).toContain('gone.json');
  });
});
