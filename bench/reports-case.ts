// The ranking reports against their plain definition (src/analytics/play-ranking.ts), on the
// warehouse a full Harmonize load makes: both ways on one connection, alternating, in rounds. The
// load is not timed. The answers must be equal, or the case fails. The plain queries get a 2 GB
// memory cap: under the default they ran out of memory on the ×1000 sample in this process (the
// reports run under the load's cap: the default, or the bench's --memory-limit).
import { plainRankingSql, runRanking } from '../src/analytics/play-ranking.js';
import { topArtists, topSongs } from '../src/analytics/reports.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { engineMemoryLimit, runHarmonize, type EtlResult } from './harmonize-case.js';
import { spread } from './report.js';
import { DEFAULT_MEMORY_LIMIT } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { openWarehouse } from '../src/warehouse/open.js';
import { parseWarehouseUrl } from '../src/warehouse/url.js';

const LIMIT = 20;
const ROUNDS = 3;
const PLAIN_MEMORY_LIMIT = '2GB';

export interface ReportsResult {
  /** Median per round of both ranking reports' time together, Harmonize's way and the plain way. */
  reportsMs: number;
  plainMs: number;
  /** Medians per report and way. */
  phasesMs: Record<string, number>;
  load: EtlResult;
  /** The memory cap the reports ran under, as DuckDB reported it right after each of them. */
  memoryLimit?: string;
}

const median = (xs: number[]) => spread(xs).median;

async function timed(fn: () => Promise<Row[]>): Promise<{ ms: number; rows: Row[] }> {
  const t0 = performance.now();
  const rows = await fn();
  return { ms: performance.now() - t0, rows };
}

export async function runReports(url: string, songs: string, logs: string): Promise<ReportsResult> {
  const load = await runHarmonize(url, songs, logs);
  const cfg = parseWarehouseUrl(url);
  // The reports run under the cap the load had: the URL's (bench --memory-limit), else the default.
  const reportsCap = (cfg.engine === 'duckdb' && cfg.memoryLimit) || DEFAULT_MEMORY_LIMIT;
  const wh = await openWarehouse(cfg);
  const times: Record<string, number[]> = {};
  const withCap = async (limit: string, fn: () => Promise<Row[]>) => {
    await wh.execute(`SET memory_limit = '${limit}'`);
    return fn();
  };
  const rounds: { reports: number; plain: number }[] = [];
  const caps = new Set<string>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const sum = { reports: 0, plain: 0 };
      for (const [name, ranking] of [
        ['top-songs', topSongs],
        ['top-artists', topArtists],
      ] as const) {
        // Alternate which way goes first, so neither always runs on the other's warm cache.
        const ways = [
          ['reports', () => withCap(reportsCap, () => runRanking(wh, ranking, LIMIT))],
          [
            'plain',
            () => withCap(PLAIN_MEMORY_LIMIT, () => wh.query(plainRankingSql(wh.dialect, ranking, LIMIT))),
          ],
        ] as const;
        const answers: string[] = [];
        for (const [way, fn] of round % 2 === 0 ? ways : [...ways].reverse()) {
          const { ms, rows } = await timed(fn);
          // The cap the reports just ran under, read outside their timing.
          const cap = way === 'reports' ? await engineMemoryLimit(wh) : undefined;
          if (cap) caps.add(cap);
          (times[way === 'reports' ? name : `${name} plain`] ??= []).push(ms);
          sum[way] += ms;
          answers.push(JSON.stringify(rows));
        }
        if (answers[0] !== answers[1]) throw new Error(`${name}: the report and its plain query disagree`);
      }
      rounds.push(sum);
    }
  } finally {
    await wh.close();
  }
  return {
    reportsMs: median(rounds.map((r) => r.reports)),
    plainMs: median(rounds.map((r) => r.plain)),
    phasesMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))])),
    load,
    ...(caps.size > 0 ? { memoryLimit: [...caps].join(', ') } : {}),
  };
}
