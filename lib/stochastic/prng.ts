/**
 * The seeded random stream of the stochastic driver (spec §4.4), bit-for-bit identical to native/core/prng.hpp.
 *
 * - Generator: xoshiro128** (Blackman & Vigna), 128 bits of state in four 32-bit words, 32-bit outputs. It
 *   needs only 32-bit integer arithmetic, so JavaScript runs it with `Math.imul` and `>>> 0` (no BigInt) and
 *   C++ with `std::uint32_t`; both produce the same words.
 * - Seeding: the seed is an integer 0 ≤ seed ≤ 2^53 − 1, split into lo = seed mod 2^32 and
 *   hi = ⌊seed / 2^32⌋. A SplitMix32 stream (counter += 0x9E3779B9, then the lowbias32 finalizer
 *   x ^= x>>>16; x *= 0x21F0AAAD; x ^= x>>>15; x *= 0x735A2D97; x ^= x>>>15) starts at counter = lo and gives
 *   state words s0, s1; then counter ^= hi and it gives s2, s3. (An all-zero state, impossible in practice,
 *   is replaced by s0 = 1.)
 * - Bounded integers ({@link Xoshiro128.below}): unbiased rejection. With t = (2^32 − bound) mod bound, draw
 *   r until r ≥ t and return r mod bound; the accepted range [t, 2^32) holds a whole multiple of `bound`
 *   values, so every residue is equally likely. Fewer than 2 draws on average, for every bound.
 * - Shuffles ({@link shuffleIdentity}): Fisher–Yates from the identity permutation, i = n−1 down to 1,
 *   j = below(i + 1), swap(perm[i], perm[j]).
 */

/** Largest accepted seed (Number.MAX_SAFE_INTEGER). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const TWO_32 = 4294967296;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One SplitMix32 output for the given counter (the caller advances the counter). */
function mix32(counter: number): number {
  let z = counter;
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

/** Checks a seed: an integer in [0, 2^53 − 1]. */
export function checkSeed(seed: unknown, name = 'seed'): number {
  if (typeof seed !== 'number') throw new TypeError(`${name}: expected an integer in [0, 2^53 - 1], got ${typeof seed}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`${name}: expected an integer in [0, 2^53 - 1], got ${seed}`);
  }
  return seed;
}

/** xoshiro128** with the seeding, bounded draws and shuffles described in this module's header. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param seed integer in [0, 2^53 − 1] */
  constructor(seed: number) {
    checkSeed(seed);
    const lo = seed % TWO_32;
    const hi = Math.floor(seed / TWO_32);
    let counter = lo | 0;
    counter = (counter + 0x9e3779b9) | 0;
    this.s0 = mix32(counter);
    counter = (counter + 0x9e3779b9) | 0;
    this.s1 = mix32(counter);
    counter ^= hi;
    counter = (counter + 0x9e3779b9) | 0;
    this.s2 = mix32(counter);
    counter = (counter + 0x9e3779b9) | 0;
    this.s3 = mix32(counter);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with the given raw state words (for tests against published xoshiro128** vectors). */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    const g = new Xoshiro128(0);
    [g.s0, g.s1, g.s2, g.s3] = state.map((w) => w | 0);
    return g;
  }

  /** The next 32-bit output as an unsigned integer in [0, 2^32). */
  next(): number {
    const s0 = this.s0, s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let s2 = this.s2 ^ s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    this.s2 = s2;
    this.s3 = s3;
    return result;
  }

  /** An unbiased integer in [0, bound), 1 ≤ bound ≤ 2^32 − 1 (rejection, see the module header). */
  below(bound: number): number {
    const threshold = (TWO_32 - bound) % bound;
    let r = this.next();
    while (r < threshold) r = this.next();
    return r % bound;
  }
}

/** Writes a uniformly random permutation of 0..perm.length−1 into `perm` (Fisher–Yates from the identity). */
export function shuffleIdentity(rng: Xoshiro128, perm: Int32Array): void {
  const n = perm.length;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
}

/**
 * Mini-batches of one epoch (spec §4.4): a fresh permutation of 0..n−1 per epoch, cut into
 * ⌈n/batchSize⌉ consecutive batches, the last one possibly smaller. With `independent` (SLS/PoNoS option
 * `lineSearchBatch: 'independent'`, spec §4 "Independence option") a second permutation is drawn right after
 * the first, from the same stream, and cut the same way: batch k of the line search is its k-th slice.
 */
export class EpochSampler {
  /** ⌈n / batchSize⌉. */
  readonly batchesPerEpoch: number;
  private readonly rng: Xoshiro128;
  private readonly perm: Int32Array;
  private readonly searchPerm?: Int32Array;

  constructor(readonly numSamples: number, readonly batchSize: number, seed: number, independent: boolean) {
    this.rng = new Xoshiro128(seed);
    this.perm = new Int32Array(numSamples);
    if (independent) this.searchPerm = new Int32Array(numSamples);
    this.batchesPerEpoch = Math.ceil(numSamples / batchSize);
  }

  /** Draws the permutation(s) of the next epoch. */
  startEpoch(): void {
    shuffleIdentity(this.rng, this.perm);
    if (this.searchPerm) shuffleIdentity(this.rng, this.searchPerm);
  }

  /** Rows of batch k (a view into the epoch's permutation, valid until the next startEpoch). */
  batch(k: number): Int32Array {
    return this.perm.subarray(k * this.batchSize, Math.min((k + 1) * this.batchSize, this.numSamples));
  }

  /** Rows of line-search batch k; the gradient batch itself when the sampler is not independent. */
  searchBatch(k: number): Int32Array {
    if (!this.searchPerm) return this.batch(k);
    return this.searchPerm.subarray(k * this.batchSize, Math.min((k + 1) * this.batchSize, this.numSamples));
  }
}
