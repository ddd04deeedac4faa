// The human-readable run summary.
import type { RunSummary } from '../pipeline/summary.js';

const n = (x: number) => x.toLocaleString('en-US');

/** What the checks line says of their scope. */
function checkScope(s: RunSummary): string {
  const f = s.files;
  const changed = [f.songs, f.logs].some((c) => c.new + c.changed + c.removed > 0);
  if (s.checks.scope === 'skipped') return ' (skipped)';
  if (s.checks.scope !== 'run') return '';
  return changed ? ' (what this run changed)' : ' (nothing changed: only your own checks ran)';
}

export function printSummary(s: RunSummary): string {
  const f = s.files;
  const r = s.records;
  const lines = [
    `run ${s.runId} ${s.status} in ${(s.durationMs / 1000).toFixed(2)} s on ${s.warehouse}`,
    `files    songs: ${n(f.songs.new)} new, ${n(f.songs.changed)} changed, ${n(f.songs.skipped)} skipped` +
      ` | logs: ${n(f.logs.new)} new, ${n(f.logs.changed)} changed, ${n(f.logs.skipped)} skipped${f.logs.removed ? `, ${n(f.logs.removed)} removed` : ''}`,
    `records  songs: ${n(r.songs.staged)} staged, ${n(r.songs.rejected)} rejected | events: ${n(r.events.staged)} staged, ${n(r.events.rejected)} rejected`,
    `tables   ${Object.entries(s.tables)
      .map(([t, c]) => `${t} ${n(c)}`)
      .join(', ')}`,
    `checks   ${s.checks.passed} passed, ${s.checks.failed} failed${checkScope(s)}`,
  ];
  for (const c of s.checks.results.filter((x) => !x.passed))
    lines.push(`  FAILED ${c.name}: ${c.failingRows} rows`);
  return lines.join('\n');
}
