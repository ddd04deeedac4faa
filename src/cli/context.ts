// Shared CLI plumbing: resolve settings, open the warehouse, always close it.
import { resolveSettings, type Flags, type Settings } from '../config/config.js';
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export async function withWarehouse<T>(
  flags: Flags,
  fn: (wh: Warehouse, s: Settings) => Promise<T>,
): Promise<T> {
  const settings = await resolveSettings(flags);
  const wh = await openWarehouse(settings.warehouse);
  try {
    return await fn(wh, settings);
  } finally {
    await wh.close();
  }
}

export const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};
