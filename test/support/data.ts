// Test data builders: small, hand-made song and event records and a temp folder per test.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TempDir {
  path: string;
  write(rel: string, content: string | Buffer, opts?: { gzip?: boolean }): Promise<string>;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = 'hz-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(rel, content, opts = {}) {
      const p = join(path, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, opts.gzip ? gzipSync(content) : content);
      return p;
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

export interface SongRec {
  song_id: string;
  title: string;
  artist_id: string;
  artist_name: string;
  duration: number;
  year?: number;
  artist_location?: string;
  artist_latitude?: number | null;
  artist_longitude?: number | null;
}

export const song = (s: SongRec): Record<string, unknown> => ({
  num_songs: 1,
  artist_id: s.artist_id,
  artist_latitude: s.artist_latitude ?? null,
  artist_longitude: s.artist_longitude ?? null,
  artist_location: s.artist_location ?? '',
  artist_name: s.artist_name,
  song_id: s.song_id,
  title: s.title,
  duration: s.duration,
  year: s.year ?? 0,
});

/** The song a default event() plays (title, artist and length match), as its file's text. */
export const songAFile = (): string =>
  JSON.stringify(
    song({ song_id: 'SO1', title: 'Song A', artist_id: 'AR1', artist_name: 'Artist A', duration: 200.5 }),
  );

let item = 0;
/** A log event with all 18 keys; NextSong unless page is given. */
export function event(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    artist: 'Artist A',
    auth: 'Logged In',
    firstName: 'Ann',
    gender: 'F',
    itemInSession: item++,
    lastName: 'Lee',
    length: 200.5,
    level: 'free',
    location: 'Town, ST',
    method: 'PUT',
    page: 'NextSong',
    registration: 1540919166796.0,
    sessionId: 7,
    song: 'Song A',
    status: 200,
    ts: 1541105830796,
    userAgent: '"Mozilla/5.0"',
    userId: '10',
    ...over,
  };
}

export const jsonLines = (recs: unknown[], eol = '\n'): string =>
  recs.map((r) => JSON.stringify(r)).join(eol);
