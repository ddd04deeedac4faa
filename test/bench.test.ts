// The benchmark harness (bench/), run as a user runs it (the built dist/bench/run.js) on a tiny
// generated dataset: every case, PostgreSQL included on the test harness's server; the
// --memory-limit flag as each case's engine reports it; the exit codes of a count mismatch and of
// a harness error. Then the report's arithmetic on hand-made case results.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResult } from '../bench/case-runner.js';
import { ensureDataset, type Dataset } from '../bench/datasets.js';
import { datasetReport, formatReport, type DatasetReport } from '../bench/report.js';
import { DEFAULT_MEMORY_LIMIT } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { runNode, type CliResult } from './support/cli.js';
import { tempDir, type TempDir } from './support/data.js';
import { postgresForTests, type PgTestServer } from './support/postgres-server.js';

const root = resolve(import.meta.dirname, '..');
const runJs = join(root, 'dist/bench/run.js');

const bench = (args: string[]): Promise<CliResult> => runNode(['--expose-gc', runJs, ...args], { cwd: root });

interface BenchFile {
  postgres: string;
  reports: DatasetReport[];
}

/** How DuckDB itself writes a cap (e.g. 300MB as "286.1 MiB"), from a throwaway in-memory instance. */
async function duckdbRendering(cap: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: cap });
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT current_setting('memory_limit')`);
    return String(r.getRows()[0]?.[0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const starAndStaging = ['staging_events', 'staging_songs', 'songplays', 'users', 'songs', 'artists', 'time'];
const duckdbHarmonizeCases = ['harmonize', 'harmonize-mtime', 'incremental', 'reports'];

describe('npm run bench on a generated ×1 dataset', () => {
  let dir: TempDir;
  let server: PgTestServer | undefined;
  let skipReason: string | undefined;
  const paths = () => ({
    data: join(dir.path, 'data'),
    work: join(dir.path, 'work'),
  });
  const common = (out: string, data = paths().data) => [
    '--scale',
    '1',
    '--reps',
    '1',
    '--kind',
    'generated',
    '--data-dir',
    data,
    '--work-dir',
    paths().work,
    '--out',
    out,
  ];

  beforeAll(async () => {
    dir = await tempDir('hz-bench-');
    ({ server, skipReason } = await postgresForTests());
  });
  afterAll(async () => {
    await server?.stop();
    await dir?.cleanup();
  });

  it('runs every case, PostgreSQL too, and Harmonize and the floors agree table by table', async () => {
    if (!server) console.warn(`bench PostgreSQL cases not run: ${skipReason ?? 'no server'}`);
    const out = join(dir.path, 'all.json');
    const pg = server ? ['--pg', server.url()] : ['--no-pg'];
    const r = await bench([...common(out), ...pg, '--json']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const file = JSON.parse(await readFile(out, 'utf8')) as BenchFile;
    expect(JSON.parse(r.stdout)).toEqual(file); // --json prints what it writes
    expect(file.reports).toHaveLength(1);
    const [report] = file.reports as [DatasetReport];
    expect(report.dataset).toMatchObject({ kind: 'generated', scale: 1, logFiles: 30, songFiles: 71 });
    const expected = [
      ...duckdbHarmonizeCases,
      'floor',
      'json',
      ...(server ? ['pg-harmonize', 'pg-floor', 'pg-incremental'] : []),
    ];
    expect(Object.keys(report.cases).sort()).toEqual(expected.sort());
    expect(report.countMismatches).toEqual([]);
    // The check the harness makes, made again here from the raw runs.
    const floor = report.runs.find((x) => x.name === 'floor');
    expect(floor?.tables?.staging_events).toBe(report.dataset.events);
    for (const name of [
      'harmonize',
      'harmonize-mtime',
      'reports',
      ...(server ? ['pg-harmonize', 'pg-floor'] : []),
    ]) {
      const run = report.runs.find((x) => x.name === name);
      for (const t of starAndStaging)
        expect([name, t, run?.tables?.[t]]).toEqual([name, t, floor?.tables?.[t]]);
    }
    for (const name of ['incremental', ...(server ? ['pg-incremental'] : [])]) {
      const inc = report.runs.find((x) => x.name === name);
      expect([name, inc?.tables?.staging_events]).toEqual([
        name,
        report.dataset.events + report.dataset.extraEvents,
      ]);
      expect(inc?.events).toBe(report.dataset.extraEvents);
      expect(inc?.fullMs).toBeGreaterThan(0);
    }
    for (const run of report.runs) {
      expect(run.wallMs).toBeGreaterThan(0);
      expect(run.maxRssBytes).toBeGreaterThan(0);
      // Every case allocates and touches fresh memory, and the kernel's share is part of its CPU.
      expect(run.minorFaults).toBeGreaterThan(0);
      expect(run.sysMs).toBeGreaterThanOrEqual(0);
      expect(run.sysMs).toBeLessThanOrEqual(run.cpuMs + 1);
    }
    const ratios = Object.keys(report.ratios);
    for (const k of ['harmonize / floor', 'harmonize / json', 'incremental / its full load']) {
      expect(ratios).toContain(k);
      expect(Number.isFinite(report.ratios[k]?.median)).toBe(true);
    }
    if (server)
      expect(ratios).toEqual(
        expect.arrayContaining(['pg-harmonize / pg-floor', 'pg-incremental / its full load']),
      );
    // Without --memory-limit the Harmonize cases run under Harmonize's default cap.
    const defaultCap = await duckdbRendering(DEFAULT_MEMORY_LIMIT);
    for (const name of duckdbHarmonizeCases)
      expect([name, report.cases[name as 'harmonize']?.memoryLimits]).toEqual([name, [defaultCap]]);
  }, 240_000);

  it('passes --memory-limit to every Harmonize case on DuckDB, the reports included, not to the floor', async () => {
    const out = join(dir.path, 'capped.json');
    const r = await bench([
      ...common(out),
      '--no-pg',
      '--memory-limit',
      '300MB',
      '--cases',
      [...duckdbHarmonizeCases, 'floor'].join(','),
    ]);
    expect(r.code).toBe(0);
    const [report] = (JSON.parse(await readFile(out, 'utf8')) as BenchFile).reports as [DatasetReport];
    const capped = await duckdbRendering('300MB');
    for (const name of duckdbHarmonizeCases)
      expect([name, report.cases[name as 'harmonize']?.memoryLimits]).toEqual([name, [capped]]);
    expect(report.cases.floor?.memoryLimits).toHaveLength(1);
    expect(report.cases.floor?.memoryLimits).not.toContain(capped);
    expect(r.stdout).toContain(capped); // the table's DuckDB cap column
  }, 240_000);

  it('fails with exit 2 and DuckDB’s out-of-memory error when the cap is too small for the load', async () => {
    const r = await bench([
      ...common(join(dir.path, 'tiny.json')),
      '--no-pg',
      '--memory-limit',
      '4MB',
      '--cases',
      'harmonize',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ran out of memory under its 4MB cap');
    expect(r.stderr).toContain('case harmonize rep 0 failed');
  }, 120_000);

  it('exits 1 and names the table when a count disagrees with the dataset', async () => {
    // A dataset record that claims one event more than its files hold.
    const ds = await ensureDataset('generated', 1, paths().data, '', () => undefined);
    const lying = join(dir.path, 'lying');
    await mkdir(join(lying, 'generated-x1'), { recursive: true });
    await writeFile(
      join(lying, 'generated-x1', 'dataset.json'),
      JSON.stringify({ ...ds, events: ds.events + 1 }),
    );
    const r = await bench([
      ...common(join(dir.path, 'lying.json'), lying),
      '--no-pg',
      '--cases',
      'harmonize,floor',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAILED: Harmonize and its floor disagree on row counts');
    expect(r.stderr).toContain(`floor: staging_events ${ds.events} ≠ dataset ${ds.events + 1} events`);
  }, 120_000);

  it('runs --warmup repetitions first and leaves them out of the report', async () => {
    const out = join(dir.path, 'warm.json');
    const r = await bench([...common(out), '--no-pg', '--warmup', '1', '--cases', 'harmonize,floor']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warm-up 1\/1 harmonize/);
    expect(r.stderr).toMatch(/warm-up 1\/1 floor/);
    expect(r.stderr).toMatch(/rep 1\/1 harmonize/);
    const [report] = (JSON.parse(await readFile(out, 'utf8')) as BenchFile).reports as [DatasetReport];
    expect(report.runs.map((x) => [x.name, x.rep])).toEqual([
      ['harmonize', 0],
      ['floor', 0],
    ]);
    expect(report.cases.harmonize?.runs).toBe(1);
  }, 120_000);

  it('refuses an unknown flag with exit 2 and the reason', async () => {
    const r = await bench(['--scale', '1', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--frobnicate/);
    const w = await bench(['--warmup', '-1']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--warmup needs a whole number (0 or more), got -1');
  });
});

describe('the bench report', () => {
  const ds: Dataset = {
    kind: 'generated',
    scale: 1,
    songs: '/s',
    logs: '/l',
    extraLogs: '/x',
    events: 100,
    extraEvents: 7,
    logFiles: 3,
    songFiles: 2,
    bytes: 1,
    buildMs: 1,
  };
  const tables = (over: Record<string, number> = {}) => ({
    staging_events: 100,
    staging_songs: 2,
    songplays: 80,
    users: 5,
    songs: 2,
    artists: 2,
    time: 79,
    ...over,
  });
  const run = (
    name: CaseResult['name'],
    rep: number,
    wallMs: number,
    extra: Partial<CaseResult> = {},
  ): CaseResult => ({
    name,
    rep,
    wallMs,
    cpuMs: wallMs * 2,
    sysMs: wallMs,
    minorFaults: 1000,
    maxRssBytes: 2 ** 20,
    otherCores: 0,
    events: 100,
    ...extra,
  });

  it('takes each ratio within a repetition, then the median and range over them', () => {
    const r = datasetReport(ds, [
      run('harmonize', 0, 100, { tables: tables() }),
      run('floor', 0, 50, { tables: tables() }),
      run('harmonize', 1, 300, { tables: tables() }),
      run('floor', 1, 100, { tables: tables() }),
      run('harmonize', 2, 90, { tables: tables() }),
      run('floor', 2, 60, { tables: tables() }),
    ]);
    expect(r.ratios['harmonize / floor']).toEqual({ median: 2, min: 1.5, max: 3 });
    expect(r.cases.harmonize?.wallMs).toEqual({ median: 100, min: 90, max: 300 });
    expect(r.cases.harmonize?.eventsPerSec).toBe(1000);
    expect(r.countMismatches).toEqual([]);
  });

  it('lists every table that differs from the floor, rejects of a clean dataset, and the incremental day', () => {
    const r = datasetReport(ds, [
      run('floor', 0, 50, { tables: tables() }),
      run('harmonize', 0, 100, { tables: tables({ songplays: 79 }), rejected: 2 }),
      // The incremental case holds the extra day's events, and its star tables grow: not compared.
      run('incremental', 0, 5, { tables: tables({ staging_events: 107, songplays: 90 }), fullMs: 100 }),
      run('incremental', 1, 5, { tables: tables({ staging_events: 100 }), fullMs: 50 }),
    ]);
    expect(r.countMismatches).toEqual([
      'harmonize rep 0: songplays 79 ≠ floor 80',
      'harmonize rep 0: 2 records rejected (the dataset is clean)',
      'incremental rep 1: staging_events 100 ≠ floor 107',
    ]);
    const inc = r.ratios['incremental / its full load'];
    expect([inc?.min, inc?.max]).toEqual([0.05, 0.1]);
    expect(inc?.median).toBeCloseTo(0.075, 12);
  });

  it('shows each case’s system CPU and minor page faults, medians over its runs', () => {
    const r = datasetReport(ds, [
      run('harmonize', 0, 1000, { sysMs: 300, minorFaults: 250_000 }),
      run('harmonize', 1, 1200, { sysMs: 500, minorFaults: 270_400 }),
      run('harmonize', 2, 1100, { sysMs: 400, minorFaults: 260_600 }),
    ]);
    expect(r.cases.harmonize?.sysMs).toEqual({ median: 400, min: 300, max: 500 });
    expect(r.cases.harmonize?.minorFaults).toEqual({ median: 260_600, min: 250_000, max: 270_400 });
    const text = formatReport(r);
    expect(text).toContain('cpu s (sys)');
    // cpuMs is twice the wall time in these results: 2.20 s of CPU, 0.40 s of it the kernel's.
    expect(text).toMatch(/^harmonize\s+1\.10 \(1\.00–1\.20\)\s+2\.20 \(0\.40\)\s+261k\s/m);
  });
});
