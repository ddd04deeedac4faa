// Run history (harmonize_runs) and the row counts a summary reports.
import { allTables } from '../model/tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { CheckScopeName, RunSummary } from './summary.js';

export async function recordRun(wh: Warehouse, s: RunSummary): Promise<void> {
  const d = wh.dialect;
  const p = (i: number) => d.param(i);
  const summary = JSON.stringify({
    ...s,
    checks: { ...s.checks, results: s.checks.results.map(({ sample: _s, ...r }) => r) },
  });
  await wh.execute(
    `INSERT INTO ${d.table('harmonize_runs')} (run_id, started_at, finished_at, status, summary, error) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
    [s.runId, new Date(s.startedAt), new Date(s.finishedAt), s.status, summary, s.error ?? null],
  );
}

/** What a run's checks need to know of the last successful run. */
export interface LastRun {
  /** How it was checked; undefined when it predates scoped checks. */
  checks?: CheckScopeName;
  /** The events staged in all after it (its summary's staging_events count), when it says. */
  historyEvents?: number;
}

/** The last successful run; undefined when there is none. */
export async function lastRun(wh: Warehouse): Promise<LastRun | undefined> {
  const [last] = await wh.query<{ summary: string | null }>(
    `SELECT summary FROM ${wh.dialect.table('harmonize_runs')} WHERE status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
  );
  if (!last?.summary) return undefined;
  try {
    const s = JSON.parse(last.summary) as Partial<Pick<RunSummary, 'checks' | 'tables'>>;
    const events = s.tables?.staging_events;
    return {
      ...(s.checks?.scope ? { checks: s.checks.scope } : {}),
      ...(typeof events === 'number' ? { historyEvents: events } : {}),
    };
  } catch {
    return undefined;
  }
}

export async function tableCounts(wh: Warehouse): Promise<Record<string, number>> {
  const names = allTables.map((t) => t.name).filter((n) => n !== 'harmonize_runs');
  const sql = names
    .map((n) => `SELECT '${n}' AS t, count(*) AS n FROM ${wh.dialect.table(n)}`)
    .join(' UNION ALL ');
  const rows = await wh.query<{ t: string; n: number }>(sql);
  return Object.fromEntries(names.map((n) => [n, Number(rows.find((r) => r.t === n)?.n ?? 0)]));
}

export async function listRuns(wh: Warehouse, limit = 20) {
  return wh.query(
    `SELECT run_id, status, started_at, finished_at, error FROM ${wh.dialect.table('harmonize_runs')} ORDER BY started_at DESC LIMIT ${Math.trunc(limit)}`,
  );
}
