// Turns AWS SDK and network failures into one-line HarmonizeErrors (exit 4) that say what to do:
// missing bucket, access denied, no or rejected credentials, wrong region, unreachable endpoint.
// Messages are built from our own words plus the S3 error code; credentials never get in.
import { HarmonizeError, inputError } from '../errors.js';

export interface S3ErrorContext {
  /** The s3:// location or object the operation was about. */
  where: string;
  bucket: string;
  region: string;
  endpoint: string | undefined;
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  Region?: string;
  Endpoint?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const regionCodes = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
]);
const rejectedCredentialCodes = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);

export function isNetworkError(e: unknown): boolean {
  const x = e as AwsLikeError;
  return networkCodes.has(x?.code ?? '') || x?.name === 'TimeoutError';
}

/** A HarmonizeError for an S3 or network failure; anything else (a bug) is returned unchanged. */
export function s3Error(e: unknown, ctx: S3ErrorContext): Error {
  if (!(e instanceof Error)) return new Error(String(e));
  if (e instanceof HarmonizeError) return e;
  const x = e as AwsLikeError;
  const name = x.name ?? '';
  const status = x.$metadata?.httpStatusCode;
  const fail = (message: string, hint: string) =>
    inputError(redact(message), { where: ctx.where, hint, cause: e });
  if (name === 'CredentialsProviderError') return fail('no AWS credentials found', credentialsHint());
  if (name === 'NoSuchBucket') return fail(`bucket not found: ${ctx.bucket}`, bucketHint(ctx));
  if (regionCodes.has(name) || status === 301) {
    const r = bucketRegion(x);
    const hint = `set AWS_REGION=${r ?? "<the bucket's region>"}`;
    return fail(`the bucket is not in ${ctx.region}${r ? ` but in ${r}` : ''}`, hint);
  }
  if (rejectedCredentialCodes.has(name)) return fail(`AWS credentials rejected (${name})`, credentialsHint());
  if (name === 'AccessDenied' || status === 403) {
    const hint = `check IAM permissions: s3:ListBucket on arn:aws:s3:::${ctx.bucket}, s3:GetObject on arn:aws:s3:::${ctx.bucket}/*`;
    return fail('access denied', hint);
  }
  if (name === 'NoSuchKey') return fail('the object was deleted while the run was reading it', 're-run');
  if (isNetworkError(e))
    return fail(`cannot reach S3 at ${endpointOf(ctx)}: ${x.code ?? name}`, networkHint(ctx));
  if (x.$metadata)
    return fail(
      `S3 error ${name}${status ? ` (HTTP ${status})` : ''}: ${x.message ?? ''}`,
      're-run; if it persists, check the bucket and its settings',
    );
  return e;
}

function bucketRegion(x: AwsLikeError): string | undefined {
  const header = x.$response?.headers?.['x-amz-bucket-region'];
  const fromEndpoint = /s3[.-]([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(x.Endpoint ?? '')?.[1];
  const fromMessage = /expecting '([a-z0-9-]+)'/.exec(x.message ?? '')?.[1];
  return header ?? x.Region ?? fromEndpoint ?? fromMessage;
}

function credentialsHint(): string {
  const profile = process.env.AWS_PROFILE;
  if (profile)
    return `check profile "${profile}" in ~/.aws/credentials or ~/.aws/config (run aws sso login if it uses SSO)`;
  return 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
}

const bucketHint = (ctx: S3ErrorContext) =>
  ctx.endpoint
    ? `check the bucket name, and that ${ctx.endpoint} is the right endpoint`
    : 'check the bucket name';

const endpointOf = (ctx: S3ErrorContext) => ctx.endpoint ?? `s3.${ctx.region}.amazonaws.com`;

const networkHint = (ctx: S3ErrorContext) =>
  ctx.endpoint
    ? 'check that the server is running and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL point to it'
    : 'check the network connection and any proxy settings';

/** Masks access key ids and the values of the credential variables, wherever they came from. */
export function redact(text: string): string {
  let out = text.replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '***');
  for (const v of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    const secret = process.env[v];
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
