// Harmonize itself, as a user runs it: the engine factory on a warehouse URL, then runEtl over local
// folders. The incremental case loads the history, then the same folders plus one new day.
import type { Source, SourceFile } from '../src/extract/source.js';
import { LocalSource, type LocalSourceOptions } from '../src/extract/local-source.js';
import { runEtl } from '../src/pipeline/etl.js';
import type { RunSummary } from '../src/pipeline/summary.js';
import { openWarehouse } from '../src/warehouse/open.js';
import { parseWarehouseUrl } from '../src/warehouse/url.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';

export interface EtlResult {
  phasesMs: Record<string, number>;
  tables: Record<string, number>;
  rejected: number;
  staged: number;
  /** DuckDB's memory_limit as the engine reports it after the load; undefined on PostgreSQL. */
  memoryLimit?: string;
}

/** The memory cap the engine of wh runs under, as it reports it (DuckDB only). */
export async function engineMemoryLimit(wh: Warehouse): Promise<string | undefined> {
  if (!wh.description.startsWith('duckdb:')) return undefined;
  const [row] = await wh.query<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
  return row?.m;
}

async function result(s: RunSummary, wh: Warehouse): Promise<EtlResult> {
  const r = s.records;
  const memoryLimit = await engineMemoryLimit(wh);
  return {
    phasesMs: { ...s.phasesMs },
    tables: s.tables,
    rejected: r.events.rejected + r.songs.rejected,
    staged: r.events.staged + r.songs.staged,
    ...(memoryLimit ? { memoryLimit } : {}),
  };
}

/** One full load into the warehouse at url (a fresh DuckDB file or an empty schema). */
export async function runHarmonize(
  url: string,
  songs: string,
  logs: string,
  opts: LocalSourceOptions = {},
): Promise<EtlResult> {
  const wh = await openWarehouse(parseWarehouseUrl(url));
  try {
    return await result(
      await runEtl(wh, { songs: new LocalSource(songs, opts), logs: new LocalSource(logs, opts) }),
      wh,
    );
  } finally {
    await wh.close();
  }
}

/** The log folder plus one more day kept in another folder: what a daily run sees. */
class WithExtraDay implements Source {
  readonly location: string;

  constructor(
    private readonly base: LocalSource,
    private readonly extra: LocalSource,
  ) {
    this.location = base.location;
  }

  async *list(): AsyncGenerator<SourceFile[]> {
    yield* this.base.list();
    yield* this.extra.list();
  }

  private owner(f: SourceFile): LocalSource {
    return f.uri.startsWith(this.extra.location) ? this.extra : this.base;
  }

  fingerprint(f: SourceFile): Promise<string> {
    return this.owner(f).fingerprint(f);
  }

  materialize(f: SourceFile, dir: string): Promise<string> {
    return this.owner(f).materialize(f, dir);
  }
}

export interface IncrementalResult {
  fullMs: number;
  incrementalMs: number;
  full: EtlResult;
  incremental: EtlResult;
}

/** Loads the history (timed), then the history plus the extra day (timed) into the same warehouse. */
export async function runIncremental(
  url: string,
  songs: string,
  logs: string,
  extraLogs: string,
): Promise<IncrementalResult> {
  const wh = await openWarehouse(parseWarehouseUrl(url));
  try {
    const songSource = new LocalSource(songs);
    const logSource = new LocalSource(logs);
    let t0 = performance.now();
    const history = await runEtl(wh, { songs: songSource, logs: logSource });
    const fullMs = performance.now() - t0;
    const full = await result(history, wh);
    t0 = performance.now();
    const withDay = new WithExtraDay(logSource, new LocalSource(extraLogs));
    const summary = await runEtl(wh, { songs: songSource, logs: withDay });
    const incrementalMs = performance.now() - t0;
    return { fullMs, incrementalMs, full, incremental: await result(summary, wh) };
  } finally {
    await wh.close();
  }
}
