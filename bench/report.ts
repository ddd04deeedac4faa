// Turns the raw case results into the report: per case the median wall time with its min–max,
// events/s and peak RSS; per pair of cases the ratio (computed per repetition, since each rep runs
// the cases back to back, then median and min–max); and the row-count agreement between Harmonize
// and its floors, which must be exact.
import type { CaseName } from './args.js';
import type { CaseResult } from './case-runner.js';
import type { Dataset } from './datasets.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface CaseSummary {
  runs: number;
  wallMs: Spread;
  cpuMs: Spread;
  sysMs: Spread;
  minorFaults: Spread;
  eventsPerSec: number;
  otherCores: Spread;
  maxRssMiB: Spread;
  phasesMs?: Record<string, number>;
  fullMs?: Spread;
  plainMs?: Spread;
  /** The DuckDB memory caps the runs reported (one, unless the runs differed). */
  memoryLimits?: string[];
}

export interface DatasetReport {
  dataset: Dataset;
  cases: Partial<Record<CaseName, CaseSummary>>;
  ratios: Record<string, Spread>;
  countMismatches: string[];
  runs: CaseResult[];
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/** Median of each phase over the runs that report phases. */
function medianPhases(runs: CaseResult[]): Record<string, number> | undefined {
  const withPhases = runs.filter((r) => r.phasesMs);
  if (withPhases.length === 0) return undefined;
  const names = [...new Set(withPhases.flatMap((r) => Object.keys(r.phasesMs ?? {})))];
  return Object.fromEntries(
    names.map((n) => [n, spread(withPhases.map((r) => r.phasesMs?.[n] ?? 0)).median]),
  );
}

function summarize(runs: CaseResult[]): CaseSummary {
  const wall = spread(runs.map((r) => r.wallMs));
  const events = runs[0]?.events ?? 0;
  const s: CaseSummary = {
    runs: runs.length,
    wallMs: wall,
    cpuMs: spread(runs.map((r) => r.cpuMs)),
    sysMs: spread(runs.map((r) => r.sysMs)),
    minorFaults: spread(runs.map((r) => r.minorFaults)),
    otherCores: spread(runs.map((r) => r.otherCores)),
    eventsPerSec: Math.round(events / (wall.median / 1000)),
    maxRssMiB: spread(runs.map((r) => r.maxRssBytes / 2 ** 20)),
  };
  const phases = medianPhases(runs);
  if (phases) s.phasesMs = phases;
  const full = runs.flatMap((r) => (r.fullMs === undefined ? [] : [r.fullMs]));
  if (full.length > 0) s.fullMs = spread(full);
  const plain = runs.flatMap((r) => (r.plainMs === undefined ? [] : [r.plainMs]));
  if (plain.length > 0) s.plainMs = spread(plain);
  const caps = [...new Set(runs.flatMap((r) => (r.memoryLimit ? [r.memoryLimit] : [])))];
  if (caps.length > 0) s.memoryLimits = caps;
  return s;
}

/** The cases that time one more day after loading the history. */
const incrementalCases: CaseName[] = ['incremental', 'pg-incremental'];
const isIncremental = (name: CaseName) => incrementalCases.includes(name);

const pairs: [string, CaseName, CaseName][] = [
  ['harmonize / floor', 'harmonize', 'floor'],
  ['harmonize-mtime / floor', 'harmonize-mtime', 'floor'],
  ['harmonize / json', 'harmonize', 'json'],
  ['floor / json', 'floor', 'json'],
  ['pg-harmonize / pg-floor', 'pg-harmonize', 'pg-floor'],
  ['incremental / harmonize', 'incremental', 'harmonize'],
];

/** Ratios of wall time and, as a cross-check less sensitive to other load, of CPU time. */
function ratios(runs: CaseResult[]): Record<string, Spread> {
  const out: Record<string, Spread> = {};
  for (const metric of ['wallMs', 'cpuMs'] as const) {
    const byRep = (name: CaseName) =>
      new Map(runs.filter((r) => r.name === name).map((r) => [r.rep, r[metric]]));
    for (const [label, a, b] of pairs) {
      if (metric === 'cpuMs' && isIncremental(a)) continue; // its CPU time covers the history load too
      const A = byRep(a);
      const B = byRep(b);
      const rs = [...A].flatMap(([rep, ms]) => (B.has(rep) ? [ms / (B.get(rep) ?? NaN)] : []));
      if (rs.length > 0) out[metric === 'wallMs' ? label : `${label} (cpu)`] = spread(rs);
    }
  }
  for (const name of incrementalCases) {
    const inc = runs.filter((r) => r.name === name && r.fullMs);
    if (inc.length > 0) out[`${name} / its full load`] = spread(inc.map((r) => r.wallMs / (r.fullMs ?? NaN)));
  }
  const rep = runs.filter((r) => r.name === 'reports' && r.plainMs);
  if (rep.length > 0)
    out['reports / their plain queries'] = spread(rep.map((r) => r.wallMs / (r.plainMs ?? NaN)));
  return out;
}

const starCounted = ['staging_events', 'staging_songs', 'songplays', 'users', 'songs', 'artists', 'time'];

/** Every run of every case that reports tables must agree with the first floor run, table by table. */
function countMismatches(runs: CaseResult[], ds: Dataset): string[] {
  const ref =
    runs.find((r) => r.name === 'floor' && r.tables) ?? runs.find((r) => r.name === 'pg-floor' && r.tables);
  if (!ref?.tables) return [];
  const problems: string[] = [];
  for (const r of runs) {
    if (!r.tables) continue;
    for (const t of starCounted) {
      let want = ref.tables[t];
      if (isIncremental(r.name) && t === 'staging_events' && want !== undefined) want += ds.extraEvents;
      if (isIncremental(r.name) && t !== 'staging_events' && t !== 'staging_songs') continue; // grows
      if (r.tables[t] !== want)
        problems.push(`${r.name} rep ${r.rep}: ${t} ${r.tables[t]} ≠ ${ref.name} ${want}`);
    }
    if (r.rejected)
      problems.push(`${r.name} rep ${r.rep}: ${r.rejected} records rejected (the dataset is clean)`);
  }
  if (ref.tables.staging_events !== ds.events)
    problems.push(`${ref.name}: staging_events ${ref.tables.staging_events} ≠ dataset ${ds.events} events`);
  return problems;
}

export function datasetReport(ds: Dataset, runs: CaseResult[]): DatasetReport {
  const names = [...new Set(runs.map((r) => r.name))];
  const cases = Object.fromEntries(names.map((n) => [n, summarize(runs.filter((r) => r.name === n))]));
  return { dataset: ds, cases, ratios: ratios(runs), countMismatches: countMismatches(runs, ds), runs };
}

const f2 = (x: number) => x.toFixed(2);
/** A count of page faults, in thousands: 254k. */
const faults = (n: number) => `${Math.round(n / 1000).toLocaleString('en')}k`;
const sp = (s: Spread, f: (x: number) => string) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

export function formatReport(r: DatasetReport): string {
  const ds = r.dataset;
  const head = `${ds.kind} ×${ds.scale}: ${ds.events.toLocaleString('en')} events in ${ds.logFiles} log + ${ds.songFiles} song files, ${(ds.bytes / 2 ** 20).toFixed(0)} MiB`;
  const rows = [
    [
      'case',
      'wall s median (min–max)',
      'cpu s (sys)',
      'minor faults',
      'events/s',
      'peak RSS MiB med (max)',
      'other cores',
      'DuckDB cap',
      'phases ms (median)',
    ],
  ];
  for (const [name, c] of Object.entries(r.cases)) {
    const phases = c.phasesMs
      ? Object.entries(c.phasesMs)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')
      : '';
    const wall = sp(
      { median: c.wallMs.median / 1000, min: c.wallMs.min / 1000, max: c.wallMs.max / 1000 },
      f2,
    );
    const full = c.fullMs
      ? ` [full ${f2(c.fullMs.median / 1000)}]`
      : c.plainMs
        ? ` [plain ${f2(c.plainMs.median / 1000)}]`
        : '';
    rows.push([
      name,
      wall + full,
      `${f2(c.cpuMs.median / 1000)} (${f2(c.sysMs.median / 1000)})`,
      faults(c.minorFaults.median),
      c.eventsPerSec.toLocaleString('en'),
      `${c.maxRssMiB.median.toFixed(0)} (${c.maxRssMiB.max.toFixed(0)})`,
      c.otherCores.median.toFixed(2),
      c.memoryLimits?.join(' / ') ?? '',
      phases,
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const table = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const ratioLines = Object.entries(r.ratios).map(([k, s]) => `  ${k.padEnd(36)} ${sp(s, f2)}`);
  const counts =
    r.countMismatches.length === 0
      ? 'row counts: Harmonize = floor on every star and staging table'
      : `ROW COUNT MISMATCH:\n  ${r.countMismatches.join('\n  ')}`;
  return [head, ...table, 'ratios per rep, median (min–max):', ...ratioLines, counts].join('\n');
}
