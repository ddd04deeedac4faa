// HARMONIZE_TRACE_SQL=1 prints every statement's wall time, the process's CPU time meanwhile (every
// engine thread; a worker's too), when it started (ms since the process did: the gaps between
// statements are the time spent in Node) and the start of its SQL text to stderr, for finding
// where a run spends its time, and the first line of the error of a statement that failed. SQL
// text never holds values (they are parameters).
const enabled = Boolean(process.env.HARMONIZE_TRACE_SQL);

/** Runs fn, and when tracing is on prints how long it took under the given SQL text. */
export async function traced<T>(sql: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!enabled || sql === undefined) return fn();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let failure = '';
  try {
    return await fn();
  } catch (e) {
    failure = ` FAILED: ${(e as Error).message?.split('\n')[0] ?? String(e)}`;
    throw e;
  } finally {
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    const text = sql.replace(/\s+/g, ' ').slice(0, 160);
    process.stderr.write(
      `[sql ${(performance.now() - t0).toFixed(1)} ms, cpu ${cpu.toFixed(0)} ms, at ${t0.toFixed(0)} ms] ${text}${failure}\n`,
    );
  }
}

/** Prints a note among the traced statements when tracing is on. */
export function traceNote(text: string): void {
  if (enabled) process.stderr.write(`[note at ${performance.now().toFixed(0)} ms] ${text}\n`);
}
