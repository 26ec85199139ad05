// `scim-workbench serve`: the mock MURAL SCIM server in a terminal — what `npm start` runs.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CliError, parseOptions, wholeNumber, type CliCommand } from './command';
import { JournalError } from '../mock/journal';
import { MOCK_OPTION_TABLE, parseOptionText, type MockOptions } from '../mock/options';
import { DEFAULT_LIMITS, DEFAULT_PORT, MockServer, tokenProblem } from '../mock/server';
import { ScimService } from '../mock/service';
import { counted } from '../scim/text';

const TOKEN_ENV = 'SCIM_WORKBENCH_TOKEN';

type OptionConfig = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function switchOptions(): OptionConfig {
  const out: OptionConfig = {};
  for (const s of MOCK_OPTION_TABLE) {
    if (s.kind === 'boolean') {
      out[s.flag] = { type: 'boolean' };
      out[`no-${s.flag}`] = { type: 'boolean' };
    } else {
      out[s.flag] = { type: 'string' };
    }
  }
  return out;
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  token: { type: 'string' },
  data: { type: 'string' },
  seed: { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  ...switchOptions(),
} as const satisfies OptionConfig;

function switchHelp(): string {
  return MOCK_OPTION_TABLE.map((s) => {
    const flag = s.kind === 'boolean' ? `--[no-]${s.flag}` : `--${s.flag} ${s.values ? s.values.join('|') : 'N'}`;
    return `  ${flag.padEnd(30)} ${s.description} (default ${String(s.default)})`;
  }).join('\n');
}

const HELP = `Usage: scim-workbench serve [options]

Runs a mock MURAL SCIM server that Microsoft Entra ID (or curl) can provision, until Ctrl-C.

Options:
  --host HOST                    Interface to bind (default 127.0.0.1: only this machine)
  -p, --port N                   Port (default ${DEFAULT_PORT}; 0 picks a free one)
  --token T                      Secret token clients send as "Bearer T" or "apikey T": printable
                                 ASCII, no spaces (default: $${TOKEN_ENV}, else a new random token,
                                 printed; a token you give is not printed)
  --data FILE                    Keep the directory in FILE (JSON lines, created if missing);
                                 without it the directory lives in memory only
  --seed N                       Add N generated users and some workspaces before serving
  -q, --quiet                    Do not print a line per request
  --headers-timeout S            Seconds a client has to send a request's headers, then 408 (default ${DEFAULT_LIMITS.headersTimeoutMs / 1000})
  --request-timeout S            Seconds a client has to send a whole request, then 408 (default ${DEFAULT_LIMITS.requestTimeoutMs / 1000})
  --max-connections N            Connections open at once; more are closed as they arrive (default ${DEFAULT_LIMITS.maxConnections})

Entra compatibility and fault injection:
${switchHelp()}`;

function readSwitches(values: Record<string, string | boolean | undefined>): Partial<MockOptions> {
  const out: Record<string, number | boolean> = {};
  for (const s of MOCK_OPTION_TABLE) {
    if (s.kind === 'boolean') {
      const on = values[s.flag] === true;
      const off = values[`no-${s.flag}`] === true;
      if (on && off) throw new CliError(`--${s.flag} and --no-${s.flag} contradict each other; give one.`);
      if (on || off) out[s.key] = on;
    } else {
      const text = values[s.flag];
      if (typeof text !== 'string') continue;
      try {
        out[s.key] = parseOptionText(s, text);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }
  }
  return out as Partial<MockOptions>;
}

function time(iso: string): string {
  return iso.slice(11, 23);
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the mock MURAL SCIM server (Entra can provision it)',
  help: HELP,
  async run(args) {
    const { values } = parseOptions('serve', args, OPTIONS);
    const host = values.host ?? '127.0.0.1';
    const port = wholeNumber('port', values.port, 0, 65535, DEFAULT_PORT);
    const seed = wholeNumber('seed', values.seed, 0, 10_000_000, 0);
    const switches = readSwitches(values as Record<string, string | boolean | undefined>);
    const seconds = (flag: 'headers-timeout' | 'request-timeout') => {
      const s = wholeNumber(flag, values[flag], 1, 3600, undefined);
      return s === undefined ? undefined : s * 1000;
    };
    const limits = {
      headersTimeoutMs: seconds('headers-timeout'),
      requestTimeoutMs: seconds('request-timeout'),
      maxConnections: wholeNumber('max-connections', values['max-connections'], 1, 65_535, undefined),
    };
    const envToken = process.env[TOKEN_ENV];
    if (values.token !== undefined && values.token.trim() === '') {
      throw new CliError(`--token is empty: give the secret clients must send (or leave --token out to use $${TOKEN_ENV} or a generated one).`);
    }
    const source = values.token !== undefined ? '--token' : envToken && envToken.trim() !== '' ? TOKEN_ENV : undefined;
    const token = values.token ?? (source ? (envToken as string).trim() : randomBytes(24).toString('base64url'));
    const problem = tokenProblem(token);
    if (problem) throw new CliError(`The token ${source === TOKEN_ENV ? `in $${TOKEN_ENV} ` : ''}${problem}`);

    const out = process.stdout;
    let service: ScimService;
    try {
      service = await ScimService.open({ dataFile: values.data, options: switches });
    } catch (e) {
      if (e instanceof JournalError) throw new CliError(e.message, 1);
      const err = e as NodeJS.ErrnoException;
      if (err.code) throw new CliError(`Cannot open the data file ${values.data}: ${err.message}`, 1);
      throw e;
    }
    service.on('warning', (e) => process.stderr.write(`warning: ${e.message}\n`));

    if (seed > 0) {
      const t0 = performance.now();
      const r = await service.seed(seed);
      out.write(`Seeded ${counted(r.users, 'user')} and ${counted(r.groups, 'workspace')} in ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`);
    }

    const server = new MockServer(service, { token, host, port, ...limits });
    let url: string;
    try {
      ({ url } = await server.start());
    } catch (e) {
      await service.close();
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') {
        throw new CliError(`Port ${port} on ${host} is already in use (another scim-workbench, or another program, holds it). Run with --port 0 to pick a free port, or choose another with --port N.`, 1);
      }
      if (err.code === 'EACCES') throw new CliError(`Not allowed to listen on ${host}:${port}; choose a port above 1023 with --port N.`, 1);
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new CliError(`Cannot listen on ${host}: it is not an address of this machine. Use --host 127.0.0.1.`, 1);
      throw e;
    }

    // Listen for Ctrl-C before saying it stops the server, so a quick one still closes the data file cleanly.
    const stopRequested = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const stats = service.stats();
    out.write([
      'SCIM Workbench: mock MURAL SCIM server',
      `  Tenant URL    ${url}`,
      // A token the operator gave is not printed: it would end up in CI logs. Only a generated one is shown.
      `  Secret Token  ${source ? `the one given with ${source === '--token' ? '--token' : `$${TOKEN_ENV}`}` : token}`,
      `  Directory     ${counted(stats.users, 'user')}, ${counted(stats.groups, 'workspace')}, ${values.data ? `kept in ${values.data}` : 'in memory (use --data FILE to keep it)'}`,
      'Entra: Enterprise app > Provisioning > Admin Credentials: paste the Tenant URL and Secret Token, then Test Connection.',
      `Entra's cloud cannot reach ${host}: forward the port through a public tunnel and use its https address with ${new URL(url).pathname}.`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'));
    // Request lines are written every 50 ms, not one by one: stdout to a pipe is synchronous on Linux, and a
    // write per request would cost more than answering it.
    let pending = '';
    const flush = () => { if (pending !== '') out.write(pending); pending = ''; };
    if (!values.quiet) {
      server.on('request', (e) => {
        if (pending === '') setTimeout(flush, 50);
        pending += `${time(e.time)} ${e.method} ${e.path} ${e.status} ${e.durationMs.toFixed(1)} ms\n`;
      });
    }

    await stopRequested;
    await server.stop();
    await service.close();
    flush();
    out.write('Stopped.\n');
    return 0;
  },
};
