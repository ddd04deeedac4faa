// JSON text as DuckDB reads it, for the Node-side record splitter: validity with DuckDB's leniency
// (trailing commas, bare NaN/Infinity/inf/nan) and the elements of a whole-file array as compact
// text. Engine-neutral; the SQL side of the same leniency is in each engine's parse.

function strictParses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const tokens = /"(?:[^"\\]|\\.)*"|[^"]+|"/g;
const trailingComma = /([^{[,\s]|^)(\s*),(?=\s*[\]}])/g;
const nonFinite = /-?\b(?:nan|inf|infinity)\b/gi;

/**
 * JSON as DuckDB reads it: also with trailing commas and bare NaN/Infinity/inf/nan. Outside
 * strings, those commas are dropped and the literals become null before a strict parse.
 */
export function parses(text: string): boolean {
  if (strictParses(text)) return true;
  const relaxed = text.replace(tokens, (t) =>
    t.startsWith('"') ? t : t.replace(trailingComma, '$1$2').replace(nonFinite, 'null'),
  );
  return relaxed !== text && strictParses(relaxed);
}

const isSpaceChar = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

/**
 * The elements of a valid JSON array (text starting with '[') as compact JSON: each element's own
 * text with the whitespace between tokens removed; string contents and number spellings are kept.
 */
export function arrayElements(json: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 1;
  let inString = false;
  for (let i = 1; i < json.length && depth > 0; i++) {
    const ch = json[i] as string;
    if (inString) {
      cur += ch === '\\' ? ch + (json[++i] ?? '') : ch;
      inString = ch !== '"';
    } else if (depth === 1 && (ch === ',' || ch === ']')) {
      if (cur !== '') out.push(cur);
      cur = '';
      if (ch === ']') depth = 0;
    } else if (!isSpaceChar(ch)) {
      if (ch === '[' || ch === '{') depth++;
      else if (ch === ']' || ch === '}') depth--;
      inString = ch === '"';
      cur += ch;
    }
  }
  return out;
}
