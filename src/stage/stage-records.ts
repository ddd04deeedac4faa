// Stage one kind of record: raw files → parse and validate in the warehouse → good rows into the
// staging table with lineage, bad ones into rejected_records with file, line, reason and raw text.
// Files go in batches of bounded size, so the raw records held at once stay bounded whatever the
// input. A batch is parsed once for its good rows; only when some records did not make it (the
// record count of the raw relation tells) is it parsed again for the rejects. Returns per-file
// counts so the manifest and the run summary can account for every record.
import type { RecordSpec } from '../model/records.js';
import { rejectedRecords } from '../model/tables.js';
import type { RawFile, RawRelation, Warehouse } from '../warehouse/warehouse.js';

export interface StageCounts {
  staged: number;
  rejected: number;
  perFile: Map<string, { staged: number; rejected: number }>;
}

export interface StageOptions {
  /** Upper bound of the file bytes staged per batch (default 512 MiB; a bigger file is one batch). */
  batchBytes?: number;
}

const DEFAULT_BATCH_BYTES = 512 * 1024 * 1024;

/** Consecutive runs of files whose sizes add up to at most limit (at least one file each). */
export function batchFiles(files: RawFile[], limit: number): RawFile[][] {
  const batches: RawFile[][] = [];
  let current: RawFile[] = [];
  let bytes = 0;
  for (const f of files) {
    const size = f.bytes ?? 0;
    if (current.length > 0 && bytes + size > limit) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function stageBatch(
  wh: Warehouse,
  spec: RecordSpec,
  rel: RawRelation,
  runId: string,
  counts: StageCounts,
): Promise<void> {
  const d = wh.dialect;
  const q = d.quoteId;
  const perFile = await wh.query<{ source_file: string; n: number }>(
    `SELECT source_file, count(*) AS n FROM (${rel.sql}) r GROUP BY source_file`,
    rel.params,
  );
  const records = perFile.reduce((n, r) => n + Number(r.n), 0);
  const cols = spec.fields.map((f) => q(f.column)).join(', ');
  const parsed = d.parseRecords(rel.sql, spec);
  const p = rel.params.length;
  const staged = await wh.execute(
    `INSERT INTO ${d.table(spec.table.name)} (${cols}, "_source_file", "_source_line", "_run_id")
     SELECT ${cols}, source_file, source_line, ${d.param(p + 1)} FROM (${parsed}) p WHERE reason IS NULL`,
    [...rel.params, runId],
  );
  const rejected =
    staged < records ? await insertRejects(wh, spec, parsed, rel, runId) : new Map<string, number>();
  for (const r of perFile) {
    const bad = rejected.get(r.source_file) ?? 0;
    counts.perFile.set(r.source_file, { staged: Number(r.n) - bad, rejected: bad });
  }
  counts.staged += staged;
  counts.rejected += records - staged;
}

/** The second parse, for the records the first one did not stage; returns rejects per file. */
async function insertRejects(
  wh: Warehouse,
  spec: RecordSpec,
  parsed: string,
  rel: RawRelation,
  runId: string,
): Promise<Map<string, number>> {
  const d = wh.dialect;
  const rejects = d.quoteId(`_hz_rejects_${spec.kind}`);
  await wh.execute(`DROP TABLE IF EXISTS ${rejects}`);
  await wh.execute(
    `CREATE TEMPORARY TABLE ${rejects} AS SELECT source_file, source_line, reason, message, raw FROM (${parsed}) p WHERE reason IS NOT NULL`,
    rel.params,
  );
  try {
    await wh.execute(
      `INSERT INTO ${d.table(rejectedRecords.name)} (run_id, kind, source_file, source_line, reason, message, raw)
       SELECT ${d.param(1)}, ${d.param(2)}, source_file, source_line, reason, message, raw FROM ${rejects}`,
      [runId, spec.kind],
    );
    const rows = await wh.query<{ source_file: string; n: number }>(
      `SELECT source_file, count(*) AS n FROM ${rejects} GROUP BY source_file`,
    );
    return new Map(rows.map((r) => [r.source_file, Number(r.n)]));
  } finally {
    await wh.execute(`DROP TABLE IF EXISTS ${rejects}`);
  }
}

export async function stageRecords(
  wh: Warehouse,
  spec: RecordSpec,
  files: RawFile[],
  runId: string,
  opts: StageOptions = {},
): Promise<StageCounts> {
  const counts: StageCounts = { staged: 0, rejected: 0, perFile: new Map() };
  for (const batch of batchFiles(files, opts.batchBytes ?? DEFAULT_BATCH_BYTES)) {
    const rel = await wh.rawRecords(batch);
    try {
      await stageBatch(wh, spec, rel, runId, counts);
    } finally {
      await rel.dispose();
    }
  }
  // Fresh statistics let the planner join the new rows well in the transforms that follow.
  const analyze = wh.dialect.analyze(wh.dialect.table(spec.table.name));
  if (counts.staged > 0 && analyze) await wh.execute(analyze);
  return counts;
}
