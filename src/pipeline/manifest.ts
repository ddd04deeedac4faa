// The manifest (harmonize_files): every source file loaded, with its size, cheap version, content
// fingerprint, run and record counts. It is what makes re-runs incremental.
import type { Manifest, ManifestEntry } from '../extract/plan.js';
import type { FileKind } from '../extract/source.js';
import { fileNamesTable, insertRows } from '../warehouse/insert-rows.js';
import { readTextColumns } from '../warehouse/text-columns.js';
import type { SqlValue, Warehouse } from '../warehouse/warehouse.js';

interface ManifestRecord {
  source_file: string;
  kind: FileKind;
  size: number;
  version: string;
}

/**
 * Files looked up or deleted by name, as parameters; for more, the fingerprints are read whole and
 * the deletions go through a temporary table of names.
 */
const NAMED_LOOKUP = 500;

/**
 * Every loaded file of each kind, in one query (read as a few text values: see text-columns.ts;
 * as one JSON value when a name holds the separator). Fingerprints are left out, to be read for
 * the few files that need them: they were a third of the text (×100 sample, 10,100 files: 13–17
 * ms without them against 25–42 ms with, 76 ms on a first read).
 */
export async function readManifests(wh: Warehouse): Promise<Record<FileKind, Manifest>> {
  const entries: Record<FileKind, Map<string, ManifestEntry>> = { song: new Map(), event: new Map() };
  const add = (file: string, kind: string, size: unknown, version: string) =>
    entries[kind as FileKind]?.set(file, { size: Number(size), version });
  const d = wh.dialect;
  const cols = ['source_file', 'kind', 'size', 'version'];
  const table = d.table('harmonize_files');
  const text = await readTextColumns(wh, cols, table);
  if (text) {
    const [files = [], kinds = [], sizes = [], versions = []] = text;
    files.forEach((f, i) => add(f, kinds[i] as string, sizes[i], versions[i] as string));
  } else {
    const [row] = await wh.query<{ j: string }>(d.jsonRows(cols, table));
    for (const r of JSON.parse(row?.j ?? '[]') as ManifestRecord[])
      add(r.source_file, r.kind, r.size, r.version);
  }
  const fingerprints = (uris: string[]) => storedFingerprints(wh, uris);
  return { song: { entries: entries.song, fingerprints }, event: { entries: entries.event, fingerprints } };
}

/** The fingerprints the manifest holds for these files (absent ones are left out). */
async function storedFingerprints(wh: Warehouse, uris: string[]): Promise<Map<string, string>> {
  const d = wh.dialect;
  const table = d.table('harmonize_files');
  const named = uris.length <= NAMED_LOOKUP;
  const from = named
    ? `(SELECT source_file, fingerprint FROM ${table} WHERE source_file IN (${uris.map((_, i) => d.param(i + 1)).join(', ')})) f`
    : table;
  const [row] = await wh.query<{ j: string }>(
    d.jsonRows(['source_file', 'fingerprint'], from),
    named ? uris : [],
  );
  const wanted = new Set(uris);
  const rows = JSON.parse(row?.j ?? '[]') as { source_file: string; fingerprint: string }[];
  return new Map(rows.filter((r) => wanted.has(r.source_file)).map((r) => [r.source_file, r.fingerprint]));
}

export interface ManifestRow {
  uri: string;
  kind: FileKind;
  size: number;
  version: string;
  fingerprint: string;
  records: number;
  rejects: number;
}

/**
 * Replaces the manifest rows of these files; with `all`, the whole manifest (a fresh load: no
 * list of names to delete by, ×100 sample 25 ms less).
 */
export async function writeManifest(
  wh: Warehouse,
  runId: string,
  rows: ManifestRow[],
  opts: { all?: boolean } = {},
): Promise<void> {
  const d = wh.dialect;
  const table = d.table('harmonize_files');
  if (opts.all) await wh.execute(`DELETE FROM ${table}`);
  if (rows.length === 0) return;
  if (!opts.all && rows.length <= NAMED_LOOKUP) {
    // A daily run's few files: one statement instead of a temporary table's five.
    const names = rows.map((_, i) => d.param(i + 1)).join(', ');
    await wh.execute(
      `DELETE FROM ${table} WHERE source_file IN (${names})`,
      rows.map((r) => r.uri),
    );
  } else if (!opts.all) {
    const tmp = await fileNamesTable(
      wh,
      '_hz_manifest',
      rows.map((r) => r.uri),
    );
    await wh.execute(`DELETE FROM ${table} WHERE source_file IN (SELECT source_file FROM ${tmp})`);
    await wh.execute(`DROP TABLE ${tmp}`);
  }
  const values: SqlValue[][] = rows.map((r) => [
    r.uri,
    r.kind,
    r.size,
    r.version,
    r.fingerprint,
    runId,
    r.records,
    r.rejects,
  ]);
  await insertRows(
    wh,
    table,
    ['source_file', 'kind', 'size', 'version', 'fingerprint', 'run_id', 'records', 'rejects'],
    values,
  );
}

/** Records a new cheap version for files whose content did not change (e.g. touched). */
export async function touchManifest(
  wh: Warehouse,
  touched: { uri: string; version: string }[],
): Promise<void> {
  const d = wh.dialect;
  for (const t of touched) {
    await wh.execute(
      `UPDATE ${d.table('harmonize_files')} SET version = ${d.param(1)} WHERE source_file = ${d.param(2)}`,
      [t.version, t.uri],
    );
  }
}
