// Progress on a terminal: one line redrawn on stderr. Nothing at all when stderr is not a TTY or
// --quiet/--json was given, so logs and pipes stay clean.
import type { ProgressEvent } from '../pipeline/progress.js';

export function terminalProgress(enabled: boolean): ((e: ProgressEvent) => void) | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  let last = 0;
  return (e) => {
    const now = Date.now();
    const final = e.done !== undefined && e.done === e.total;
    if (!final && now - last < 100 && e.done !== undefined) return;
    last = now;
    let bar = '';
    if (e.done !== undefined && e.total) {
      const width = 30;
      const filled = Math.round((e.done / e.total) * width);
      bar = ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total}`;
    }
    process.stderr.write(`\r\x1b[2K${e.phase}${e.detail ? ` ${e.detail}` : ''}${bar}`);
  };
}

export function clearProgress(enabled: boolean): void {
  if (enabled && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}
