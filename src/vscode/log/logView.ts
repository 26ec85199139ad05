// The provisioning log: every request the mock served, newest first — the local twin of Entra's
// provisioning logs. Selecting an entry opens its request and response (token redacted) in a read-only
// document; entries can be filtered by status and method, cleared and exported as JSON. During a burst the
// log holds a fraction of a second, so the view also shows a live summary of every request (requests per
// second, errors by status, the latest failure, which stays openable), and can be paused to read a moment
// while the summary goes on.
import * as vscode from 'vscode';
import { STATUS_CODES } from 'node:http';
import { RATE_SPAN_MS, RequestStats, type RequestLogEntry, type RequestSummary } from '../../mock/requestLog';
import { BASE_PATHS } from '../../mock/server';
import { WORKBENCH_HEADER } from '../../client/http';
import { prettyJson } from '../../client/text';
import { counted, formatCount } from '../../scim/text';
import type { Commands } from '../commands';
import { SECTION } from '../config';
import type { MockServerController } from '../mock/controller';
import { RepaintPacer } from './pacer';

export const LOG_SCHEME = 'scim-log';
/** The language of an entry's document: the request file grammar, with long lines wrapped. */
const EXCHANGE_LANGUAGE = 'scim-exchange';
/**
 * While following, the list shows the newest this many requests, so that each repaint during a burst sends
 * the workbench a hundred rows rather than the whole log; paused, it shows every request kept.
 */
export const FOLLOW_ROWS = 100;
/**
 * While requests arrive, the list and its summary repaint together at most this often (see pacer.ts: every
 * repaint costs the workbench the same, a hundred rows or one); a request after a quiet spell shows after
 * FIRST_REPAINT_MS.
 */
export const REPAINT_MS = 1000;
const FIRST_REPAINT_MS = 100;

export interface LogFilter {
  /** Status classes shown (2 = 2xx … 5 = 5xx); empty = all. */
  readonly statusClasses: readonly number[];
  /** Methods shown; empty = all. */
  readonly methods: readonly string[];
  /** Who sent them (see senderOf); empty or absent = everyone. */
  readonly senders?: readonly Sender[];
}

/** `workbench`: SCIM Workbench itself (the Entra check); `client`: Entra, curl, request files, anything else. */
type Sender = 'workbench' | 'client';

/** What in SCIM Workbench sent a request (its X-SCIM-Workbench header, e.g. `entra-check`), or undefined. */
export function workbenchTag(e: RequestLogEntry): string | undefined {
  const v = e.requestHeaders[WORKBENCH_HEADER.toLowerCase()];
  return typeof v === 'string' && v ? v : undefined;
}

/** The SCIM error's detail of a 4xx/5xx answer, if its body has one. */
export function errorDetail(e: RequestLogEntry): string | undefined {
  if (e.status < 400) return undefined;
  try {
    const detail = (JSON.parse(e.responseBody) as { detail?: unknown }).detail;
    return typeof detail === 'string' && detail ? detail : undefined;
  } catch {
    return undefined;
  }
}

const NO_FILTER: LogFilter = { statusClasses: [], methods: [] };
const SENDERS: readonly { sender: Sender; label: string; detail: string }[] = [
  { sender: 'client', label: 'Clients', detail: 'Entra, request files, curl: everything SCIM Workbench did not send itself' },
  { sender: 'workbench', label: 'SCIM Workbench', detail: 'the Entra provisioning check' },
];
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
  if (f.senders?.length && !f.senders.includes(workbenchTag(e) ? 'workbench' : 'client')) return false;
  return f.statusClasses.length === 0 || f.statusClasses.includes(Math.floor(e.status / 100));
}

/** The summary line shown above the list: totals, errors by status, the latest failure. */
export function summaryText(s: RequestSummary): string {
  if (s.total === 0) return '';
  const parts = [counted(s.total, 'request')];
  parts.push(s.errors.length === 0 ? 'no errors' : `errors ${s.errors.map(([status, n]) => `${status} ×${formatCount(n)}`).join(', ')}`);
  const f = s.latestFailure;
  if (f) parts.push(`latest failure: ${f.method} ${labelPath(f.path)} → ${f.status} at ${f.time.slice(11, 19)}`);
  return parts.join(' · ');
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
    Object.entries(e.responseHeaders).map(([k, v]) => `${k}: ${v}`).join('\n'),
    '',
    pretty(e.responseBody),
    '',
  ].join('\n');
}

export class ProvisioningLogProvider implements vscode.TreeDataProvider<RequestLogEntry>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RequestLogEntry | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly repainted = new vscode.EventEmitter<void>();
  /** Fires when the list and the summary repaint: soon after a request, then at most once a REPAINT_MS. */
  readonly onDidRepaint = this.repainted.event;
  private readonly pacer = new RepaintPacer(() => this.repaint(), { firstMs: FIRST_REPAINT_MS, intervalMs: REPAINT_MS, lingerMs: RATE_SPAN_MS });
  /** Requests arrived (or the server stopped or started) since the list was last repainted. */
  private listStale = false;
  private current: LogFilter = NO_FILTER;
  private readonly subscriptions: vscode.Disposable[];
  /** Every request since the start or the last clear, whatever the log keeps. */
  readonly stats = new RequestStats();
  /** While paused: the entries shown (the log as it was), and how many arrived since. */
  private frozen: RequestLogEntry[] | undefined;
  private arrivedSincePause = 0;

  constructor(private readonly mock: MockServerController) {
    this.subscriptions = [
      mock.onDidRequest((e) => {
        this.stats.record(e);
        if (this.frozen) this.arrivedSincePause++;
        else this.listStale = true;
        this.pacer.changedNow();
      }),
      mock.onDidChangeState(() => {
        this.listStale = true;
        this.pacer.changedNow();
      }),
    ];
  }

  get paused(): boolean {
    return this.frozen !== undefined;
  }

  /** Pauses the list on what it shows now (the summary goes on), or follows new requests again. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.frozen = paused ? this.mock.requests() : undefined;
    this.arrivedSincePause = 0;
    this.listStale = false;
    this.emitter.fire(undefined);
  }

  /** Requests answered since the list was paused. */
  get newSincePause(): number {
    return this.arrivedSincePause;
  }

  get filter(): LogFilter {
    return this.current;
  }

  setFilter(filter: LogFilter): void {
    this.current = filter;
    this.emitter.fire(undefined);
  }

  /** Entries as kept by the server (as they were when paused), newest first, filtered. */
  entries(): RequestLogEntry[] {
    const all = this.frozen ?? this.mock.requests();
    const out: RequestLogEntry[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i] as RequestLogEntry;
      if (matchesFilter(e, this.current)) out.push(e);
    }
    return out;
  }

  private repaint(): void {
    if (this.listStale && !this.frozen) {
      this.listStale = false;
      this.emitter.fire(undefined);
    }
    this.repainted.fire();
  }

  /** Forgets the requests: the log, the summary and a paused list. */
  clear(): void {
    this.mock.clearRequests();
    this.stats.clear();
    if (this.frozen) this.frozen = [];
    this.arrivedSincePause = 0;
    this.emitter.fire(undefined);
  }

  getChildren(element?: RequestLogEntry): RequestLogEntry[] {
    if (element) return [];
    const entries = this.entries();
    return this.frozen ? entries : entries.slice(0, FOLLOW_ROWS);
  }

  getTreeItem(e: RequestLogEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(`${e.method} ${labelPath(e.path)}`, vscode.TreeItemCollapsibleState.None);
    item.id = `request-${e.id}`;
    const tag = workbenchTag(e);
    item.description = `${tag ? `${tag} · ` : ''}${e.status} · ${e.durationMs < 10 ? e.durationMs.toFixed(1) : Math.round(e.durationMs)} ms · ${e.time.slice(11, 19)}`;
    const icon = e.status >= 500 ? ['error', 'errorForeground'] : e.status >= 400 ? ['warning', 'editorWarning.foreground'] : ['pass', 'charts.green'];
    item.iconPath = new vscode.ThemeIcon(icon[0] as string, new vscode.ThemeColor(icon[1] as string));
    const detail = errorDetail(e);
    item.tooltip = `${e.method} ${e.path}\n${e.status} ${STATUS_CODES[e.status] ?? ''} in ${e.durationMs.toFixed(1)} ms at ${e.time}${detail ? `\n\n${detail}` : ''}${tag ? `\n\nSent by SCIM Workbench (${tag})` : ''}`;
    item.contextValue = e.status >= 400 ? 'scim:request:error' : 'scim:request';
    return item;
  }

  uriFor(e: RequestLogEntry): vscode.Uri {
    const slug = shortPath(e.path).split('?')[0]?.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'root';
    return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${e.id}/${e.method} ${slug} ${e.status}.http` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = Number(uri.path.split('/')[1]);
    const failure = this.stats.summary().latestFailure;
    const entry = failure?.id === id ? failure : (this.frozen ?? this.mock.requests()).find((e) => e.id === id);
    return entry ? renderEntry(entry) : 'This request is no longer in the log (it keeps the most recent requests; the size is the "scimWorkbench.mock.requestLogSize" setting).';
  }

  dispose(): void {
    this.pacer.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.repainted.dispose();
  }
}

export function registerProvisioningLog(context: vscode.ExtensionContext, commands: Commands, mock: MockServerController): ProvisioningLogProvider {
  const provider = new ProvisioningLogProvider(mock);
  const view = vscode.window.createTreeView(`${SECTION}.log`, { treeDataProvider: provider });
  let shown = { message: '', description: '', failure: false, filtered: false };
  /** The summary and filter above the list, and the rate (or "paused") beside the title; set only when changed. */
  const updateMessage = () => {
    const f = provider.filter;
    const senders = (f.senders ?? []).map((s) => SENDERS.find((d) => d.sender === s)?.label ?? s);
    const parts = [f.statusClasses.map((c) => `${c}xx`).join(', '), f.methods.join(', '), senders.length ? `sent by ${senders.join(', ')}` : ''].filter(Boolean);
    const summary = provider.stats.summary();
    const capped = !provider.paused && mock.requestCount > FOLLOW_ROWS
      ? `Following: the newest ${FOLLOW_ROWS} shown; Pause to browse all ${formatCount(mock.requestCount)} kept` : '';
    const message = [summaryText(summary), parts.length ? `Showing ${parts.join(' · ')}` : '', capped].filter(Boolean).join('\n');
    const rate = summary.perSecond >= 0.5 ? `${formatCount(Math.round(summary.perSecond))} req/s` : '';
    const description = provider.paused
      ? `paused${provider.newSincePause ? ` · ${formatCount(provider.newSincePause)} new` : ''}${rate ? ` · ${rate}` : ''}`
      : rate;
    const next = { message, description, failure: summary.latestFailure !== undefined, filtered: parts.length > 0 };
    if (next.message !== shown.message) view.message = message || undefined;
    if (next.description !== shown.description) view.description = description || undefined;
    if (next.failure !== shown.failure) void vscode.commands.executeCommand('setContext', 'scimWorkbench.logHasFailure', next.failure);
    if (next.filtered !== shown.filtered) void vscode.commands.executeCommand('setContext', 'scimWorkbench.logFiltered', next.filtered);
    shown = next;
  };
  const setPaused = (paused: boolean) => {
    provider.setPaused(paused);
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.logPaused', paused);
    updateMessage();
  };
  context.subscriptions.push(
    provider,
    view,
    provider.onDidRepaint(updateMessage),
    // Selecting opens the exchange; item commands would go stale while the log repaints under a burst.
    view.onDidChangeSelection((e) => { if (e.selection[0]) void vscode.commands.executeCommand('scimWorkbench.log.open', e.selection[0]); }),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider),
  );
  commands.register('scimWorkbench.log.open', async (entry?: RequestLogEntry) => {
    const e = entry ?? view.selection[0];
    if (!e) return;
    let doc = await vscode.workspace.openTextDocument(provider.uriFor(e));
    // A language of its own, whose default wraps long lines (package.json configurationDefaults), so users'
    // .http files keep their word-wrap setting.
    if (doc.languageId !== EXCHANGE_LANGUAGE) doc = await vscode.languages.setTextDocumentLanguage(doc, EXCHANGE_LANGUAGE);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
  });
  commands.register('scimWorkbench.log.filter', async () => {
    type Pick = vscode.QuickPickItem & { cls?: number; method?: string; sender?: Sender };
    const f = provider.filter;
    const items: Pick[] = [
      { label: 'Status', kind: vscode.QuickPickItemKind.Separator },
      ...STATUS_CLASSES.map((c) => ({ label: c.label, description: c.detail, cls: c.cls, picked: f.statusClasses.includes(c.cls) })),
      { label: 'Method', kind: vscode.QuickPickItemKind.Separator },
      ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ label: m, method: m, picked: f.methods.includes(m) })),
      { label: 'Sent by', kind: vscode.QuickPickItemKind.Separator },
      ...SENDERS.map((s) => ({ label: s.label, description: s.detail, sender: s.sender, picked: f.senders?.includes(s.sender) ?? false })),
    ];
    const picks = await vscode.window.showQuickPick(items, { title: 'Filter the Provisioning Log', canPickMany: true, placeHolder: 'Nothing picked shows every request' });
    if (!picks) return;
    provider.setFilter({
      statusClasses: picks.filter((p) => p.cls).map((p) => p.cls as number),
      methods: picks.filter((p) => p.method).map((p) => p.method as string),
      senders: picks.filter((p) => p.sender).map((p) => p.sender as Sender),
    });
    updateMessage();
  });
  commands.register('scimWorkbench.log.clearFilter', () => { provider.setFilter(NO_FILTER); updateMessage(); });
  commands.register('scimWorkbench.log.clear', () => { provider.clear(); updateMessage(); });
  commands.register('scimWorkbench.log.pause', () => setPaused(true));
  commands.register('scimWorkbench.log.follow', () => setPaused(false));
  commands.register('scimWorkbench.log.openLatestFailure', async () => {
    const failure = provider.stats.summary().latestFailure;
    if (!failure) {
      void vscode.window.showInformationMessage('No request has failed since the log was cleared.');
      return;
    }
    await vscode.commands.executeCommand('scimWorkbench.log.open', failure);
  });
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
    void vscode.window.showInformationMessage(`Exported ${counted(entries.length, 'request')} to ${vscode.workspace.asRelativePath(target)} (tokens are redacted).`);
  });
  return provider;
}
