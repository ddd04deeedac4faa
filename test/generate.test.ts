// Tests for the synthetic Sparkify dataset generator (src/generate): file layout and
// byte format of song and log files, event semantics, determinism, report counts and
// the realism properties (matched share, upgrades, hour and weekday shape).

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type GenerateOptions, type GenerateReport } from '../src/generate/generate.js';

const LOG_KEYS = [
  'artist',
  'auth',
  'firstName',
  'gender',
  'itemInSession',
  'lastName',
  'length',
  'level',
  'location',
  'method',
  'page',
  'registration',
  'sessionId',
  'song',
  'status',
  'ts',
  'userAgent',
  'userId',
];
const SONG_KEYS = [
  'num_songs',
  'artist_id',
  'artist_latitude',
  'artist_longitude',
  'artist_location',
  'artist_name',
  'song_id',
  'title',
  'duration',
  'year',
];
const PAGE_METHOD_STATUS: Record<string, [string, number]> = {
  NextSong: ['PUT', 200],
  Home: ['GET', 200],
  Login: ['PUT', 307],
  Logout: ['PUT', 307],
  Upgrade: ['GET', 200],
  Downgrade: ['GET', 200],
  Settings: ['GET', 200],
  'Save Settings': ['PUT', 307],
  Help: ['GET', 200],
  About: ['GET', 200],
  Error: ['GET', 404],
  'Submit Upgrade': ['PUT', 307],
  'Submit Downgrade': ['PUT', 307],
};

interface LogEvent {
  artist: string | null;
  auth: string;
  firstName: string | null;
  gender: string | null;
  itemInSession: number;
  lastName: string | null;
  length: number | null;
  level: string;
  location: string | null;
  method: string;
  page: string;
  registration: number | null;
  sessionId: number;
  song: string | null;
  status: number;
  ts: number;
  userAgent: string | null;
  userId: string;
}

interface SongRecord {
  title: string;
  artist_name: string;
  duration: number;
  artist_id: string;
  artist_latitude: number | null;
  artist_longitude: number | null;
  artist_location: string;
  year: number;
}

interface Dataset {
  dir: string;
  report: GenerateReport;
  files: string[];
  logFiles: string[];
  songFiles: string[];
  /** raw log lines per file (relative path) */
  lines: Map<string, string[]>;
  events: LogEvent[];
  songs: SongRecord[];
}

let root = '';
const progress: { day: number; days: number; events: number }[] = [];
const base: Omit<GenerateOptions, 'out'> = { users: 60, days: 28, songs: 150, seed: 7, start: '2018-11-01' };
let main: Dataset;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function generate(name: string, opts: Omit<GenerateOptions, 'out'>): Promise<Dataset> {
  const dir = join(root, name);
  const report = await generateDataset({ ...opts, out: dir });
  const files = await listFiles(dir);
  const logFiles = files.filter((f) => f.startsWith('log_data/'));
  const songFiles = files.filter((f) => f.startsWith('song_data/'));
  const lines = new Map<string, string[]>();
  const events: LogEvent[] = [];
  for (const f of logFiles) {
    const text = await readFile(join(dir, f), 'utf8');
    const fileLines = text.length === 0 ? [] : text.split('\n');
    lines.set(f, fileLines);
    for (const l of fileLines) events.push(JSON.parse(l) as LogEvent);
  }
  const songs: SongRecord[] = [];
  for (const f of songFiles) songs.push(JSON.parse(await readFile(join(dir, f), 'utf8')) as SongRecord);
  return { dir, report, files, logFiles, songFiles, lines, events, songs };
}

async function digest(d: Dataset): Promise<string> {
  const h = createHash('sha256');
  for (const f of d.files)
    h.update(f)
      .update('\0')
      .update(await readFile(join(d.dir, f)));
  return h.digest('hex');
}

const songKey = (title: string | null, artist: string | null, length: number | null): string =>
  `${title}\u0000${artist}\u0000${length}`;

/** NextSong events that join a song file on title = song, artist_name = artist, duration = length. */
function matchedCount(d: Dataset): number {
  const keys = new Set(d.songs.map((s) => songKey(s.title, s.artist_name, s.duration)));
  return d.events.filter((e) => e.page === 'NextSong' && keys.has(songKey(e.song, e.artist, e.length)))
    .length;
}

function matchedShare(d: Dataset): number {
  return matchedCount(d) / d.events.filter((e) => e.page === 'NextSong').length;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sparkify-gen-'));
  main = await generate('main', { ...base, onProgress: (p) => progress.push(p) });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('layout', () => {
  it('writes song files under song_data/A/B/C named after the track id', () => {
    expect(main.songFiles).toHaveLength(150);
    expect(main.files).toHaveLength(150 + 28);
    for (const f of main.songFiles) {
      const m = /^song_data\/([A-Z])\/([A-Z])\/([A-Z])\/(TR[A-Z0-9]{16})\.json$/.exec(f);
      expect(m, f).not.toBeNull();
      const [, a, b, c, track] = m!;
      expect(track!.slice(2, 5)).toBe(`${a}${b}${c}`);
    }
  });

  it('writes one log file per UTC day as log_data/YYYY/MM/YYYY-MM-DD-events.json', () => {
    const expected = Array.from({ length: 28 }, (_, i) => {
      const day = new Date(Date.UTC(2018, 10, 1 + i)).toISOString().slice(0, 10);
      return `log_data/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}-events.json`;
    });
    expect(main.logFiles).toEqual(expected);
    expect(progress.map((p) => p.day)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(progress.at(-1)?.events).toBe(main.report.events);
  });

  it('crosses month and year boundaries in the path', async () => {
    const d = await generate('newyear', { users: 5, days: 3, songs: 5, start: '2018-12-31' });
    expect(d.logFiles).toEqual([
      'log_data/2018/12/2018-12-31-events.json',
      'log_data/2019/01/2019-01-01-events.json',
      'log_data/2019/01/2019-01-02-events.json',
    ]);
  });
});

describe('song files', () => {
  it('hold one object with the 10 fields in order, Python json.dumps style, no trailing newline', async () => {
    for (const f of main.songFiles) {
      const raw = await readFile(join(main.dir, f), 'utf8');
      expect(raw.endsWith('}')).toBe(true);
      expect(raw).not.toMatch(/[^\x20-\x7e]/); // ASCII only: non-ASCII is \u-escaped
      expect(raw).toMatch(/^\{"num_songs": 1, "artist_id": "AR[A-Z0-9]{16}", "artist_latitude": /);
      expect(raw).toMatch(/"song_id": "SO[A-Z0-9]{16}", "title": /);
      expect(raw).toMatch(/"duration": \d+\.\d{1,5}, "year": \d+\}$/);
      expect(Object.keys(JSON.parse(raw) as object)).toEqual(SONG_KEYS);
    }
  });

  it('look like MSD: unknown years, null coordinates, empty locations, non-ASCII names', async () => {
    const s = main.songs;
    const share = (n: number): number => n / s.length;
    expect(share(s.filter((x) => x.year === 0).length)).toBeGreaterThan(0.3);
    expect(share(s.filter((x) => x.artist_latitude === null).length)).toBeGreaterThan(0.3);
    expect(s.some((x) => x.artist_location === '')).toBe(true);
    expect(s.every((x) => (x.artist_latitude === null) === (x.artist_longitude === null))).toBe(true);
    const raws = await Promise.all(main.songFiles.map((f) => readFile(join(main.dir, f), 'utf8')));
    expect(raws.some((r) => /\\u00[0-9a-f]{2}/.test(r))).toBe(true);
  });

  it('repeat artists with identical artist fields across files', () => {
    const byArtist = new Map<string, SongRecord[]>();
    for (const s of main.songs) byArtist.set(s.artist_id, [...(byArtist.get(s.artist_id) ?? []), s]);
    expect([...byArtist.values()].some((songs) => songs.length > 1)).toBe(true);
    for (const songs of byArtist.values()) {
      const fields = songs.map((s) =>
        JSON.stringify([s.artist_name, s.artist_location, s.artist_latitude, s.artist_longitude]),
      );
      expect(new Set(fields).size).toBe(1);
    }
  });
});

describe('log files', () => {
  it('are JSON Lines with LF, no trailing newline, every line with exactly the 18 keys in order', async () => {
    for (const f of main.logFiles) {
      const raw = await readFile(join(main.dir, f), 'utf8');
      expect(raw).not.toMatch(/\r|\n$|^\n/);
      expect(raw).not.toMatch(/[^\x20-\x7e\n]/);
    }
    for (const lines of main.lines.values()) {
      for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual(LOG_KEYS);
    }
    expect(main.events.length).toBeGreaterThan(5000);
  });

  it('write registration with a trailing .0, escape "/" and quote userAgents with commas', () => {
    const all = [...main.lines.values()].flat();
    const loggedIn = all.filter((l) => !l.includes('"userId":""'));
    expect(loggedIn.every((l) => /"registration":\d{13}\.0,/.test(l))).toBe(true);
    expect(all.some((l) => l.includes('Mozilla\\/5.0'))).toBe(true);
    const agents = main.events.map((e) => e.userAgent).filter((a): a is string => a !== null);
    const quoted = agents.filter((a) => a.startsWith('"') && a.endsWith('"'));
    expect(quoted.length / agents.length).toBeGreaterThan(0.5);
    expect(quoted.length).toBeLessThan(agents.length);
    for (const a of agents) expect(a.startsWith('"')).toBe(a.includes(','));
  });

  it('use string userIds, "" exactly for logged-out events with null user fields', () => {
    for (const e of main.events) {
      expect(typeof e.userId).toBe('string');
      expect(e.userId === '').toBe(e.auth === 'Logged Out');
      if (e.userId === '') {
        expect([e.firstName, e.lastName, e.gender, e.location, e.registration, e.userAgent]).toEqual([
          null,
          null,
          null,
          null,
          null,
          null,
        ]);
        expect(e.page).not.toBe('NextSong');
      } else {
        expect(e.userId).toMatch(/^[1-9]\d*$/);
        expect(e.auth).toBe('Logged In');
        expect(typeof e.registration).toBe('number');
      }
    }
    const loggedOut = main.events.filter((e) => e.userId === '');
    expect(loggedOut.length).toBeGreaterThan(0);
    expect(new Set(loggedOut.map((e) => e.page))).toEqual(new Set(['Home', 'Login', 'About', 'Help']));
  });

  it('carry artist/song/length only on NextSong, with page-appropriate method and status', () => {
    for (const e of main.events) {
      const isSong = e.page === 'NextSong';
      expect(e.artist !== null && e.song !== null && e.length !== null).toBe(isSong);
      expect(e.artist === null && e.song === null && e.length === null).toBe(!isSong);
      expect([e.method, e.status]).toEqual(PAGE_METHOD_STATUS[e.page]);
      expect(['free', 'paid']).toContain(e.level);
    }
    const songShare = main.events.filter((e) => e.page === 'NextSong').length / main.events.length;
    expect(songShare).toBeGreaterThan(0.78);
    expect(songShare).toBeLessThan(0.92);
    expect(new Set(main.events.map((e) => e.page))).toEqual(new Set(Object.keys(PAGE_METHOD_STATUS)));
  });

  it("date every event on its file's UTC day, in ts order", () => {
    for (const [f, lines] of main.lines) {
      const day = f.slice(-22, -12);
      let last = 0;
      for (const l of lines) {
        const e = JSON.parse(l) as LogEvent;
        expect(new Date(e.ts).toISOString().slice(0, 10)).toBe(day);
        expect(e.ts).toBeGreaterThanOrEqual(last);
        last = e.ts;
      }
    }
  });

  it('number items in a session consecutively, one user per session', () => {
    const sessions = new Map<number, LogEvent[]>();
    for (const e of main.events) sessions.set(e.sessionId, [...(sessions.get(e.sessionId) ?? []), e]);
    for (const evs of sessions.values()) {
      for (let i = 1; i < evs.length; i++) expect(evs[i]!.itemInSession).toBe(evs[i - 1]!.itemInSession + 1);
      expect(new Set(evs.map((e) => e.userId).filter((u) => u !== '')).size).toBeLessThanOrEqual(1);
    }
    expect(sessions.size).toBeGreaterThan(300);
  });
});

describe('determinism', () => {
  it('writes byte-identical files for the same options and different ones for another seed', async () => {
    const again = await generate('again', base);
    const other = await generate('other', { ...base, seed: 8 });
    expect(again.report).toEqual({ ...main.report, out: again.dir });
    expect(await digest(again)).toBe(await digest(main));
    expect(await digest(other)).not.toBe(await digest(main));
  });
});

describe('report', () => {
  it('equals the counts recomputed from the files', () => {
    const plays = main.events.filter((e) => e.page === 'NextSong');
    expect(main.report).toEqual({
      songFiles: main.songFiles.length,
      logFiles: main.logFiles.length,
      events: main.events.length,
      nextSongEvents: plays.length,
      matchedNextSong: matchedCount(main),
      users: new Set(main.events.map((e) => e.userId).filter((u) => u !== '')).size,
      out: main.dir,
    });
  });

  it('matches the configured share of NextSong events to the catalog (default 0.6)', async () => {
    expect(matchedShare(main)).toBeGreaterThan(0.55);
    expect(matchedShare(main)).toBeLessThan(0.65);
    const low = await generate('low-share', { ...base, days: 7, matchShare: 0.25 });
    expect(matchedShare(low)).toBeGreaterThan(0.2);
    expect(matchedShare(low)).toBeLessThan(0.3);
    expect(low.report.matchedNextSong / low.report.nextSongEvents).toBeCloseTo(matchedShare(low), 10);
  });
});

describe('realism', () => {
  it('has users who upgrade and downgrade, and later events follow the new level', () => {
    const pages = new Set(main.events.map((e) => e.page));
    expect(pages.has('Submit Upgrade')).toBe(true);
    expect(pages.has('Submit Downgrade')).toBe(true);
    const byUser = new Map<string, LogEvent[]>();
    for (const e of main.events.filter((x) => x.userId !== '')) {
      byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
    }
    for (const evs of byUser.values()) {
      for (let i = 1; i < evs.length; i++) {
        const prev = evs[i - 1]!;
        const expected =
          prev.page === 'Submit Upgrade' ? 'paid' : prev.page === 'Submit Downgrade' ? 'free' : prev.level;
        expect(evs[i]!.level).toBe(expected);
      }
    }
  });

  it('is quieter at night than in the evening (UTC) and on Sundays than midweek', () => {
    const hours = new Array<number>(24).fill(0);
    const weekdays = new Array<number>(7).fill(0);
    for (const e of main.events) {
      const d = new Date(e.ts);
      hours[d.getUTCHours()]!++;
      weekdays[d.getUTCDay()]!++;
    }
    const sum = (from: number, to: number): number => hours.slice(from, to).reduce((a, b) => a + b, 0);
    expect(sum(2, 7)).toBeLessThan(0.6 * sum(16, 21));
    const midweek = (weekdays[2]! + weekdays[3]! + weekdays[4]!) / 3;
    expect(weekdays[0]!).toBeLessThan(0.8 * midweek);
  });

  it('puts all ts on one millisecond phase (like …796) and repeats ts only rarely', () => {
    const phases = new Set(main.events.map((e) => e.ts % 1000));
    expect(phases.size).toBe(1);
    const distinct = new Set(main.events.map((e) => e.ts)).size;
    expect(distinct / main.events.length).toBeGreaterThan(0.95);
  });
});

describe('options', () => {
  it('rejects invalid values', async () => {
    await expect(generateDataset({ out: join(root, 'bad'), users: 0 })).rejects.toThrow(RangeError);
    await expect(generateDataset({ out: join(root, 'bad'), start: '2018-02-30' })).rejects.toThrow(
      RangeError,
    );
    await expect(generateDataset({ out: join(root, 'bad'), start: 'tomorrow' })).rejects.toThrow(RangeError);
    await expect(generateDataset({ out: join(root, 'bad'), matchShare: 1.5 })).rejects.toThrow(RangeError);
  });
});
