// The Entra Provisioning view's job: which configuration, directory file and target it runs, the engine's state
// and the provisioning log, kept in the workspace storage so they survive Reload Window. One cycle at a time
// runs through src/entra/engine; the view hears of it at most twice a second, never per object.
//
// Storage (context.storageUri/entra-provisioning/): state.json is the engine's state (links, last values sent,
// watermark, escrows, quarantine, simulated clock), written atomically after every cycle, also a cancelled one;
// log/ holds the provisioning log: one file per cycle (<cycle id>.jsonl, one JSON line per entry, every entry,
// appended in batches while the cycle runs) and index.json (the finished cycles' summaries, entry counts and sizes,
// and how many older cycles were dropped), rewritten atomically after each cycle. Whole cycles are kept; the oldest
// go first when the log passes MAX_CYCLES or MAX_LOG_BYTES. Memory holds the first entries of each cycle only
// (the view's bound); filters and exports stream the files. log.jsonl, the single file of earlier versions, is
// migrated on the first load. The job's files and target are in the workspace state.
import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, HttpClient } from '../../client/http';
import { loadDirectory } from '../../entra/directory/load';
import type { EntraDirectory } from '../../entra/directory/model';
import { configurationFromText, muralDefaultEngineConfiguration, type ProvisioningConfiguration } from '../../entra/engine/config';
import { runCycle, type CycleProgress, type CycleResult, type CycleSummary, type KindStats } from '../../entra/engine/cycle';
import { outcomesText } from '../../entra/engine/format';
import type { ProvisioningLogEntry } from '../../entra/engine/log';
import type { OnDemandSubject } from '../../entra/engine/onDemand';
import { allowStagedDeletions, newState, parseState, restartState, saveState, type EngineState } from '../../entra/engine/state';
import { httpTarget } from '../../entra/engine/target';
import { counted, formatCount } from '../../scim/text';

/** Entries of one cycle held in memory and listed by the view; the cycle's file keeps them all. */
export const ENTRIES_SHOWN = 500;
/**
 * The newest cycles whose first entries stay in memory; older ones are read from their files when the view opens
 * them. All MAX_CYCLES cycles' first ENTRIES_SHOWN entries measured 1.6 s to read and ~265 MB of heap.
 */
export const CYCLES_IN_MEMORY = 10;
/**
 * Cycles the log keeps, as Entra's portal keeps 30 days of logs: at one cycle per 40 minutes about 5 days, and
 * every change of a longer run of manual cycles.
 */
export const MAX_CYCLES = 200;
/**
 * Bytes of log files kept: entries take about 2.6 KB when only failures keep their requests (docs/provisioning-engine.md),
 * so a 100,000-user initial cycle writes about 260 MB and three or four fit; the workspace storage is no place for more.
 */
export const MAX_LOG_BYTES = 1024 ** 3;
/** Directories up to this many users and groups keep every entry's HTTP exchanges; larger ones those of failures. */
export const EXCHANGES_FOR_ALL_UP_TO = 2_000;
/** Entries written to a cycle's file at once. */
const WRITE_BATCH = 200;
/** The view repaints at most this often while a cycle runs. */
export const REPAINT_MS = 500;

const SETTINGS_KEY = 'scimWorkbench.provisioningJob';

/** What the job runs: files as absolute paths, the target as a connection id (the mock's is "mock"). */
export interface JobSettings {
  readonly configurationFile?: string;
  readonly directoryFile?: string;
  readonly targetId?: string;
}

/** A cycle of the log: its summary (absent while it runs), its first entries (oldest first) and how many it has. */
export interface LoggedCycle {
  readonly id: string;
  summary?: CycleSummary;
  /** 1-based cycle number of the job; undefined for provision on demand. */
  readonly number?: number;
  /** The cycle's first entries, up to the display bound, for the newest cycles (none for older); its file holds all `total`. */
  entries: ProvisioningLogEntry[];
  /** Entries in the cycle's file. */
  total: number;
  /** Bytes of the cycle's file. */
  bytes: number;
  /** Entries counted in the statistics whose record is gone: cut by an earlier version (log.jsonl), or a removed file. */
  notKept?: number;
}

/** index.json: the finished cycles, oldest first, and how many older cycles were dropped. */
interface LogIndex {
  readonly dropped: number;
  readonly cycles: readonly (CycleSummary & { number?: number; total: number; bytes: number; notKept?: number })[];
}

/** What the limits of the log are (tests use small ones). */
export interface LogLimits {
  /** Entries of a cycle held in memory and listed by the view. */
  readonly entries: number;
  readonly cycles: number;
  readonly bytes?: number;
  /** The newest cycles that hold their entries in memory (CYCLES_IN_MEMORY by default). */
  readonly cyclesInMemory?: number;
}

/** Reads a JSON-lines file line by line; a line cut by a crash is skipped. */
async function* jsonLines<T>(file: string): AsyncGenerator<T> {
  // Opened first, so that a missing file throws here rather than in the stream.
  const stream = (await open(file, 'r')).createReadStream({ encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line) continue;
      let value: T;
      try {
        value = JSON.parse(line) as T;
      } catch {
        continue;
      }
      yield value;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Appends lines to a file in batches, one write at a time, so that memory holds one batch. */
class BatchWriter {
  private lines: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failed: Error | undefined;
  bytes = 0;

  constructor(private readonly file: string) {}

  add(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line);
    if (this.lines.length >= WRITE_BATCH) this.flush();
  }

  private flush(): void {
    if (!this.lines.length) return;
    const chunk = this.lines.join('');
    this.lines = [];
    this.writing = this.writing.then(() => appendFile(this.file, chunk, 'utf8')).catch((e: Error) => {
      this.failed ??= e;
    });
  }

  async close(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failed) throw new Error(`The provisioning log could not be written to ${this.file}: ${this.failed.message}`);
  }
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

/** How far a running cycle is: "1,200 of 2,020 objects" for an initial cycle, else "12 objects". */
export function doneText(c: RunningCycle): string {
  return c.total ? `${formatCount(Math.min(c.entries, c.total))} of ${counted(c.total, 'object')}` : counted(c.entries, 'object');
}

/** "3 created, 1 failed", or "no change". */
export function tallyText(t: Tally): string {
  return outcomesText([['created', t.created], ['updated', t.updated], ['disabled', t.disabled], ['deleted', t.deleted], ['skipped', t.skipped], ['failed', t.failed], ['staged', t.staged]]);
}

export class ProvisioningJob implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fired when the job, its state or its log changed (at most every REPAINT_MS while a cycle runs). */
  readonly onDidChange = this.emitter.event;
  private readonly dir: string;
  private loaded: Promise<void> | undefined;
  private engineState: EngineState | undefined;
  private readonly logged: LoggedCycle[] = [];
  /** Older cycles dropped to keep the log within its limits (since the log was last cleared). */
  private droppedCycles = 0;
  private current: RunningCycle | undefined;
  private repaint: NodeJS.Timeout | undefined;

  /** `limits`: how much of the log is held and kept (defaults ENTRIES_SHOWN, MAX_CYCLES, MAX_LOG_BYTES; tests use less). */
  constructor(private readonly context: vscode.ExtensionContext, private readonly limits: LogLimits = { entries: ENTRIES_SHOWN, cycles: MAX_CYCLES, bytes: MAX_LOG_BYTES }) {
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

  /** The single log file of earlier versions, migrated on load. */
  private get oldLogFile(): string {
    return path.join(this.dir, 'log.jsonl');
  }

  private get logDir(): string {
    return path.join(this.dir, 'log');
  }

  private get indexFile(): string {
    return path.join(this.logDir, 'index.json');
  }

  private cycleFile(id: string): string {
    return path.join(this.logDir, `${encodeURIComponent(id)}.jsonl`);
  }

  /** Entries of a cycle the view lists and memory holds. */
  get displayBound(): number {
    return this.limits.entries;
  }

  private get cyclesInMemory(): number {
    return this.limits.cyclesInMemory ?? CYCLES_IN_MEMORY;
  }

  /** Lets go of the entries of cycles older than the newest cyclesInMemory: the view reads those from their files. */
  private releaseOlderEntries(): void {
    for (let i = 0; i < this.logged.length - this.cyclesInMemory; i++) (this.logged[i] as LoggedCycle).entries = [];
  }

  /** Older cycles dropped to keep the log within its limits. */
  get dropped(): number {
    return this.droppedCycles;
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
    await this.migrate();
    const indexText = await readFile(this.indexFile, 'utf8').catch(() => undefined);
    let index: LogIndex = { dropped: 0, cycles: [] };
    if (indexText !== undefined) {
      try {
        index = JSON.parse(indexText) as LogIndex;
      } catch (e) {
        void vscode.window.showWarningMessage(`The Entra provisioning log's index could not be read and the log was cleared: ${(e as Error).message}`);
      }
    }
    this.droppedCycles = index.dropped;
    const firstInMemory = index.cycles.length - this.cyclesInMemory;
    for (const [i, { number, total, bytes, notKept, ...summary }] of index.cycles.entries()) {
      const entries: ProvisioningLogEntry[] = [];
      let gone = 0;
      try {
        if (total && i >= firstInMemory) {
          for await (const e of jsonLines<ProvisioningLogEntry>(this.cycleFile(summary.id))) {
            if (entries.length >= this.limits.entries) break;
            entries.push(e);
          }
        } else if (total) {
          await stat(this.cycleFile(summary.id));
        }
      } catch {
        // The cycle's file is gone (removed by hand): its entries are counted as not kept, never listed.
        gone = total;
        entries.length = 0;
      }
      const lost = (notKept ?? 0) + gone;
      this.logged.push({ id: summary.id, summary, entries, total: total - gone, bytes: gone ? 0 : bytes, ...(number !== undefined ? { number } : {}), ...(lost ? { notKept: lost } : {}) });
    }
    // A cycle's file without its summary was cut by a reload while it ran (its state was not saved either).
    const known = new Set(index.cycles.map((c) => path.basename(this.cycleFile(c.id))));
    for (const name of await readdir(this.logDir).catch(() => [] as string[])) {
      if (name.endsWith('.jsonl') && !known.has(name)) await rm(path.join(this.logDir, name), { force: true });
    }
    this.emitter.fire();
  }

  /** Moves log.jsonl (one line per entry or cycle summary, all cycles) into per-cycle files and index.json. */
  private async migrate(): Promise<void> {
    const exists = await stat(this.oldLogFile).then(() => true, () => false);
    if (!exists) return;
    // index.json written: a migration that ended before removing log.jsonl. Else one cut earlier starts over.
    if (await stat(this.indexFile).then(() => true, () => false)) {
      await rm(this.oldLogFile, { force: true });
      return;
    }
    await rm(this.logDir, { recursive: true, force: true });
    await mkdir(this.logDir, { recursive: true });
    const writers = new Map<string, BatchWriter>();
    const counts = new Map<string, number>();
    const cycles: (CycleSummary & { number?: number; total: number; bytes: number; notKept?: number })[] = [];
    for await (const record of jsonLines<{ cycle?: CycleSummary & { number?: number; notKept?: number }; entry?: ProvisioningLogEntry }>(this.oldLogFile)) {
      if (record.entry) {
        const id = record.entry.cycleId;
        let w = writers.get(id);
        if (!w) {
          w = new BatchWriter(this.cycleFile(id));
          writers.set(id, w);
        }
        w.add(`${JSON.stringify(record.entry)}\n`);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      } else if (record.cycle) {
        const w = writers.get(record.cycle.id);
        await w?.close();
        writers.delete(record.cycle.id);
        cycles.push({ ...record.cycle, total: counts.get(record.cycle.id) ?? 0, bytes: w?.bytes ?? 0 });
      }
    }
    for (const w of writers.values()) await w.close();
    await this.writeIndex({ dropped: 0, cycles });
    await rm(this.oldLogFile, { force: true });
  }

  private async writeIndex(index: LogIndex): Promise<void> {
    const tmp = `${this.indexFile}.tmp`;
    await writeFile(tmp, JSON.stringify(index), 'utf8');
    await rename(tmp, this.indexFile);
  }

  /**
   * A cycle's entries matching `keep`, read from its file in order, up to `limit`; `more` says whether others match
   * past it (the file is read no further than the first of them).
   */
  async matching(cycle: LoggedCycle, keep: (e: ProvisioningLogEntry) => boolean, limit: number): Promise<{ entries: ProvisioningLogEntry[]; more: boolean }> {
    const entries: ProvisioningLogEntry[] = [];
    if (cycle.total <= cycle.entries.length) {
      const all = cycle.entries.filter(keep);
      return { entries: all.slice(0, limit), more: all.length > limit };
    }
    for await (const e of jsonLines<ProvisioningLogEntry>(this.cycleFile(cycle.id))) {
      if (!keep(e)) continue;
      if (entries.length >= limit) return { entries, more: true };
      entries.push(e);
    }
    return { entries, more: false };
  }

  /** Every kept entry of a cycle, streamed from its file. */
  async *allEntries(cycle: LoggedCycle): AsyncGenerator<ProvisioningLogEntry> {
    if (cycle.total <= cycle.entries.length) {
      yield* cycle.entries;
      return;
    }
    yield* jsonLines<ProvisioningLogEntry>(this.cycleFile(cycle.id));
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
    let writer: BatchWriter | undefined;
    await mkdir(this.logDir, { recursive: true });
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
            cycle = { id: e.cycleId, entries, total: 0, bytes: 0, ...(number !== undefined ? { number } : {}) };
            this.logged.push(cycle);
            writer = new BatchWriter(this.cycleFile(e.cycleId));
          }
          // Every entry goes to the cycle's file; memory holds the first ones, which the view lists.
          writer?.add(`${JSON.stringify(e)}\n`);
          cycle.total++;
          if (entries.length < this.limits.entries) entries.push(e);
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
        cycle = { id: result.cycle.id, entries, total: 0, bytes: 0, ...(number !== undefined ? { number } : {}) };
        this.logged.push(cycle);
      }
      await writer?.close();
      cycle.bytes = writer?.bytes ?? 0;
      cycle.summary = result.cycle;
      this.releaseOlderEntries();
      this.engineState = state;
      await this.persist(state);
      return { cycle: result.cycle, entries };
    } catch (e) {
      // A cycle that threw is not logged: its file goes, as its state was not saved.
      await writer?.close().catch(() => undefined);
      if (cycle && !cycle.summary) {
        this.logged.splice(this.logged.indexOf(cycle), 1);
        await rm(this.cycleFile(cycle.id), { force: true });
      }
      throw e;
    } finally {
      if (this.repaint) clearTimeout(this.repaint);
      this.repaint = undefined;
      this.current = undefined;
      this.emitter.fire();
    }
  }

  /** Saves the state and the log's index, dropping the oldest whole cycles while the log is over its limits. */
  private async persist(state: EngineState): Promise<void> {
    await this.writeState(state);
    const maxBytes = this.limits.bytes ?? MAX_LOG_BYTES;
    let bytes = this.logged.reduce((n, c) => n + c.bytes, 0);
    while ((this.logged.length > this.limits.cycles || bytes > maxBytes) && this.logged.length > 1) {
      const old = this.logged.shift();
      if (!old) break;
      bytes -= old.bytes;
      this.droppedCycles++;
      await rm(this.cycleFile(old.id), { force: true });
    }
    await this.writeIndex({
      dropped: this.droppedCycles,
      cycles: this.logged.flatMap((c) => (c.summary ? [{ ...c.summary, ...(c.number !== undefined ? { number: c.number } : {}), total: c.total, bytes: c.bytes, ...(c.notKept ? { notKept: c.notKept } : {}) }] : [])),
    });
  }

  private async writeState(state: EngineState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await saveState(state, this.stateFile);
  }

  /** Entra's Restart provisioning: the next cycle is initial; escrows and quarantine cleared, links kept. */
  async restart(): Promise<void> {
    await this.load();
    if (this.current) throw new Error('A provisioning cycle is running: cancel it before restarting.');
    if (!this.engineState) return;
    restartState(this.engineState);
    await this.writeState(this.engineState);
    this.emitter.fire();
  }

  /** Entra's Allow deletes: the next cycle sends the staged deletions. */
  async allowDeletes(): Promise<void> {
    await this.load();
    if (!this.engineState) return;
    allowStagedDeletions(this.engineState);
    await this.writeState(this.engineState);
    this.emitter.fire();
  }

  /** Forgets the state (links too: a new job) and, with `log`, the log. */
  async reset(log: boolean): Promise<void> {
    if (this.current) throw new Error('A provisioning cycle is running: cancel it first.');
    this.engineState = undefined;
    await rm(this.stateFile, { force: true });
    if (log) {
      this.logged.length = 0;
      this.droppedCycles = 0;
      await rm(this.logDir, { recursive: true, force: true });
      await rm(this.oldLogFile, { force: true });
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
