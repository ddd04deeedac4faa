// How raw JSON records map to staging columns: the JSON key, the staging column and whether the
// record is rejected without it. Dialects turn a RecordSpec into parse-and-validate SQL.
import type { ColumnType, Table } from './types.js';
import { stagingEvents, stagingSongs } from './tables.js';

export interface FieldSpec {
  key: string;
  column: string;
  type: ColumnType;
  required: boolean;
}

export interface RecordSpec {
  kind: 'event' | 'song';
  table: Table;
  fields: FieldSpec[];
}

/** Reason codes stored in rejected_records.reason. */
export const RejectReason = {
  invalidJson: 'invalid_json',
  notObject: 'not_object',
  missingField: 'missing_field',
  badType: 'bad_type',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

const eventKeys: Record<string, string> = {
  first_name: 'firstName',
  item_in_session: 'itemInSession',
  last_name: 'lastName',
  session_id: 'sessionId',
  user_agent: 'userAgent',
  user_id: 'userId',
};

function specFor(kind: RecordSpec['kind'], table: Table, keys: Record<string, string>): RecordSpec {
  const fields = table.columns
    .filter((c) => !c.name.startsWith('_'))
    .map((c) => ({
      key: keys[c.name] ?? c.name,
      column: c.name,
      type: c.type,
      required: c.required === true,
    }));
  return { kind, table, fields };
}

export const eventSpec = specFor('event', stagingEvents, eventKeys);
export const songSpec = specFor('song', stagingSongs, {});
