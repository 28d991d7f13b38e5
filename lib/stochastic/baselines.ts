/**
 * Fixed-schedule stochastic baselines with torch defaults (spec §4.4): SGD, Adam, AdaGrad and Lion.
 * Mirrors native/core/stochastic_baselines.{hpp,cpp}. Each costs 1 forward + 1 backward per iteration and
 * always steps; the record's `stepSize` is the learning rate used in that iteration.
 *
 * Powers β^t are running products (not Math.pow) so that both backends agree bit for bit; torch uses
 * `beta ** step`, which can differ in the last bit.
 */
import type { Objective } from '../objectives/objective';
import type { CountedObjective } from '../optimizers/oracle';
import { readBoolean, readChoice, readNumber, rejectUnknown } from '../options';
import { StochasticOptimizer, type BaseSettings, type StepOutcome, type StochasticMethodDescriptor } from './optimizer';
import { readBatchesPerEpoch, readRequiredPositive, readUnitInterval } from './settings';

function checkOptions(options: Record<string, unknown>, names: readonly string[], method: string): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  rejectUnknown(options, names, `method '${method}'`);
  return options;
}

function moved(loss: number, gradNorm: number, stepSize: number): StepOutcome {
  return { loss, gradNorm, stepSize, backtracks: 0, moved: true, exhausted: false, skipped: false };
}

// ---------------------------------------------------------------------------------------------------- SGD

/** Learning-rate schedule of SGD. */
export type SgdDecay = 'none' | 'inverse-sqrt' | 'inverse';

/** Options of `sgd`. */
export interface SgdOptions {
  /** Learning rate α (REQUIRED: no default, as in torch). */
  learningRate: number;
  /** Heavy-ball momentum μ ∈ [0, 1) with torch's buffer b ← μ·b + g, x ← x − α_k·b [0]. */
  momentum?: number;
  /**
   * Schedule over epochs, k = iterations done before this one, n_b = batchesPerEpoch:
   * `'none'` α_k = α [default]; `'inverse-sqrt'` α_k = α/√(1 + k/n_b); `'inverse'` α_k = α/(1 + k/n_b).
   */
  decay?: SgdDecay;
  /** n_b of the schedule [500; minimizeStochastic sets ⌈n/batchSize⌉]. */
  batchesPerEpoch?: number;
}

/** Resolved `sgd` settings. */
export interface SgdSettings extends BaseSettings {
  learningRate: number;
  momentum: number;
  decay: SgdDecay;
}

/** Option names of `sgd`. */
export const SGD_OPTION_NAMES = ['learningRate', 'momentum', 'decay', 'batchesPerEpoch'] as const;

/** Validates `sgd` options and fills every default. */
export function resolveSgd(options: Record<string, unknown>): SgdSettings {
  const o = checkOptions(options, SGD_OPTION_NAMES, 'sgd');
  return {
    learningRate: readRequiredPositive(o, 'learningRate', 'sgd'),
    momentum: readUnitInterval(o, 'momentum', 0),
    decay: readChoice(o, 'decay', 'none', ['none', 'inverse-sqrt', 'inverse'] as const),
    batchesPerEpoch: readBatchesPerEpoch(o),
  };
}

/** SGD (torch.optim.SGD without dampening/Nesterov/weight decay) with an optional epoch-scaled decay. */
export class Sgd extends StochasticOptimizer<SgdSettings> {
  /** Momentum buffer b. */
  readonly buffer: Float64Array;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: SgdOptions | Record<string, unknown>) {
    super(objective, x0, resolveSgd((options ?? {}) as Record<string, unknown>));
    this.buffer = new Float64Array(this.x.length);
  }

  /** α_k for the iteration after `done` iterations. */
  learningRateAt(done: number): number {
    const st = this.settings;
    if (st.decay === 'none') return st.learningRate;
    const epochs = 1 + done / st.batchesPerEpoch;
    return st.decay === 'inverse' ? st.learningRate / epochs : st.learningRate / Math.sqrt(epochs);
  }

  protected update(batch: CountedObjective): StepOutcome {
    const { loss, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const lr = this.learningRateAt(this.iterations);
    const mu = this.settings.momentum;
    const g = this.grad;
    const b = this.buffer;
    for (let i = 0; i < this.x.length; i++) {
      b[i] = mu * b[i] + g[i];
      this.x[i] = this.x[i] - lr * b[i];
    }
    return moved(loss, gradNorm, lr);
  }
}

// --------------------------------------------------------------------------------------------------- Adam

/** Options of `adam` (torch defaults). */
export interface AdamOptions {
  /** α [1e-3]. */
  learningRate?: number;
  /** β1 [0.9]. */
  beta1?: number;
  /** β2 [0.999]. */
  beta2?: number;
  /** ε [1e-8]. */
  eps?: number;
  /** AMSGrad: the denominator uses max over time of v [false]. */
  amsgrad?: boolean;
  /** Accepted for uniformity; unused [500]. */
  batchesPerEpoch?: number;
}

/** Resolved `adam` settings. */
export interface AdamSettings extends BaseSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  amsgrad: boolean;
}

/** Option names of `adam`. */
export const ADAM_OPTION_NAMES = ['learningRate', 'beta1', 'beta2', 'eps', 'amsgrad', 'batchesPerEpoch'] as const;

/** Validates `adam` options and fills every default. */
export function resolveAdam(options: Record<string, unknown>): AdamSettings {
  const o = checkOptions(options, ADAM_OPTION_NAMES, 'adam');
  return {
    learningRate: readNumber(o, 'learningRate', 1e-3, { above: 0 }),
    beta1: readUnitInterval(o, 'beta1', 0.9),
    beta2: readUnitInterval(o, 'beta2', 0.999),
    eps: readNumber(o, 'eps', 1e-8, { above: 0 }),
    amsgrad: readBoolean(o, 'amsgrad', false),
    batchesPerEpoch: readBatchesPerEpoch(o),
  };
}

/**
 * Adam with torch.optim.Adam's update: m ← m + (1−β1)(g − m) (torch's lerp), v ← β2·v + (1−β2)·g²,
 * (AMSGrad: v̂ ← max(v̂, v)), denom = √v/√(1−β2^t) + ε, x ← x − (α/(1−β1^t))·m/denom.
 */
export class Adam extends StochasticOptimizer<AdamSettings> {
  readonly firstMoment: Float64Array;
  readonly secondMoment: Float64Array;
  readonly maxSecondMoment: Float64Array;
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: AdamOptions | Record<string, unknown> = {}) {
    super(objective, x0, resolveAdam(options as Record<string, unknown>));
    const d = this.x.length;
    this.firstMoment = new Float64Array(d);
    this.secondMoment = new Float64Array(d);
    this.maxSecondMoment = new Float64Array(d);
  }

  protected update(batch: CountedObjective): StepOutcome {
    const { loss, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const { learningRate, beta1, beta2, eps, amsgrad } = this.settings;
    this.beta1Power *= beta1;
    this.beta2Power *= beta2;
    const stepSize = learningRate / (1 - this.beta1Power);
    const correction2Sqrt = Math.sqrt(1 - this.beta2Power);
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const g = this.grad, m = this.firstMoment, v = this.secondMoment, vmax = this.maxSecondMoment;
    for (let i = 0; i < this.x.length; i++) {
      m[i] = m[i] + oneMinusBeta1 * (g[i] - m[i]);
      v[i] = beta2 * v[i] + oneMinusBeta2 * (g[i] * g[i]);
      let vHat = v[i];
      if (amsgrad) {
        if (v[i] > vmax[i]) vmax[i] = v[i];
        vHat = vmax[i];
      }
      const denom = Math.sqrt(vHat) / correction2Sqrt + eps;
      this.x[i] = this.x[i] - stepSize * (m[i] / denom);
    }
    return moved(loss, gradNorm, learningRate);
  }
}

// ------------------------------------------------------------------------------------------------ AdaGrad

/** Options of `adagrad` (torch defaults). */
export interface AdagradOptions {
  /** α [1e-2]. */
  learningRate?: number;
  /** ε [1e-10]. */
  eps?: number;
  /** Accepted for uniformity; unused [500]. */
  batchesPerEpoch?: number;
}

/** Resolved `adagrad` settings. */
export interface AdagradSettings extends BaseSettings {
  learningRate: number;
  eps: number;
}

/** Option names of `adagrad`. */
export const ADAGRAD_OPTION_NAMES = ['learningRate', 'eps', 'batchesPerEpoch'] as const;

/** Validates `adagrad` options and fills every default. */
export function resolveAdagrad(options: Record<string, unknown>): AdagradSettings {
  const o = checkOptions(options, ADAGRAD_OPTION_NAMES, 'adagrad');
  return {
    learningRate: readNumber(o, 'learningRate', 1e-2, { above: 0 }),
    eps: readNumber(o, 'eps', 1e-10, { above: 0 }),
    batchesPerEpoch: readBatchesPerEpoch(o),
  };
}

/** AdaGrad as torch.optim.Adagrad (accumulator 0, no lr decay): S ← S + g², x ← x − α·g/(√S + ε). */
export class Adagrad extends StochasticOptimizer<AdagradSettings> {
  readonly accumulator: Float64Array;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: AdagradOptions | Record<string, unknown> = {}) {
    super(objective, x0, resolveAdagrad(options as Record<string, unknown>));
    this.accumulator = new Float64Array(this.x.length);
  }

  protected update(batch: CountedObjective): StepOutcome {
    const { loss, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const { learningRate, eps } = this.settings;
    const g = this.grad, S = this.accumulator;
    for (let i = 0; i < this.x.length; i++) {
      S[i] = S[i] + g[i] * g[i];
      this.x[i] = this.x[i] - learningRate * (g[i] / (Math.sqrt(S[i]) + eps));
    }
    return moved(loss, gradNorm, learningRate);
  }
}

// --------------------------------------------------------------------------------------------------- Lion

/** Options of `lion`. */
export interface LionOptions {
  /** α (REQUIRED). Sign updates have unit size per coordinate, so α is typically 3–10× smaller than Adam's. */
  learningRate: number;
  /** β1, interpolation of the update direction [0.9]. */
  beta1?: number;
  /** β2, decay of the momentum [0.99]. beta1 = beta2 = β gives signum (sign descent with momentum β, spec §4.4). */
  beta2?: number;
  /** Accepted for uniformity; unused [500]. */
  batchesPerEpoch?: number;
}

/** Resolved `lion` settings. */
export interface LionSettings extends BaseSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
}

/** Option names of `lion`. */
export const LION_OPTION_NAMES = ['learningRate', 'beta1', 'beta2', 'batchesPerEpoch'] as const;

/** Validates `lion` options and fills every default. */
export function resolveLion(options: Record<string, unknown>): LionSettings {
  const o = checkOptions(options, LION_OPTION_NAMES, 'lion');
  return {
    learningRate: readRequiredPositive(o, 'learningRate', 'lion'),
    beta1: readUnitInterval(o, 'beta1', 0.9),
    beta2: readUnitInterval(o, 'beta2', 0.99),
    batchesPerEpoch: readBatchesPerEpoch(o),
  };
}

/**
 * Lion (Chen et al. 2023), no weight decay: u = sign(β1·m + (1−β1)·g), x ← x − α·u, m ← β2·m + (1−β2)·g
 * (sign(0) = 0). With β1 = β2 = β the direction β·m_{k−1} + (1−β)·g_k IS the new momentum m_k, so the
 * update is x ← x − α·sign(m_k): sign descent with momentum β (signum), the spec §4.4 baseline.
 */
export class Lion extends StochasticOptimizer<LionSettings> {
  readonly momentum: Float64Array;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: LionOptions | Record<string, unknown>) {
    super(objective, x0, resolveLion((options ?? {}) as Record<string, unknown>));
    this.momentum = new Float64Array(this.x.length);
  }

  protected update(batch: CountedObjective): StepOutcome {
    const { loss, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const { learningRate, beta1, beta2 } = this.settings;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const g = this.grad, m = this.momentum;
    for (let i = 0; i < this.x.length; i++) {
      const c = beta1 * m[i] + oneMinusBeta1 * g[i];
      const u = c > 0 ? 1 : c < 0 ? -1 : 0;
      this.x[i] = this.x[i] - learningRate * u;
      m[i] = beta2 * m[i] + oneMinusBeta2 * g[i];
    }
    return moved(loss, gradNorm, learningRate);
  }
}

// ------------------------------------------------------------------------------------------- descriptors

/** The `sgd` entry of the stochastic method table. */
export const sgdMethod: StochasticMethodDescriptor<SgdSettings> = {
  name: 'sgd', summary: 'SGD with optional momentum and decay (learningRate required)', optionNames: SGD_OPTION_NAMES,
  resolve: resolveSgd, create: (o, x0, opts) => new Sgd(o, x0, opts), independent: () => false, native: true,
};

/** The `adam` entry of the stochastic method table. */
export const adamMethod: StochasticMethodDescriptor<AdamSettings> = {
  name: 'adam', summary: 'Adam / AMSGrad with torch semantics and defaults', optionNames: ADAM_OPTION_NAMES,
  resolve: resolveAdam, create: (o, x0, opts) => new Adam(o, x0, opts), independent: () => false, native: true,
};

/** The `adagrad` entry of the stochastic method table. */
export const adagradMethod: StochasticMethodDescriptor<AdagradSettings> = {
  name: 'adagrad', summary: 'diagonal AdaGrad with torch semantics and defaults', optionNames: ADAGRAD_OPTION_NAMES,
  resolve: resolveAdagrad, create: (o, x0, opts) => new Adagrad(o, x0, opts), independent: () => false, native: true,
};

/** The `lion` entry of the stochastic method table. */
export const lionMethod: StochasticMethodDescriptor<LionSettings> = {
  name: 'lion', summary: 'Lion sign descent with two-β momentum (learningRate required)', optionNames: LION_OPTION_NAMES,
  resolve: resolveLion, create: (o, x0, opts) => new Lion(o, x0, opts), independent: () => false, native: true,
};
