// One measured case in its own process, so its peak RSS (maxRSS: Node heap plus DuckDB's native
// memory) belongs to it alone. The parent passes a CaseSpec as JSON in argv[2]; the result is one
// `@@result {json}` line on stdout. Wall time runs from just before the case's first I/O to after
// its warehouse is closed (DuckDB: checkpoint included); module loading is not counted.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { CaseName } from './args.js';
import type { Dataset } from './datasets.js';
import { runDuckdbFloor } from './duckdb-floor.js';
import { runHarmonize, runIncremental } from './harmonize-case.js';
import { runJsonFloor } from './json-floor.js';
import { runPostgresFloor } from './postgres-floor.js';
import { runReports } from './reports-case.js';

export interface CaseSpec {
  name: CaseName;
  rep: number;
  dataset: Dataset;
  workDir: string;
  threads: number;
  pgUrl?: string;
  /** Harmonize's DuckDB memory_limit (--memory-limit); its default cap when absent */
  memoryLimit?: string;
}

export interface CaseResult {
  name: CaseName;
  rep: number;
  wallMs: number;
  /** user + system CPU time of the whole child (DuckDB's threads included; a PG server's not) */
  cpuMs: number;
  /** the system (kernel) part of cpuMs: page faults, reads, the zeroing of fresh memory */
  sysMs: number;
  /** minor page faults of the child over the case: fresh or purged memory touched again */
  minorFaults: number;
  maxRssBytes: number;
  /** CPU cores other processes kept busy during the case (from /proc/stat): they skew wall times */
  otherCores: number;
  events: number;
  tables?: Record<string, number>;
  phasesMs?: Record<string, number>;
  /** incremental, pg-incremental: the full load's time before the extra day */
  fullMs?: number;
  /** reports: the plain queries' time, against the reports' (wallMs) */
  plainMs?: number;
  rejected?: number;
  /**
   * The DuckDB memory cap the timed work ran under, as the engine reported it (reports: right after
   * each report; the floor: after its load). Undefined on PostgreSQL and for the JSON floor.
   */
  memoryLimit?: string;
}

/** Busy CPU seconds of the whole machine so far (Linux, USER_HZ = 100), or NaN elsewhere. */
function machineBusySeconds(): number {
  try {
    const f =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return (f.reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return NaN;
  }
}

const withSchema = (url: string, schema: string) => `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;

async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}

async function removeDb(path: string): Promise<void> {
  for (const p of [path, `${path}.wal`]) await rm(p, { force: true });
}

type Measured = Omit<
  CaseResult,
  'name' | 'rep' | 'wallMs' | 'cpuMs' | 'sysMs' | 'minorFaults' | 'maxRssBytes' | 'otherCores'
>;

/** The history loaded (its time as fullMs), then the extra day timed: what the report shows of it. */
async function incremental(url: string, ds: Dataset): Promise<Measured & { wallMs: number }> {
  const r = await runIncremental(url, ds.songs, ds.logs, ds.extraLogs);
  return {
    events: ds.extraEvents,
    wallMs: r.incrementalMs,
    fullMs: Math.round(r.fullMs),
    tables: r.incremental.tables,
    phasesMs: r.incremental.phasesMs,
    rejected: r.incremental.rejected,
    ...(r.incremental.memoryLimit ? { memoryLimit: r.incremental.memoryLimit } : {}),
  };
}

/** The DuckDB URL of a Harmonize case: the file, and the --memory-limit cap when one was given. */
const duckdbUrl = (spec: CaseSpec, db: string) =>
  `duckdb:${db}${spec.memoryLimit ? `?memory_limit=${encodeURIComponent(spec.memoryLimit)}` : ''}`;

async function measure(spec: CaseSpec, db: string, schema: string): Promise<Measured & { wallMs?: number }> {
  const ds = spec.dataset;
  const url = duckdbUrl(spec, db);
  switch (spec.name) {
    case 'harmonize': {
      await removeDb(db);
      const r = await runHarmonize(url, ds.songs, ds.logs);
      return { events: ds.events, ...r };
    }
    case 'harmonize-mtime': {
      await removeDb(db);
      const r = await runHarmonize(url, ds.songs, ds.logs, { fingerprint: 'mtime' });
      return { events: ds.events, ...r };
    }
    case 'floor': {
      await removeDb(db);
      return { events: ds.events, ...(await runDuckdbFloor(db, ds.songs, ds.logs, spec.threads)) };
    }
    case 'json':
      return { events: (await runJsonFloor(ds.logs)).events };
    case 'pg-harmonize':
      return {
        events: ds.events,
        ...(await runHarmonize(withSchema(need(spec.pgUrl), schema), ds.songs, ds.logs)),
      };
    case 'pg-floor':
      return { events: ds.events, ...(await runPostgresFloor(need(spec.pgUrl), schema, ds.songs, ds.logs)) };
    case 'reports': {
      await removeDb(db);
      const r = await runReports(url, ds.songs, ds.logs);
      return {
        events: ds.events,
        wallMs: r.reportsMs,
        plainMs: Math.round(r.plainMs),
        tables: r.load.tables,
        phasesMs: r.phasesMs,
        rejected: r.load.rejected,
        ...(r.memoryLimit ? { memoryLimit: r.memoryLimit } : {}),
      };
    }
    case 'incremental':
      await removeDb(db);
      return incremental(url, ds);
    case 'pg-incremental':
      return incremental(withSchema(need(spec.pgUrl), schema), ds);
  }
}

const need = (url: string | undefined): string => {
  if (!url) throw new Error('this case needs a PostgreSQL URL');
  return url;
};

async function cleanUp(spec: CaseSpec, db: string, schema: string): Promise<void> {
  await removeDb(db);
  if (spec.pgUrl && spec.name.startsWith('pg-')) await dropSchema(spec.pgUrl, schema);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as CaseSpec;
  const db = join(spec.workDir, `${spec.name}-${spec.rep}-${process.pid}.duckdb`);
  const schema = `bench_${spec.name.replace('-', '_')}_${randomBytes(4).toString('hex')}`;
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const u0 = process.resourceUsage();
  const cpu0 = u0.userCPUTime + u0.systemCPUTime;
  let m: Awaited<ReturnType<typeof measure>>;
  let end: number;
  try {
    m = await measure(spec, db, schema);
    end = performance.now();
  } finally {
    await cleanUp(spec, db, schema).catch(() => undefined);
  }
  const wallMs = Math.round(m.wallMs ?? end - t0);
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime - cpu0) / 1000;
  const other = (machineBusySeconds() - busy0 - cpuMs / 1000) / ((performance.now() - t0) / 1000);
  const result: CaseResult = {
    ...m,
    name: spec.name,
    rep: spec.rep,
    wallMs,
    cpuMs: Math.round(cpuMs),
    sysMs: Math.round((usage.systemCPUTime - u0.systemCPUTime) / 1000),
    minorFaults: usage.minorPageFault - u0.minorPageFault,
    maxRssBytes: usage.maxRSS * 1024,
    otherCores: Number.isFinite(other) ? Math.max(0, Math.round(other * 100) / 100) : 0,
  };
  process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
