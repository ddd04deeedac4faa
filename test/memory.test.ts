// releaseGarbage really collects: garbage the program dropped leaves the heap, without the process
// being started with --expose-gc, and the collector is not left on the global object.
import { describe, expect, it } from 'vitest';
import { releaseGarbage } from '../src/memory.js';

/** Allocates about 20 MB that nothing keeps; returns the heap size while it was alive. */
function makeGarbage(): number {
  const junk = Array.from({ length: 200 }, (_, i) =>
    Array.from({ length: 1000 }, (_, j) => `row ${i} ${j} ${'x'.repeat(64)}`),
  );
  expect(junk).toHaveLength(200);
  return process.memoryUsage().heapUsed;
}

describe('releaseGarbage', () => {
  it('frees dropped objects from the heap', () => {
    releaseGarbage();
    const before = process.memoryUsage().heapUsed;
    const grown = makeGarbage();
    expect(grown - before).toBeGreaterThan(10 * 2 ** 20);
    releaseGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 10 * 2 ** 20);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
