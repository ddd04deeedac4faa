// Local folders: recursive listing (sorted, so runs are reproducible), mtime as the cheap version,
// SHA-256 of the content as the fingerprint (hashed on a worker thread, file-hasher.ts; or size and
// mtime, fingerprintModes), and .gz
// decompressed to a work folder. Listing reads folders, then stats the files, in short synchronous
// runs: a readdir or a stat is a few microseconds of work but tens of microseconds of round trip
// through the thread pool when awaited. A large tree's later files are stat'ed on a helper thread
// meanwhile (stat-worker.ts).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readdirSync, statSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { inputError } from '../errors.js';
import { fileHasher } from './file-hasher.js';
import { statWorker, type StatFailure, type Stats } from './stat-worker.js';
import { noDataFilesError } from './no-files.js';
import { dateFromPath, isDataFile, type Source, type SourceFile } from './source.js';

/** Files stat'ed, and folders read, per listing step. */
const STAT_CHUNK = 256;
const READDIR_CHUNK = 64;

/**
 * From this many files the later ones are stat'ed on a helper thread (stat-worker.ts) while this
 * thread stats the first: starting the thread costs about 27 ms, what the split saves on some
 * 18,000 files. On the ×100 sample's 10,100 files the thread made a daily run's listing slower
 * (median of eight runs 114 ms against 94 ms, also when started before the folders were read).
 */
const PARALLEL_STATS = 32_768;

/**
 * The share this thread stats itself: it also plans every page and builds the manifest's map
 * meanwhile. ×1000 sample's daily run, ten alternating runs each: listing 692 ms median on one
 * thread, 606 ms with this share (the worker's 0.65), about 700 ms with half each.
 */
const MAIN_STAT_SHARE = 0.35;

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const unreadable = (path: string, e: unknown) =>
  inputError(`cannot read: ${(e as Error).message}`, {
    where: path,
    hint: 'check the file is readable',
    cause: e,
  });

/** dir/name: path.join normalizes the whole path again on every call, a third of listing's time. */
const childPath = (dir: string, name: string) => (dir.endsWith(sep) ? dir + name : dir + sep + name);

interface Folder {
  dir: string;
  entries: Dirent[];
  next: number;
}

const openFolder = (dir: string): Folder => ({
  dir,
  entries: readdirSync(dir, { withFileTypes: true }).sort(byName),
  next: 0,
});

/**
 * Every data file under root, depth first, names sorted in each folder. Folders are read
 * synchronously, a short run at a time with the event loop free in between: an awaited readdir
 * costs a thread-pool round trip per folder, which dominated trees of one folder per file
 * (generated ×100, 7,100 files in 6,582 folders: listed in 0.21–0.30 s so, 0.09–0.12 s now).
 */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const stack: Folder[] = [openFolder(root)];
  let opened = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Folder;
    const e = top.entries[top.next++];
    if (!e) {
      stack.pop();
      continue;
    }
    const p = childPath(top.dir, e.name);
    if (e.isDirectory()) {
      stack.push(openFolder(p));
      if (++opened % READDIR_CHUNK === 0) await new Promise((go) => setImmediate(go));
    } else if (isDataFile(e.name)) out.push(p);
  }
  return out;
}

function describe(path: string, size: number, mtimeMs: number): SourceFile {
  const file: SourceFile = { uri: path, size, version: String(Math.trunc(mtimeMs)) };
  const date = dateFromPath(path);
  if (date) file.date = date;
  return file;
}

/** The pages of the files the stat worker took, or the error of the first it could not stat. */
function* farPages(paths: string[], r: Stats | StatFailure): Generator<SourceFile[]> {
  if ('index' in r) {
    const path = paths[r.index] ?? '';
    throw unreadable(path, Object.assign(new Error(r.message), { code: r.code, path }));
  }
  for (let i = 0; i < paths.length; i += STAT_CHUNK)
    yield paths
      .slice(i, i + STAT_CHUNK)
      .map((path, j) => describe(path, r.size[i + j] as number, r.mtimeMs[i + j] as number));
}

/**
 * How a file whose size or mtime moved is told apart from one that was only touched. 'sha256'
 * (the default) hashes its content and compares it with the hash recorded when it was loaded, so
 * a copy that kept the bytes but not the times is skipped. 'mtime' trusts size and mtime, as rsync
 * does without --checksum: such a file is reloaded (the same rows again: loads are idempotent),
 * and no load reads its files a second time to hash them (×1000 sample, 3.7 GB of new files:
 * 0.1–1.5 s of a 25 s fresh load, README "Benchmarks").
 */
export const fingerprintModes = ['sha256', 'mtime'] as const;
export type FingerprintMode = (typeof fingerprintModes)[number];

export interface LocalSourceOptions {
  /** From this many files, most are stat'ed on a helper thread (default PARALLEL_STATS). */
  parallelStatsFrom?: number;
  /** How moved files are compared with the manifest (default 'sha256'). */
  fingerprint?: FingerprintMode;
}

export class LocalSource implements Source {
  readonly location: string;
  private readonly parallelStatsFrom: number;
  private readonly mode: FingerprintMode;

  constructor(location: string, opts: LocalSourceOptions = {}) {
    this.location = resolve(location);
    this.parallelStatsFrom = opts.parallelStatsFrom ?? PARALLEL_STATS;
    this.mode = opts.fingerprint ?? 'sha256';
  }

  /** A page per chunk of stats. */
  async *list(): AsyncGenerator<SourceFile[]> {
    const st = await stat(this.location).catch(() => undefined);
    if (!st) throw inputError('folder not found', { where: this.location, hint: 'check the path' });
    if (!st.isDirectory())
      throw inputError('not a folder', {
        where: this.location,
        hint: 'pass the folder that holds the JSON files',
      });
    const paths = await walk(this.location).catch((e: NodeJS.ErrnoException) => {
      throw inputError(`cannot list: ${e.message}`, {
        where: e.path ?? this.location,
        hint: 'check the folder and its subfolders are readable',
        cause: e,
      });
    });
    if (paths.length === 0) throw noDataFilesError(this.location);
    const cut =
      paths.length >= this.parallelStatsFrom ? Math.floor(paths.length * MAIN_STAT_SHARE) : paths.length;
    const far = cut < paths.length ? statWorker.stat(paths.slice(cut)) : undefined;
    // Settled below; until then a failure of the worker must not count as unhandled.
    far?.catch(() => undefined);
    for (let i = 0; i < cut; i += STAT_CHUNK) {
      // Synchronous stats in short chunks, the event loop free in between: an awaited stat goes
      // through the thread pool and costs several times the call itself.
      if (i > 0) await new Promise((go) => setImmediate(go));
      yield paths.slice(i, Math.min(i + STAT_CHUNK, cut)).map((path) => {
        try {
          const s = statSync(path);
          return describe(path, s.size, s.mtimeMs);
        } catch (e) {
          throw unreadable(path, e);
        }
      });
    }
    if (far) yield* farPages(paths.slice(cut), await far);
  }

  async fingerprint(file: SourceFile): Promise<string> {
    // Never equal to another version's: a moved file is always changed.
    if (this.mode === 'mtime') return `mtime:${file.size}:${file.version}`;
    const hex = await fileHasher.sha256(file.uri).catch((e: unknown) => {
      throw unreadable(file.uri, e);
    });
    return `sha256:${hex}`;
  }

  async materialize(file: SourceFile, dir: string): Promise<string> {
    if (!file.uri.toLowerCase().endsWith('.gz')) return file.uri;
    const out = join(
      dir,
      `${createHash('sha1').update(file.uri).digest('hex').slice(0, 16)}-${basename(file.uri, '.gz')}`,
    );
    await pipeline(this.open(file.uri), createGunzip(), createWriteStream(out)).catch((e: Error) => {
      throw inputError(`cannot decompress: ${e.message}`, {
        where: file.uri,
        hint: 'the .gz file is damaged; replace it',
        cause: e,
      });
    });
    return out;
  }

  private open(path: string) {
    const s = createReadStream(path);
    s.on('error', () => undefined);
    return s;
  }
}
