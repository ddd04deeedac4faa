// The reports on every engine. The song and artist rankings take a shortcut (play-ranking.ts): they
// must give exactly what their plain definition gives, for every limit, including when events
// staged twice (one play) make a name look bigger than it is, and when names are NULL or empty.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  candidateRankingSql,
  plainRankingSql,
  runRanking,
  type Queryable,
} from '../src/analytics/play-ranking.js';
import { findReport, reports, topArtists, topSongs } from '../src/analytics/reports.js';
import { event, jsonLines, songAFile } from './support/data.js';
import type { DuckFixture } from './support/duckdb.js';
import { contractEngines } from './support/engines.js';

const engines = await contractEngines();
const play = (song: string | null, artist: string | null, i: number, userId = String(i % 3)) =>
  event({ song, artist, ts: 1541105830796 + i * 1000, sessionId: 1, itemInSession: i, userId });

/** Echo/Dup: 3 plays each staged twice; Solo/B 4 plays; Third/C 2; two plays with no names, one with empty names; one Echo with no artist; Aaa/A 3 plays. */
function plays() {
  const echo = [0, 1, 2].map((i) => play('Echo', 'Dup', i));
  const rest = [
    ...[3, 4, 5, 6].map((i) => play('Solo', 'B', i)),
    ...[7, 8].map((i) => play('Third', 'C', i)),
    ...[9, 10].map((i) => play(null, null, i)),
    play('Echo', null, 11),
    play('', '', 12),
    ...[13, 14, 15].map((i) => play('Aaa', 'A', i)),
  ];
  return { first: [...echo, ...rest], copies: echo };
}

/** Counts the queries a report sends. */
function counting(wh: Queryable): Queryable & { sent: string[] } {
  const sent: string[] = [];
  return { dialect: wh.dialect, sent, query: (sql, params) => (sent.push(sql), wh.query(sql, params)) };
}

describe.each(engines)('reports on $name', (engine) => {
  let f: DuckFixture;
  beforeAll(async () => {
    f = await engine.open();
    const { first, copies } = plays();
    await f.dir.write('logs/2018/11/2018-11-01-events.json', jsonLines(first));
    await f.dir.write('logs/2018/11/2018-11-02-events.json', jsonLines(copies));
    await f.dir.write('songs/A/s1.json', songAFile());
    await f.etl(join(f.dir.path, 'songs'), join(f.dir.path, 'logs'));
  });
  afterAll(() => f?.close());

  it('counts a play staged twice once', async () => {
    const rows = await runRanking(f.wh, topSongs, 3);
    expect(rows).toEqual([
      { song: 'Solo', artist: 'B', plays: 4, listeners: 3, song_id: null },
      { song: 'Aaa', artist: 'A', plays: 3, listeners: 3, song_id: null },
      { song: 'Echo', artist: 'Dup', plays: 3, listeners: 3, song_id: null },
    ]);
  });

  for (const [name, ranking] of [
    ['songs', topSongs],
    ['artists', topArtists],
  ] as const) {
    it(`ranks ${name} as the plain query does, for every limit and number of candidates`, async () => {
      for (let n = 0; n <= 9; n++) {
        const plain = await f.wh.query(plainRankingSql(f.wh.dialect, ranking, n));
        for (const candidates of [1, 2, 3, 4, 6, 1000])
          expect(await runRanking(f.wh, ranking, n, candidates), `limit ${n}, ${candidates}`).toEqual(plain);
      }
    });
  }

  it('answers from the candidates when no other name can reach the top, else the plain way', async () => {
    // Two candidates, Echo/Dup (staged 6) and Solo/B (4); no other name is staged more than twice.
    const sure = counting(f.wh);
    expect((await runRanking(sure, topSongs, 1, 2)).map((r) => r.song)).toEqual(['Solo']);
    expect(sure.sent).toEqual([candidateRankingSql(f.wh.dialect, topSongs, 1, 2)]);
    // One candidate, Echo/Dup, with 3 plays: Solo/B, staged 4 times, might have more.
    const unsure = counting(f.wh);
    expect((await runRanking(unsure, topSongs, 1, 1)).map((r) => r.song)).toEqual(['Solo']);
    expect(unsure.sent).toHaveLength(2);
    expect(unsure.sent[1]).toBe(plainRankingSql(f.wh.dialect, topSongs, 1));
    // Two candidates again, limit 2: Echo/Dup's 3 plays tie with Aaa/A, outside, which sorts first.
    const tie = counting(f.wh);
    expect((await runRanking(tie, topSongs, 2, 2)).map((r) => r.song)).toEqual(['Solo', 'Aaa']);
    expect(tie.sent).toHaveLength(2);
    // Names with a NULL part are never candidates, and count among the names that might be higher.
    const nulls = counting(f.wh);
    expect((await runRanking(nulls, topArtists, 4, 4)).map((r) => r.artist)).toEqual(['B', 'A', 'Dup', null]);
    expect(nulls.sent).toHaveLength(2);
  });

  it('keeps plays without names, and with empty ones, as groups of their own', async () => {
    const rows = await runRanking(f.wh, topArtists, 10);
    expect(rows.map((r) => [r.artist, r.plays, r.songs])).toEqual([
      ['B', 4, 1],
      ['A', 3, 1],
      ['Dup', 3, 1],
      [null, 3, 1],
      ['C', 2, 1],
      ['', 1, 1],
    ]);
  });

  it('runs every report', async () => {
    for (const r of reports) expect((await r.run(f.wh, 5)).length, r.name).toBeGreaterThan(0);
    expect(await findReport('top-songs')?.run(f.wh, 0)).toEqual([]);
  });
});
