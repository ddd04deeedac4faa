// Data-quality checks as SQL that returns the failing rows, dbt-style. The built-in ones are
// generated from the schema model (keys unique and not null, references resolve, accepted values,
// tables not empty); users add their own in the config file, Airflow DataQualityOperator-style.
// With a scope, the checks of the tables that grow with every run (songplays, time) look only at
// what the run could have broken — its own rows, and rows that reference a key whose dimension row
// the run rebuilt — so a daily run's checks cost what its data costs, not what the warehouse holds.
import { starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { sqlString } from '../warehouse/sql-common.js';
import type { SqlValue } from '../warehouse/warehouse.js';

export interface CheckSpec {
  name: string;
  /** SQL returning failing rows; or, with `expected`, a query whose first value must equal it. */
  sql: string;
  params?: SqlValue[];
  expected?: string | number;
  /** Where a user-defined check came from (config file and section); its SQL errors are user errors. */
  source?: string;
}

/** What one run changed: its id (songplays._run_id) and the key lists of rebuilt dimension rows. */
export interface CheckScope {
  runId: string;
  /** A relation (column k) of the keys of `key` whose rows the run deleted or rebuilt. */
  affected: (key: string) => string;
  /**
   * The first and last start_time of the run's songplays, as the engine writes a timestamp as
   * text (runSpanSql; NO_SPAN when the run has none). Every scan of songplays and time is then
   * also bounded by it, which the engine can answer from per-block minimums and maximums instead
   * of reading the whole column (×100 history, one more day: a scan for the run's rows 2.5–7.5 ms
   * so, 1.1–1.6 ms bounded; the day's checks 34–46 ms so, 24–30 ms).
   */
  span: { from: string; to: string };
  /**
   * Star tables the run neither wrote nor deleted a row of (songs and artists when no song file
   * changed). Their checks passed on these very rows before and are left out: on a ×100 sample
   * day, seven of the 22 built-in checks, 13 ms of the 58 ms the 22 took run one by one.
   */
  untouched?: readonly string[];
}

/** A span no start_time falls in: the run made no songplays. */
export const NO_SPAN = { from: '9999-12-31 00:00:00', to: '0001-01-01 00:00:00' };

/** The first and last start_time of a run's songplays as text (parameter 1 = run id). */
export const runSpanSql = (d: SqlDialect): string =>
  `SELECT CAST(min(start_time) AS ${d.type('text')}) AS "from", CAST(max(start_time) AS ${d.type('text')}) AS "to"
   FROM ${d.table('songplays')} WHERE "_run_id" = ${d.param(1)}`;

/** start_time within the run's span (parameters 2 and 3). */
const inSpan = (d: SqlDialect, col: string) =>
  `${col} BETWEEN CAST(${d.param(2)} AS ${d.type('timestamp')}) AND CAST(${d.param(3)} AS ${d.type('timestamp')})`;

/**
 * Per table, the rows a run may have changed, as a predicate on alias c (parameters: run id, first
 * and last start_time of its songplays).
 */
function changedRows(d: SqlDialect, t: Table): string | undefined {
  const ofRun = `${inSpan(d, 'start_time')} AND "_run_id" = ${d.param(1)}`;
  if (t.name === 'songplays') return `${inSpan(d, 'c.start_time')} AND c."_run_id" = ${d.param(1)}`;
  if (t.name === 'time')
    return `${inSpan(d, 'c.start_time')} AND c.start_time IN (SELECT start_time FROM ${d.table('songplays')} WHERE ${ofRun})`;
  return undefined;
}

function tableChecks(d: SqlDialect, t: Table, scope?: CheckScope): CheckSpec[] {
  if (scope?.untouched?.includes(t.name)) return [];
  const q = d.quoteId;
  const name = d.table(t.name);
  const changed = scope ? changedRows(d, t) : undefined;
  const params = changed && scope ? [scope.runId, scope.span.from, scope.span.to] : undefined;
  const only = (extra = '') => (changed ? ` AND (${changed}${extra})` : '');
  const spec = (n: string, sql: string): CheckSpec => ({ name: n, sql, ...(params ? { params } : {}) });
  const checks: CheckSpec[] = [];
  if (t.primaryKey?.length && !d.enforcesPrimaryKeys) {
    const pk = t.primaryKey.map(q).join(', ');
    // Keys and their sort keys together: a key determines its sort key in every table of the model
    // (songplay_id hashes ts), and the sort key lets the engine skip the parts of a large table
    // outside the run's range.
    const near = [...new Set([...t.primaryKey, ...(t.sortKey ?? [])])].map(q);
    const probe = near.length === 1 ? near.join('') : `(${near.join(', ')})`;
    const spanned = near.includes(q('start_time')) ? `${inSpan(d, 'start_time')} AND ` : '';
    const keyOfChanged = changed
      ? ` WHERE ${spanned}${probe} IN (SELECT ${near.map((k) => `c.${k}`).join(', ')} FROM ${name} c WHERE ${changed})`
      : '';
    // Whole tables with a text key, where the engine hashes fast: only keys whose hash repeats are
    // grouped as they are (DuckDB, ×1000 songplays: 0.45–0.53 s against 0.59–0.74 s). A key of
    // fixed-width values is grouped as it is: hashing it gained nothing (×100 time table: 32–36 ms
    // grouped, 35–64 ms, and 128 ms on its first run, through the hash).
    const textKey = t.primaryKey.some((k) => t.columns.find((c) => c.name === k)?.type === 'text');
    const hash = textKey ? d.keyHash?.(t.primaryKey.map(q)) : undefined;
    const repeatedHash =
      hash && !changed
        ? ` WHERE ${hash} IN (SELECT h FROM (SELECT ${hash} AS h FROM ${name}) x GROUP BY h HAVING count(*) > 1)`
        : '';
    checks.push(
      spec(
        `${t.name}.${t.primaryKey.join('+')} unique`,
        `SELECT ${pk}, count(*) AS copies FROM ${name}${keyOfChanged}${repeatedHash} GROUP BY ${pk} HAVING count(*) > 1`,
      ),
    );
    const nulls = t.primaryKey.map((c) => `c.${q(c)} IS NULL`).join(' OR ');
    checks.push(
      spec(
        `${t.name}.${t.primaryKey.join('+')} not null`,
        `SELECT c.* FROM ${name} c WHERE (${nulls})${only()}`,
      ),
    );
  }
  for (const fk of t.foreignKeys ?? []) {
    const c = q(fk.column);
    const ref = fk.references;
    const resolves = (x: string) =>
      `EXISTS (SELECT 1 FROM ${d.table(ref.table)} p WHERE p.${q(ref.column)} = ${x})`;
    const broken = `c.${c} IS NOT NULL AND NOT ${resolves(`c.${c}`)}`;
    // A row of an earlier run breaks only when the run rebuilt the dimension row it references and
    // that row is gone: looked up from the (few) rebuilt keys, so that usually nothing is scanned.
    // Whole tables: the distinct keys missing from the parent, by EXCEPT, then their rows. On
    // DuckDB, ×1000 sample: songplays.start_time → time 0.32 s against 1.2–1.3 s for NOT EXISTS
    // per row, user_id 0.04 against 0.11 s.
    const dangling = `SELECT ${c} FROM ${name} WHERE ${c} IS NOT NULL EXCEPT SELECT ${q(ref.column)} FROM ${d.table(ref.table)}`;
    const sql =
      changed && scope
        ? `SELECT c.* FROM ${name} c WHERE (${changed}) AND ${broken}
           UNION ALL SELECT c.* FROM ${name} c WHERE NOT (${changed}) AND c.${c} IN
             (SELECT a.k FROM ${scope.affected(fk.column)} a WHERE NOT ${resolves('a.k')})`
        : `SELECT c.* FROM ${name} c WHERE c.${c} IN (${dangling})`;
    checks.push(spec(`${t.name}.${fk.column} references ${ref.table}.${ref.column}`, sql));
  }
  for (const [col, values] of Object.entries(t.acceptedValues ?? {})) {
    checks.push(
      spec(
        `${t.name}.${col} in (${values.join(', ')})`,
        `SELECT c.* FROM ${name} c WHERE c.${q(col)} IS NOT NULL AND c.${q(col)} NOT IN (${values.map(sqlString).join(', ')})${only()}`,
      ),
    );
  }
  if (t.mustHaveRows) {
    checks.push({
      name: `${t.name} has rows`,
      sql: `SELECT 'no rows' AS problem WHERE NOT EXISTS (SELECT 1 FROM ${name})`,
    });
  }
  return checks;
}

/** Every built-in check over whole tables, or, with a scope, over what one run changed. */
export function builtInChecks(d: SqlDialect, scope?: CheckScope): CheckSpec[] {
  return starTables.flatMap((t) => tableChecks(d, t, scope));
}
