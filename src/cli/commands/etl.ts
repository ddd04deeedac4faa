// `harmonize etl`: run the pipeline and print the run summary.
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { openSource } from '../../extract/open-source.js';
import { runEtl } from '../../pipeline/etl.js';
import { clearProgress, terminalProgress } from '../progress.js';
import { out, withWarehouse } from '../context.js';
import { printSummary } from '../summary-text.js';

interface EtlFlags {
  songs?: string;
  logs?: string;
  warehouse?: string;
  config?: string;
  maxRejects?: string;
  fingerprint?: string;
  json?: boolean;
  quiet?: boolean;
  fullRefresh?: boolean;
  from?: string;
  to?: string;
  checks: boolean;
  fullChecks?: boolean;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(v: string | undefined, flag: string): void {
  if (v !== undefined && (!isoDate.test(v) || Number.isNaN(Date.parse(v)))) {
    throw usageError(`not a date: ${v}`, { where: flag, hint: 'use YYYY-MM-DD' });
  }
}

export function registerEtl(program: Command): void {
  program
    .command('etl')
    .description('extract song and log files, stage, build the star schema, check it')
    .option('--songs <dir>', 'song_data folder or s3:// prefix')
    .option('--logs <dir>', 'log_data folder or s3:// prefix')
    .option('--warehouse <url>', 'duckdb:<file> | postgres://… | redshift://…')
    .option('--config <file>', 'harmonize JSON config or classic dwh.cfg')
    .option('--max-rejects <n>', 'fail the run (exit 5) when more records than n are rejected')
    .option(
      '--fingerprint <how>',
      'local files whose mtime moved: sha256 (compare contents) | mtime (reload)',
    )
    .option('--full-refresh', 'forget what was loaded and rebuild every table from the sources')
    .option('--from <date>', 'backfill: only log files dated on or after YYYY-MM-DD (reloaded)')
    .option('--to <date>', 'backfill: only log files dated on or before YYYY-MM-DD (reloaded)')
    .option('--no-checks', 'skip the quality checks')
    .option('--full-checks', 'check whole tables, not only what this run changed')
    .option('--json', 'print the run summary as JSON')
    .option('--quiet', 'print nothing but errors')
    .action(async (f: EtlFlags) => {
      checkDate(f.from, '--from');
      checkDate(f.to, '--to');
      if (f.from && f.to && f.from > f.to)
        throw usageError(`--from ${f.from} is after --to ${f.to}`, { where: '--from' });
      const progress = !f.quiet && !f.json;
      await withWarehouse(f, async (wh, s) => {
        if (!s.songs || !s.logs) {
          throw usageError(`no ${s.songs ? 'log' : 'song'} location given`, {
            where: s.songs ? '--logs' : '--songs',
            hint: 'pass --songs and --logs, or set them in the config ([S3] SONG_DATA/LOG_DATA)',
          });
        }
        const opts = {
          ...(s.region ? { region: s.region } : {}),
          ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
        };
        const onProgress = terminalProgress(progress);
        const summary = await runEtl(wh, {
          songs: await openSource(s.songs, opts),
          logs: await openSource(s.logs, opts),
          checks: s.checks,
          skipChecks: !f.checks,
          ...(f.fullChecks ? { fullChecks: true } : {}),
          ...(s.maxRejects !== undefined ? { maxRejects: s.maxRejects } : {}),
          ...(f.fullRefresh ? { fullRefresh: true } : {}),
          ...(f.from ? { from: f.from } : {}),
          ...(f.to ? { to: f.to } : {}),
          ...(onProgress ? { onProgress } : {}),
        })
          .catch((e: unknown) => {
            // A failed run still has a summary (checks, rejects): --json callers get it on stdout.
            const failed = (e as { summary?: unknown }).summary;
            if (f.json && failed) out(JSON.stringify(failed, null, 2));
            throw e;
          })
          .finally(() => clearProgress(progress));
        if (f.json) out(JSON.stringify(summary, null, 2));
        else if (!f.quiet) out(printSummary(summary));
      });
    });
}
