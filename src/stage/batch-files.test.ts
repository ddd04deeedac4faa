// batchFiles: consecutive batches of at most the limit (a bigger file alone), as even as the files
// allow, and one batch when no size is known.
import { describe, expect, it } from 'vitest';
import type { RawFile } from '../warehouse/warehouse.js';
import { batchFiles } from './stage-records.js';

const files = (sizes: (number | undefined)[]): RawFile[] =>
  sizes.map((bytes, i) => ({
    sourceFile: `f${i}`,
    localPath: `f${i}`,
    ...(bytes === undefined ? {} : { bytes }),
  }));
const sizes = (batches: RawFile[][]) => batches.map((b) => b.reduce((n, f) => n + (f.bytes ?? 0), 0));

describe('batchFiles', () => {
  it('cuts even batches under the limit, keeping the order', () => {
    const input = files([3, 3, 3, 3, 3, 3, 1]);
    const batches = batchFiles(input, 16);
    expect(batches.flat()).toEqual(input);
    expect(sizes(batches)).toEqual([12, 7]); // 19 bytes: two batches, not 15 + 4
  });

  it('puts a file over the limit in a batch of its own', () => {
    expect(sizes(batchFiles(files([2, 9, 2]), 4))).toEqual([2, 9, 2]);
    expect(batchFiles(files([1, 1, 1]), 1).map((b) => b.length)).toEqual([1, 1, 1]);
  });

  it('keeps files of unknown size in one batch', () => {
    const input = files([undefined, undefined, undefined]);
    expect(batchFiles(input, 16)).toEqual([input]);
  });
});
