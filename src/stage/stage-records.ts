// Stage one kind of record: raw files → parse and validate → good rows into the staging table
// with lineage, bad ones into rejected_records with file, line, reason and raw text. Files go in
// batches of bounded size, so the raw records held at once stay bounded whatever the input. An
// engine with a typed bulk path (Warehouse.loadTypedRecords) loads the plain records itself and
// leaves only the rest to the SQL parse. A raw relation is parsed once for its good rows; only
// when some records did not make it (its record count tells) is it parsed again for the rejects.
// Returns per-file counts so the manifest and the run summary can account for every record.
import type { RecordSpec } from '../model/records.js';
import { rejectedRecords } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { RawFile, RawRelation, Warehouse } from '../warehouse/warehouse.js';

export interface StageCounts {
  staged: number;
  rejected: number;
  perFile: Map<string, { staged: number; rejected: number }>;
}

export interface StageOptions {
  /** Upper bound of the file bytes staged per batch (default: the engine's stageBatchBytes). */
  batchBytes?: number;
}

/**
 * Consecutive runs of files whose sizes add up to at most limit (at least one file each), as even
 * as the files allow: 369 MiB with a limit of 256 MiB go as two batches of about 185 MiB, not 256 and
 * 113 — the small last batch's parse left a core idle for much of its time.
 */
export function batchFiles(files: RawFile[], limit: number): RawFile[][] {
  const total = files.reduce((n, f) => n + (f.bytes ?? 0), 0);
  // Sizes unknown (all 0): no even share to aim at, only the limit.
  const target = total > 0 ? total / Math.ceil(total / limit) : Infinity;
  const batches: RawFile[][] = [];
  let current: RawFile[] = [];
  let bytes = 0;
  for (const f of files) {
    const size = f.bytes ?? 0;
    if (current.length > 0 && (bytes + size > limit || bytes >= target)) {
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

interface Parsed {
  staged: number;
  /** Records per file of the relation (not counted when its total was given), and the rejected ones. */
  records: Map<string, number>;
  rejected: Map<string, number>;
}

/** The relation's records per file and in all. */
async function countRecords(
  wh: Warehouse,
  rel: RawRelation,
): Promise<{ records: Map<string, number>; total: number }> {
  const perFile = await wh.query<{ source_file: string; n: number }>(
    `SELECT source_file, count(*) AS n FROM (${rel.sql}) r GROUP BY source_file`,
    rel.params,
  );
  const records = new Map(perFile.map((r) => [r.source_file, Number(r.n)]));
  return { records, total: perFile.reduce((n, r) => n + Number(r.n), 0) };
}

/**
 * Parses a raw relation: the good records into staging, the others into rejected_records. With
 * known, the relation's record count is taken as given and its records per file are not counted.
 */
async function parseInto(
  wh: Warehouse,
  spec: RecordSpec,
  rel: RawRelation,
  runId: string,
  known?: number,
): Promise<Parsed> {
  const d = wh.dialect;
  const { records, total } =
    known === undefined ? await countRecords(wh, rel) : { records: new Map<string, number>(), total: known };
  const cols = spec.fields.map((f) => d.quoteId(f.column)).join(', ');
  const parsed = d.parseRecords(rel.sql, spec);
  const staged = await wh.execute(
    `INSERT INTO ${d.table(spec.table.name)} (${cols}, "_source_file", "_source_line", "_run_id")
     SELECT ${cols}, source_file, source_line, ${d.param(rel.params.length + 1)} FROM (${parsed}) p WHERE reason IS NULL`,
    [...rel.params, runId],
  );
  const rejected =
    staged < total ? await insertRejects(wh, spec, parsed, rel, runId) : new Map<string, number>();
  return { staged, records, rejected };
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

async function withRelation<T>(rel: RawRelation, fn: (rel: RawRelation) => Promise<T>): Promise<T> {
  try {
    return await fn(rel);
  } finally {
    await rel.dispose();
  }
}

/** One batch, typed where the engine can, parsed in SQL otherwise; counts added to counts. */
async function stageBatch(
  wh: Warehouse,
  spec: RecordSpec,
  batch: RawFile[],
  runId: string,
  counts: StageCounts,
): Promise<void> {
  const none: Parsed = { staged: 0, records: new Map(), rejected: new Map() };
  let records: Map<string, number>;
  let p: Parsed;
  const columns = spec.fields.map((f) => wh.dialect.quoteId(f.column));
  const target = { table: wh.dialect.table(spec.table.name), columns, spec, runId };
  const typed = await wh.loadTypedRecords?.(batch, target);
  if (typed) {
    records = typed.records;
    const known = typed.restRecords;
    p = typed.rest ? await withRelation(typed.rest, (rel) => parseInto(wh, spec, rel, runId, known)) : none;
    p.staged += typed.loaded;
  } else {
    p = await withRelation(await wh.rawRecords(batch), (rel) => parseInto(wh, spec, rel, runId));
    records = p.records;
  }
  for (const [file, n] of records) {
    const bad = p.rejected.get(file) ?? 0;
    counts.perFile.set(file, { staged: n - bad, rejected: bad });
    counts.rejected += bad;
  }
  counts.staged += p.staged;
}

export async function stageRecords(
  wh: Warehouse,
  spec: RecordSpec,
  files: RawFile[],
  runId: string,
  opts: StageOptions = {},
): Promise<StageCounts> {
  const counts: StageCounts = { staged: 0, rejected: 0, perFile: new Map() };
  for (const batch of batchFiles(files, opts.batchBytes ?? wh.capabilities.stageBatchBytes))
    await stageBatch(wh, spec, batch, runId, counts);
  await analyzeStaged(wh, spec.table, counts.staged);
  return counts;
}

/** Refreshes the statistics of a staging table that gained `added` rows (none: nothing to do). */
export async function analyzeStaged(wh: Warehouse, t: Table, added: number): Promise<void> {
  // Fresh statistics let the planner join the new rows well in the transforms that follow, however
  // few: a run's rows the statistics do not know are planned as one row. When this was skipped for
  // a day under a tenth of the table, the generated ×100's day (28k events) went through a nested
  // loop on PostgreSQL that ran the song lookup once per event: 170 s instead of 1.4 s. A small
  // load refreshes the columns a run's rows are found by (blockKeys), a large one every column.
  const keys = t.blockKeys;
  const analyze = wh.dialect.analyze(wh.dialect.table(t.name), keys ? { added, columns: keys } : undefined);
  if (added > 0 && analyze) await wh.execute(analyze);
}
