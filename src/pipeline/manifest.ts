// The manifest (harmonize_files): every source file loaded, with its size, cheap version, content
// fingerprint, run and record counts. It is what makes re-runs incremental.
import type { ManifestEntry } from '../extract/plan.js';
import type { FileKind } from '../extract/source.js';
import { insertRows } from '../warehouse/insert-rows.js';
import type { SqlValue, Warehouse } from '../warehouse/warehouse.js';

interface ManifestRecord {
  source_file: string;
  kind: FileKind;
  size: number;
  version: string;
  fingerprint: string;
}

/** Every loaded file of each kind, in one query (read as one JSON value: see jsonRows). */
export async function readManifests(wh: Warehouse): Promise<Record<FileKind, Map<string, ManifestEntry>>> {
  const d = wh.dialect;
  const cols = ['source_file', 'kind', 'size', 'version', 'fingerprint'];
  const [row] = await wh.query<{ j: string }>(d.jsonRows(cols, d.table('harmonize_files')));
  const rows = JSON.parse(row?.j ?? '[]') as ManifestRecord[];
  const out: Record<FileKind, Map<string, ManifestEntry>> = { song: new Map(), event: new Map() };
  for (const r of rows)
    out[r.kind]?.set(r.source_file, { size: Number(r.size), version: r.version, fingerprint: r.fingerprint });
  return out;
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

/** Replaces the manifest rows of these files. */
export async function writeManifest(wh: Warehouse, runId: string, rows: ManifestRow[]): Promise<void> {
  if (rows.length === 0) return;
  const d = wh.dialect;
  const table = d.table('harmonize_files');
  const tmp = d.quoteId('_hz_manifest');
  await wh.execute(`DROP TABLE IF EXISTS ${tmp}`);
  await wh.execute(`CREATE TEMPORARY TABLE ${tmp} (source_file ${d.type('text')})`);
  await insertRows(
    wh,
    tmp,
    ['source_file'],
    rows.map((r) => [r.uri]),
  );
  await wh.execute(`DELETE FROM ${table} WHERE source_file IN (SELECT source_file FROM ${tmp})`);
  await wh.execute(`DROP TABLE ${tmp}`);
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
