/**
 * `stepsearch predict MODEL FILE`: applies a model written by `fit --weights` to a data file. Prints one
 * prediction per line on stdout (the class label as written in the training file, or the predicted value for
 * least squares; with `--probabilities`, P(class = labels[1]) for logistic and the K class probabilities,
 * tab-separated, for softmax), or one JSON object with `--json`. When the file has labels, the accuracy
 * (classification) or RMSE and R² (regression) goes to stderr (text mode) or into the JSON object.
 */
import { Command } from 'commander';
import { addDataOptions, addOutputOptions, type DataFlags, type OutputFlags } from './args';
import { readModel, outputsOf } from './model';
import { describeMetrics, loadData, metrics, predict, scores, type Metrics } from './problem';
import { Reporter } from './progress';

/** Flags of `predict`. */
export interface PredictFlags extends DataFlags, OutputFlags {
  probabilities?: boolean;
}

async function runPredict(modelFile: string, file: string, flags: PredictFlags): Promise<void> {
  const model = readModel(modelFile);
  const reporter = new Reporter(!!(flags.quiet || flags.json));
  // The training width and bias; a CSV without a label column is recognised by its width.
  const data = await loadData(file, flags, reporter, { numFeatures: model.numFeatures, bias: model.bias, labels: 'auto' });
  const K = outputsOf(model);
  const pred = predict(model.loss, scores(data.X, model.weights, K), model.classes ?? 1);
  const labels = model.labels;
  const shown = labels ? Array.from(pred.predicted, (k) => labels[k]) : Array.from(pred.predicted);

  let m: Metrics | undefined;
  if (data.y) {
    if (labels) {
      // A label the model never saw cannot be predicted: it counts as an error (class −1).
      const index = new Map(labels.map((v, k) => [v, k]));
      m = metrics(model.loss, pred.predicted, data.y.map((v) => index.get(v) ?? -1));
    } else {
      m = metrics(model.loss, pred.predicted, data.y);
    }
  }
  const P = pred.probabilities;
  const C = model.classes ?? 1;
  const probabilityRow = (i: number): number[] => (model.loss === 'logistic' ? [P![2 * i + 1]] : Array.from(P!.subarray(i * C, (i + 1) * C)));

  if (flags.json) {
    const out = {
      model: modelFile, file, loss: model.loss, rows: data.X.rows, labels, predictions: shown,
      ...(P ? { probabilities: shown.map((_, i) => probabilityRow(i)) } : {}),
      ...(m ? { metrics: m } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = flags.probabilities && P ? shown.map((_, i) => probabilityRow(i).join('\t')) : shown.map(String);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (m && !flags.quiet) process.stderr.write(`${describeMetrics(m, `${data.X.rows} rows:`)}\n`);
}

/** The `predict` command. */
export function predictCommand(): Command {
  const cmd = new Command('predict')
    .description('predict with a model written by `fit --weights`; one prediction per line')
    .argument('<model>', 'model file (JSON) from `stepsearch fit --weights`')
    .argument('<file>', 'data (LIBSVM or CSV; a CSV may omit the label column)')
    .option('--probabilities', 'print class probabilities instead of labels (logistic: P(class = labels[1]))');
  addDataOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action((model: string, file: string, flags: PredictFlags) => runPredict(model, file, flags));
}
