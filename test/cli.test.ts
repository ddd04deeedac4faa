// The CLI as a user meets it: commands, output formats, exit codes, and one-line errors (never a
// stack trace) for user mistakes. Runs the built bin/harmonize.js.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, jsonLines, tempDir, type TempDir, songAFile } from './support/data.js';
import { harmonize } from './support/cli.js';

let d: TempDir;
let wh: string;
let songs: string;
let logs: string;

beforeAll(async () => {
  d = await tempDir('hz-cli-');
  wh = `duckdb:${join(d.path, 'wh.duckdb')}`;
  songs = join(d.path, 'songs');
  logs = join(d.path, 'logs');
  await d.write('songs/A/s.json', songAFile());
  const recs = [
    event({ ts: 1541105830796, userId: '1' }),
    event({ ts: 1541105830797, userId: '2', level: 'paid' }),
    event({ ts: 1541105830798, userId: '', page: 'Home', song: null, artist: null, length: null }),
  ];
  await d.write('logs/2018/11/2018-11-01-events.json', jsonLines(recs));
});
afterAll(() => d.cleanup());

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('harmonize CLI', () => {
  it('lists its commands', async () => {
    const r = await harmonize(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['etl', 'create-tables', 'check', 'sql', 'report', 'generate'])
      expect(r.stdout).toContain(c);
  });

  it('runs etl and prints a JSON summary', async () => {
    const r = await harmonize(['etl', '--songs', songs, '--logs', logs, '--warehouse', wh, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      status: string;
      tables: Record<string, number>;
      records: { events: { staged: number } };
    };
    expect(s.status).toBe('succeeded');
    expect(s.records.events.staged).toBe(3);
    expect(s.tables).toMatchObject({ songplays: 2, users: 2, songs: 1, artists: 1, time: 2 });
  });

  it('says so when a run found nothing new', async () => {
    const r = await harmonize(['etl', '--songs', songs, '--logs', logs, '--warehouse', wh]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logs: 0 new, 0 changed, 1 skipped');
    expect(r.stdout).toMatch(/checks {3}0 passed, 0 failed \(nothing changed: only your own checks ran\)/);
  });

  it('takes --fingerprint mtime into the manifest, and refuses an unknown mode in one line', async () => {
    const other = `duckdb:${join(d.path, 'fp.duckdb')}`;
    const etl = (mode: string) =>
      harmonize(['etl', '--songs', songs, '--logs', logs, '--warehouse', other, '--fingerprint', mode]);
    expect((await etl('mtime')).code).toBe(0);
    const sql = "SELECT DISTINCT split_part(fingerprint, ':', 1) AS k FROM harmonize_files";
    const q = await harmonize(['sql', sql, '--warehouse', other, '--format', 'csv']);
    expect(q.stdout.trim().split('\n')).toEqual(['k', 'mtime']);
    const bad = await etl('md5');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'harmonize: --fingerprint: not a fingerprint mode: md5 (use sha256 or mtime)',
    );
  });

  it('answers SQL and reports as table, CSV and JSON', async () => {
    const csv = await harmonize([
      'sql',
      'SELECT user_id, level FROM users ORDER BY 1',
      '--warehouse',
      wh,
      '--format',
      'csv',
    ]);
    expect(csv.stdout.trim()).toBe('user_id,level\n1,free\n2,paid');
    const list = await harmonize(['report', '--warehouse', wh]);
    expect(list.stdout).toContain('top-songs');
    const top = await harmonize(['report', 'top-songs', '--warehouse', wh, '--format', 'json']);
    expect(JSON.parse(top.stdout)).toEqual([
      { song: 'Song A', artist: 'Artist A', plays: 2, listeners: 2, song_id: 'SO1' },
    ]);
    const table = await harmonize(['report', 'levels', '--warehouse', wh]);
    expect(table.stdout).toMatch(/2018-11-01 00:00:00\.000\s+1\s+1\s+1\s+1/);
  });

  it('exits 1 with the failing rows when a check fails', async () => {
    const spoiled = `duckdb:${join(d.path, 'spoiled.duckdb')}`;
    await harmonize(['etl', '--songs', songs, '--logs', logs, '--warehouse', spoiled, '--quiet']);
    await harmonize(['sql', `UPDATE users SET level = 'gold' WHERE user_id = '1'`, '--warehouse', spoiled]);
    const r = await harmonize(['check', '--warehouse', spoiled]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/users\.level in \(free, paid\)\s+FAILED\s+1/);
    expect(r.stdout).toContain('gold');
  });

  it.each([
    [
      ['etl', '--songs', '/nope/songs', '--logs', '/nope/logs', '--warehouse', 'duckdb::memory:'],
      4,
      /\/nope\/songs: folder not found/,
    ],
    [
      ['etl', '--songs', 'a', '--logs', 'b', '--warehouse', 'mysql://h/db'],
      2,
      /unknown warehouse engine "mysql"/,
    ],
    [
      ['etl', '--songs', 'a', '--logs', 'b', '--max-rejects', 'many'],
      2,
      /--max-rejects: not a whole number: many/,
    ],
    [['etl', '--songs', 'a', '--logs', 'b', '--from', '2018-13-45'], 2, /--from: not a date/],
    [['report', 'nope', '--warehouse', 'duckdb::memory:'], 2, /unknown report "nope"/],
    [['sql', 'SELEC 1', '--warehouse', 'duckdb::memory:'], 2, /query failed/],
    [
      ['sql', 'SELECT list(i) FROM range(20000000) t(i)', '--warehouse', 'duckdb::memory:?memory_limit=16MB'],
      3,
      /duckdb::memory:: DuckDB ran out of memory under its 16MB cap .*memory_limit=2GB/,
    ],
    [['etl', '--config', '/nope/dwh.cfg'], 2, /\/nope\/dwh.cfg: cannot read config file/],
  ])('user mistake %j → exit %i, one line', async (args, code, msg) => {
    const r = await harmonize(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    noStack(r.stderr);
  });

  it('reads a classic dwh.cfg with Harmonize keys and custom checks', async () => {
    const cfg = await d.write(
      'dwh.cfg',
      [
        '[CLUSTER]',
        'HOST = ',
        '[S3]',
        `SONG_DATA = '${songs}'`,
        `LOG_DATA = '${logs}'`,
        '[HARMONIZE]',
        `WAREHOUSE = duckdb:${join(d.path, 'cfg.duckdb')}`,
        '[CHECK two users]',
        'SQL = SELECT count(*) FROM users',
        'EXPECTED = 2',
        '[CHECK no gold]',
        'SQL = SELECT * FROM users',
        "  WHERE level = 'gold'",
      ].join('\n'),
    );
    const ok = await harmonize(['etl', '--config', cfg, '--json']);
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.stdout) as { checks: { results: { name: string; passed: boolean }[] } };
    expect(s.checks.results.filter((c) => ['two users', 'no gold'].includes(c.name))).toMatchObject([
      { passed: true },
      { passed: true },
    ]);
    const bad = await d.write(
      'bad.cfg',
      [
        '[HARMONIZE]',
        `WAREHOUSE = duckdb:${join(d.path, 'cfg.duckdb')}`,
        '[CHECK three users]',
        'SQL = SELECT count(*) FROM users',
        'EXPECTED = 3',
      ].join('\n'),
    );
    const r = await harmonize(['check', '--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/three users\s+FAILED/);
  });

  it('takes the warehouse from HARMONIZE_WAREHOUSE, flags first', async () => {
    const r = await harmonize(['sql', 'SELECT count(*) AS n FROM songplays', '--format', 'csv'], {
      HARMONIZE_WAREHOUSE: wh,
    });
    expect(r.stdout.trim()).toBe('n\n2');
    const flagWins = await harmonize(
      ['sql', 'SELECT 1 AS one', '--format', 'csv', '--warehouse', 'duckdb::memory:'],
      { HARMONIZE_WAREHOUSE: 'mysql://x/y' },
    );
    expect(flagWins.stdout.trim()).toBe('one\n1');
  });
});
