// releaseGarbage really collects once the heap has grown by enough to matter (and only then):
// garbage the program dropped leaves the heap, without the process being started with --expose-gc, and the collector is not
// left on the global object.
import { describe, expect, it } from 'vitest';
import { releaseGarbage } from '../src/memory.js';

const MiB = 2 ** 20;

/** Allocates garbage until the heap holds over 128 MiB; returns the heap size at that point. */
function makeGarbage(): number {
  const junk: string[][] = [];
  while (process.memoryUsage().heapUsed < 128 * MiB)
    junk.push(Array.from({ length: 10_000 }, (_, j) => `row ${junk.length} ${j} ${'x'.repeat(64)}`));
  expect(junk.length).toBeGreaterThan(0);
  return process.memoryUsage().heapUsed;
}

describe('releaseGarbage', () => {
  it('frees dropped objects from a heap that holds over 96 MiB', () => {
    const grown = makeGarbage();
    releaseGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 48 * MiB);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it('leaves a heap alone that has not grown by 96 MiB since the given size', () => {
    const grown = makeGarbage();
    releaseGarbage(grown - 32 * MiB);
    expect(process.memoryUsage().heapUsed).toBeGreaterThan(grown - 16 * MiB);
    releaseGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 48 * MiB);
  });
});
