// S3 client set-up (region, endpoint, path style, checksums from the standard AWS variables and
// profile files) and the error mapping for failures s3rver cannot produce — access denied, wrong
// region, an object deleted mid-run, broken download streams — with a mocked S3 client.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HarmonizeError } from '../src/errors.js';
import { connectS3 } from '../src/extract/s3-client.js';
import { redact, s3Error } from '../src/extract/s3-errors.js';
import { S3Source } from '../src/extract/s3-source.js';
import { useS3Env } from './support/s3-server.js';

let work: string;
let restoreEnv: () => void;
beforeAll(async () => (work = await mkdtemp(join(tmpdir(), 'hz-s3-err-'))));
afterAll(() => rm(work, { recursive: true, force: true }));
beforeEach(() => (restoreEnv = useS3Env(undefined)));
afterEach(() => restoreEnv());

describe('connectS3 follows the AWS SDK conventions', () => {
  const clean = { AWS_REGION: undefined };

  it('takes the region from the options, AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1', async () => {
    const config = join(work, 'config');
    await writeFile(config, '[profile hz]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\n');
    const region = async (env: Record<string, string | undefined>, opts = {}) => {
      const restore = useS3Env(undefined, { ...clean, ...env });
      try {
        return (await connectS3(opts)).region;
      } finally {
        restore();
      }
    };
    expect(await region({ AWS_REGION: 'eu-west-1' }, { region: 'us-west-2' })).toBe('us-west-2');
    expect(await region({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-north-1' })).toBe('eu-west-1');
    expect(await region({ AWS_DEFAULT_REGION: 'eu-north-1' })).toBe('eu-north-1');
    expect(await region({ AWS_PROFILE: 'hz', AWS_CONFIG_FILE: config })).toBe('ap-south-1');
    expect(await region({})).toBe('us-east-1');
  });

  it('uses path-style addressing for an endpoint from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile', async () => {
    const config = join(work, 'config-endpoint');
    await writeFile(config, '[profile hz]\nendpoint_url = http://127.0.0.1:9000\n');
    const cases: [Record<string, string | undefined>, string | undefined][] = [
      [
        { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9001', AWS_ENDPOINT_URL: 'http://127.0.0.1:9002' },
        'http://127.0.0.1:9001',
      ],
      [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:9002' }, 'http://127.0.0.1:9002'],
      [{ AWS_PROFILE: 'hz', AWS_CONFIG_FILE: config }, 'http://127.0.0.1:9000'],
      [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:9002', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, undefined],
      [{}, undefined],
    ];
    for (const [env, endpoint] of cases) {
      const restore = useS3Env(undefined, env);
      try {
        const conn = await connectS3();
        expect(conn.endpoint).toBe(endpoint);
        expect(conn.client.config.forcePathStyle).toBe(endpoint !== undefined);
        expect(await conn.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
        expect(await conn.client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
      } finally {
        restore();
      }
    }
  });

  it('masks credentials in an endpoint URL and rejects a bad endpoint or region in one line', async () => {
    expect((await connectS3({ endpoint: 'http://minio:s3cr3t@127.0.0.1:9000/' })).endpoint).toBe(
      'http://***@127.0.0.1:9000',
    );
    await expect(connectS3({ endpoint: 'not a url' })).rejects.toThrow('the S3 endpoint is not a URL');
    await expect(connectS3({ region: 'US East' })).rejects.toThrow('not an AWS region: US East');
  });
});

function serviceError(name: string, status: number, extra: Record<string, unknown> = {}, headers = {}) {
  const e = new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
  Object.defineProperty(e, '$response', { value: { statusCode: status, headers } });
  return Object.assign(e, extra);
}

const body = (text: string) =>
  Readable.from([Buffer.from(text)]) as unknown as GetObjectCommandOutput['Body'];
const breaking = (text: string, code = 'ECONNRESET') =>
  new Readable({
    read() {
      this.push(text.slice(0, 3));
      this.destroy(Object.assign(new Error('socket hang up'), { code }));
    },
  }) as unknown as GetObjectCommandOutput['Body'];

describe('S3 failures become one-line errors with the fix (mocked client)', () => {
  const s3 = mockClient(S3Client);
  const src = () => new S3Source('s3://hz-bucket/log_data', { maxAttempts: 3 });
  const file = { uri: 's3://hz-bucket/log_data/a.json', size: 8, version: 'e1' };
  afterEach(() => s3.reset());
  afterAll(() => s3.restore());

  async function listError(err: Error): Promise<HarmonizeError> {
    s3.on(ListObjectsV2Command).rejects(err);
    const e: unknown = await (async () => {
      for await (const page of src().list()) void page;
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HarmonizeError);
    expect((e as HarmonizeError).exitCode).toBe(4);
    return e as HarmonizeError;
  }

  it('access denied names the IAM permissions to grant', async () => {
    const e = await listError(serviceError('AccessDenied', 403));
    expect(e.oneLine()).toBe(
      's3://hz-bucket/log_data/: access denied (check IAM permissions: s3:ListBucket on arn:aws:s3:::hz-bucket, s3:GetObject on arn:aws:s3:::hz-bucket/*)',
    );
  });

  it('a wrong region names the bucket region from the header, the error or neither', async () => {
    const redirect = await listError(
      serviceError('PermanentRedirect', 301, {}, { 'x-amz-bucket-region': 'eu-west-1' }),
    );
    expect(redirect.oneLine()).toBe(
      's3://hz-bucket/log_data/: the bucket is not in us-east-1 but in eu-west-1 (set AWS_REGION=eu-west-1)',
    );
    const malformed = await listError(
      serviceError('AuthorizationHeaderMalformed', 400, { Region: 'ap-southeast-2' }),
    );
    expect(malformed.hint).toBe('set AWS_REGION=ap-southeast-2');
    const bare = await listError(serviceError('Unknown', 301));
    expect(bare.hint).toBe("set AWS_REGION=<the bucket's region>");
  });

  it('other S3 errors keep their code; bugs stay bugs', async () => {
    const e = await listError(serviceError('InternalError', 500));
    expect(e.message).toBe('S3 error InternalError (HTTP 500): InternalError happened');
    const bug = new TypeError('x is undefined');
    expect(s3Error(bug, { where: 's3://b/', bucket: 'b', region: 'us-east-1', endpoint: undefined })).toBe(
      bug,
    );
  });

  it('an object deleted after the listing says so', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('NoSuchKey', 404));
    await expect(src().materialize(file, work)).rejects.toThrow(
      'the object was deleted while the run was reading it',
    );
  });

  it('retries a download whose stream breaks or ends short, from the start', async () => {
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: breaking('{"a":1}\n'), ContentLength: 8 })
      .resolvesOnce({ Body: body('{"a"'), ContentLength: 8 })
      .resolves({ Body: body('{"a":1}\n'), ContentLength: 8 });
    const path = await src().materialize(file, work);
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });

  it('retries a .gz download cut short cleanly (a gunzip error caused by the transfer, not the file)', async () => {
    const gz = gzipSync('{"a":1}\n'.repeat(50));
    const cut = Readable.from([gz.subarray(0, 20)]) as unknown as GetObjectCommandOutput['Body'];
    const whole = Readable.from([gz]) as unknown as GetObjectCommandOutput['Body'];
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: cut, ContentLength: gz.length })
      .resolves({ Body: whole, ContentLength: gz.length });
    const path = await src().materialize({ ...file, uri: 's3://hz-bucket/log_data/a.json.gz' }, work);
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n'.repeat(50));
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
  });

  it('gives up after maxAttempts broken downloads, and does not retry a damaged .gz', async () => {
    s3.on(GetObjectCommand).callsFake(async () =>
      Promise.resolve({ Body: breaking('{"a":1}\n'), ContentLength: 8 }),
    );
    await expect(src().materialize(file, work)).rejects.toThrow('download failed 3 times (ECONNRESET)');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
    s3.reset();
    s3.on(GetObjectCommand).callsFake(async () =>
      Promise.resolve({ Body: body('not gzip'), ContentLength: 8 }),
    );
    const gz = { ...file, uri: 's3://hz-bucket/log_data/a.json.gz' };
    await expect(src().materialize(gz, work)).rejects.toThrow(/cannot decompress/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});

describe('redact', () => {
  it('masks access key ids and the values of the credential variables', () => {
    const restore = useS3Env(undefined, { AWS_SECRET_ACCESS_KEY: 'Sup3r/Secret+Value' });
    try {
      expect(redact('key AKIAIOSFODNN7EXAMPLE secret Sup3r/Secret+Value')).toBe('key *** secret ***');
    } finally {
      restore();
    }
  });
});
