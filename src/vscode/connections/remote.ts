// Browsing a real endpoint in the Directory view: a DirectorySource over HTTP (pages with startIndex/count,
// the view's filter passed through, members read with ?attributes=members), read-only JSON documents of its
// users and groups, and the only writes allowed — deactivate, reactivate, delete, add to and remove from a
// group — each confirmed in a modal dialog that names the endpoint. Which connections are browsed is kept per workspace.
import * as vscode from 'vscode';
import type { Connection, HttpClient } from '../../client/http';
import { isHttpError } from '../../client/httpError';
import { get, listPage, patch, remove, ScimRequestError, type ResourceKind } from '../../client/scim';
import { SECTION } from '../config';
import { userLabel, type CollectionKind, type DirectoryPage, type DirectorySource, type GroupMember, type LostWorkspaceInfo } from '../directory/source';
import type { DirectoryNode, DirectoryTreeProvider } from '../directory/tree';
import { errorAdvice } from '../../client/responseText';
import type { ConnectionService } from './service';
import { MOCK_CONNECTION_ID } from './store';
import type { BrowsingView } from './tree';

export const REMOTE_SCHEME = 'scim-remote';
const BROWSING_KEY = 'scimWorkbench.browsing';

function timeoutMs(): number {
  return Math.max(1, vscode.workspace.getConfiguration(SECTION).get<number>('requests.timeoutSeconds', 30)) * 1000;
}

/** A failed call to `name`, in words that say what to do. Tokens never reach these messages: the client redacts. */
export function explainFailure(e: unknown, name: string): string {
  if (isHttpError(e)) return e.message;
  if (e instanceof ScimRequestError) {
    const where = `right-click "${name}" in the Connections view`;
    switch (e.status) {
      case 401: return `${e.summary}. The endpoint refused the token: ${where} › Set Secret Token… (or check its auth scheme).`;
      case 403: return `${e.summary}. The token may not read this: use a token of an account allowed to provision users (${where} › Set Secret Token…).`;
      case 404: return `${e.summary}. Check the tenant URL: it must be the SCIM base that /Users is appended to (${where} › Edit Connection…).`;
      case 429: return `${e.summary}. Rate limited${e.response.retryAfterSeconds !== undefined ? `: retry after ${e.response.retryAfterSeconds} s` : ''} — refresh the view then.`;
      default:
        if (e.status === 400 && e.scimType === 'invalidFilter') return `${e.summary}. This endpoint does not support the filter: change or clear it (Clear Directory Filter).`;
        return `${e.summary}.${errorAdvice(e.status, e.scimType) ? ` ${errorAdvice(e.status, e.scimType)}` : ''}`;
    }
  }
  return (e as Error).message ?? String(e);
}

export function remoteResourceUri(connectionId: string, kind: ResourceKind, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, path: `/${connectionId}/${kind}/${encodeURIComponent(id)}.json` });
}

type Call = { readonly client: HttpClient; readonly timeoutMs: number };

/** A saved connection's directory, read over HTTP a page at a time. */
export class RemoteDirectorySource implements DirectorySource, vscode.Disposable {
  readonly kind = 'remote' as const;
  readonly id: string;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(readonly connectionId: string, private readonly service: ConnectionService) {
    this.id = `remote:${connectionId}`;
  }

  get label(): string {
    return this.service.store.info(this.connectionId)?.name ?? 'Removed connection';
  }

  /** The host only: the tree adds "read-only", and the sidebar is narrow. */
  get description(): string {
    const url = this.service.store.info(this.connectionId)?.tenantUrl;
    try {
      return url ? new URL(url).host : '';
    } catch {
      return '';
    }
  }

  /** Tells the tree to read again (after a write, or when the connection changed). */
  changed(): void {
    this.emitter.fire();
  }

  async call<T>(fn: (connection: Connection, options: Call) => Promise<T>): Promise<T> {
    const name = this.label;
    const connection = await this.service.store.connection(this.connectionId);
    if (!connection) throw new Error(`The connection "${name}" no longer exists: stop browsing it.`);
    try {
      return await fn(connection, { client: await this.service.network.client(), timeoutMs: timeoutMs() });
    } catch (e) {
      throw new Error(explainFailure(e, name));
    }
  }

  list(kind: CollectionKind, startIndex: number, count: number, filter?: string): Promise<DirectoryPage> {
    const projection = kind === 'Groups' ? { excludedAttributes: ['members'] } : {};
    const query = { ...projection, ...(filter ? { filter } : {}) };
    return this.call(async (connection, options) => {
      if (count <= 0) {
        // count=1, not 0: some servers ignore count=0 and send everything.
        const page = await listPage(connection, kind, { ...query, startIndex: 1, count: 1 }, options);
        return { totalResults: page.totalResults, resources: [] };
      }
      // Servers may cap a page below `count`: read on until the page is full or the directory ends.
      const resources: DirectoryPage['resources'][number][] = [];
      let total = 0;
      let start = startIndex;
      while (resources.length < count) {
        const page = await listPage(connection, kind, { ...query, startIndex: start, count: count - resources.length }, options);
        total = page.totalResults;
        resources.push(...page.resources.slice(0, count - resources.length));
        if (page.resources.length === 0 || start - 1 + page.resources.length >= total) break;
        start += page.resources.length;
      }
      return { totalResults: total, resources };
    });
  }

  members(groupId: string): Promise<readonly GroupMember[]> {
    return this.call(async (connection, options) => {
      const group = await get(connection, 'Groups', groupId, { attributes: ['members'] }, options);
      const members = Array.isArray(group.members) ? (group.members as { value?: unknown; display?: unknown }[]) : [];
      return members
        .filter((m) => typeof m.value === 'string')
        .map((m) => ({ value: m.value as string, ...(typeof m.display === 'string' && m.display ? { display: m.display } : {}) }));
    });
  }

  /** A real endpoint does not say which workspaces a deactivated user lost. */
  async lostWorkspaces(): Promise<readonly LostWorkspaceInfo[]> {
    return [];
  }

  documentUri(kind: CollectionKind, id: string): vscode.Uri {
    return remoteResourceUri(this.connectionId, kind, id);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** `scim-remote:/<connection>/Users/<id>.json`: a resource read from the endpoint when opened; read-only. */
export class RemoteResourceDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly browsing: RemoteBrowsing) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const m = /^\/([^/]+)\/(Users|Groups)\/([^/]+)\.json$/.exec(uri.path);
    if (!m) throw new Error(`${uri.toString()} is not a resource of a browsed connection.`);
    const [, connectionId, kind, id] = m as unknown as [string, string, ResourceKind, string];
    const source = this.browsing.sourceFor(connectionId);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const resource = await source.call((connection, options) => get(connection, kind, decodeURIComponent(id), {}, { ...options, signal: abort.signal }));
      return JSON.stringify(resource, null, 2) + '\n';
    } finally {
      sub.dispose();
    }
  }
}

/** The connections browsed in the Directory view. */
export class RemoteBrowsing implements BrowsingView, vscode.Disposable {
  private readonly sources = new Map<string, RemoteDirectorySource>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: vscode.Memento, private readonly service: ConnectionService, private readonly directory: DirectoryTreeProvider) {
    this.subscription = service.store.onDidChange(() => {
      for (const [id, source] of this.sources) {
        if (service.store.get(id)) source.changed();
        else void this.stop(id);
      }
    });
    for (const id of state.get<string[]>(BROWSING_KEY, [])) {
      if (service.store.get(id)) this.add(id);
    }
  }

  isBrowsing(connectionId: string): boolean {
    return this.sources.has(connectionId);
  }

  /** Ids of the browsed connections. */
  browsed(): string[] {
    return [...this.sources.keys()];
  }

  /** The source of a browsed connection; a connection not browsed gets a source outside the tree (for documents). */
  sourceFor(connectionId: string): RemoteDirectorySource {
    return this.sources.get(connectionId) ?? new RemoteDirectorySource(connectionId, this.service);
  }

  private add(connectionId: string): RemoteDirectorySource {
    let source = this.sources.get(connectionId);
    if (!source) {
      source = new RemoteDirectorySource(connectionId, this.service);
      this.sources.set(connectionId, source);
      this.directory.addSource(source);
    }
    return source;
  }

  /** Adds the connection to the Directory view (the mock server is there whenever it runs). */
  async browse(connectionId: string): Promise<RemoteDirectorySource | undefined> {
    if (connectionId === MOCK_CONNECTION_ID) {
      if (!(await this.service.use(connectionId))) return undefined;
      await vscode.commands.executeCommand(`${SECTION}.directory.focus`);
      return undefined;
    }
    if (!this.service.store.get(connectionId)) throw new Error('That connection no longer exists.');
    const source = this.add(connectionId);
    await this.persist();
    this.emitter.fire();
    await vscode.commands.executeCommand(`${SECTION}.directory.focus`);
    return source;
  }

  async stop(connectionId: string): Promise<void> {
    const source = this.sources.get(connectionId);
    if (!source) return;
    this.sources.delete(connectionId);
    this.directory.removeSource(source.id);
    source.dispose();
    await this.persist();
    this.emitter.fire();
  }

  private persist(): Thenable<void> {
    return this.state.update(BROWSING_KEY, [...this.sources.keys()]);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const s of this.sources.values()) s.dispose();
    this.sources.clear();
    this.emitter.dispose();
  }
}

type RemoteNode = DirectoryNode & { readonly source: RemoteDirectorySource };

function remoteNode(node: DirectoryNode | undefined, types: readonly DirectoryNode['type'][]): RemoteNode | undefined {
  if (node && node.source instanceof RemoteDirectorySource && types.includes(node.type)) return node as RemoteNode;
  void vscode.window.showInformationMessage('Select a user or group of a browsed connection in the Directory view first.');
  return undefined;
}

/** Groups listed by Add to Group…: one page is enough for a pick list; any other group is entered by its id. */
const GROUP_PICK_COUNT = 200;

/** Writes on a browsed endpoint (deactivate, reactivate, delete, membership): each names the endpoint and waits for a modal confirmation. */
export function registerRemoteWrites(context: vscode.ExtensionContext, service: ConnectionService, directory: DirectoryTreeProvider): void {
  const write = async (node: RemoteNode, confirm: { message: string; detail: string; button: string }, fn: (c: Connection, o: Call) => Promise<unknown>, done: string) => {
    const choice = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, confirm.button);
    if (choice !== confirm.button) return false;
    try {
      await node.source.call(fn);
    } catch (e) {
      void vscode.window.showErrorMessage(`${confirm.button} failed: ${(e as Error).message}`);
      return false;
    }
    node.source.changed();
    directory.refreshNow();
    vscode.window.setStatusBarMessage(`$(check) ${done}`, 5000);
    return true;
  };
  const where = (node: RemoteNode) => `${node.source.label} (${service.store.info(node.source.connectionId)?.tenantUrl ?? ''})`;
  /** Deactivate or reactivate: PATCH active, with what MURAL does to the user's workspaces in the confirmation. */
  const setActive = async (arg: DirectoryNode | undefined, value: boolean) => {
    const node = remoteNode(arg, ['user']);
    if (!node || node.type !== 'user') return false;
    const id = node.resource.id as string;
    const verb = value ? 'Reactivate' : 'Deactivate';
    return write(node, {
      message: `${verb} ${userLabel(node.resource)} on ${node.source.label}?`,
      detail: `This sends PATCH /Users/${id} with active=${value} to ${where(node)}. ${value
        ? 'In MURAL the user does not get the lost workspaces back: a workspace admin must approve each reactivation request.'
        : 'In MURAL a deactivated user loses every workspace, and reactivating does not give them back.'}`,
      button: verb,
    }, (c, o) => patch(c, 'Users', id, [{ op: 'replace', path: 'active', value }], o), `${userLabel(node.resource)} ${value ? 'reactivated' : 'deactivated'} on ${node.source.label}`);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.remote.deactivateUser`, (arg?: DirectoryNode) => setActive(arg, false)),
    vscode.commands.registerCommand(`${SECTION}.remote.reactivateUser`, (arg?: DirectoryNode) => setActive(arg, true)),
    vscode.commands.registerCommand(`${SECTION}.remote.addToGroup`, async (arg?: DirectoryNode) => {
      const node = remoteNode(arg, ['user']);
      if (!node || node.type !== 'user') return false;
      const id = node.resource.id as string;
      const name = userLabel(node.resource);
      let page;
      try {
        page = await node.source.call((c, o) => listPage(c, 'Groups', { startIndex: 1, count: GROUP_PICK_COUNT, excludedAttributes: ['members'] }, o));
      } catch (e) {
        void vscode.window.showErrorMessage(`Add to Group failed: ${(e as Error).message}`);
        return false;
      }
      const current = new Set(Array.isArray(node.resource.groups) ? (node.resource.groups as { value?: unknown }[]).map((g) => g.value) : []);
      const groups = page.resources.filter((g) => typeof g.id === 'string' && !current.has(g.id));
      const more = page.totalResults > page.resources.length;
      if (groups.length === 0 && !more) {
        void vscode.window.showInformationMessage(page.resources.length === 0
          ? `${node.source.label} has no groups.`
          : `${name} is already in every group of ${node.source.label}.`);
        return false;
      }
      type Item = vscode.QuickPickItem & { id?: string; manual?: true };
      const items: Item[] = groups.map((g) => ({ label: String(g.displayName ?? g.id), description: g.id as string, id: g.id as string }));
      items.push({ label: '$(edit) Enter a group id…', detail: more ? `${page.totalResults - page.resources.length} more groups are not listed here` : undefined, manual: true, alwaysShow: true });
      const pick = await vscode.window.showQuickPick(items, {
        title: `Add ${name} to a group on ${node.source.label}${more ? ` (the first ${page.resources.length} of ${page.totalResults} groups)` : ''}`,
        matchOnDescription: true,
      });
      if (!pick) return false;
      const groupId = pick.manual
        ? (await vscode.window.showInputBox({
          title: `Add ${name} to a group on ${node.source.label}`, prompt: 'The group\'s id on the endpoint',
          validateInput: (v) => (v.trim() ? undefined : 'Enter the group\'s id (the "id" the endpoint gave it).'),
        }))?.trim()
        : pick.id;
      if (!groupId) return false;
      const groupName = pick.manual ? groupId : pick.label;
      return write(node, {
        message: `Add ${name} to ${groupName} on ${node.source.label}?`,
        detail: `This sends PATCH /Groups/${groupId} with {"op": "add", "path": "members", "value": [{"value": "${id}"}]} to ${where(node)}.`,
        button: 'Add',
      }, (c, o) => patch(c, 'Groups', groupId, [{ op: 'add', path: 'members', value: [{ value: id }] }], o), `${name} added to ${groupName} on ${node.source.label}`);
    }),
    vscode.commands.registerCommand(`${SECTION}.remote.removeFromGroup`, async (arg?: DirectoryNode) => {
      const node = remoteNode(arg, ['member']);
      if (!node || node.type !== 'member') return false;
      const { groupId, groupName, member } = node;
      const name = member.display ?? member.value;
      // The filtered path names exactly one member; some endpoints read Entra's legacy value-list remove as "remove all".
      const path = `members[value eq ${JSON.stringify(member.value)}]`;
      return write(node, {
        message: `Remove ${name} from ${groupName} on ${node.source.label}?`,
        detail: `This sends PATCH /Groups/${groupId} with {"op": "remove", "path": ${JSON.stringify(path)}} to ${where(node)}.`,
        button: 'Remove',
      }, (c, o) => patch(c, 'Groups', groupId, [{ op: 'remove', path }], o), `${name} removed from ${groupName} on ${node.source.label}`);
    }),
    vscode.commands.registerCommand(`${SECTION}.remote.deleteResource`, async (arg?: DirectoryNode) => {
      const node = remoteNode(arg, ['user', 'group']);
      if (!node || (node.type !== 'user' && node.type !== 'group')) return false;
      const kind: ResourceKind = node.type === 'user' ? 'Users' : 'Groups';
      const id = node.resource.id as string;
      const name = node.type === 'user' ? userLabel(node.resource) : String(node.resource.displayName ?? id);
      return write(node, {
        message: `Delete ${node.type} ${name} on ${node.source.label}?`,
        detail: `This sends DELETE /${kind}/${id} to ${where(node)}: a hard delete on the real endpoint that cannot be undone.${node.type === 'user' ? ' To keep the user, deactivate instead.' : ''}`,
        button: 'Delete',
      }, (c, o) => remove(c, kind, id, o), `${name} deleted on ${node.source.label}`);
    }),
  );
}
