// Sends one request to a connection and shows what came back: the status bar follows the request (sending,
// then the status of the response editor in view — it goes with that editor — or a failure until another editor
// is chosen; click to cancel or to show the response), a request still running after a second gets a
// cancellable notification, the response opens read-only beside the request, the exchange goes to the
// history and the output channel. Everything shown or stored comes from the client already redacted.
import * as vscode from 'vscode';
import type { HttpResponse } from '../../client/http';
import { HttpError } from '../../client/httpError';
import { credentialOf, redact, redactHeaders, secretsOf } from '../../client/redact';
import { parseTenantUrl } from '../../client/tenantUrl';
import { requestTimeoutMs, settingId } from '../config';
import type { NetworkClient } from '../connections/network';
import type { Target } from '../connections/service';
import { ReadOnlyDocuments } from '../connections/documents';
import type { HistoryEntry, RequestHistory } from './history';
import { renderResponse, statusSummary } from '../../client/responseText';

export const RESPONSE_SCHEME = 'scim-response';
/** A request running longer than this gets a notification with a Cancel button. */
const NOTIFY_AFTER_MS = 1000;

export interface OutgoingRequest {
  readonly method: string;
  /** Absolute, or relative to the connection's tenant URL (`/Users`). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The request's name in its file. */
  readonly name?: string;
}

export interface SendResult {
  readonly response?: HttpResponse;
  readonly error?: HttpError | Error;
  /** The response editor. */
  readonly editor?: vscode.TextEditor;
  readonly entry?: HistoryEntry;
}

/** `Users`, `u1a2b3…` or `Users?filter…`: the end of a URL, for titles. */
function shortPath(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? '';
  const last = path.split('/').filter(Boolean).pop() ?? '/';
  return last.length > 24 ? `${last.slice(0, 23)}…` : last;
}

export class RequestSender implements vscode.Disposable {
  readonly documents = new ReadOnlyDocuments(RESPONSE_SCHEME);
  private readonly statusBar = vscode.window.createStatusBarItem('scimWorkbench.request', vscode.StatusBarAlignment.Left, 49);
  private readonly pending = new Set<AbortController>();
  private seq = 0;
  private last: vscode.Uri | undefined;
  /** The response document of each history entry sent in this session. */
  private readonly responses = new Map<string, vscode.Uri>();
  /** The status bar's text for each response document still kept, oldest first. */
  private readonly summaries = new Map<string, { readonly uri: vscode.Uri; readonly text: string; readonly tooltip: string }>();
  /** A failure or cancellation, which has no editor: shown until another editor becomes active. */
  private notice: { readonly text: string; readonly tooltip: string; readonly command: string | undefined } | undefined;
  private readonly subscriptions: vscode.Disposable[];
  private shown: string | undefined;

  constructor(private readonly network: NetworkClient, private readonly history: RequestHistory, private readonly log: vscode.LogOutputChannel) {
    this.statusBar.name = 'SCIM Request';
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => { this.notice = undefined; this.updateStatus(); }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.updateStatus()),
    ];
  }

  /** What the status-bar item says, or undefined while it is hidden. */
  get statusText(): string | undefined {
    return this.shown;
  }

  /** The response document of a history entry, while this session still has it. */
  responseOf(entryId: string): vscode.Uri | undefined {
    const uri = this.responses.get(entryId);
    return uri && this.documents.has(uri) ? uri : undefined;
  }

  get lastResponse(): vscode.Uri | undefined {
    return this.last && this.documents.has(this.last) ? this.last : undefined;
  }

  /** Cancels every request in flight. */
  cancelAll(): number {
    const n = this.pending.size;
    for (const c of this.pending) c.abort();
    return n;
  }

  async send(request: OutgoingRequest, target: Target | undefined, source?: vscode.Uri): Promise<SendResult> {
    const abort = new AbortController();
    this.pending.add(abort);
    const label = `${request.method} ${shortPath(request.url)}`;
    this.notice = undefined;
    this.showState(`$(sync~spin) ${label}`, `Sending ${request.method} ${request.url}${target ? ` to ${target.name}` : ''} — click to cancel`, 'scimWorkbench.requests.cancel');
    let work: Promise<HttpResponse>;
    try {
      const client = await this.network.client();
      work = client.send(
        { method: request.method, url: request.url, ...(request.headers ? { headers: request.headers } : {}), ...(request.body !== undefined ? { body: request.body } : {}) },
        { ...(target ? { connection: target.connection } : {}), signal: abort.signal, timeoutMs: requestTimeoutMs() },
      );
    } catch (e) {
      work = Promise.reject(e);
    }
    const timer = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending ${label}${target ? ` to ${target.name}` : ''}…`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return work.then(() => undefined, () => undefined);
        });
    }, NOTIFY_AFTER_MS);
    try {
      const response = await work;
      return await this.received(request, target, source, response);
    } catch (e) {
      return await this.failed(request, target, source, e as Error);
    } finally {
      clearTimeout(timer);
      this.pending.delete(abort);
      this.updateStatus();
    }
  }

  private async received(request: OutgoingRequest, target: Target | undefined, source: vscode.Uri | undefined, response: HttpResponse): Promise<SendResult> {
    const at = new Date();
    const icon = response.status === 429 ? '$(watch)' : response.status >= 400 ? '$(warning)' : '$(check)';
    this.log.info(`${response.request.method} ${response.request.url} → ${response.status} ${response.statusText} (${Math.round(response.durationMs)} ms)${target ? ` [${target.name}]` : ''}`);
    const entry = await this.record(request, target, source, { status: response.status, statusText: response.statusText, durationMs: Math.round(response.durationMs) });
    const uri = vscode.Uri.from({ scheme: RESPONSE_SCHEME, path: `/${++this.seq}/${response.status} ${response.request.method} ${shortPath(response.request.url)}` });
    this.documents.set(uri, renderResponse(response, { at, ...(target ? { connectionName: target.name } : {}), ...(request.name ? { requestName: request.name } : {}) }));
    this.last = uri;
    if (entry) this.responses.set(entry.id, uri);
    for (const [key, kept] of this.summaries) if (!this.documents.has(kept.uri)) this.summaries.delete(key);
    this.summaries.set(uri.toString(), {
      uri,
      text: `${icon} ${statusSummary(response)}`,
      tooltip: `${response.request.method} ${response.request.url}\n${response.status} ${response.statusText} in ${Math.round(response.durationMs)} ms — click to show the response`,
    });
    const editor = await this.documents.show(uri, 'http', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
    return { response, editor, ...(entry ? { entry } : {}) };
  }

  private async failed(request: OutgoingRequest, target: Target | undefined, source: vscode.Uri | undefined, e: Error): Promise<SendResult> {
    const cancelled = e instanceof HttpError && e.kind === 'aborted';
    const secrets = secretsOf([target?.connection.token]);
    const message = redact(e.message, secrets);
    const entry = await this.record(request, target, source, { error: cancelled ? 'Cancelled' : message });
    if (cancelled) {
      this.notice = { text: '$(circle-slash) Cancelled', tooltip: `${request.method} ${request.url} was cancelled`, command: undefined };
      return { error: e, ...(entry ? { entry } : {}) };
    }
    this.log.warn(`${request.method} ${redact(request.url, secrets)}: ${message}${target ? ` [${target.name}]` : ''}`);
    this.notice = { text: `$(error) ${request.method} failed`, tooltip: message, command: 'scimWorkbench.output.show' };
    const kind = e instanceof HttpError ? e.kind : undefined;
    const settings = kind === 'tls' ? { title: 'Trust a CA…', key: settingId('network.extraCaCertificates') }
      : kind === 'proxy' || kind === 'timeout' || kind === 'dns' || /proxy/i.test(message) ? { title: 'Proxy Settings', key: 'http.proxy' }
        : undefined;
    // At most two buttons: the connection's test, then the setting that may fix it or the log.
    const actions = [...(target ? ['Test Connection'] : []), settings ? settings.title : 'Show Output'];
    void vscode.window.showErrorMessage(`${request.method} ${shortPath(request.url)} failed: ${message}`, ...actions).then((choice) => {
      if (choice === 'Test Connection' && target) void vscode.commands.executeCommand('scimWorkbench.connections.test', target.id);
      if (settings && choice === settings.title) void vscode.commands.executeCommand('workbench.action.openSettings', settings.key);
      if (choice === 'Show Output') void vscode.commands.executeCommand('scimWorkbench.output.show');
    });
    return { error: e, ...(entry ? { entry } : {}) };
  }

  /** Records the request as it was asked for (not after redirects), redacted, so it can be sent again. */
  private record(request: OutgoingRequest, target: Target | undefined, source: vscode.Uri | undefined,
    outcome: Pick<HistoryEntry, 'status' | 'statusText' | 'durationMs' | 'error'>): Promise<HistoryEntry | undefined> {
    const headers = request.headers ?? {};
    const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    const secrets = secretsOf([target?.connection.token, auth === undefined ? undefined : credentialOf(auth)]);
    let url = request.url;
    let path: string | undefined;
    if (target) {
      const base = safeBase(target.connection.tenantUrl);
      if (base && !/^https?:\/\//i.test(url)) {
        path = `/${url.replace(/^\/+/, '')}`;
        url = `${base}${path}`;
      } else if (base && url.startsWith(`${base}/`)) {
        path = url.slice(base.length);
      }
    }
    return this.history.add({
      ...(target ? { connectionId: target.id, connectionName: target.name } : {}),
      ...(request.name ? { name: request.name } : {}),
      method: request.method.toUpperCase(),
      url: redact(url, secrets),
      ...(path !== undefined ? { path: redact(path, secrets) } : {}),
      headers: redactHeaders(headers, secrets),
      ...(request.body !== undefined ? { body: redact(request.body, secrets) } : {}),
      ...outcome,
      ...(source ? { source: source.toString() } : {}),
    });
  }

  /**
   * While a request runs the item says so; then it shows a failure until another editor is chosen, else the
   * status of the response in the active editor or, when none is active, of the newest response in view; with
   * no response editor in view it hides, so it never describes a response that is gone.
   */
  private updateStatus(): void {
    if (this.pending.size > 0) return;
    if (this.notice) {
      this.showState(this.notice.text, this.notice.tooltip, this.notice.command);
      return;
    }
    const inView = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const newest = [...this.summaries.keys()].reverse().find((k) => inView.has(k));
    const summary = this.summaries.get(active !== undefined && this.summaries.has(active) ? active : newest ?? '');
    if (!summary) {
      this.statusBar.hide();
      this.shown = undefined;
      return;
    }
    this.showState(summary.text, summary.tooltip, { title: 'Show Response', command: 'scimWorkbench.requests.showResponse', arguments: [summary.uri] });
  }

  private showState(text: string, tooltip: string, command: string | vscode.Command | undefined): void {
    this.statusBar.text = text;
    this.statusBar.tooltip = tooltip;
    this.statusBar.command = command;
    this.statusBar.show();
    this.shown = text;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.cancelAll();
    this.statusBar.dispose();
    this.documents.dispose();
  }
}

function safeBase(tenantUrl: string): string | undefined {
  try {
    return parseTenantUrl(tenantUrl).base;
  } catch {
    return undefined;
  }
}
