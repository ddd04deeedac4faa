// A growable byte arena for precomputed log-line fragments. Keeping each user's (or
// track's) fragments contiguous in one buffer, addressed by offsets, avoids the cache
// misses of thousands of small Buffer objects when millions of lines are assembled.

export class ByteArena {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;

  /** Current end offset (where the next add() starts). */
  get end(): number {
    return this.len;
  }

  /** Appends ASCII text and returns the new end offset. */
  add(text: string): number {
    if (Buffer.byteLength(text) !== text.length) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
    const need = this.len + text.length;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(text, this.len, 'latin1');
    return this.len;
  }

  /** The bytes written so far, as a plain Uint8Array view (add() after this may reallocate). */
  bytes(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.len);
  }
}
