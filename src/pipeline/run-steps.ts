// The steps a run's load is made of, shared by its two shapes (load.ts): stage both kinds of
// record, enforce the reject limit, run the checks, and finish (manifest, run record). Each takes
// the warehouse to work on explicitly: the live tables, or their shadows during a fresh load.
import type { FileKind } from '../extract/source.js';
import { releaseGarbage } from '../memory.js';
import { eventSpec, songSpec } from '../model/records.js';
import { builtInChecks, NO_SPAN, runSpanSql, type CheckScope } from '../quality/checks.js';
import { runChecks } from '../quality/run-checks.js';
import { stageRecords, type StageCounts } from '../stage/stage-records.js';
import type { RawFile, Warehouse } from '../warehouse/warehouse.js';
import { touchManifest, writeManifest, type ManifestRow } from './manifest.js';
import type { Planned } from './planning.js';
import type { RunContext } from './run-context.js';
import { failedChecksError, tooManyRejectsError } from './run-errors.js';
import { recordRun, tableCounts } from './runs.js';

export type KindCounts = Map<FileKind, StageCounts>;

const totals = (c: StageCounts | undefined) => ({ staged: c?.staged ?? 0, rejected: c?.rejected ?? 0 });

export async function stageAll(
  ctx: RunContext,
  wh: Warehouse,
  planned: Planned[],
  local: Map<FileKind, RawFile[]>,
): Promise<KindCounts> {
  const counts: KindCounts = new Map();
  for (const p of planned) {
    const spec = p.kind === 'song' ? songSpec : eventSpec;
    const files = local.get(p.kind) ?? [];
    const batch = ctx.opts.stageBatchBytes ? { batchBytes: ctx.opts.stageBatchBytes } : {};
    counts.set(
      p.kind,
      await ctx.step('stage', () => stageRecords(wh, spec, files, ctx.runId, batch), `${p.kind}s`),
    );
    releaseGarbage(ctx.heapAtStart);
  }
  const r = ctx.summary.records;
  r.songs = totals(counts.get('song'));
  r.events = totals(counts.get('event'));
  const rejected = r.songs.rejected + r.events.rejected;
  const max = ctx.opts.maxRejects;
  if (max !== undefined && rejected > max) throw await tooManyRejectsError(wh, ctx.runId, rejected, max);
  return counts;
}

/** Runs the built-in checks (over whole tables, or within scope) and the user's own. */
async function runSpan(wh: Warehouse, runId: string): Promise<CheckScope['span']> {
  const [span] = await wh.query<{ from: string | null; to: string | null }>(runSpanSql(wh.dialect), [runId]);
  return span?.from && span.to ? { from: span.from, to: span.to } : NO_SPAN;
}

/**
 * The checks of a run; with a scope, of what it changed (its songplays' span found first). With
 * `unchanged`, the run changed no star table: only the user's checks run (one may test freshness),
 * the built-in ones passed on these very rows before.
 */
export async function check(
  ctx: RunContext,
  wh: Warehouse,
  scope?: Omit<CheckScope, 'span'>,
  opts: { unchanged?: boolean } = {},
): Promise<void> {
  if (ctx.opts.skipChecks) return;
  const builtIns = async () => {
    if (scope && opts.unchanged) return [];
    return builtInChecks(wh.dialect, scope ? { ...scope, span: await runSpan(wh, scope.runId) } : undefined);
  };
  const results = await ctx.step('check', async () =>
    runChecks(wh, [...(await builtIns()), ...(ctx.opts.checks ?? [])]),
  );
  const failed = results.filter((r) => !r.passed).length;
  ctx.summary.checks = { scope: scope ? 'run' : 'full', passed: results.length - failed, failed, results };
  if (failed > 0) throw failedChecksError(results);
}

function manifestRows(planned: Planned[], counts: KindCounts): ManifestRow[] {
  return planned.flatMap((p) =>
    p.plan.load.map((f) => {
      const c = counts.get(p.kind)?.perFile.get(f.file.uri);
      const { uri, size, version } = f.file;
      return {
        uri,
        kind: p.kind,
        size,
        version,
        fingerprint: f.fingerprint ?? '',
        records: c?.staged ?? 0,
        rejects: c?.rejected ?? 0,
      };
    }),
  );
}

/**
 * The end of every successful run, inside its final transaction: manifest (with `fresh`, the
 * whole of it), counts, run record.
 */
export async function finish(
  ctx: RunContext,
  wh: Warehouse,
  planned: Planned[],
  counts: KindCounts,
  fingerprints: Promise<void>,
  opts: { fresh?: boolean } = {},
): Promise<void> {
  await fingerprints;
  await writeManifest(wh, ctx.runId, manifestRows(planned, counts), { all: opts.fresh === true });
  await touchManifest(
    wh,
    planned.flatMap((p) => p.plan.touched.map((t) => ({ uri: t.file.uri, version: t.file.version }))),
  );
  ctx.summary.tables = await tableCounts(wh);
  await recordRun(wh, ctx.finish('succeeded'));
}
