// `create-tables`, `check`, `sql`, `runs`: the commands that only talk to the warehouse.
import type { Command } from 'commander';
import { ExitCode, HarmonizeError, usageError } from '../../errors.js';
import { createTables } from '../../pipeline/schema.js';
import { listRuns } from '../../pipeline/runs.js';
import { builtInChecks } from '../../quality/checks.js';
import { runChecks } from '../../quality/run-checks.js';
import { formatRows, type Format } from '../format.js';
import { out, withWarehouse } from '../context.js';

interface Common {
  warehouse?: string;
  config?: string;
  format?: string;
}

const withCommon = (c: Command) =>
  c
    .option('--warehouse <url>', 'duckdb:<file> | postgres://… | redshift://…')
    .option('--config <file>', 'harmonize JSON config or classic dwh.cfg');

export function parseFormat(v: string | undefined): Format {
  const f = v ?? 'table';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw usageError(`unknown format "${f}"`, { where: '--format', hint: 'use table, csv or json' });
  return f;
}

export function registerWarehouseCommands(program: Command): void {
  withCommon(
    program.command('create-tables').description('create the staging, star-schema and bookkeeping tables'),
  )
    .option('--drop', 'drop them first (all data is lost)')
    .action(async (f: Common & { drop?: boolean }) => {
      const names = await withWarehouse(f, (wh) => createTables(wh, f.drop ? { drop: true } : {}));
      out(`${f.drop ? 'recreated' : 'ensured'} ${names.length} tables: ${names.join(', ')}`);
    });

  withCommon(program.command('check').description('run every quality check; exit 1 when one fails'))
    .option('--format <fmt>', 'table | csv | json', 'table')
    .action(async (f: Common) => {
      const format = parseFormat(f.format);
      const results = await withWarehouse(f, async (wh, s) => {
        await createTables(wh);
        return runChecks(wh, [...builtInChecks(wh.dialect), ...s.checks]);
      });
      const failed = results.filter((r) => !r.passed);
      if (format === 'json') out(JSON.stringify(results, null, 2));
      else {
        out(
          formatRows(
            results.map((r) => ({
              check: r.name,
              status: r.passed ? 'ok' : 'FAILED',
              failing_rows: r.failingRows,
            })),
            format,
          ),
        );
        for (const r of failed)
          if (r.sample.length) out(`\n${r.name} (sample):\n${formatRows(r.sample, format)}`);
      }
      if (failed.length)
        throw new HarmonizeError(
          ExitCode.checksFailed,
          `${failed.length} of ${results.length} checks failed`,
          { hint: 'see the failing rows above' },
        );
    });

  withCommon(program.command('sql <query>').description('run a SQL query against the warehouse'))
    .option('--format <fmt>', 'table | csv | json', 'table')
    .action(async (query: string, f: Common) => {
      const format = parseFormat(f.format);
      const rows = await withWarehouse(f, (wh) =>
        wh.query(query).catch((e: Error) => {
          if (e instanceof HarmonizeError) throw e;
          throw usageError(`query failed: ${e.message.split('\n')[0] ?? ''}`, {
            where: 'sql',
            hint: 'check the SQL',
            cause: e,
          });
        }),
      );
      out(formatRows(rows, format));
    });

  withCommon(program.command('runs').description('list recent runs (newest first)'))
    .option('--format <fmt>', 'table | csv | json', 'table')
    .option('--limit <n>', 'how many', '20')
    .action(async (f: Common & { limit: string }) => {
      const format = parseFormat(f.format);
      const rows = await withWarehouse(f, async (wh) => {
        await createTables(wh);
        return listRuns(wh, Number(f.limit) || 20);
      });
      out(formatRows(rows, format));
    });
}
