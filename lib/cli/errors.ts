/**
 * Exit codes and error reporting of the `stepsearch` command (README "Command line").
 *
 * - 0: success (a run that stopped on a budget, e.g. `max-iterations`, is still a success of the command);
 * - 1: runtime failure: a file that is missing, unreadable or malformed (`file:line: what is wrong`), a failed
 *   solve, a file that cannot be written;
 * - 2: usage error: unknown command or option, a bad option value, an unknown method or loss, labels that do
 *   not fit the chosen loss, a model that does not fit the data.
 * Every failure prints ONE line, `stepsearch: <message>`, on stderr and no stack trace; `--debug` adds the stack.
 */

/** Exit code of a successful run. */
export const EXIT_OK = 0;
/** Exit code of a runtime failure (missing or malformed file, failed solve, write error). */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error (bad command line, option value, method, loss, or labels for the loss). */
export const EXIT_USAGE = 2;

/** An error the CLI reports with a given exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit code 2): the command line asked for something that cannot be done. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** The exit code for any thrown value: CliError's own, else 1 (runtime failure). */
export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
}

/**
 * The one-line message for `err`: its message's first line (multi-line messages, such as the native loader's,
 * point to `--debug` for the rest). Node's fs errors are rewritten as `cannot read FILE: no such file`.
 */
export function oneLineMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split('\n')[0];
  const e = err as NodeJS.ErrnoException;
  if (e.code && e.syscall && e.path) {
    const what: Record<string, string> = {
      ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory',
      ENOTDIR: 'not a directory', EEXIST: 'already exists', ENOSPC: 'no space left on device',
    };
    const verb = e.syscall === 'open' || e.syscall === 'read' || e.syscall === 'stat' ? 'cannot open' : `cannot ${e.syscall}`;
    return `${verb} ${e.path}: ${what[e.code] ?? e.code}`;
  }
  const lines = e.message.split('\n');
  return lines.length > 1 ? `${lines[0]} (run with --debug for details)` : lines[0];
}
