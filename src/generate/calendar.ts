// Time helpers for the generator: the start-date option, the per-day log file path,
// and the activity shape in UTC (quiet at night, peak in the afternoon and evening,
// busier on weekdays than on weekends, Sunday the lowest).

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Relative activity by UTC hour (US listeners: trough ~03–05 UTC, peak ~15–18 UTC). */
const HOUR_SHAPE = [
  0.75, 0.64, 0.5, 0.38, 0.32, 0.34, 0.4, 0.5, 0.62, 0.78, 0.92, 1.02, 1.1, 1.18, 1.3, 1.45, 1.55, 1.55, 1.5,
  1.38, 1.25, 1.1, 0.98, 0.86,
];

/** Relative activity by weekday, Monday first. */
const WEEKDAY_SHAPE = [1.0, 1.06, 1.16, 1.08, 1.1, 0.72, 0.55];

function normalised(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

const HOURS = normalised(HOUR_SHAPE);
const WEEKDAYS = normalised(WEEKDAY_SHAPE);

/** The largest value activityFactor can return (for thinning a Poisson process). */
export const MAX_ACTIVITY = Math.max(...HOURS) * Math.max(...WEEKDAYS);

/** Relative session-start rate at an instant; averages 1 over a week. */
export function activityFactor(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const hour = Math.floor((ms - day * DAY_MS) / HOUR_MS);
  const weekday = (day + 3) % 7; // 1970-01-01 was a Thursday; Monday = 0
  return (HOURS[hour] ?? 1) * (WEEKDAYS[(weekday + 7) % 7] ?? 1);
}

/** Parses 'YYYY-MM-DD' into epoch ms at 00:00 UTC; throws on anything else. */
export function parseStartDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`start must be YYYY-MM-DD, got ${JSON.stringify(text)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`start is not a calendar date: ${text}`);
  }
  // users register up to ~150 days before the start; keep every timestamp positive
  if (y < 1971) throw new RangeError(`start must be in 1971 or later, got ${text}`);
  return ms;
}

/** 'YYYY-MM-DD' of a UTC instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Relative path of the log file for the UTC day containing `ms`. */
export function logFilePath(ms: number): string {
  const day = isoDay(ms);
  return `log_data/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}-events.json`;
}
