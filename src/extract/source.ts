// A Source lists the files under a location (a local folder or an s3:// prefix) and brings one to
// local disk as plain text for the warehouse. Sources know nothing about warehouses.

export type FileKind = 'song' | 'event';

export interface SourceFile {
  /** Where the file lives, as recorded in lineage and the manifest (a path or s3:// URI). */
  uri: string;
  size: number;
  /** Cheap change marker: mtime for local files, the ETag for S3 objects. */
  version: string;
  /** The date in a standard log path (log_data/YYYY/MM/YYYY-MM-DD-events.json), if any. */
  date?: string;
}

export interface Source {
  readonly location: string;
  /**
   * The files, a page at a time: a consumer pays one await per page instead of one per file (an
   * async generator yielding the ×100 sample's 10,100 files one by one cost 3–13 ms of the daily
   * run's listing).
   */
  list(): AsyncIterable<SourceFile[]>;
  /** A content fingerprint (a hash, or the ETag) used when the cheap version changed. */
  fingerprint(file: SourceFile): Promise<string>;
  /** A local plain-text path holding the file's content (downloaded or decompressed into dir). */
  materialize(file: SourceFile, dir: string): Promise<string>;
}

const dataFile = /\.(json|jsonl|ndjson)(\.gz)?$/i;
export const isDataFile = (name: string): boolean => dataFile.test(name);

const logDate = /(\d{4})-(\d{2})-(\d{2})-events\.[a-z.]+$/i;
export function dateFromPath(path: string): string | undefined {
  const m = logDate.exec(path);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}
