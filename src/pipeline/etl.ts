// One ETL run: plan the files, bring them to local disk, then — in one transaction — remove what
// reloaded files brought before, stage, transform, check, record the manifest and the run. Any
// failure rolls everything back, so the star schema is exactly as it was before the run.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarmonizeError } from '../errors.js';
import { planFiles, type FilePlan, type ManifestEntry } from '../extract/plan.js';
import type { FileKind, Source } from '../extract/source.js';
import { eventSpec, songSpec } from '../model/records.js';
import { builtInChecks, type CheckSpec } from '../quality/checks.js';
import { runChecks } from '../quality/run-checks.js';
import { applyTransforms, createAffectedTables, dropAffectedTables } from '../transform/apply.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { mapLimit } from './concurrency.js';
import { readManifest, touchManifest, writeManifest, type ManifestRow } from './manifest.js';
import type { ProgressFn } from './progress.js';
import { removeFiles } from './reload.js';
import { recordRun, tableCounts } from './runs.js';
import { createTables, truncateAll } from './schema.js';
import { stageRecords, type StageCounts } from './../stage/stage-records.js';
import { emptyFileCounts, type RunSummary } from './summary.js';
import { failedChecksError, tooManyRejectsError } from './run-errors.js';
import { vanishedInRange } from './vanished.js';

export interface EtlOptions {
  songs: Source;
  logs: Source;
  maxRejects?: number;
  fullRefresh?: boolean;
  from?: string;
  to?: string;
  checks?: CheckSpec[];
  skipChecks?: boolean;
  fetchConcurrency?: number;
  onProgress?: ProgressFn;
}

const newRunId = () => `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;

interface Planned {
  kind: FileKind;
  source: Source;
  plan: FilePlan;
  vanished: string[];
}

async function plan(wh: Warehouse, kind: FileKind, source: Source, opts: EtlOptions): Promise<Planned> {
  const manifest = opts.fullRefresh ? new Map<string, ManifestEntry>() : await readManifest(wh, kind);
  const ranged = kind === 'event' && (opts.from !== undefined || opts.to !== undefined);
  const range = ranged ? { from: opts.from, to: opts.to } : {};
  const p = await planFiles(source, manifest, { ...range, reloadAll: ranged || opts.fullRefresh === true });
  const vanished = ranged ? vanishedInRange(source.location, manifest, p, range) : [];
  return { kind, source, plan: p, vanished };
}

export async function runEtl(wh: Warehouse, opts: EtlOptions): Promise<RunSummary> {
  const started = Date.now();
  const runId = newRunId();
  const phasesMs: Record<string, number> = {};
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phasesMs[phase] = Math.round((phasesMs[phase] ?? 0) + performance.now() - t0);
    }
  };
  const summary: RunSummary = {
    runId,
    status: 'failed',
    warehouse: wh.description,
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationMs: 0,
    files: { songs: emptyFileCounts(), logs: emptyFileCounts() },
    records: { songs: { staged: 0, rejected: 0 }, events: { staged: 0, rejected: 0 } },
    tables: {},
    checks: { passed: 0, failed: 0, results: [] },
    phasesMs,
  };
  const release = await wh.lock();
  const workDir = await mkdtemp(join(tmpdir(), 'harmonize-'));
  try {
    await createTables(wh);
    opts.onProgress?.({ phase: 'list' });
    const planned = await timed('list', async () => [
      await plan(wh, 'song', opts.songs, opts),
      await plan(wh, 'event', opts.logs, opts),
    ]);
    for (const p of planned) {
      const c = p.kind === 'song' ? summary.files.songs : summary.files.logs;
      c.new = p.plan.load.filter((f) => f.status === 'new').length;
      c.changed = p.plan.load.length - c.new;
      c.skipped = p.plan.skipped;
      c.listed = p.plan.load.length + p.plan.skipped;
      c.removed = p.vanished.length;
    }
    const local = await timed('fetch', () => fetchAll(planned, workDir, opts));
    await wh.transaction(async () => {
      const firstLoad =
        opts.fullRefresh === true ||
        (await readManifest(wh, 'song')).size + (await readManifest(wh, 'event')).size === 0;
      if (opts.fullRefresh) await truncateAll(wh);
      await createAffectedTables(wh);
      const reload = planned.flatMap((p) => [
        ...p.plan.load.filter((f) => f.status === 'changed').map((f) => f.file.uri),
        ...p.vanished,
      ]);
      await timed('stage', () => removeFiles(wh, reload));
      const counts = new Map<FileKind, StageCounts>();
      for (const p of planned) {
        opts.onProgress?.({ phase: 'stage', detail: p.kind === 'song' ? 'songs' : 'events' });
        const files = p.plan.load.map((f, i) => ({
          sourceFile: f.file.uri,
          localPath: local.get(p.kind)?.[i] ?? f.file.uri,
        }));
        counts.set(
          p.kind,
          await timed('stage', () =>
            stageRecords(wh, p.kind === 'song' ? songSpec : eventSpec, files, runId),
          ),
        );
      }
      summary.records.songs = pick(counts.get('song'));
      summary.records.events = pick(counts.get('event'));
      const rejected = summary.records.songs.rejected + summary.records.events.rejected;
      if (opts.maxRejects !== undefined && rejected > opts.maxRejects)
        throw await tooManyRejectsError(wh, runId, rejected, opts.maxRejects);
      opts.onProgress?.({ phase: 'transform' });
      await timed('transform', () => applyTransforms(wh, { runId, firstLoad }));
      await dropAffectedTables(wh);
      if (!opts.skipChecks) {
        opts.onProgress?.({ phase: 'check' });
        const results = await timed('check', () =>
          runChecks(wh, [...builtInChecks(wh.dialect), ...(opts.checks ?? [])]),
        );
        summary.checks = {
          passed: results.filter((r) => r.passed).length,
          failed: results.filter((r) => !r.passed).length,
          results,
        };
        if (summary.checks.failed > 0) throw failedChecksError(summary.checks.results);
      }
      opts.onProgress?.({ phase: 'commit' });
      await timed('commit', async () => {
        await writeManifest(wh, runId, manifestRows(planned, counts));
        await touchManifest(
          wh,
          planned.flatMap((p) => p.plan.touched.map((t) => ({ uri: t.file.uri, version: t.file.version }))),
        );
        summary.tables = await tableCounts(wh);
        finish(summary, started, 'succeeded');
        await recordRun(wh, summary);
      });
    });
    return summary;
  } catch (e) {
    finish(summary, started, 'failed');
    summary.error = e instanceof HarmonizeError ? e.oneLine() : (e as Error).message;
    await recordRun(wh, summary).catch(() => undefined);
    if (e instanceof HarmonizeError) Object.assign(e, { summary });
    throw e;
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await release();
  }
}

function pick(c: StageCounts | undefined) {
  return { staged: c?.staged ?? 0, rejected: c?.rejected ?? 0 };
}

function finish(s: RunSummary, started: number, status: RunSummary['status']) {
  s.status = status;
  s.finishedAt = new Date().toISOString();
  s.durationMs = Date.now() - started;
}

async function fetchAll(
  planned: Planned[],
  workDir: string,
  opts: EtlOptions,
): Promise<Map<FileKind, string[]>> {
  const out = new Map<FileKind, string[]>();
  const total = planned.reduce((n, p) => n + p.plan.load.length, 0);
  let done = 0;
  for (const p of planned) {
    const paths = await mapLimit(p.plan.load, opts.fetchConcurrency ?? 8, async (f) => {
      const path = await p.source.materialize(f.file, workDir);
      opts.onProgress?.({ phase: 'fetch', done: ++done, total });
      return path;
    });
    out.set(p.kind, paths);
  }
  return out;
}

function manifestRows(planned: Planned[], counts: Map<FileKind, StageCounts>): ManifestRow[] {
  return planned.flatMap((p) =>
    p.plan.load.map((f) => {
      const c = counts.get(p.kind)?.perFile.get(f.file.uri);
      return {
        uri: f.file.uri,
        kind: p.kind,
        size: f.file.size,
        version: f.file.version,
        fingerprint: f.fingerprint,
        records: c?.staged ?? 0,
        rejects: c?.rejected ?? 0,
      };
    }),
  );
}
