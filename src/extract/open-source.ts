// Picks the Source for a location: s3:// prefixes go to the S3 source, anything else is a folder.
import { LocalSource, type FingerprintMode } from './local-source.js';
import type { Source } from './source.js';

export interface SourceOptions {
  region?: string;
  /** Local folders only: S3 objects are fingerprinted by their ETag. */
  fingerprint?: FingerprintMode;
}

export async function openSource(location: string, opts: SourceOptions = {}): Promise<Source> {
  if (/^s3:\/\//i.test(location)) {
    const { S3Source } = await import('./s3-source.js');
    return new S3Source(location, opts.region ? { region: opts.region } : {});
  }
  return new LocalSource(location, opts.fingerprint ? { fingerprint: opts.fingerprint } : {});
}
