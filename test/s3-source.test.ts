// S3Source against a real S3-protocol server (s3rver on loopback): listing with pagination,
// downloads (plain and .gz), ETag versions, and the errors a real server can produce (missing
// bucket, empty prefix, closed port, rejected and absent credentials). Mapping of errors s3rver
// cannot simulate (access denied, wrong region) is in s3-errors.test.ts, with a mocked client.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { manifestOf, planFiles } from '../src/extract/plan.js';
import { S3Source } from '../src/extract/s3-source.js';
import type { SourceFile } from '../src/extract/source.js';
import { startS3ServerOrSkip, useS3Env } from './support/s3-server.js';

const server = await startS3ServerOrSkip();
const BUCKET = 'hz-source';
const MANY = 1_050;
const md5 = (s: string | Uint8Array) => createHash('md5').update(s).digest('hex');

async function listAll(src: S3Source): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for await (const page of src.list()) out.push(...page);
  return out;
}

async function failure(p: Promise<unknown>): Promise<HarmonizeError> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HarmonizeError);
  return e as HarmonizeError;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(!server)('S3Source on a real S3-protocol server', () => {
  const s3 = server!;
  let restoreEnv: () => void;
  let work: string;

  beforeAll(async () => {
    restoreEnv = useS3Env(s3.endpoint);
    work = await mkdtemp(join(tmpdir(), 'hz-s3-src-'));
    await s3.createBucket(BUCKET);
    await s3.put(BUCKET, 'data/b/song.json', '{"song_id":"S2"}\n');
    await s3.put(BUCKET, 'data/a/song.json', '{"song_id":"S1"}\n');
    await s3.put(BUCKET, 'data/2018/11/2018-11-02-events.json.gz', gzipSync('{"ts":2}\n'));
    await s3.put(BUCKET, 'data/README.md', 'not data');
    await s3.put(BUCKET, 'data_old/stale.json', '{}');
    const keys = Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => s3.put(BUCKET, k, `{"n":${k.length}}\n`)));
    }
  });

  afterAll(async () => {
    restoreEnv?.();
    await rm(work, { recursive: true, force: true });
    await s3.stop();
  });

  afterEach(() => vi.restoreAllMocks());

  it('lists only the data files under the prefix as a folder, sorted, with ETag versions and dates', async () => {
    const files = await listAll(new S3Source(`s3://${BUCKET}/data`));
    expect(files.map((f) => f.uri)).toEqual([
      `s3://${BUCKET}/data/2018/11/2018-11-02-events.json.gz`,
      `s3://${BUCKET}/data/a/song.json`,
      `s3://${BUCKET}/data/b/song.json`,
    ]);
    expect(files[1]).toEqual({
      uri: `s3://${BUCKET}/data/a/song.json`,
      size: 17,
      version: md5('{"song_id":"S1"}\n'),
    });
    expect(files[0]?.date).toBe('2018-11-02');
  });

  it(`pages through ${MANY} objects (more than one ListObjectsV2 page) and plans a no-op quickly`, async () => {
    const send = vi.spyOn(S3Client.prototype, 'send');
    const files = await listAll(new S3Source(`s3://${BUCKET}/many/`, { pageSize: 100 }));
    expect(files).toHaveLength(MANY);
    expect(send).toHaveBeenCalledTimes(Math.ceil(MANY / 100));
    expect(files.map((f) => f.uri)).toEqual([...files.map((f) => f.uri)].sort());
    const byDefault = await listAll(new S3Source(`s3://${BUCKET}/many`));
    expect(byDefault).toHaveLength(MANY);

    const src = new S3Source(`s3://${BUCKET}/many`);
    const manifest = manifestOf(
      new Map(
        files.map((f) => [f.uri, { size: f.size, version: f.version, fingerprint: `etag:${f.version}` }]),
      ),
    );
    const t0 = performance.now();
    const plan = await planFiles(src, manifest, {});
    const ms = performance.now() - t0;
    expect(plan).toMatchObject({ load: [], skipped: MANY, touched: [] });
    console.info(`no-op plan of ${MANY} S3 files: ${ms.toFixed(0)} ms`);
    // Almost all of it is s3rver reading its object metadata from disk; the bound only catches regressions.
    expect(ms).toBeLessThan(3_000);
  });

  it('downloads plain and .gz objects as plain text, under unique names', async () => {
    const src = new S3Source(`s3://${BUCKET}/data`);
    const files = await listAll(src);
    const paths = await Promise.all(files.map((f) => src.materialize(f, work)));
    expect(new Set(paths).size).toBe(3);
    expect(paths[0]).toMatch(/2018-11-02-events\.json$/);
    expect(await readFile(paths[0]!, 'utf8')).toBe('{"ts":2}\n');
    expect(await readFile(paths[1]!, 'utf8')).toBe('{"song_id":"S1"}\n');
    expect(await readFile(paths[2]!, 'utf8')).toBe('{"song_id":"S2"}\n');
  });

  it('gives a changed object a new version and fingerprint, an identical rewrite the same', async () => {
    const src = new S3Source(`s3://${BUCKET}/etag`);
    await s3.put(BUCKET, 'etag/x.json', '{"v":1}\n');
    const [before] = await listAll(src);
    await s3.put(BUCKET, 'etag/x.json', '{"v":1}\n');
    const [same] = await listAll(src);
    await s3.put(BUCKET, 'etag/x.json', '{"v":2}\n');
    const [after] = await listAll(src);
    expect(same?.version).toBe(before?.version);
    expect(after?.version).not.toBe(before?.version);
    expect(await src.fingerprint(after!)).toBe(`etag:${md5('{"v":2}\n')}`);
  });

  it('says a missing bucket is not found', async () => {
    const e = await failure(listAll(new S3Source('s3://hz-no-such-bucket/data')));
    expect(e.exitCode).toBe(4);
    expect(e.oneLine()).toBe(
      `s3://hz-no-such-bucket/data/: bucket not found: hz-no-such-bucket (check the bucket name, and that ${s3.endpoint} is the right endpoint)`,
    );
  });

  it('says a prefix without data files holds no .json files', async () => {
    await s3.put(BUCKET, 'docs/README.md', 'no data here');
    for (const prefix of ['docs', 'nothing-here']) {
      const e = await failure(listAll(new S3Source(`s3://${BUCKET}/${prefix}`)));
      expect(e.exitCode).toBe(4);
      expect(e.message).toBe(`no .json files under s3://${BUCKET}/${prefix}/`);
    }
  });

  it('says an endpoint on a closed port cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const e = await failure(listAll(new S3Source(`s3://${BUCKET}/data`, { endpoint, maxAttempts: 2 })));
    expect(e.exitCode).toBe(4);
    expect(e.message).toBe(`cannot reach S3 at ${endpoint}: ECONNREFUSED`);
    expect(e.hint).toContain('AWS_ENDPOINT_URL_S3');
  });

  it('says rejected credentials are rejected, without showing them', async () => {
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const restore = useS3Env(s3.endpoint, { AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret });
    try {
      const e = await failure(listAll(new S3Source(`s3://${BUCKET}/data`)));
      expect(e.oneLine()).toBe(
        `s3://${BUCKET}/data/: AWS credentials rejected (InvalidAccessKeyId) (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      );
      // The server echoed the key id back in its error; none of it reaches our words.
      expect((e.cause as { AWSAccessKeyId?: string }).AWSAccessKeyId).toBe(key);
      for (const text of [e.oneLine(), e.message, String(e.hint), String(e.where)]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(secret);
      }
    } finally {
      restore();
    }
  });

  it('says when no credentials are found, naming the profile when one is set', async () => {
    const noKeys = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };
    let restore = useS3Env(s3.endpoint, noKeys);
    try {
      const e = await failure(listAll(new S3Source(`s3://${BUCKET}/data`)));
      expect(e.exitCode).toBe(4);
      expect(e.oneLine()).toBe(
        `s3://${BUCKET}/data/: no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      );
      restore();
      restore = useS3Env(s3.endpoint, { ...noKeys, AWS_PROFILE: 'hz-ghost' });
      const p = await failure(listAll(new S3Source(`s3://${BUCKET}/data`)));
      expect(p.message).toBe('no AWS credentials found');
      expect(p.hint).toContain('profile "hz-ghost"');
    } finally {
      restore();
    }
  });
});
