// One way to turn a value from the warehouse into text, for printing and for comparing check results.
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  return JSON.stringify(v);
}
