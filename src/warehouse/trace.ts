// HARMONIZE_TRACE_SQL=1 prints every statement's duration and first line of SQL text to stderr, for
// finding where a run spends its time. SQL text never holds values (they are parameters).
export const traceSql: ((sql: string, ms: number) => void) | undefined = process.env.HARMONIZE_TRACE_SQL
  ? (sql, ms) => process.stderr.write(`[sql ${ms.toFixed(1)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`)
  : undefined;
