// scim-workbench sample-directory: writes a realistic Entra directory file for `provision` to start from.
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MAX_SAMPLE_GROUPS, MAX_SAMPLE_USERS, SAMPLE_CASES, sampleDirectory } from '../entra/directory/sample';
import { counted } from '../scim/text';
import { CliError, parseOptions, wholeNumber, type CliCommand } from './command';

export interface SampleIo {
  readonly stdout: { write(s: string): unknown };
  readonly cwd: string;
}

const HELP = `Usage: scim-workbench sample-directory [--users N] [--groups G] [--output FILE] [--seed S]

Writes an Entra directory file (users and groups as Microsoft Graph returns them, the app's assignments and the
scope setting) for "scim-workbench provision --directory". Names are realistic; the first users are the cases
MURAL turns away or Entra skips, so the first provisioning run already shows them:
${SAMPLE_CASES.map((c, i) => `  ${i + 1}. ${c}`).join('\n')}
Groups are department groups of up to 50 members, assigned to the app except the last one.

Options:
  --users N       Number of users, 0 to ${MAX_SAMPLE_USERS} (default 20)
  --groups G      Number of groups, 0 to ${MAX_SAMPLE_GROUPS} (default 3)
  --seed S        Same seed, same file (default 1)
  --output FILE   Write to FILE (name it *.entra-directory.json for completion and validation in VS Code);
                  default stdout
  -h, --help      This help

Exit code: 0 when written, 2 for usage errors.`;

export function createSampleDirectoryCommand(io: SampleIo): CliCommand {
  return {
    name: 'sample-directory',
    summary: 'Write a realistic Entra directory file (users, groups, assignments) to provision from',
    help: HELP,
    async run(args: string[]): Promise<number> {
      const { values } = parseOptions('sample-directory', args, {
        users: { type: 'string' },
        groups: { type: 'string' },
        seed: { type: 'string' },
        output: { type: 'string' },
      });
      const users = wholeNumber('users', values.users, 0, MAX_SAMPLE_USERS, 20);
      const groups = wholeNumber('groups', values.groups, 0, MAX_SAMPLE_GROUPS, 3);
      const seed = wholeNumber('seed', values.seed, 0, 0xffffffff, 1);
      const text = `${JSON.stringify(sampleDirectory({ users, groups, seed }), null, 2)}\n`;
      if (values.output === undefined) {
        io.stdout.write(text);
        return 0;
      }
      const file = resolve(io.cwd, values.output);
      if (!(await stat(dirname(file)).catch(() => undefined))?.isDirectory()) {
        throw new CliError(`Cannot write ${values.output}: its directory does not exist.`);
      }
      await writeFile(file, text, 'utf8').catch((e: Error) => {
        throw new CliError(`Cannot write ${values.output}: ${e.message}`);
      });
      io.stdout.write(`Wrote ${counted(users, 'user')} and ${counted(groups, 'group')} to ${values.output}.\n`);
      return 0;
    },
  };
}

export const sampleDirectoryCommand: CliCommand = createSampleDirectoryCommand({ stdout: process.stdout, cwd: process.cwd() });
