// Entry point of the synthetic Sparkify dataset generator: writes MSD-style song files
// and eventsim-style daily JSON Lines logs in the layout of the public Udacity sample,
// deterministically for a seed and streaming (memory does not grow with users × days).

import { resolve, join } from 'node:path';
import { DAY_MS, HOUR_MS, logFilePath, parseStartDate } from './calendar.js';
import { buildCatalog, songFileJson, songFilePath, type Catalog } from './catalog.js';
import { PAGE_ARENA } from './pages.js';
import { Rng, deriveSeed } from './prng.js';
import { Simulation } from './sessions.js';
import { makeUsers } from './users.js';
import { LineAssembler, LinesFileSink, writeManyFiles } from './writer.js';

export interface GenerateOptions {
  out: string;
  /** simulated users (default 100) */
  users?: number;
  /** number of daily log files (default 30) */
  days?: number;
  /** catalog size = number of song files (default 200) */
  songs?: number;
  /** default 42 */
  seed?: number;
  /** first day, 'YYYY-MM-DD' (UTC, default '2018-11-01') */
  start?: string;
  /** share of NextSong events whose song/artist/length is in the catalog (default 0.6) */
  matchShare?: number;
  onProgress?: (p: { day: number; days: number; events: number }) => void;
}

export interface GenerateReport {
  songFiles: number;
  logFiles: number;
  events: number;
  nextSongEvents: number;
  /** NextSong events whose (song, artist, length) equals a song file's (title, artist_name, duration) */
  matchedNextSong: number;
  /** distinct non-empty userId values in the written logs */
  users: number;
  out: string;
}

/** Average session starts per user and day (before the one-session-at-a-time rule). */
const SESSIONS_PER_USER_DAY = 0.45;
/** Sessions start this long before the first day so that day 1 opens with sessions under way. */
const WARM_UP_MS = 3 * HOUR_MS;

interface Resolved {
  out: string;
  users: number;
  days: number;
  songs: number;
  seed: number;
  startMs: number;
  matchShare: number;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function resolveOptions(opts: GenerateOptions): Resolved {
  const seed = opts.seed ?? 42;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const matchShare = opts.matchShare ?? 0.6;
  if (!(matchShare >= 0 && matchShare <= 1)) throw new RangeError(`matchShare must be in [0, 1]`);
  return {
    out: resolve(opts.out),
    users: positiveInt('users', opts.users, 100),
    days: positiveInt('days', opts.days, 30),
    songs: positiveInt('songs', opts.songs, 200),
    seed,
    startMs: parseStartDate(opts.start ?? '2018-11-01'),
    matchShare,
  };
}

interface Counts {
  events: number;
  nextSongEvents: number;
  matchedNextSong: number;
  users: number;
}

/** The current day's log file; closeDay() rotates to the next UTC day. */
class DayFiles {
  day = 0;
  dayEnd: number;
  private sink: LinesFileSink | null = null;

  constructor(
    private readonly r: Resolved,
    private readonly asm: LineAssembler,
  ) {
    this.dayEnd = r.startMs + DAY_MS;
  }

  async open(): Promise<void> {
    this.sink = await LinesFileSink.open(join(this.r.out, logFilePath(this.dayEnd - DAY_MS)));
    this.asm.startFile();
  }

  async flush(): Promise<void> {
    await this.sink?.write(this.asm.take());
  }

  async closeDay(): Promise<void> {
    await this.flush();
    await this.sink?.close();
    this.day++;
    this.dayEnd += DAY_MS;
    if (this.day < this.r.days) await this.open();
  }
}

/** Runs the simulation and writes one file per UTC day, rotating at midnight. */
async function writeLogs(
  sim: Simulation,
  asm: LineAssembler,
  r: Resolved,
  opts: GenerateOptions,
): Promise<Counts> {
  const c: Counts = { events: 0, nextSongEvents: 0, matchedNextSong: 0, users: 0 };
  const seen = new Uint8Array(r.users + 1);
  const files = new DayFiles(r, asm);
  const closeDay = async (): Promise<void> => {
    await files.closeDay();
    opts.onProgress?.({ day: files.day, days: r.days, events: c.events });
  };
  await files.open();
  while (sim.next()) {
    if (sim.ts < r.startMs) continue;
    while (sim.ts >= files.dayEnd) await closeDay();
    sim.writeLine(asm);
    c.events++;
    if (sim.track) {
      c.nextSongEvents++;
      if (sim.track.inCatalog) c.matchedNextSong++;
    }
    if (sim.user && seen[sim.user.index] === 0) {
      seen[sim.user.index] = 1;
      c.users++;
    }
    if (asm.full) await files.flush();
  }
  while (files.day < r.days) await closeDay();
  return c;
}

/** Users, simulation and line assembler (the users' byte arena lives on only inside the assembler). */
function prepare(r: Resolved, catalog: Catalog): { sim: Simulation; asm: LineAssembler } {
  // eventsim timestamps are whole seconds plus a fixed millisecond phase (e.g. …796)
  const msOffset = new Rng(deriveSeed(r.seed, 'phase')).int(1000);
  const { users, loggedOut, arena } = makeUsers(deriveSeed(r.seed, 'users'), r.users, r.startMs, msOffset);
  const sim = new Simulation({
    seed: deriveSeed(r.seed, 'sessions'),
    users,
    loggedOut,
    catalog,
    matchShare: r.matchShare,
    sessionsPerUserDay: SESSIONS_PER_USER_DAY,
    fromMs: r.startMs - WARM_UP_MS,
    toMs: r.startMs + r.days * DAY_MS,
    msOffset,
  });
  return { sim, asm: new LineAssembler([arena, catalog.trackArena, PAGE_ARENA]) };
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerateReport> {
  const r = resolveOptions(opts);
  const catalog = buildCatalog(deriveSeed(r.seed, 'catalog'), r.songs);
  await writeManyFiles(catalog.songs.length, (i) => {
    const song = catalog.songs[i]!;
    return { path: join(r.out, songFilePath(song)), text: songFileJson(song) };
  });
  const { sim, asm } = prepare(r, catalog);
  const counts = await writeLogs(sim, asm, r, opts);
  return { songFiles: catalog.songs.length, logFiles: r.days, ...counts, out: r.out };
}
