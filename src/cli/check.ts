// scim-workbench check: the Entra provisioning check for CI pipelines of teams that build SCIM endpoints.
// The report goes to stdout (or --output), a progress line per step to stderr; exit code 1 when a step failed.
// Ctrl-C cancels the run, and the users and group it created are still deleted before the process ends.
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AuthScheme, Connection } from '../client/http';
import {
  DEFAULT_EMAIL_DOMAIN, emailDomainProblem, formatReport, REPORT_FORMATS, RULE_SETS, runEntraCheck,
  verdictLine, type ReportFormat, type RuleSet, type StepProgress,
} from '../client/entraCheck';
import { MURAL_TENANT_URL, parseTenantUrl, TenantUrlError } from '../client/tenantUrl';
import { CliError, interruptHandler, oneOf, parseOptions, parseTimeout, type CliCommand } from './command';

export const TOKEN_ENV = 'SCIM_WORKBENCH_TOKEN';

export interface CheckIo {
  readonly stdout: { write(s: string): unknown };
  /** isTTY: a terminal, where a long command may rewrite a progress line in place. */
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Calls `cancel` on Ctrl-C (or SIGTERM) until the returned function is called. */
  readonly onInterrupt?: (cancel: () => void) => () => void;
}

const MARK = { pass: '✔', fail: '✘', warn: '!', skip: '-' } as const;

const HELP = `Usage: scim-workbench check --url <tenant URL> [--token <token>] [options]

Replays Microsoft Entra's provisioning cycle against a SCIM endpoint, in Entra's order and with Entra's exact
request shapes — Test Connection, match and create users, both PATCH shapes (default and ?aadOptscim062020),
groups and memberships, disable and enable with Entra's string booleans, deletes, and the error answers Entra
relies on — and judges every answer as Entra would. With --rules mural, MURAL's documented rules are checked too.

The check creates three users and a group whose names are unique to the run (emails @${DEFAULT_EMAIL_DOMAIN})
and deletes them at the end, even when steps fail or the run is interrupted with Ctrl-C.

Options:
  --url URL              The tenant URL (SCIM base), e.g. ${MURAL_TENANT_URL}
  --token TOKEN          The secret token. Better: set ${TOKEN_ENV} instead, so the token stays
                         out of your shell history and process list
  --auth bearer|apikey   How the token is sent (default bearer, as Entra sends it; apikey as MURAL's examples)
  --rules mural|scim     mural (default): what Entra needs plus MURAL's rules (lowercasing, no digits in names,
                         workspaces lost on deactivation); scim: what Entra needs from any SCIM endpoint
  --format FORMAT        text (default), json, junit (JUnit XML for CI test reports) or markdown
  --output FILE          Write the report to FILE; stdout then gets one summary line
  --timeout MS           Time allowed per request (default 30000)
  --email-domain DOMAIN  Domain of the test users' emails (default ${DEFAULT_EMAIL_DOMAIN})
  --insecure             Accept any TLS certificate (self-signed test servers); Entra itself does not
  -h, --help             This help

Progress (a line per step) goes to stderr. Tokens never appear in reports: they are shown as ***.
Exit code: 0 when no step failed (warnings do not fail), 1 when a step failed or the run was interrupted,
2 for usage errors.`;

/**
 * The endpoint options `check` and `provision` share: --url (validated, normalised), the token from --token or
 * the environment, and --auth.
 */
export function endpointOptions(command: string, values: { url?: string; token?: string; auth?: string | boolean }, env: NodeJS.ProcessEnv): Connection {
  if (!values.url) throw new CliError(`Give the tenant URL with --url, e.g. --url ${MURAL_TENANT_URL}.\nRun "scim-workbench ${command} --help" for the options.`);
  let tenantUrl: string;
  try {
    tenantUrl = parseTenantUrl(values.url).normalized;
  } catch (e) {
    if (e instanceof TenantUrlError) throw new CliError(`--url: ${e.message}`);
    throw e;
  }
  const token = values.token ?? env[TOKEN_ENV];
  if (!token) throw new CliError(`Give the secret token: set ${TOKEN_ENV} (keeps it out of your shell history) or pass --token.`);
  const authScheme: AuthScheme = oneOf('auth', String(values.auth ?? 'bearer').toLowerCase(), ['bearer', 'apikey']) === 'apikey' ? 'apikey' : 'Bearer';
  return { tenantUrl, token, authScheme };
}

/** The check command, writing to `io` (tests pass buffers; the CLI passes the process). */
export function createCheckCommand(io: CheckIo): CliCommand {
  return {
    name: 'check',
    summary: 'Replay Entra\'s provisioning cycle against a SCIM endpoint and judge every answer (CI friendly)',
    help: HELP,
    async run(args: string[]): Promise<number> {
      const { values } = parseOptions('check', args, {
        url: { type: 'string' },
        token: { type: 'string' },
        auth: { type: 'string', default: 'bearer' },
        rules: { type: 'string', default: 'mural' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        timeout: { type: 'string' },
        'email-domain': { type: 'string', default: DEFAULT_EMAIL_DOMAIN },
        insecure: { type: 'boolean', default: false },
      });
      const connection = endpointOptions('check', values, io.env);
      const rules = oneOf<RuleSet>('rules', values.rules as string, RULE_SETS);
      const format = oneOf<ReportFormat>('format', values.format as string, REPORT_FORMATS);
      const timeoutMs = values.timeout !== undefined ? parseTimeout(values.timeout) : undefined;
      const domain = values['email-domain'] as string;
      const domainProblem = emailDomainProblem(domain);
      if (domainProblem) throw new CliError(`--email-domain: ${domainProblem}`);

      const file = values.output !== undefined ? resolve(io.cwd, values.output) : undefined;
      if (file && !(await stat(dirname(file)).catch(() => undefined))?.isDirectory()) {
        throw new CliError(`Cannot write the report to ${values.output}: its directory does not exist.`);
      }

      const abort = new AbortController();
      const release = io.onInterrupt?.(() => {
        io.stderr.write('Interrupted: cancelling and deleting what the check created…\n');
        abort.abort();
      });
      const onStep = (p: StepProgress) => {
        if (p.result) io.stderr.write(`[${String(p.index).padStart(String(p.total).length)}/${p.total}] ${MARK[p.result.verdict]} ${p.title}${p.result.verdict === 'pass' ? '' : ` — ${p.result.summary}`}\n`);
      };
      let report;
      try {
        report = await runEntraCheck(connection, {
          rules, onStep, signal: abort.signal, emailDomain: domain,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(values.insecure ? { network: { strictSSL: false } } : {}),
        });
      } finally {
        release?.();
      }
      const text = formatReport(report, format);
      if (file) {
        await writeFile(file, text, 'utf8').catch((e: Error) => {
          throw new CliError(`Cannot write the report to ${values.output}: ${e.message}`);
        });
        io.stdout.write(`${verdictLine(report)} Report written to ${values.output}.\n`);
      } else {
        io.stdout.write(text);
      }
      return report.failed > 0 || report.cancelled ? 1 : 0;
    },
  };
}

export const checkCommand: CliCommand = createCheckCommand({
  stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), onInterrupt: interruptHandler,
});
