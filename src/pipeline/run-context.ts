// The state one run carries through its steps: the warehouse, the options, the run id, the summary
// being filled in, per-phase timings and progress reporting.
import type { Source } from '../extract/source.js';
import type { CheckSpec } from '../quality/checks.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Phase, ProgressFn } from './progress.js';
import { newRunId } from './run-id.js';
import { emptyFileCounts, type RunSummary } from './summary.js';

export interface EtlOptions {
  songs: Source;
  logs: Source;
  maxRejects?: number;
  fullRefresh?: boolean;
  from?: string;
  to?: string;
  checks?: CheckSpec[];
  skipChecks?: boolean;
  /** Check whole tables even when checking only what the run changed would do. */
  fullChecks?: boolean;
  fetchConcurrency?: number;
  /** Upper bound of file bytes staged per batch (default: the engine's; see stage-records.ts). */
  stageBatchBytes?: number;
  onProgress?: ProgressFn;
}

export class RunContext {
  readonly runId = newRunId();
  readonly started = Date.now();
  /** The JavaScript heap in use when the run started (see releaseGarbage). */
  readonly heapAtStart = process.memoryUsage().heapUsed;
  readonly summary: RunSummary;

  constructor(
    readonly wh: Warehouse,
    readonly opts: EtlOptions,
  ) {
    this.summary = {
      runId: this.runId,
      status: 'failed',
      warehouse: wh.description,
      startedAt: new Date(this.started).toISOString(),
      finishedAt: '',
      durationMs: 0,
      files: { songs: emptyFileCounts(), logs: emptyFileCounts() },
      records: { songs: { staged: 0, rejected: 0 }, events: { staged: 0, rejected: 0 } },
      tables: {},
      checks: { scope: opts.skipChecks ? 'skipped' : 'full', passed: 0, failed: 0, results: [] },
      phasesMs: {},
    };
  }

  /** Runs one step of a phase, reporting progress and adding its time to the phase's total. */
  async step<T>(phase: Phase, fn: () => Promise<T>, detail?: string): Promise<T> {
    this.opts.onProgress?.({ phase, ...(detail ? { detail } : {}) });
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const ms = this.summary.phasesMs;
      ms[phase] = Math.round((ms[phase] ?? 0) + performance.now() - t0);
    }
  }

  /**
   * Adds time spent after the run record was written (its transaction's COMMIT) to the phase and
   * the duration of the summary returned; the record, written before, stops short of it.
   */
  afterRecord(phase: Phase, ms: number): void {
    const p = this.summary.phasesMs;
    p[phase] = Math.round((p[phase] ?? 0) + ms);
    this.summary.finishedAt = new Date().toISOString();
    this.summary.durationMs = Date.now() - this.started;
  }

  finish(status: RunSummary['status'], error?: string): RunSummary {
    this.summary.status = status;
    this.summary.finishedAt = new Date().toISOString();
    this.summary.durationMs = Date.now() - this.started;
    if (error !== undefined) this.summary.error = error;
    return this.summary;
  }
}
