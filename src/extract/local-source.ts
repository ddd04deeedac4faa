// Local folders: recursive listing (sorted, so runs are reproducible), mtime as the cheap version,
// SHA-256 of the content as the fingerprint (hashed on a worker thread, file-hasher.ts), and .gz
// decompressed to a work folder. Listing reads each folder once and stats files many at a time: a
// stat is a few microseconds of work but tens of microseconds of round trip when awaited one by one.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { mapLimit } from '../concurrency.js';
import { inputError } from '../errors.js';
import { fileHasher } from './file-hasher.js';
import { noDataFilesError } from './no-files.js';
import { dateFromPath, isDataFile, type Source, type SourceFile } from './source.js';

/** Files stat'ed per listing step, and how many stats are in flight at once. */
const STAT_CHUNK = 1024;
const STAT_CONCURRENCY = 32;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every data file under dir, depth first, names sorted in each folder. */
async function walk(dir: string, out: string[]): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort(byName);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (isDataFile(e.name)) out.push(p);
  }
  return out;
}

export class LocalSource implements Source {
  readonly location: string;

  constructor(location: string) {
    this.location = resolve(location);
  }

  async *list(): AsyncGenerator<SourceFile> {
    const st = await stat(this.location).catch(() => undefined);
    if (!st) throw inputError('folder not found', { where: this.location, hint: 'check the path' });
    if (!st.isDirectory())
      throw inputError('not a folder', {
        where: this.location,
        hint: 'pass the folder that holds the JSON files',
      });
    const paths = await walk(this.location, []).catch((e: NodeJS.ErrnoException) => {
      throw inputError(`cannot list: ${e.message}`, {
        where: e.path ?? this.location,
        hint: 'check the folder and its subfolders are readable',
        cause: e,
      });
    });
    if (paths.length === 0) throw noDataFilesError(this.location);
    for (let i = 0; i < paths.length; i += STAT_CHUNK) {
      const chunk = paths.slice(i, i + STAT_CHUNK);
      yield* await mapLimit(chunk, STAT_CONCURRENCY, async (path) => {
        const s = await stat(path);
        const date = dateFromPath(path);
        return { uri: path, size: s.size, version: String(Math.trunc(s.mtimeMs)), ...(date ? { date } : {}) };
      });
    }
  }

  async fingerprint(file: SourceFile): Promise<string> {
    const hex = await fileHasher.sha256(file.uri).catch((e: Error) => {
      throw inputError(`cannot read: ${e.message}`, {
        where: file.uri,
        hint: 'check the file is readable',
        cause: e,
      });
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
