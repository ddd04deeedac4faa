// The real Sparkify sample scaled ×N, read from its folder at run time (never copied into the
// project). Replica r shifts time by r × 5 whole weeks (weekday/hour shape kept, one file per day
// under log_data/YYYY/MM/), userIds by r × 1000 and sessionIds by r × 10000, and renames songs,
// artists and their ids consistently in logs and catalog so every replica matches its own
// catalog at the sample's rate. Text is rewritten field by field, so the raw JSON keeps the
// sample's exact spelling (escapes, mojibake, `.0` floats). One replica (≈ 4 MB) in memory at a time.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';

const DAY_MS = 86_400_000;
const REPLICA_DAYS = 35;

/** Who a replica's records belong to (ids, names) and when they happen (time shift in days). */
export interface Replica {
  identity: number;
  shiftDays: number;
}

const suffix = (r: number) => (r === 0 ? '' : ` #${r}`);
const idSuffix = (r: number) => (r === 0 ? '' : `R${r}`);

const eventFields =
  /"(ts|registration|sessionId)":(-?\d+)|"userId":"(\d+)"|"(song|artist)":"((?:[^"\\]|\\.)*)"/g;

export function shiftEventLine(line: string, rep: Replica): string {
  if (rep.identity === 0 && rep.shiftDays === 0) return line;
  const shiftMs = rep.shiftDays * DAY_MS;
  return line.replace(
    eventFields,
    (m, num?: string, n?: string, user?: string, key?: string, text?: string) => {
      if (num !== undefined && n !== undefined) {
        const add = num === 'sessionId' ? rep.identity * 10_000 : shiftMs;
        return `"${num}":${Number(n) + add}`;
      }
      if (user !== undefined) return `"userId":"${Number(user) + rep.identity * 1000}"`;
      if (key !== undefined && text !== undefined) return `"${key}":"${text}${suffix(rep.identity)}"`;
      return m;
    },
  );
}

const songFields = /"(song_id|artist_id)":( ?)"([^"]*)"|"(title|artist_name)":( ?)"((?:[^"\\]|\\.)*)"/g;

export function renameSongText(text: string, r: number): string {
  if (r === 0) return text;
  return text.replace(
    songFields,
    (m, id?: string, s1?: string, v1?: string, name?: string, s2?: string, v2?: string) => {
      if (id !== undefined && v1 !== undefined) return `"${id}":${s1 ?? ''}"${v1}${idSuffix(r)}"`;
      if (name !== undefined && v2 !== undefined) return `"${name}":${s2 ?? ''}"${v2}${suffix(r)}"`;
      return m;
    },
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

const logDate = /(\d{4})-(\d{2})-(\d{2})-events\.json$/;

export function logPath(date: Date): string {
  const iso = date.toISOString().slice(0, 10);
  return join('log_data', iso.slice(0, 4), iso.slice(5, 7), `${iso}-events.json`);
}

/** Writes one replica of one sample log file; returns its event count. */
async function writeLogReplica(sampleFile: string, outRoot: string, rep: Replica): Promise<number> {
  const m = logDate.exec(sampleFile);
  if (!m) throw new Error(`not a standard log file name: ${sampleFile}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + rep.shiftDays * DAY_MS);
  const lines = (await readFile(sampleFile, 'utf8')).split('\n');
  const out = join(outRoot, logPath(day));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, lines.map((l) => shiftEventLine(l, rep)).join('\n'));
  return lines.filter((l) => l.trim() !== '').length;
}

export interface ScaledCounts {
  events: number;
  logFiles: number;
  songFiles: number;
  extraEvents: number;
}

/** Writes sample × scale into out (song_data/, log_data/) and one new day into extra/. */
export async function scaleSample(
  sample: string,
  out: string,
  extra: string,
  scale: number,
): Promise<ScaledCounts> {
  const songs = await listFiles(join(sample, 'song_data'));
  const logs = await listFiles(join(sample, 'log_data'));
  if (logs.length === 0 || songs.length === 0) throw new Error(`no song_data/log_data under ${sample}`);
  const counts: ScaledCounts = { events: 0, logFiles: 0, songFiles: 0, extraEvents: 0 };
  for (let r = 0; r < scale; r++) {
    const texts = await Promise.all(songs.map((f) => readFile(f, 'utf8')));
    await Promise.all(
      songs.map(async (f, i) => {
        const rel = relative(join(sample, 'song_data'), f);
        const name = r === 0 ? basename(rel) : basename(rel, '.json') + `-${r}.json`;
        const target = join(out, 'song_data', dirname(rel), name);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, renameSongText(texts[i] ?? '', r));
      }),
    );
    counts.songFiles += songs.length;
    const rep = { identity: r, shiftDays: r * REPLICA_DAYS };
    const events = await Promise.all(logs.map((f) => writeLogReplica(f, out, rep)));
    counts.events += events.reduce((a, b) => a + b, 0);
    counts.logFiles += logs.length;
  }
  // The new day: the last replica's listeners, a week after its last day.
  const last = logs[logs.length - 1] ?? '';
  counts.extraEvents = await writeLogReplica(last, extra, {
    identity: scale - 1,
    shiftDays: (scale - 1) * REPLICA_DAYS + 7,
  });
  return counts;
}
