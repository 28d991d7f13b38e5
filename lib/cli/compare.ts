/**
 * `stepsearch compare FILE --loss L --methods a,b,c [...]`: runs several methods from the same start x₀ = 0
 * on the same problem, computes f* with a high-accuracy solve (spec §3.5), prints how many oracle calls and
 * how much time each method needed to reach relative suboptimality 1e-2, 1e-4 and 1e-6, and draws the
 * relative suboptimality (f − f*)/(f₀ − f*) against oracle calls and against time (spec §3.6).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { minimize } from '../minimize';
import type { Objective } from '../objectives/objective';
import { methodNames } from '../optimizers/registry';
import { convergencePanelsSvg } from '../plot';
import type { IterationRecord, OptimizeResult } from '../result';
import {
  addBudgetOptions, addOutputOptions, addProblemOptions, checkMethod, methodsHelp, parseFraction, type BudgetFlags,
  type OutputFlags, type ProblemFlags,
} from './args';
import { CliError, UsageError } from './errors';
import { budgetOptions, describeData } from './fit';
import { buildObjective, loadData, mapLabels } from './problem';
import { Reporter } from './progress';

/** Flags of `compare`. */
export interface CompareFlags extends ProblemFlags, BudgetFlags, OutputFlags {
  methods: string;
  targetSuboptimality: number;
  plot?: string;
  html?: string;
}

/** The relative suboptimality levels of the table. */
export const THRESHOLDS = [1e-2, 1e-4, 1e-6] as const;
/** Relative gaps above this are clipped in the plot, as the reference clips at 1000·(f₀ − f*) (spec §3.6). */
const CLIP_ABOVE = 1e3;
/** Iteration budget of the f* solve (spec §3.5: L-BFGS, maxiter 1e4, tol 0). */
const REFERENCE_ITERATIONS = 10_000;
/** The f* solve stops after this many iterations without a relative improvement above 1e-15. */
const STALL_ITERATIONS = 20;

/** Oracle calls of a record, as plotted: nfev + ngev + nhdiag + nhvp (spec §2.11). */
export function oracleCalls(r: { nfev: number; ngev: number; nhdiag: number; nhvp: number }): number {
  return r.nfev + r.ngev + r.nhdiag + r.nhvp;
}

/** Calls and time at which a run first reached a threshold. */
interface Reached {
  calls: number;
  timeMs: number;
}

/** One compared method's outcome. */
interface MethodRow {
  method: string;
  result: OptimizeResult;
  /** Relative suboptimality of each trace record. */
  rel: number[];
  reached: (Reached | null)[];
}

/**
 * f* (spec §3.5), computed to machine precision in little time: exact Newton (newton-cg when d > 5000),
 * then L-BFGS as in the spec (gradTol 0, 1e4 iterations), each continuing from the best point so far. A run
 * also stops once f has not improved by more than 1e-15 relative in 20 iterations: near f* a tol-0 L-BFGS
 * otherwise spends its whole budget on rounding noise. The minimum with every logged value is taken later.
 */
function referenceSolve(objective: Objective, reporter: Reporter): { fun: number; method: string } {
  const names = methodNames();
  const plan: { method: string; maxIterations: number }[] = [];
  if (names.includes('newton') && objective.dim <= 5000) plan.push({ method: 'newton', maxIterations: 100 });
  else if (names.includes('newton-cg')) plan.push({ method: 'newton-cg', maxIterations: 500 });
  if (names.includes('lbfgs')) plan.push({ method: 'lbfgs', maxIterations: REFERENCE_ITERATIONS });
  if (plan.length === 0) plan.push({ method: names[0], maxIterations: REFERENCE_ITERATIONS });
  let x: Float64Array = new Float64Array(objective.dim);
  let best = { fun: Infinity, method: '' };
  const used: string[] = [];
  for (const step of plan) {
    const progress = reporter.iterationProgress(`f* (${step.method})`);
    let bestFun = Infinity;
    let lastImprovement = 0;
    const stall = (r: IterationRecord): 'stop' | undefined => {
      progress?.(r);
      if (r.fun < bestFun - 1e-15 * Math.abs(bestFun)) {
        bestFun = r.fun;
        lastImprovement = r.iter;
      }
      return r.iter - lastImprovement >= STALL_ITERATIONS ? 'stop' : undefined;
    };
    const r = minimize(objective, x, { method: step.method, gradTol: 0, maxIterations: step.maxIterations, callback: stall });
    reporter.clear();
    used.push(step.method);
    if (r.fun < best.fun) {
      best = { fun: r.fun, method: used.join(' + ') };
      x = r.x;
    }
  }
  return best;
}

function formatCell(v: number | undefined): string {
  return v === undefined ? '—' : String(v);
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlReport(title: string, facts: string[], header: string[], rows: string[][], svg: string): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, j) => (j === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; white-space: nowrap; }
th[scope=row], thead th:first-child { text-align: left; }
thead th { background: #f3f3f3; }
.facts { color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<ul class="facts">
${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('\n')}
</ul>
<table>
<thead><tr>${th}</tr></thead>
<tbody>
${trs}
</tbody>
</table>
<figure>
${svg}
</figure>
</body>
</html>
`;
}

async function runCompare(file: string, flags: CompareFlags): Promise<void> {
  const methods = flags.methods.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (methods.length === 0) throw new UsageError('--methods: expected a comma-separated list of methods');
  methods.forEach(checkMethod);
  if (new Set(methods).size !== methods.length) throw new UsageError('--methods: a method is listed twice');
  const reporter = new Reporter(!!(flags.quiet || flags.json));
  const data = await loadData(file, flags, reporter);
  if (!data.y) throw new UsageError(`${file}: no label column`);
  const labels = mapLabels(flags.loss, data.y, file);
  const { objective, l2 } = buildObjective(data, flags, labels, reporter);

  // Every run starts at x₀ = 0, so f₀ is shared; the reference value is the preliminary f* for stopping.
  const f0 = objective.value(new Float64Array(objective.dim));
  const reference = referenceSolve(objective, reporter);
  const target = flags.targetSuboptimality;
  const budget = { gradTol: 0, ...budgetOptions(flags) };
  const results: OptimizeResult[] = [];
  // Stop a run once it is within the target of the reference value (saves time on long budgets); when the
  // reference solve made no progress there is no usable gap, and runs go to their budgets.
  const referenceGap = f0 - reference.fun;
  const relToReference = (r: IterationRecord): number => (r.fun - reference.fun) / referenceGap;
  for (const method of methods) {
    const progress = reporter.iterationProgress(method, (r) => `rel ${relToReference(r).toExponential(2)}`);
    const stop = (r: IterationRecord): 'stop' | undefined => {
      progress?.(r);
      return referenceGap > 0 && relToReference(r) <= target ? 'stop' : undefined;
    };
    results.push(minimize(objective, new Float64Array(objective.dim), { method, ...budget, trace: true, callback: stop }));
    reporter.clear();
  }
  // f* = min(f_ref, every logged f) (spec §3.5).
  let fStar = reference.fun;
  for (const r of results) {
    fStar = Math.min(fStar, r.fun);
    for (const t of r.trace ?? []) if (t.fun < fStar) fStar = t.fun;
  }
  const gap0 = f0 - fStar;
  if (!(gap0 > 0)) throw new CliError(`${file}: f(x₀) = f* = ${f0}: x₀ = 0 is already optimal, nothing to compare`);
  const rows: MethodRow[] = results.map((result) => {
    const trace = result.trace ?? [];
    const rel = trace.map((t) => (t.fun - fStar) / gap0);
    const reached = THRESHOLDS.map((th) => {
      const i = rel.findIndex((v) => v <= th);
      return i < 0 ? null : { calls: oracleCalls(trace[i]), timeMs: trace[i].elapsedMs };
    });
    return { method: result.method, result, rel, reached };
  });

  const header = ['method', 'status', 'iters', 'calls', 'time ms', 'final rel',
    ...THRESHOLDS.flatMap((th) => [`calls→${th.toExponential(0)}`, `ms→${th.toExponential(0)}`])];
  const tableRows = rows.map((r) => [
    // callback-stop is this command's own stop at the target suboptimality.
    `${r.method} (${r.result.backend})`, r.result.status === 'callback-stop' ? 'target reached' : r.result.status, String(r.result.nit), String(oracleCalls(r.result)),
    r.result.timeMs.toFixed(1), ((r.result.fun - fStar) / gap0).toExponential(2),
    ...r.reached.flatMap((x) => [formatCell(x?.calls), x ? x.timeMs.toFixed(1) : '—']),
  ]);
  const title = `${path.basename(file)}: ${flags.loss}`;
  const facts = [
    `data: ${file} (${describeData(data, !!flags.bias)}), l2 = ${l2.toPrecision(6)}, x₀ = 0`,
    `f(x₀) = ${f0.toPrecision(12)}, f* = ${fStar.toPrecision(15)} (min of ${reference.method} with gradTol 0 and every logged value)`,
    'rel = relative suboptimality (f − f*)/(f(x₀) − f*); calls = oracle calls nfev + ngev + nhdiag + nhvp, the start included',
    `each run stops at rel ≤ ${target} or at its budget (gradTol ${budget.gradTol}${flags.maxIterations !== undefined ? `, maxIterations ${flags.maxIterations}` : ''})`,
  ];

  let svg: string | undefined;
  if (flags.plot || flags.html) {
    const legend = ['method', 'y: relative suboptimality', '(f − f*)/(f₀ − f*)'];
    const series = (x: (t: IterationRecord) => number, withStart: boolean) => rows.map((r) => {
      const trace = r.result.trace ?? [];
      // The start point costs one value and one gradient (spec §0); it has no elapsed time to plot on a log axis.
      const xs = [...(withStart ? [2] : []), ...trace.map(x)];
      const ys = [...(withStart ? [1] : []), ...r.rel].map((v) => Math.min(v, CLIP_ABOVE));
      return { name: r.method, x: xs, y: ys };
    });
    svg = await convergencePanelsSvg(
      [
        { series: series(oracleCalls, true), xTitle: 'oracle calls (nfev + ngev + nhdiag + nhvp)', xLog: false, title: 'against oracle calls' },
        { series: series((t) => t.elapsedMs, false), xTitle: 'time (ms, log scale)', xLog: true, title: 'against time' },
      ],
      {
        title, subtitle: `relative suboptimality (f − f*)/(f₀ − f*), f* = ${fStar.toPrecision(12)}; log scale`,
        yTitle: 'relative suboptimality (f − f*)/(f₀ − f*)', legendTitle: legend,
      },
    );
    if (flags.plot) fs.writeFileSync(flags.plot, svg);
    if (flags.html) fs.writeFileSync(flags.html, htmlReport(`stepsearch compare — ${title}`, facts, header, tableRows, svg));
  }

  if (flags.json) {
    const out = {
      file, loss: flags.loss, l2, bias: !!flags.bias, rows: data.X.rows, numFeatures: data.numFeatures,
      initialFun: f0, fStar, fStarFrom: reference.method, targetSuboptimality: target, thresholds: THRESHOLDS,
      methods: rows.map((r) => ({
        method: r.method, backend: r.result.backend, status: r.result.status, nit: r.result.nit,
        calls: oracleCalls(r.result), nfev: r.result.nfev, ngev: r.result.ngev, nhdiag: r.result.nhdiag,
        nhvp: r.result.nhvp, timeMs: r.result.timeMs, fun: r.result.fun, relativeSuboptimality: (r.result.fun - fStar) / gap0,
        reached: Object.fromEntries(THRESHOLDS.map((th, k) => [th.toExponential(0), r.reached[k]])),
      })),
      ...(flags.plot ? { plotFile: flags.plot } : {}), ...(flags.html ? { htmlFile: flags.html } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = [title, ...facts.map((f) => `  ${f}`), '', textTable(header, tableRows)];
  if (flags.plot) lines.push('', `plot written to ${flags.plot}`);
  if (flags.html) lines.push(`${flags.plot ? '' : '\n'}report written to ${flags.html}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The `compare` command. */
export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description('run several methods on one problem; table and plot of relative suboptimality against oracle calls and time')
    .argument('<file>', 'data (LIBSVM or CSV, as for fit)')
    .requiredOption('--methods <list>', 'comma-separated methods, e.g. lbfgs,gd,mdb-ellipsoid')
    .option('--target-suboptimality <r>', 'stop each run once (f − f*)/(f₀ − f*) ≤ r', parseFraction, 1e-8);
  addProblemOptions(cmd);
  addBudgetOptions(cmd, '0, as in the paper');
  cmd
    .option('--plot <out.svg>', 'write the figure (two panels: against oracle calls and against time) as SVG')
    .option('--html <report.html>', 'write a self-contained HTML report with the table and the figure');
  addOutputOptions(cmd);
  cmd.addHelpText('after', methodsHelp());
  return cmd.action((file: string, flags: CompareFlags) => runCompare(file, flags));
}
