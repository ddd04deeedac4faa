// `harmonize report [name]`: the named analytics; without a name, the list of reports.
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { findReport, reports } from '../../analytics/reports.js';
import { formatRows } from '../format.js';
import { out, withWarehouse } from '../context.js';
import { parseFormat } from './warehouse-commands.js';

export function registerReport(program: Command): void {
  program
    .command('report [name]')
    .description('named analytics (no name lists them)')
    .option('--warehouse <url>', 'duckdb:<file> | postgres://… | redshift://…')
    .option('--config <file>', 'harmonize JSON config or classic dwh.cfg')
    .option('--format <fmt>', 'table | csv | json', 'table')
    .option('--limit <n>', 'at most n rows', '20')
    .action(
      async (
        name: string | undefined,
        f: { warehouse?: string; config?: string; format?: string; limit: string },
      ) => {
        const format = parseFormat(f.format);
        if (!name) {
          out(
            formatRows(
              reports.map((r) => ({ report: r.name, description: r.title })),
              format,
            ),
          );
          return;
        }
        const report = findReport(name);
        if (!report)
          throw usageError(`unknown report "${name}"`, {
            where: 'report',
            hint: `one of: ${reports.map((r) => r.name).join(', ')}`,
          });
        if (!/^\d+$/.test(f.limit)) throw usageError(`not a whole number: ${f.limit}`, { where: '--limit' });
        const rows = await withWarehouse(f, (wh) => report.run(wh, Number(f.limit)));
        if (format === 'table') out(report.title);
        out(formatRows(rows, format));
      },
    );
}
