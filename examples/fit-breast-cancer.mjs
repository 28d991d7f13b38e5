#!/usr/bin/env node
/**
 * Logistic regression on the bundled Breast Cancer Wisconsin data (examples/data/README.md): 569 samples,
 * 30 raw, badly scaled features plus a bias column, l2 = 1/n.
 *
 *   node examples/fit-breast-cancer.mjs [--backend native|js] [--method NAME] [--max-iterations N]
 *
 * Loads the package root (dist/, so run `npm run build` first in a clone; an installed package has it).
 * Prints f(w₀) at w₀ = 0, which is log 2, then minimizes when `minimize` is available and compares with the
 * reference optimum f* from examples/data/README.md.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const stepsearch = require('..'); // the package root: package.json "main" → dist/index.js

/** Reference optimum of this problem (examples/data/README.md). */
const F_STAR = 0.10381393197693782;

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const file = fileURLToPath(new URL('./data/breast_cancer_wdbc.libsvm', import.meta.url));
const { X, y } = await stepsearch.readLibsvm(file, { bias: true });
const n = X.rows;
const f = stepsearch.logistic(X, y, { l2: 1 / n, backend: option('backend', undefined) });
const w0 = new Float64Array(X.cols);

console.log(`breast_cancer_wdbc: ${n} samples, ${X.cols - 1} features + bias, l2 = 1/n, backend: ${f.backend}`);
console.log(`f(w0) = ${f.value(w0)}  (w0 = 0, expected log 2 = ${Math.LN2})`);

if (typeof stepsearch.minimize !== 'function') {
  console.log('minimize() is not in this build of stepsearch yet; only the objective was evaluated.');
} else {
  const method = option('method', 'lbfgs');
  const maxIterations = Number(option('max-iterations', 1000));
  const r = stepsearch.minimize(f, w0, { method, maxIterations });
  console.log(`${method}: f = ${r.fun}  (f* = ${F_STAR}, f - f* = ${(r.fun - F_STAR).toExponential(2)})`);
  console.log(`  status ${r.status}: ${r.message}`);
  console.log(`  ${r.nit} iterations, ${r.nfev} values, ${r.ngev} gradients, ‖∇f‖ = ${r.gradNorm.toExponential(2)}, ${r.timeMs.toFixed(1)} ms`);
}
