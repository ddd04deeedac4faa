// The run summary: what a run read, loaded, rejected and checked. Printed by the CLI, returned by
// the library, stored (as JSON) in harmonize_runs.
import type { CheckResult } from '../quality/run-checks.js';

export type CheckScopeName = 'full' | 'run' | 'skipped';

export interface FileCounts {
  listed: number;
  new: number;
  changed: number;
  skipped: number;
  removed: number;
}

export interface RecordCounts {
  staged: number;
  rejected: number;
}

export interface RunSummary {
  runId: string;
  status: 'succeeded' | 'failed';
  warehouse: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  files: { songs: FileCounts; logs: FileCounts };
  records: { songs: RecordCounts; events: RecordCounts };
  tables: Record<string, number>;
  /**
   * scope: 'full' checked whole tables, 'run' what this run changed (quality/checks.ts), 'skipped'
   * none (--no-checks).
   */
  checks: { scope: CheckScopeName; passed: number; failed: number; results: CheckResult[] };
  phasesMs: Record<string, number>;
  error?: string;
}

export const emptyFileCounts = (): FileCounts => ({ listed: 0, new: 0, changed: 0, skipped: 0, removed: 0 });
