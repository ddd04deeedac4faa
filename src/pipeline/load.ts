// The steps of a run that happen inside its transaction: remove reloaded files' rows, stage,
// enforce the reject limit, transform, check, write the manifest and the run record.
import type { FileKind } from '../extract/source.js';
import { eventSpec, songSpec } from '../model/records.js';
import { builtInChecks } from '../quality/checks.js';
import { runChecks } from '../quality/run-checks.js';
import { stageRecords, type StageCounts } from '../stage/stage-records.js';
import { applyTransforms, createAffectedTables, dropAffectedTables } from '../transform/apply.js';
import type { RawFile } from '../warehouse/warehouse.js';
import { readManifest, touchManifest, writeManifest, type ManifestRow } from './manifest.js';
import { filesToRemove, type Planned } from './planning.js';
import { removeFiles } from './reload.js';
import type { RunContext } from './run-context.js';
import { failedChecksError, tooManyRejectsError } from './run-errors.js';
import { recordRun, tableCounts } from './runs.js';
import { truncateAll } from './schema.js';

const totals = (c: StageCounts | undefined) => ({ staged: c?.staged ?? 0, rejected: c?.rejected ?? 0 });

async function stageAll(ctx: RunContext, planned: Planned[], local: Map<FileKind, RawFile[]>) {
  const counts = new Map<FileKind, StageCounts>();
  for (const p of planned) {
    const spec = p.kind === 'song' ? songSpec : eventSpec;
    const files = local.get(p.kind) ?? [];
    counts.set(
      p.kind,
      await ctx.step('stage', () => stageRecords(ctx.wh, spec, files, ctx.runId), `${p.kind}s`),
    );
  }
  const r = ctx.summary.records;
  r.songs = totals(counts.get('song'));
  r.events = totals(counts.get('event'));
  const rejected = r.songs.rejected + r.events.rejected;
  const max = ctx.opts.maxRejects;
  if (max !== undefined && rejected > max) throw await tooManyRejectsError(ctx.wh, ctx.runId, rejected, max);
  return counts;
}

async function check(ctx: RunContext) {
  if (ctx.opts.skipChecks) return;
  const specs = [...builtInChecks(ctx.wh.dialect), ...(ctx.opts.checks ?? [])];
  const results = await ctx.step('check', () => runChecks(ctx.wh, specs));
  const failed = results.filter((r) => !r.passed).length;
  ctx.summary.checks = { passed: results.length - failed, failed, results };
  if (failed > 0) throw failedChecksError(results);
}

function manifestRows(planned: Planned[], counts: Map<FileKind, StageCounts>): ManifestRow[] {
  return planned.flatMap((p) =>
    p.plan.load.map((f) => {
      const c = counts.get(p.kind)?.perFile.get(f.file.uri);
      const { uri, size, version } = f.file;
      return {
        uri,
        kind: p.kind,
        size,
        version,
        fingerprint: f.fingerprint,
        records: c?.staged ?? 0,
        rejects: c?.rejected ?? 0,
      };
    }),
  );
}

export async function loadInTransaction(
  ctx: RunContext,
  planned: Planned[],
  local: Map<FileKind, RawFile[]>,
): Promise<void> {
  const { wh, opts } = ctx;
  const loadedBefore = (await readManifest(wh, 'song')).size + (await readManifest(wh, 'event')).size;
  const firstLoad = opts.fullRefresh === true || loadedBefore === 0;
  if (opts.fullRefresh) await truncateAll(wh);
  await createAffectedTables(wh);
  await ctx.step('stage', () => removeFiles(wh, filesToRemove(planned)));
  const counts = await stageAll(ctx, planned, local);
  await ctx.step('transform', () => applyTransforms(wh, { runId: ctx.runId, firstLoad }));
  await dropAffectedTables(wh);
  await check(ctx);
  await ctx.step('commit', async () => {
    await writeManifest(wh, ctx.runId, manifestRows(planned, counts));
    await touchManifest(
      wh,
      planned.flatMap((p) => p.plan.touched.map((t) => ({ uri: t.file.uri, version: t.file.version }))),
    );
    ctx.summary.tables = await tableCounts(wh);
    await recordRun(wh, ctx.finish('succeeded'));
  });
}
