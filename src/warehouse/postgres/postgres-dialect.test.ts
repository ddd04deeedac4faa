// The PostgreSQL dialect as text: names qualified with the schema (temporary tables never), the type
// table, helpers, and the shape of the parse SQL. Running it is test/postgres-*.test.ts's job.
import { describe, expect, it } from 'vitest';
import { eventSpec, songSpec } from '../../model/records.js';
import { songplays, users } from '../../model/tables.js';
import { postgresDialect } from './postgres-dialect.js';

describe('postgresDialect', () => {
  const plain = postgresDialect();
  const scoped = postgresDialect('my "schema"');

  it('quotes identifiers and qualifies tables with the schema', () => {
    expect(plain.quoteId('a"b')).toBe('"a""b"');
    expect(plain.table('songs')).toBe('"songs"');
    expect(scoped.table('songs')).toBe('"my ""schema"""."songs"');
    expect(scoped.dropTable('time')).toBe('DROP TABLE IF EXISTS "my ""schema"""."time"');
    expect(plain.param(3)).toBe('$3');
  });

  it('creates tables from the model with PostgreSQL types', () => {
    expect(scoped.createTable(users, { ifNotExists: true })).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "my ""schema"""."users" (',
        '  "user_id" text NOT NULL,',
        '  "first_name" text,',
        '  "last_name" text,',
        '  "gender" text,',
        '  "level" text,',
        '  PRIMARY KEY ("user_id")',
        ')',
      ].join('\n'),
    );
    expect(scoped.createTable(songplays, { temporary: true })).toMatch(
      /^CREATE TEMPORARY TABLE "songplays" \(\n {2}"songplay_id" text NOT NULL,\n {2}"start_time" timestamp NOT NULL,/,
    );
    expect(
      ['text', 'int', 'bigint', 'double', 'timestamp', 'bool'].map((t) => plain.type(t as 'text')),
    ).toEqual(['text', 'integer', 'bigint', 'double precision', 'timestamp', 'boolean']);
  });

  it('spells the transform helpers', () => {
    expect(plain.epochMsToTimestamp('e.ts')).toBe(
      `(TIMESTAMP 'epoch' + (e.ts) / 1000 * INTERVAL '1 second' + (e.ts) % 1000 * INTERVAL '1 millisecond')`,
    );
    expect(plain.datePart('weekday', 't')).toBe('CAST(extract(dow FROM t) AS integer)');
    expect(plain.datePart('week', 't')).toBe('CAST(extract(week FROM t) AS integer)');
    expect(plain.md5('x')).toBe('md5(x)');
    expect(plain.concatText(['a', `'|'`, 'b'])).toBe(`concat(a, '|', b)`);
  });

  it('parses each record to jsonb once, behind optimisation fences', () => {
    const sql = plain.parseRecords('SELECT source_file, source_line, raw FROM "_hz_raw_1"', eventSpec);
    expect(sql.match(/pg_temp\.hz_try_jsonb\(raw\)/g)).toHaveLength(1);
    expect(sql).not.toContain('::jsonb END'); // no second, unguarded cast
    expect(sql.match(/OFFSET 0/g)).toHaveLength(3); // the cast, the lookups and the coercions; not the reasons
    expect(sql).toMatch(
      /^SELECT source_file, source_line, "artist", "auth", "first_name", .* "user_id", reason,\n {2}CASE WHEN reason IS NOT NULL THEN CASE reason WHEN 'invalid_json' THEN 'not valid JSON: fix or remove the line'/s,
    );
    expect(sql).toContain(
      `WHEN "ts" IS NULL THEN CASE WHEN coalesce(jsonb_typeof(j -> 'ts'), 'null') = 'null' THEN 'missing_field:ts' ELSE 'bad_type:ts' END`,
    );
  });

  it('checks required fields in the model order, then numbers, then text', () => {
    const sql = plain.parseRecords('SELECT 1', songSpec);
    const order = [
      'missing_field:artist_id',
      'missing_field:song_id',
      'bad_type:num_songs',
      'bad_type:duration',
      'bad_type:artist_id',
      'bad_type:title',
    ];
    const at = order.map((s) => sql.lastIndexOf(`'${s}'`)); // a required field's own bad_type comes first
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('keeps values out of the SQL text except the constants it owns', () => {
    const sql = plain.parseRecords('SELECT 1', eventSpec);
    expect(sql).not.toMatch(/\$\d/);
  });
});
