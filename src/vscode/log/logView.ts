// The provisioning log: every request the mock served, newest first — the local twin of Entra's
// provisioning logs. Selecting an entry opens its request and response (token redacted) in a read-only
// document; entries can be filtered by status and method, cleared and exported as JSON.
import * as vscode from 'vscode';
import { STATUS_CODES } from 'node:http';
import type { RequestLogEntry } from '../../mock/requestLog';
import { BASE_PATHS } from '../../mock/server';
import { prettyJson } from '../../client/text';
import type { Commands } from '../commands';
import { SECTION } from '../config';
import type { MockServerController } from '../mock/controller';

export const LOG_SCHEME = 'scim-log';
const REFRESH_DEBOUNCE_MS = 250;

export interface LogFilter {
  /** Status classes shown (2 = 2xx … 5 = 5xx); empty = all. */
  readonly statusClasses: readonly number[];
  /** Methods shown; empty = all. */
  readonly methods: readonly string[];
}

const NO_FILTER: LogFilter = { statusClasses: [], methods: [] };
const STATUS_CLASSES = [
  { cls: 2, label: '2xx', detail: 'success' },
  { cls: 3, label: '3xx', detail: 'not modified, redirects' },
  { cls: 4, label: '4xx', detail: 'client errors: what Entra would log as a failed request' },
  { cls: 5, label: '5xx', detail: 'server errors (injected faults)' },
];

function shortPath(path: string): string {
  for (const base of BASE_PATHS) if (path.startsWith(base)) return path.slice(base.length) || '/';
  return path;
}

/** The path as a tree label: without the tenant prefix, ids shortened, the query decoded. */
function labelPath(path: string): string {
  const short = shortPath(path).replace(/\/([ug])([0-9a-f]{24})\b/g, (_m, p: string, hex: string) => `/${p}${hex.slice(0, 6)}…`);
  try {
    return decodeURIComponent(short.replace(/\+/g, ' '));
  } catch {
    return short;
  }
}

export function matchesFilter(e: RequestLogEntry, f: LogFilter): boolean {
  if (f.methods.length > 0 && !f.methods.includes(e.method)) return false;
  return f.statusClasses.length === 0 || f.statusClasses.includes(Math.floor(e.status / 100));
}

function pretty(body: string): string {
  return prettyJson(body) || '(no body)';
}

/** The read-only document of one exchange. */
export function renderEntry(e: RequestLogEntry): string {
  const headers = Object.entries(e.requestHeaders)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
  return [
    `${e.method} ${e.path}`,
    `→ ${e.status} ${STATUS_CODES[e.status] ?? ''}   ${e.durationMs.toFixed(1)} ms   ${e.time}`,
    '',
    '──────── Request ────────',
    headers,
    '',
    pretty(e.requestBody),
    '',
    `──────── Response ${e.status} ────────`,
    pretty(e.responseBody),
    '',
  ].join('\n');
}

export class ProvisioningLogProvider implements vscode.TreeDataProvider<RequestLogEntry>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RequestLogEntry | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private current: LogFilter = NO_FILTER;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly mock: MockServerController) {
    this.subscriptions = [
      mock.onDidRequest(() => this.scheduleRefresh()),
      mock.onDidChangeState(() => this.scheduleRefresh()),
    ];
  }

  get filter(): LogFilter {
    return this.current;
  }

  setFilter(filter: LogFilter): void {
    this.current = filter;
    this.emitter.fire(undefined);
  }

  /** Entries as kept by the server, newest first, filtered. */
  entries(): RequestLogEntry[] {
    const all = this.mock.requests();
    const out: RequestLogEntry[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i] as RequestLogEntry;
      if (matchesFilter(e, this.current)) out.push(e);
    }
    return out;
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.emitter.fire(undefined); }, REFRESH_DEBOUNCE_MS);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(element?: RequestLogEntry): RequestLogEntry[] {
    return element ? [] : this.entries();
  }

  getTreeItem(e: RequestLogEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(`${e.method} ${labelPath(e.path)}`, vscode.TreeItemCollapsibleState.None);
    item.id = `request-${e.id}`;
    item.description = `${e.status} · ${e.durationMs < 10 ? e.durationMs.toFixed(1) : Math.round(e.durationMs)} ms · ${e.time.slice(11, 19)}`;
    const icon = e.status >= 500 ? ['error', 'errorForeground'] : e.status >= 400 ? ['warning', 'editorWarning.foreground'] : ['pass', 'charts.green'];
    item.iconPath = new vscode.ThemeIcon(icon[0] as string, new vscode.ThemeColor(icon[1] as string));
    item.tooltip = `${e.method} ${e.path}\n${e.status} ${STATUS_CODES[e.status] ?? ''} in ${e.durationMs.toFixed(1)} ms at ${e.time}`;
    item.contextValue = e.status >= 400 ? 'scim:request:error' : 'scim:request';
    return item;
  }

  uriFor(e: RequestLogEntry): vscode.Uri {
    const slug = shortPath(e.path).split('?')[0]?.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'root';
    return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${e.id}/${e.method} ${slug} ${e.status}.http` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = Number(uri.path.split('/')[1]);
    const entry = this.mock.requests().find((e) => e.id === id);
    return entry ? renderEntry(entry) : 'This request is no longer in the log (it keeps the most recent requests; the size is the "scimWorkbench.mock.requestLogSize" setting).';
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

export function registerProvisioningLog(context: vscode.ExtensionContext, commands: Commands, mock: MockServerController): ProvisioningLogProvider {
  const provider = new ProvisioningLogProvider(mock);
  const view = vscode.window.createTreeView(`${SECTION}.log`, { treeDataProvider: provider });
  const updateMessage = () => {
    const f = provider.filter;
    const parts = [f.statusClasses.map((c) => `${c}xx`).join(', '), f.methods.join(', ')].filter(Boolean);
    view.message = parts.length ? `Showing ${parts.join(' · ')}` : undefined;
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.logFiltered', parts.length > 0);
  };
  context.subscriptions.push(
    provider,
    view,
    // Selecting opens the exchange; item commands would go stale while the log repaints under a burst.
    view.onDidChangeSelection((e) => { if (e.selection[0]) void vscode.commands.executeCommand('scimWorkbench.log.open', e.selection[0]); }),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider),
  );
  commands.register('scimWorkbench.log.open', async (entry?: RequestLogEntry) => {
    const e = entry ?? view.selection[0];
    if (!e) return;
    const doc = await vscode.workspace.openTextDocument(provider.uriFor(e));
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
  });
  commands.register('scimWorkbench.log.filter', async () => {
    type Pick = vscode.QuickPickItem & { cls?: number; method?: string };
    const f = provider.filter;
    const items: Pick[] = [
      { label: 'Status', kind: vscode.QuickPickItemKind.Separator },
      ...STATUS_CLASSES.map((c) => ({ label: c.label, description: c.detail, cls: c.cls, picked: f.statusClasses.includes(c.cls) })),
      { label: 'Method', kind: vscode.QuickPickItemKind.Separator },
      ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ label: m, method: m, picked: f.methods.includes(m) })),
    ];
    const picks = await vscode.window.showQuickPick(items, { title: 'Filter the Provisioning Log', canPickMany: true, placeHolder: 'Nothing picked shows every request' });
    if (!picks) return;
    provider.setFilter({ statusClasses: picks.filter((p) => p.cls).map((p) => p.cls as number), methods: picks.filter((p) => p.method).map((p) => p.method as string) });
    updateMessage();
  });
  commands.register('scimWorkbench.log.clearFilter', () => { provider.setFilter(NO_FILTER); updateMessage(); });
  commands.register('scimWorkbench.log.clear', () => { mock.clearRequests(); provider.refresh(); });
  commands.register('scimWorkbench.log.export', async () => {
    const entries = provider.entries();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('The provisioning log is empty: nothing to export.');
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export the Provisioning Log',
      filters: { JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'scim-provisioning-log.json') } : {}),
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify([...entries].reverse(), null, 2) + '\n', 'utf8'));
    void vscode.window.showInformationMessage(`Exported ${entries.length} requests to ${vscode.workspace.asRelativePath(target)} (tokens are redacted).`);
  });
  return provider;
}
