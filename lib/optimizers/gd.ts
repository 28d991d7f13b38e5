/**
 * 'gd': gradient descent with Armijo backtracking — the paper's `GDLS` (spec §2.1) — optionally with a fixed
 * positive diagonal preconditioner M, which makes it the paper's OptPGDLS with a user-supplied M (spec §2.3;
 * no SDP is solved here). Mirrored by native/core/gd.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { TrialGuard, DEFAULT_MAX_BACKTRACKS } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Resolved options of 'gd'. */
export interface GdSettings extends Settings {
  /** ss₀, the initial "max step"; the first trial is ss₀/2 (default 1e10, the paper's experiments: first trial 5e9). */
  initialStep: number;
  /** ss ← ss·forward after an accepted trial (≥ 1; default 1.1, the main plot's value; reference class default 2). */
  forward: number;
  /** ss ← ss·backtrack after a rejected trial (in (0, 1]; default 0.5). */
  backtrack: number;
  /** Stop with `line-search-failed` after this many consecutive rejected trials (integer ≥ 1; default 60). */
  maxBacktracks: number;
  /** Fixed diagonal preconditioner M (length dim, positive finite entries; default null = identity). */
  preconditioner: Float64Array | null;
}

/**
 * Gradient descent with Armijo backtracking (spec §2.1), one trial per iteration (spec §0).
 *
 * Iteration: α = ss/2 **[quirk kept, spec §6.8: the trial is half of ss, so the first trial point is
 * x − (initialStep/2)·M⊙g]**, y = x − α·M⊙g, one f call. Accept if f(y) − f(x) + ½·α·⟨g, M⊙g⟩ < 0 (strict);
 * then one gradient call at y, x ← y, ss ← ss·forward. Otherwise ss ← ss·backtrack and x stays.
 * Cost: rejection 1 f; acceptance 1 f + 1 g.
 *
 * Constant-step GD is `forward = backtrack = 1` with `initialStep = 2·step`; a failing test then repeats
 * without moving, which the reference loops on forever and we stop after `maxBacktracks` trials.
 *
 * Ours (spec §0): a trial with non-finite f(y) or ∇f(y) is rejected (60 in a row → `non-finite`);
 * `maxBacktracks` consecutive rejections → `line-search-failed`.
 *
 * `stepSize` in records: the trial's α = ss/2 (the multiplier of M⊙g), accepted or not.
 */
export class GradientDescent extends Method {
  private ss: number;
  /** M⊙g at the current point, and ⟨g, M⊙g⟩. */
  private readonly dir: Float64Array;
  private gMg = 0;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;
  private readonly m: Float64Array;
  private readonly guard: TrialGuard;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: GdSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.ss = s.initialStep;
    this.m = s.preconditioner ? Float64Array.from(s.preconditioner) : new Float64Array(d).fill(1);
    this.dir = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.guard = new TrialGuard('gd', s.maxBacktracks);
    this.updateDirection();
  }

  /** dir = M⊙g and ⟨g, M⊙g⟩ at the current point (multiplying by M = 1 is exact). */
  private updateDirection(): void {
    for (let i = 0; i < this.dir.length; i++) this.dir[i] = this.m[i] * this.grad[i];
    this.gMg = dot(this.grad, this.dir);
  }

  step(): StepOutcome {
    const { x, y, gy, dir } = this;
    const alpha = this.ss / 2; // spec §2.1 [quirk]: the trial is half of ss
    for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * dir[i];
    const fy = this.oracle.value(y);
    let nonFinite = !Number.isFinite(fy);
    if (!nonFinite && fy - this.fun + alpha * 0.5 * this.gMg < 0) {
      this.oracle.gradient(y, gy);
      if (allFinite(gy)) {
        x.set(y);
        this.fun = fy;
        this.grad.set(gy);
        this.updateDirection();
        this.ss = this.ss * this.s.forward;
        this.guard.accepted();
        return { accepted: true, stepSize: alpha };
      }
      nonFinite = true;
    }
    this.ss = this.ss * this.s.backtrack;
    return { accepted: false, stepSize: alpha, stop: this.guard.rejected(nonFinite) };
  }
}

/** Reads an optional fixed diagonal preconditioner: null/undefined → identity; else a length-`dim` Float64Array of positive finite numbers (copied). */
function readPreconditioner(value: unknown, dim: number): Float64Array | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Float64Array)) throw new TypeError('preconditioner: expected a Float64Array of positive finite numbers, or null');
  if (value.length !== dim) throw new RangeError(`preconditioner: expected length ${dim} (objective.dim), got ${value.length}`);
  for (let i = 0; i < dim; i++) {
    if (!(Number.isFinite(value[i]) && value[i] > 0)) {
      throw new RangeError(`preconditioner: element ${i} must be positive and finite, got ${value[i]}`);
    }
  }
  return Float64Array.from(value);
}

/** Descriptor of 'gd' (spec §2.1, §2.3). */
export const gdDescriptor: MethodDescriptor<GdSettings> = {
  name: 'gd',
  summary: 'gradient descent with Armijo backtracking (GDLS), optional fixed diagonal preconditioner',
  defaults: { initialStep: 1e10, forward: 1.1, backtrack: 0.5, maxBacktracks: DEFAULT_MAX_BACKTRACKS, preconditioner: null },
  resolve(o, dim) {
    const d = gdDescriptor.defaults;
    return {
      initialStep: readNumber(o, 'initialStep', d.initialStep, { above: 0 }),
      forward: readNumber(o, 'forward', d.forward, { min: 1 }),
      backtrack: readNumber(o, 'backtrack', d.backtrack, { above: 0, max: 1 }),
      maxBacktracks: readNumber(o, 'maxBacktracks', d.maxBacktracks, { min: 1, integer: true }),
      preconditioner: readPreconditioner(o.preconditioner, dim),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new GradientDescent(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(gdDescriptor);
