// Files recorded in the manifest for a backfilled date range that are no longer in the source:
// re-running the range must drop their facts too, so the range ends up exactly as the source is.
import { sep } from 'node:path';
import { inRange, type FilePlan, type ManifestEntry } from '../extract/plan.js';
import { dateFromPath } from '../extract/source.js';

/** A location as a folder prefix, so logs/ never claims the files of logs_old/. */
const asFolder = (location: string) => (/[/\\]$/.test(location) ? location : `${location}${sep}`);

export function vanishedInRange(
  location: string,
  manifest: Map<string, ManifestEntry>,
  plan: FilePlan,
  range: { from?: string; to?: string },
): string[] {
  const listed = new Set(plan.load.map((f) => f.file.uri));
  const folder = asFolder(location);
  const out: string[] = [];
  for (const uri of manifest.keys()) {
    const date = dateFromPath(uri);
    const file = { uri, size: 0, version: '', ...(date ? { date } : {}) };
    if (uri.startsWith(folder) && !listed.has(uri) && inRange(file, range)) out.push(uri);
  }
  return out;
}
