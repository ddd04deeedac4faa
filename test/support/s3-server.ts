// Test harness: a real S3-protocol server (s3rver) on 127.0.0.1 and a random port, in a child node
// started with --openssl-legacy-provider so vitest workers need no flag; helpers to create buckets,
// upload a folder tree and point the AWS SDK at the server through the standard env variables.
// Under CI=true a server that fails to start fails the tests; elsewhere the S3 tests are skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3TestServer {
  endpoint: string;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  /** Uploads every file under dir to s3://bucket/prefix/<relative path>; returns the count. */
  uploadDir(dir: string, bucket: string, prefix: string): Promise<number>;
  stop(): Promise<void>;
}

/** s3rver accepts this access key (and does not check V4 signatures, so any secret works). */
export const S3RVER_KEY = 'S3RVER';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const childScript = `
const S3rver = require('s3rver');
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIR });
server.run().then((a) => process.stdout.write('READY ' + a.port + '\\n'), (e) => { console.error(e.message); process.exit(1); });
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

export async function startS3Server(): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'hz-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', childScript], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, S3RVER_DIR: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let port: number;
  try {
    port = await waitReady(child);
  } catch (e) {
    child.kill();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = testClient(endpoint);
  return {
    endpoint,
    client,
    createBucket: async (name) => void (await client.send(new CreateBucketCommand({ Bucket: name }))),
    put: async (bucket, key, body) =>
      void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
    uploadDir: (d, bucket, prefix) => uploadDir(client, d, bucket, prefix),
    stop: async () => {
      client.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the server; outside CI a failure to start is reported and yields undefined (skip). */
export async function startS3ServerOrSkip(): Promise<S3TestServer | undefined> {
  try {
    return await startS3Server();
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    console.warn(`S3 tests skipped: s3rver did not start (${(e as Error).message})`);
    return undefined;
  }
}

function waitReady(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`s3rver not ready after 15 s: ${err}`)), 15_000);
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code}: ${err.trim()}`));
    });
  });
}

export function testClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function uploadDir(client: S3Client, dir: string, bucket: string, prefix: string): Promise<number> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const base = prefix.replace(/\/+$/, '');
  const keys = files.map((f) => join(f.parentPath, f.name));
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(
      keys.slice(i, i + 16).map(async (path) => {
        const key = [base, relative(dir, path).split(sep).join('/')].filter(Boolean).join('/');
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path) }));
      }),
    );
  }
  return keys.length;
}

/**
 * Points the AWS SDK at the server through the standard variables (AWS_ENDPOINT_URL_S3, keys,
 * region), with no profile files and no instance metadata; returns a function restoring the env.
 */
export function useS3Env(
  endpoint: string | undefined,
  extra: Record<string, string | undefined> = {},
): () => void {
  const vars: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL: undefined,
    AWS_ACCESS_KEY_ID: S3RVER_KEY,
    AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: join(tmpdir(), 'hz-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'hz-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  return () => apply(saved);
}
