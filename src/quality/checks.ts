// Data-quality checks as SQL that returns the failing rows, dbt-style. The built-in ones are
// generated from the schema model (keys unique and not null, references resolve, accepted values,
// tables not empty); users add their own in the config file, Airflow DataQualityOperator-style.
import { starTables } from '../model/tables.js';
import type { Table } from '../model/types.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { sqlString } from '../warehouse/sql-common.js';

export interface CheckSpec {
  name: string;
  /** SQL returning failing rows; or, with `expected`, a query whose first value must equal it. */
  sql: string;
  expected?: string | number;
  /** Where a user-defined check came from (config file and section); its SQL errors are user errors. */
  source?: string;
}

function tableChecks(d: SqlDialect, t: Table): CheckSpec[] {
  const q = d.quoteId;
  const name = d.table(t.name);
  const checks: CheckSpec[] = [];
  if (t.primaryKey?.length) {
    const pk = t.primaryKey.map(q).join(', ');
    checks.push({
      name: `${t.name}.${t.primaryKey.join('+')} unique`,
      sql: `SELECT ${pk}, count(*) AS copies FROM ${name} GROUP BY ${pk} HAVING count(*) > 1`,
    });
    const nulls = t.primaryKey.map((c) => `${q(c)} IS NULL`).join(' OR ');
    checks.push({
      name: `${t.name}.${t.primaryKey.join('+')} not null`,
      sql: `SELECT * FROM ${name} WHERE ${nulls}`,
    });
  }
  for (const fk of t.foreignKeys ?? []) {
    const c = q(fk.column);
    const ref = fk.references;
    checks.push({
      name: `${t.name}.${fk.column} references ${ref.table}.${ref.column}`,
      sql: `SELECT c.* FROM ${name} c WHERE c.${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${d.table(ref.table)} p WHERE p.${q(ref.column)} = c.${c})`,
    });
  }
  for (const [col, values] of Object.entries(t.acceptedValues ?? {})) {
    checks.push({
      name: `${t.name}.${col} in (${values.join(', ')})`,
      sql: `SELECT * FROM ${name} WHERE ${q(col)} IS NOT NULL AND ${q(col)} NOT IN (${values.map(sqlString).join(', ')})`,
    });
  }
  if (t.mustHaveRows) {
    checks.push({
      name: `${t.name} has rows`,
      sql: `SELECT 'no rows' AS problem WHERE NOT EXISTS (SELECT 1 FROM ${name})`,
    });
  }
  return checks;
}

export function builtInChecks(d: SqlDialect): CheckSpec[] {
  return starTables.flatMap((t) => tableChecks(d, t));
}
