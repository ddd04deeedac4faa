// The PostgreSQL engine: one pg Client (the pipeline is sequential), raw files streamed in with COPY,
// a session-level advisory lock per schema, and errors mapped at the seam (postgres-errors.ts).
// With a schema in the URL, it is created when missing, qualifies every Harmonize table and leads
// the search_path, so user SQL finds the tables unqualified; temporary tables stay unqualified.
import { inTransaction } from '../transaction.js';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { HarmonizeError, warehouseError } from '../../errors.js';
import type { SqlDialect } from '../dialect.js';
import { quoteIdent } from '../sql-common.js';
import { traced } from '../trace.js';
import { describeWarehouse, type ServerConfig } from '../url.js';
import type { RawFile, RawRelation, Row, SqlValue, TypedLoad, TypedTarget, Warehouse } from '../warehouse.js';
import { postgresDialect } from './postgres-dialect.js';
import { connectError, place, queryError } from './postgres-errors.js';
import { tryJsonbFunctionSql } from './postgres-parse.js';
import { copyRawRecords, rawTableSql } from './postgres-raw.js';
import { copyLeftOvers, copyTypedRecords } from './postgres-typed.js';
import { toParam, typeParsers } from './postgres-values.js';

/** Session memory for sorts and hashes, and for index builds (see setUpSession). */
export const WORK_MEM = '64MB';
export const MAINTENANCE_WORK_MEM = '256MB';

export interface PostgresOptions {
  /** How long a run waits for another run's lock on the same schema before failing (default 60 s). */
  lockWaitMs?: number;
  /** How long connecting may take (default 10 s). */
  connectTimeoutMs?: number;
}

export async function openPostgres(cfg: ServerConfig, opts: PostgresOptions = {}): Promise<Warehouse> {
  const timeout = opts.connectTimeoutMs ?? 10_000;
  const client = new pg.Client({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: cfg.password,
    ssl: cfg.ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: timeout,
    application_name: 'harmonize',
    types: typeParsers,
  });
  client.on('error', () => undefined); // a connection lost while idle fails the next query instead
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw connectError(e, cfg, timeout);
  }
  try {
    await setUpSession(client, cfg);
    return new PostgresWarehouse(client, cfg, postgresDialect(cfg.schema), opts);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw queryError(e, cfg);
  }
}

/** Session settings and the function every parse relies on; the schema, created when missing. */
async function setUpSession(client: pg.Client, cfg: ServerConfig): Promise<void> {
  await client.query(`SET TIME ZONE 'UTC'`);
  await client.query('SET extra_float_digits = 1'); // shortest exact float text, as DuckDB prints
  // Sorts and hashes of a load's set-wise statements stay in memory (the 4 MB default spills them
  // to disk), and primary keys re-created after a first load build in one pass.
  await client.query(`SET work_mem = '${WORK_MEM}'`);
  await client.query(`SET maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
  const version = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  await client.query(tryJsonbFunctionSql(Number(version.rows[0]?.v ?? 0)));
  if (cfg.schema) {
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [cfg.schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(cfg.schema)}`);
    await client.query(`SELECT set_config('search_path', $1, false)`, [`${quoteIdent(cfg.schema)}, public`]);
  }
}

/** The advisory-lock key of a schema: 64 bits of SHA-256, stable across versions and processes. */
export function lockKey(schema: string | undefined): bigint {
  return createHash('sha256')
    .update(`harmonize:${schema ?? 'public'}`)
    .digest()
    .readBigInt64BE(0);
}

class PostgresWarehouse implements Warehouse {
  readonly capabilities = {
    bulkLoad: 'copy-from-stdin',
    transactionalDdl: true,
    freshLoad: 'transaction',
    stageIn: 'transaction',
    /** The bound both engines had before DuckDB's was raised; not measured here at other sizes. */
    stageBatchBytes: 256 * 1024 * 1024,
  } as const;
  readonly description: string;
  private rawSeq = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly cfg: ServerConfig,
    readonly dialect: SqlDialect,
    private readonly opts: PostgresOptions,
  ) {
    this.description = describeWarehouse(cfg);
  }

  async query<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.run(sql, params)).rows as T[];
  }

  async execute(sql: string, params: SqlValue[] = []): Promise<number> {
    return (await this.run(sql, params)).rowCount ?? 0;
  }

  private async run(sql: string, params: SqlValue[]): Promise<pg.QueryResult> {
    try {
      const res = (await traced(sql, () => this.client.query(sql, params.map(toParam)))) as
        pg.QueryResult | pg.QueryResult[];
      return Array.isArray(res)
        ? (res.at(-1) ?? ({ rows: [], rowCount: 0 } as unknown as pg.QueryResult))
        : res;
    } catch (e) {
      throw queryError(e, this.cfg);
    }
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return inTransaction((sql) => this.execute(sql), fn);
  }

  rawRecords(files: RawFile[], onProgress?: (bytes: number) => void): Promise<RawRelation> {
    return this.rawTable(`${files.length} files`, (table) =>
      copyRawRecords(this.client, table, files, onProgress),
    );
  }

  /** A fresh temporary raw-record table filled by copy, as a relation that drops it when disposed. */
  private async rawTable(what: string, copy: (table: string) => Promise<unknown>): Promise<RawRelation> {
    const table = quoteIdent(`_hz_raw_${++this.rawSeq}`);
    const drop = () => this.execute(`DROP TABLE IF EXISTS ${table}`).then(() => undefined);
    await drop();
    await this.execute(rawTableSql(table));
    try {
      await traced(`COPY ${table} FROM STDIN -- ${what}`, () => copy(table));
    } catch (e) {
      await drop().catch(() => undefined); // fails, harmlessly, when the COPY aborted a transaction
      throw e instanceof HarmonizeError ? e : queryError(e, this.cfg);
    }
    return { sql: `SELECT source_file, source_line, raw FROM ${table}`, params: [], dispose: drop };
  }

  /** Plain records typed in Node, in one COPY; the rest raw into a temporary table (postgres-typed.ts). */
  async loadTypedRecords(files: RawFile[], target: TypedTarget): Promise<TypedLoad> {
    let typed;
    try {
      typed = await traced(`COPY ${target.table} FROM STDIN -- typed, ${files.length} files`, () =>
        copyTypedRecords(this.client, files, target),
      );
    } catch (e) {
      throw e instanceof HarmonizeError ? e : queryError(e, this.cfg);
    }
    if (typed.leftOver.size === 0) return { loaded: typed.typed, records: typed.records };
    const rest = await this.rawTable(`the rest of ${typed.leftOver.size} files`, (table) =>
      copyLeftOvers(this.client, table, typed.leftOver),
    );
    const restRecords = [...typed.leftOver.values()].reduce((n, lines) => n + lines.size, 0);
    return { loaded: typed.typed, records: typed.records, rest, restRecords };
  }

  /** Waits up to lockWaitMs for another run on the same schema, then fails with a clear error. */
  async lock(): Promise<() => Promise<void>> {
    const key = lockKey(this.cfg.schema).toString();
    const waitMs = Math.max(1, Math.round(this.opts.lockWaitMs ?? 60_000));
    await this.execute(`SELECT set_config('lock_timeout', $1, false)`, [`${waitMs}ms`]);
    try {
      await this.client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    } catch (e) {
      throw (e as { code?: string }).code === '55P03'
        ? await this.lockBusy(key, waitMs)
        : queryError(e, this.cfg);
    } finally {
      await this.execute('RESET lock_timeout').catch(() => undefined);
    }
    let held = true;
    return async () => {
      if (!held) return;
      held = false;
      // When the connection is gone, so is the lock: nothing to release then.
      await this.execute('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    };
  }

  private async lockBusy(key: string, waitMs: number): Promise<HarmonizeError> {
    const k = BigInt.asUintN(64, BigInt(key));
    const holders = await this.query<{ pid: number; since: Date | null }>(
      `SELECT a.pid, a.backend_start AT TIME ZONE 'UTC' AS since FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1`,
      [(k >> 32n).toString(), (k & 0xffffffffn).toString()],
    ).catch(() => []);
    const h = holders[0];
    const by = h ? ` (server process ${h.pid}, connected since ${h.since?.toISOString() ?? '?'})` : '';
    const schema = this.cfg.schema ?? 'public';
    return warehouseError(
      `another Harmonize run holds the lock on schema "${schema}"${by}; waited ${waitMs / 1000} s`,
      {
        where: place(this.cfg),
        hint: 'run again when it has finished; the lock is released when that run ends or its connection closes',
      },
    );
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
