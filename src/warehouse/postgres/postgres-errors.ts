// Driver errors mapped once, at the seam: what the user can fix (unreachable server, credentials,
// missing database or privileges, a lost connection) becomes a one-line warehouse error naming
// user@host:port/db — never the password; any other SQL error is a bug-level Error with its cause.
import { ExitCode, HarmonizeError, warehouseError } from '../../errors.js';
import type { ServerConfig } from '../url.js';

interface DriverError extends Error {
  code?: string;
  errors?: { code?: string; message?: string }[];
}

const unreachable = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
]);
const connectionLost = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE']);

export const place = (cfg: ServerConfig) => `${cfg.user}@${cfg.host}:${cfg.port}/${cfg.database}`;

/** The error as seen by the user, with the password removed should a driver ever echo it. */
function scrubbed(e: unknown, cfg: ServerConfig): DriverError {
  const err = (e instanceof Error ? e : new Error(String(e))) as DriverError;
  const pw = cfg.password;
  if (!pw || !(String(err.message).includes(pw) || String(err.stack).includes(pw))) return err;
  const clean = new Error(err.message.split(pw).join('***')) as DriverError;
  if (err.code !== undefined) clean.code = err.code;
  return clean;
}

const codeOf = (e: DriverError) => e.code ?? e.errors?.find((x) => x.code)?.code;

interface Problem {
  message: string;
  hint: string;
}

/** What went wrong while connecting, for the causes a user can fix. */
function connectProblem(err: DriverError, cfg: ServerConfig, timeoutMs: number): Problem | undefined {
  const code = codeOf(err) ?? '';
  const at = `${cfg.host}:${cfg.port}`;
  if (code === 'ENOTFOUND')
    return { message: `unknown host "${cfg.host}"`, hint: 'check the host name in the warehouse URL' };
  if (unreachable.has(code) || /timeout|terminated/i.test(err.message)) {
    return {
      message: `cannot reach PostgreSQL at ${at} (${code || `no answer within ${Math.round(timeoutMs / 1000)} s`})`,
      hint: 'check the host and port, and that the server is running and accepts TCP connections',
    };
  }
  if (/password must be a string/i.test(err.message) || (code === '28P01' && !cfg.password)) {
    return {
      message: `the server wants a password for user "${cfg.user}" and none was given`,
      hint: 'add it to the warehouse URL or set PGPASSWORD',
    };
  }
  if (code === '28P01') {
    return {
      message: `password authentication failed for user "${cfg.user}"`,
      hint: 'check the user and password of the warehouse URL (or PGPASSWORD)',
    };
  }
  if (code === '3D000') {
    return {
      message: `database "${cfg.database}" does not exist on ${at}`,
      hint: `create it first, e.g. createdb -h ${cfg.host} -p ${cfg.port} -U ${cfg.user} ${cfg.database}`,
    };
  }
  return undefined;
}

export function connectError(e: unknown, cfg: ServerConfig, timeoutMs: number): HarmonizeError {
  const err = scrubbed(e, cfg);
  if (codeOf(err) === '42501') return privilegeError(err, cfg);
  const p = connectProblem(err, cfg, timeoutMs) ?? {
    message: `cannot connect to PostgreSQL: ${firstLine(err)}`,
    hint: 'check the warehouse URL',
  };
  return warehouseError(p.message, { where: place(cfg), hint: p.hint, cause: err });
}

function privilegeError(err: DriverError, cfg: ServerConfig): HarmonizeError {
  return warehouseError(`user "${cfg.user}" lacks a privilege: ${firstLine(err)}`, {
    where: place(cfg),
    hint: 'grant CONNECT on the database and USAGE, CREATE on the schema, or use ?schema= with a schema the user owns',
    cause: err,
  });
}

const firstLine = (e: Error) => (e.message || e.name).split('\n')[0] ?? '';

/**
 * A primary key the data broke (PostgreSQL enforces them; they stand in for the unique and not-null
 * checks there): a failed quality check, exit 1, with the server's detail naming the key.
 */
function keyViolation(err: DriverError & { detail?: string; table?: string }): HarmonizeError {
  const what = err.code === '23505' ? 'duplicate primary key' : 'null in a primary-key column';
  const detail = err.detail ? `: ${err.detail}` : '';
  return new HarmonizeError(
    ExitCode.checksFailed,
    `quality check failed: ${what} in ${err.table ?? 'a table'}${detail}`,
    {
      hint: 'the run was rolled back; fix the input that produced the duplicate',
      cause: err,
    },
  );
}

/** A failed statement: user-fixable conditions as warehouse errors, the rest wrapped once. */
export function queryError(e: unknown, cfg: ServerConfig): Error {
  if (e instanceof HarmonizeError) return e;
  const err = scrubbed(e, cfg);
  const code = codeOf(err) ?? '';
  if (code === '42501') return privilegeError(err, cfg);
  if (connectionLost.has(code) || /Connection terminated|not queryable|closed/i.test(err.message)) {
    return warehouseError(`lost the connection to PostgreSQL: ${firstLine(err)}`, {
      where: place(cfg),
      hint: 'check the server and run again; nothing was committed',
      cause: err,
    });
  }
  if (code === '23505' || code === '23502') return keyViolation(err);
  if (code.startsWith('53')) {
    return warehouseError(`PostgreSQL is out of resources: ${firstLine(err)}`, {
      where: place(cfg),
      hint: 'free disk or memory on the server',
      cause: err,
    });
  }
  return new Error(`PostgreSQL: ${firstLine(err)}`, { cause: err });
}
