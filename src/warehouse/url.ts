// Warehouse addresses: `duckdb:<file>` (default duckdb:harmonize.duckdb), `postgres://` or
// `postgresql://user:pass@host:port/db?schema=s`, `redshift://…` with the same parts. Parsed into
// a WarehouseConfig; passwords never leave it except to the driver, and describe() masks them.
import { usageError } from '../errors.js';

export interface DuckDbConfig {
  engine: 'duckdb';
  path: string;
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
  if (url.startsWith('duckdb:')) {
    const path = url.slice('duckdb:'.length).replace(/^\/\//, '');
    if (!path)
      throw usageError('duckdb URL without a file', {
        where: '--warehouse',
        hint: 'e.g. duckdb:harmonize.duckdb',
      });
    return { engine: 'duckdb', path };
  }
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

/** A URL with its password replaced by ***, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export function describeWarehouse(c: WarehouseConfig): string {
  if (c.engine === 'duckdb') return `duckdb:${c.path}`;
  const schema = c.schema ? `?schema=${c.schema}` : '';
  return `${c.engine}://${c.user}${c.password ? ':***' : ''}@${c.host}:${c.port}/${c.database}${schema}`;
}
