// The typed errors that end a run on purpose: too many rejects, failed quality checks.
import { ExitCode, HarmonizeError } from '../errors.js';
import type { CheckResult } from '../quality/run-checks.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export async function tooManyRejectsError(
  wh: Warehouse,
  runId: string,
  rejected: number,
  max: number,
): Promise<HarmonizeError> {
  const d = wh.dialect;
  const [first] = await wh.query<{
    source_file: string;
    source_line: number;
    reason: string;
    message: string;
  }>(
    `SELECT source_file, source_line, reason, message FROM ${d.table('rejected_records')} WHERE run_id = ${d.param(1)} ORDER BY source_file, source_line LIMIT 1`,
    [runId],
  );
  const where = first ? `${first.source_file}:${first.source_line}` : undefined;
  const firstMsg = first ? `; first: ${first.reason}: ${first.message}` : '';
  return new HarmonizeError(
    ExitCode.tooManyRejects,
    `${rejected} records rejected, more than --max-rejects ${max}${firstMsg}`,
    {
      where,
      hint: 'fix the input, or raise --max-rejects to load it and inspect rejected_records; nothing was changed',
    },
  );
}

export function failedChecksError(results: CheckResult[]): HarmonizeError {
  const failed = results.filter((r) => !r.passed);
  const names = failed.map((r) => `${r.name} (${r.failingRows})`).join(', ');
  return new HarmonizeError(ExitCode.checksFailed, `quality checks failed: ${names}`, {
    hint: 'the run was rolled back; see the failing rows with --json or `harmonize check` after fixing the input',
  });
}
