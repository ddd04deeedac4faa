// The benchmark command (`npm run bench -- --scale 100`): makes or reuses the datasets, warms the
// page cache, then for each repetition runs every case once, back to back, each in a fresh child
// process (case-runner.ts); prints a table (or JSON with --json), writes bench/results/latest.json
// and exits 1 when Harmonize and a floor disagree on a row count. See bench/README.md.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type BenchArgs, type CaseName, type DatasetKind } from './args.js';
import type { CaseResult, CaseSpec } from './case-runner.js';
import { ensureDataset, sampleExists, type Dataset } from './datasets.js';
import { startBenchPostgres, type BenchPostgres } from './postgres-server.js';
import { datasetReport, formatReport, type DatasetReport } from './report.js';

const log = (s: string) => process.stderr.write(`${s}\n`);
const self = fileURLToPath(import.meta.url);
// case-runner.js next to this file when built; case-runner.ts under tsx (its loader is in execArgv)
const runner = join(dirname(self), `case-runner${extname(self)}`);

function runCase(spec: CaseSpec): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, runner, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@result '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('@@result '.length)) as CaseResult);
      else reject(new Error(`case ${spec.name} rep ${spec.rep} failed (exit ${code})\n${out}`));
    });
  });
}

/** Reads every file once so that no case pays for a cold page cache the others don't. */
async function warm(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await warm(p);
    else for await (const _ of createReadStream(p, { highWaterMark: 1 << 20 })) void _;
  }
}

async function postgres(args: BenchArgs): Promise<{ pg?: BenchPostgres; note: string }> {
  const wanted = args.cases.some((c) => c.startsWith('pg-'));
  if (!wanted || args.noPg) return { note: 'PostgreSQL cases not run' };
  if (args.pg)
    return {
      pg: { url: args.pg, description: 'given with --pg', stop: () => Promise.resolve() },
      note: 'given with --pg',
    };
  const started = await startBenchPostgres();
  if (typeof started === 'string') return { note: `PostgreSQL cases skipped: ${started}` };
  return { pg: started, note: started.description };
}

async function benchDataset(
  ds: Dataset,
  args: BenchArgs,
  cases: CaseName[],
  pgUrl?: string,
): Promise<DatasetReport> {
  await warm(dirname(ds.songs));
  await warm(dirname(ds.extraLogs));
  const runs: CaseResult[] = [];
  // Warm-up repetitions first (rep -warmup … -1): run, logged, left out of the report.
  for (let rep = -args.warmup; rep < args.reps; rep++) {
    const label = rep < 0 ? `warm-up ${rep + args.warmup + 1}/${args.warmup}` : `rep ${rep + 1}/${args.reps}`;
    for (const name of cases) {
      const spec: CaseSpec = {
        name,
        rep,
        dataset: ds,
        workDir: args.workDir,
        threads: args.threads,
        ...(pgUrl ? { pgUrl } : {}),
        ...(args.memoryLimit ? { memoryLimit: args.memoryLimit } : {}),
      };
      const r = await runCase(spec);
      if (rep >= 0) runs.push(r);
      log(
        `  ${ds.kind} ×${ds.scale} ${label} ${name.padEnd(12)} ${(r.wallMs / 1000).toFixed(2)} s, peak RSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  }
  return datasetReport(ds, runs);
}

function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? '?',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  await mkdir(args.workDir, { recursive: true });
  const kinds: DatasetKind[] = [];
  for (const k of args.kinds) {
    if (k === 'sample' && !(await sampleExists(args.sampleDir)))
      log(`no sample at ${args.sampleDir}: sample-scaled dataset skipped`);
    else kinds.push(k);
  }
  const { pg, note } = await postgres(args);
  const cases = args.cases.filter((c) => !c.startsWith('pg-') || pg);
  log(`cases: ${cases.join(', ')}; ${note}`);
  const reports: DatasetReport[] = [];
  try {
    for (const kind of kinds) {
      const ds = await ensureDataset(kind, args.scale, args.dataDir, args.sampleDir, log);
      reports.push(await benchDataset(ds, args, cases, pg?.url));
    }
  } finally {
    await pg?.stop();
  }
  const result = {
    at: new Date().toISOString(),
    machine: machine(),
    postgres: note,
    args: { ...args, pg: args.pg ? '(given)' : undefined },
    reports,
  };
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(result, null, 2) + '\n');
  if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(reports.map(formatReport).join('\n\n') + `\n\nresults: ${args.out}\n`);
  const bad = reports.flatMap((r) => r.countMismatches);
  if (bad.length > 0) log(`FAILED: Harmonize and its floor disagree on row counts:\n  ${bad.join('\n  ')}`);
  return bad.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(e instanceof Error ? e.message : String(e));
    process.exit(2);
  },
);
