// The Entra Provisioning view's job: which configuration, directory file and target it runs, the engine's state
// and the provisioning log, kept in the workspace storage so they survive Reload Window. One cycle at a time
// runs through src/entra/engine; the view hears of it at most twice a second, never per object.
//
// Storage (context.storageUri/entra-provisioning/): state.json is the engine's state (links, last values sent,
// watermark, escrows, quarantine, simulated clock), written atomically after every cycle, also a cancelled one;
// log.jsonl holds the provisioning log, one JSON line per cycle summary or entry, appended after each cycle and
// rewritten when it outgrows MAX_LOG_ENTRIES (the oldest cycles go first). The job's files and target are in the
// workspace state.
import { mkdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, HttpClient } from '../../client/http';
import { loadDirectory } from '../../entra/directory/load';
import type { EntraDirectory } from '../../entra/directory/model';
import { configurationFromText, muralDefaultEngineConfiguration, type ProvisioningConfiguration } from '../../entra/engine/config';
import { runCycle, type CycleProgress, type CycleResult, type CycleSummary, type KindStats } from '../../entra/engine/cycle';
import type { ProvisioningLogEntry } from '../../entra/engine/log';
import type { OnDemandSubject } from '../../entra/engine/onDemand';
import { allowStagedDeletions, newState, parseState, restartState, saveState, type EngineState } from '../../entra/engine/state';
import { httpTarget } from '../../entra/engine/target';

/**
 * Entries the log keeps (with their exchanges for small directories); older cycles are dropped whole, and a
 * single cycle keeps its first this many.
 */
export const MAX_LOG_ENTRIES = 20_000;
/** Directories up to this many users and groups keep every entry's HTTP exchanges; larger ones those of failures. */
export const EXCHANGES_FOR_ALL_UP_TO = 2_000;
/** Cycle summaries kept. */
const MAX_CYCLES = 200;
/** The view repaints at most this often while a cycle runs. */
export const REPAINT_MS = 500;

const SETTINGS_KEY = 'scimWorkbench.provisioningJob';

/** What the job runs: files as absolute paths, the target as a connection id (the mock's is "mock"). */
export interface JobSettings {
  readonly configurationFile?: string;
  readonly directoryFile?: string;
  readonly targetId?: string;
}

/** A cycle of the log: its summary (absent while it runs) and its entries, oldest first. */
export interface LoggedCycle {
  readonly id: string;
  summary?: CycleSummary;
  /** 1-based cycle number of the job; undefined for provision on demand. */
  readonly number?: number;
  readonly entries: ProvisioningLogEntry[];
  /** Entries past MAX_LOG_ENTRIES in this one cycle: counted in its statistics, not kept. */
  notKept?: number;
}

export interface Tally {
  created: number;
  updated: number;
  disabled: number;
  deleted: number;
  skipped: number;
  failed: number;
  staged: number;
}

/** The cycle running now. */
export interface RunningCycle {
  readonly number?: number;
  readonly kind: 'initial' | 'incremental' | 'onDemand';
  /** Entries so far, by outcome. */
  readonly tally: Tally;
  entries: number;
  /** The engine's last progress report (it reports every 500 objects and at each phase's end). */
  progress?: CycleProgress;
  /** Objects an initial cycle visits (users and groups): each gives one entry. */
  readonly total?: number;
}

/** The job's state as the view shows it. */
export type JobStatus =
  /** `restarted`: cycles ran before a restart (the links are kept). */
  | { readonly kind: 'notStarted'; readonly restarted: boolean }
  | { readonly kind: 'running'; readonly cycle: RunningCycle }
  | { readonly kind: 'idle'; readonly nextCycle: string }
  | { readonly kind: 'quarantined'; readonly reason: string; readonly error: string; readonly nextAttempt: string }
  | { readonly kind: 'paused'; readonly staged: number; readonly error: string }
  | { readonly kind: 'disabled'; readonly why: string };

export interface RunRequest {
  readonly directory: EntraDirectory;
  readonly configuration: ProvisioningConfiguration;
  readonly client: HttpClient;
  readonly connection: Connection;
  readonly timeoutMs: number;
  readonly deletionThreshold?: number;
  readonly onDemand?: OnDemandSubject;
  /** Stops the cycle after the objects in flight. */
  readonly signal: AbortSignal;
  /** Aborts the requests in flight too (the objects they were for are retried in the next cycle). */
  readonly requestSignal: AbortSignal;
  /** Called at most every REPAINT_MS with the running cycle (for a progress notification). */
  readonly onProgress?: (cycle: RunningCycle) => void;
}

const emptyTally = (): Tally => ({ created: 0, updated: 0, disabled: 0, deleted: 0, skipped: 0, failed: 0, staged: 0 });

function count(tally: Tally, e: ProvisioningLogEntry): void {
  const status = e.provisioningStatusInfo.status;
  if (e.provisioningAction === 'stagedDelete') tally.staged++;
  else if (status === 'failure') tally.failed++;
  else if (status === 'skipped') tally.skipped++;
  else if (e.provisioningAction === 'create') tally.created++;
  else if (e.provisioningAction === 'update') tally.updated++;
  else if (e.provisioningAction === 'disable') tally.disabled++;
  else if (e.provisioningAction === 'delete') tally.deleted++;
}

/** A cycle's statistics of one object type as a tally. */
export function kindTally(s: KindStats): Tally {
  return { created: s.create, updated: s.update, disabled: s.disable, deleted: s.delete, skipped: s.skipped, failed: s.failed, staged: 0 };
}

/** "3 created, 1 failed", or "no change". */
export function tallyText(t: Tally): string {
  const parts = ([['created', t.created], ['updated', t.updated], ['disabled', t.disabled], ['deleted', t.deleted], ['skipped', t.skipped], ['failed', t.failed], ['staged', t.staged]] as const)
    .filter(([, n]) => n > 0).map(([w, n]) => `${n.toLocaleString('en-US')} ${w}`);
  return parts.length ? parts.join(', ') : 'no change';
}

export class ProvisioningJob implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fired when the job, its state or its log changed (at most every REPAINT_MS while a cycle runs). */
  readonly onDidChange = this.emitter.event;
  private readonly dir: string;
  private loaded: Promise<void> | undefined;
  private engineState: EngineState | undefined;
  private readonly logged: LoggedCycle[] = [];
  private keptEntries = 0;
  private current: RunningCycle | undefined;
  private repaint: NodeJS.Timeout | undefined;

  /** `limits`: how much of the log is kept (defaults MAX_LOG_ENTRIES and MAX_CYCLES; tests use less). */
  constructor(private readonly context: vscode.ExtensionContext, private readonly limits: { readonly entries: number; readonly cycles: number } = { entries: MAX_LOG_ENTRIES, cycles: MAX_CYCLES }) {
    this.dir = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'entra-provisioning');
  }

  get settings(): JobSettings {
    return this.context.workspaceState.get<JobSettings>(SETTINGS_KEY, {});
  }

  async update(changes: Partial<Record<keyof JobSettings, string | undefined>>): Promise<void> {
    const next: Record<string, string | undefined> = { ...this.settings, ...changes };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    await this.context.workspaceState.update(SETTINGS_KEY, next);
    this.emitter.fire();
  }

  /** Where the state and the log are kept. */
  get storageFolder(): string {
    return this.dir;
  }

  private get stateFile(): string {
    return path.join(this.dir, 'state.json');
  }

  private get logFile(): string {
    return path.join(this.dir, 'log.jsonl');
  }

  /** Reads the state and the log from the storage once; a damaged file is set aside and reported, not fatal. */
  load(): Promise<void> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  private async read(): Promise<void> {
    const stateText = await readFile(this.stateFile, 'utf8').catch(() => undefined);
    if (stateText !== undefined) {
      try {
        this.engineState = parseState(stateText, this.stateFile);
      } catch (e) {
        await rm(this.stateFile, { force: true });
        void vscode.window.showWarningMessage(`The Entra provisioning job's state could not be read and was reset (the next cycle is an initial cycle): ${(e as Error).message}`);
      }
    }
    const logText = await readFile(this.logFile, 'utf8').catch(() => '');
    const byId = new Map<string, LoggedCycle>();
    for (const line of logText.split('\n')) {
      if (!line) continue;
      let record: { cycle?: CycleSummary & { number?: number; notKept?: number }; entry?: ProvisioningLogEntry };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        continue; // a line cut by a crash: the rest of the log is still good
      }
      if (record.entry) this.cycleFor(byId, record.entry.cycleId).entries.push(record.entry);
      else if (record.cycle) {
        const { number, notKept, ...summary } = record.cycle;
        const c = this.cycleFor(byId, summary.id, number);
        c.summary = summary;
        if (notKept) c.notKept = notKept;
      }
    }
    this.keptEntries = this.logged.reduce((n, c) => n + c.entries.length, 0);
    this.emitter.fire();
  }

  private cycleFor(byId: Map<string, LoggedCycle>, id: string, number?: number): LoggedCycle {
    let c = byId.get(id);
    if (!c) {
      c = { id, entries: [], ...(number !== undefined ? { number } : {}) };
      byId.set(id, c);
      this.logged.push(c);
    } else if (number !== undefined && c.number === undefined) {
      (c as { number?: number }).number = number;
    }
    return c;
  }

  /** The engine's state, undefined before the first cycle. */
  get state(): EngineState | undefined {
    return this.engineState;
  }

  get running(): RunningCycle | undefined {
    return this.current;
  }

  /** The log's cycles, newest first. */
  cycles(): readonly LoggedCycle[] {
    return [...this.logged].reverse();
  }

  newestCycle(): LoggedCycle | undefined {
    return this.logged[this.logged.length - 1];
  }

  /** The last finished cycle (not provision on demand). */
  lastCycle(): LoggedCycle | undefined {
    for (let i = this.logged.length - 1; i >= 0; i--) {
      const c = this.logged[i];
      if (c.summary && c.summary.kind !== 'onDemand') return c;
    }
    return undefined;
  }

  findEntry(id: string): ProvisioningLogEntry | undefined {
    for (const c of this.logged) {
      const e = c.entries.find((x) => x.id === id);
      if (e) return e;
    }
    return undefined;
  }

  status(): JobStatus {
    if (this.current) return { kind: 'running', cycle: this.current };
    const s = this.engineState;
    if (!s || s.cycles === 0) return { kind: 'notStarted', restarted: !!s && this.logged.some((c) => c.summary && c.summary.kind !== 'onDemand') };
    if (s.disabled) return { kind: 'disabled', why: s.disabled };
    const q = s.quarantine;
    if (q?.reason === 'TooManyDeletes') return { kind: 'paused', staged: this.lastCycle()?.summary?.stats.stagedDeletes ?? 0, error: q.error };
    if (q) return { kind: 'quarantined', reason: q.reason, error: q.error, nextAttempt: q.nextAttempt };
    return { kind: 'idle', nextCycle: s.clock };
  }

  /** Runs one cycle (or provision on demand) and keeps what it did; the state is saved also when it stopped early. */
  async run(request: RunRequest): Promise<CycleResult> {
    await this.load();
    if (this.current) throw new Error('A provisioning cycle is already running: wait for it, or cancel it from its notification.');
    let state = this.engineState;
    if (!state || (state.tenantUrl !== request.connection.tenantUrl && state.cycles === 0)) state = newState(request.connection.tenantUrl);
    // The mock's tenant URL follows its port; the links name its objects whatever the port.
    state.tenantUrl = request.connection.tenantUrl;
    const number = request.onDemand ? undefined : state.cycles + 1;
    const objects = request.directory.users.length + request.directory.groups.length;
    const initial = state.cycles === 0 || state.configuration !== request.configuration.fingerprint;
    const running: RunningCycle = {
      ...(number !== undefined ? { number } : {}),
      kind: request.onDemand ? 'onDemand' : initial ? 'initial' : 'incremental',
      tally: emptyTally(), entries: 0,
      ...(initial && !request.onDemand ? { total: objects } : {}),
    };
    const entries: ProvisioningLogEntry[] = [];
    let cycle: LoggedCycle | undefined;
    this.current = running;
    this.emitter.fire();
    const tick = () => {
      this.repaint = undefined;
      request.onProgress?.(running);
      this.emitter.fire();
    };
    const schedule = () => {
      this.repaint ??= setTimeout(tick, REPAINT_MS);
    };
    try {
      const result = await runCycle({
        directory: request.directory, configuration: request.configuration, state,
        target: httpTarget(request.client, request.connection, { signal: request.requestSignal, timeoutMs: request.timeoutMs }),
        signal: request.signal,
        keepExchanges: objects <= EXCHANGES_FOR_ALL_UP_TO ? 'all' : 'failures',
        retainEntries: false,
        ...(request.onDemand ? { onDemand: request.onDemand } : {}),
        ...(request.deletionThreshold ? { deletionThreshold: request.deletionThreshold } : {}),
        onEntry: (e) => {
          if (!cycle) {
            cycle = { id: e.cycleId, entries, ...(number !== undefined ? { number } : {}) };
            this.logged.push(cycle);
          }
          // One cycle of a large directory keeps its first entries up to the limit (and counts the rest).
          if (entries.length < this.limits.entries) entries.push(e);
          else cycle.notKept = (cycle.notKept ?? 0) + 1;
          running.entries++;
          count(running.tally, e);
          schedule();
        },
        onProgress: (p) => {
          running.progress = p;
          schedule();
        },
      });
      if (!cycle) {
        cycle = { id: result.cycle.id, entries, ...(number !== undefined ? { number } : {}) };
        this.logged.push(cycle);
      }
      cycle.summary = result.cycle;
      this.engineState = state;
      await this.persist(state, cycle);
      return { cycle: result.cycle, entries };
    } finally {
      if (this.repaint) clearTimeout(this.repaint);
      this.repaint = undefined;
      this.current = undefined;
      this.emitter.fire();
    }
  }

  /** Saves the state, appends the cycle to the log file (or rewrites it without the oldest cycles). */
  private async persist(state: EngineState, cycle: LoggedCycle): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await saveState(state, this.stateFile);
    this.keptEntries += cycle.entries.length;
    let dropped = false;
    while ((this.keptEntries > this.limits.entries || this.logged.length > this.limits.cycles) && this.logged.length > 1) {
      this.keptEntries -= this.logged.shift()?.entries.length ?? 0;
      dropped = true;
    }
    if (dropped) await writeFile(this.logFile, this.logged.map(lines).join(''), 'utf8');
    else await appendFile(this.logFile, lines(cycle), 'utf8');
  }

  /** Entra's Restart provisioning: the next cycle is initial; escrows and quarantine cleared, links kept. */
  async restart(): Promise<void> {
    await this.load();
    if (this.current) throw new Error('A provisioning cycle is running: cancel it before restarting.');
    if (!this.engineState) return;
    restartState(this.engineState);
    await mkdir(this.dir, { recursive: true });
    await saveState(this.engineState, this.stateFile);
    this.emitter.fire();
  }

  /** Entra's Allow deletes: the next cycle sends the staged deletions. */
  async allowDeletes(): Promise<void> {
    await this.load();
    if (!this.engineState) return;
    allowStagedDeletions(this.engineState);
    await mkdir(this.dir, { recursive: true });
    await saveState(this.engineState, this.stateFile);
    this.emitter.fire();
  }

  /** Forgets the state (links too: a new job) and, with `log`, the log. */
  async reset(log: boolean): Promise<void> {
    if (this.current) throw new Error('A provisioning cycle is running: cancel it first.');
    this.engineState = undefined;
    await rm(this.stateFile, { force: true });
    if (log) {
      this.logged.length = 0;
      this.keptEntries = 0;
      await rm(this.logFile, { force: true });
    }
    this.emitter.fire();
  }

  /** The configuration file's engine configuration, or MURAL Identity's default; throws ConfigurationError. */
  async configuration(): Promise<ProvisioningConfiguration> {
    const file = this.settings.configurationFile;
    if (!file) return muralDefaultEngineConfiguration();
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`Cannot read the provisioning configuration ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
    });
    return configurationFromText(text, vscode.workspace.asRelativePath(file));
  }

  /** The directory file, read now (it may have changed since the last cycle); throws DirectoryFileError. */
  directory(): Promise<EntraDirectory> {
    const file = this.settings.directoryFile;
    if (!file) throw new Error('No Entra directory file is chosen for the job.');
    return loadDirectory(file);
  }

  dispose(): void {
    if (this.repaint) clearTimeout(this.repaint);
    this.emitter.dispose();
  }
}

function lines(c: LoggedCycle): string {
  const out = c.entries.map((entry) => `${JSON.stringify({ entry })}\n`);
  if (c.summary) out.push(`${JSON.stringify({ cycle: { ...c.summary, ...(c.number !== undefined ? { number: c.number } : {}), ...(c.notKept ? { notKept: c.notKept } : {}) } })}\n`);
  return out.join('');
}
