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

/**
 * Four CompensatedSums fed round-robin, merged in lane order (native LaneSum). Element k of a run goes to
 * lane k mod 4 with k counted from the start of the run (`startRun()`), as native add_run does for each run.
 * The lanes are plain fields (not four objects in an array): this sum runs once per row in the hot loops.
 */
export class LaneSum {
  private h0 = 0; private l0 = 0;
  private h1 = 0; private l1 = 0;
  private h2 = 0; private l2 = 0;
  private h3 = 0; private l3 = 0;
  private k = 0;

  /** Empties the lanes (a new native LaneSum). */
  reset(): void {
    this.h0 = this.l0 = this.h1 = this.l1 = this.h2 = this.l2 = this.h3 = this.l3 = 0;
    this.k = 0;
  }

  /** The next element counts as element 0 of a new run (a new native add_run call). */
  startRun(): void {
    this.k = 0;
  }

  /** Adds the next element of the current run to its lane (TwoSum, as CompensatedSum.add). */
  add(v: number): void {
    switch (this.k++ & 3) {
      case 0: {
        const s = this.h0 + v, bp = s - this.h0;
        this.l0 += this.h0 - (s - bp) + (v - bp);
        this.h0 = s;
        return;
      }
      case 1: {
        const s = this.h1 + v, bp = s - this.h1;
        this.l1 += this.h1 - (s - bp) + (v - bp);
        this.h1 = s;
        return;
      }
      case 2: {
        const s = this.h2 + v, bp = s - this.h2;
        this.l2 += this.h2 - (s - bp) + (v - bp);
        this.h2 = s;
        return;
      }
      default: {
        const s = this.h3 + v, bp = s - this.h3;
        this.l3 += this.h3 - (s - bp) + (v - bp);
        this.h3 = s;
      }
    }
  }

  /** Adds the next four elements of the current run, which must start at a multiple of 4 (one per lane). */
  add4(v0: number, v1: number, v2: number, v3: number): void {
    let s = this.h0 + v0, bp = s - this.h0;
    this.l0 += this.h0 - (s - bp) + (v0 - bp);
    this.h0 = s;
    s = this.h1 + v1;
    bp = s - this.h1;
    this.l1 += this.h1 - (s - bp) + (v1 - bp);
    this.h1 = s;
    s = this.h2 + v2;
    bp = s - this.h2;
    this.l2 += this.h2 - (s - bp) + (v2 - bp);
    this.h2 = s;
    s = this.h3 + v3;
    bp = s - this.h3;
    this.l3 += this.h3 - (s - bp) + (v3 - bp);
    this.h3 = s;
    this.k += 4;
  }

  /** total += the four lanes, in lane order (native merge_into: add(hi), then lo += lo). */
  mergeInto(total: CompensatedSum): void {
    total.add(this.h0);
    total.lo += this.l0;
    total.add(this.h1);
    total.lo += this.l1;
    total.add(this.h2);
    total.lo += this.l2;
    total.add(this.h3);
    total.lo += this.l3;
  }
}
