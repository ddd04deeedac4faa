// The star schema, staging and bookkeeping tables as data: the single source for DDL in every
// dialect, for the parse/validate specs of staging and for the generated quality checks. Table and
// column names are the classic Sparkify ones so existing queries keep working.
import type { Column, Table } from './types.js';

/** Lineage columns carried by every staged row and by songplays. */
export const lineage: Column[] = [
  { name: '_source_file', type: 'text', required: true },
  { name: '_source_line', type: 'int', required: true },
  { name: '_run_id', type: 'text', required: true },
];

export const stagingEvents: Table = {
  name: 'staging_events',
  columns: [
    { name: 'artist', type: 'text' },
    { name: 'auth', type: 'text' },
    { name: 'first_name', type: 'text' },
    { name: 'gender', type: 'text' },
    { name: 'item_in_session', type: 'int' },
    { name: 'last_name', type: 'text' },
    { name: 'length', type: 'double' },
    { name: 'level', type: 'text' },
    { name: 'location', type: 'text' },
    { name: 'method', type: 'text' },
    { name: 'page', type: 'text' },
    { name: 'registration', type: 'double' },
    { name: 'session_id', type: 'bigint' },
    { name: 'song', type: 'text' },
    { name: 'status', type: 'int' },
    { name: 'ts', type: 'bigint', required: true },
    { name: 'user_agent', type: 'text' },
    { name: 'user_id', type: 'text' },
    ...lineage,
  ],
  diststyle: 'even',
  blockKeys: ['_run_id', 'ts'],
};

export const stagingSongs: Table = {
  name: 'staging_songs',
  columns: [
    { name: 'num_songs', type: 'int' },
    { name: 'artist_id', type: 'text', required: true },
    { name: 'artist_latitude', type: 'double' },
    { name: 'artist_longitude', type: 'double' },
    { name: 'artist_location', type: 'text' },
    { name: 'artist_name', type: 'text' },
    { name: 'song_id', type: 'text', required: true },
    { name: 'title', type: 'text' },
    { name: 'duration', type: 'double' },
    { name: 'year', type: 'int' },
    ...lineage,
  ],
  diststyle: 'even',
};

export const songplays: Table = {
  name: 'songplays',
  columns: [
    { name: 'songplay_id', type: 'text' },
    { name: 'start_time', type: 'timestamp', required: true },
    { name: 'user_id', type: 'text' },
    { name: 'level', type: 'text' },
    { name: 'song_id', type: 'text' },
    { name: 'artist_id', type: 'text' },
    { name: 'session_id', type: 'bigint' },
    { name: 'location', type: 'text' },
    { name: 'user_agent', type: 'text' },
    ...lineage,
  ],
  primaryKey: ['songplay_id'],
  foreignKeys: [
    { column: 'user_id', references: { table: 'users', column: 'user_id' } },
    { column: 'start_time', references: { table: 'time', column: 'start_time' } },
    { column: 'song_id', references: { table: 'songs', column: 'song_id' } },
    { column: 'artist_id', references: { table: 'artists', column: 'artist_id' } },
  ],
  acceptedValues: { level: ['free', 'paid'] },
  mustHaveRows: true,
  distKey: 'song_id',
  sortKey: ['start_time'],
  blockKeys: ['_run_id'],
  diststyle: 'key',
};

export const users: Table = {
  name: 'users',
  columns: [
    { name: 'user_id', type: 'text' },
    { name: 'first_name', type: 'text' },
    { name: 'last_name', type: 'text' },
    { name: 'gender', type: 'text' },
    { name: 'level', type: 'text' },
  ],
  primaryKey: ['user_id'],
  acceptedValues: { level: ['free', 'paid'] },
  mustHaveRows: true,
  sortKey: ['user_id'],
  diststyle: 'all',
};

export const songs: Table = {
  name: 'songs',
  columns: [
    { name: 'song_id', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'artist_id', type: 'text' },
    { name: 'year', type: 'int' },
    { name: 'duration', type: 'double' },
  ],
  primaryKey: ['song_id'],
  foreignKeys: [{ column: 'artist_id', references: { table: 'artists', column: 'artist_id' } }],
  mustHaveRows: true,
  distKey: 'song_id',
  sortKey: ['song_id'],
  diststyle: 'key',
};

export const artists: Table = {
  name: 'artists',
  columns: [
    { name: 'artist_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'location', type: 'text' },
    { name: 'latitude', type: 'double' },
    { name: 'longitude', type: 'double' },
  ],
  primaryKey: ['artist_id'],
  mustHaveRows: true,
  sortKey: ['artist_id'],
  diststyle: 'all',
};

export const time: Table = {
  name: 'time',
  columns: [
    { name: 'start_time', type: 'timestamp' },
    { name: 'hour', type: 'int', required: true },
    { name: 'day', type: 'int', required: true },
    { name: 'week', type: 'int', required: true },
    { name: 'month', type: 'int', required: true },
    { name: 'year', type: 'int', required: true },
    { name: 'weekday', type: 'int', required: true },
  ],
  primaryKey: ['start_time'],
  mustHaveRows: true,
  sortKey: ['start_time'],
  diststyle: 'all',
};

export const rejectedRecords: Table = {
  name: 'rejected_records',
  columns: [
    { name: 'run_id', type: 'text', required: true },
    { name: 'kind', type: 'text', required: true },
    { name: 'source_file', type: 'text', required: true },
    { name: 'source_line', type: 'int', required: true },
    { name: 'reason', type: 'text', required: true },
    { name: 'message', type: 'text', required: true },
    { name: 'raw', type: 'text' },
  ],
  acceptedValues: { kind: ['event', 'song'] },
};

export const runs: Table = {
  name: 'harmonize_runs',
  columns: [
    { name: 'run_id', type: 'text' },
    { name: 'started_at', type: 'timestamp', required: true },
    { name: 'finished_at', type: 'timestamp' },
    { name: 'status', type: 'text', required: true },
    { name: 'summary', type: 'text' },
    { name: 'error', type: 'text' },
  ],
  primaryKey: ['run_id'],
};

export const loadedFiles: Table = {
  name: 'harmonize_files',
  columns: [
    { name: 'source_file', type: 'text' },
    { name: 'kind', type: 'text', required: true },
    { name: 'size', type: 'bigint', required: true },
    { name: 'version', type: 'text', required: true },
    { name: 'fingerprint', type: 'text', required: true },
    { name: 'run_id', type: 'text', required: true },
    { name: 'records', type: 'bigint', required: true },
    { name: 'rejects', type: 'bigint', required: true },
  ],
  primaryKey: ['source_file'],
};

export const starTables = [songplays, users, songs, artists, time];
export const stagingTables = [stagingEvents, stagingSongs];
export const bookkeepingTables = [rejectedRecords, runs, loadedFiles];
export const allTables = [...stagingTables, ...starTables, ...bookkeepingTables];
