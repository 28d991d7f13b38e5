/**
 * Counts every oracle call a method makes (spec §0, §2.11): the driver hands methods this wrapper, never
 * the raw objective, so counting lives in one place.
 */
import type { Objective, LineFunction } from '../objectives/objective';
import type { Counts } from '../result';

export class CountedObjective implements Counts {
  nfev = 0;
  ngev = 0;
  nhdiag = 0;
  nhvp = 0;

  constructor(readonly objective: Objective) {}

  get dim(): number {
    return this.objective.dim;
  }

  value(x: Float64Array): number {
    this.nfev++;
    return this.objective.value(x);
  }

  valueAndGradient(x: Float64Array, gradOut: Float64Array): number {
    this.nfev++;
    this.ngev++;
    return this.objective.valueAndGradient(x, gradOut);
  }

  gradient(x: Float64Array, out: Float64Array): Float64Array {
    this.ngev++;
    return this.objective.gradient(x, out);
  }

  get hasHessVec(): boolean {
    return typeof this.objective.hessVec === 'function';
  }

  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
    if (!this.objective.hessVec) throw new TypeError('objective: this method needs hessVec, which the objective does not provide');
    this.nhvp++;
    return this.objective.hessVec(x, v, out);
  }

  get hasHessDiag(): boolean {
    return typeof this.objective.hessDiag === 'function';
  }

  hessDiag(x: Float64Array, out: Float64Array): Float64Array {
    if (!this.objective.hessDiag) throw new TypeError('objective: this method needs hessDiag, which the objective does not provide');
    this.nhdiag++;
    return this.objective.hessDiag(x, out);
  }

  /** A counted line function: value(t) is one f call; valueAndSlope(t) one f and one g call. */
  along(x: Float64Array, d: Float64Array): LineFunction {
    const line = this.objective.along(x, d);
    return {
      value: (t: number) => {
        this.nfev++;
        return line.value(t);
      },
      valueAndSlope: (t: number) => {
        this.nfev++;
        this.ngev++;
        return line.valueAndSlope(t);
      },
    };
  }

  counts(): Counts {
    return { nfev: this.nfev, ngev: this.ngev, nhdiag: this.nhdiag, nhvp: this.nhvp };
  }
}
