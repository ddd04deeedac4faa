import { describe, expect, it } from 'vitest';
import { newRunId } from './run-id.js';

const at = (iso: string, ms = 0) => newRunId(Date.parse(iso) + ms, Buffer.from([0xab, 0xcd, 0xef]));

describe('run ids', () => {
  it('are ten base32 time characters and six hex digits', () => {
    expect(at('2026-12-02T10:21:19.314Z')).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}-abcdef$/);
    expect(newRunId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}-[0-9a-f]{6}$/);
    expect(newRunId()).not.toBe(newRunId());
  });

  it('sort as text in the order the runs started', () => {
    const times = [0, 1, 31, 32, 1023, 1024, 86_400_000, Date.parse('2026-12-31T23:59:59.999Z')];
    const ids = times.map((t) => newRunId(t, Buffer.from([0, 0, 0])));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differ in their first eight characters for runs a second or more apart', () => {
    // DuckDB's zone maps compare the first eight bytes of text values.
    for (const gap of [1024, 60_000, 86_400_000]) {
      const a = at('2026-12-02T10:21:19.314Z');
      const b = at('2026-12-02T10:21:19.314Z', gap);
      expect(b.slice(0, 8) > a.slice(0, 8)).toBe(true);
    }
  });
});
