/**
 * Option-value parsers and the option groups shared by several commands (`fit` and `compare` take the same
 * problem and budget flags). Parsers throw commander's InvalidArgumentError, which the CLI reports as a
 * one-line usage error (exit code 2).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { methodNames } from '../optimizers/registry';
import '../optimizers/all';
import { UsageError } from './errors';

/** The losses the CLI can fit (lib/objectives/factories.ts). */
export const LOSSES = ['logistic', 'least-squares', 'softmax'] as const;
/** One of {@link LOSSES}. */
export type CliLoss = (typeof LOSSES)[number];

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a finite decimal number (no hex, no `Infinity`, no empty string). */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t) || !Number.isFinite(Number(t))) throw new InvalidArgumentError('expected a finite number');
  return Number(t);
}

/** Parses a number ≥ 0. */
export function parseNonNegative(text: string): number {
  const v = parseNumber(text);
  if (v < 0) throw new InvalidArgumentError('expected a number >= 0');
  return v;
}

/** Parses a number > 0. */
export function parsePositive(text: string): number {
  const v = parseNumber(text);
  if (!(v > 0)) throw new InvalidArgumentError('expected a number > 0');
  return v;
}

/** Parses an integer ≥ 0. */
export function parseCount(text: string): number {
  const v = parseNumber(text);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return v;
}

/** Parses an integer ≥ 1. */
export function parsePositiveInteger(text: string): number {
  const v = parseNumber(text);
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return v;
}

/** Parses a relative suboptimality target in (0, 1). */
export function parseFraction(text: string): number {
  const v = parseNumber(text);
  if (!(v > 0 && v < 1)) throw new InvalidArgumentError('expected a number in (0, 1)');
  return v;
}

/** Help text listing the registered methods (appended to `fit --help` and `compare --help`). */
export function methodsHelp(): string {
  return `\nMethods: ${methodNames().join(', ')}`;
}

/** Checks a method name against the registry (methods are registered by lib/optimizers/all.ts). */
export function checkMethod(name: string): string {
  const known = methodNames();
  if (!known.includes(name)) {
    throw new UsageError(`unknown method ${JSON.stringify(name)}; accepted: ${known.join(', ')}`);
  }
  return name;
}

/** The flags that describe the data file and the objective (fit, compare). */
export interface DataFlags {
  format?: 'libsvm' | 'csv';
  labelColumn?: string;
  delimiter?: string;
  header?: boolean;
  bias?: boolean;
}

/** {@link DataFlags} plus the objective's flags. */
export interface ProblemFlags extends DataFlags {
  loss: CliLoss;
  l2?: number;
  backend?: 'native' | 'js';
  threads?: number;
}

/** The run-budget flags (fit, compare). */
export interface BudgetFlags {
  maxIterations?: number;
  gradTol?: number;
  timeLimit?: number;
}

/** Output-control flags every command takes. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** Adds the data-file flags (format, CSV label column, delimiter, header). */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'file format (default: by extension, .csv/.tsv are CSV, else by content)').choices(['libsvm', 'csv']))
    .option('--label-column <col>', 'CSV: label column, a 0-based index (negative counts from the end) or a header name', '0')
    .option('--delimiter <char>', 'CSV: cell separator (default "," or tab for .tsv)')
    .option('--header', 'CSV: the first row is a header (default: detected)')
    .option('--no-header', 'CSV: the first row is data');
}

/** Adds the objective flags (loss, l2, bias, backend, threads) and the data-file flags. */
export function addProblemOptions(cmd: Command): Command {
  addDataOptions(cmd);
  return cmd
    .addOption(new Option('--loss <loss>', 'objective').choices([...LOSSES]).makeOptionMandatory())
    .option('--l2 <x>', 'L2 coefficient: adds (l2/2)·‖w‖² (default 1/n: one pseudo-observation, spec §3.2)', parseNonNegative)
    .option('--bias', 'append a constant-1 column (an intercept, regularized like the other weights)')
    .addOption(new Option('--backend <backend>', 'native (C++) or js (TypeScript); default native when available').choices(['native', 'js']))
    .option('--threads <n>', 'threads of the native kernels (default: OMP_NUM_THREADS or all cores)', parsePositiveInteger);
}

/** Adds the budget flags. */
export function addBudgetOptions(cmd: Command, gradTolDefault: string): Command {
  return cmd
    .option('--max-iterations <n>', 'iteration budget per run (default 1000)', parseCount)
    .option('--grad-tol <t>', `stop when ‖∇f‖ ≤ t (default ${gradTolDefault})`, parseNonNegative)
    .option('--time-limit <s>', 'wall-clock budget per run, in seconds', parsePositive);
}

/** Adds --json, --quiet and --debug. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--quiet', 'no progress and no notes on stderr')
    .option('--debug', 'print the stack trace of an error');
}
