// The one rule for an empty location, meant for every Source: a folder or prefix holding no data
// files is a mistake (a typo in the path, the wrong bucket or prefix), never a run that loads
// nothing and says it succeeded.
import { inputError, type HarmonizeError } from '../errors.js';

export const noDataFilesError = (location: string): HarmonizeError =>
  inputError(`no .json files under ${location}`, {
    hint: 'check the location; data files end in .json, .jsonl or .ndjson, optionally .gz',
  });

/** Passes the files through, and throws when there were none. */
export async function* requireFiles<T>(
  location: string,
  files: AsyncIterable<T> | Iterable<T>,
): AsyncGenerator<T> {
  let count = 0;
  for await (const f of files) {
    count++;
    yield f;
  }
  if (count === 0) throw noDataFilesError(location);
}
