// Rankings of songplays by the names their events carry (song and artist, or artist): the top
// songs and top artists reports. Names come from staging_events through songplay lineage, so plays
// count even when the song is not in the catalog. Every query is a dialect-neutral SELECT.
//
// Naming every songplay costs a join of the whole fact table to staging and a grouping with
// count(DISTINCT) per name: at 6.8M songplays 8 s on DuckDB, where other reports take under 1 s. But
// a play is one staged NextSong event, so a name never has more plays than staged NextSong events,
// which one grouping of staging alone counts. The first query joins and groups only the plays of
// the names staged most (the candidates) and also returns `rest`, the most any other name was
// staged. When the n-th row has more plays than that, no other name can enter the top n, and the
// answer is exact (×1000 sample: 2 s). Otherwise (events staged twice made a name look bigger than
// it is; a tie at the edge) the plain query answers.
import type { Row, SqlValue } from '../warehouse/warehouse.js';
import type { SqlDialect } from '../warehouse/dialect.js';

/** What a report needs of a warehouse: its dialect and read queries. */
export interface Queryable {
  dialect: SqlDialect;
  query(sql: string, params?: SqlValue[]): Promise<Row[]>;
}

export interface PlayRanking {
  /** staging_events columns that name what is ranked. */
  keys: string[];
  /** More aggregates after `plays`, over p (songplays) and e (staging_events). */
  measures: string[];
  /** The staging_events columns the measures read. */
  uses: string[];
}

const REST = '_rest';

const lineageJoin = (d: SqlDialect) =>
  `JOIN ${d.table('songplays')} p ON e._source_file = p._source_file AND e._source_line = p._source_line
    AND e.page = 'NextSong'`;

function ranked(d: SqlDialect, r: PlayRanking, n: number, from: string, extra = ''): string {
  const keys = r.keys.map((k) => `e.${d.quoteId(k)}`).join(', ');
  return `SELECT ${keys}, count(*) AS plays, ${r.measures.join(', ')}${extra}
    FROM ${from} ${lineageJoin(d)} GROUP BY ${keys} ORDER BY plays DESC, ${keys} LIMIT ${n}`;
}

/** The ranking by its definition: every songplay named, grouped and sorted. */
export function plainRankingSql(d: SqlDialect, r: PlayRanking, n: number): string {
  return ranked(d, r, n, `${d.table('staging_events')} e`);
}

const staged = (d: SqlDialect, r: PlayRanking) =>
  `SELECT ${r.keys.map((k) => d.quoteId(k)).join(', ')}, count(*) AS staged FROM ${d.table('staging_events')}
    WHERE page = 'NextSong' GROUP BY ${r.keys.map((k) => d.quoteId(k)).join(', ')}`;

/**
 * The ranking over the `candidates` names staged most, returned with each row as _rest: the most
 * times a name outside them was staged (0 when every name is a candidate).
 */
export function candidateRankingSql(d: SqlDialect, r: PlayRanking, n: number, candidates: number): string {
  const keys = r.keys.map((k) => d.quoteId(k));
  const named = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
  const used = [...new Set([...r.keys, ...r.uses, '_source_file', '_source_line'])];
  // Candidates have every name: a plain equality is what both engines hash-join on (a NULL-safe
  // one made PostgreSQL sort all of staging). A name with a NULL part counts toward the rest.
  // The constant LIMIT tells PostgreSQL's planner how few candidates there are; it would otherwise
  // guess a third of all names and join every songplay to staging first.
  return `WITH s AS (${staged(d, r)}),
    c AS (SELECT ${keys.join(', ')} FROM s WHERE ${named} ORDER BY staged DESC LIMIT ${candidates}),
    rest AS (SELECT coalesce(max(staged), 0) AS rest FROM (
      SELECT staged FROM (SELECT staged FROM s WHERE ${named} ORDER BY staged DESC LIMIT 1 OFFSET ${candidates}) o
      UNION ALL SELECT staged FROM s WHERE NOT (${named})) x),
    named AS (SELECT ${used.map((k) => `e.${d.quoteId(k)}`).join(', ')}, e.page
      FROM ${d.table('staging_events')} e JOIN c ON ${keys.map((k) => `e.${k} = c.${k}`).join(' AND ')}
      WHERE e.page = 'NextSong')
    ${ranked(d, r, n, 'named e', `, (SELECT rest FROM rest) AS ${REST}`)}`;
}

/**
 * The top n by plays, as plainRankingSql gives them (see the header for how); `candidates`, the
 * names the first try looks at, is at least 1,000 and ten times the limit.
 */
export async function runRanking(
  wh: Queryable,
  r: PlayRanking,
  n: number,
  candidates = Math.max(1000, 10 * n),
): Promise<Row[]> {
  const d = wh.dialect;
  if (n === 0) return [];
  const first = await wh.query(candidateRankingSql(d, r, n, candidates));
  const plainWay = () => wh.query(plainRankingSql(d, r, n));
  // No row: nothing staged, or no candidate has a play; the plain query tells which.
  if (first.length === 0) return plainWay();
  const rest = Number(first[0]?.[REST]);
  const rows = first.map((row) => {
    const plain = { ...row };
    delete plain[REST];
    return plain;
  });
  const reached = rows.length === n ? Number(rows[n - 1]?.plays) : 0;
  // A name outside the candidates has at most `rest` plays, so only more than that is sure.
  return rest === 0 || reached > rest ? rows : plainWay();
}
