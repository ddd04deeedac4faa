// Run ids: when the run started, as ten characters of Crockford's base32 (the ULID time field:
// milliseconds since 1970), then six random hex digits. Text order is start order, and the first
// eight characters differ between runs started a second or more apart (they hold the time in units
// of 1,024 ms). That matters on DuckDB, whose zone maps keep only the first eight bytes of a text
// column's smallest and largest values. Ids used to begin `2026-12-…`: all of a month's runs shared
// those bytes, no row group could be skipped, and a daily run's `WHERE _run_id = …` read the whole
// history. Now it is skipped (one more day on the ×100 sample: the run's statements took 152 ms
// instead of 183).
import { randomBytes } from 'node:crypto';

const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;

/** The id of a run started at `now` (milliseconds since 1970). */
export function newRunId(now: number = Date.now(), random: Buffer = randomBytes(3)): string {
  let time = '';
  for (let t = Math.trunc(now), i = 0; i < TIME_CHARS; i++, t = Math.floor(t / 32))
    time = base32[t % 32] + time;
  return `${time}-${random.toString('hex')}`;
}
