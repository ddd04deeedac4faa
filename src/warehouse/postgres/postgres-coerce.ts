// One record field as PostgreSQL SQL, coerced the way DuckDB's from_json coerces it, from the jsonb
// column `j`. No cast here can fail and abort the statement: numbers are checked by JSON type, range
// and (for strings only) pattern, inside nested CASEs, the one construct whose evaluation order
// PostgreSQL guarantees. The common case (a value of the right JSON type) takes the cheapest path.
import type { FieldSpec } from '../../model/records.js';
import { sqlString } from '../sql-common.js';

export const node = (f: FieldSpec) => `(j -> ${sqlString(f.key)})`;
export const kind = (f: FieldSpec) => `jsonb_typeof${node(f)}`;
/** Only where kind(f) = 'number': jsonb holds numbers as numeric, so this never fails. */
const num = (f: FieldSpec) => `${node(f)}::numeric`;

/**
 * What a field's expression reads: `text` (j ->> key, extracted once a level below) and, for
 * non-text fields, `type` (its jsonb_typeof); the jsonb row `j` only on the rare slow paths.
 */
export interface FieldInput {
  f: FieldSpec;
  text: string;
  type: string;
}

/** A numeric string as DuckDB casts it: surrounding whitespace, sign, decimals, short exponent. */
const trimmed = (x: FieldInput) => `btrim(${x.text}, E' \\t\\n\\r')`;
const numericPattern = `'^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,4})?$'`;
const integerPattern = `'^-?[0-9]+$'`;
const dblMax = '1.7976931348623157e308';
/** Below half the smallest subnormal a double is 0; PostgreSQL would raise an underflow instead. */
const dblTiny = '2.4703282292062327e-324';

const intRange = {
  int: { sql: 'integer', lo: '-2147483648', hi: '2147483647', digits: 9 },
  bigint: { sql: 'bigint', lo: '-9223372036854775808', hi: '9223372036854775807', digits: 18 },
};
type IntRange = (typeof intRange)['int'];

/** A float8 from a numeric expression: beyond the range ±Infinity, below it 0, as DuckDB reads. */
const toDouble = (n: string) =>
  `CASE WHEN abs(${n}) > ${dblMax} THEN sign(${n})::float8 * 'Infinity'::float8 WHEN abs(${n}) <= ${dblTiny} THEN 0::float8 ELSE (${n})::float8 END`;

/** Dispatch on the JSON type; booleans count as 1/0 like DuckDB; null, objects and arrays are NULL. */
function byKind(x: FieldInput, sqlType: string, fromNumber: string, fromString: string): string {
  return `CASE ${x.type} WHEN 'number' THEN ${fromNumber} WHEN 'string' THEN ${fromString}
    WHEN 'boolean' THEN CASE WHEN ${node(x.f)} = 'true'::jsonb THEN 1 ELSE 0 END END`;
}

/**
 * Integers. The common case, a JSON integer of at most 9 or 18 characters (jsonb prints numbers
 * without exponents), is one cheap cast. Other JSON numbers: exact when written without a fraction,
 * else rounded half to even (DuckDB goes through a double); numeric strings round half away from
 * zero (DuckDB casts the text).
 */
function integerValue(x: FieldInput, r: IntRange): string {
  const n = num(x.f);
  const dbl = `${n}::float8`;
  const fromNumber = `CASE WHEN scale(${n}) = 0 THEN CASE WHEN ${n} BETWEEN ${r.lo} AND ${r.hi} THEN ${n}::${r.sql} END
      WHEN abs(${n}) < 1e300 THEN CASE WHEN ${dbl} >= ${r.lo} - 0.5 AND ${dbl} < ${r.hi} + 0.5 THEN (${dbl})::${r.sql} END END`;
  const rounded = `round(${trimmed(x)}::numeric)`;
  const fromString = `CASE WHEN ${trimmed(x)} ~ ${numericPattern} THEN
      CASE WHEN ${rounded} BETWEEN ${r.lo} AND ${r.hi} THEN ${rounded}::${r.sql} END END`;
  return `CASE WHEN ${x.type} = 'number' AND strpos(${x.text}, '.') = 0 AND octet_length(${x.text}) <= ${r.digits} THEN (${x.text})::${r.sql}
    ELSE CAST(${byKind(x, r.sql, fromNumber, fromString)} AS ${r.sql}) END`;
}

/**
 * Doubles. A JSON number of at most 300 characters is within range, so its text casts exactly;
 * strings may also say NaN, inf or infinity in any case, as DuckDB accepts.
 */
function doubleValue(x: FieldInput): string {
  const s = trimmed(x);
  const fromString = `CASE WHEN ${s} ~ ${numericPattern} THEN ${toDouble(`${s}::numeric`)}
      WHEN ${s} ~* '^[+-]?(inf|infinity)$' THEN CASE WHEN left(${s}, 1) = '-' THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END
      WHEN ${s} ~* '^[+-]?nan$' THEN 'NaN'::float8 END`;
  return `CASE WHEN ${x.type} = 'number' AND octet_length(${x.text}) <= 300 THEN (${x.text})::float8
    ELSE CAST(${byKind(x, 'double precision', toDouble(num(x.f)), fromString)} AS double precision) END`;
}

/**
 * Strings as they are, integers as written, other numbers as DuckDB prints a double (shortest form,
 * '.0' on whole numbers), true/false, objects and arrays as JSON (then bad_type). Only a value whose
 * text starts like a number (ASCII 45-57: '-', '.', '/', digits) pays for the JSON type check.
 */
function textValue(x: FieldInput): string {
  const dbl = `(${toDouble(num(x.f))})::text`;
  const printed = `CASE WHEN ${dbl} ~ ${integerPattern} THEN ${dbl} || '.0' ELSE ${dbl} END`;
  return `CASE WHEN ascii(${x.text}) BETWEEN 45 AND 57 AND ${kind(x.f)} = 'number' AND NOT ${x.text} ~ ${integerPattern} THEN
    CASE WHEN abs(${num(x.f)}) <= ${dblMax} THEN ${printed} ELSE ${x.text} END ELSE ${x.text} END`;
}

function boolValue(x: FieldInput): string {
  const s = `lower(${trimmed(x)})`;
  const fromString = `CASE WHEN ${s} IN ('true', 't', 'yes', 'y', '1') THEN true WHEN ${s} IN ('false', 'f', 'no', 'n', '0') THEN false END`;
  return `CASE ${x.type} WHEN 'boolean' THEN ${node(x.f)} = 'true'::jsonb WHEN 'number' THEN ${num(x.f)} <> 0
    WHEN 'string' THEN ${fromString} END`;
}

export function fieldValue(x: FieldInput): string {
  switch (x.f.type) {
    case 'int':
    case 'bigint':
      return integerValue(x, intRange[x.f.type]);
    case 'double':
      return doubleValue(x);
    case 'bool':
      return boolValue(x);
    case 'text':
      return textValue(x);
    case 'timestamp':
      throw new Error(`no JSON coercion for timestamp field ${x.f.key}`);
  }
}
