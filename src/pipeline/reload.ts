// Removes what earlier runs loaded from files that are being reloaded (changed content, a backfill
// range, or files gone from a backfilled range), remembering the keys whose dimension rows must
// be rebuilt. Runs inside the run's transaction, so a failure puts every row back.
import { fileNamesTable } from '../warehouse/insert-rows.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export async function removeFiles(wh: Warehouse, uris: string[]): Promise<void> {
  if (uris.length === 0) return;
  const d = wh.dialect;
  const reload = await fileNamesTable(wh, '_hz_reload', uris);
  const inReload = `IN (SELECT source_file FROM ${reload})`;
  const affected = (k: string) => d.quoteId(`_hz_affected_${k}`);
  await wh.execute(
    `INSERT INTO ${affected('user_id')} (k) SELECT DISTINCT user_id FROM ${d.table('staging_events')} WHERE user_id <> '' AND _source_file ${inReload}`,
  );
  await wh.execute(
    `INSERT INTO ${affected('song_id')} (k) SELECT DISTINCT song_id FROM ${d.table('staging_songs')} WHERE _source_file ${inReload}`,
  );
  await wh.execute(
    `INSERT INTO ${affected('artist_id')} (k) SELECT DISTINCT artist_id FROM ${d.table('staging_songs')} WHERE _source_file ${inReload}`,
  );
  await wh.execute(
    `INSERT INTO ${affected('start_time')} (k) SELECT DISTINCT start_time FROM ${d.table('songplays')} WHERE _source_file ${inReload}`,
  );
  for (const t of ['songplays', 'staging_events', 'staging_songs']) {
    await wh.execute(`DELETE FROM ${d.table(t)} WHERE _source_file ${inReload}`);
  }
  await wh.execute(`DELETE FROM ${d.table('rejected_records')} WHERE source_file ${inReload}`);
  await wh.execute(`DELETE FROM ${d.table('harmonize_files')} WHERE source_file ${inReload}`);
  await wh.execute(`DROP TABLE IF EXISTS ${reload}`);
}
