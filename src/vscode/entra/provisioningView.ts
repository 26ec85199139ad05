// The Entra Provisioning view: the job (configuration, directory file, target), its status (not started,
// running cycle N with counts, idle until the next simulated cycle, quarantined, paused on staged deletions),
// the last cycle's statistics, and the provisioning log grouped by cycle, filtered by action, status and
// identity. Nodes are plain data in a union, as in src/vscode/directory/tree.ts; the job fires at most every
// REPAINT_MS while a cycle runs, so the view never repaints per object.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvisioningLogEntry } from '../../entra/engine/log';
import { counted, formatCount, plural } from '../../scim/text';
import type { ConnectionStore } from '../connections/store';
import { ACTION_LABEL, STATUS_LABEL } from './entryMarkdown';
import { doneText, kindTally, MAX_CYCLES, MAX_LOG_BYTES, tallyText, type JobStatus, type LoggedCycle, type ProvisioningJob } from './provisioningJob';

export const VIEW_ID = 'scimWorkbench.provisioning';

export interface LogFilter {
  readonly actions: readonly ProvisioningLogEntry['provisioningAction'][];
  readonly statuses: readonly ProvisioningLogEntry['provisioningStatusInfo']['status'][];
  /** Part of the display name or source/target id, ignoring case. */
  readonly identity: string;
}

export const NO_FILTER: LogFilter = { actions: [], statuses: [], identity: '' };

export function matches(e: ProvisioningLogEntry, f: LogFilter): boolean {
  if (f.actions.length && !f.actions.includes(e.provisioningAction)) return false;
  if (f.statuses.length && !f.statuses.includes(e.provisioningStatusInfo.status)) return false;
  if (!f.identity) return true;
  const q = f.identity.toLowerCase();
  return [e.sourceIdentity.displayName, e.sourceIdentity.id, e.targetIdentity.id].some((v) => v.toLowerCase().includes(q));
}

export function filterText(f: LogFilter): string {
  const parts = [
    ...(f.actions.length ? [f.actions.map((a) => ACTION_LABEL[a]).join(' or ')] : []),
    ...(f.statuses.length ? [f.statuses.map((s) => STATUS_LABEL[s]).join(' or ')] : []),
    ...(f.identity ? [`"${f.identity}"`] : []),
  ];
  return parts.join(', ');
}

export type ProvisioningNode =
  | { readonly type: 'job' }
  | { readonly type: 'setting'; readonly key: 'configuration' | 'directory' | 'target' }
  | { readonly type: 'status' }
  | { readonly type: 'stats' }
  | { readonly type: 'statLine'; readonly label: string; readonly description: string; readonly icon: string }
  | { readonly type: 'log' }
  | { readonly type: 'cycle'; readonly cycle: LoggedCycle }
  | { readonly type: 'entry'; readonly entry: ProvisioningLogEntry }
  /** `hidden` undefined: more entries match than are listed, not counted (the file was read up to the first). */
  | { readonly type: 'more'; readonly hidden?: number }
  | { readonly type: 'notKept'; readonly count: number };

const STATUS_ICON: Readonly<Record<ProvisioningLogEntry['provisioningStatusInfo']['status'], vscode.ThemeIcon>> = {
  success: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failure: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  skipped: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};

/** "14:40 UTC" for a simulated ISO time; with `day`, "Dec 7, 14:40 UTC" (a quarantine's attempts are days apart). */
function simTime(iso: string, day = false): string {
  const d = new Date(iso);
  return `${day ? `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })}, ` : ''}${d.toISOString().slice(11, 16)} UTC`;
}

export function statusText(s: JobStatus): { label: string; description: string; icon: vscode.ThemeIcon; tooltip: string } {
  switch (s.kind) {
    case 'notStarted':
      return s.restarted
        ? { label: 'Restarted', description: 'the next cycle is an initial cycle', icon: new vscode.ThemeIcon('debug-restart'), tooltip: 'Provisioning was restarted: the next cycle looks at every object again; escrows and quarantine were cleared, the links kept.' }
        : { label: 'Not started', description: 'Start Provisioning runs the initial cycle', icon: new vscode.ThemeIcon('circle-outline'), tooltip: 'No cycle has run yet.' };
    case 'running': {
      const c = s.cycle;
      const what = c.kind === 'onDemand' ? 'Provisioning on demand' : `Running ${c.kind} cycle ${c.number}`;
      const of = doneText(c);
      return { label: what, description: `${of} · ${tallyText(c.tally)}`, icon: new vscode.ThemeIcon('sync~spin'), tooltip: `${what}: ${of}; ${tallyText(c.tally)}.` };
    }
    case 'idle':
      return { label: 'Idle', description: `next cycle at ${simTime(s.nextCycle)} (simulated)`, icon: new vscode.ThemeIcon('clock'), tooltip: `Entra would run the next incremental cycle at ${s.nextCycle} (simulated clock; Entra runs one about every 40 minutes). Run Next Cycle runs it now.` };
    case 'quarantined':
      return { label: `Quarantined: ${s.reason}`, description: `next attempt ${simTime(s.nextAttempt, true)} (simulated)`, icon: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')), tooltip: `${s.error} Next attempt at ${s.nextAttempt} (simulated). Fix the cause and run the next cycle, or restart provisioning.` };
    case 'paused':
      return { label: `Paused: ${counted(s.staged, 'deletion')} staged`, description: 'Allow Staged Deletions to send them', icon: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground')), tooltip: `${s.error} Allow Staged Deletions sends them in the next cycle.` };
    case 'disabled':
      return { label: 'Disabled', description: s.why, icon: new vscode.ThemeIcon('circle-slash'), tooltip: `The job is disabled: ${s.why} Restart provisioning to run it again.` };
  }
}

export class ProvisioningTreeProvider implements vscode.TreeDataProvider<ProvisioningNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ProvisioningNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private current: LogFilter = NO_FILTER;

  constructor(private readonly job: ProvisioningJob, private readonly connections: ConnectionStore) {
    this.subscription = vscode.Disposable.from(job.onDidChange(() => this.emitter.fire(undefined)), connections.onDidChange(() => this.emitter.fire(undefined)));
  }

  get filter(): LogFilter {
    return this.current;
  }

  /** The view whose message names the active filter, as the Directory's does. */
  view: vscode.TreeView<ProvisioningNode> | undefined;

  setFilter(f: LogFilter): void {
    this.current = f;
    this.listed.clear();
    // The message first: set in the same tick as a refresh that follows it, the workbench kept the old one.
    const text = filterText(f);
    if (this.view) this.view.message = text ? `Log filtered: ${text}` : undefined;
    this.emitter.fire(undefined);
  }

  getTreeItem(node: ProvisioningNode): vscode.TreeItem {
    switch (node.type) {
      case 'job': return this.jobItem();
      case 'setting': return this.settingItem(node.key);
      case 'status': return this.statusItem();
      case 'stats': return this.statsItem();
      case 'statLine': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.description;
        item.tooltip = `${node.label}: ${node.description}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'log': return this.logItem();
      case 'cycle': return this.cycleItem(node.cycle);
      case 'entry': return this.entryItem(node.entry);
      case 'notKept': {
        const item = new vscode.TreeItem(`${counted(node.count, 'more entry', 'more entries')} not kept`);
        item.description = 'an earlier version kept the first 20,000 entries of a cycle, or the cycle\'s file was removed; its statistics count them all';
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(node.hidden === undefined ? '… more matching entries' : `… ${counted(node.hidden, 'more entry', 'more entries')}`);
        item.description = node.hidden === undefined ? 'narrow the filter, or export the log to see them all' : 'filter or export the log to see them';
        item.command = { command: 'scimWorkbench.provisioning.filterLog', title: 'Filter' };
        return item;
      }
    }
  }

  /** Entries the view listed last, by id, so that Open Log Entry finds those read from a cycle's file. */
  private readonly listed = new Map<string, ProvisioningLogEntry>();

  listedEntry(id: string): ProvisioningLogEntry | undefined {
    return this.listed.get(id);
  }

  getChildren(node?: ProvisioningNode): ProvisioningNode[] | Promise<ProvisioningNode[]> {
    if (!node) {
      // The state and log are read from the storage when the view first shows; the job fires when they are in.
      void this.job.load();
      if (!this.job.settings.directoryFile) return [];
      return [{ type: 'job' }, { type: 'status' }, ...(this.job.lastCycle() ? [{ type: 'stats' } as const] : []), { type: 'log' }];
    }
    switch (node.type) {
      case 'job': return (['configuration', 'directory', 'target'] as const).map((key) => ({ type: 'setting', key }));
      case 'stats': return this.statLines();
      // A cycle with entries past those in memory may match: its node reads its file when opened.
      case 'log': return this.job.cycles().filter((c) => c.total > c.entries.length || c.entries.some((e) => matches(e, this.current)) || (!c.total && this.current === NO_FILTER)).map((cycle) => ({ type: 'cycle', cycle }));
      case 'cycle': return this.cycleChildren(node.cycle);
      default: return [];
    }
  }

  /** The first entries of a cycle that the filter matches (up to the job's display bound), newest first, as the portal lists them. */
  private async cycleChildren(c: LoggedCycle): Promise<ProvisioningNode[]> {
    const bound = this.job.displayBound;
    let listed: ProvisioningLogEntry[];
    let hidden: number | undefined;
    if (this.current === NO_FILTER) {
      // An older cycle holds no entries in memory: its first ones come from its file.
      listed = c.entries.length >= Math.min(c.total, bound) ? c.entries.slice(0, bound) : (await this.job.matching(c, () => true, bound)).entries;
      hidden = c.total - listed.length;
    } else {
      const found = await this.job.matching(c, (e) => matches(e, this.current), bound);
      listed = found.entries;
      hidden = found.more ? undefined : 0;
    }
    const shown: ProvisioningNode[] = [];
    for (let i = listed.length - 1; i >= 0; i--) {
      this.listed.set(listed[i].id, listed[i]);
      shown.push({ type: 'entry', entry: listed[i] });
    }
    if (hidden !== 0) shown.push(hidden === undefined ? { type: 'more' } : { type: 'more', hidden });
    if (c.notKept) shown.push({ type: 'notKept', count: c.notKept });
    return shown;
  }

  private jobItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Job', vscode.TreeItemCollapsibleState.Expanded);
    const s = this.job.settings;
    item.description = `${s.directoryFile ? path.basename(s.directoryFile) : 'no directory file'} → ${this.targetName() ?? 'no target'}`;
    item.iconPath = new vscode.ThemeIcon('settings-gear');
    item.tooltip = this.job.state ? `Job ID ${this.job.state.jobId}` : 'The job runs when you start provisioning.';
    item.id = 'provisioning:job';
    return item;
  }

  private targetName(): string | undefined {
    const id = this.job.settings.targetId;
    return id ? this.connections.info(id)?.name ?? `${id} (removed)` : undefined;
  }

  private settingItem(key: 'configuration' | 'directory' | 'target'): vscode.TreeItem {
    const s = this.job.settings;
    const item = new vscode.TreeItem(key === 'configuration' ? 'Configuration' : key === 'directory' ? 'Directory' : 'Target');
    item.id = `provisioning:setting:${key}`;
    item.contextValue = `scim:provisioning:setting:${key}`;
    if (key === 'configuration') {
      item.description = s.configurationFile ? vscode.workspace.asRelativePath(s.configurationFile) : 'MURAL Identity (default mappings)';
      item.iconPath = new vscode.ThemeIcon('symbol-property');
      item.command = { command: 'scimWorkbench.provisioning.chooseConfiguration', title: 'Choose Configuration' };
      item.tooltip = 'The attribute mappings, matching and scoping filters: a *.provisioning.json file, or MURAL Identity\'s default. Click to change.';
    } else if (key === 'directory') {
      item.description = s.directoryFile ? vscode.workspace.asRelativePath(s.directoryFile) : 'none';
      item.iconPath = new vscode.ThemeIcon('organization');
      item.command = { command: 'scimWorkbench.provisioning.chooseDirectory', title: 'Choose Directory File' };
      item.tooltip = 'The Entra directory file (*.entra-directory.json): users, groups, assignments, scope. Read again before every cycle. Click to change.';
    } else {
      const info = s.targetId ? this.connections.info(s.targetId) : undefined;
      item.description = info ? `${info.name}${info.tenantUrl ? ` · ${info.tenantUrl}` : ''}` : s.targetId ? 'the connection was removed' : 'the mock MURAL server (asked at start)';
      item.iconPath = new vscode.ThemeIcon(info?.kind === 'saved' ? 'cloud' : 'radio-tower');
      item.command = { command: 'scimWorkbench.provisioning.chooseTarget', title: 'Choose Target' };
      item.tooltip = 'Where Entra\'s requests go: the mock MURAL server or a saved connection (asked for confirmation before every write). Click to change.';
    }
    return item;
  }

  private statusItem(): vscode.TreeItem {
    const st = this.job.status();
    const t = statusText(st);
    const item = new vscode.TreeItem(t.label);
    item.id = 'provisioning:status';
    item.description = t.description;
    item.iconPath = t.icon;
    item.tooltip = t.tooltip;
    item.contextValue = `scim:provisioning:status:${st.kind}`;
    if (st.kind === 'paused') item.command = { command: 'scimWorkbench.provisioning.allowDeletes', title: 'Allow Staged Deletions' };
    return item;
  }

  private statsItem(): vscode.TreeItem {
    const c = this.job.lastCycle();
    const s = c?.summary;
    const item = new vscode.TreeItem('Last cycle', vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'provisioning:stats';
    item.iconPath = new vscode.ThemeIcon('graph');
    if (s) {
      item.description = `${s.kind} cycle ${c.number ?? ''} · ${simTime(s.started)} · ${(s.durationInMilliseconds / 1000).toFixed(1)} s`;
      item.tooltip = `Cycle ${s.id}, ${s.started} → ${s.ended} (simulated)${s.stopped ? `\nStopped: ${s.stopped}` : ''}`;
    }
    return item;
  }

  private statLines(): ProvisioningNode[] {
    const s = this.job.lastCycle()?.summary;
    if (!s) return [];
    const m = s.stats.memberships;
    const lines: ProvisioningNode[] = [
      { type: 'statLine', label: 'Users', description: tallyText(kindTally(s.stats.users)), icon: 'person' },
      { type: 'statLine', label: 'Groups', description: tallyText(kindTally(s.stats.groups)), icon: 'organization' },
    ];
    if (m.updated + m.failed) lines.push({ type: 'statLine', label: 'Memberships', description: `${counted(m.updated + m.failed, 'group')}: ${formatCount(m.membersAdded)} added, ${formatCount(m.membersRemoved)} removed${m.failed ? `, ${formatCount(m.failed)} failed` : ''}`, icon: 'references' });
    if (s.stats.stagedDeletes) lines.push({ type: 'statLine', label: 'Staged deletions', description: `${formatCount(s.stats.stagedDeletes)} held`, icon: 'debug-pause' });
    lines.push({ type: 'statLine', label: 'Requests', description: formatCount(s.stats.requests), icon: 'arrow-swap' });
    if (s.stopped) lines.push({ type: 'statLine', label: 'Stopped', description: s.stopped, icon: 'debug-stop' });
    return lines;
  }

  private logItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Provisioning log', vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'provisioning:log';
    item.iconPath = new vscode.ThemeIcon('list-unordered');
    // An active filter shows in the view's message, as the Directory's does.
    const dropped = this.job.dropped;
    item.description = dropped ? `${counted(dropped, 'older cycle')} dropped` : this.job.cycles().length ? '' : 'no entries yet';
    item.tooltip = `The log keeps every entry of its cycles, the newest ${MAX_CYCLES} cycles up to ${MAX_LOG_BYTES / 1024 ** 3} GiB; older cycles are dropped whole.${dropped ? ` ${formatCount(dropped)} ${plural(dropped, 'was', 'were')} dropped.` : ''}`;
    item.contextValue = 'scim:provisioning:log';
    return item;
  }

  private cycleItem(c: LoggedCycle): vscode.TreeItem {
    const s = c.summary;
    const title = s?.kind === 'onDemand' || (!s && c.number === undefined) ? 'Provision on demand' : `Cycle ${c.number ?? '?'}${s ? ` · ${s.kind}` : ' · running'}`;
    const newest = this.job.newestCycle() === c;
    const item = new vscode.TreeItem(title, newest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    // The running cycle and its finished self are one node: the id keeps it open across repaints.
    item.id = `provisioning:cycle:${c.id}`;
    // Filtered, a cycle whose entries are not all in memory says its total: its file is read when it is opened.
    const showsTotal = this.current === NO_FILTER || c.total > c.entries.length;
    const shown = showsTotal ? c.total : c.entries.filter((e) => matches(e, this.current)).length;
    item.description = `${s ? simTime(s.started) : ''} · ${counted(shown, 'entry', 'entries')}${showsTotal && this.current !== NO_FILTER ? ' in all' : ''}${s?.stopped ? ' · stopped' : ''}`;
    item.iconPath = new vscode.ThemeIcon(s ? (s.stopped ? 'debug-stop' : 'history') : 'sync~spin');
    item.tooltip = s ? `Cycle ID ${s.id}\n${s.started} → ${s.ended} (simulated)${s.stopped ? `\nStopped: ${s.stopped}` : ''}` : 'Running';
    return item;
  }

  private entryItem(e: ProvisioningLogEntry): vscode.TreeItem {
    const status = e.provisioningStatusInfo;
    const item = new vscode.TreeItem(e.sourceIdentity.displayName);
    item.id = `provisioning:entry:${e.id}`;
    const code = status.errorInformation && status.status !== 'success' ? ` · ${status.errorInformation.errorCode}` : '';
    item.description = `${ACTION_LABEL[e.provisioningAction]} · ${STATUS_LABEL[status.status]}${code}`;
    item.iconPath = STATUS_ICON[status.status];
    item.tooltip = new vscode.MarkdownString(`**${e.sourceIdentity.identityType} ${e.sourceIdentity.displayName}** — ${ACTION_LABEL[e.provisioningAction]} · ${STATUS_LABEL[status.status]}\n\n${status.errorInformation && status.status !== 'success' ? `${status.errorInformation.errorCode}: ${status.errorInformation.reason}\n\n` : ''}${e.activityDateTime} (simulated)`);
    item.contextValue = 'scim:provisioning:entry';
    item.command = { command: 'scimWorkbench.provisioning.openEntry', title: 'Open Log Entry', arguments: [e.id] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
