// The plain records Node can read exactly as the warehouse's parse would, for engines that load
// typed rows over COPY: JSON.parse, then for every field of the spec a value of the one JSON type
// whose reading is the same everywhere — text fields strings, integer fields integers within the
// range JavaScript holds exactly, double fields finite numbers — or null/absent for an optional
// field. Anything else (a rejected record, a numeric string, a boolean, a big or fractional
// integer, a nested value, DuckDB's lenient JSON, \u0000 or a lone surrogate) is left to the
// engine's SQL parse, which gives every reason code and coercion. So the fast path changes how
// fast a record loads, never what it loads as.
import type { FieldSpec, RecordSpec } from '../model/records.js';

/** A typed value ready for the engine: a string, a number, or null. */
export type TypedValue = string | number | null;

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** \u0000 and UTF-16 surrogate escapes: engines differ on them, so they take the SQL path. */
const awkwardEscape = /\\u(?:0000|[dD][89a-fA-F])/;

function fieldValue(f: FieldSpec, v: unknown): TypedValue | undefined {
  if (v === null || v === undefined) return f.required ? undefined : null;
  switch (f.type) {
    case 'text':
      return typeof v === 'string' ? v : undefined;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX ? v : undefined;
    case 'bigint':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
    case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    default:
      return undefined;
  }
}

/** The field values of a plain record, in spec order; undefined when the SQL parse must decide. */
export function typedRecord(spec: RecordSpec, raw: string): TypedValue[] | undefined {
  if (raw.charCodeAt(0) !== 0x7b || (raw.includes('\\u') && awkwardEscape.test(raw))) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  const out: TypedValue[] = new Array<TypedValue>(spec.fields.length);
  for (let i = 0; i < spec.fields.length; i++) {
    const f = spec.fields[i] as FieldSpec;
    const v = fieldValue(f, Object.hasOwn(rec, f.key) ? rec[f.key] : undefined);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}
