// The planning and fetching steps of a run: which files of each source to load (new, changed,
// backfilled, vanished from a backfilled range), then bringing them to local disk.
import { fingerprintLoads, manifestOf, planFiles, type FilePlan, type Manifest } from '../extract/plan.js';
import type { FileKind, Source } from '../extract/source.js';
import { stat } from 'node:fs/promises';
import type { RawFile } from '../warehouse/warehouse.js';
import { mapLimit } from '../concurrency.js';
import { readManifests } from './manifest.js';
import type { EtlOptions, RunContext } from './run-context.js';
import { vanishedInRange } from './vanished.js';

export interface Planned {
  kind: FileKind;
  source: Source;
  plan: FilePlan;
  vanished: string[];
  /** Files of this kind in the manifest before the run (0 on a first load or full refresh). */
  loadedBefore: number;
}

async function planKind(
  ctx: RunContext,
  kind: FileKind,
  source: Source,
  manifest: Promise<Manifest>,
): Promise<Planned> {
  const opts: EtlOptions = ctx.opts;
  const ranged = kind === 'event' && (opts.from !== undefined || opts.to !== undefined);
  const range = ranged ? { from: opts.from, to: opts.to } : {};
  const plan = await planFiles(source, manifest, {
    ...range,
    reloadAll: ranged || opts.fullRefresh === true,
  });
  const { entries } = await manifest;
  const vanished = ranged ? vanishedInRange(source.location, entries, plan, range) : [];
  return { kind, source, plan, vanished, loadedBefore: entries.size };
}

/**
 * Plans both sources. `tables` settles once the warehouse's tables exist (createTables, started
 * beside the listing by the caller, which awaits it too): the manifest is read after it, while
 * the song folder is listed.
 */
export async function planRun(ctx: RunContext, tables: Promise<unknown>): Promise<Planned[]> {
  // Awaited (or its failure handled) by the first planKind.
  const manifests = ctx.opts.fullRefresh
    ? Promise.resolve({ song: manifestOf(), event: manifestOf() })
    : tables.then(() => readManifests(ctx.wh));
  manifests.catch(() => undefined);
  const planned = [
    await planKind(
      ctx,
      'song',
      ctx.opts.songs,
      manifests.then((m) => m.song),
    ),
    await planKind(
      ctx,
      'event',
      ctx.opts.logs,
      manifests.then((m) => m.event),
    ),
  ];
  for (const p of planned) {
    const c = p.kind === 'song' ? ctx.summary.files.songs : ctx.summary.files.logs;
    c.new = p.plan.load.filter((f) => f.status === 'new').length;
    c.changed = p.plan.load.length - c.new;
    c.skipped = p.plan.skipped;
    c.listed = p.plan.load.length + p.plan.skipped;
    c.removed = p.vanished.length;
  }
  return planned;
}

/**
 * Starts fingerprinting the planned files that planning did not need to hash, to run while the
 * warehouse stages them; the manifest awaits the result. A failure surfaces there, not unhandled.
 */
export function startFingerprints(planned: Planned[]): Promise<void> {
  const done = Promise.all(planned.map((p) => fingerprintLoads(p.source, p.plan))).then(() => undefined);
  done.catch(() => undefined);
  return done;
}

/** Files whose earlier rows must go before loading: changed ones and those vanished from a range. */
export const filesToRemove = (planned: Planned[]): string[] =>
  planned.flatMap((p) => [
    ...p.plan.load.filter((f) => f.status === 'changed').map((f) => f.file.uri),
    ...p.vanished,
  ]);

/** Brings every planned file to local disk (bounded concurrency), keyed by kind. */
export async function fetchRun(
  ctx: RunContext,
  planned: Planned[],
  workDir: string,
): Promise<Map<FileKind, RawFile[]>> {
  const out = new Map<FileKind, RawFile[]>();
  const total = planned.reduce((n, p) => n + p.plan.load.length, 0);
  let done = 0;
  for (const p of planned) {
    const files = await mapLimit(p.plan.load, ctx.opts.fetchConcurrency ?? 8, async (f) => {
      const localPath = await p.source.materialize(f.file, workDir);
      const bytes = localPath === f.file.uri ? f.file.size : (await stat(localPath)).size;
      ctx.opts.onProgress?.({ phase: 'fetch', done: ++done, total });
      return { sourceFile: f.file.uri, localPath, bytes };
    });
    out.set(p.kind, files);
  }
  return out;
}
