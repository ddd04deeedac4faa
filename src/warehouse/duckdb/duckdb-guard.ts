// What a DuckDB warehouse does after a statement failed: the driver's error as the one the user
// reads, and, after a failed COMMIT, the tables checked and mended before the next statement
// (the DuckDB 1.5.5 fault of duckdb-mend.ts).
import type { DuckDBConnection } from '@duckdb/node-api';
import { warehouseError } from '../../errors.js';
import { traceNote } from '../trace.js';
import { damagedTables, failedInCommit, rebuildTable } from './duckdb-mend.js';
import type { Runner } from './duckdb-raw-tables.js';

/** DuckDB's ways of saying it ran out of memory: in a statement, or in a COMMIT (no block left). */
const OUT_OF_MEMORY = /Out of Memory Error|Failed to commit: could not allocate|failed to pin block/i;

/**
 * A driver error as the warehouse reports it. Running out of memory under the cap, in a statement
 * or in its COMMIT, is the user's to fix, not a bug: a warehouse error (exit 3) saying how.
 */
export function duckdbError(e: unknown, memoryLimit: string, where: string): Error {
  const message = (e as Error).message;
  const first = message.split('\n')[0] ?? '';
  if (OUT_OF_MEMORY.test(message))
    return warehouseError(`DuckDB ran out of memory under its ${memoryLimit} cap (${first})`, {
      where,
      hint: 'raise the cap with ?memory_limit=2GB in the warehouse URL, or use fewer threads (&threads=1)',
      cause: e,
    });
  return new Error(`DuckDB: ${message}`, { cause: e });
}

const DROP_TABLE = /^\s*DROP\s+TABLE\b/i;

/**
 * Told of every failed statement. After a failed COMMIT, ready() checks every table before the
 * next call's statements, and rebuilds the damaged ones; the warehouse calls it outside
 * transactions only, where the failed one has ended, and a call runs its statements to the end
 * before it returns, so nothing else writes meanwhile. A check that fails (out of memory still)
 * fails that call, and the next call checks again. A rebuild that fails fails every later call: an
 * append to a damaged table would write wrong values, and the file holds what was committed.
 */
export class CommitGuard {
  private due = false;
  private mending: Promise<void> | undefined;
  private broken: Error | undefined;

  constructor(private readonly o: { conn: DuckDBConnection; run: Runner; where: string }) {}

  failed(e: unknown): void {
    if (failedInCommit(e)) this.due = true;
  }

  /**
   * Before a call's statements. A DROP TABLE goes ahead unmended: it appends to no table, and a
   * damaged table it drops (a fresh load's shadow, say) then needs no rebuild.
   */
  async ready(sql?: string): Promise<void> {
    if (this.broken) throw this.broken;
    if (!this.due || (sql !== undefined && DROP_TABLE.test(sql))) return;
    this.mending ??= this.mend().finally(() => (this.mending = undefined));
    await this.mending;
  }

  private async mend(): Promise<void> {
    const { conn, run, where } = this.o;
    for (const t of await damagedTables(conn, run)) {
      try {
        await rebuildTable(conn, run, t);
        traceNote(`${t.database}.${t.schema}.${t.name} rebuilt after a failed COMMIT`);
      } catch (e) {
        const first = (e as Error).message.split('\n')[0] ?? '';
        this.broken = warehouseError(
          `stopped: table ${t.name}, damaged in memory by a failed COMMIT, could not be rebuilt (${first})`,
          { where, hint: 'run again: the file holds what was committed before', cause: e },
        );
        throw this.broken;
      }
    }
    this.due = false;
  }
}
