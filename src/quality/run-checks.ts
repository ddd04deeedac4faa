// Runs check specs and reports each one's failing-row count and a small sample.
import { usageError } from '../errors.js';
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
  const sample =
    failingRows > 0 ? await wh.query(`SELECT * FROM (${c.sql}) q LIMIT ${sampleSize}`, c.params) : [];
  return { name: c.name, passed: failingRows === 0, failingRows, sample };
}

export async function runChecks(wh: Warehouse, checks: CheckSpec[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const c of checks) {
    try {
      results.push(await runOne(wh, c));
    } catch (e) {
      if (!c.source) throw e;
      const msg = (e as Error).message.split('\n')[0] ?? '';
      throw usageError(`check "${c.name}" could not run: ${msg}`, {
        where: c.source,
        hint: 'fix its SQL',
        cause: e,
      });
    }
  }
  return results;
}
