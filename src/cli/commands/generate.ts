// `harmonize generate`: a synthetic dataset in the layout and format of the real one.
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { generateDataset } from '../../generate/generate.js';
import { out } from '../context.js';

const whole = (v: string, flag: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw usageError(`not a positive whole number: ${v}`, { where: flag });
  return Number(v);
};

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write a realistic synthetic song_data/ and log_data/ dataset')
    .requiredOption('--out <dir>', 'output folder')
    .option('--users <n>', 'listeners', '100')
    .option('--days <n>', 'days of logs', '30')
    .option('--songs <n>', 'catalog size', '200')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '42')
    .option('--start <date>', 'first day (YYYY-MM-DD)', '2018-11-01')
    .option('--json', 'print the report as JSON')
    .action(
      async (f: {
        out: string;
        users: string;
        days: string;
        songs: string;
        seed: string;
        start: string;
        json?: boolean;
      }) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(f.start))
          throw usageError(`not a date: ${f.start}`, { where: '--start', hint: 'use YYYY-MM-DD' });
        const report = await generateDataset({
          out: f.out,
          users: whole(f.users, '--users'),
          days: whole(f.days, '--days'),
          songs: whole(f.songs, '--songs'),
          seed: Number(f.seed),
          start: f.start,
        });
        if (f.json) out(JSON.stringify(report, null, 2));
        else
          out(
            `wrote ${report.songFiles} song files and ${report.logFiles} log files (${report.events} events, ${report.nextSongEvents} plays, ${report.matchedNextSong} in the catalog) to ${report.out}`,
          );
      },
    );
}
