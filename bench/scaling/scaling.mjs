// Table 3: how cost grows. Time per value+gradient as n, d and nnz grow (native at 1 and 2 threads, TS backend),
// time per solve as n grows (native newton-cg and lbfgs at 1 and 2 threads, to relativeGradTol 1e-6), each with the
// exponent of a least-squares fit of log(time) on log(size), and the 1 → 2 thread speed-up. One SVG per figure
// (log-log; drawn with lib/plot.ts's Vega-Lite helper), written next to the JSON results.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lib, log, median, ms, now, quick, round, sizeLabel, times } from '../lib/common.mjs';
import { compareInterleaved } from '../lib/measure.mjs';
import { csrLogistic, denseLogistic } from '../lib/data.mjs';

/** Least-squares slope and intercept of log10(y) on log10(x). */
export function logLogFit(xs, ys) {
  const pts = xs.map((x, k) => [Math.log10(x), Math.log10(ys[k])]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const n = pts.length;
  if (n < 2) return { exponent: NaN, points: n };
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [a, b] of pts) {
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
  }
  return { exponent: sxy / sxx, points: n };
}

function sweeps() {
  return quick
    ? {
      n: { d: 50, values: [1000, 3000, 10000, 30000] },
      d: { n: 5000, values: [10, 30, 100, 300] },
      nnz: { n: 10000, d: 10000, values: [5, 15, 50] },
      solve: { d: 50, values: [1000, 3000, 10000], repeats: 1 },
    }
    : {
      n: { d: 100, values: [1000, 3000, 10000, 30000, 100000, 200000] },
      d: { n: 10000, values: [10, 30, 100, 300, 1000] },
      nnz: { n: 20000, d: 50000, values: [5, 15, 50, 150, 500] },
      solve: { d: 100, values: [1000, 3000, 10000, 30000, 100000], repeats: 3 },
    };
}

/** value+gradient at alternating points: native 1 thr, native 2 thr, TS. */
function evalTimes(problem, opts) {
  const { X, y, l2 } = problem;
  const fN = lib.logistic(X, y, { l2, backend: 'native' });
  const fT = lib.logistic(X, y, { l2, backend: 'js' });
  const dim = X.cols;
  const a = Float64Array.from({ length: dim }, (_, j) => 0.01 * Math.sin(j + 1));
  const b = Float64Array.from({ length: dim }, (_, j) => 0.01 * Math.cos(j + 1));
  const g = new Float64Array(dim);
  let k = 0;
  const at = () => ((k++ & 1) ? b : a);
  const res = compareInterleaved([
    { key: 'native1', fn: () => fN.valueAndGradient(at(), g), beforeAll: () => lib.setThreads(1) },
    { key: 'native2', fn: () => fN.valueAndGradient(at(), g), beforeAll: () => lib.setThreads(2) },
    { key: 'ts', fn: () => fT.valueAndGradient(at(), g) },
  ], opts);
  lib.setThreads(0);
  return Object.fromEntries([...res].map(([key, s]) => [key, round(s.medianMs)]));
}

function solveTimes(problem, repeats) {
  const { X, y, l2 } = problem;
  const f = lib.logistic(X, y, { l2, backend: 'native' });
  const x0 = new Float64Array(X.cols);
  const out = {};
  const series = [['newton-cg', 1], ['newton-cg', 2], ['lbfgs', 1], ['lbfgs', 2]];
  const t = Object.fromEntries(series.map(([m, th]) => [`${m}${th}`, []]));
  for (let r = 0; r < repeats; r++) {
    for (const [m, th] of series) {
      lib.setThreads(th);
      const t0 = now();
      const res = lib.minimize(f, x0, { method: m, gradTol: 0, relativeGradTol: 1e-6, maxIterations: 5000 });
      t[`${m}${th}`].push(now() - t0);
      out[`${m}${th}.nit`] = res.nit;
      out[`${m}${th}.calls`] = res.nfev + res.ngev + res.nhvp + res.nhdiag;
    }
  }
  lib.setThreads(0);
  for (const key of Object.keys(t)) out[key] = round(median(t[key]));
  return out;
}

async function figure(file, title, xTitle, series, opts = {}) {
  const svg = await lib.convergencePlotSvg(series, {
    title, xTitle, yTitle: opts.yTitle ?? 'ms (median)', xLog: true, yLog: opts.yLog ?? true, width: 480, height: 300,
    legendTitle: 'series',
  });
  fs.writeFileSync(file, svg);
  return path.basename(file);
}

/** Runs the sweeps; writes the SVGs into outDir. Returns { markdown, json, figures }. */
export async function runScaling(outDir) {
  const s = sweeps();
  const opts = quick ? { rounds: 3, roundMs: 10 } : { rounds: 3, roundMs: 40 };
  const data = { evalN: [], evalD: [], evalNnz: [], solveN: [] };
  for (const n of s.n.values) {
    log(`scaling: value+gradient, dense n=${n} d=${s.n.d}`);
    const p = denseLogistic({ n, d: s.n.d, seed: 41 });
    data.evalN.push({ n, d: s.n.d + 1, bytes: p.X.data.byteLength, ...evalTimes(p, opts) });
  }
  for (const d of s.d.values) {
    log(`scaling: value+gradient, dense n=${s.d.n} d=${d}`);
    const p = denseLogistic({ n: s.d.n, d, seed: 42 });
    data.evalD.push({ n: s.d.n, d: d + 1, bytes: p.X.data.byteLength, ...evalTimes(p, opts) });
  }
  for (const per of s.nnz.values) {
    log(`scaling: value+gradient, CSR n=${s.nnz.n} d=${s.nnz.d} ${per}/row`);
    const p = csrLogistic({ n: s.nnz.n, d: s.nnz.d, nnzPerRow: per, seed: 43 });
    data.evalNnz.push({ n: s.nnz.n, d: s.nnz.d + 1, nnz: p.nnz, bytes: p.X.values.byteLength + p.X.indices.byteLength, ...evalTimes(p, opts) });
  }
  for (const n of s.solve.values) {
    log(`scaling: solves, dense n=${n} d=${s.solve.d}`);
    const p = denseLogistic({ n, d: s.solve.d, seed: 44 });
    data.solveN.push({ n, d: s.solve.d + 1, bytes: p.X.data.byteLength, ...solveTimes(p, s.solve.repeats) });
  }

  const fits = {};
  const fit = (name, rows, xKey, keys) => {
    fits[name] = Object.fromEntries(keys.map((k) => [k, round(logLogFit(rows.map((r) => r[xKey]), rows.map((r) => r[k])).exponent, 3)]));
  };
  fit('evalN', data.evalN, 'n', ['native1', 'native2', 'ts']);
  fit('evalD', data.evalD, 'd', ['native1', 'native2', 'ts']);
  fit('evalNnz', data.evalNnz, 'nnz', ['native1', 'native2', 'ts']);
  fit('solveN', data.solveN, 'n', ['newton-cg1', 'newton-cg2', 'lbfgs1', 'lbfgs2']);

  fs.mkdirSync(outDir, { recursive: true });
  const ser = (rows, xKey, keys, labels) => keys.map((k, i) => ({ name: labels[i], x: rows.map((r) => r[xKey]), y: rows.map((r) => r[k]) }));
  const evalLabels = ['native, 1 thread', 'native, 2 threads', 'TS backend'];
  const figures = {
    evalN: await figure(path.join(outDir, 'scaling-eval-n.svg'), `value+gradient vs n (dense, d = ${s.n.d + 1})`, 'n (rows)', ser(data.evalN, 'n', ['native1', 'native2', 'ts'], evalLabels)),
    evalD: await figure(path.join(outDir, 'scaling-eval-d.svg'), `value+gradient vs d (dense, n = ${s.d.n})`, 'd (columns)', ser(data.evalD, 'd', ['native1', 'native2', 'ts'], evalLabels)),
    evalNnz: await figure(path.join(outDir, 'scaling-eval-nnz.svg'), `value+gradient vs nnz (CSR, n = ${s.nnz.n}, d = ${s.nnz.d + 1})`, 'stored entries (nnz)', ser(data.evalNnz, 'nnz', ['native1', 'native2', 'ts'], evalLabels)),
    solveN: await figure(path.join(outDir, 'scaling-solve-n.svg'), `solve to relativeGradTol 1e-6 vs n (dense, d = ${s.solve.d + 1})`, 'n (rows)',
      ser(data.solveN, 'n', ['newton-cg1', 'newton-cg2', 'lbfgs1', 'lbfgs2'], ['newton-cg, 1 thread', 'newton-cg, 2 threads', 'lbfgs, 1 thread', 'lbfgs, 2 threads'])),
    threads: await figure(path.join(outDir, 'scaling-threads.svg'), 'speed-up from 1 to 2 threads (native)', 'bytes of X (MB)', [
      { name: 'value+gradient, dense (vs n)', x: data.evalN.map((r) => r.bytes / 1e6), y: data.evalN.map((r) => r.native1 / r.native2) },
      { name: 'value+gradient, dense (vs d)', x: data.evalD.map((r) => r.bytes / 1e6), y: data.evalD.map((r) => r.native1 / r.native2) },
      { name: 'value+gradient, CSR (vs nnz)', x: data.evalNnz.map((r) => r.bytes / 1e6), y: data.evalNnz.map((r) => r.native1 / r.native2) },
      { name: 'newton-cg solve (vs n)', x: data.solveN.map((r) => r.bytes / 1e6), y: data.solveN.map((r) => r['newton-cg1'] / r['newton-cg2']) },
    ], { yLog: false, yTitle: 'time 1 thread / time 2 threads' }),
  };

  const md = [];
  const evalTable = (title, rows, xKey, fitKey) => {
    md.push(`**${title}** — fitted exponent (time ∝ size^k): native 1 thr k = ${fits[fitKey].native1}, 2 thr k = ${fits[fitKey].native2}, TS k = ${fits[fitKey].ts}`);
    md.push('');
    md.push(`| ${xKey} | MB | native 1 thr ms | native 2 thr ms | speed-up 1→2 | TS ms | TS / native 2 thr |`);
    md.push('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      md.push(`| ${sizeLabel(r[xKey])} | ${(r.bytes / 1e6).toFixed(1)} | ${ms(r.native1)} | ${ms(r.native2)} | ${times(r.native1 / r.native2)} | ${ms(r.ts)} | ${times(r.ts / r.native2)} |`);
    }
    md.push('');
  };
  evalTable(`value+gradient vs n (dense, d = ${s.n.d + 1}; figure ${figures.evalN})`, data.evalN, 'n', 'evalN');
  evalTable(`value+gradient vs d (dense, n = ${s.d.n}; figure ${figures.evalD})`, data.evalD, 'd', 'evalD');
  evalTable(`value+gradient vs nnz (CSR, n = ${s.nnz.n}, d = ${s.nnz.d + 1}; figure ${figures.evalNnz})`, data.evalNnz, 'nnz', 'evalNnz');
  md.push(`**solve to relativeGradTol 1e-6 vs n** (dense, d = ${s.solve.d + 1}, native, median of ${s.solve.repeats}; figure ${figures.solveN}) — fitted exponents: ` +
    `newton-cg 1 thr ${fits.solveN['newton-cg1']}, 2 thr ${fits.solveN['newton-cg2']}; lbfgs 1 thr ${fits.solveN.lbfgs1}, 2 thr ${fits.solveN.lbfgs2}`);
  md.push('');
  md.push('| n | newton-cg 1 thr ms | 2 thr ms | speed-up | iterations / calls | lbfgs 1 thr ms | 2 thr ms | speed-up | iterations / calls |');
  md.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of data.solveN) {
    md.push(`| ${sizeLabel(r.n)} | ${ms(r['newton-cg1'])} | ${ms(r['newton-cg2'])} | ${times(r['newton-cg1'] / r['newton-cg2'])} | ${r['newton-cg2.nit']} / ${r['newton-cg2.calls']} | ` +
      `${ms(r.lbfgs1)} | ${ms(r.lbfgs2)} | ${times(r.lbfgs1 / r.lbfgs2)} | ${r['lbfgs2.nit']} / ${r['lbfgs2.calls']} |`);
  }
  md.push('');
  md.push(`Thread speed-up figure: ${figures.threads}. Exponents are fitted over all points of a sweep; the smallest sizes carry fixed per-call costs, so the exponent of the large-size end is closer to 1.`);
  return { markdown: md.join('\n'), json: { sweeps: s, data, fits, figures }, figures };
}
