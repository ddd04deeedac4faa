// Local folders as a source: the listing (data files only, depth first, names sorted, sizes,
// versions, dates), SHA-256 fingerprints computed on the hashing worker, and the manifest a run
// writes from them.
import { createHash } from 'node:crypto';
import { readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { LocalSource } from '../src/extract/local-source.js';
import { fingerprintLoads, manifestOf, planFiles } from '../src/extract/plan.js';
import { event, jsonLines, song, tempDir, type TempDir } from './support/data.js';
import { fixtureFor } from './support/duckdb.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';

let d: TempDir;
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

beforeAll(async () => {
  d = await tempDir('hz-local-');
  await d.write('logs/2018/11/2018-11-02-events.json', jsonLines([event({ ts: Date.UTC(2018, 10, 2) })]));
  await d.write('logs/2018/11/2018-11-01-events.json', jsonLines([event({ ts: Date.UTC(2018, 10, 1) })]));
  await d.write('logs/2018/10/2018-10-31-events.json.gz', jsonLines([event()]), { gzip: true });
  await d.write('logs/2018/notes.txt', 'not data');
  await d.write('logs/2018-a/x.jsonl', jsonLines([event()]));
  // Bigger than the worker's 1 MiB read buffer, so the hash spans several reads.
  await d.write('logs/big/2018-11-03-events.json', jsonLines(Array.from({ length: 6000 }, () => event())));
});
afterAll(() => d.cleanup());

describe('a local folder', () => {
  it('lists its data files depth first, names sorted in each folder, with sizes, versions and dates', async () => {
    const files = [];
    for await (const page of new LocalSource(join(d.path, 'logs')).list()) files.push(...page);
    const rel = files.map((f) => f.uri.slice(join(d.path, 'logs').length + 1));
    expect(rel).toEqual([
      '2018/10/2018-10-31-events.json.gz',
      '2018/11/2018-11-01-events.json',
      '2018/11/2018-11-02-events.json',
      '2018-a/x.jsonl',
      'big/2018-11-03-events.json',
    ]);
    expect(files[1]).toMatchObject({ date: '2018-11-01' });
    expect(files[3]?.date).toBeUndefined();
    expect(files.every((f) => f.size > 0 && /^\d+$/.test(f.version))).toBe(true);
  });

  it('lists a large folder in several pages, every file once and in order', async () => {
    const names = Array.from({ length: 600 }, (_, i) => `p${i}.json`);
    await Promise.all(names.map((n) => d.write(`paged/${n}`, '{}')));
    const pages = [];
    for await (const page of new LocalSource(join(d.path, 'paged')).list()) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.length > 0)).toBe(true);
    const listed = pages.flat().map((f) => f.uri.slice(join(d.path, 'paged').length + 1));
    expect(listed).toEqual([...names].sort());
  });

  it('stats most of a large folder on a helper thread, with the same listing', async () => {
    const dir = join(d.path, 'halves');
    const names = Array.from({ length: 700 }, (_, i) => `${String(i % 7)}/h${i}.json`);
    await Promise.all(names.map((n, i) => d.write(`halves/${n}`, '{}'.padEnd(2 + i, ' '))));
    const listing = async (src: LocalSource) => {
      const files = [];
      for await (const page of src.list()) files.push(...page);
      return files;
    };
    const alone = await listing(new LocalSource(dir));
    const split = await listing(new LocalSource(dir, { parallelStatsFrom: 100 }));
    expect(alone).toHaveLength(700);
    expect(split).toEqual(alone);
    // Sizes differ per file, so a shifted or misread half would not compare equal.
    expect(new Set(split.map((f) => f.size)).size).toBe(700);
  });

  it('names a file it cannot stat in either half of a large folder', async () => {
    const dir = join(d.path, 'dangling');
    for (let i = 0; i < 10; i++) await d.write(`dangling/m${i}.json`, '{}');
    for (const name of ['a-first.json', 'z-last.json']) {
      const link = join(dir, name);
      await symlink(join(dir, 'nowhere.json'), link);
      const err = await (async () => {
        for await (const page of new LocalSource(dir, { parallelStatsFrom: 4 }).list()) void page;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HarmonizeError);
      expect((err as HarmonizeError).exitCode).toBe(4);
      expect((err as HarmonizeError).oneLine()).toContain(`${link}: cannot read: ENOENT`);
      await rm(link);
    }
  });

  it('fingerprints files by the SHA-256 of their bytes, and names a file that is gone', async () => {
    const src = new LocalSource(join(d.path, 'logs'));
    const plan = await planFiles(src, manifestOf(), {});
    expect(plan.load.every((f) => f.fingerprint === undefined)).toBe(true); // new files: hashed later
    await fingerprintLoads(src, plan);
    for (const f of plan.load) expect(f.fingerprint).toBe(sha(await readFile(f.file.uri)));
    const gone = await d.write('logs/gone.json', '{}');
    const file = { uri: gone, size: 2, version: '1' };
    await rm(gone);
    const err = await src.fingerprint(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).exitCode).toBe(4);
    expect((err as HarmonizeError).oneLine()).toContain(`${gone}: cannot read`);
  });

  it('with mtime fingerprints, fingerprints a file by its size and mtime without reading it', async () => {
    const src = new LocalSource(join(d.path, 'logs'), { fingerprint: 'mtime' });
    const plan = await planFiles(src, manifestOf(), {});
    await fingerprintLoads(src, plan);
    for (const f of plan.load) expect(f.fingerprint).toBe(`mtime:${f.file.size}:${f.file.version}`);
    // A file that is gone still gets one: nothing was read.
    const gone = await d.write('logs/gone-too.json', '{}');
    await rm(gone);
    await expect(src.fingerprint({ uri: gone, size: 2, version: '7' })).resolves.toBe('mtime:2:7');
  });

  it('hashes hundreds of files asked for at once, each answered alone: a missing one fails only itself', async () => {
    const paths = await Promise.all(
      Array.from({ length: 300 }, (_, i) => d.write(`many/f${i}.json`, `{"i": ${i}}`)),
    );
    const missing = join(d.path, 'many/none.json');
    const src = new LocalSource(join(d.path, 'many'));
    const asked = [...paths.slice(0, 150), missing, ...paths.slice(150)];
    const results = await Promise.allSettled(
      asked.map((uri) => src.fingerprint({ uri, size: 0, version: '0' })),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [asked[i]] : []));
    expect(failed).toEqual([missing]);
    for (const [i, r] of results.entries())
      if (r.status === 'fulfilled') expect(r.value).toBe(sha(await readFile(asked[i] as string)));
  });

  it('gives the manifest of a run the SHA-256 of every loaded file', async () => {
    await d.write(
      'songs/s.json',
      JSON.stringify(song({ song_id: 'SO1', title: 'T', artist_id: 'AR1', artist_name: 'A', duration: 1 })),
    );
    const f = fixtureFor(await openDuckDb({ path: join(d.path, 'wh.duckdb') }), await tempDir());
    try {
      await f.etl(join(d.path, 'songs'), join(d.path, 'logs'));
      const rows = await f.wh.query<{ source_file: string; fingerprint: string }>(
        `SELECT source_file, fingerprint FROM harmonize_files ORDER BY source_file`,
      );
      expect(rows).toHaveLength(6);
      for (const r of rows) expect(r.fingerprint).toBe(sha(await readFile(r.source_file)));
    } finally {
      await f.close();
    }
  });
});
