// Synthetic Sparkify users: identity, location, user agent, registration time, level
// (free/paid, mutable as they upgrade or downgrade) and activity weight, with the
// per-user JSON fragments of a log line precomputed so events are cheap to write.

import { ByteArena } from './arena.js';
import { logString, logStringOrNull, pyFloat } from './json-text.js';
import {
  FEMALE_NAMES,
  LAST_NAMES,
  MALE_NAMES,
  METROS,
  UA_CHROME_OS,
  UA_CHROME_VERSIONS,
  UA_FIREFOX_OS,
  UA_FIREFOX_VERSIONS,
  UA_MOBILE,
  UA_SAFARI,
} from './people-lists.js';
import { NEXT_SONG_PRE } from './pages.js';
import { Rng } from './prng.js';

export type Level = 'free' | 'paid';

/**
 * Offsets of the user-dependent pieces of a log line in the users' byte arena, stored
 * back to back: [a,b) `,"auth":…,"itemInSession":`  [b,c) `,"lastName":…,"length":`
 * [c,d) `free","location":…,"method":"`  [d,e) the same with `paid`
 * [e,f) `1540919166796.0,"sessionId":`  [f,g) `,"userAgent":…,"userId":"…"}`, and
 * for NextSong events (most of them) [c,d)+PUT…NextSong…+[e,f) pre-joined in one piece:
 * [g,h) for free and [h,i) for paid.
 */
export interface Fragments {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  g: number;
  h: number;
  i: number;
}

export interface User extends Fragments {
  /** 1-based, equal to Number(id) */
  index: number;
  id: string;
  level: Level;
  /** relative share of session starts */
  weight: number;
  /** chance that a visit to the Upgrade page ends in Submit Upgrade */
  upgradeP: number;
  /** chance that a visit to the Downgrade page ends in Submit Downgrade */
  downgradeP: number;
  active: boolean;
}

function fragments(
  arena: ByteArena,
  first: string | null,
  last: string | null,
  gender: string | null,
  location: string | null,
  registration: number | null,
  agent: string | null,
  id: string,
): Fragments {
  const auth = id === '' ? 'Logged Out' : 'Logged In';
  const loc = `","location":${logStringOrNull(location)},"method":"`;
  const a = arena.end;
  const b = arena.add(
    `,"auth":"${auth}","firstName":${logStringOrNull(first)},"gender":${logStringOrNull(gender)},"itemInSession":`,
  );
  const c = arena.add(`,"lastName":${logStringOrNull(last)},"length":`);
  const d = arena.add('free' + loc);
  const e = arena.add('paid' + loc);
  const regSid = (registration === null ? 'null' : pyFloat(registration)) + ',"sessionId":';
  const f = arena.add(regSid);
  const g = arena.add(`,"userAgent":${logStringOrNull(agent)},"userId":${logString(id)}}`);
  const h = arena.add('free' + loc + NEXT_SONG_PRE + regSid);
  const i = arena.add('paid' + loc + NEXT_SONG_PRE + regSid);
  return { a, b, c, d, e, f, g, h, i };
}

/** A browser user agent of the 2014 era, assembled from common pieces. */
export function userAgent(rng: Rng): string {
  const r = rng.next();
  if (r < 0.55) {
    const os = rng.pick(UA_CHROME_OS);
    const v = rng.pick(UA_CHROME_VERSIONS);
    return `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v} Safari/537.36`;
  }
  if (r < 0.75) {
    const v = rng.pick(UA_FIREFOX_VERSIONS);
    return `Mozilla/5.0 (${rng.pick(UA_FIREFOX_OS)}; rv:${v}) Gecko/20100101 Firefox/${v}`;
  }
  if (r < 0.93) {
    const [osx, webkit, version] = rng.pick(UA_SAFARI);
    return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${osx}) AppleWebKit/${webkit} (KHTML, like Gecko) Version/${version} Safari/${webkit}`;
  }
  return rng.pick(UA_MOBILE);
}

/**
 * The userAgent as stored: values containing a comma keep the literal double quotes
 * of an earlier CSV export, the others (mostly Firefox) are bare — as in the real logs.
 */
export function storedUserAgent(ua: string): string {
  return ua.includes(',') ? `"${ua}"` : ua;
}

function makeUser(rng: Rng, arena: ByteArena, index: number, startMs: number, msOffset: number): User {
  const female = rng.chance(0.55);
  const first = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const last = rng.pick(LAST_NAMES);
  const ageSec = 3600 + Math.floor(Math.min(rng.exp(18 * 86400), 150 * 86400));
  const registration = (Math.floor(startMs / 1000) - ageSec) * 1000 + msOffset;
  const paid = rng.chance(0.25);
  const id = String(index + 1);
  const gender = female ? 'F' : 'M';
  const agent = storedUserAgent(userAgent(rng));
  const { a, b, c, d, e, f, g, h, i } = fragments(
    arena,
    first,
    last,
    gender,
    rng.pick(METROS),
    registration,
    agent,
    id,
  );
  return {
    a,
    b,
    c,
    d,
    e,
    f,
    g,
    h,
    i,
    index: index + 1,
    id,
    level: paid ? 'paid' : 'free',
    weight: Math.exp(0.9 * rng.normal()) * (paid ? 2.5 : 1),
    upgradeP: 0.05 + rng.next() * 0.35,
    downgradeP: rng.next() * 0.04,
    active: false,
  };
}

export interface Population {
  users: User[];
  /** fragments of logged-out events: user fields null, userId "" */
  loggedOut: Fragments;
  arena: Uint8Array;
}

/** Creates `count` users with ids "1".."count"; `msOffset` is the run's millisecond phase. */
export function makeUsers(seed: number, count: number, startMs: number, msOffset: number): Population {
  const rng = new Rng(seed);
  const arena = new ByteArena();
  const loggedOut = fragments(arena, null, null, null, null, null, null, '');
  const users: User[] = [];
  for (let i = 0; i < count; i++) users.push(makeUser(rng, arena, i, startMs, msOffset));
  return { users, loggedOut, arena: arena.bytes() };
}
