// The directory explorer: each source (the mock server, browsed endpoints) with its Users and Groups,
// groups expanding to their members, deactivated users to the workspaces they lost. Children are fetched a
// page at a time ("Load more…"), cached until the source changes, and refreshed on a debounce so a burst of
// hundreds of requests repaints once, and only the collections it changed. Item ids are stable (source, kind, resource id) so selection and
// expansion survive refreshes. Items carry no click command: a command with arguments is re-registered on
// every repaint, and a click landing during a burst of refreshes would hit a stale one ("Actual command not
// found"); the view's selection opens them instead (see register.ts). An action item (Seed Sample Users… under
// an empty Users) runs a command without arguments, which is registered once.
import * as vscode from 'vscode';
import type { Resource } from '../../scim/resource';
import { counted } from '../../scim/text';
import { userLabel, type CollectionKind, type DirectorySource, type GroupMember, type LostWorkspaceInfo } from './source';

export type DirectoryNode =
  | { readonly type: 'source'; readonly source: DirectorySource }
  | { readonly type: 'collection'; readonly source: DirectorySource; readonly kind: CollectionKind }
  | { readonly type: 'user'; readonly source: DirectorySource; readonly resource: Resource; readonly parentKey: string }
  | { readonly type: 'group'; readonly source: DirectorySource; readonly resource: Resource; readonly memberCount?: number }
  | { readonly type: 'member'; readonly source: DirectorySource; readonly groupId: string; readonly groupName: string; readonly member: GroupMember }
  | { readonly type: 'lost'; readonly source: DirectorySource; readonly userId: string; readonly workspace: LostWorkspaceInfo }
  | { readonly type: 'more'; readonly source: DirectorySource; readonly parentKey: string; readonly remaining: number }
  | { readonly type: 'action'; readonly source: DirectorySource; readonly parentKey: string; readonly label: string; readonly command: string; readonly icon: string }
  | { readonly type: 'message'; readonly source: DirectorySource; readonly parentKey: string; readonly text: string; readonly error: boolean; readonly busy?: boolean };

const REFRESH_DEBOUNCE_MS = 300;

function keyOf(node: DirectoryNode): string {
  const s = node.source.id;
  switch (node.type) {
    case 'source': return s;
    case 'collection': return `${s}/${node.kind}`;
    case 'user': return `${s}/Users/${node.resource.id as string}`;
    case 'group': return `${s}/Groups/${node.resource.id as string}`;
    case 'member': return `${s}/Groups/${node.groupId}/members/${node.member.value}`;
    case 'lost': return `${s}/Users/${node.userId}/lost/${node.workspace.id}`;
    case 'more': return `${node.parentKey}/more`;
    case 'action': return `${node.parentKey}/action/${node.command}`;
    case 'message': return `${node.parentKey}/message`;
  }
}

export class DirectoryTreeProvider implements vscode.TreeDataProvider<DirectoryNode>, vscode.Disposable {
  private readonly sources: DirectorySource[] = [];
  private readonly sourceListeners = new Map<string, vscode.Disposable>();
  private readonly emitter = new vscode.EventEmitter<DirectoryNode | DirectoryNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Children per parent key, valid until the next refresh. */
  private readonly cache = new Map<string, DirectoryNode[]>();
  private readonly parents = new Map<string, DirectoryNode>();
  /** How many items a collection or group shows (grows with "Load more…"). */
  private readonly limits = new Map<string, number>();
  private filterText: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Collection keys to repaint at the next refresh, each with its source's key, or the whole tree. */
  private stale: Map<string, string> | 'all' = new Map();
  private readonly refreshedEmitter = new vscode.EventEmitter<void>();
  /** Fires after a (debounced) refresh was handed to VS Code; tests wait on it. */
  readonly onDidRefresh = this.refreshedEmitter.event;

  constructor(private readonly pageSize: () => number) {}

  get filter(): string | undefined {
    return this.filterText;
  }

  setFilter(filter: string | undefined): void {
    this.filterText = filter?.trim() ? filter.trim() : undefined;
    this.limits.clear();
    this.refreshNow();
  }

  addSource(source: DirectorySource): void {
    if (this.sources.some((s) => s.id === source.id)) return;
    this.sources.push(source);
    this.sourceListeners.set(source.id, source.onDidChange((kinds) => this.scheduleRefresh(kinds ? { source, kinds } : undefined)));
    this.refreshNow();
  }

  removeSource(id: string): void {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i < 0) return;
    this.sources.splice(i, 1);
    this.sourceListeners.get(id)?.dispose();
    this.sourceListeners.delete(id);
    this.refreshNow();
  }

  /** Sources currently shown (a stopped mock is not). */
  visibleSources: (source: DirectorySource) => boolean = () => true;

  /**
   * Repaints after a quiet period: bursts of change events cost one refresh. Given the collections that changed,
   * only their rows (and what is expanded under them) are repainted: a burst of creations then sends the workbench
   * one row with the new count, not the whole tree to fetch again.
   */
  scheduleRefresh(changed?: { readonly source: DirectorySource; readonly kinds: readonly CollectionKind[] }): void {
    if (!changed) this.stale = 'all';
    else if (this.stale !== 'all') {
      const { source } = changed;
      for (const kind of changed.kinds) this.stale.set(keyOf({ type: 'collection', source, kind }), keyOf({ type: 'source', source }));
    }
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.refreshStale(); }, REFRESH_DEBOUNCE_MS);
  }

  refreshNow(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.stale = new Map();
    this.cache.clear();
    this.totals.clear();
    this.emitter.fire(undefined);
    this.refreshedEmitter.fire();
  }

  private refreshStale(): void {
    const stale = this.stale;
    if (stale === 'all') { this.refreshNow(); return; }
    this.stale = new Map();
    const rows: DirectoryNode[] = [];
    for (const [key, sourceKey] of stale) {
      // The row VS Code shows is the node it was given: the one cached under its source.
      const row = this.cache.get(sourceKey)?.find((n) => n.type === 'collection' && keyOf(n) === key);
      if (!row) continue;
      this.totals.delete(key);
      for (const cached of [...this.cache.keys()]) if (cached === key || cached.startsWith(`${key}/`)) this.cache.delete(cached);
      rows.push(row);
    }
    if (rows.length > 0) this.emitter.fire(rows);
    this.refreshedEmitter.fire();
  }

  /** Shows one more page under a collection or group. */
  loadMore(node: DirectoryNode & { type: 'more' }): void {
    this.limits.set(node.parentKey, (this.limits.get(node.parentKey) ?? this.pageSize()) + this.pageSize());
    this.cache.delete(node.parentKey);
    this.emitter.fire(this.parents.get(node.parentKey));
  }

  getParent(node: DirectoryNode): DirectoryNode | undefined {
    return this.parents.get(keyOf(node));
  }

  async getTreeItem(node: DirectoryNode): Promise<vscode.TreeItem> {
    const item = this.itemFor(node);
    item.id = keyOf(node);
    if (node.type === 'collection' && item.description === undefined) {
      // count=0 asks only for totalResults: the count shows before the collection is expanded.
      const total = await node.source.list(node.kind, 1, 0, this.filterText).then((p) => p.totalResults, () => undefined);
      if (total !== undefined) item.description = this.describeTotal(total);
    }
    return item;
  }

  private describeTotal(total: number): string {
    return `${total.toLocaleString('en-US')}${this.filterText ? ' matching' : ''}`;
  }

  private itemFor(node: DirectoryNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.type) {
      case 'source': {
        const item = new vscode.TreeItem(node.source.label, C.Expanded);
        item.description = node.source.description + (node.source.kind === 'remote' ? ' · read-only' : '');
        item.iconPath = new vscode.ThemeIcon(node.source.kind === 'mock' ? 'radio-tower' : 'cloud');
        item.contextValue = `scim:source:${node.source.kind}`;
        return item;
      }
      case 'collection': {
        const item = new vscode.TreeItem(node.kind, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(node.kind === 'Users' ? 'person' : 'organization');
        item.contextValue = `scim:collection:${node.kind}:${node.source.kind}`;
        const total = this.totals.get(keyOf(node));
        if (total !== undefined) item.description = this.describeTotal(total);
        return item;
      }
      case 'user': {
        const u = node.resource;
        const active = u.active !== false;
        const lost = !active;
        const item = new vscode.TreeItem(userLabel(u), lost ? C.Collapsed : C.None);
        const userName = typeof u.userName === 'string' ? u.userName : '';
        item.description = active ? userName : `deactivated · ${userName}`;
        item.iconPath = active
          ? new vscode.ThemeIcon('account', new vscode.ThemeColor('charts.green'))
          : new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
        item.tooltip = userTooltip(u);
        item.contextValue = `scim:user:${active ? 'active' : 'inactive'}:${node.source.kind}`;
        return item;
      }
      case 'group': {
        const g = node.resource;
        const item = new vscode.TreeItem(String(g.displayName ?? g.id), C.Collapsed);
        if (node.memberCount !== undefined) item.description = counted(node.memberCount, 'member');
        item.iconPath = new vscode.ThemeIcon('organization');
        item.tooltip = new vscode.MarkdownString(`**${escapeMd(String(g.displayName ?? ''))}** (workspace)\n\nid: \`${g.id as string}\`${g.externalId ? `\n\nexternalId: \`${String(g.externalId)}\`` : ''}`);
        item.contextValue = `scim:group:${node.source.kind}`;
        return item;
      }
      case 'member': {
        const item = new vscode.TreeItem(node.member.display || node.member.value, C.None);
        const admin = node.member.admin === true;
        item.description = [admin ? 'admin' : undefined, node.member.userName].filter(Boolean).join(' · ') || undefined;
        item.iconPath = new vscode.ThemeIcon(admin ? 'shield' : 'person');
        item.contextValue = `scim:member:${node.source.kind}${admin ? ':admin' : ''}`;
        item.tooltip = (admin
          ? `Admin of ${node.groupName}. MURAL does not suspend or delete the last admin of a workspace (409).`
          : `Member of ${node.groupName}`) + `\nid: ${node.member.value}`;
        return item;
      }
      case 'lost': {
        const item = new vscode.TreeItem(node.workspace.displayName, C.None);
        item.description = `lost ${node.workspace.at.slice(0, 10)} · reactivation must be requested`;
        item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
        item.tooltip = `MURAL removed this user from "${node.workspace.displayName}" when it was deactivated (${node.workspace.at}). Reactivating the user does not restore it: the user must request reactivation and a workspace admin must approve it.`;
        item.contextValue = 'scim:lost';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', C.None);
        item.description = `${node.remaining.toLocaleString('en-US')} more`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'scim:more';
        return item;
      }
      case 'action': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = { command: node.command, title: node.label };
        item.contextValue = 'scim:action';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : node.busy ? 'loading~spin' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = node.text;
        item.contextValue = 'scim:message';
        return item;
      }
    }
  }

  /** totalResults per collection key, from its last load. */
  private readonly totals = new Map<string, number>();

  /** Whether the view lists anything: the mock while it runs, or a browsed endpoint. */
  get showsSources(): boolean {
    return this.sources.some((s) => this.visibleSources(s));
  }

  async getChildren(node?: DirectoryNode): Promise<DirectoryNode[]> {
    if (!node) return this.sources.filter((s) => this.visibleSources(s)).map((source): DirectoryNode => ({ type: 'source', source }));
    const key = keyOf(node);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let children: DirectoryNode[];
    try {
      children = await this.load(node, key);
    } catch (e) {
      children = [{ type: 'message', source: node.source, parentKey: key, text: (e as Error).message, error: true }];
    }
    for (const c of children) this.parents.set(keyOf(c), node);
    this.cache.set(key, children);
    return children;
  }

  private async load(node: DirectoryNode, key: string): Promise<DirectoryNode[]> {
    const source = node.source;
    const limit = this.limits.get(key) ?? this.pageSize();
    switch (node.type) {
      case 'source':
        if (source.pending) return [{ type: 'message', source, parentKey: key, text: source.pending, error: false, busy: true }];
        return [{ type: 'collection', source, kind: 'Users' }, { type: 'collection', source, kind: 'Groups' }];
      case 'collection': {
        const out: DirectoryNode[] = [];
        // Pages are fetched in page-size steps so a source's maximum page size never truncates "Load more".
        const step = this.pageSize();
        let total = 0;
        for (let start = 1; start <= limit; start += step) {
          const page = await source.list(node.kind, start, Math.min(step, limit - start + 1), this.filterText);
          total = page.totalResults;
          for (const r of page.resources) {
            out.push(node.kind === 'Users'
              ? { type: 'user', source, resource: r, parentKey: key }
              : { type: 'group', source, resource: r, ...(page.memberCounts?.has(r.id as string) ? { memberCount: page.memberCounts.get(r.id as string) } : {}) });
          }
          if (page.resources.length === 0 || start + step > total) break;
        }
        this.totals.set(key, total);
        if (out.length === 0) {
          const none: DirectoryNode = { type: 'message', source, parentKey: key, text: this.filterText ? `No ${node.kind.toLowerCase()} match the filter` : `No ${node.kind.toLowerCase()} yet`, error: false };
          return source.kind === 'mock' && node.kind === 'Users' && !this.filterText
            ? [none, { type: 'action', source, parentKey: key, label: 'Seed Sample Users…', command: 'scimWorkbench.directory.seedUsers', icon: 'add' }]
            : [none];
        }
        if (total > out.length) out.push({ type: 'more', source, parentKey: key, remaining: total - out.length });
        return out;
      }
      case 'group': {
        // One call for everything shown (the first page and each "Load more"), in order from the source.
        const page = await source.members(node.resource.id as string, 1, limit);
        const groupName = String(node.resource.displayName ?? node.resource.id);
        const shown = page.members.map((member): DirectoryNode => ({ type: 'member', source, groupId: node.resource.id as string, groupName, member }));
        if (page.totalResults === 0) return [{ type: 'message', source, parentKey: key, text: 'No members', error: false }];
        if (page.totalResults > shown.length) shown.push({ type: 'more', source, parentKey: key, remaining: page.totalResults - shown.length });
        return shown;
      }
      case 'user': {
        const lost = await source.lostWorkspaces(node.resource.id as string);
        if (lost.length === 0) return [{ type: 'message', source, parentKey: key, text: 'Deactivated: no workspaces were lost', error: false }];
        return lost.map((workspace): DirectoryNode => ({ type: 'lost', source, userId: node.resource.id as string, workspace }));
      }
      default:
        return [];
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.sourceListeners.values()) d.dispose();
    this.emitter.dispose();
    this.refreshedEmitter.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function userTooltip(u: Resource): vscode.MarkdownString {
  const name = u.name as { givenName?: string; familyName?: string } | undefined;
  const emails = Array.isArray(u.emails) ? (u.emails as { value?: string; type?: string; primary?: boolean }[]) : [];
  const groups = Array.isArray(u.groups) ? (u.groups as { display?: string }[]) : [];
  const rows: [string, string][] = [
    ['userName', String(u.userName ?? '')],
    ['active', String(u.active !== false)],
    ['name', [name?.givenName, name?.familyName].filter(Boolean).join(' ')],
    ['emails', emails.map((e) => `${e.value ?? ''}${e.type ? ` (${e.type}${e.primary ? ', primary' : ''})` : ''}`).join(', ')],
    ['externalId', u.externalId === undefined ? '' : String(u.externalId)],
    ['workspaces', groups.map((g) => g.display ?? '').join(', ')],
    ['id', String(u.id)],
  ];
  const md = new vscode.MarkdownString(`**${escapeMd(userLabel(u))}**${u.active === false ? ' — deactivated' : ''}\n\n| | |\n|---|---|\n`);
  for (const [k, v] of rows) if (v) md.appendMarkdown(`| ${k} | ${escapeMd(v)} |\n`);
  return md;
}
