// Seeded pseudo-random numbers for the synthetic Sparkify generator.
// mulberry32 for the stream, splitmix32 to derive independent sub-seeds, plus an
// alias-method weighted picker. Everything here is pure and deterministic for a seed.

/** splitmix32 finaliser: mixes a 32-bit integer into a well-spread 32-bit integer. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Derives a sub-seed for a named purpose ("catalog", "users", ...) from the user seed. */
export function deriveSeed(seed: number, label: string): number {
  let h = mix32((Math.floor(Math.abs(seed)) % 0x100000000) ^ (seed < 0 ? 0x5bd1e995 : 0));
  for (let i = 0; i < label.length; i++) h = mix32(h ^ label.charCodeAt(i));
  return h;
}

/** mulberry32 generator with a few convenience draws. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const v = items[Math.floor(this.next() * items.length)];
    if (v === undefined) throw new RangeError('pick from an empty list');
    return v;
  }

  /** Exponential draw with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal draw (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Picks indices with probability proportional to fixed weights in O(1) with Walker's
 * alias method (two table reads per pick, which matters for large catalogs).
 */
export class WeightedPicker {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.max(0, weights[i] ?? 0);
    if (!(total > 0)) throw new RangeError('weights must have a positive sum');
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (Math.max(0, weights[i] ?? 0) * n) / total;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    this.fill(scaled, small, large);
  }

  private fill(scaled: Float64Array, small: number[], large: number[]): void {
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large[large.length - 1]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l] < 1) small.push(large.pop()!);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1; // only rounding leftovers
  }

  get size(): number {
    return this.prob.length;
  }

  pick(rng: Rng): number {
    const x = rng.next() * this.prob.length;
    const i = Math.floor(x);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** Zipf-like popularity weights (1 / rank^s) assigned to shuffled positions. */
export function zipfWeights(n: number, s: number, rng: Rng): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 / Math.pow(i + 1, s);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = w[i] ?? 0;
    w[i] = w[j] ?? 0;
    w[j] = t;
  }
  return w;
}
