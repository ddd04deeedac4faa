// An s3://bucket/prefix as a Source: a paginated listing of the data files under the prefix, the
// ETag as both the cheap version and the fingerprint (S3 computes it from the content), and
// streamed downloads into the run's work folder. Client set-up lives in s3-client.ts, error
// wording in s3-errors.ts, the retried download in s3-download.ts.
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { paginateListObjectsV2, type _Object } from '@aws-sdk/client-s3';
import { requireFiles } from './no-files.js';
import { connectS3, type S3ClientOptions, type S3Connection } from './s3-client.js';
import { downloadObject } from './s3-download.js';
import { s3Error, type S3ErrorContext } from './s3-errors.js';
import { parseS3Uri, s3Uri, type S3Location } from './s3-uri.js';
import { dateFromPath, isDataFile, type Source, type SourceFile } from './source.js';

export interface S3SourceOptions extends S3ClientOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1000). */
  pageSize?: number;
}

export class S3Source implements Source {
  /** `s3://bucket/prefix/`, always ending in '/', so it is a prefix of exactly its files' URIs. */
  readonly location: string;
  private readonly at: S3Location;
  private conn: Promise<S3Connection> | undefined;

  constructor(
    location: string,
    private readonly opts: S3SourceOptions = {},
  ) {
    this.at = parseS3Uri(location);
    this.location = s3Uri(this.at.bucket, this.at.prefix);
  }

  /** One page: the whole listing, sorted. */
  async *list(): AsyncGenerator<SourceFile[]> {
    yield* requireFiles(this.location, [await this.listAll()]);
  }

  fingerprint(file: SourceFile): Promise<string> {
    return Promise.resolve(`etag:${file.version}`);
  }

  async materialize(file: SourceFile, dir: string): Promise<string> {
    const conn = await this.connect();
    const key = this.keyOf(file.uri);
    const gunzip = /\.gz$/i.test(key);
    // basename() keeps odd keys (../x) inside dir; the cap keeps the name under file-system limits.
    const name = posix.basename(key).replace(/\.gz$/i, '').slice(-120);
    const out = join(dir, `${createHash('sha1').update(file.uri).digest('hex').slice(0, 16)}-${name}`);
    await downloadObject(conn, { bucket: this.at.bucket, key, out, gunzip }, this.context(conn, file.uri));
    return out;
  }

  /** Every data file under the prefix, sorted by key (S3 sorts too, but not every store does). */
  private async listAll(): Promise<SourceFile[]> {
    const conn = await this.connect();
    const files: SourceFile[] = [];
    const pages = paginateListObjectsV2(
      { client: conn.client, pageSize: this.opts.pageSize ?? 1000 },
      { Bucket: this.at.bucket, Prefix: this.at.prefix },
    );
    try {
      for await (const page of pages) {
        for (const o of page.Contents ?? [])
          if (o.Key && isDataFile(o.Key)) files.push(this.toFile(o, o.Key));
      }
    } catch (e) {
      throw s3Error(e, this.context(conn, this.location));
    }
    return files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  private toFile(o: _Object, key: string): SourceFile {
    // Stores without ETags (rare) fall back to the modification time as the version.
    const etag = o.ETag?.replace(/"/g, '') || `mtime:${o.LastModified?.toISOString() ?? ''}`;
    const date = dateFromPath(key);
    return { uri: s3Uri(this.at.bucket, key), size: o.Size ?? 0, version: etag, ...(date ? { date } : {}) };
  }

  private keyOf(uri: string): string {
    const head = `s3://${this.at.bucket}/`;
    if (!uri.startsWith(head)) throw new Error(`${uri} is not in bucket ${this.at.bucket}`);
    return uri.slice(head.length);
  }

  private connect(): Promise<S3Connection> {
    this.conn ??= connectS3(this.opts);
    return this.conn;
  }

  private context(conn: S3Connection, where: string): S3ErrorContext {
    return { where, bucket: this.at.bucket, region: conn.region, endpoint: conn.endpoint };
  }
}
