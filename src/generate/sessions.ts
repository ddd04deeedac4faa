// The event simulation: session starts arrive as a Poisson process shaped by hour and
// weekday, each session walks the page Markov chain, and a min-heap of live sessions
// yields events in global ts order. Memory is bounded by the number of live sessions.

import { MAX_ACTIVITY, activityFactor } from './calendar.js';
import type { Catalog, Track } from './catalog.js';
import { END, PAGE, PAGES, firstPage, gapSeconds, nextPage } from './pages.js';
import { Rng, WeightedPicker } from './prng.js';
import type { Fragments, User } from './users.js';
import type { LineAssembler } from './writer.js';

interface Session {
  sid: number;
  user: User;
  loggedIn: boolean;
  item: number;
  ts: number;
  page: number;
}

export interface SimulationConfig {
  seed: number;
  users: User[];
  /** line fragments of logged-out events */
  loggedOut: Fragments;
  catalog: Catalog;
  /** share of NextSong events drawn from the catalog */
  matchShare: number;
  /** average session starts per user per day */
  sessionsPerUserDay: number;
  /** simulation start and end (ms); events are whole seconds + msOffset */
  fromMs: number;
  toMs: number;
  msOffset: number;
}

const LOGGED_OUT_START = 0.08;

function less(a: Session, b: Session): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.sid < b.sid);
}

/**
 * Pull-based event source: call next() until it returns false; after each true, read
 * ts/page/user/track and call writeLine() to append the event's JSON line.
 */
export class Simulation {
  /** the current event's ts, page, user (null when logged out) and track (NextSong only) */
  ts = 0;
  page = 0;
  user: User | null = null;
  track: Track | null = null;

  private readonly rng: Rng;
  private readonly heap: Session[] = [];
  private readonly userPicker: WeightedPicker;
  private nextSid = 1;
  private arrivalT: number;
  private readonly meanGapMs: number;
  private current: Session | null = null;

  constructor(private readonly cfg: SimulationConfig) {
    this.rng = new Rng(cfg.seed);
    this.userPicker = new WeightedPicker(cfg.users.map((u) => u.weight));
    const perMs = (cfg.users.length * cfg.sessionsPerUserDay) / 86_400_000;
    this.meanGapMs = 1 / (perMs * MAX_ACTIVITY);
    this.arrivalT = cfg.fromMs;
    this.scheduleArrival();
  }

  /** Advances to the next event; false once the simulation reaches toMs. */
  next(): boolean {
    if (this.current) this.advance(this.current);
    this.current = null;
    for (;;) {
      const top = this.heap[0];
      if (this.arrivalT < this.cfg.toMs && (!top || this.arrivalT <= top.ts)) {
        this.arrive();
        continue;
      }
      if (!top || top.ts >= this.cfg.toMs) return false;
      this.current = top;
      this.ts = top.ts;
      this.page = top.page;
      this.user = top.loggedIn ? top.user : null;
      this.track = top.page === PAGE.NextSong ? this.pickTrack() : null;
      return true;
    }
  }

  /** Appends the current event as one JSON line, all 18 keys in the real order. */
  writeLine(out: LineAssembler): void {
    const s = this.current;
    if (!s) throw new Error('writeLine() without a current event');
    const U = out.bases[0]!; // arena bases: users, tracks, pages
    const T = out.bases[1]!;
    const w = s.loggedIn ? s.user : this.cfg.loggedOut;
    const paid = s.user.level === 'paid';
    out.beginLine();
    const t = this.track;
    if (t) {
      out.copy(T + t.a, T + t.b); // {"artist":"…"
      out.copy(U + w.a, U + w.b); // ,"auth":… "itemInSession":
      out.int(s.item);
      out.copy(U + w.b, U + w.c); // ,"lastName":…,"length":
      out.copy(T + t.b, T + t.c); // 123.45678,"level":"
      if (paid) out.copy(U + w.h, U + w.i);
      else out.copy(U + w.g, U + w.h); // free","location":…NextSong…,"sessionId":
      out.int(s.sid);
      out.copy(T + t.c, T + t.d); // ,"song":"…","status":200,"ts":
    } else this.writeOtherPage(out, s, w, paid);
    out.int(s.ts);
    out.copy(U + w.f, U + w.g); // ,"userAgent":…,"userId":"…"}
  }

  /** The line up to `"ts":` for pages other than NextSong (null artist, length, song). */
  private writeOtherPage(out: LineAssembler, s: Session, w: Fragments, paid: boolean): void {
    const U = out.bases[0]!;
    const T = out.bases[1]!;
    const P = out.bases[2]!;
    const t = this.cfg.catalog.noTrack;
    const pg = PAGES[s.page]!;
    out.copy(T + t.a, T + t.b); // {"artist":null
    out.copy(U + w.a, U + w.b);
    out.int(s.item);
    out.copy(U + w.b, U + w.c);
    out.copy(T + t.b, T + t.c); // null,"level":"
    if (paid) out.copy(U + w.d, U + w.e);
    else out.copy(U + w.c, U + w.d); // free","location":…,"method":"
    out.copy(P + pg.a, P + pg.b); // GET","page":"Home","registration":
    out.copy(U + w.e, U + w.f); // 1540919166796.0,"sessionId":
    out.int(s.sid);
    out.copy(T + t.c, T + t.d); // ,"song":null
    out.copy(P + pg.b, P + pg.c); // ,"status":200,"ts":
  }

  /** Thinning: candidate starts at the peak rate, kept with probability factor / peak. */
  private scheduleArrival(): void {
    do {
      this.arrivalT += this.rng.exp(this.meanGapMs);
    } while (this.rng.next() * MAX_ACTIVITY > activityFactor(this.arrivalT));
  }

  private arrive(): void {
    const ts = Math.floor(this.arrivalT / 1000) * 1000 + this.cfg.msOffset;
    this.scheduleArrival();
    const user = this.cfg.users[this.userPicker.pick(this.rng)];
    if (!user || user.active) return; // one session per user at a time
    user.active = true;
    const loggedIn = !this.rng.chance(LOGGED_OUT_START);
    const s: Session = {
      sid: this.nextSid++,
      user,
      loggedIn,
      item: 0,
      ts,
      page: firstPage(this.rng, loggedIn),
    };
    this.push(s);
  }

  private pickTrack(): Track {
    const c = this.cfg.catalog;
    const fromCatalog = this.rng.next() < this.cfg.matchShare;
    const t = fromCatalog
      ? c.catalogTracks[c.catalogPicker.pick(this.rng)]
      : c.otherTracks[c.otherPicker.pick(this.rng)];
    if (!t) throw new Error('empty track pool');
    return t;
  }

  /** Applies the event's effects and schedules the session's next event (or ends it). */
  private advance(s: Session): void {
    const u = s.user;
    const from = s.page;
    if (from === PAGE.SubmitUpgrade) u.level = 'paid';
    else if (from === PAGE.SubmitDowngrade) u.level = 'free';
    else if (from === PAGE.Logout) s.loggedIn = false;
    else if (from === PAGE.Login) s.loggedIn = true;
    const paid = u.level === 'paid';
    const to = nextPage(this.rng, from, s.loggedIn, paid, paid ? u.downgradeP : u.upgradeP);
    if (to === END) {
      u.active = false;
      this.popTop();
      return;
    }
    s.ts += gapSeconds(this.rng, from, to, this.track ? this.track.length : 0) * 1000;
    s.item++;
    s.page = to;
    this.siftDown(0);
  }

  private push(s: Session): void {
    const h = this.heap;
    let i = h.length;
    h.push(s);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!less(s, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = s;
  }

  private popTop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(start: number): void {
    const h = this.heap;
    const n = h.length;
    const s = h[start]!;
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && less(h[c + 1]!, h[c]!)) c++;
      const child = h[c]!;
      if (!less(child, s)) break;
      h[i] = child;
      i = c;
    }
    h[i] = s;
  }
}
