// The DuckDB engine's own choices: files read side by side by one connection per thread give the
// same staging, rejects and star schema as one reader, record for record and line for line; runs
// of files stay consecutive and balanced; FSST string compression is off unless the URL asks; the
// memory cap is 448 MB unless the URL sets one.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { LocalSource } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import { givenTextSql, pieceRecordsSql } from '../src/warehouse/duckdb/duckdb-raw.js';
import { consecutiveRuns, SMALL_FILE_BYTES } from '../src/warehouse/duckdb/duckdb-raw-tables.js';
import { openDuckDb } from '../src/warehouse/duckdb/duckdb-warehouse.js';
import { openWarehouse } from '../src/warehouse/open.js';
import { parseWarehouseUrl } from '../src/warehouse/url.js';
import type { RawFile, Warehouse } from '../src/warehouse/warehouse.js';
import { event, jsonLines, song, tempDir, type TempDir, songAFile } from './support/data.js';
import { starSnapshot } from './support/duckdb.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function folder(): Promise<TempDir> {
  const dir = await tempDir('hz-duck-engine-');
  cleanups.push(() => dir.cleanup());
  return dir;
}

async function warehouse(
  opts: {
    threads?: number;
    fsst?: boolean;
    smallFileBytes?: number;
    largeFileBytes?: number;
    memoryLimit?: string;
    direct?: boolean;
  } = {},
): Promise<Warehouse> {
  const wh = await openDuckDb({ path: join((await folder()).path, 'wh.duckdb'), ...opts });
  cleanups.push(() => wh.close());
  return wh;
}

const etl = (wh: Warehouse, dir: TempDir, stageBatchBytes?: number) =>
  runEtl(wh, {
    songs: new LocalSource(join(dir.path, 'songs')),
    logs: new LocalSource(join(dir.path, 'logs')),
    ...(stageBatchBytes ? { stageBatchBytes } : {}),
  });

/** Log days in every shape the splitter knows, with rejects among them, and two song files. */
async function writeInput(dir: TempDir) {
  await dir.write('songs/A/s1.json', songAFile());
  await dir.write('songs/B/s2.json', `{"song_id": "SO2", "title": 7`);
  // Song files of one line in every shape, whitespace only, an array, records on two lines.
  const c = (i: number) =>
    JSON.stringify(
      song({ song_id: `SOC${i}`, title: `C${i}`, artist_id: 'ARC', artist_name: 'C', duration: i }),
    );
  await dir.write('songs/C/s1.json', `  ${c(1)} \t\r\n`);
  await dir.write('songs/C/s2.json', `\u{feff}${c(2)}`);
  await dir.write('songs/C/s3.json', ` \t\r\n`);
  await dir.write('songs/C/s4.json', `[${c(4)}, ${c(5)}]\n`);
  await dir.write('songs/C/s6.json', `${c(6)}\r\n${c(7)}`);
  await dir.write('songs/C/s8.json', `\n${c(8)}\n`);
  for (let d = 1; d <= 9; d++) {
    const base = Date.UTC(2018, 10, d, 12);
    const recs = Array.from({ length: 30 }, (_, i) =>
      event({ ts: base + i, userId: String(i % 5), sessionId: d * 10 + (i % 3), itemInSession: i }),
    );
    let text = jsonLines(recs, d % 3 === 0 ? '\r\n' : '\n');
    if (d === 2) text = `\u{feff}${text}\n\n   \n`;
    if (d === 4) text = text.replace(/\n/, '\n{"ts": "soon"}\nnot json\n');
    if (d === 7) text = JSON.stringify(recs.slice(0, 5));
    await dir.write(`logs/2018/11/2018-11-0${d}-events.json`, text);
  }
}

const lineage = (wh: Warehouse) =>
  Promise.all([
    wh.query(`SELECT * EXCLUDE (_run_id) FROM staging_events ORDER BY _source_file, _source_line`),
    wh.query(`SELECT * EXCLUDE (_run_id) FROM staging_songs ORDER BY _source_file, _source_line`),
    wh.query(`SELECT * EXCLUDE (run_id) FROM rejected_records ORDER BY source_file, source_line`),
  ]);

describe('DuckDB engine', () => {
  it('reads files side by side, and small files in Node, with exactly the result of one reader', async () => {
    const dir = await folder();
    await writeInput(dir);
    const connect = vi.spyOn(DuckDBInstance.prototype, 'connect');
    const run = vi.spyOn(DuckDBConnection.prototype, 'run');
    const readers = () => {
      const sql = run.mock.calls.map((c) => String(c[0]));
      return {
        readText: sql.some((q) => q.includes('read_text(')),
        node: sql.some((q) => q.includes(givenTextSql)),
        pieces: sql.some((q) => q.includes(pieceRecordsSql)),
      };
    };
    const results = [];
    // One reader with read_text for every file; three, read_text for files over 3 KiB (the log
    // days are 9–10 KiB, the JSON-array day and the songs smaller); three, Node for every file;
    // three, the JSON Lines days over 2 KiB read in pieces of 256 bytes (every line is longer than a
    // piece), the JSON-array day (one line) by read_text; one, the same pieces on one connection.
    for (const [threads, smallFileBytes, largeFileBytes] of [
      [1, 0, undefined],
      [3, 3 * 1024, undefined],
      [3, 1024 * 1024, undefined],
      [3, 1024, 2 * 1024],
      [1, 1024, 2 * 1024],
    ] as const) {
      connect.mockClear();
      run.mockClear();
      const wh = await warehouse({ threads, smallFileBytes, ...(largeFileBytes ? { largeFileBytes } : {}) });
      // Batches of about three log files: each is read by up to three connections at once.
      const summary = await etl(wh, dir, 40 * 1024);
      results.push({
        summary,
        connections: connect.mock.calls.length,
        readers: readers(),
        lineage: await lineage(wh),
        star: await starSnapshot(wh),
      });
    }
    const [one, side, node, pieced, piecedOnOne] = results;
    expect(one?.connections).toBe(1);
    expect(side?.connections).toBe(1 + 3);
    expect(piecedOnOne?.connections).toBe(1);
    expect(results.map((r) => r.readers)).toEqual([
      { readText: true, node: false, pieces: false },
      { readText: true, node: true, pieces: false },
      { readText: false, node: true, pieces: false },
      { readText: true, node: true, pieces: true },
      { readText: true, node: true, pieces: true },
    ]);
    expect(one?.summary.records.events.rejected).toBe(2);
    expect(one?.summary.records.songs.rejected).toBe(1);
    for (const other of [side, node, pieced, piecedOnOne]) {
      expect(other?.summary.records).toEqual(one?.summary.records);
      expect(other?.lineage).toEqual(one?.lineage);
      expect(other?.star).toEqual(one?.star);
    }
    const [events, songs, rejects] = one?.lineage ?? [];
    expect(events).toHaveLength(8 * 30 + 5);
    expect(
      songs?.map((r) => [relative(dir.path, String(r._source_file)), r._source_line, r.song_id]),
    ).toEqual([
      ['songs/A/s1.json', 1, 'SO1'],
      ['songs/C/s1.json', 1, 'SOC1'],
      ['songs/C/s2.json', 1, 'SOC2'],
      ['songs/C/s4.json', 1, 'SOC4'],
      ['songs/C/s4.json', 2, 'SOC5'],
      ['songs/C/s6.json', 1, 'SOC6'],
      ['songs/C/s6.json', 2, 'SOC7'],
      ['songs/C/s8.json', 2, 'SOC8'],
    ]);
    expect(rejects?.map((r) => [relative(dir.path, String(r.source_file)), r.source_line, r.reason])).toEqual(
      [
        ['logs/2018/11/2018-11-04-events.json', 2, 'bad_type'],
        ['logs/2018/11/2018-11-04-events.json', 3, 'invalid_json'],
        ['songs/B/s2.json', 1, 'invalid_json'],
      ],
    );
  });

  it('parses the usual records of a fresh load straight into staging, and the rest the raw way', async () => {
    // Clean days in every shape the direct load reads (LF, CRLF, BOM, blank and padded lines, an
    // array, a pretty-printed object, pieces of a large file, a .gz): nothing goes to a raw-record table.
    // Then a day with a line of spaces, and one with rejects: their runs fall back, later batches
    // too, and every configuration stages, rejects and numbers lines as the raw way alone does.
    const recs = (d: number, n = 20) =>
      Array.from({ length: n }, (_, i) =>
        event({ ts: Date.UTC(2018, 10, d, 12) + i, userId: String(i % 4), sessionId: d, itemInSession: i }),
      );
    const clean = await folder();
    await clean.write('songs/A/s1.json', songAFile());
    const day = (d: number) => `logs/2018/11/2018-11-0${d}-events.json`;
    await clean.write(day(1), jsonLines(recs(1)));
    await clean.write(day(2), jsonLines(recs(2), '\r\n') + '\r\n\r\n');
    await clean.write(day(3), `\u{feff}\n\n${jsonLines(recs(3)).replace(/\n/g, ' \t\n  ')}`);
    await clean.write(day(4), JSON.stringify(recs(4, 3)));
    await clean.write(day(5), JSON.stringify(recs(5, 1)[0], null, 2));
    await clean.write(day(6), jsonLines(recs(6, 400)));
    // Decompressed to a work folder first: read under another name than its lineage's.
    const zipped = `${day(9)}.gz`;
    await clean.write(zipped, jsonLines(recs(9, 30)), { gzip: true });
    const dirty = await folder();
    for (const f of ['songs/A/s1.json', day(1), day(2), day(3), day(4), day(5), day(6), zipped])
      await dirty.write(f, await readFile(join(clean.path, f)));
    await dirty.write(day(7), jsonLines(recs(7)).replace('\n', '\n   \n'));
    await dirty.write(day(8), jsonLines(recs(8)).replace('\n', '\n{"ts": "soon"}\nnot json\n'));
    const run = vi.spyOn(DuckDBConnection.prototype, 'run');
    const load = async (dir: TempDir, opts: Parameters<typeof warehouse>[0]) => {
      run.mockClear();
      const wh = await warehouse({ smallFileBytes: 0, ...opts });
      const summary = await etl(wh, dir, 8 * 1024);
      const sql = run.mock.calls.map((c) => String(c[0]));
      return {
        summary: summary.records,
        lineage: await lineage(wh),
        star: await starSnapshot(wh),
        direct: sql.filter((q) => q.includes('not a usual record')).length,
        raw: sql.filter((q) => q.includes('_hz_raw_') && q.includes('INSERT') && !q.includes('given')).length,
      };
    };
    for (const dir of [clean, dirty]) {
      const plain = await load(dir, { direct: false });
      expect(plain.direct).toBe(0);
      for (const opts of [{ threads: 1 }, { threads: 3 }, { threads: 3, largeFileBytes: 16 * 1024 }]) {
        const direct = await load(dir, opts);
        expect(direct.direct).toBeGreaterThan(0);
        expect(direct.summary).toEqual(plain.summary);
        expect(direct.lineage).toEqual(plain.lineage);
        expect(direct.star).toEqual(plain.star);
        // Clean files never go to a raw-record table; the runs of dirty ones do.
        if (dir === clean) expect(direct.raw).toBe(0);
        else expect(direct.raw).toBeGreaterThan(0);
      }
      if (dir === dirty) expect(plain.summary.events.rejected).toBe(2);
      else expect(plain.summary.events).toEqual({ staged: 20 * 3 + 3 + 1 + 400 + 30, rejected: 0 });
    }
  });

  it('rebuilds the staging table when a direct statement fails in its COMMIT, and loads as the raw way does', async () => {
    // DuckDB 1.5.5 can leave a table damaged when a COMMIT runs out of memory (duckdb-mend.test.ts
    // reproduces that; it needs the whole cap held, which a load cannot arrange on cue). Here the
    // fifth direct statement's COMMIT is rolled back and fails with that COMMIT's message: no
    // direct statement may commit after it, the load must rebuild the table once, keep counting
    // the batch's rows right, and stage as without it.
    const dir = await folder();
    await dir.write('songs/A/s1.json', songAFile());
    for (let d = 1; d <= 9; d++) {
      const recs = Array.from({ length: 30 }, (_, i) =>
        event({ ts: Date.UTC(2018, 10, d, 12) + i, userId: String(i % 4), sessionId: d, itemInSession: i }),
      );
      await dir.write(`logs/2018/11/2018-11-0${d}-events.json`, jsonLines(recs));
    }
    const plainWh = await warehouse({ smallFileBytes: 0, threads: 2, direct: false });
    const plain = await etl(plainWh, dir, 24 * 1024);
    // Called with the connection as this, below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = DuckDBConnection.prototype.run;
    let direct = 0;
    const lastDirect = new Map<DuckDBConnection, number>();
    let failedAt = -1;
    const run = vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(async function (
      this: DuckDBConnection,
      ...args: Parameters<typeof original>
    ) {
      const [sql] = args;
      if (sql.includes('not a usual record')) {
        lastDirect.set(this, ++direct);
        // The others are slower: the one beside the fifth is still running when its COMMIT begins.
        if (direct !== 5) await new Promise((r) => setTimeout(r, 100));
      }
      if (sql !== 'COMMIT' || lastDirect.get(this) !== 5) return original.apply(this, args);
      lastDirect.delete(this);
      failedAt = run.mock.calls.length - 1;
      // Slow to fail, as a COMMIT that runs out of memory is: the statement beside it is done.
      await new Promise((r) => setTimeout(r, 400));
      await original.call(this, 'ROLLBACK');
      throw new Error(
        'TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB',
      );
    });
    const wh = await warehouse({ smallFileBytes: 0, threads: 2 });
    const summary = await etl(wh, dir, 24 * 1024);
    const sql = run.mock.calls.map((c) => String(c[0]));
    // Statement 1 reads the song file; then batches of two days, read side by side. The fifth
    // (day 4) fails in its COMMIT beside day 3's, which rolls back rather than commit after it;
    // both days go the raw way. Then the load is off the direct way.
    expect(direct).toBe(5);
    expect(sql.filter((q) => q.startsWith('CREATE TABLE "_hz_mended"'))).toHaveLength(1);
    // Between the failed COMMIT and the rebuild, nothing committed: the statement beside it
    // rolled back (or had committed before).
    const rebuiltAt = sql.findIndex((q) => q.startsWith('CREATE TABLE "_hz_mended"'));
    expect(failedAt).toBeGreaterThan(0);
    expect(sql.slice(failedAt + 1, rebuiltAt).filter((q) => q === 'COMMIT')).toEqual([]);
    expect(summary.records).toEqual(plain.records);
    expect(summary.records.events).toEqual({ staged: 9 * 30, rejected: 0 });
    expect(await lineage(wh)).toEqual(await lineage(plainWh));
    expect(await starSnapshot(wh)).toEqual(await starSnapshot(plainWh));
    // Records per file, counted from the rows after a rowid read before the rebuild.
    const files = (w: Warehouse) =>
      w.query(`SELECT source_file, records, rejects FROM harmonize_files ORDER BY source_file`);
    expect(await files(wh)).toEqual(await files(plainWh));
    expect(
      (await files(wh)).every((f) => String(f.source_file).endsWith('s1.json') || Number(f.records) === 30),
    ).toBe(true);
    const columns = (w: Warehouse) => w.query('DESCRIBE staging_events');
    expect(await columns(wh)).toEqual(await columns(plainWh));
    await wh.execute('CHECKPOINT');
  });

  it('after a COMMIT out of memory: a warehouse error, then every table checked before the next statement', async () => {
    // The fault and its mend are reproduced in duckdb-mend.test.ts; here, the warehouse's wiring:
    // a transaction's COMMIT fails with that message (the driver's run, rolled back and failed).
    const wh = await warehouse();
    await wh.execute('CREATE TABLE t (a INTEGER)');
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = DuckDBConnection.prototype.run;
    vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(async function (
      this: DuckDBConnection,
      ...args: Parameters<typeof original>
    ) {
      if (args[0] !== 'COMMIT') return original.apply(this, args);
      await original.call(this, 'ROLLBACK');
      throw new Error(
        'TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB',
      );
    });
    const reads = vi.spyOn(DuckDBConnection.prototype, 'runAndReadAll');
    const failed = await wh
      .transaction(() => wh.execute('INSERT INTO t VALUES (1)'))
      .catch((e: unknown) => e as HarmonizeError);
    expect(failed).toBeInstanceOf(HarmonizeError);
    expect((failed as HarmonizeError).exitCode).toBe(3);
    expect((failed as HarmonizeError).message).toMatch(
      /^DuckDB ran out of memory under its 448MB cap \(TransactionContext Error: Failed to commit/,
    );
    // Nothing checked inside the failed transaction (its ROLLBACK), all of it before the next call.
    expect(reads).not.toHaveBeenCalled();
    expect(await wh.query('SELECT count(*)::INTEGER AS n FROM t')).toEqual([{ n: 0 }]);
    const sql = reads.mock.calls.map((c) => String(c[0]));
    expect(sql[0]).toMatch(/FROM duckdb_tables\(\)/);
    expect(sql.filter((q) => q.includes('pragma_storage_info'))).toHaveLength(1);
    expect(sql.at(-1)).toBe('SELECT count(*)::INTEGER AS n FROM t');
    // Checked once: the next call goes straight to its statement.
    reads.mockClear();
    await wh.query('SELECT 1 AS one');
    expect(reads.mock.calls.map((c) => String(c[0]))).toEqual(['SELECT 1 AS one']);
  });

  it.each([
    ['read_text', { smallFileBytes: 0 }],
    ['Node', { smallFileBytes: SMALL_FILE_BYTES }],
    ['Node in pieces', { smallFileBytes: 0, largeFileBytes: 256 }],
  ])('names the first bad line of a non-UTF-8 file read side by side by %s', async (_, opts) => {
    const dir = await folder();
    const wh = await warehouse({ threads: 2, ...opts });
    const good = JSON.stringify(event());
    await dir.write('logs/2018/11/2018-11-01-events.json', `${good}\n${good}\n`);
    const bad = await dir.write(
      'logs/2018/11/2018-11-02-events.json',
      Buffer.concat([Buffer.from(`${good}\n{"userId":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    );
    await dir.write(
      'songs/A/s1.json',
      JSON.stringify(song({ song_id: 'S', title: 'T', artist_id: 'A', artist_name: 'N', duration: 1 })),
    );
    const err = await etl(wh, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).exitCode).toBe(4);
    expect((err as HarmonizeError).oneLine()).toContain(`${bad}:2: not valid UTF-8 text`);
    const left = await wh.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_hz_%'`);
    expect(left).toEqual([]);
  });

  it('loads a batch of fetched (gzipped) files several times its memory cap, named as the source', async () => {
    // Fetched files are read from their local copies and renamed by a join; joined on the files'
    // contents, the ×100 sample gzipped ran out of memory under the default cap.
    const dir = await folder();
    const perFile = 2000;
    const files = 120;
    let text = 0;
    for (let f = 0; f < files; f++) {
      const base = Date.UTC(2018, 10, 1) + f * 86_400_000;
      const recs = Array.from({ length: perFile }, (_, i) =>
        event({ ts: base + i * 1000, sessionId: f, itemInSession: i, userId: String(i % 50) }),
      );
      const day = new Date(base).toISOString().slice(0, 10);
      const lines = jsonLines(recs);
      text += lines.length;
      await dir.write(`logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}-events.json.gz`, lines, {
        gzip: true,
      });
    }
    await dir.write('songs/A/s1.json', songAFile());
    const wh = await warehouse({ memoryLimit: '48MB' });
    // Batches of a third of the cap, as the default 256 MiB batches are of the default 448 MB.
    const summary = await etl(wh, dir, 16 * 2 ** 20);
    expect(summary.status).toBe('succeeded');
    expect(summary.records.events).toEqual({ staged: files * perFile, rejected: 0 });
    expect(text).toBeGreaterThan(1.5 * 48 * 2 ** 20);
    const names = await wh.query<{ f: string; n: number }>(
      `SELECT _source_file AS f, count(*) AS n FROM staging_events GROUP BY f ORDER BY f`,
    );
    expect(names).toHaveLength(files);
    for (const r of names) {
      expect(r.f.startsWith(join(dir.path, 'logs'))).toBe(true);
      expect(r.f.endsWith('-events.json.gz')).toBe(true);
      expect(Number(r.n)).toBe(perFile);
    }
  });

  it('reads a large JSON Lines file in pieces, and names a large array it cannot read whole', async () => {
    const recs = Array.from({ length: 160_000 }, (_, i) =>
      event({ ts: Date.UTC(2018, 10, 1) + i * 1000, sessionId: 1, itemInSession: i }),
    );
    const lines = jsonLines(recs);
    // Over half the cap: read_text's one allocation of the whole file and its records do not fit.
    expect(lines.length).toBeGreaterThan(48 * 2 ** 20);
    const load = async (text: string) => {
      const dir = await folder();
      await dir.write('logs/2018/11/2018-11-01-events.json', text);
      await dir.write('songs/A/s1.json', songAFile());
      const wh = await warehouse({ memoryLimit: '96MB', largeFileBytes: 2 ** 20 });
      return etl(wh, dir).catch((e: unknown) => e);
    };
    expect(await load(lines)).toMatchObject({
      status: 'succeeded',
      records: { events: { staged: 160_000, rejected: 0 } },
    });
    const err = await load(JSON.stringify(recs));
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).exitCode).toBe(4);
    expect((err as HarmonizeError).oneLine()).toMatch(
      /2018-11-01-events\.json: too large to read whole \(\d+ MB\).*JSON Lines/,
    );
  });

  it('names a small file it cannot read, and leaves no table behind', async () => {
    const dir = await folder();
    const wh = await warehouse();
    const err = await wh
      .rawRecords([{ sourceFile: 'logs/gone.json', localPath: join(dir.path, 'gone.json'), bytes: 10 }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarmonizeError);
    expect((err as HarmonizeError).exitCode).toBe(4);
    expect((err as HarmonizeError).oneLine()).toContain('logs/gone.json: cannot read');
    expect(await wh.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_hz_%'`)).toEqual(
      [],
    );
  });

  it('cuts files into consecutive runs of about equal bytes', () => {
    const files: RawFile[] = [5, 1, 1, 1, 1, 1, 4, 2].map((bytes, i) => ({
      sourceFile: `f${i}`,
      localPath: `f${i}`,
      bytes,
    }));
    const runs = consecutiveRuns(files, 2);
    expect(runs.flat()).toEqual(files);
    expect(runs.map((r) => r.reduce((b, f) => b + (f.bytes ?? 0), 0))).toEqual([8, 8]);
    expect(consecutiveRuns(files, 1)).toEqual([files]);
    expect(consecutiveRuns(files.slice(0, 2), 5).flat()).toEqual(files.slice(0, 2));
    expect(consecutiveRuns(files.slice(0, 2), 5).length).toBeLessThanOrEqual(2);
  });

  it('writes strings without FSST by default, and with it when asked', async () => {
    const methods = async (wh: Warehouse) => {
      await wh.execute(
        `CREATE TABLE agents AS SELECT 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 build ' || i AS ua FROM range(200000) t(i)`,
      );
      await wh.execute('CHECKPOINT');
      const rows = await wh.query<{ c: string }>(
        `SELECT DISTINCT compression AS c FROM pragma_storage_info('agents') WHERE segment_type = 'VARCHAR'`,
      );
      return rows.map((r) => r.c);
    };
    expect(await methods(await warehouse())).not.toContain('FSST');
    expect(await methods(await warehouse({ fsst: true }))).toContain('FSST');
  });

  it('caps DuckDB at 448 MB unless the URL says otherwise', async () => {
    const limit = async (wh: Warehouse) =>
      (await wh.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`))[0]?.v;
    // DuckDB prints the cap in binary units: 448,000,000 bytes are 427.2 MiB.
    expect(await limit(await warehouse())).toBe('427.2 MiB');
    const dir = await folder();
    const wh = await openWarehouse(
      parseWarehouseUrl(`duckdb:${join(dir.path, 'wh.duckdb')}?memory_limit=1GB`),
    );
    cleanups.push(() => wh.close());
    expect(await limit(wh)).toBe('953.6 MiB');
  });

  it('takes fsst=on|off in the URL', () => {
    expect(parseWarehouseUrl('duckdb:h.duckdb?fsst=on')).toMatchObject({ fsst: true });
    expect(parseWarehouseUrl('duckdb:h.duckdb?fsst=off')).toMatchObject({ fsst: false });
    expect(() => parseWarehouseUrl('duckdb:h.duckdb?fsst=yes')).toThrow(/bad DuckDB option fsst=yes/);
  });
});
