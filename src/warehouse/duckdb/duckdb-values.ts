// Converts DuckDB's JS values to plain ones at the seam: BIGINT/HUGEINT become numbers (strings
// when beyond 2^53, never a silent loss), timestamps stay Dates (UTC).

function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

export function toJsRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = toPlain(v);
  return out;
}
