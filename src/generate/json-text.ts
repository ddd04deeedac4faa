// JSON text helpers that reproduce the byte style of the real Sparkify files:
// song files look like Python json.dumps (ASCII-only, lowercase \u escapes), log lines
// look like the eventsim/Java writer (ASCII-only escapes and "/" written as "\/").

const NON_ASCII = /[^\x20-\x7e]/g;

function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** A JSON string literal as Python's json.dumps(ensure_ascii=True) writes it. */
export function pyString(s: string): string {
  const quoted = JSON.stringify(s);
  // JSON.stringify already escaped control characters; only non-ASCII remains.
  return quoted.replace(NON_ASCII, escapeChar);
}

/** A JSON string literal as the event logs write it: ASCII-only and "/" escaped. */
export function logString(s: string): string {
  return pyString(s).replace(/\//g, '\\/');
}

/** A JSON string or null literal in log style. */
export function logStringOrNull(s: string | null): string {
  return s === null ? 'null' : logString(s);
}

/**
 * Rounds to 5 decimals and never yields an integral value, so the number prints the
 * same way in Python repr, JavaScript and Java (e.g. 246.30812, never "246").
 */
export function round5(x: number): number {
  let r = Math.round(x * 1e5) / 1e5;
  if (Number.isInteger(r)) r += 0.00001;
  return Math.round(r * 1e5) / 1e5;
}

/** A float as Python repr writes it (shortest round-trip form, integral ones with ".0"). */
export function pyFloat(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? s + '.0' : s;
}

/** A flat object serialised like Python json.dumps with the default separators. */
export function pyDumps(fields: ReadonlyArray<readonly [string, string | number | null]>): string {
  const parts = fields.map(([k, v]) => {
    let text: string;
    if (v === null) text = 'null';
    else if (typeof v === 'string') text = pyString(v);
    else text = String(v);
    return pyString(k) + ': ' + text;
  });
  return '{' + parts.join(', ') + '}';
}
