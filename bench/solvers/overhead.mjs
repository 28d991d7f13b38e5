// The optimizer-core issue's "driver overhead on 500×30" goal: a native minimize must cost at most 1.2× the
// objective evaluations it makes, measured in the same run.
//
// Protocol: dense logistic 500×30 (29 features + bias, column scales 10^[−1, 1]), one thread (this size stays
// single-threaded anyway), native L-BFGS to relativeGradTol 1e-8 (a converging run, before the line searches
// at the rounding floor would dominate). Its counts say how many valueAndGradient and
// value-only calls it made; the same numbers of calls are then made directly from JS at alternating points (no
// cache hits), and an empty N-API call (getThreads) is timed to remove the per-call JS→native boundary cost the
// driver does not pay (its evaluations are C++ calls). All three are interleaved by tinybench.
import { addon, lib, ms, quick, round, times } from '../lib/common.mjs';
import { compareInterleaved, kernelTimer } from '../lib/measure.mjs';
import { denseLogistic } from '../lib/data.mjs';

export function driverOverhead() {
  const { X, y, l2 } = denseLogistic({ n: 500, d: 29, seed: 31 });
  const f = lib.logistic(X, y, { l2, backend: 'native' });
  const dim = X.cols;
  const x0 = new Float64Array(dim);
  const options = { method: 'lbfgs', gradTol: 0, relativeGradTol: 1e-8, maxIterations: 1000 };
  lib.setThreads(1);
  try {
    const probe = lib.minimize(f, x0, options);
    const nVG = probe.ngev;
    const nV = probe.nfev - probe.ngev;
    const a = Float64Array.from({ length: dim }, (_, j) => 0.01 * Math.sin(j + 1));
    const b = Float64Array.from({ length: dim }, (_, j) => 0.01 * Math.cos(j + 1));
    const g = new Float64Array(dim);
    const res = compareInterleaved([
      { key: 'minimize', fn: () => lib.minimize(f, x0, options) },
      {
        key: 'evaluations', fn: () => {
          for (let k = 0; k < nVG; k++) f.valueAndGradient(k & 1 ? b : a, g);
          for (let k = 0; k < nV; k++) f.value(k & 1 ? b : a);
        },
      },
      { key: 'napiCall', fn: () => addon.getThreads() },
    ], quick ? { rounds: 3, roundMs: 40 } : { rounds: 7, roundMs: 150 });
    const tMin = res.get('minimize').medianMs;
    const tEval = res.get('evaluations').medianMs;
    const tCall = res.get('napiCall').medianMs;
    const evalCore = tEval - (nVG + nV) * tCall;
    const ratio = tMin / evalCore;
    const result = {
      problem: 'dense logistic 500×30 (bias included), l2 = 1/n', method: 'lbfgs (native), relativeGradTol 1e-8, 1 thread',
      status: probe.status, nit: probe.nit, valueAndGradientCalls: nVG, valueCalls: nV,
      minimizeMs: round(tMin), evaluationsFromJsMs: round(tEval), napiCallMs: round(tCall), evaluationsMs: round(evalCore),
      ratio: round(ratio), ratioUncorrected: round(tMin / tEval), timer: kernelTimer,
      detail: { minimize: res.get('minimize'), evaluations: res.get('evaluations'), napiCall: res.get('napiCall') },
    };
    result.markdown = [
      '| measured (same run, medians) | ms |', '|---|---:|',
      `| native minimize (lbfgs, ${probe.nit} iterations, ${nVG} value+gradient + ${nV} value calls) | ${ms(tMin)} |`,
      `| the same ${nVG + nV} evaluations called from JS (incl. the TS wrapper's argument checks) | ${ms(tEval)} |`,
      `| one empty N-API call (getThreads) | ${ms(tCall)} |`,
      `| evaluations without the JS→native boundary (${nVG + nV} × empty call removed) | ${ms(evalCore)} |`,
      `| **minimize / evaluations** | **${times(ratio)}** (uncorrected ${times(tMin / tEval)}) |`,
    ].join('\n');
    result.goal = {
      name: 'driver overhead on 500×30: native minimize ≤ 1.2× the time of its objective evaluations', problem: '500×30',
      value: ratio, pass: ratio <= 1.2, detail: `${times(ratio)} (minimize ${ms(tMin)} ms, evaluations ${ms(evalCore)} ms)`,
    };
    return result;
  } finally {
    lib.setThreads(0);
  }
}
