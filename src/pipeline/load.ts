// A run's load, after planning and fetching, in one of two all-or-nothing shapes. Usually one
// transaction: remove reloaded files' rows, stage, transform, check, manifest and run record. A
// fresh load (first load or full refresh) on an engine with capabilities.freshLoad = 'swap' is
// built in shadow tables by autocommitted statements instead, then swapped in, checked, and
// recorded in one short transaction (shadow.ts).
import type { FileKind } from '../extract/source.js';
import { applyTransforms, createAffectedTables, dropAffectedTables } from '../transform/apply.js';
import type { RawFile, Warehouse } from '../warehouse/warehouse.js';
import { readManifest } from './manifest.js';
import { filesToRemove, type Planned } from './planning.js';
import { removeFiles } from './reload.js';
import type { RunContext } from './run-context.js';
import { check, finish, stageAll } from './run-steps.js';
import { truncateAll } from './schema.js';
import { createShadows, dropShadows, shadowed, swapShadows } from './shadow.js';

interface LoadInput {
  planned: Planned[];
  local: Map<FileKind, RawFile[]>;
  /** Settles when every planned file has its fingerprint (planning.ts startFingerprints). */
  fingerprints: Promise<void>;
}

async function nothingLoaded(wh: Warehouse): Promise<boolean> {
  return (await readManifest(wh, 'song')).size + (await readManifest(wh, 'event')).size === 0;
}

async function inTransaction(ctx: RunContext, input: LoadInput, fresh: boolean): Promise<void> {
  const { wh } = ctx;
  if (ctx.opts.fullRefresh) await truncateAll(wh);
  await createAffectedTables(wh);
  await ctx.step('stage', () => removeFiles(wh, filesToRemove(input.planned)));
  const counts = await stageAll(ctx, wh, input.planned, input.local);
  await ctx.step('transform', () => applyTransforms(wh, { runId: ctx.runId, firstLoad: fresh }));
  await dropAffectedTables(wh);
  await check(ctx, wh);
  await ctx.step('commit', () => finish(ctx, wh, input.planned, counts, input.fingerprints));
}

async function bySwap(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  const next = shadowed(wh);
  await createShadows(wh);
  try {
    const counts = await stageAll(ctx, next, input.planned, input.local);
    await ctx.step('transform', () => applyTransforms(next, { runId: ctx.runId, firstLoad: true }));
    // Checks run after the swap, inside its transaction: user-written checks name the live tables,
    // and the swapped tables' rows are committed, so they are scanned on every thread.
    await wh.transaction(async () => {
      await ctx.step('commit', () => swapShadows(wh));
      await check(ctx, wh);
      await ctx.step('commit', async () => {
        await wh.execute(`DELETE FROM ${wh.dialect.table('harmonize_files')}`);
        await finish(ctx, wh, input.planned, counts, input.fingerprints);
      });
    });
  } finally {
    await dropShadows(wh);
  }
}

export async function loadRun(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  const fresh = ctx.opts.fullRefresh === true || (await nothingLoaded(wh));
  if (fresh && wh.capabilities.freshLoad === 'swap') return bySwap(ctx, input);
  await wh.transaction(() => inTransaction(ctx, input, fresh));
}
