// Browsing a real endpoint in the Directory view: a DirectorySource over HTTP (pages with startIndex/count,
// the view's filter passed through, members read with ?attributes=members), read-only JSON documents of its
// users and groups, and the only writes allowed (remoteWrites.ts), each confirmed in a modal dialog that names
// the endpoint. Which connections are browsed is kept per workspace.
import * as vscode from 'vscode';
import type { Connection, HttpClient } from '../../client/http';
import { isHttpError } from '../../client/httpError';
import { get, listPage, ScimRequestError, type ResourceKind } from '../../client/scim';
import { compareKeys, firstInOrder, orderKey } from '../../scim/displayOrder';
import { requestTimeoutMs } from '../config';
import { tabName, type CollectionKind, type DirectoryPage, type DirectorySource, type GroupMember, type GroupMemberPage, type LostWorkspaceInfo } from '../directory/source';
import type { DirectoryTreeProvider } from '../directory/tree';
import { errorAdvice } from '../../client/responseText';
import { RemoteDirectoryWrites } from './remoteWrites';
import type { ConnectionService } from './service';
import { MOCK_CONNECTION_ID } from './store';
import type { BrowsingView } from './tree';

export const REMOTE_SCHEME = 'scim-remote';
const BROWSING_KEY = 'scimWorkbench.browsing';

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

export function remoteResourceUri(connectionId: string, kind: ResourceKind, id: string, name?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, path: `/${connectionId}/${kind}/${encodeURIComponent(id)}/${tabName(name, id)}.json` });
}

export type Call = { readonly client: HttpClient; readonly timeoutMs: number };

/** A saved connection's directory, read over HTTP a page at a time. */
export class RemoteDirectorySource implements DirectorySource, vscode.Disposable {
  readonly kind = 'remote' as const;
  readonly id: string;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  readonly writes: RemoteDirectoryWrites;

  constructor(readonly connectionId: string, private readonly service: ConnectionService) {
    this.id = `remote:${connectionId}`;
    this.writes = new RemoteDirectoryWrites(this, service);
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
      return await fn(connection, { client: await this.service.network.client(), timeoutMs: requestTimeoutMs() });
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

  /** The group's members come in one GET (SCIM has no paging of members): ordered here, the page returned. */
  members(groupId: string, startIndex: number, count: number): Promise<GroupMemberPage> {
    return this.call(async (connection, options) => {
      const group = await get(connection, 'Groups', groupId, { attributes: ['members'] }, options);
      const listed = Array.isArray(group.members) ? (group.members as { value?: unknown; display?: unknown }[]) : [];
      const members = listed
        .filter((m) => typeof m.value === 'string')
        .map((m): GroupMember => ({ value: m.value as string, ...(typeof m.display === 'string' && m.display ? { display: m.display } : {}) }));
      const from = Math.max(0, startIndex - 1);
      const first = firstInOrder(members, from + Math.max(0, count), (m) => orderKey(m.display ?? m.value, '', m.value), compareKeys);
      return { totalResults: members.length, members: first.slice(from) };
    });
  }

  /** A real endpoint does not say which workspaces a deactivated user lost. */
  async lostWorkspaces(): Promise<readonly LostWorkspaceInfo[]> {
    return [];
  }

  documentUri(kind: CollectionKind, id: string, name?: string): vscode.Uri {
    return remoteResourceUri(this.connectionId, kind, id, name);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** `scim-remote:/<connection>/Users/<id>/<userName>.json`: a resource read from the endpoint when opened; read-only. */
export class RemoteResourceDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly browsing: RemoteBrowsing) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const m = /^\/([^/]+)\/(Users|Groups)\/([^/]+)\/[^/]+\.json$/.exec(uri.path);
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
      await vscode.commands.executeCommand('scimWorkbench.directory.focus');
      return undefined;
    }
    if (!this.service.store.get(connectionId)) throw new Error('That connection no longer exists.');
    const source = this.add(connectionId);
    await this.persist();
    this.emitter.fire();
    await vscode.commands.executeCommand('scimWorkbench.directory.focus');
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
