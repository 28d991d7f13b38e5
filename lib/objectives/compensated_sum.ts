/**
 * Accurate sums of per-row losses, the TypeScript twins of native CompensatedSum and LaneSum
 * (native/core/stable_math.hpp): the same additions in the same order, so the two backends round alike.
 */

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split constant

/**
 * A double-double running sum (Knuth's TwoSum per addition), native CompensatedSum. Keeps the mean of up to
 * millions of losses correctly rounded in practice (f(0) = log 2 exactly for logistic regression).
 */
export class CompensatedSum {
  /** Leading part of the sum. */
  hi = 0;
  /** Trailing part: the rounding errors of the additions so far. */
  lo = 0;

  /** Back to 0. */
  reset(): void {
    this.hi = 0;
    this.lo = 0;
  }

  /** Adds v (TwoSum: the rounding error goes to lo). */
  add(v: number): void {
    const s = this.hi + v;
    const bp = s - this.hi;
    this.lo += this.hi - (s - bp) + (v - bp);
    this.hi = s;
  }

  /** (hi + lo)/n with the division's remainder carried (one correction step; native uses an FMA). */
  mean(n: number): number {
    const h = this.hi + this.lo;
    const l = this.lo - (h - this.hi);
    let q = h / n;
    if (!Number.isFinite(q) || !Number.isFinite(h)) return q;
    // h − q·n exactly (what fma(−q, n, h) gives): p + err = q·n exactly (Dekker's TwoProduct), h − p is exact
    // by Sterbenz's lemma (p ≈ h), and the remainder of a correctly rounded quotient is representable.
    const p = q * n;
    const qa = SPLITTER * q;
    const qh = qa - (qa - q);
    const ql = q - qh;
    const na = SPLITTER * n;
    const nh = na - (na - n);
    const nl = n - nh;
    const err = qh * nh - p + qh * nl + ql * nh + ql * nl;
    const r = h - p - err + l;
    q += r / n;
    return q;
  }
}

/** acc[j] (hi) and acc[j + 1] (lo) += v by TwoSum, as CompensatedSum.add. */
function twoSumInto(acc: Float64Array, j: number, v: number): void {
  const hi = acc[j];
  const s = hi + v;
  const bp = s - hi;
  acc[j + 1] += hi - (s - bp) + (v - bp);
  acc[j] = s;
}

/**
 * Eight CompensatedSums fed round-robin, merged in lane order (native LaneSum). Element k goes to lane k mod 8,
 * k counted from the last reset: the native runs (add_run) restart the count, but every caller here feeds one
 * run per reset (a chunk, or a whole line trial whose native runs are 256 long, a multiple of 8).
 * The lanes live in one Float64Array (hi, lo per lane), not eight objects: this sum runs once per row.
 */
export class LaneSum {
  private readonly acc = new Float64Array(16);
  private k = 0;

  /** Empties the lanes (a new native LaneSum). */
  reset(): void {
    this.acc.fill(0);
    this.k = 0;
  }

  /** Adds the next element to its lane. */
  add(v: number): void {
    twoSumInto(this.acc, (this.k++ & 7) << 1, v);
  }

  /** Adds the next four elements, which must start at a multiple of 4 (one per lane). */
  add4(v0: number, v1: number, v2: number, v3: number): void {
    const acc = this.acc;
    const j = (this.k & 4) << 1;
    twoSumInto(acc, j, v0);
    twoSumInto(acc, j + 2, v1);
    twoSumInto(acc, j + 4, v2);
    twoSumInto(acc, j + 6, v3);
    this.k += 4;
  }

  /** total += the eight lanes, in lane order (native merge_into: add(hi), then lo += lo). */
  mergeInto(total: CompensatedSum): void {
    for (let j = 0; j < 16; j += 2) {
      total.add(this.acc[j]);
      total.lo += this.acc[j + 1];
    }
  }
}
