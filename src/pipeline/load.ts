// A run's load, after planning and fetching, in one of two all-or-nothing shapes. Usually one
// transaction: remove reloaded files' rows, stage, transform, check, manifest and run record. On
// an engine with capabilities.stageIn = 'apart' the staging comes first, into shadow staging
// tables by autocommitted statements, and the transaction appends their rows where it would have
// staged. A fresh load (first load or full refresh) on an engine with capabilities.freshLoad =
// 'swap' is built in shadow tables by autocommitted statements instead, then swapped in,
// checked, and recorded in one short transaction (shadow.ts).
import type { FileKind } from '../extract/source.js';
import type { CheckScope } from '../quality/checks.js';
import {
  affectedTable,
  applyTransforms,
  createAffectedTables,
  dropAffectedTables,
} from '../transform/apply.js';
import { allTables, rejectedRecords, stagingEvents, stagingSongs, starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import type { RawFile, Warehouse } from '../warehouse/warehouse.js';
import { filesToRemove, type Planned } from './planning.js';
import { removeFiles } from './reload.js';
import type { RunContext } from './run-context.js';
import { analyzeStaged } from '../stage/stage-records.js';
import { check, finish, stageAll, type KindCounts } from './run-steps.js';
import { lastRun } from './runs.js';
import { truncateAll } from './schema.js';
import { appendShadow, createShadows, dropShadows, shadowed, stagedShadows, swapShadows } from './shadow.js';

interface LoadInput {
  planned: Planned[];
  local: Map<FileKind, RawFile[]>;
  /** Settles when every planned file has its fingerprint (planning.ts startFingerprints). */
  fingerprints: Promise<void>;
}

/**
 * Events a run stages from which, when they are also a tenth of the history or more, its checks
 * look at whole tables: a scoped check pays per row of the run, several times what a whole-table
 * check pays per row of the table. The ×1000 sample's 8M events loaded onto one day: scoped
 * checks 12.4 s, whole tables 1.3 s; a ×100 sample's day (388 events): scoped 23 ms, whole tables
 * about 130 ms. Below the minimum a scoped check costs little either way.
 */
const WHOLE_CHECKS_MIN_EVENTS = 100_000;

/** Whether a run that staged `staged` events onto `history` checks whole tables (see above). */
export function checksWholeTables(staged: number, history: number | undefined): boolean {
  return staged >= WHOLE_CHECKS_MIN_EVENTS && history !== undefined && staged * 10 >= history;
}

/**
 * Whole tables are checked after a fresh load, on request, after a run that staged many events
 * against the history (checksWholeTables), and when the last successful run did not check (or
 * predates scoped checks): scoped checks rely on the warehouse having passed before. Asked after
 * staging.
 */
async function checkScope(
  ctx: RunContext,
  fresh: boolean,
  untouched: readonly string[] = [],
): Promise<Omit<CheckScope, 'span'> | undefined> {
  if (fresh || ctx.opts.fullChecks || ctx.opts.skipChecks) return undefined;
  const last = await lastRun(ctx.wh);
  if (last?.checks !== 'full' && last?.checks !== 'run') return undefined;
  if (checksWholeTables(ctx.summary.records.events.staged, last.historyEvents)) return undefined;
  return {
    runId: ctx.runId,
    affected: (key) => affectedTable(ctx.wh.dialect, key),
    untouched,
  };
}

/** The tables only song files feed (applyTransforms leaves them be when none changed). */
const catalogTables = ['songs', 'artists'] as const;

const songsChanged = (planned: Planned[]) => planned.some((p) => p.kind === 'song' && p.plan.load.length > 0);

/** Runs each table's statements of one kind, skipping the empty ones (engines without the feature). */
async function eachTable(
  wh: Warehouse,
  tables: Table[],
  sql: (t: Table) => string | string[],
): Promise<void> {
  for (const t of tables) for (const s of [sql(t)].flat()) if (s) await wh.execute(s);
}

/**
 * The run's transaction, with its COMMIT counted to the commit phase: on DuckDB that is where the
 * log of every row the run wrote goes to disk (60–110 ms of a generated ×100 day's 0.65 s, 15 MB
 * of WAL), and no step timed it.
 */
async function transaction(ctx: RunContext, fn: () => Promise<void>): Promise<void> {
  let done = 0;
  await ctx.wh.transaction(async () => {
    await fn();
    done = performance.now();
  });
  ctx.afterRecord('commit', performance.now() - done);
}

/** A run staged apart: its counts, and the dialect that names its shadows (TransformOptions.runRows). */
interface StagedApart {
  counts: KindCounts;
  runRows: SqlDialect;
}

/**
 * Inside the transaction: the rows staged apart, appended to the live tables (the quarantine's
 * too), and the staging tables' statistics refreshed as staging them there would have.
 */
async function appendStaged(wh: Warehouse, counts: KindCounts): Promise<void> {
  const events = counts.get('event')?.staged ?? 0;
  const songs = counts.get('song')?.staged ?? 0;
  const rejected = (counts.get('event')?.rejected ?? 0) + (counts.get('song')?.rejected ?? 0);
  if (events > 0) await appendShadow(wh, stagingEvents, stagedShadows);
  if (songs > 0) await appendShadow(wh, stagingSongs, stagedShadows);
  if (rejected > 0) await appendShadow(wh, rejectedRecords, stagedShadows);
  await analyzeStaged(wh, stagingEvents, events);
  await analyzeStaged(wh, stagingSongs, songs);
}

async function inTransaction(
  ctx: RunContext,
  input: LoadInput,
  fresh: boolean,
  apart?: StagedApart,
): Promise<void> {
  const { wh } = ctx;
  const songs = songsChanged(input.planned);
  if (ctx.opts.fullRefresh) await truncateAll(wh);
  // Into empty tables, indexes are built once at the end: far cheaper than row by row.
  if (fresh) {
    await eachTable(wh, starTables, (t) => wh.dialect.dropPrimaryKey(t));
    await eachTable(wh, allTables, (t) => wh.dialect.dropBlockIndexes(t));
  }
  await createAffectedTables(wh);
  const removed = filesToRemove(input.planned);
  await ctx.step('stage', () => removeFiles(wh, removed));
  const counts = apart
    ? await ctx.step('stage', async () => {
        await appendStaged(wh, apart.counts);
        return apart.counts;
      })
    : await stageAll(ctx, wh, input.planned, input.local);
  await ctx.step('transform', () =>
    applyTransforms(wh, {
      runId: ctx.runId,
      firstLoad: fresh,
      songsChanged: songs,
      appendOnly: removed.length === 0,
      stagedEvents: ctx.summary.records.events.staged,
      ...(apart ? { runRows: apart.runRows } : {}),
    }),
  );
  await ctx.step('commit', async () => {
    if (!fresh) return eachTable(wh, allTables, (t) => wh.dialect.summarizeBlocks(t));
    await eachTable(wh, starTables, (t) => wh.dialect.addPrimaryKey(t));
    await eachTable(wh, allTables, (t) => wh.dialect.blockIndexes(t));
  });
  await check(ctx, wh, await checkScope(ctx, fresh, songs ? [] : catalogTables));
  await dropAffectedTables(wh);
  await ctx.step('commit', () => finish(ctx, wh, input.planned, counts, input.fingerprints));
}

async function bySwap(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  const next = shadowed(wh);
  await createShadows(wh);
  try {
    const counts = await stageAll(ctx, next, input.planned, input.local);
    await ctx.step('transform', () =>
      applyTransforms(next, { runId: ctx.runId, firstLoad: true, songsChanged: true }),
    );
    // Checks run after the swap, inside its transaction: user-written checks name the live tables,
    // and the swapped tables' rows are committed, so they are scanned on every thread.
    await transaction(ctx, async () => {
      await ctx.step('commit', () => swapShadows(wh));
      await check(ctx, wh);
      await ctx.step('commit', () =>
        finish(ctx, wh, input.planned, counts, input.fingerprints, { fresh: true }),
      );
    });
  } catch (e) {
    // The run's own error is the one to report, not a failure to clean up after it.
    await dropShadows(wh).catch(() => undefined);
    throw e;
  }
  await dropShadows(wh);
}

/**
 * Nothing to stage or remove (a scheduled run that found no new files): the star tables stay as
 * they are, so nothing is transformed; touched files' versions, the checks and the run record are
 * still written. ×100 sample: 0.13 s so, against 0.22 s when it still transformed and checked no rows.
 */
async function unchanged(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  await transaction(ctx, async () => {
    const scope = await checkScope(ctx, false);
    await check(ctx, wh, scope, { unchanged: true });
    await ctx.step('commit', () => finish(ctx, wh, input.planned, new Map(), input.fingerprints));
  });
}

const nothingToLoad = (input: LoadInput) =>
  input.planned.every((p) => p.plan.load.length === 0 && p.vanished.length === 0);

/**
 * Staged before the transaction, into shadows in the engine's scratch space (capabilities.stageIn
 * = 'apart'). On DuckDB that is the direct load on both connections, not the raw records and full
 * parse on the transaction's one, and the transforms read the run's rows from the committed
 * shadow (runRows): the ×1000 sample's 8M events onto one day loaded in 47–55 s so, 81–83 s
 * staged in the transaction (the append there is about 10 s of it); a ×100 day took as long
 * either way (docs/PERFORMANCE.md, 2026-12-08).
 */
async function byStagingApart(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  try {
    await createShadows(wh, stagedShadows);
    const shadows = shadowed(wh, stagedShadows);
    const counts = await stageAll(ctx, shadows, input.planned, input.local);
    await transaction(ctx, () => inTransaction(ctx, input, false, { counts, runRows: shadows.dialect }));
  } catch (e) {
    await dropShadows(wh, stagedShadows).catch(() => undefined);
    throw e;
  }
  await dropShadows(wh, stagedShadows);
}

export async function loadRun(ctx: RunContext, input: LoadInput): Promise<void> {
  const { wh } = ctx;
  if (!ctx.opts.fullRefresh && nothingToLoad(input)) return unchanged(ctx, input);
  const fresh = ctx.opts.fullRefresh === true || input.planned.every((p) => p.loadedBefore === 0);
  if (fresh && wh.capabilities.freshLoad === 'swap') return bySwap(ctx, input);
  if (!fresh && wh.capabilities.stageIn === 'apart') return byStagingApart(ctx, input);
  await transaction(ctx, () => inTransaction(ctx, input, fresh));
}
