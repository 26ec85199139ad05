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
