#!/usr/bin/env node
/**
 * The `stepsearch` command (design.md §3 "CLI"): `fit`, `compare`, `predict`, `info`, one file each in
 * lib/cli/. Exit codes: 0 success, 1 runtime failure, 2 usage error (lib/cli/errors.ts); every failure is
 * one line on stderr, and `--debug` adds the stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { methodNames } from './optimizers/registry';
import './optimizers/all';
import { compareCommand } from './cli/compare';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, oneLineMessage } from './cli/errors';
import { fitCommand } from './cli/fit';
import { infoCommand } from './cli/info';
import { predictCommand } from './cli/predict';

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/** Builds the program (exported for tests and for embedding). */
export function buildProgram(): Command {
  const program = new Command('stepsearch')
    .description('Numerical optimization that picks its own step sizes: fit, compare and apply linear models from the command line.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(false)
    .addHelpText('after', [
      '',
      `Methods: ${methodNames().join(', ')}`,
      '',
      'Exit codes: 0 success; 1 runtime failure (missing or malformed file, failed solve, write error);',
      '            2 usage error (bad command line or option value, unknown method or loss, labels that do',
      '            not fit the loss). Errors are one line on stderr; --debug prints the stack trace.',
      '',
      'Example:',
      '  stepsearch fit examples/data/breast_cancer_wdbc.libsvm --loss logistic --bias --method lbfgs',
    ].join('\n'));
  for (const cmd of [fitCommand(), compareCommand(), predictCommand(), infoCommand()]) {
    program.addCommand(cmd);
  }
  // Commander's own errors (unknown option, missing argument, invalid value) become exceptions, so that
  // main() reports every failure the same way; help and version output exit 0.
  const override = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeErr: () => {} });
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
      if (err.code === 'commander.help') {
        // No command given: the usage goes to stderr, as a usage error.
        process.stderr.write(program.helpInformation());
        return EXIT_USAGE;
      }
      // Commander's messages start with "error: "; keep our one-line form.
      process.stderr.write(`stepsearch: ${err.message.replace(/^error: /, '').split('\n')[0]}\n`);
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`stepsearch: ${oneLineMessage(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
