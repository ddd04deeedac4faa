// Decides what a run loads: every listed file is new, changed (its content differs from what was
// loaded) or skipped (unchanged). A backfill range or --full-refresh forces a reload. The cheap
// version (mtime/ETag) is checked first; the content fingerprint only when the version moved of a
// file that is not reloaded anyway. The other loaded files get their fingerprints later
// (fingerprintLoads), while the warehouse stages them.
import { mapLimit } from '../concurrency.js';
import type { Source, SourceFile } from './source.js';

export interface ManifestEntry {
  size: number;
  version: string;
  fingerprint: string;
}

export type FileStatus = 'new' | 'changed';

export interface PlannedFile {
  file: SourceFile;
  status: FileStatus;
  /** Known when planning needed it; otherwise filled in by fingerprintLoads. */
  fingerprint?: string;
}

export interface FilePlan {
  load: PlannedFile[];
  skipped: number;
  /** Files whose version moved but whose content did not: only the manifest's version is updated. */
  touched: { file: SourceFile; fingerprint: string }[];
}

export interface PlanOptions {
  /** Reload every listed file, even unchanged ones. */
  reloadAll?: boolean;
  /** Keep only files whose path date is in [from, to] (log files). */
  from?: string;
  to?: string;
}

/** Fingerprints computed at once: the hasher works through them one by one meanwhile. */
const FINGERPRINTS_IN_FLIGHT = 8;

export function inRange(file: SourceFile, opts: PlanOptions): boolean {
  if (!opts.from && !opts.to) return true;
  if (!file.date) return false;
  return (!opts.from || file.date >= opts.from) && (!opts.to || file.date <= opts.to);
}

export async function planFiles(
  source: Source,
  manifest: Map<string, ManifestEntry>,
  opts: PlanOptions,
): Promise<FilePlan> {
  const plan: FilePlan = { load: [], skipped: 0, touched: [] };
  const moved: { file: SourceFile; seen: ManifestEntry }[] = [];
  for await (const file of source.list()) {
    if (!inRange(file, opts)) continue;
    const seen = manifest.get(file.uri);
    if (!seen) plan.load.push({ file, status: 'new' });
    else if (opts.reloadAll) plan.load.push({ file, status: 'changed' });
    else if (seen.size === file.size && seen.version === file.version) plan.skipped++;
    else moved.push({ file, seen });
  }
  const fingerprints = await mapLimit(moved, FINGERPRINTS_IN_FLIGHT, (m) => source.fingerprint(m.file));
  moved.forEach(({ file, seen }, i) => {
    const fingerprint = fingerprints[i] ?? '';
    if (fingerprint === seen.fingerprint) {
      plan.touched.push({ file, fingerprint });
      plan.skipped++;
    } else plan.load.push({ file, status: 'changed', fingerprint });
  });
  return plan;
}

/** Fills in the fingerprint of every planned file that has none yet. */
export async function fingerprintLoads(source: Source, plan: FilePlan): Promise<void> {
  const missing = plan.load.filter((f) => f.fingerprint === undefined);
  await mapLimit(missing, FINGERPRINTS_IN_FLIGHT, async (f) => {
    f.fingerprint = await source.fingerprint(f.file);
  });
}
