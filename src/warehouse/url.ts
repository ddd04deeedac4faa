// Warehouse addresses: `duckdb:<file>` (default duckdb:harmonize.duckdb), `postgres://` or
// `postgresql://user:pass@host:port/db?schema=s`, `redshift://…` with the same parts. Parsed into
// a WarehouseConfig; passwords never leave it except to the driver, and describe() masks them.
import { usageError } from '../errors.js';

export interface DuckDbConfig {
  engine: 'duckdb';
  path: string;
  /** DuckDB's memory_limit, e.g. 2GB (?memory_limit=); the engine's default when absent. */
  memoryLimit?: string;
  /** Worker threads (?threads=); all cores when absent. */
  threads?: number;
  /** FSST string compression (?fsst=on): a smaller file, slower loads; off when absent. */
  fsst?: boolean;
}

export interface ServerConfig {
  engine: 'postgres' | 'redshift';
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  schema?: string;
  ssl?: boolean;
}

export type WarehouseConfig = DuckDbConfig | ServerConfig;

export const defaultWarehouseUrl = 'duckdb:harmonize.duckdb';

const hint = 'use duckdb:<file>, postgres://user:pass@host:5432/db or redshift://user:pass@host:5439/db';

export function parseWarehouseUrl(url: string): WarehouseConfig {
  if (url.startsWith('duckdb:')) return parseDuckDbUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError(`not a warehouse URL: ${maskUrl(url)}`, { where: '--warehouse', hint });
  }
  const engine = { 'postgres:': 'postgres', 'postgresql:': 'postgres', 'redshift:': 'redshift' }[u.protocol];
  if (!engine)
    throw usageError(`unknown warehouse engine "${u.protocol.replace(':', '')}"`, {
      where: '--warehouse',
      hint,
    });
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database)
    throw usageError('warehouse URL needs a host and a database', { where: '--warehouse', hint });
  const cfg: ServerConfig = {
    engine: engine as ServerConfig['engine'],
    host: u.hostname,
    port: u.port ? Number(u.port) : engine === 'redshift' ? 5439 : 5432,
    database,
    user: decodeURIComponent(u.username) || process.env.PGUSER || 'postgres',
  };
  const password = u.password ? decodeURIComponent(u.password) : process.env.PGPASSWORD;
  if (password) cfg.password = password;
  const schema = u.searchParams.get('schema');
  if (schema) cfg.schema = schema;
  const ssl = u.searchParams.get('sslmode') ?? u.searchParams.get('ssl');
  if (ssl) cfg.ssl = !['disable', 'false', '0'].includes(ssl);
  return cfg;
}

const memorySize = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** duckdb:<file>[?memory_limit=<size>&threads=<n>&fsst=on|off] */
function parseDuckDbUrl(url: string): DuckDbConfig {
  const [rest = '', query] = url
    .slice('duckdb:'.length)
    .replace(/^\/\//, '')
    .split(/\?(.*)/s, 2);
  if (!rest)
    throw usageError('duckdb URL without a file', {
      where: '--warehouse',
      hint: 'e.g. duckdb:harmonize.duckdb',
    });
  const cfg: DuckDbConfig = { engine: 'duckdb', path: rest };
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if (key === 'memory_limit' && memorySize.test(value)) cfg.memoryLimit = value.replace(/\s+/g, '');
    else if (key === 'threads' && /^[1-9]\d*$/.test(value)) cfg.threads = Number(value);
    else if (key === 'fsst' && (value === 'on' || value === 'off')) cfg.fsst = value === 'on';
    else
      throw usageError(`bad DuckDB option ${key}=${value}`, {
        where: '--warehouse',
        hint: 'DuckDB URLs take ?memory_limit=<size, e.g. 2GB>, &threads=<n> and &fsst=on|off',
      });
  }
  return cfg;
}

/** A URL with its password replaced by ***, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export function describeWarehouse(c: WarehouseConfig): string {
  if (c.engine === 'duckdb') return `duckdb:${c.path}`; // options are not part of the name
  const schema = c.schema ? `?schema=${c.schema}` : '';
  return `${c.engine}://${c.user}${c.password ? ':***' : ''}@${c.host}:${c.port}/${c.database}${schema}`;
}
