// The synthetic song catalog: MSD-style artists and songs (written as song files) and
// the track pools that NextSong events draw from — catalog tracks (which join exactly
// on title/artist/duration) and look-alike tracks that are not in the catalog.

import { ByteArena } from './arena.js';
import { logString, pyDumps, round5 } from './json-text.js';
import { artistName, songTitle } from './names.js';
import { ARTIST_PLACES } from './people-lists.js';
import { Rng, WeightedPicker, zipfWeights } from './prng.js';

export interface Artist {
  id: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
  location: string;
}

export interface Song {
  trackId: string;
  songId: string;
  title: string;
  duration: number;
  year: number;
  artist: Artist;
}

/**
 * A song as NextSong events play it, with its line fragments at offsets of the track
 * arena: [a,b) `{"artist":"…"`, [b,c) `246.30812,"level":"`, [c,d) `,"song":"…","status":200,"ts":`
 * (NextSong's status is always 200). The catalog's noTrack has `,"song":null` in [c,d).
 */
export interface Track {
  title: string;
  artist: string;
  length: number;
  inCatalog: boolean;
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface Catalog {
  /** line fragments of all tracks; noTrack (the null fields of other pages) included */
  trackArena: Uint8Array;
  noTrack: Track;
  artists: Artist[];
  songs: Song[];
  catalogTracks: Track[];
  otherTracks: Track[];
  catalogPicker: WeightedPicker;
  otherPicker: WeightedPicker;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789ABCDEF';

function chars(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet.charAt(rng.int(alphabet.length));
  return s;
}

function uniqueId(rng: Rng, seen: Set<string>, make: (r: Rng) => string): string {
  for (;;) {
    const id = make(rng);
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}

const trackIdOf = (r: Rng): string =>
  'TR' + chars(r, UPPER, 5) + (r.chance(0.75) ? '128F' + chars(r, HEX, 7) : '12903' + chars(r, HEX, 6));
const songIdOf = (r: Rng): string => 'SO' + chars(r, UPPER, 5) + '12A' + chars(r, HEX, 8);
const artistIdOf = (r: Rng): string =>
  'AR' + chars(r, ALNUM, 5) + r.pick(['1187', '1187', '1229', '1241']) + chars(r, HEX, 7);

/** Song length in seconds: log-normal around ~4 minutes, a few very short or very long. */
export function songDuration(rng: Rng): number {
  if (rng.chance(0.01)) return round5(15 + rng.next() * 45);
  const d = Math.exp(Math.log(225) + 0.33 * rng.normal());
  return round5(Math.min(1500, Math.max(40, d)));
}

function songYear(rng: Rng): number {
  if (rng.chance(0.5)) return 0;
  return Math.max(1954, 2010 - Math.floor(Math.abs(rng.normal()) * 13));
}

function makeArtist(rng: Rng, ids: Set<string>, names: Set<string>): Artist {
  let name = artistName(rng);
  while (names.has(name)) name = artistName(rng);
  names.add(name);
  const place = rng.pick(ARTIST_PLACES);
  const location = rng.chance(0.38) ? '' : place[0];
  const hasCoords = rng.chance(location === '' ? 0.15 : 0.55);
  const jitter = (): number => (rng.next() - 0.5) * 0.5;
  return {
    id: uniqueId(rng, ids, artistIdOf),
    name,
    latitude: hasCoords ? round5(place[1] + jitter()) : null,
    longitude: hasCoords ? round5(place[2] + jitter()) : null,
    location,
  };
}

function makeSongs(rng: Rng, artists: Artist[], count: number): Song[] {
  const byArtist = new WeightedPicker(zipfWeights(artists.length, 0.7, rng));
  const trackIds = new Set<string>();
  const songIds = new Set<string>();
  const titles = new Set<string>();
  const songs: Song[] = [];
  for (let i = 0; i < count; i++) {
    const artist = i < artists.length ? artists[i] : artists[byArtist.pick(rng)];
    if (!artist) throw new Error('no artist');
    let title = songTitle(rng);
    while (titles.has(artist.id + '\u0000' + title)) title = songTitle(rng);
    titles.add(artist.id + '\u0000' + title);
    const trackId = uniqueId(rng, trackIds, trackIdOf);
    const songId = uniqueId(rng, songIds, songIdOf);
    songs.push({ trackId, songId, title, duration: songDuration(rng), year: songYear(rng), artist });
  }
  return songs;
}

export function trackKey(title: string, artist: string, length: number): string {
  return `${title}\u0000${artist}\u0000${length}`;
}

function makeTrack(
  arena: ByteArena,
  title: string,
  artist: string,
  length: number,
  inCatalog: boolean,
): Track {
  const a = arena.end;
  const b = arena.add('{"artist":' + logString(artist));
  const c = arena.add(String(length) + ',"level":"');
  const d = arena.add(',"song":' + logString(title) + ',"status":200,"ts":');
  return { title, artist, length, inCatalog, a, b, c, d };
}

function makeNoTrack(arena: ByteArena): Track {
  const a = arena.end;
  const b = arena.add('{"artist":null');
  const c = arena.add('null,"level":"');
  const d = arena.add(',"song":null');
  return { title: '', artist: '', length: 0, inCatalog: false, a, b, c, d };
}

/** Tracks played on Sparkify that are not in the song files; a few are near misses. */
function makeOtherTracks(
  rng: Rng,
  arena: ByteArena,
  songs: Song[],
  artists: Artist[],
  count: number,
): Track[] {
  const taken = new Set(songs.map((s) => trackKey(s.title, s.artist.name, s.duration)));
  const out: Track[] = [];
  while (out.length < count) {
    const r = rng.next();
    const song = rng.pick(songs);
    let title = songTitle(rng);
    let artist = artistName(rng);
    let length = songDuration(rng);
    if (r < 0.03) {
      // same song, slightly different length: only a tolerant join would match it
      title = song.title;
      artist = song.artist.name;
      length = round5(song.duration + (rng.chance(0.5) ? 1 : -1) * (0.2 + rng.next() * 2));
    } else if (r < 0.05) title = song.title;
    else if (r < 0.15) artist = rng.pick(artists).name;
    const key = trackKey(title, artist, length);
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(makeTrack(arena, title, artist, length, false));
  }
  return out;
}

export function buildCatalog(seed: number, songCount: number): Catalog {
  const rng = new Rng(seed);
  const artistIds = new Set<string>();
  const artistNames = new Set<string>();
  const artistCount = Math.max(1, Math.round(songCount / 3));
  const artists: Artist[] = [];
  for (let i = 0; i < artistCount; i++) artists.push(makeArtist(rng, artistIds, artistNames));
  const songs = makeSongs(rng, artists, songCount);
  const arena = new ByteArena();
  const noTrack = makeNoTrack(arena);
  const catalogTracks = songs.map((s) => makeTrack(arena, s.title, s.artist.name, s.duration, true));
  const otherTracks = makeOtherTracks(rng, arena, songs, artists, Math.max(500, songCount * 4));
  return {
    trackArena: arena.bytes(),
    noTrack,
    artists,
    songs,
    catalogTracks,
    otherTracks,
    catalogPicker: new WeightedPicker(zipfWeights(catalogTracks.length, 0.9, rng)),
    otherPicker: new WeightedPicker(zipfWeights(otherTracks.length, 0.6, rng)),
  };
}

/** Relative path of a song file, e.g. song_data/A/A/A/TRAAAAW128F429D538.json. */
export function songFilePath(song: Song): string {
  const t = song.trackId;
  return `song_data/${t.charAt(2)}/${t.charAt(3)}/${t.charAt(4)}/${t}.json`;
}

/** The song file's bytes, as Python json.dumps wrote them (no trailing newline). */
export function songFileJson(song: Song): string {
  const a = song.artist;
  return pyDumps([
    ['num_songs', 1],
    ['artist_id', a.id],
    ['artist_latitude', a.latitude],
    ['artist_longitude', a.longitude],
    ['artist_location', a.location],
    ['artist_name', a.name],
    ['song_id', song.songId],
    ['title', song.title],
    ['duration', song.duration],
    ['year', song.year],
  ]);
}
