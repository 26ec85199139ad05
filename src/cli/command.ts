// The shape of a CLI subcommand and the error that ends one with a message instead of a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage text printed by `<command> --help`. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** An expected failure (bad option, unreadable file): printed as one line, exits with exitCode. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/** node:util parseArgs with errors turned into CliError (exit code 2) that name the command's --help. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nRun "scim-workbench ${command} --help" for the options.`);
  }
}

/**
 * The value of --`flag`: `fallback` when not given, else `text` as a whole number from `min` to `max`, or a
 * CliError naming the flag and the range.
 */
export function wholeNumber<F>(flag: string, text: string | undefined, min: number, max: number, fallback: F): number | F {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`--${flag} must be a whole number from ${min} to ${max}, not "${text}".`);
  return n;
}

export function parseTimeout(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 600_000) throw new CliError(`--timeout must be a number of milliseconds from 1 to 600000, not "${text}".`);
  return n;
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new CliError(`--${flag} must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, not "${value}".`);
  return value as T;
}

/** Calls `cancel` on the first Ctrl-C (or SIGTERM); a second one leaves at once. Returns the unregister function. */
export function interruptHandler(cancel: () => void): () => void {
  let interrupted = false;
  const handler = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    cancel();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
