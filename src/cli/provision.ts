// scim-workbench provision: Entra's provisioning engine, offline — the cycles Entra would run for a directory
// file against a SCIM endpoint, with provisioning logs shaped like Entra's. The state (links, last values,
// escrows) lives in a --state file, so a second run is an incremental cycle.
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { HttpClient } from '../client/http';
import { MURAL_TENANT_URL } from '../client/tenantUrl';
import { DirectoryFileError, loadDirectory } from '../entra/directory/load';
import { ConfigurationError, configurationFromText, muralDefaultEngineConfiguration, type ProvisioningConfiguration } from '../entra/engine/config';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRY_AFTER_SECONDS, DEFAULT_MEMBER_BATCH, RETRY_ATTEMPTS, runCycle, type CycleProgress, type CycleSummary } from '../entra/engine/cycle';
import { cycleLine, formatJson, LOG_FORMATS, LogWriter, nextLine, runFailed, type LogFormat } from '../entra/engine/format';
import type { ProvisioningLogEntry } from '../entra/engine/log';
import { allowStagedDeletions, newState, parseState, restartState, saveState, StateFileError, type EngineState } from '../entra/engine/state';
import { onDemandSubject, OnDemandError } from '../entra/engine/onDemand';
import { httpTarget } from '../entra/engine/target';
import { counted, formatCount } from '../scim/text';
import { endpointOptions, TOKEN_ENV, type CheckIo } from './check';
import { CliError, interruptHandler, oneOf, parseOptions, parseTimeout, wholeNumber, type CliCommand } from './command';

const HELP = `Usage: scim-workbench provision --directory <file> --url <tenant URL> [--token T] [options]

Runs Microsoft Entra's provisioning cycles offline: the users and groups of an Entra directory file (see
"scim-workbench sample-directory") are provisioned to a SCIM endpoint the way Entra's provisioning service does
it, with the attribute mappings of --config (default: MURAL Identity's) — per object Import, Determine if in scope, Match (a
filtered GET on the matching attribute) and Perform action (create, update only what changed, disable through
IsSoftDeleted, delete, or skip with Entra's reason); users first, then groups, then memberships. Requests have
Entra's exact shapes (the ?aadOptscim062020 flag on the tenant URL switches to its RFC-compliant PATCHes). The
provisioning log is printed with Entra's actions, statuses, error codes and steps.

Options:
  --directory FILE       The Entra directory file (users, groups, assignments, scope)
  --url URL              The tenant URL (SCIM base), e.g. ${MURAL_TENANT_URL}
  --token TOKEN          The secret token. Better: set ${TOKEN_ENV} instead
  --auth bearer|apikey   How the token is sent (default bearer, as Entra sends it)
  --config FILE          A provisioning configuration file: Graph's synchronizationSchema as Entra downloads it
                         (Attribute mapping → Review your schema → Download), with its mappings, matching
                         attributes, target object actions and scoping filters. Default: MURAL Identity's
                         default configuration
  --state FILE           Keep the job's state (links, last values sent, escrowed failures) in FILE: the first run
                         is the initial cycle, later runs are incremental cycles that process only what changed
                         in the directory file, plus the failures Entra retries. Without it every run is initial.
  --cycles N             Run N cycles back to back, reading the directory file before each (default 1)
  --on-demand WHO        Provision on demand: only the user (object id, userPrincipalName or mail) or group (id
                         or name, up to 5 members) named, whatever changed, with Entra's default PATCH shapes (the
                         ?aadOptscim062020 flag does not apply on demand); the job's schedule is left alone
  --dry-run              Decide and print the requests without sending writes (the matching GETs still go out);
                         the state file is not changed
  --deletion-threshold N Prevent accidental deletions: a cycle that would disable or delete more than N objects
                         stages them (StagedDelete) and quarantines the job until they are allowed
  --skip-out-of-scope-deletions
                         Entra's SkipOutOfScopeDeletions job secret: users leaving scope are not disabled
  --allow-deletes        Allow the staged deletions: the next cycle sends them (Entra's "Allow deletes")
  --restart              Restart provisioning first: an initial cycle, escrows and quarantine cleared, links kept
  --member-batch N       Members per group PATCH (default ${DEFAULT_MEMBER_BATCH}; Entra does not document its own)
  --concurrency N        Objects in flight at once (default ${DEFAULT_CONCURRENCY}; Entra does not document its own)
  --max-retry-after S    A 429 or 503 whose Retry-After is at most S seconds is sent again after that wait (up to
                         ${RETRY_ATTEMPTS} times) within the cycle; longer waits fail the object until the next cycle.
                         Default ${DEFAULT_MAX_RETRY_AFTER_SECONDS}; 0 never waits
  --exchanges WHICH      Which log entries keep the HTTP exchanges they caused: all (default), failures or none
                         (for large directories: the log then holds the decisions only)
  --format FORMAT        text (default), json ({"cycles":[…],"entries":[…]}, entries shaped like Graph's
                         provisioningObjectSummary) or csv (one row per log entry)
  --output FILE          Write the log to FILE; stdout then gets one line per cycle
  --timeout MS           Time allowed per request (default 30000)
  --insecure             Accept any TLS certificate (self-signed test servers)
  -h, --help             This help

Cycles run back to back on a simulated clock: 40 minutes apart, or at the quarantine's backoff (6 h, 12 h, 24 h,
then daily; disabled after 28 days). Refused credentials quarantine at once; so do 2 cycles in a row in which every
export failed, and Entra's escrow thresholds (from 5,000 failures: over 40 % of events, or over 40,000).
Two lines per cycle go to stderr; on a terminal, with --output or --format json, a progress line too.
Ctrl-C stops after the object in progress; the state stays consistent.
Exit code: 0 when no object failed, 1 when one failed, a cycle stopped early or the job is quarantined, 2 for
usage errors.`;

async function writableDir(io: CheckIo, flag: string, file: string): Promise<string> {
  const path = resolve(io.cwd, file);
  if (!(await stat(dirname(path)).catch(() => undefined))?.isDirectory()) throw new CliError(`--${flag} ${file}: its directory does not exist.`);
  return path;
}

/** The engine's configuration from a provisioning configuration file; a usage error lists what is wrong with it. */
async function readConfiguration(file: string): Promise<ProvisioningConfiguration> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read the configuration ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
  });
  try {
    return configurationFromText(text, file);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new CliError(e.message);
    throw e;
  }
}

async function readState(file: string, tenantUrl: string): Promise<EngineState> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read the state file ${file}: ${e.message}`);
  });
  if (text === undefined) return newState(tenantUrl);
  let state: EngineState;
  try {
    state = parseState(text, file);
  } catch (e) {
    if (e instanceof StateFileError) throw new CliError(e.message);
    throw e;
  }
  if (state.tenantUrl !== tenantUrl) {
    throw new CliError(`The state file ${file} belongs to ${state.tenantUrl}, not ${tenantUrl}: its links name objects of that endpoint. Use another --state file, or delete this one to start with an initial cycle.`);
  }
  return state;
}

/**
 * V8 lets the heap grow to up to 4× the data that survived the last full GC when its budget is large (Node's
 * default on a machine with a few GiB): a cycle of 100k users keeps ~150 MiB of directory and state alive
 * and allocates fast, so the process grew past 600 MiB of mostly garbage. V8 reads the growing factor at each
 * GC, so setting it here takes effect; 2× cost no measurable CPU in a 20k-user cycle and took its peak RSS
 * from 256 to ~185 MiB (bench/provision.mjs).
 */
function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}

export function createProvisionCommand(io: CheckIo): CliCommand {
  return {
    name: 'provision',
    summary: 'Run Entra\'s provisioning cycles for a directory file against a SCIM endpoint, with Entra\'s logs',
    help: HELP,
    async run(args: string[]): Promise<number> {
      const { values } = parseOptions('provision', args, {
        directory: { type: 'string' },
        config: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        auth: { type: 'string', default: 'bearer' },
        state: { type: 'string' },
        cycles: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'member-batch': { type: 'string' },
        concurrency: { type: 'string' },
        exchanges: { type: 'string', default: 'all' },
        'max-retry-after': { type: 'string' },
        'deletion-threshold': { type: 'string' },
        'allow-deletes': { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        'skip-out-of-scope-deletions': { type: 'boolean', default: false },
        'on-demand': { type: 'string' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        timeout: { type: 'string' },
        insecure: { type: 'boolean', default: false },
      });
      if (!values.directory) throw new CliError('Give the Entra directory file with --directory (write one with "scim-workbench sample-directory --output FILE").');
      const connection = endpointOptions('provision', values, io.env);
      const { tenantUrl } = connection;
      const format = oneOf<LogFormat>('format', values.format as string, LOG_FORMATS);
      const cycles = wholeNumber('cycles', values.cycles, 1, 100, 1);
      const memberBatchSize = wholeNumber('member-batch', values['member-batch'], 1, 1000, DEFAULT_MEMBER_BATCH);
      const concurrency = wholeNumber('concurrency', values.concurrency, 1, 256, DEFAULT_CONCURRENCY);
      const keepExchanges = oneOf('exchanges', values.exchanges as string, ['all', 'failures', 'none'] as const);
      const deletionThreshold = wholeNumber('deletion-threshold', values['deletion-threshold'], 1, 10_000_000, undefined);
      const timeoutMs = values.timeout !== undefined ? parseTimeout(values.timeout) : undefined;
      const maxRetryAfterSeconds = wholeNumber('max-retry-after', values['max-retry-after'], 0, 3600, DEFAULT_MAX_RETRY_AFTER_SECONDS);
      const dryRun = values['dry-run'] === true;
      if (dryRun && cycles > 1) throw new CliError('--dry-run runs one cycle: later cycles would build on writes that were not sent.');
      const onDemand = values['on-demand'];
      if (onDemand !== undefined && cycles > 1) throw new CliError('--on-demand provisions one object once: leave out --cycles.');
      const directoryFile = resolve(io.cwd, values.directory);
      const stateFile = values.state !== undefined ? await writableDir(io, 'state', values.state) : undefined;
      const outFile = values.output !== undefined ? await writableDir(io, 'output', values.output) : undefined;
      const state = stateFile ? await readState(stateFile, tenantUrl) : newState(tenantUrl);
      if (values.restart) restartState(state);
      if (values['allow-deletes']) allowStagedDeletions(state);
      const configuration = values.config !== undefined ? await readConfiguration(resolve(io.cwd, values.config)) : muralDefaultEngineConfiguration();

      // A large cycle runs for minutes: on a terminal, when the log does not scroll by on it, a line that says how far
      // it is, rewritten in place and cleared before anything else goes to stderr.
      let progressShown = false;
      const showProgress = io.stderr.isTTY === true && (outFile !== undefined || format === 'json');
      const onProgress = (p: CycleProgress) => {
        io.stderr.write(`\r${p.phase[0].toUpperCase()}${p.phase.slice(1)}: ${formatCount(p.done)} of ${formatCount(p.total)}\x1b[K`);
        progressShown = true;
      };
      const endProgress = () => {
        if (progressShown) io.stderr.write('\r\x1b[K');
        progressShown = false;
      };
      const abort = new AbortController();
      const release = io.onInterrupt?.(() => {
        endProgress();
        io.stderr.write('Interrupted: stopping after the object in progress…\n');
        abort.abort();
      });
      const client = new HttpClient(values.insecure ? { strictSSL: false } : {});
      const target = httpTarget(client, connection, { signal: abort.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      const summaries: CycleSummary[] = [];
      const entries: ProvisioningLogEntry[] = [];
      // Text and CSV are written as entries come (a large cycle's log is never held); JSON at the end.
      const out = outFile ? createWriteStream(outFile, 'utf8') : undefined;
      const opened = out ? new Promise<void>((ok, failed) => out.once('open', () => ok()).once('error', failed)) : undefined;
      await opened?.catch((e: Error) => {
        throw new CliError(`Cannot write the log to ${values.output}: ${e.message}`);
      });
      // To a file, entries go out in chunks of about 64 KiB: a write per entry cost more CPU than the entry itself.
      let pending = '';
      const flush = () => {
        if (pending) out?.write(pending);
        pending = '';
      };
      const write = (s: string) => {
        if (!out) return void io.stdout.write(s);
        pending += s;
        if (pending.length >= 64 * 1024) flush();
      };
      const writer = format === 'json' ? undefined : new LogWriter(format, write);
      let count = 0;
      try {
        for (let i = 0; i < cycles && !abort.signal.aborted; i++) {
          let directory;
          try {
            directory = await loadDirectory(directoryFile);
          } catch (e) {
            if (e instanceof DirectoryFileError) throw new CliError(e.message);
            throw e;
          }
          let subject;
          try {
            subject = onDemand !== undefined ? onDemandSubject(directory, onDemand) : undefined;
          } catch (e) {
            if (e instanceof OnDemandError) throw new CliError(`--on-demand: ${e.message}`);
            throw e;
          }
          const result = await runCycle({
            ...(subject ? { onDemand: subject } : {}),
            directory, configuration, state, target, dryRun, memberBatchSize, concurrency, keepExchanges, maxRetryAfterSeconds, signal: abort.signal,
            retainEntries: writer === undefined,
            skipOutOfScopeDeletions: values['skip-out-of-scope-deletions'] === true,
            onEntry: (e) => {
              count++;
              writer?.entry(e);
            },
            ...(deletionThreshold !== undefined ? { deletionThreshold } : {}),
            ...(showProgress ? { onProgress } : {}),
          });
          endProgress();
          summaries.push(result.cycle);
          entries.push(...result.entries);
          writer?.cycle(result.cycle);
          flush();
          if (stateFile && !dryRun) await saveState(state, stateFile);
          io.stderr.write(`${cycleLine(result.cycle)}\n${nextLine(result.cycle)}\n`);
          if (result.cycle.stopped || state.disabled) break;
        }
      } finally {
        endProgress();
        release?.();
        await client.close();
        flush();
        if (!writer) (out ?? io.stdout).write(formatJson({ cycles: summaries, entries }));
        if (out) await new Promise<void>((ok, failed) => out.end(() => ok()).once('error', failed));
      }
      if (outFile) {
        io.stdout.write(`${counted(count, 'log entry', 'log entries')} written to ${values.output}.${stateFile && !dryRun ? ` Next cycle at ${state.clock} (simulated).` : ''}\n`);
      }
      return runFailed(summaries) ? 1 : 0;
    },
  };
}

const command = createProvisionCommand({
  stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), onInterrupt: interruptHandler,
});

/** The command as the scim-workbench binary runs it: its own process, so the heap setting concerns it alone. */
export const provisionCommand: CliCommand = {
  ...command,
  run(args: string[]): Promise<number> {
    limitHeapGrowth();
    return command.run(args);
  },
};
