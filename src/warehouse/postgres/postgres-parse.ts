// Parse-and-validate SQL for PostgreSQL. Each raw line becomes jsonb once, through hz_try_jsonb (a
// per-session pg_temp function that returns NULL instead of failing the statement), behind an
// OFFSET 0 fence so the planner cannot repeat it; fields are coerced as DuckDB does
// (postgres-coerce.ts) and the reasons are checked in the DuckDB dialect's order.
import type { FieldSpec, RecordSpec } from '../../model/records.js';
import { quoteIdent, rejectMessageSql, sqlString } from '../sql-common.js';
import { fieldValue, kind, type FieldInput } from './postgres-coerce.js';

/**
 * pg_temp.hz_try_jsonb(text): the jsonb of a line, or NULL when it is not JSON. The lines that reach
 * the SQL parse are the ones the typed COPY left (typed-records.ts), mostly odd or broken ones. From
 * PostgreSQL 16, pg_input_is_valid tests a line without raising an error; before it, a PL/pgSQL
 * exception block catches the failing cast. On PostgreSQL 18, 200,000 lines cut short: 0.25 s
 * tested against 1.07 s caught; 200,000 good lines: 0.51 s against 0.36 s (a good line is parsed
 * twice). PL/pgSQL, not an SQL function: the planner folded the cast of a constant line in an SQL
 * function's CASE before the test ran, and failed on it.
 */
export function tryJsonbFunctionSql(serverVersionNum: number): string {
  const head = 'CREATE OR REPLACE FUNCTION pg_temp.hz_try_jsonb(t text) RETURNS jsonb';
  return serverVersionNum >= 160000
    ? `${head} LANGUAGE plpgsql STABLE STRICT AS $$ BEGIN IF pg_input_is_valid(t, 'jsonb') THEN RETURN t::jsonb; END IF; RETURN NULL; END $$`
    : `${head} LANGUAGE plpgsql IMMUTABLE STRICT AS $$ BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$`;
}

/**
 * DuckDB also reads trailing commas and bare NaN/Infinity/inf/nan. Lines that fail the strict cast
 * and show one of those get a second chance: outside strings, the comma goes and the literal
 * becomes a string as written (a double field then reads it as DuckDB does, a text field keeps it).
 */
const lenientCandidate = `',[[:space:]]*[]}]|\\m(nan|inf|infinity)\\M'`;
const lenientText = `(SELECT string_agg(CASE WHEN left(m.t[1], 1) = '"' THEN m.t[1] ELSE regexp_replace(regexp_replace(m.t[1],
    '([^{[,[:space:]]|^)([[:space:]]*),(?=[[:space:]]*[]}])', '\\1\\2', 'g'), '(-?\\m(nan|inf|infinity)\\M)', '"\\1"', 'gi') END, '' ORDER BY m.n)
  FROM regexp_matches(raw, '"(?:[^"\\\\]|\\\\.)*"|[^"]+|"', 'g') WITH ORDINALITY AS m(t, n))`;

const jsonOf = `coalesce(pg_temp.hz_try_jsonb(raw), CASE WHEN raw ~* ${lenientCandidate} THEN pg_temp.hz_try_jsonb(${lenientText}) END)`;

const isText = (f: FieldSpec) => f.type === 'text';

/** 'reason:key', or NULL for a good record: the same checks in the same order as DuckDB's. */
function reasonCase(spec: RecordSpec): string {
  const col = (f: FieldSpec) => quoteIdent(f.column);
  const absent = (f: FieldSpec) => `coalesce(${kind(f)}, 'null') = 'null'`;
  const whens = [
    `WHEN j IS NULL THEN 'invalid_json:'`,
    `WHEN jsonb_typeof(j) <> 'object' THEN 'not_object:'`,
    ...spec.fields
      .filter((f) => f.required)
      .map(
        (f) =>
          `WHEN ${col(f)} IS NULL THEN CASE WHEN ${absent(f)} THEN 'missing_field:${f.key}' ELSE 'bad_type:${f.key}' END`,
      ),
    ...spec.fields
      .filter((f) => !isText(f))
      .map((f) => `WHEN ${col(f)} IS NULL AND NOT ${absent(f)} THEN 'bad_type:${f.key}'`),
    ...spec.fields
      .filter(isText)
      .map(
        (f) =>
          `WHEN ascii(${col(f)}) IN (91, 123) AND ${kind(f)} IN ('object', 'array') THEN 'bad_type:${f.key}'`,
      ),
  ];
  return `CASE ${whens.join('\n    ')} END`;
}

/** Each field's text (and JSON type, for non-text fields), looked up once per row. */
function inputs(spec: RecordSpec): FieldInput[] {
  return spec.fields.map((f, i) => ({ f, text: `t${i}`, type: isText(f) ? kind(f) : `k${i}` }));
}

export function parseRecordsSql(relation: string, spec: RecordSpec): string {
  const ins = inputs(spec);
  const cols = spec.fields.map((f) => quoteIdent(f.column)).join(', ');
  const lookups = ins.flatMap((x) => [
    `j ->> ${sqlString(x.f.key)} AS ${x.text}`,
    ...(isText(x.f) ? [] : [`${kind(x.f)} AS ${x.type}`]),
  ]);
  const values = ins.map((x) => `${fieldValue(x)} AS ${quoteIdent(x.f.column)}`).join(',\n  ');
  const parsed = `SELECT source_file, source_line, raw, ${jsonOf} AS j FROM (${relation}) r OFFSET 0`;
  const extracted = `SELECT source_file, source_line, raw, j, ${lookups.join(', ')} FROM (${parsed}) p OFFSET 0`;
  const typed = `SELECT source_file, source_line, raw, j,\n  ${values}\nFROM (${extracted}) e OFFSET 0`;
  // No fence here: re-evaluating the reason CASE where it is used costs less than another
  // projection of every row (measured: 12.5 s instead of 14.6 s for 806k events).
  const reasoned = `SELECT *, ${reasonCase(spec)} AS rf FROM (${typed}) v`;
  const split = `SELECT *, split_part(rf, ':', 1) AS reason, split_part(rf, ':', 2) AS field FROM (${reasoned}) q`;
  return `SELECT source_file, source_line, ${cols}, reason,
  CASE WHEN reason IS NOT NULL THEN ${rejectMessageSql()} END AS message,
  CASE WHEN reason IS NOT NULL THEN raw END AS raw
FROM (${split}) s`;
}
