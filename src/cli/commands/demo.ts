// `harmonize demo` (what `npm start` runs): generate a demo dataset once, load it into the default
// embedded warehouse, and show a few reports — the whole product in one command.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { findReport } from '../../analytics/reports.js';
import { LocalSource } from '../../extract/local-source.js';
import { generateDataset } from '../../generate/generate.js';
import { runEtl } from '../../pipeline/etl.js';
import { formatRows } from '../format.js';
import { clearProgress, terminalProgress } from '../progress.js';
import { out, withWarehouse } from '../context.js';
import { printSummary } from '../summary-text.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate demo data (once), load it into the default warehouse, print reports')
    .option('--data <dir>', 'where the demo dataset lives', join('.work', 'demo-data'))
    .option('--warehouse <url>', 'duckdb:<file> | postgres://…')
    .action(async (f: { data: string; warehouse?: string }) => {
      if (!existsSync(join(f.data, 'log_data'))) {
        out(`generating demo data in ${f.data} …`);
        await generateDataset({ out: f.data, users: 200, days: 30, songs: 500, seed: 42 });
      }
      await withWarehouse(f, async (wh) => {
        const onProgress = terminalProgress(true);
        const summary = await runEtl(wh, {
          songs: new LocalSource(join(f.data, 'song_data')),
          logs: new LocalSource(join(f.data, 'log_data')),
          ...(onProgress ? { onProgress } : {}),
        }).finally(() => clearProgress(true));
        out(printSummary(summary));
        for (const name of ['top-songs', 'peak-hours', 'levels']) {
          const r = findReport(name);
          if (r) out(`\n${r.title}\n${formatRows(await r.run(wh, 5), 'table')}`);
        }
      });
    });
}
