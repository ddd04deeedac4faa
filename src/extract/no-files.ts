// The one rule for an empty location, meant for every Source: a folder or prefix holding no data
// files is a mistake (a typo in the path, the wrong bucket or prefix), never a run that loads
// nothing and says it succeeded.
import { inputError, type HarmonizeError } from '../errors.js';

export const noDataFilesError = (location: string): HarmonizeError =>
  inputError(`no .json files under ${location}`, {
    hint: 'check the location; data files end in .json, .jsonl or .ndjson, optionally .gz',
  });

/** Passes the pages of files through, and throws when they held none. */
export async function* requireFiles<T>(
  location: string,
  pages: AsyncIterable<T[]> | Iterable<T[]>,
): AsyncGenerator<T[]> {
  let count = 0;
  for await (const page of pages) {
    count += page.length;
    if (page.length > 0) yield page;
  }
  if (count === 0) throw noDataFilesError(location);
}
