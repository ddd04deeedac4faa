// Pronounceable synthetic song titles and artist names built from the word lists.
// Commas never appear: like the real MSD-derived data, a comma is written as "_ "
// (e.g. "Featuring Lora_ Mika & Tovi"). Some names carry non-ASCII letters.

import type { Rng } from './prng.js';
import {
  ACCENTED_SYLLABLES,
  ADJECTIVES,
  ADVERBS,
  BAND_PREFIXES,
  FOREIGN,
  FOREIGN_JOINERS,
  GENRE_WORDS,
  NOUNS,
  OBJECTS,
  PLURALS,
  SYLLABLES,
  TITLE_SUFFIXES,
  VERBS,
} from './word-lists.js';

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A made-up word of 2–3 syllables, now and then with an accented letter. */
export function inventedWord(rng: Rng): string {
  const n = rng.chance(0.6) ? 2 : 3;
  let w = '';
  for (let i = 0; i < n; i++) {
    w += i > 0 && rng.chance(0.05) ? rng.pick(ACCENTED_SYLLABLES) : rng.pick(SYLLABLES);
  }
  return capitalize(w);
}

/** An artist name in one of several common shapes. */
export function artistName(rng: Rng): string {
  const r = rng.next();
  if (r < 0.24) return `${inventedWord(rng)} ${inventedWord(rng)}`;
  if (r < 0.42) return `The ${rng.pick(ADJECTIVES)} ${rng.pick(PLURALS)}`;
  if (r < 0.52) return `${rng.pick(BAND_PREFIXES)} ${inventedWord(rng)}`;
  if (r < 0.66) return inventedWord(rng);
  if (r < 0.75) return `${inventedWord(rng)} ${rng.pick(GENRE_WORDS)}`;
  if (r < 0.85) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.92) return `${inventedWord(rng)} & The ${rng.pick(PLURALS)}`;
  if (r < 0.96) return `${inventedWord(rng)}_ ${inventedWord(rng)} & ${inventedWord(rng)}`;
  return `${inventedWord(rng)} ${inventedWord(rng)};${inventedWord(rng)} ${inventedWord(rng)}`;
}

function baseTitle(rng: Rng): string {
  const r = rng.next();
  if (r < 0.22) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.38) return `${rng.pick(VERBS)} ${rng.pick(OBJECTS)} ${rng.pick(ADVERBS)}`;
  if (r < 0.48) return `The ${rng.pick(NOUNS)}`;
  if (r < 0.56) return `${rng.pick(NOUNS)} Of The ${rng.pick(NOUNS)}`;
  if (r < 0.64) return `Don't ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
  if (r < 0.74) return `${rng.pick(FOREIGN)} ${rng.pick(FOREIGN_JOINERS)} ${rng.pick(FOREIGN)}`.toLowerCase();
  if (r < 0.8) return rng.pick(FOREIGN);
  if (r < 0.9) return `${rng.pick(ADJECTIVES)} ${inventedWord(rng)}`;
  return `${rng.pick(NOUNS)} ${rng.pick(ADVERBS)}`;
}

/** A song title, sometimes with a version suffix, remix credit or featured artists. */
export function songTitle(rng: Rng): string {
  let t = baseTitle(rng);
  t = capitalize(t);
  const r = rng.next();
  if (r < 0.12) t += ` ${rng.pick(TITLE_SUFFIXES)}`;
  else if (r < 0.16) t += ` (${inventedWord(rng)} Remix)`;
  else if (r < 0.19) t += ` (Featuring ${inventedWord(rng)}_ ${inventedWord(rng)} & ${inventedWord(rng)})`;
  else if (r < 0.21) t += ` (feat. ${inventedWord(rng)})`;
  return t;
}
