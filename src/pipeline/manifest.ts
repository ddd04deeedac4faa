// The manifest (harmonize_files): every source file loaded, with its size, cheap version, content
// fingerprint, run and record counts. It is what makes re-runs incremental.
import type { ManifestEntry } from '../extract/plan.js';
import type { FileKind } from '../extract/source.js';
import { insertRows } from '../warehouse/insert-rows.js';
import type { SqlValue, Warehouse } from '../warehouse/warehouse.js';

export async function readManifest(wh: Warehouse, kind: FileKind): Promise<Map<string, ManifestEntry>> {
  const rows = await wh.query<{ source_file: string; size: number; version: string; fingerprint: string }>(
    `SELECT source_file, size, version, fingerprint FROM ${wh.dialect.table('harmonize_files')} WHERE kind = ${wh.dialect.param(1)}`,
    [kind],
  );
  return new Map(
    rows.map((r) => [
      r.source_file,
      { size: Number(r.size), version: r.version, fingerprint: r.fingerprint },
    ]),
  );
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
