// Settings: warehouse URLs, the classic dwh.cfg, Harmonize JSON config, and precedence.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/config/config.js';
import { fromDwhCfg } from '../src/config/dwh-cfg.js';
import { parseIni } from '../src/config/ini.js';
import { HarmonizeError } from '../src/errors.js';
import { describeWarehouse, maskUrl, parseWarehouseUrl } from '../src/warehouse/url.js';
import { tempDir } from './support/data.js';

/** What fn throws; undefined when it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const classic = `[CLUSTER]
HOST='dwhcluster.abc123.us-west-2.redshift.amazonaws.com'
DB_NAME=dwh
DB_USER=dwhuser
DB_PASSWORD=Passw0rd;secret
DB_PORT=5439

[IAM_ROLE]
ARN='arn:aws:iam::123456789012:role/dwhRole'

[S3]
LOG_DATA='s3://udacity-dend/log_data'
LOG_JSONPATH='s3://udacity-dend/log_json_path.json'
SONG_DATA='s3://udacity-dend/song_data'
`;

describe('warehouse URLs', () => {
  it('takes DuckDB memory and thread settings, and refuses unknown ones in one line', () => {
    expect(parseWarehouseUrl('duckdb:h.duckdb?memory_limit=2GB&threads=4')).toEqual({
      engine: 'duckdb',
      path: 'h.duckdb',
      memoryLimit: '2GB',
      threads: 4,
    });
    expect(parseWarehouseUrl('duckdb:h.duckdb?memory_limit=1.5 GiB')).toMatchObject({
      memoryLimit: '1.5GiB',
    });
    for (const bad of [
      'duckdb:h.duckdb?memory_limit=lots',
      'duckdb:h.duckdb?threads=0',
      'duckdb:h.duckdb?cache=1',
    ]) {
      const e = thrown(() => parseWarehouseUrl(bad));
      expect(e).toBeInstanceOf(HarmonizeError);
      expect((e as HarmonizeError).exitCode).toBe(2);
      expect((e as HarmonizeError).oneLine()).toMatch(/^--warehouse: bad DuckDB option/);
    }
  });

  it('parses every engine and masks passwords', () => {
    expect(parseWarehouseUrl('duckdb:data/h.duckdb')).toEqual({ engine: 'duckdb', path: 'data/h.duckdb' });
    const pg = parseWarehouseUrl('postgresql://ann:p%40ss@db.local:6543/sparkify?schema=analytics');
    expect(pg).toEqual({
      engine: 'postgres',
      host: 'db.local',
      port: 6543,
      database: 'sparkify',
      user: 'ann',
      password: 'p@ss',
      schema: 'analytics',
    });
    expect(describeWarehouse(pg)).toBe('postgres://ann:***@db.local:6543/sparkify?schema=analytics');
    expect(parseWarehouseUrl('redshift://u:x@cluster.example/dwh')).toMatchObject({
      engine: 'redshift',
      port: 5439,
    });
    expect(maskUrl('postgres://u:hunter2@h/db')).toBe('postgres://u:***@h/db');
  });

  it.each(['mysql://h/db', 'postgres://h', 'duckdb:', 'not a url'])(
    'rejects %s with a usage error',
    (url) => {
      const e = thrown(() => parseWarehouseUrl(url));
      expect(e).toBeInstanceOf(HarmonizeError);
      expect((e as HarmonizeError).exitCode).toBe(2);
    },
  );

  it('never repeats the password of a bad URL', () => {
    for (const url of [
      'postgres://u:hunter2@/',
      'postgres://u:hunter2@[bad/db',
      'postgres://u:hunter2@host',
    ]) {
      const e = thrown(() => parseWarehouseUrl(url));
      expect(e).toBeInstanceOf(HarmonizeError);
      expect((e as HarmonizeError).oneLine()).not.toContain('hunter2');
    }
  });
});

describe('classic dwh.cfg', () => {
  it('reads the cluster, S3 and IAM sections unchanged', () => {
    const s = fromDwhCfg(classic, 'dwh.cfg');
    expect(s.warehouse).toEqual({
      engine: 'redshift',
      host: 'dwhcluster.abc123.us-west-2.redshift.amazonaws.com',
      port: 5439,
      database: 'dwh',
      user: 'dwhuser',
      password: 'Passw0rd;secret',
    });
    expect(s).toMatchObject({
      songs: 's3://udacity-dend/song_data',
      logs: 's3://udacity-dend/log_data',
      iamRole: 'arn:aws:iam::123456789012:role/dwhRole',
      logJsonPath: 's3://udacity-dend/log_json_path.json',
    });
  });

  it('treats a non-Redshift host as PostgreSQL and reads checks with continuation lines', () => {
    const s = fromDwhCfg(
      `[CLUSTER]\nHOST=127.0.0.1\nDB_NAME=sparkify\nDB_USER=student\nDB_PASSWORD=student\nDB_PORT=5432\n[CHECK Users Exist]\nSQL = SELECT count(*)\n  FROM users\nEXPECTED = 97\n`,
      'x.cfg',
    );
    expect(s.warehouse).toMatchObject({ engine: 'postgres', host: '127.0.0.1', port: 5432 });
    expect(s.checks).toEqual([
      {
        name: 'Users Exist',
        sql: 'SELECT count(*)\nFROM users',
        expected: '97',
        source: 'x.cfg [CHECK Users Exist]',
      },
    ]);
  });

  it('reads [HARMONIZE] FINGERPRINT, and names the file of a bad one', () => {
    expect(fromDwhCfg('[HARMONIZE]\nFINGERPRINT = mtime\n', 'h.cfg').fingerprint).toBe('mtime');
    expect(fromDwhCfg('[HARMONIZE]\nWAREHOUSE = duckdb:x\n', 'h.cfg').fingerprint).toBeUndefined();
    expect(() => fromDwhCfg('[HARMONIZE]\nFINGERPRINT = fast\n', 'h.cfg')).toThrow(
      /not a fingerprint mode: fast/,
    );
    const e = thrown(() => fromDwhCfg('[HARMONIZE]\nFINGERPRINT = fast\n', 'h.cfg'));
    expect((e as HarmonizeError).where).toBe('h.cfg [HARMONIZE] FINGERPRINT');
  });

  it('names the file and line of a broken line, and missing keys', () => {
    const e = thrown(() => parseIni('[A]\nthis is not ini\n', 'bad.cfg'));
    expect((e as Error).message).toMatch(/not an INI line/);
    expect((e as HarmonizeError).where).toBe('bad.cfg:2');
    expect(() => fromDwhCfg('[CLUSTER]\nHOST=h\nDB_NAME=d\n', 'c.cfg')).toThrow(
      /\[CLUSTER\] DB_USER is missing/,
    );
    expect(() => fromDwhCfg('[CLUSTER]\nHOST=h\nDB_NAME=d\nDB_USER=u\nDB_PORT=abc\n', 'c.cfg')).toThrow(
      /DB_PORT is not a number/,
    );
  });
});

describe('precedence', () => {
  it('takes flags over environment over the config file', async () => {
    const d = await tempDir();
    try {
      const cfg = await d.write(
        'h.json',
        JSON.stringify({
          warehouse: 'duckdb:file.duckdb',
          songs: 'file-songs',
          logs: 'file-logs',
          maxRejects: 3,
        }),
      );
      const env = { HARMONIZE_WAREHOUSE: 'duckdb:env.duckdb', HARMONIZE_SONGS: 'env-songs' };
      const s = await resolveSettings({ config: cfg, logs: 'flag-logs' }, env);
      expect(s).toMatchObject({
        warehouse: { path: 'env.duckdb' },
        songs: 'env-songs',
        logs: 'flag-logs',
        maxRejects: 3,
      });
      // The fingerprint mode: flag over environment over file, each checked where it came from.
      const fp = await d.write('fp.json', JSON.stringify({ warehouse: 'duckdb:x', fingerprint: 'mtime' }));
      expect((await resolveSettings({ config: fp }, {})).fingerprint).toBe('mtime');
      expect((await resolveSettings({ config: fp }, { HARMONIZE_FINGERPRINT: 'sha256' })).fingerprint).toBe(
        'sha256',
      );
      expect(
        (await resolveSettings({ config: fp, fingerprint: 'SHA256' }, { HARMONIZE_FINGERPRINT: 'mtime' }))
          .fingerprint,
      ).toBe('sha256');
      expect((await resolveSettings({}, {})).fingerprint).toBeUndefined();
      const badMode = await resolveSettings({ fingerprint: 'md5' }, {}).catch((e: unknown) => e);
      expect((badMode as HarmonizeError).oneLine()).toBe(
        '--fingerprint: not a fingerprint mode: md5 (use sha256 or mtime)',
      );
      await expect(resolveSettings({}, { HARMONIZE_FINGERPRINT: 'x' })).rejects.toMatchObject({
        where: 'HARMONIZE_FINGERPRINT',
      });
      const badFile = await d.write('fp-bad.json', JSON.stringify({ fingerprint: 'crc' }));
      await expect(resolveSettings({ config: badFile }, {})).rejects.toThrow(/bad config/);
      const none = await resolveSettings({}, {});
      expect(none.warehouse).toEqual({ engine: 'duckdb', path: 'harmonize.duckdb' });
      const bad = await d.write('bad.json', JSON.stringify({ warehouse: 'duckdb:x', maxRejects: -1 }));
      await expect(resolveSettings({ config: bad }, {})).rejects.toThrow(/bad config/);
      const unknown = await d.write('unknown.json', JSON.stringify({ wearhouse: 'duckdb:x' }));
      await expect(resolveSettings({ config: unknown }, {})).rejects.toThrow(/bad config/);
    } finally {
      await d.cleanup();
    }
  });
});
