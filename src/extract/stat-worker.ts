// Stats of many local files on a helper thread, so a large folder's listing uses both cores: the
// stat system call costs 3–4 µs here and is most of a daily run's listing when the tree is big.
// The ×1000 sample's 101,001 files took 297–371 ms on the main thread alone, 155–198 ms with this
// thread taking the second half (four runs each, nothing else running; local-source.ts has the
// figures inside a run). The worker is started on first use and ends when it has nothing left to
// do: its heap would otherwise stay for the whole run (listing happens once, at the start). Its
// code is plain JavaScript held here as text, which runs the same from dist/ and from the
// TypeScript sources under test.
import { Worker } from 'node:worker_threads';

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

type Pending = { resolve: (r: Stats | StatFailure) => void; reject: (e: Error) => void };

export class StatWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  /** The stats of every path, or the first failure. */
  stat(paths: string[]): Promise<Stats | StatFailure> {
    const worker = this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, paths });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(workerCode, { eval: true });
    w.on('message', (r: Reply) => this.settle(r));
    w.on('error', (e) => this.failAll(e));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new Error('the stat worker stopped'));
    });
    this.worker = w;
    return w;
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.stop();
    p.resolve(r.failed ?? { size: r.size ?? new Float64Array(), mtimeMs: r.mtimeMs ?? new Float64Array() });
  }

  private stop(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** One per process. */
export const statWorker = new StatWorker();
