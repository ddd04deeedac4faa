// Benchmark datasets, cached under <data-dir>/<kind>-x<scale>: `data/` holds song_data/ and
// log_data/, `extra/log_data/` one further day for the incremental case, `dataset.json` the
// figures. A dataset is built in a temporary folder and renamed when complete, so an interrupted
// build is never reused. Kinds: the real sample scaled ×N, or the generator sized to about as
// many events (≈ 10 events per listener per day, 30 days, plus the held-out 31st day).
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetKind } from './args.js';
import { scaleSample } from './sample-scaler.js';

export interface Dataset {
  kind: DatasetKind;
  scale: number;
  songs: string;
  logs: string;
  extraLogs: string;
  events: number;
  extraEvents: number;
  logFiles: number;
  songFiles: number;
  bytes: number;
  buildMs: number;
}

const SAMPLE_EVENTS = 8056;
const EVENTS_PER_USER_DAY = 10;
const DAYS = 30;

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await bytesUnder(p) : (await stat(p)).size;
  }
  return total;
}

/** Generates DAYS + 1 days and moves the last one aside as the incremental day. */
async function buildGenerated(out: string, extra: string, scale: number) {
  const users = Math.max(1, Math.round((SAMPLE_EVENTS * scale) / (DAYS * EVENTS_PER_USER_DAY)));
  const { generateDataset } = await import('../src/generate/generate.js');
  const report = await generateDataset({ out, users, days: DAYS + 1, songs: 71 * scale, seed: 42 });
  const logs = await listLogs(join(out, 'log_data'));
  const last = logs[logs.length - 1];
  if (!last) throw new Error('the generator wrote no log files');
  const target = join(extra, 'log_data', last.rel);
  await mkdir(join(target, '..'), { recursive: true });
  await rename(last.path, target);
  const extraEvents = (await readFile(target, 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
  return { events: report.events - extraEvents, logFiles: DAYS, songFiles: report.songFiles, extraEvents };
}

async function listLogs(dir: string, rel = ''): Promise<{ path: string; rel: string }[]> {
  const out: { path: string; rel: string }[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await listLogs(join(dir, e.name), join(rel, e.name))));
    else out.push({ path: join(dir, e.name), rel: join(rel, e.name) });
  }
  return out;
}

export async function ensureDataset(
  kind: DatasetKind,
  scale: number,
  dataDir: string,
  sampleDir: string,
  log: (s: string) => void,
): Promise<Dataset> {
  const root = join(dataDir, `${kind}-x${scale}`);
  const info = join(root, 'dataset.json');
  const cached = await readFile(info, 'utf8').catch(() => undefined);
  if (cached) return JSON.parse(cached) as Dataset;
  const tmp = `${root}.building-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  log(`building ${kind} ×${scale} dataset in ${root} …`);
  const t0 = performance.now();
  const data = join(tmp, 'data');
  const extra = join(tmp, 'extra');
  const counts =
    kind === 'sample'
      ? await scaleSample(sampleDir, data, extra, scale)
      : await buildGenerated(data, extra, scale);
  const ds: Dataset = {
    kind,
    scale,
    songs: join(root, 'data', 'song_data'),
    logs: join(root, 'data', 'log_data'),
    extraLogs: join(root, 'extra', 'log_data'),
    ...counts,
    bytes: await bytesUnder(data),
    buildMs: Math.round(performance.now() - t0),
  };
  await writeFile(join(tmp, 'dataset.json'), JSON.stringify(ds, null, 2));
  await rm(root, { recursive: true, force: true });
  await rename(tmp, root);
  log(
    `built ${kind} ×${scale}: ${ds.events} events, ${ds.logFiles} log files, ${(ds.bytes / 2 ** 20).toFixed(0)} MiB`,
  );
  return ds;
}

export async function sampleExists(sampleDir: string): Promise<boolean> {
  return (await stat(join(sampleDir, 'log_data')).catch(() => undefined))?.isDirectory() === true;
}
