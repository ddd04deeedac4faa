// s3:// locations: parsing `s3://bucket/prefix` and naming objects back as URIs. A prefix is read as
// a folder (`s3://b/log_data` lists `log_data/…`, never `log_data_old/…`), like a local path.
import { inputError } from '../errors.js';

export interface S3Location {
  bucket: string;
  /** '' for the whole bucket, otherwise ends with '/'. */
  prefix: string;
}

export function parseS3Uri(location: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location.trim());
  if (!m?.[1]) {
    throw inputError('not an S3 location', { where: location, hint: 'write it as s3://bucket/prefix' });
  }
  const path = (m[2] ?? '').replace(/^\/+/, '');
  return { bucket: m[1], prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
}

export const s3Uri = (bucket: string, key: string): string => `s3://${bucket}/${key}`;
