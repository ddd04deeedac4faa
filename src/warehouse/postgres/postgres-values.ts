// Values at the PostgreSQL seam. Result parsers are set per client (never on the global pg.types):
// bigint and numeric become numbers (strings beyond 2^53, never a silent loss), timestamp without
// time zone is read as UTC, date as UTC midnight. Date parameters are sent as UTC ISO text.
import pg from 'pg';
import type { SqlValue } from '../warehouse.js';

const oid = { int8: 20, numeric: 1700, timestamp: 1114, date: 1082 };

const toNumber = (s: string): number | string => {
  const n = Number(s);
  return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : s;
};

const isoLike = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$/;

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' as a UTC Date; infinity and BC dates stay text. */
const toUtcDate = (s: string): Date | string => (isoLike.test(s) ? new Date(`${s.replace(' ', 'T')}Z`) : s);

type Parser = (value: string) => unknown;

/** pg's own parser for every other type (its typings say any). */
const builtIn = (id: number, format: 'text' | 'binary'): Parser =>
  pg.types.getTypeParser(id, format) as Parser;

function getTypeParser(id: number, format: 'text' | 'binary' = 'text'): Parser {
  if (format === 'text') {
    if (id === oid.int8 || id === oid.numeric) return toNumber;
    if (id === oid.timestamp) return toUtcDate;
    if (id === oid.date) return (s: string) => toUtcDate(s.length === 10 ? `${s} 00:00:00` : s);
  }
  return builtIn(id, format);
}

export const typeParsers: pg.CustomTypesConfig = { getTypeParser };

export const toParam = (v: SqlValue): unknown => (v instanceof Date ? v.toISOString() : v);
