// Typed rows straight into PostgreSQL's staging table. Node splits each file (record-splitter.ts)
// and reads every plain record itself (warehouse/typed-records.ts), so one COPY in PostgreSQL's text
// format carries finished rows and the server never builds jsonb for them — the cast that costs a
// bulk load most of its time. The records left over (rejects and unusual values) are copied,
// raw, into a temporary table afterwards for the SQL parse: a second pass over only the files
// that have any, so memory holds line numbers, never records.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { typedRecord, type TypedValue } from '../typed-records.js';
import { splitRecordBytes, type RecordBytes } from '../record-splitter.js';
import type { RawFile, TypedTarget } from '../warehouse.js';
import { copyRawRecords } from './postgres-raw.js';

export interface TypedCopyResult {
  /** Non-blank records per file, and how many of them went in typed. */
  records: Map<string, number>;
  typed: number;
  /** Per file, the lines left to the SQL parse. */
  leftOver: Map<RawFile, Set<number>>;
}

const special = /[\\\t\n\r]/;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: \N for NULL, backslash escapes for the four special characters. */
function text(v: TypedValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return special.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => escapes[c] ?? c) : v;
}

async function* typedRows(files: RawFile[], t: TypedTarget, result: TypedCopyResult): AsyncGenerator<string> {
  const run = `\t${text(t.runId)}\n`;
  for (const f of files) {
    const file = `\t${text(f.sourceFile)}\t`;
    const size = f.bytes === undefined ? {} : { size: f.bytes };
    let records = 0;
    for await (const batch of splitRecordBytes(f.localPath, { label: f.sourceFile, ...size })) {
      let out = '';
      for (const r of batch) {
        records++;
        const values = typedRecord(t.spec, r.bytes.toString('utf8'));
        if (!values) {
          leftOverOf(result, f).add(r.line);
          continue;
        }
        out += values.map(text).join('\t') + file + r.line + run;
        result.typed++;
      }
      if (out) yield out;
    }
    result.records.set(f.sourceFile, records);
  }
}

function leftOverOf(result: TypedCopyResult, f: RawFile): Set<number> {
  let lines = result.leftOver.get(f);
  if (!lines) result.leftOver.set(f, (lines = new Set()));
  return lines;
}

/** One COPY of every plain record of the files into the staging table. */
export async function copyTypedRecords(
  client: pg.Client,
  files: RawFile[],
  t: TypedTarget,
): Promise<TypedCopyResult> {
  const result: TypedCopyResult = { records: new Map(), typed: 0, leftOver: new Map() };
  const cols = [...t.columns, '"_source_file"', '"_source_line"', '"_run_id"'].join(', ');
  const copy = client.query(copyFrom(`COPY ${t.table} (${cols}) FROM STDIN`));
  await pipeline(Readable.from(typedRows(files, t, result)), copy);
  return result;
}

/** The left-over records, raw, into a table made with rawTableSql (a second pass over their files). */
export async function copyLeftOvers(client: pg.Client, table: string, leftOver: Map<RawFile, Set<number>>) {
  const files = [...leftOver.keys()];
  const keep = (f: RawFile, r: RecordBytes) => leftOver.get(f)?.has(r.line) === true;
  await copyRawRecords(client, table, files, undefined, keep);
}
