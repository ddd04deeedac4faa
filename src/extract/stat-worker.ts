// Stats of many local files on a helper thread, so a large folder's listing uses both cores: the
// stat system call costs 3–4 µs here and is most of a daily run's listing when the tree is big.
// The ×1000 sample's 101,001 files took 297–371 ms on the main thread alone, 155–198 ms with this
// thread taking the second half (four runs each, nothing else running; local-source.ts has the
// figures inside a run). The worker ends when it has nothing left to do (worker-calls.ts): its heap
// would otherwise stay for the whole run, and listing happens once, at the start.
import { WorkerCalls } from './worker-calls.js';

const workerCode = `
const { parentPort } = require('node:worker_threads');
const { statSync } = require('node:fs');
parentPort.on('message', ({ id, paths }) => {
  const size = new Float64Array(paths.length);
  const mtimeMs = new Float64Array(paths.length);
  for (let i = 0; i < paths.length; i++) {
    let s;
    try {
      s = statSync(paths[i]);
    } catch (e) {
      parentPort.postMessage({ id, failed: { index: i, message: String((e && e.message) || e), code: e && e.code } });
      return;
    }
    size[i] = s.size;
    mtimeMs[i] = s.mtimeMs;
  }
  parentPort.postMessage({ id, size, mtimeMs }, [size.buffer, mtimeMs.buffer]);
});
`;

/** Size and mtime of each path, in order. */
export interface Stats {
  size: Float64Array;
  mtimeMs: Float64Array;
}

/** A stat that failed: the path's index and the system's message and code. */
export interface StatFailure {
  index: number;
  message: string;
  code?: string;
}

interface Reply {
  id: number;
  size?: Float64Array;
  mtimeMs?: Float64Array;
  failed?: StatFailure;
}

export class StatWorker {
  private readonly calls = new WorkerCalls<Stats | StatFailure>(
    { code: workerCode, name: 'stat worker', whenIdle: 'end' },
    (m) => {
      const r = m as Reply;
      const stats = { size: r.size ?? new Float64Array(), mtimeMs: r.mtimeMs ?? new Float64Array() };
      this.calls.settle(r.id, r.failed ?? stats);
    },
  );

  /** The stats of every path, or the first failure. */
  stat(paths: string[]): Promise<Stats | StatFailure> {
    const { id, reply } = this.calls.open();
    this.calls.post({ id, paths });
    return reply;
  }
}

/** One per process. */
export const statWorker = new StatWorker();
