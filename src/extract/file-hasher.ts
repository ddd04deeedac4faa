// SHA-256 of local files on a worker thread of the lowest priority, so fingerprinting overlaps the
// warehouse's work instead of delaying it: a run hashes every new file while the engine stages
// them, in the CPU time the engine leaves idle. The worker reads each
// file through one reused 1 MiB buffer (flat memory whatever the file size) and is unref'd, so an
// idle hasher never keeps the process alive. Requests made in the same turn of the event loop go
// to the worker as one message and come back as one: a message each way per file cost the main
// thread, which competes with the engine at full priority, 1.1 s for the 101,000 files of the ×1000
// sample. The worker's code is plain JavaScript held here as text: it runs the same from dist/ and
// from the TypeScript sources under test.
import { WorkerCalls } from './worker-calls.js';

const workerCode = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, readlinkSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { setPriority, constants } = require('node:os');
// Lowest CPU priority for this thread alone (Linux: /proc/thread-self names its id): hashing then
// takes the cycles the warehouse leaves idle instead of competing with it.
try { setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), constants.priority.PRIORITY_LOW); } catch {}
const buf = Buffer.allocUnsafe(1 << 20);
function hashFile({ id, path }) {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      hash.update(buf.subarray(0, n));
    return { id, hex: hash.digest('hex') };
  } catch (e) {
    return { id, error: String(e && e.message || e), code: e && e.code };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
parentPort.on('message', (jobs) => parentPort.postMessage(jobs.map(hashFile)));
`;

interface Reply {
  id: number;
  hex?: string;
  error?: string;
  code?: string;
}

interface Job {
  id: number;
  path: string;
}

export class FileHasher {
  private readonly calls = new WorkerCalls<string>(
    { code: workerCode, name: 'hashing worker', whenIdle: 'unref' },
    (m) => {
      for (const r of m as Reply[])
        this.calls.settle(
          r.id,
          r.hex ?? Object.assign(new Error(r.error ?? 'hashing failed'), { code: r.code }),
        );
    },
  );
  private queued: Job[] = [];

  /** The lower-case hex SHA-256 of the file's bytes. */
  sha256(path: string): Promise<string> {
    const { id, reply } = this.calls.open();
    if (this.queued.push({ id, path }) === 1) setImmediate(() => this.flush());
    return reply;
  }

  /** Sends what this turn of the event loop asked for, as one message. */
  private flush(): void {
    const jobs = this.queued;
    this.queued = [];
    if (jobs.length > 0) this.calls.post(jobs);
  }
}

/** One hasher per process: a single extra thread, whatever the number of sources. */
export const fileHasher = new FileHasher();
