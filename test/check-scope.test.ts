// When a run's checks look at whole tables instead of the run's rows: from 100,000 staged events
// that are also a tenth of the history or more, and never when the history is not known.
import { describe, expect, it } from 'vitest';
import { checksWholeTables } from '../src/pipeline/load.js';

describe('checksWholeTables', () => {
  it('takes whole tables for a run of many events against a small history', () => {
    expect(checksWholeTables(8_056_000, 388)).toBe(true);
    expect(checksWholeTables(100_000, 1_000_000)).toBe(true);
  });

  it('keeps the run scope for a small run, a small share, or an unknown history', () => {
    expect(checksWholeTables(388, 806_000)).toBe(false);
    expect(checksWholeTables(99_999, 0)).toBe(false);
    expect(checksWholeTables(100_000, 1_000_001)).toBe(false);
    expect(checksWholeTables(1_000_000, undefined)).toBe(false);
  });
});
