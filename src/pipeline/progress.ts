// Progress events a run emits; the CLI draws them, the library ignores them unless asked.
export type Phase = 'list' | 'fetch' | 'stage' | 'transform' | 'check' | 'commit';

export interface ProgressEvent {
  phase: Phase;
  done?: number;
  total?: number;
  detail?: string;
}

export type ProgressFn = (e: ProgressEvent) => void;
