// Prints rows as an aligned table, CSV (RFC 4180) or JSON. Dates print as ISO-8601 UTC.
import { valueText } from '../text.js';

export type Format = 'table' | 'csv' | 'json';

const cell = valueText;

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function formatRows(rows: Record<string, unknown>[], format: Format, columns?: string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  if (format === 'json')
    return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  if (format === 'csv')
    return [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))]
      .map((l) => l.map(csvCell).join(','))
      .join('\n');
  const body = rows.map((r) => cols.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const widths = cols.map((c, i) =>
    Math.min(60, Math.max(c.length, ...body.map((b) => (b[i] ?? '').length))),
  );
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => fit(v, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(cols),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
