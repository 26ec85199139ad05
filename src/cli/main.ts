// scim-workbench: the headless faces of the extension's modules, for CI pipelines and terminals.
import { checkCommand } from './check';
import { CliError, type CliCommand } from './command';
import { expressionCommand } from './expression';
import { lint } from './lint';
import { provisionCommand } from './provision';
import { sampleDirectoryCommand } from './sampleDirectory';
import { serveCommand } from './serve';

const commands: readonly CliCommand[] = [lint, serveCommand, checkCommand, provisionCommand, sampleDirectoryCommand, expressionCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'Usage: scim-workbench <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "scim-workbench <command> --help" for the options of a command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`scim-workbench: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  return command.run(rest);
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`scim-workbench: ${err instanceof CliError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
