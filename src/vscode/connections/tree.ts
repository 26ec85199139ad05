// The Connections view: the mock server (running or stopped, its URL), the saved endpoints with their last
// Test Connection result, and the history of sent requests. Items carry stable ids and contextValues such as
// `scim:connection:saved:browsing:report` that the menus match.
import * as vscode from 'vscode';
import type { HistoryEntry } from '../requests/history';
import { counted } from '../../scim/text';
import { shortTime, type ConnectionService } from './service';
import { MOCK_CONNECTION_ID, type ConnectionInfo } from './store';

export type ConnectionNode =
  | { readonly type: 'connection'; readonly id: string }
  | { readonly type: 'add' }
  | { readonly type: 'history' }
  | { readonly type: 'request'; readonly entry: HistoryEntry };

/** What the view needs of the request history (owned by the requests module). */
export interface HistoryView {
  entries(): readonly HistoryEntry[];
  readonly onDidChange: vscode.Event<void>;
}

/** Which connections the Directory view browses (owned by the browse module). */
export interface BrowsingView {
  isBrowsing(connectionId: string): boolean;
  readonly onDidChange: vscode.Event<void>;
}

const HISTORY_NODE: ConnectionNode = { type: 'history' };
const ADD_NODE: ConnectionNode = { type: 'add' };

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** `api.mural.co/enterprise/v1/scim?aadOptscim062020`: the URL without its scheme. */
function shortUrl(url: string): string {
  return url.replace(/^https:\/\//, '');
}

export function historyLabel(e: HistoryEntry): string {
  const path = e.path ?? e.url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  let shown = path;
  try {
    shown = decodeURIComponent(path.replace(/\+/g, ' '));
  } catch {
    // not %-encoded text: shown as sent
  }
  return `${e.status ?? (e.error === 'Cancelled' ? 'cancelled' : 'failed')} ${e.method} ${shown}`;
}

export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ConnectionNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConnectionNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private history: HistoryView | undefined;
  private browsing: BrowsingView | undefined;

  constructor(private readonly service: ConnectionService) {
    this.subscriptions.push(service.store.onDidChange(() => this.refresh()));
  }

  attachHistory(history: HistoryView): void {
    this.history = history;
    this.subscriptions.push(history.onDidChange(() => this.refresh()));
    this.refresh();
  }

  attachBrowsing(browsing: BrowsingView): void {
    this.browsing = browsing;
    this.subscriptions.push(browsing.onDidChange(() => this.refresh()));
    this.refresh();
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getParent(node: ConnectionNode): ConnectionNode | undefined {
    return node.type === 'request' ? HISTORY_NODE : undefined;
  }

  getChildren(node?: ConnectionNode): ConnectionNode[] {
    if (!node) {
      const out: ConnectionNode[] = this.service.store.all().map((c) => ({ type: 'connection', id: c.id }));
      if (this.service.store.saved().length === 0) out.push(ADD_NODE);
      if (this.history?.entries().length) out.push(HISTORY_NODE);
      return out;
    }
    if (node.type === 'history') return (this.history?.entries() ?? []).map((entry) => ({ type: 'request', entry }));
    return [];
  }

  async getTreeItem(node: ConnectionNode): Promise<vscode.TreeItem> {
    switch (node.type) {
      case 'connection': {
        const info = this.service.store.info(node.id);
        if (!info) return new vscode.TreeItem('(removed)');
        return this.connectionItem(info, info.kind === 'saved' ? Boolean(await this.service.store.token(info.id)) : true);
      }
      case 'add': {
        const item = new vscode.TreeItem('Add Connection…');
        item.id = 'add';
        item.description = 'a real SCIM endpoint (MURAL, staging, your own)';
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: 'scimWorkbench.connections.add', title: 'Add Connection…' };
        item.contextValue = 'scim:addConnection';
        return item;
      }
      case 'history': {
        const n = this.history?.entries().length ?? 0;
        const item = new vscode.TreeItem('History', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'history';
        item.description = counted(n, 'request');
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'scim:history';
        item.tooltip = 'Requests sent from request files, payloads and this history, newest first (tokens are never kept).';
        return item;
      }
      case 'request':
        return historyItem(node.entry);
    }
  }

  private connectionItem(info: ConnectionInfo, hasToken: boolean): vscode.TreeItem {
    const item = new vscode.TreeItem(info.name);
    item.id = `connection/${info.id}`;
    const mock = info.id === MOCK_CONNECTION_ID;
    // What changes first (state, token, last test), the URL last: narrow sidebars cut the end off.
    const test = info.lastTest ? `${info.lastTest.ok ? 'passed' : 'failed'} ${shortTime(info.lastTest.at)}` : undefined;
    item.description = [
      mock ? (info.tenantUrl ? 'running' : 'stopped') : undefined,
      hasToken ? undefined : 'no token',
      test,
      info.tenantUrl ? shortUrl(info.tenantUrl) : undefined,
    ].filter(Boolean).join(' · ');
    item.iconPath = info.lastTest
      ? new vscode.ThemeIcon(info.lastTest.ok ? 'pass' : 'error', new vscode.ThemeColor(info.lastTest.ok ? 'testing.iconPassed' : 'testing.iconFailed'))
      : new vscode.ThemeIcon(mock ? 'radio-tower' : 'cloud');
    const browsing = this.browsing?.isBrowsing(info.id) ?? false;
    item.contextValue = [
      'scim:connection', info.kind,
      ...(mock ? [info.tenantUrl ? 'running' : 'stopped'] : []),
      ...(browsing ? ['browsing'] : []),
      ...(this.service.reportOf(info.id) ? ['report'] : []),
    ].join(':');
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = { enabledCommands: ['scimWorkbench.connections.test', 'scimWorkbench.connections.showReport', 'scimWorkbench.connections.setToken'] };
    md.appendMarkdown(`**${escapeMd(info.name)}**${mock ? ' — the mock MURAL SCIM server in this window' : ''}\n\n`);
    md.appendMarkdown(`Tenant URL: ${info.tenantUrl ? `\`${info.tenantUrl}\`` : 'none while stopped'}\n\n`);
    if (info.tenantUrl?.toLowerCase().includes('?aadoptscim062020')) {
      md.appendMarkdown('Entra\'s `aadOptscim062020` flag is set: Entra sends RFC-compliant PATCH requests to this URL.\n\n');
    }
    md.appendMarkdown(`Auth: \`Authorization: ${info.authScheme} <token>\`${info.authScheme === 'Bearer' ? ' (what Entra sends)' : ' (MURAL\'s examples; Entra sends Bearer)'}\n\n`);
    if (!mock) {
      md.appendMarkdown(hasToken
        ? 'Secret token: stored in VS Code\'s secret storage\n\n'
        : `Secret token: **none** — [Set Secret Token…](command:scimWorkbench.connections.setToken?${encodeURIComponent(JSON.stringify([info.id]))})\n\n`);
    }
    const args = encodeURIComponent(JSON.stringify([info.id]));
    if (info.lastTest) {
      md.appendMarkdown(`Last Test Connection: **${info.lastTest.ok ? 'passed' : 'failed'}** ${shortTime(info.lastTest.at)} (${info.lastTest.durationMs} ms) — ${escapeMd(info.lastTest.summary)}\n\n`);
      md.appendMarkdown(`$(beaker) [Test again](command:scimWorkbench.connections.test?${args})${this.service.reportOf(info.id) ? ` · $(output) [Show report](command:scimWorkbench.connections.showReport?${args})` : ''}`);
    } else {
      md.appendMarkdown(`$(beaker) [Test Connection](command:scimWorkbench.connections.test?${args})`);
    }
    item.tooltip = md;
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

function historyItem(e: HistoryEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(historyLabel(e));
  item.id = `history/${e.id}`;
  item.description = [e.connectionName, shortTime(e.at)].filter(Boolean).join(' · ');
  const status = e.status;
  item.iconPath = status === undefined
    ? new vscode.ThemeIcon(e.error === 'Cancelled' ? 'circle-slash' : 'error', e.error === 'Cancelled' ? undefined : new vscode.ThemeColor('testing.iconFailed'))
    : new vscode.ThemeIcon(status >= 400 ? 'warning' : 'check', new vscode.ThemeColor(status >= 500 ? 'testing.iconFailed' : status >= 400 ? 'list.warningForeground' : 'testing.iconPassed'));
  item.tooltip = [
    `${e.method} ${e.url}`,
    status !== undefined ? `→ ${status} ${e.statusText ?? ''} in ${e.durationMs ?? '?'} ms` : `→ ${e.error ?? 'no answer'}`,
    `${e.connectionName ? `to ${e.connectionName}, ` : ''}${new Date(e.at).toLocaleString('en-GB')}`,
    e.bodyOmitted ? 'The body was too large to keep: send it from its file again.' : 'Select to show the response; the inline button sends it again.',
  ].join('\n');
  item.contextValue = e.bodyOmitted ? 'scim:historyEntry:noBody' : 'scim:historyEntry';
  item.command = { command: 'scimWorkbench.requests.openHistoryEntry', title: 'Show Response', arguments: [e.id] };
  return item;
}
