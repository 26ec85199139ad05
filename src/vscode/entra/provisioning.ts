// The Entra Provisioning view and its commands: Start Provisioning, Run Next Cycle, Restart Provisioning,
// Provision on Demand…, Allow Staged Deletions, Export Entra Provisioning Logs…, and the job's files and target.
// Cycles run behind a cancellable progress notification with counts; a cancelled cycle stops after the objects in
// flight and its state is saved as it is (src/entra/engine/cycle.ts keeps it consistent after every object).
// Writes to a saved connection are confirmed in a modal naming the endpoint, every time, as the Directory's remote
// writes are (src/vscode/connections/remoteWrites.ts). In an untrusted workspace nothing runs: the directory and
// configuration files would decide what is written with the user's stored tokens.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EntraDirectory } from '../../entra/directory/model';
import { DirectoryFileError } from '../../entra/directory/load';
import { ConfigurationError } from '../../entra/engine/config';
import type { CycleResult } from '../../entra/engine/cycle';
import { LogWriter } from '../../entra/engine/format';
import type { ProvisioningLogEntry } from '../../entra/engine/log';
import { ON_DEMAND_GROUP_MEMBERS, onDemandSubject, OnDemandError, type OnDemandSubject } from '../../entra/engine/onDemand';
import { counted } from '../../scim/text';
import type { Commands } from '../commands';
import { provisioningDeletionThreshold, requestTimeoutMs } from '../config';
import { ReadOnlyDocuments } from '../connections/documents';
import type { ConnectionService, Target } from '../connections/service';
import { MOCK_CONNECTION_ID } from '../connections/store';
import { refuseUntrusted } from '../trust';
import { ACTION_LABEL, entryMarkdown, onDemandMarkdown, STATUS_LABEL } from './entryMarkdown';
import { doneText, kindTally, ProvisioningJob, tallyText, type RunningCycle } from './provisioningJob';
import { filterText, matches, NO_FILTER, ProvisioningTreeProvider, VIEW_ID, type LogFilter } from './provisioningView';
import { newSampleDirectory } from './sampleDirectory';

export const ENTRY_SCHEME = 'scim-provisioning';
const CONFIGURED_CONTEXT = 'scimWorkbench.provisioningConfigured';
const UNTRUSTED = 'This workspace is not trusted, so SCIM Workbench does not run provisioning from its directory and configuration files (they decide what is written to your endpoints with your stored tokens). Trust the workspace to provision.';
/** How long requests in flight may take to finish after Cancel before they are aborted. */
const CANCEL_GRACE_MS = 5_000;
/** Users and groups offered by Provision on Demand…; any other is typed in. */
const ON_DEMAND_PICKS = 5_000;

export interface ProvisioningFeature {
  readonly job: ProvisioningJob;
  readonly tree: ProvisioningTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  /** The rendered documents (log entries, on-demand results), for tests. */
  readonly documents: ReadOnlyDocuments;
}

const ACTIONS: readonly ProvisioningLogEntry['provisioningAction'][] = ['create', 'update', 'disable', 'delete', 'stagedDelete', 'other'];
const STATUSES: readonly ProvisioningLogEntry['provisioningStatusInfo']['status'][] = ['success', 'failure', 'skipped', 'warning'];

function isLogFilter(v: unknown): v is LogFilter {
  return typeof v === 'object' && v !== null && Array.isArray((v as LogFilter).actions) && Array.isArray((v as LogFilter).statuses) && typeof (v as LogFilter).identity === 'string';
}

class ProvisioningCommands {
  constructor(
    private readonly job: ProvisioningJob,
    private readonly tree: ProvisioningTreeProvider,
    private readonly connections: ConnectionService,
    private readonly documents: ReadOnlyDocuments,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  private get entryUri(): vscode.Uri {
    return vscode.Uri.from({ scheme: ENTRY_SCHEME, path: '/Provisioning log entry.md' });
  }

  // --- the job's files and target ------------------------------------------------------------------------

  async chooseDirectory(arg?: unknown): Promise<string | undefined> {
    let file = arg instanceof vscode.Uri ? arg.fsPath : undefined;
    if (!file) {
      type Item = vscode.QuickPickItem & { file?: string; action?: 'new' | 'browse' };
      const found = await vscode.workspace.findFiles('**/*.entra-directory.json', '**/node_modules/**', 200);
      const items: Item[] = found.map((u) => ({ label: `$(organization) ${path.basename(u.fsPath)}`, description: vscode.workspace.asRelativePath(u), file: u.fsPath }));
      items.push(
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: '$(new-file) New Sample Entra Directory…', detail: 'A realistic directory, with the users MURAL turns away and Entra skips', action: 'new' },
        { label: '$(folder-opened) Browse…', detail: 'Any Entra directory file, or a Graph list answer ({"value": […]})', action: 'browse' },
      );
      const pick = await vscode.window.showQuickPick(items, { title: 'Entra Provisioning: directory file', placeHolder: 'The Entra users and groups to provision' });
      if (!pick) return undefined;
      if (pick.action === 'new') file = (await newSampleDirectory())?.fsPath;
      else if (pick.action === 'browse') file = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Entra directory': ['json'] }, title: 'Entra directory file' }))?.[0]?.fsPath;
      else file = pick.file;
    }
    if (!file) return undefined;
    const before = this.job.settings.directoryFile;
    if (before && before !== file && this.job.state && this.job.state.cycles > 0) {
      const keep = 'Keep the Job';
      const fresh = 'Start a New Job';
      const choice = await vscode.window.showWarningMessage(`Provision from ${path.basename(file)} instead of ${path.basename(before)}?`, {
        modal: true,
        detail: 'Keep the Job: the next cycle compares the new file with what was provisioned, so objects missing from it are deleted in the target, as users hard-deleted in Entra are. Start a New Job: the links to the objects provisioned so far are forgotten and the next cycle is an initial cycle that matches objects again.',
      }, keep, fresh);
      if (!choice) return undefined;
      if (choice === fresh) await this.job.reset(false);
    }
    await this.job.update({ directoryFile: file });
    return file;
  }

  async chooseConfiguration(arg?: unknown): Promise<string | undefined> {
    let file: string | undefined = arg instanceof vscode.Uri ? arg.fsPath : arg === 'default' ? '' : undefined;
    if (file === undefined) {
      type Item = vscode.QuickPickItem & { file?: string; browse?: true };
      const found = await vscode.workspace.findFiles('**/*.provisioning.json', '**/node_modules/**', 200);
      const items: Item[] = [
        { label: '$(symbol-property) MURAL Identity (default mappings)', detail: 'The mappings Entra\'s MURAL Identity gallery app starts with', file: '' },
        ...found.map((u) => ({ label: `$(file) ${path.basename(u.fsPath)}`, description: vscode.workspace.asRelativePath(u), file: u.fsPath })),
        { label: '$(folder-opened) Browse…', detail: 'A provisioning configuration file (Graph\'s synchronizationSchema, as Entra downloads it)', browse: true },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Entra Provisioning: configuration', placeHolder: 'The attribute mappings, matching attributes and scoping filters' });
      if (!pick) return undefined;
      file = pick.browse ? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Provisioning configuration': ['json'] }, title: 'Provisioning configuration file' }))?.[0]?.fsPath : pick.file;
      if (file === undefined) return undefined;
    }
    await this.job.update({ configurationFile: file || undefined });
    return file;
  }

  async chooseTarget(arg?: unknown): Promise<string | undefined> {
    const id = typeof arg === 'string' ? arg : await this.connections.pick({ title: 'Entra Provisioning: target', placeHolder: 'Where Entra\'s requests go', preselect: this.job.settings.targetId ?? MOCK_CONNECTION_ID });
    if (!id) return undefined;
    const before = this.job.settings.targetId;
    if (before && before !== id && this.job.state) {
      const name = this.connections.store.info(id)?.name ?? id;
      const choice = await vscode.window.showWarningMessage(`Provision to ${name} instead?`, {
        modal: true,
        detail: `A new target is a new job: the links to the objects provisioned on ${this.connections.store.info(before)?.name ?? before} are forgotten and the next cycle is an initial cycle. The log is kept.`,
      }, 'Change Target');
      if (choice !== 'Change Target') return undefined;
      await this.job.reset(false);
    }
    await this.job.update({ targetId: id });
    return id;
  }

  // --- cycles ----------------------------------------------------------------------------------------------

  /** Everything a cycle needs, or undefined after saying what is missing or wrong. */
  private async prepare(): Promise<{ directory: EntraDirectory; target: Target } | undefined> {
    if (await refuseUntrusted(UNTRUSTED)) return undefined;
    await this.job.load();
    if (this.job.running) {
      void vscode.window.showInformationMessage('A provisioning cycle is already running: wait for it, or cancel it from its notification.');
      return undefined;
    }
    if (!this.job.settings.directoryFile && !(await this.chooseDirectory())) return undefined;
    if (!this.job.settings.targetId && !(await this.chooseTarget())) return undefined;
    const directory = await this.readDirectory();
    if (!directory) return undefined;
    const target = await this.connections.use(this.job.settings.targetId as string, 'start');
    if (!target) return undefined;
    return { directory, target };
  }

  private async readDirectory(): Promise<EntraDirectory | undefined> {
    try {
      return await this.job.directory();
    } catch (e) {
      if (!(e instanceof DirectoryFileError)) throw e;
      this.output.error(`Entra provisioning: the directory file cannot be used:\n${e.message}`);
      const p = e.problems[0];
      const first = `${vscode.workspace.asRelativePath(e.file)}${p?.path ? `: ${p.path}` : ''}: ${p?.message ?? e.message}`;
      const more = e.problems.length > 1 ? ` (and ${counted(e.problems.length - 1, 'more problem')}: see the output)` : '';
      void vscode.window.showErrorMessage(`The directory file cannot be used: ${first}${more}`, 'Open Directory File', 'Show Output').then((c) => {
        if (c === 'Show Output') this.output.show(true);
        else if (c) void vscode.window.showTextDocument(vscode.Uri.file(e.file));
      });
      return undefined;
    }
  }

  /** Writing to a real endpoint: a modal naming it, every time. */
  private async confirmWrites(target: Target, what: string): Promise<boolean> {
    if (target.id === MOCK_CONNECTION_ID) return true;
    const choice = await vscode.window.showWarningMessage(`${what} to ${target.name}?`, {
      modal: true,
      detail: `This sends Entra's requests to ${target.name} (${target.connection.tenantUrl}): users and groups are created, updated, disabled and deleted there as the directory file and the mappings say. Nothing is undone afterwards.`,
    }, 'Provision');
    return choice === 'Provision';
  }

  /** Runs one cycle (or provision on demand) behind a cancellable notification; undefined when it did not run. */
  private async run(what: string, subject?: OnDemandSubject): Promise<CycleResult | undefined> {
    const ready = await this.prepare();
    if (!ready) return undefined;
    let configuration;
    try {
      configuration = await this.job.configuration();
    } catch (e) {
      if (!(e instanceof ConfigurationError)) throw e;
      this.output.error(`Entra provisioning: the configuration cannot be used:\n${e.message}`);
      void vscode.window.showErrorMessage(`The provisioning configuration cannot be used: ${e.message.split('\n')[0]}`, 'Show Output').then((c) => {
        if (c) this.output.show(true);
      });
      return undefined;
    }
    if (!(await this.confirmWrites(ready.target, subject ? `Provision ${subject.label} on demand` : what))) return undefined;
    const client = await this.connections.network.clientFor('Entra provisioning');
    if (!client) return undefined;
    const title = subject ? `Provision on demand: ${subject.label}` : `Entra provisioning to ${ready.target.name}`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      // Cancel stops taking objects at once; the requests in flight get a grace period to finish, so that what
      // the endpoint did is in the state, and are aborted after it (an endpoint that hangs does not hold the cycle).
      const stop = new AbortController();
      const requests = new AbortController();
      let grace: NodeJS.Timeout | undefined;
      const cancel = token.onCancellationRequested(() => {
        stop.abort();
        grace = setTimeout(() => requests.abort(), CANCEL_GRACE_MS);
      });
      let reported = 0;
      const threshold = provisioningDeletionThreshold();
      const report = (c: RunningCycle) => {
        const pct = c.total ? Math.min(100, (c.entries / c.total) * 100) : 0;
        progress.report({ message: progressMessage(c), increment: Math.max(0, pct - reported) });
        reported = Math.max(reported, pct);
      };
      try {
        return await this.job.run({
          directory: ready.directory, configuration, client, connection: ready.target.connection, timeoutMs: requestTimeoutMs(),
          signal: stop.signal, requestSignal: requests.signal, onProgress: report,
          ...(subject ? { onDemand: subject } : {}),
          ...(threshold !== undefined ? { deletionThreshold: threshold } : {}),
        });
      } finally {
        cancel.dispose();
        clearTimeout(grace);
      }
    });
  }

  /** Start Provisioning and Run Next Cycle: the next cycle (the initial one when none ran), then one line of outcome. */
  async cycle(what: string): Promise<CycleResult | undefined> {
    const result = await this.run(what);
    if (!result) return undefined;
    const c = result.cycle;
    const s = c.stats;
    const failed = s.users.failed + s.groups.failed + s.memberships.failed;
    const members = s.memberships.failed ? `; memberships of ${counted(s.memberships.failed, 'group')} failed` : '';
    const line = `${c.kind === 'initial' ? 'Initial' : 'Incremental'} cycle ${this.job.state?.cycles ?? ''}: users ${tallyText(kindTally(s.users))}; groups ${tallyText(kindTally(s.groups))}${members}.`;
    this.output.info(`Entra provisioning: ${line}${c.stopped ? ` Stopped: ${c.stopped}` : ''}`);
    const st = this.job.status();
    if (st.kind === 'paused') {
      void vscode.window.showWarningMessage(`Provisioning paused: ${st.error}`, 'Allow Staged Deletions', 'Show Staged').then((choice) => {
        if (choice === 'Show Staged') this.tree.setFilter({ ...NO_FILTER, actions: ['stagedDelete'] });
        else if (choice) void vscode.commands.executeCommand('scimWorkbench.provisioning.allowDeletes');
      });
    } else if (st.kind === 'quarantined' || st.kind === 'disabled') {
      void vscode.window.showWarningMessage(st.kind === 'disabled' ? `The provisioning job is disabled: ${st.why}` : `Provisioning is quarantined (${st.reason}): ${st.error}`);
    } else if (c.stopped) {
      void vscode.window.showWarningMessage(`${line} Stopped: ${c.stopped}`);
    } else if (failed) {
      void vscode.window.showWarningMessage(line, 'Show Failures').then((choice) => {
        if (choice) this.tree.setFilter({ ...NO_FILTER, statuses: ['failure'] });
      });
    } else {
      vscode.window.setStatusBarMessage(`$(check) ${line}`, 8000);
    }
    return result;
  }

  async restart(): Promise<boolean> {
    if (await refuseUntrusted(UNTRUSTED)) return false;
    await this.job.load();
    if (!this.job.state) {
      void vscode.window.showInformationMessage('The provisioning job has not run yet: Start Provisioning runs its initial cycle.');
      return false;
    }
    const choice = await vscode.window.showWarningMessage('Restart provisioning?', {
      modal: true,
      detail: 'As Entra\'s Restart provisioning: the next cycle is an initial cycle that looks at every object again; escrowed failures and the quarantine are cleared; the links to the objects already provisioned are kept. The log is kept.',
    }, 'Restart');
    if (choice !== 'Restart') return false;
    await this.job.restart();
    vscode.window.setStatusBarMessage('$(debug-restart) Provisioning restarted: the next cycle is an initial cycle.', 8000);
    return true;
  }

  /** Allow Staged Deletions: the job resumes with a cycle that sends them. */
  async allowDeletes(): Promise<CycleResult | undefined> {
    if (await refuseUntrusted(UNTRUSTED)) return undefined;
    await this.job.load();
    if (this.job.status().kind !== 'paused') {
      void vscode.window.showInformationMessage('No deletions are staged: the job is not paused by the accidental-deletion threshold.');
      return undefined;
    }
    await this.job.allowDeletes();
    return this.cycle('Send the staged deletions');
  }

  async onDemand(arg?: unknown): Promise<CycleResult | undefined> {
    if (await refuseUntrusted(UNTRUSTED)) return undefined;
    await this.job.load();
    if (!this.job.settings.directoryFile && !(await this.chooseDirectory())) return undefined;
    const directory = await this.readDirectory();
    if (!directory) return undefined;
    const query = typeof arg === 'string' ? arg : await pickOnDemand(directory);
    if (!query) return undefined;
    let subject: OnDemandSubject;
    try {
      subject = onDemandSubject(directory, query);
    } catch (e) {
      if (!(e instanceof OnDemandError)) throw e;
      void vscode.window.showErrorMessage(`Provision on demand: ${e.message}`);
      return undefined;
    }
    const result = await this.run('Provision on demand', subject);
    if (!result) return undefined;
    const uri = vscode.Uri.from({ scheme: ENTRY_SCHEME, path: '/Provision on demand.md' });
    this.documents.set(uri, onDemandMarkdown(subject.label, result.cycle, result.entries));
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return result;
  }

  // --- the log ---------------------------------------------------------------------------------------------

  async openEntry(arg?: unknown): Promise<vscode.Uri | undefined> {
    await this.job.load();
    const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'entry' in arg ? (arg as { entry: ProvisioningLogEntry }).entry.id : undefined;
    const entry = id ? this.job.findEntry(id) ?? this.tree.listedEntry(id) : undefined;
    if (!entry) {
      void vscode.window.showInformationMessage('That log entry is no longer kept: the log keeps the newest cycles.');
      return undefined;
    }
    const note = this.job.settings.targetId === MOCK_CONNECTION_ID
      ? 'This entry kept no request (large directories keep the requests of failures only); the mock\'s Provisioning Log lists every request it answered.'
      : 'This entry kept no request (large directories keep the requests of failures only).';
    this.documents.set(this.entryUri, entryMarkdown(entry, entry.provisioningSteps.some((s) => s.provisioningStepType === 'matching' || s.provisioningStepType === 'export') ? note : undefined));
    await vscode.commands.executeCommand('markdown.showPreview', this.entryUri);
    return this.entryUri;
  }

  async filterLog(arg?: unknown): Promise<LogFilter | undefined> {
    if (isLogFilter(arg)) {
      this.tree.setFilter(arg);
      return arg;
    }
    const current = this.tree.filter;
    type Item = vscode.QuickPickItem & { action?: ProvisioningLogEntry['provisioningAction']; status?: ProvisioningLogEntry['provisioningStatusInfo']['status'] };
    const items: Item[] = [
      { label: 'Action', kind: vscode.QuickPickItemKind.Separator },
      ...ACTIONS.map((a) => ({ label: ACTION_LABEL[a], action: a, picked: current.actions.includes(a) })),
      { label: 'Status', kind: vscode.QuickPickItemKind.Separator },
      ...STATUSES.map((s) => ({ label: STATUS_LABEL[s], status: s, picked: current.statuses.includes(s) })),
    ];
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Filter the provisioning log (1/2): actions and statuses', placeHolder: 'None picked: every action and status' });
    if (!picked) return undefined;
    const identity = await vscode.window.showInputBox({ title: 'Filter the provisioning log (2/2): identity', prompt: 'Part of a display name, UPN or id (empty: everyone)', value: current.identity });
    if (identity === undefined) return undefined;
    const filter: LogFilter = {
      actions: picked.flatMap((p) => (p.action ? [p.action] : [])),
      statuses: picked.flatMap((p) => (p.status ? [p.status] : [])),
      identity: identity.trim(),
    };
    this.tree.setFilter(filter.actions.length || filter.statuses.length || filter.identity ? filter : NO_FILTER);
    return this.tree.filter;
  }

  /**
   * Export Entra Provisioning Logs…: every kept entry the filter matches, as JSON ({"entries", "cycles"}) or CSV,
   * like the portal's download; streamed from the cycles' files to the chosen file, never all in memory.
   */
  async exportLogs(arg?: unknown): Promise<vscode.Uri | undefined> {
    await this.job.load();
    if (!this.job.cycles().some((c) => c.summary && c.total > 0)) {
      void vscode.window.showInformationMessage('The provisioning log is empty: run a cycle first.');
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = arg instanceof vscode.Uri ? arg : await vscode.window.showSaveDialog({
      title: 'Export Entra Provisioning Logs',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'provisioning-logs.json') } : {}),
      filters: { JSON: ['json'], CSV: ['csv'] },
    });
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Export Entra Provisioning Logs writes to files on this machine, not to ${uri.scheme}: choose a local file.`);
      return undefined;
    }
    const filter = this.tree.filter;
    let count: number;
    try {
      // A 100k-user cycle is a few hundred MB of JSON: the status bar counts the entries written.
      count = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Exporting Entra provisioning logs' },
        (progress) => exportLog(this.job, filter, uri.fsPath, (n) => progress.report({ message: counted(n, 'entry', 'entries') })));
    } catch (e) {
      void vscode.window.showErrorMessage(`Export Entra Provisioning Logs: cannot write ${uri.fsPath}: ${(e as Error).message}`);
      return undefined;
    }
    if (count === 0) {
      await rm(uri.fsPath, { force: true });
      void vscode.window.showInformationMessage(`No log entry matches the filter (${filterText(filter)}).`);
      return undefined;
    }
    vscode.window.setStatusBarMessage(`$(check) ${counted(count, 'log entry', 'log entries')} exported to ${path.basename(uri.fsPath)}`, 8000);
    return uri;
  }
}

/**
 * Streams every kept entry of the job's finished cycles that `filter` matches to `file`, as CSV when it ends in .csv,
 * else JSON ({"entries", "cycles"}), cycle file by cycle file; returns how many were written. `onWritten` hears the
 * running count after each batch written.
 */
export async function exportLog(job: ProvisioningJob, filter: LogFilter, file: string, onWritten?: (count: number) => void): Promise<number> {
  const cycles = job.cycles().slice().reverse().filter((c) => c.summary);
  const csv = file.toLowerCase().endsWith('.csv');
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = (s: string) => (out.write(s) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  let count = 0;
  const ids = new Set<string>();
  try {
    const parts: string[] = [];
    const writer = csv ? new LogWriter('csv', (s) => parts.push(s)) : undefined;
    if (!csv) await write('{\n  "entries": [');
    for (const c of cycles) {
      for await (const e of job.allEntries(c)) {
        if (!matches(e, filter)) continue;
        if (writer) writer.entry(e);
        else parts.push(`${count ? ',' : ''}\n    ${JSON.stringify(e, null, 2).replace(/\n/g, '\n    ')}`);
        ids.add(c.id);
        count++;
        if (parts.length >= 200) {
          await write(parts.splice(0).join(''));
          onWritten?.(count);
        }
      }
    }
    if (csv) await write(parts.join(''));
    else {
      const summaries = cycles.flatMap((c) => (c.summary && ids.has(c.id) ? [c.summary] : []));
      await write(`${parts.join('')}${count ? '\n  ' : ''}],\n  "cycles": ${JSON.stringify(summaries, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return count;
}

function progressMessage(c: RunningCycle): string {
  const phase = c.progress ? ` · ${c.progress.phase}` : '';
  return `${c.kind === 'onDemand' ? '' : `${c.kind} cycle ${c.number}: `}${doneText(c)}${phase} · ${tallyText(c.tally)}`;
}

/** The users and groups Provision on Demand offers, as the portal's search does: no disabled or deleted users, groups of up to 5 members. */
async function pickOnDemand(directory: EntraDirectory): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { id?: string; typed?: true };
  const items: Item[] = [];
  for (const u of directory.users) {
    if (items.length >= ON_DEMAND_PICKS) break;
    if (u.softDeleted || !u.accountEnabled) continue;
    items.push({ label: `$(person) ${String(u.attributes.displayName ?? u.userPrincipalName)}`, description: u.userPrincipalName, detail: directory.assignedUserIds.has(u.id) || directory.scope === 'all' ? undefined : 'not assigned to the app', id: u.id });
  }
  for (const g of directory.groups) {
    if (items.length >= ON_DEMAND_PICKS) break;
    if (g.memberIds.length > ON_DEMAND_GROUP_MEMBERS) continue;
    items.push({ label: `$(organization) ${g.displayName}`, description: `group, ${counted(g.memberIds.length, 'member')}`, id: g.id });
  }
  items.push({ label: '$(edit) Type an object id, UPN or mail…', typed: true, alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Provision on Demand (as in the portal, users disabled or deleted in Entra are not listed)',
    placeHolder: `A user, or a group of up to ${ON_DEMAND_GROUP_MEMBERS} members`,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (!pick.typed) return pick.id;
  return (await vscode.window.showInputBox({ title: 'Provision on Demand', prompt: 'The object id, userPrincipalName or mail of a user, or a group\'s id or name' }))?.trim() || undefined;
}

export function registerEntraProvisioning(context: vscode.ExtensionContext, commands: Commands, connections: ConnectionService, output: vscode.LogOutputChannel): ProvisioningFeature {
  const job = new ProvisioningJob(context);
  const tree = new ProvisioningTreeProvider(job, connections.store);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const documents = new ReadOnlyDocuments(ENTRY_SCHEME, 10);
  const c = new ProvisioningCommands(job, tree, connections, documents, output);
  const configured = () => void vscode.commands.executeCommand('setContext', CONFIGURED_CONTEXT, !!job.settings.directoryFile);
  configured();
  tree.view = view;
  context.subscriptions.push(job, tree, view, documents, job.onDidChange(configured));
  commands.register('scimWorkbench.provisioning.start', () => c.cycle('Start provisioning'));
  commands.register('scimWorkbench.provisioning.runNextCycle', () => c.cycle('Run the next cycle'));
  commands.register('scimWorkbench.provisioning.restart', () => c.restart());
  commands.register('scimWorkbench.provisioning.provisionOnDemand', (arg?: unknown) => c.onDemand(arg));
  commands.register('scimWorkbench.provisioning.allowDeletes', () => c.allowDeletes());
  commands.register('scimWorkbench.provisioning.exportLogs', (arg?: unknown) => c.exportLogs(arg));
  commands.register('scimWorkbench.provisioning.chooseDirectory', (arg?: unknown) => c.chooseDirectory(arg));
  commands.register('scimWorkbench.provisioning.chooseConfiguration', (arg?: unknown) => c.chooseConfiguration(arg));
  commands.register('scimWorkbench.provisioning.chooseTarget', (arg?: unknown) => c.chooseTarget(arg));
  commands.register('scimWorkbench.provisioning.openEntry', (arg?: unknown) => c.openEntry(arg));
  commands.register('scimWorkbench.provisioning.filterLog', (arg?: unknown) => c.filterLog(arg));
  commands.register('scimWorkbench.provisioning.clearFilter', () => tree.setFilter(NO_FILTER));
  return { job, tree, view: view as vscode.TreeView<unknown>, documents };
}
