// The neutral column types of the schema model. Each engine's dialect maps them to its own type
// names; nothing outside warehouse/ spells an engine type.

export type ColumnType = 'text' | 'int' | 'bigint' | 'double' | 'timestamp' | 'bool';

export interface Column {
  name: string;
  type: ColumnType;
  /** Not null. Primary-key columns are implicitly not null. */
  required?: boolean;
}

export interface ForeignKey {
  column: string;
  references: { table: string; column: string };
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey?: string[];
  foreignKeys?: ForeignKey[];
  /** Columns whose values must come from a fixed set (checked, not enforced by DDL). */
  acceptedValues?: Record<string, string[]>;
  /** A star-schema table that must not be empty after a run. */
  mustHaveRows?: boolean;
  /** Physical layout hints for engines that use them (Redshift DISTKEY/SORTKEY). */
  distKey?: string;
  sortKey?: string[];
  diststyle?: 'all' | 'even' | 'key';
  /**
   * Columns whose values grow with each load (the run id, the event time), so that each block of
   * rows holds a narrow range of them. An engine that keeps per-block ranges only in an index gets
   * one on each (PostgreSQL: BRIN), and a daily run's filters on them skip the older blocks.
   */
  blockKeys?: string[];
}
