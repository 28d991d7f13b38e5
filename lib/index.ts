/**
 * stepsearch: the package root (design.md §3). Everything public is exported from here.
 */

// Data (design.md §3 "Data").
export { DenseMatrix, CsrMatrix, withBias } from './data';
export type { DataMatrix } from './data';
export { readLibsvm, readLibsvmSync, DENSE_THRESHOLD } from './io/libsvm';
export type { LibsvmOptions, LibsvmData } from './io/libsvm';
export { readCsv, readCsvSync } from './io/csv';
export type { CsvOptions, CsvData, LabelledCsvData } from './io/csv';

// Objectives (design.md §3 "Objectives").
export { logistic, leastSquares, softmax, objective } from './objectives/factories';
export type {
  LinearObjectiveOptions,
  SoftmaxOptions,
  UserObjectiveOptions,
  UserValueAndGradient,
} from './objectives/factories';
export type { Objective, LineFunction, Backend } from './objectives/objective';

// Threads (design.md §3 "Threads").
export { setThreads, getThreads } from './threads';
export { simdLevel, type SimdLevel } from './simd';

// Deterministic minimization (design.md §3 "minimize / minimizeAsync").
export { minimize } from './minimize';
export type { MinimizeOptions, CommonOptions } from './minimize';
export { minimizeAsync } from './minimize_async';
export type { MinimizeAsyncOptions, AsyncOptions } from './minimize_async';
export { methodNames } from './optimizers/registry';
export type { OptimizeResult, IterationRecord, Status, Counts } from './result';

// Convergence plots as SVG (spec §3.6; used by the CLI's --plot).
export { convergencePlotSvg, convergencePanelsSvg, convergencePanelsSpec, renderVegaLiteSvg } from './plot';
export type { ConvergenceSeries, ConvergencePanel, ConvergencePlotOptions } from './plot';

// Stochastic methods (design.md §3 "minimizeStochastic"; spec §4): the driver and the optimizer classes with step(rows).
export { minimizeStochastic, StochasticRun } from './stochastic/driver';
export { minimizeStochasticAsync } from './stochastic/async';
export type { MinimizeStochasticAsyncOptions } from './stochastic/async';
export type { StochasticOptions, StochasticResult, StochasticEpochRecord } from './stochastic/driver';
export { stochasticMethodNames } from './stochastic/methods';
export type { StochasticMethodName } from './stochastic/methods';
export { StochasticOptimizer } from './stochastic/optimizer';
export type { Rows, StochasticStepRecord } from './stochastic/optimizer';
export { Sls } from './stochastic/sls';
export type { SlsOptions } from './stochastic/sls';
export { Sps } from './stochastic/sps';
export type { SpsOptions } from './stochastic/sps';
export { Ponos } from './stochastic/ponos';
export type { PonosOptions } from './stochastic/ponos';
export { Sgd, Adam, Adagrad, Lion } from './stochastic/baselines';
export type { SgdOptions, SgdDecay, AdamOptions, AdagradOptions, LionOptions } from './stochastic/baselines';
export { EpochSampler, Xoshiro128 } from './stochastic/prng';
export type { PrecondKind, SearchDirectionKind } from './stochastic/preconditioner';
