// A small INI reader for the classic dwh.cfg (Python configparser style): [SECTION], key = value or
// key: value, ; and # comments, quoted values unquoted, indented lines continue the previous value.
// Keys are case-insensitive (stored upper-case), as configparser treats them; section names keep
// their case and are looked up case-insensitively with section().
import { usageError } from '../errors.js';

export type Ini = Map<string, Map<string, string>>;

const unquote = (v: string) => (/^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v);

export function parseIni(text: string, file: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (/^\s*([;#].*)?$/.test(line)) return;
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) {
        section = new Map();
        ini.set((header[1] ?? '').trim(), section);
        lastKey = undefined;
        return;
      }
      if (/^\s/.test(line) && section && lastKey) {
        section.set(lastKey, `${section.get(lastKey) ?? ''}\n${line.trim()}`);
        return;
      }
      const kv = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (!kv || !section)
        throw usageError('not an INI line', {
          where: `${file}:${i + 1}`,
          hint: 'expected [SECTION] or KEY = value',
        });
      lastKey = (kv[1] ?? '').toUpperCase();
      section.set(lastKey, unquote((kv[2] ?? '').trim()));
    });
  for (const s of ini.values()) for (const [k, v] of s) s.set(k, unquote(v.trim()));
  return ini;
}

export function section(ini: Ini, name: string): Map<string, string> | undefined {
  for (const [k, v] of ini) if (k.toUpperCase() === name) return v;
  return undefined;
}
