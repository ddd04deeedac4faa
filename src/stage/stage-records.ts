// Stage one kind of record: raw files → parse and validate in the warehouse → good rows into the
// staging table with lineage, bad ones into rejected_records with file, line, reason and raw text.
// Returns per-file counts so the manifest and the run summary can account for every record.
import type { RecordSpec } from '../model/records.js';
import { rejectedRecords } from '../model/tables.js';
import type { RawFile, Warehouse } from '../warehouse/warehouse.js';

export interface StageCounts {
  staged: number;
  rejected: number;
  perFile: Map<string, { staged: number; rejected: number }>;
}

export async function stageRecords(
  wh: Warehouse,
  spec: RecordSpec,
  files: RawFile[],
  runId: string,
): Promise<StageCounts> {
  const counts: StageCounts = { staged: 0, rejected: 0, perFile: new Map() };
  if (files.length === 0) return counts;
  const d = wh.dialect;
  const q = d.quoteId;
  const parsed = q(`_hz_parsed_${spec.kind}`);
  const rel = await wh.rawRecords(files);
  try {
    await wh.execute(`DROP TABLE IF EXISTS ${parsed}`);
    await wh.execute(`CREATE TEMPORARY TABLE ${parsed} AS ${d.parseRecords(rel.sql, spec)}`, rel.params);
    const cols = spec.fields.map((f) => q(f.column)).join(', ');
    await wh.execute(
      `INSERT INTO ${d.table(spec.table.name)} (${cols}, "_source_file", "_source_line", "_run_id")
       SELECT ${cols}, source_file, source_line, ${d.param(1)} FROM ${parsed} WHERE reason IS NULL`,
      [runId],
    );
    // Fresh statistics let the planner join the new rows well in the transforms that follow.
    const analyze = d.analyze(d.table(spec.table.name));
    if (analyze) await wh.execute(analyze);
    await wh.execute(
      `INSERT INTO ${d.table(rejectedRecords.name)} (run_id, kind, source_file, source_line, reason, message, raw)
       SELECT ${d.param(1)}, ${d.param(2)}, source_file, source_line, reason, message, raw FROM ${parsed} WHERE reason IS NOT NULL`,
      [runId, spec.kind],
    );
    const rows = await wh.query<{ source_file: string; staged: number; rejected: number }>(
      `SELECT source_file, sum(CASE WHEN reason IS NULL THEN 1 ELSE 0 END) AS staged,
              sum(CASE WHEN reason IS NULL THEN 0 ELSE 1 END) AS rejected
       FROM ${parsed} GROUP BY source_file`,
    );
    for (const r of rows) {
      const c = { staged: Number(r.staged), rejected: Number(r.rejected) };
      counts.perFile.set(r.source_file, c);
      counts.staged += c.staged;
      counts.rejected += c.rejected;
    }
  } finally {
    await wh.execute(`DROP TABLE IF EXISTS ${parsed}`);
    await rel.dispose();
  }
  return counts;
}
