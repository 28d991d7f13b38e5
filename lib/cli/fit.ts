/**
 * `stepsearch fit FILE --loss L [...]`: fits one model with one method and prints a summary (or one JSON
 * object), optionally writing the model (`--weights`) and the convergence curve (`--plot`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { minimize } from '../minimize';
import { convergencePlotSvg } from '../plot';
import type { IterationRecord } from '../result';
import {
  addBudgetOptions, addOutputOptions, addProblemOptions, checkMethod, methodsHelp, type BudgetFlags, type OutputFlags,
  type ProblemFlags,
} from './args';
import { UsageError } from './errors';
import { MODEL_FORMAT, MODEL_VERSION, writeModel, type ModelFile } from './model';
import {
  buildObjective, describeMetrics, loadData, mapLabels, metrics, predict, scores, type LoadedData,
} from './problem';
import { Reporter } from './progress';

/** Flags of `fit`. */
export interface FitFlags extends ProblemFlags, BudgetFlags, OutputFlags {
  method: string;
  weights?: string;
  plot?: string;
}

/** A one-line description of the data, e.g. `569 rows, 30 features + bias, dense`. */
export function describeData(d: LoadedData, bias: boolean): string {
  return `${d.X.rows} rows, ${d.numFeatures} features${bias ? ' + bias' : ''}, ${d.X.kind === 'dense' ? 'dense' : 'sparse (CSR)'}`;
}

/** The common options of minimize from the budget flags. */
export function budgetOptions(flags: BudgetFlags): { maxIterations?: number; gradTol?: number; timeLimitMs?: number } {
  return {
    ...(flags.maxIterations !== undefined ? { maxIterations: flags.maxIterations } : {}),
    ...(flags.gradTol !== undefined ? { gradTol: flags.gradTol } : {}),
    ...(flags.timeLimit !== undefined ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
  };
}

async function runFit(file: string, flags: FitFlags): Promise<void> {
  const method = checkMethod(flags.method);
  const reporter = new Reporter(!!(flags.quiet || flags.json));
  const data = await loadData(file, flags, reporter);
  const bias = !!flags.bias;
  if (!data.y) throw new UsageError(`${file}: no label column`);
  const labels = mapLabels(flags.loss, data.y, file);
  const { objective, l2 } = buildObjective(data, flags, labels, reporter);

  const progress = reporter.iterationProgress(`fit ${method}`);
  const result = minimize(objective, new Float64Array(objective.dim), {
    method, ...budgetOptions(flags), trace: !!flags.plot,
    ...(progress ? { callback: (r: IterationRecord) => progress(r) } : {}),
  });
  reporter.clear();

  const K = flags.loss === 'softmax' ? labels.classes! : 1;
  const pred = predict(flags.loss, scores(data.X, result.x, K), labels.classes ?? 1);
  const m = metrics(flags.loss, pred.predicted, labels.targets);

  if (flags.weights) {
    const model: ModelFile = {
      format: MODEL_FORMAT, version: MODEL_VERSION, loss: flags.loss, l2, bias, numFeatures: data.numFeatures,
      classes: labels.classes ?? null, labels: labels.labels ?? null, method: result.method,
      weights: Array.from(result.x), fun: result.fun, status: result.status, trainedOn: path.basename(file),
    };
    writeModel(flags.weights, model);
  }
  if (flags.plot) {
    const trace = result.trace ?? [];
    const fs0 = [result.initialFun, ...trace.map((r) => r.fun)];
    const fMin = fs0.reduce((a, f) => (f < a ? f : a), Infinity); // no spread: traces can be long
    const svg = await convergencePlotSvg(
      [{ name: `${result.method} (${result.backend})`, x: fs0.map((_, i) => i), y: fs0.map((f) => f - fMin) }],
      {
        title: `${path.basename(file)}: ${flags.loss}, ${result.method}`,
        subtitle: `f_min = ${fMin.toPrecision(12)} (smallest f of this run); points where f = f_min are not drawn on the log scale`,
        xTitle: 'iteration', yTitle: 'f − f_min', legendTitle: ['method', 'y: f − f_min'],
      },
    );
    fs.writeFileSync(flags.plot, svg);
  }

  if (flags.json) {
    const out = {
      file, format: data.format, loss: flags.loss, l2, bias, rows: data.X.rows, numFeatures: data.numFeatures,
      classes: labels.classes ?? null, labels: labels.labels ?? null,
      method: result.method, backend: result.backend, status: result.status, success: result.success,
      message: result.message, fun: result.fun, initialFun: result.initialFun, gradNorm: result.gradNorm,
      nit: result.nit, nfev: result.nfev, ngev: result.ngev, nhdiag: result.nhdiag, nhvp: result.nhvp,
      timeMs: result.timeMs, metrics: m, x: Array.from(result.x),
      ...(flags.weights ? { weightsFile: flags.weights } : {}), ...(flags.plot ? { plotFile: flags.plot } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = [
    `data: ${file} (${describeData(data, bias)}), loss ${flags.loss}, l2 = ${l2.toPrecision(6)}`,
    result.summary(),
    describeMetrics(m, 'training'),
  ];
  if (flags.weights) lines.push(`model written to ${flags.weights}`);
  if (flags.plot) lines.push(`convergence plot written to ${flags.plot}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The `fit` command. */
export function fitCommand(): Command {
  const cmd = new Command('fit')
    .description('fit a model to a LIBSVM or CSV file and print a summary')
    .argument('<file>', 'training data (.libsvm/.svm/.txt: LIBSVM; .csv/.tsv: CSV, label in the first column by default)')
    .option('--method <method>', 'optimization method (see `stepsearch --help` for the list)', 'lbfgs');
  addProblemOptions(cmd);
  addBudgetOptions(cmd, '1e-6');
  cmd
    .option('--weights <out.json>', 'write the fitted model (weights, loss, l2, bias, labels) as JSON')
    .option('--plot <out.svg>', 'write the convergence curve (f − f_min against iteration) as SVG');
  addOutputOptions(cmd);
  cmd.addHelpText('after', methodsHelp());
  return cmd.action((file: string, flags: FitFlags) => runFit(file, flags));
}
