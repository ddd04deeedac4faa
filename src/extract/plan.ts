// Decides what a run loads: every listed file is new, changed (its content differs from what was
// loaded) or skipped (unchanged). A backfill range or --full-refresh forces a reload. The cheap
// version (mtime/ETag) is checked first; the content fingerprint only when the version moved.
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
  fingerprint: string;
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
  const toHash: SourceFile[] = [];
  for await (const file of source.list()) {
    if (!inRange(file, opts)) continue;
    const seen = manifest.get(file.uri);
    if (seen && !opts.reloadAll && seen.size === file.size && seen.version === file.version) plan.skipped++;
    else toHash.push(file);
  }
  // Hashing reads whole files: do several at once, in listing order.
  const fingerprints = await mapLimit(toHash, 8, (f) => source.fingerprint(f));
  toHash.forEach((file, i) => {
    const fingerprint = fingerprints[i] ?? '';
    const seen = manifest.get(file.uri);
    if (!seen) plan.load.push({ file, status: 'new', fingerprint });
    else if (!opts.reloadAll && fingerprint === seen.fingerprint) {
      plan.touched.push({ file, fingerprint });
      plan.skipped++;
    } else plan.load.push({ file, status: 'changed', fingerprint });
  });
  return plan;
}
