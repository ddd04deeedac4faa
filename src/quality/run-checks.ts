// Runs check specs and reports each one's failing-row count and a small sample. The built-in
// failing-rows checks are counted in one query per parameter list (one round trip instead of one
// per check: about a third of an incremental run's check time); a sample is fetched only for a
// check that fails. User checks run one by one, so an error names the check.
import { HarmonizeError, usageError } from '../errors.js';
import { valueText } from '../text.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import type { CheckSpec } from './checks.js';

export interface CheckResult {
  name: string;
  passed: boolean;
  failingRows: number;
  sample: Row[];
  /** For expected-value checks: what the query returned. */
  actual?: unknown;
}

const sampleSize = 5;

async function runOne(wh: Warehouse, c: CheckSpec): Promise<CheckResult> {
  if (c.expected !== undefined) {
    const rows = await wh.query(c.sql, c.params);
    const first = rows[0] ? Object.values(rows[0])[0] : undefined;
    const passed = first !== undefined && first !== null && valueText(first) === String(c.expected);
    return {
      name: c.name,
      passed,
      failingRows: passed ? 0 : 1,
      sample: passed ? [] : rows.slice(0, sampleSize),
      actual: first,
    };
  }
  const [count] = await wh.query<{ n: number }>(`SELECT count(*) AS n FROM (${c.sql}) q`, c.params);
  const failingRows = Number(count?.n ?? 0);
  const sample = failingRows > 0 ? await sampleOf(wh, c) : [];
  return { name: c.name, passed: failingRows === 0, failingRows, sample };
}

const sampleOf = (wh: Warehouse, c: CheckSpec) =>
  wh.query(`SELECT * FROM (${c.sql}) q LIMIT ${sampleSize}`, c.params);

/** Failing-row counts of built-in checks that share a parameter list, in one UNION ALL. */
async function countTogether(wh: Warehouse, checks: CheckSpec[]): Promise<CheckResult[]> {
  const sql = checks
    .map((c, i) => `SELECT ${i} AS i, count(*) AS n FROM (${c.sql}) q${i}`)
    .join(' UNION ALL ');
  const rows = await wh.query<{ i: number; n: number }>(sql, checks[0]?.params);
  const counts = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
  return Promise.all(
    checks.map(async (c, i) => {
      const failingRows = counts.get(i) ?? 0;
      const sample = failingRows > 0 ? await sampleOf(wh, c) : [];
      return { name: c.name, passed: failingRows === 0, failingRows, sample };
    }),
  );
}

const together = (c: CheckSpec) => c.source === undefined && c.expected === undefined;

export async function runChecks(wh: Warehouse, checks: CheckSpec[]): Promise<CheckResult[]> {
  const resultOf = new Map<CheckSpec, CheckResult>();
  const groups = new Map<string, CheckSpec[]>();
  for (const c of checks.filter(together)) {
    const key = JSON.stringify(c.params ?? []);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    const results = await countTogether(wh, group);
    group.forEach((c, i) => resultOf.set(c, results[i] as CheckResult));
  }
  for (const c of checks.filter((x) => !together(x))) {
    try {
      resultOf.set(c, await runOne(wh, c));
    } catch (e) {
      if (!c.source || e instanceof HarmonizeError) throw e;
      const msg = (e as Error).message.split('\n')[0] ?? '';
      throw usageError(`check "${c.name}" could not run: ${msg}`, {
        where: c.source,
        hint: 'fix its SQL',
        cause: e,
      });
    }
  }
  return checks.map((c) => resultOf.get(c) as CheckResult);
}
