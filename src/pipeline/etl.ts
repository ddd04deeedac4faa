// One ETL run: plan the files, bring them to local disk, then load them in one transaction (see
// load.ts). Any failure rolls everything back, so the star schema is exactly as it was before the
// run; the failed run is still recorded, with its error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarmonizeError } from '../errors.js';
import { releaseGarbage } from '../memory.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { loadRun } from './load.js';
import { fetchRun, planRun, startFingerprints } from './planning.js';
import { RunContext, type EtlOptions } from './run-context.js';
import { recordRun } from './runs.js';
import { createTables } from './schema.js';
import type { RunSummary } from './summary.js';

export type { EtlOptions } from './run-context.js';

export async function runEtl(wh: Warehouse, opts: EtlOptions): Promise<RunSummary> {
  const ctx = new RunContext(wh, opts);
  const release = await wh.lock();
  const workDir = await mkdtemp(join(tmpdir(), 'harmonize-'));
  // Beside the listing: the engine's catalog query (8–9 ms on a ×100 day) needs no thread of
  // Node's, which lists the folders meanwhile. Settled before anything else uses the warehouse.
  const tables = createTables(wh);
  tables.catch(() => undefined);
  try {
    const planned = await ctx.step('list', () => planRun(ctx, tables));
    await tables;
    releaseGarbage(ctx.heapAtStart);
    const fingerprints = startFingerprints(planned);
    const local = await ctx.step('fetch', () => fetchRun(ctx, planned, workDir));
    await loadRun(ctx, { planned, local, fingerprints });
    return ctx.summary;
  } catch (e) {
    const summary = ctx.finish('failed', e instanceof HarmonizeError ? e.oneLine() : (e as Error).message);
    await tables.catch(() => undefined);
    await recordRun(wh, summary).catch(() => undefined);
    if (e instanceof HarmonizeError) Object.assign(e, { summary });
    throw e;
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await release();
  }
}
