// Builds the S3 client the AWS SDK v3 way: the default credential chain and profiles (AWS_PROFILE);
// the region from the options, AWS_REGION, AWS_DEFAULT_REGION or the profile, else us-east-1; a
// custom endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or endpoint_url in the profile, all read by
// the SDK) switches to path-style addressing so MinIO and other S3-compatible stores work.
import { S3Client } from '@aws-sdk/client-s3';
import { inputError } from '../errors.js';

export interface S3ClientOptions {
  region?: string;
  /** Overrides the endpoint the SDK would pick up from the environment or the profile. */
  endpoint?: string;
  /** Attempts per request, and per download when the body stream breaks (default 5). */
  maxAttempts?: number;
}

export interface S3Connection {
  client: S3Client;
  region: string;
  /** The custom endpoint with any user:password masked, for messages; undefined for AWS itself. */
  endpoint: string | undefined;
  maxAttempts: number;
}

export const DEFAULT_REGION = 'us-east-1';
const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;

export async function connectS3(opts: S3ClientOptions = {}): Promise<S3Connection> {
  const probe = new S3Client({});
  let region: string;
  let endpoint: string | undefined;
  try {
    region = opts.region || env('AWS_REGION') || env('AWS_DEFAULT_REGION') || (await sdkRegion(probe));
    endpoint = opts.endpoint || (await configuredEndpoint(probe));
  } finally {
    probe.destroy();
  }
  if (!/^[a-z0-9-]{2,40}$/.test(region)) {
    throw inputError(`not an AWS region: ${region}`, {
      hint: 'set AWS_REGION (or the region in the config) to a region name such as us-west-2',
    });
  }
  const shown = endpoint === undefined ? undefined : checkEndpoint(endpoint);
  const maxAttempts = opts.maxAttempts ?? 5;
  const client = new S3Client({
    region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    maxAttempts,
    // S3-compatible stores do not all support the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // socketTimeout also fires when a download stalls mid-body, which the download then retries.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
  });
  return { client, region, endpoint: shown, maxAttempts };
}

/** The region from AWS_REGION or the profile in ~/.aws/config, as the SDK resolves it. */
async function sdkRegion(probe: S3Client): Promise<string> {
  return (await probe.config.region().catch(() => undefined)) || DEFAULT_REGION;
}

/** The endpoint the SDK would use from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile. */
async function configuredEndpoint(probe: S3Client): Promise<string | undefined> {
  const fromSdk = probe.config.serviceConfiguredEndpoint;
  // The SDK's own resolution, which also reads endpoint_url and the services section of the profile.
  if (typeof fromSdk === 'function') return (await fromSdk()) || undefined;
  if (env('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') === 'true') return undefined;
  return env('AWS_ENDPOINT_URL_S3') ?? env('AWS_ENDPOINT_URL');
}

/** Validates the endpoint URL and returns it with any credentials in it masked. */
function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw inputError('the S3 endpoint is not a URL', {
      hint: 'set AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL, or endpoint_url in the profile) to http(s)://host:port',
    });
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  return url.toString().replace(/\/$/, '');
}
