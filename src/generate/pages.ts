// The eventsim page model: each page's method and status (as in the real logs) and a
// Markov chain of page transitions for logged-in free/paid users and logged-out
// visitors, plus the think time between two events of a session.

import { ByteArena } from './arena.js';
import type { Rng } from './prng.js';

export const PAGE = {
  NextSong: 0,
  Home: 1,
  Login: 2,
  Logout: 3,
  Upgrade: 4,
  Downgrade: 5,
  Settings: 6,
  SaveSettings: 7,
  Help: 8,
  About: 9,
  Error: 10,
  SubmitUpgrade: 11,
  SubmitDowngrade: 12,
} as const;

/** Pseudo-page meaning "the session ends here". */
export const END = -1;

/**
 * A page with its line fragments at offsets of PAGE_ARENA: [a,b) is
 * `METHOD","page":"NAME","registration":` and [b,c) is `,"status":NNN,"ts":`.
 */
export interface PageDef {
  name: string;
  status: number;
  a: number;
  b: number;
  c: number;
}

const arena = new ByteArena();

/** The `method … registration":` piece of every NextSong line. */
export const NEXT_SONG_PRE = 'PUT","page":"NextSong","registration":';

function def(name: string, method: 'GET' | 'PUT', status: number): PageDef {
  const a = arena.end;
  const b = arena.add(`${method}","page":"${name}","registration":`);
  const c = arena.add(`,"status":${status},"ts":`);
  return { name, status, a, b, c };
}

/** Indexed by the PAGE numbers. */
export const PAGES: readonly PageDef[] = [
  def('NextSong', 'PUT', 200),
  def('Home', 'GET', 200),
  def('Login', 'PUT', 307),
  def('Logout', 'PUT', 307),
  def('Upgrade', 'GET', 200),
  def('Downgrade', 'GET', 200),
  def('Settings', 'GET', 200),
  def('Save Settings', 'PUT', 307),
  def('Help', 'GET', 200),
  def('About', 'GET', 200),
  def('Error', 'GET', 404),
  def('Submit Upgrade', 'PUT', 307),
  def('Submit Downgrade', 'PUT', 307),
];

export const PAGE_ARENA: Uint8Array = arena.bytes();

interface Choice {
  pages: Int8Array;
  cdf: Float64Array;
}

const P = PAGE;
const BACK = 'NextSong 560, Home 400, END 40';

/**
 * Logged-in transitions as "Page weight" lists. OFFER is Upgrade for free users and
 * Downgrade for paid ones; its weight is multiplied by the level's offer weight.
 */
const LOGGED_IN: Readonly<Record<string, string>> = {
  NextSong: 'NextSong 900, Home 42, Logout 9, Settings 6, Help 5, About 3, OFFER 1, Error 1.2, END 33',
  Home: 'NextSong 820, Settings 22, Help 18, About 12, OFFER 5, Logout 30, Error 2, END 50',
  Settings: 'SaveSettings 180, NextSong 450, Home 320, END 50',
  SaveSettings: BACK,
  Help: BACK,
  About: BACK,
  Error: BACK,
  Upgrade: BACK,
  Downgrade: BACK,
  SubmitUpgrade: 'Home 1',
  SubmitDowngrade: 'Home 1',
  Login: 'Home 1',
};

function pageNumber(name: string, offer: number): number {
  if (name === 'END') return END;
  if (name === 'OFFER') return offer;
  const n = (PAGE as Readonly<Record<string, number>>)[name];
  if (n === undefined) throw new Error(`unknown page ${name}`);
  return n;
}

/** Parses "Home 70, END 30" into a cumulative distribution. */
function choice(spec: string, offer = END, offerWeight = 0): Choice {
  const row = spec.split(', ').map((item) => {
    const [name = '', weight = '0'] = item.split(' ');
    const p = pageNumber(name, offer);
    return [p, Number(weight) * (name === 'OFFER' ? offerWeight : 1)] as const;
  });
  const total = row.reduce((a, [, w]) => a + w, 0);
  const pages = new Int8Array(row.length);
  const cdf = new Float64Array(row.length);
  let acc = 0;
  row.forEach(([p, w], i) => {
    acc += w / total;
    pages[i] = p;
    cdf[i] = acc;
  });
  cdf[row.length - 1] = 1;
  return { pages, cdf };
}

function loggedInTable(offer: number, offerWeight: number): Map<number, Choice> {
  const table = new Map<number, Choice>();
  for (const [from, spec] of Object.entries(LOGGED_IN)) {
    table.set(pageNumber(from, offer), choice(spec, offer, offerWeight));
  }
  return table;
}

const FREE = loggedInTable(P.Upgrade, 6);
const PAID = loggedInTable(P.Downgrade, 9);
const LOGGED_OUT_NEXT = choice('Home 10, Login 40, About 8, Help 5, END 37');
const AFTER_LOGOUT = choice('Home 70, END 30');

function draw(c: Choice, rng: Rng): number {
  const x = rng.next();
  let i = 0;
  while ((c.cdf[i] ?? 1) <= x) i++;
  return c.pages[i] ?? END;
}

/** The page after `from` (or END); Upgrade/Downgrade visits may turn into a Submit. */
export function nextPage(rng: Rng, from: number, loggedIn: boolean, paid: boolean, submitP: number): number {
  if (!loggedIn) return from === P.Logout ? draw(AFTER_LOGOUT, rng) : draw(LOGGED_OUT_NEXT, rng);
  if (from === P.Upgrade && !paid && rng.chance(submitP)) return P.SubmitUpgrade;
  if (from === P.Downgrade && paid && rng.chance(submitP)) return P.SubmitDowngrade;
  const row = (paid ? PAID : FREE).get(from);
  return row ? draw(row, rng) : END;
}

/** First page of a new session. */
export function firstPage(rng: Rng, loggedIn: boolean): number {
  if (!loggedIn) return rng.chance(0.5) ? P.Login : P.Home;
  return rng.chance(0.7) ? P.Home : P.NextSong;
}

/** Whole seconds between an event on `from` and the next one on `to`. */
export function gapSeconds(rng: Rng, from: number, to: number, songLength: number): number {
  if (from === P.NextSong) {
    const full = Math.round(songLength);
    return rng.chance(0.9) ? full : Math.floor(full * rng.next());
  }
  if (to === P.SubmitUpgrade || to === P.SubmitDowngrade || to === P.SaveSettings || to === P.Logout) {
    return rng.int(3);
  }
  if (from === P.Logout) return 5 + Math.floor(rng.exp(150));
  return Math.floor(rng.exp(40));
}
