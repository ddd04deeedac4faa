// Calls to a helper thread whose code is held as text (it runs the same from dist/ and from the
// TypeScript sources under test): each call has an id, and the reply carrying that id settles it.
// The thread starts on first use; when nothing is pending it is either unref'd, kept for later
// calls without holding the process open, or ended, so its heap does not outlive its work. A
// thread that stops or fails fails every pending call.
import { Worker } from 'node:worker_threads';

type Pending<R> = { resolve: (r: R) => void; reject: (e: Error) => void };

export interface WorkerCallsOptions {
  code: string;
  /** Names the thread in the error of a call it leaves unanswered. */
  name: string;
  whenIdle: 'unref' | 'end';
}

export class WorkerCalls<R> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending<R>>();
  private seq = 0;

  /** onMessage reads a message of the thread and settles the calls it answers. */
  constructor(
    private readonly o: WorkerCallsOptions,
    private readonly onMessage: (message: unknown) => void,
  ) {}

  /** A new call: its id, to send to the thread, and the promise its reply settles. */
  open(): { id: number; reply: Promise<R> } {
    const worker = this.start();
    const id = ++this.seq;
    const reply = new Promise<R>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) worker.ref();
    return { id, reply };
  }

  post(message: unknown): void {
    this.start().postMessage(message);
  }

  settle(id: number, result: R | Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.idle();
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.o.code, { eval: true });
    w.unref();
    w.on('message', (m: unknown) => this.onMessage(m));
    // Only the current thread's end fails the pending calls: one ended when idle has none left,
    // and calls made since belong to its successor.
    w.on('error', (e) => {
      if (this.worker === w) this.failAll(e);
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(new Error(`the ${this.o.name} stopped`));
    });
    this.worker = w;
    return w;
  }

  private idle(): void {
    if (this.o.whenIdle === 'unref') return void this.worker?.unref();
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
