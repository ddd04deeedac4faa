// Streams one S3 object to a local file (gunzipping .gz on the fly), never holding it in memory.
// The SDK retries failed requests; a body stream that breaks after the response started (reset,
// stall, short read) is retried here, from the start, with backoff.
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { inputError } from '../errors.js';
import type { S3Connection } from './s3-client.js';
import { isNetworkError, s3Error, type S3ErrorContext } from './s3-errors.js';

export interface Download {
  bucket: string;
  key: string;
  out: string;
  gunzip: boolean;
}

const streamBreaks = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_SHORT_READ']);
const isStreamBreak = (e: unknown) =>
  isNetworkError(e) ||
  streamBreaks.has((e as { code?: string })?.code ?? '') ||
  (e as Error)?.message === 'aborted';

export async function downloadObject(conn: S3Connection, d: Download, ctx: S3ErrorContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await conn.client
      .send(new GetObjectCommand({ Bucket: d.bucket, Key: d.key }))
      .catch((e: unknown) => {
        throw s3Error(e, ctx);
      });
    if (!(res.Body instanceof Readable)) throw new Error(`GetObject returned no stream for ${ctx.where}`);
    try {
      await writeBody(res.Body, res.ContentLength, d);
      return;
    } catch (e) {
      if (isStreamBreak(e) && attempt < conn.maxAttempts) {
        await sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random()));
        continue;
      }
      if ((e as { code?: string }).code?.startsWith('Z_')) {
        throw inputError(`cannot decompress: ${(e as Error).message}`, {
          where: ctx.where,
          hint: 'the .gz object is damaged; replace it',
          cause: e,
        });
      }
      if (isStreamBreak(e)) {
        throw inputError(
          `download failed ${attempt} times (${(e as { code?: string }).code ?? (e as Error).message})`,
          { where: ctx.where, hint: 'check the network to S3 and re-run', cause: e },
        );
      }
      throw s3Error(e, ctx);
    }
  }
}

async function writeBody(body: Readable, expected: number | undefined, d: Download): Promise<void> {
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    const sink = createWriteStream(d.out);
    await (d.gunzip ? pipeline(body, count, createGunzip(), sink) : pipeline(body, count, sink));
  } catch (e) {
    // A body cut short can surface as a gunzip error; it is a broken transfer, not a damaged file.
    if (!isStreamBreak(e) && expected !== undefined && bytes < expected) {
      throw Object.assign(new Error('short read'), { code: 'ERR_SHORT_READ', cause: e });
    }
    throw e;
  }
  if (expected !== undefined && bytes !== expected) {
    throw Object.assign(new Error(`short read: ${bytes} of ${expected} bytes`), { code: 'ERR_SHORT_READ' });
  }
}
