// Connections as the rest of the extension uses them: choose one (quick pick), make it ready to send (the mock
// server started if the user agrees), and run Entra's Test Connection against it with progress, a verdict in
// words and a full report document. Holds the store, the shared HTTP client and the report documents.
import * as vscode from 'vscode';
import type { Connection } from '../../client/http';
import { testConnection, type TestConnectionResult } from '../../client/testConnection';
import { settingId } from '../config';
import type { MockServerController } from '../mock/controller';
import { startWithFeedback } from '../mock/commands';
import { ReadOnlyDocuments } from './documents';
import { NetworkClient } from './network';
import { renderTestReport } from '../../client/testConnectionReport';
import { counted } from '../../scim/text';
import { ConnectionStore, MOCK_CONNECTION_ID, type ConnectionInfo } from './store';

export const REPORT_SCHEME = 'scim-report';

/** A connection ready to send to: its id and name for history and messages, and what the client needs. */
export interface Target {
  readonly id: string;
  readonly name: string;
  readonly connection: Connection;
}

export interface PickOptions {
  readonly title: string;
  readonly placeHolder?: string;
  /** Shown first, marked "last used". */
  readonly preselect?: string;
}

type PickItem = vscode.QuickPickItem & { readonly connectionId?: string; readonly add?: true };

/** `14:03` today, `3 Mar 14:03` another day. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === now.toDateString() ? time : `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

export class ConnectionService implements vscode.Disposable {
  readonly store: ConnectionStore;
  readonly network = new NetworkClient();
  readonly reports = new ReadOnlyDocuments(REPORT_SCHEME, 20);
  private readonly reportUris = new Map<string, vscode.Uri>();
  private readonly running = new Map<string, Promise<TestConnectionResult | undefined>>();

  constructor(context: vscode.ExtensionContext, readonly mock: MockServerController, private readonly log: vscode.LogOutputChannel) {
    this.store = new ConnectionStore(context, mock);
  }

  /** Asks which connection to use; "Add Connection…" runs the add command. Undefined when dismissed. */
  async pick(options: PickOptions): Promise<string | undefined> {
    const items: PickItem[] = [];
    const all = this.store.all();
    const ordered = options.preselect ? [...all.filter((c) => c.id === options.preselect), ...all.filter((c) => c.id !== options.preselect)] : all;
    for (const c of ordered) {
      items.push({
        label: `$(${c.kind === 'mock' ? 'radio-tower' : 'cloud'}) ${c.name}`,
        description: c.tenantUrl ?? 'stopped — choosing it starts it',
        detail: [
          c.id === options.preselect ? 'last used' : undefined,
          c.lastTest ? `${c.lastTest.ok ? 'Test Connection passed' : 'Test Connection failed'} ${shortTime(c.lastTest.at)}` : undefined,
        ].filter(Boolean).join(' · ') || undefined,
        connectionId: c.id,
      });
    }
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(add) Add Connection…', detail: 'A real SCIM endpoint: tenant URL and secret token', add: true });
    const choice = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder ?? 'Choose a connection', matchOnDescription: true });
    if (!choice) return undefined;
    if (choice.add) return vscode.commands.executeCommand<string | undefined>('scimWorkbench.connections.add');
    return choice.connectionId;
  }

  /**
   * The connection ready to send to, or undefined (after saying why) when it is gone or the mock server is
   * stopped and the user did not start it. `startMock: 'start'` starts a stopped mock without asking (it was
   * just chosen from a list that said so).
   */
  async use(id: string, startMock: 'ask' | 'start' = 'ask'): Promise<Target | undefined> {
    const info = this.store.info(id);
    if (!info) {
      void vscode.window.showWarningMessage('That connection no longer exists (it was removed, perhaps in another window). Choose another one.');
      return undefined;
    }
    if (id === MOCK_CONNECTION_ID && this.mock.state.status !== 'running') {
      if (startMock === 'ask') {
        const choice = await vscode.window.showWarningMessage('The mock SCIM server is not running.', 'Start Mock SCIM Server');
        if (choice !== 'Start Mock SCIM Server') return undefined;
      }
      const started = await startWithFeedback(this.mock);
      if (!started.ok) return undefined;
    }
    const connection = await this.store.connection(id);
    return connection ? { id, name: info.name, connection } : undefined;
  }

  /** Picks (unless `id` is given) and makes ready. */
  async choose(options: PickOptions & { readonly id?: string }): Promise<Target | undefined> {
    const id = options.id ?? await this.pick(options);
    return id ? this.use(id, options.id ? 'ask' : 'start') : undefined;
  }

  /** The last report of a connection in this session. */
  reportOf(id: string): vscode.Uri | undefined {
    const uri = this.reportUris.get(id);
    return uri && this.reports.has(uri) ? uri : undefined;
  }

  /**
   * Runs Entra's Test Connection against `id` with a cancellable progress notification, records the verdict
   * for the Connections view and the report for "Show Report", and tells the user what passed or what to fix.
   * A second request for the same connection while one runs joins it.
   */
  test(id: string): Promise<TestConnectionResult | undefined> {
    const running = this.running.get(id);
    if (running) return running;
    const run = this.runTest(id).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async runTest(id: string): Promise<TestConnectionResult | undefined> {
    const target = await this.use(id);
    if (!target) return undefined;
    const client = await this.network.clientFor('Test Connection');
    if (!client) return undefined;
    const at = new Date();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Test Connection: ${target.name}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: 'GET /Users and /Groups, as Entra sends them' });
        return testConnection(target.connection, { client, signal: abort.signal });
      });
    // The report first: recording the result repaints the view, whose menu offers the report.
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${id}/Test Connection – ${target.name}.md` });
    this.reports.set(uri, renderTestReport(target.name, result, at));
    this.reportUris.set(id, uri);
    await this.store.recordTest(id, result, at);
    this.log[result.ok ? 'info' : 'warn'](`Test Connection "${target.name}" (${result.tenantUrl}): ${result.ok ? 'passed' : 'failed'} — ${result.summary}`);
    void this.tell(target, result);
    return result;
  }

  private async tell(target: Target, result: TestConnectionResult): Promise<void> {
    const info = this.store.info(target.id) as ConnectionInfo;
    if (result.ok) {
      const warn = result.warnings.length ? ` ${counted(result.warnings.length, 'warning')}: ${result.warnings[0]}` : '';
      const choice = await vscode.window.showInformationMessage(
        `Test Connection passed for "${target.name}": /Users and /Groups answered Entra's probes as Entra expects.${warn}`, 'Show Report');
      if (choice) await this.showReport(target.id);
      return;
    }
    const failed = result.probes.find((p) => !p.ok && !p.skipped);
    const fix = fixAction(info, failed?.response?.status, failed?.error?.kind, result.probes.length === 0);
    const what = failed?.explanation && failed.explanation !== result.summary ? `${result.summary} ${failed.explanation}` : result.summary;
    const choice = await vscode.window.showErrorMessage(`Test Connection failed for "${target.name}": ${what}`, 'Show Report', ...(fix ? [fix.title] : []));
    if (choice === 'Show Report') await this.showReport(target.id);
    else if (fix && choice === fix.title) await vscode.commands.executeCommand(fix.command, ...fix.args);
  }

  async showReport(id: string): Promise<void> {
    const uri = this.reportOf(id);
    if (!uri) {
      const name = this.store.info(id)?.name ?? 'this connection';
      const choice = await vscode.window.showInformationMessage(`There is no Test Connection report for "${name}" in this session: run Test Connection first.`, 'Test Connection');
      if (choice) await this.test(id);
      return;
    }
    // Rendered, as the Entra provisioning check's report opens (its `.md` path makes it Markdown).
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }

  dispose(): void {
    this.store.dispose();
    this.network.dispose();
    this.reports.dispose();
  }
}

/** The button that fixes the usual cause of a failed test. */
function fixAction(info: ConnectionInfo, status: number | undefined, errorKind: string | undefined, urlInvalid: boolean):
  { title: string; command: string; args: unknown[] } | undefined {
  const saved = info.kind === 'saved';
  if (saved && (status === 401 || status === 403)) return { title: 'Set Secret Token…', command: 'scimWorkbench.connections.setToken', args: [info.id] };
  if (saved && (status === 404 || urlInvalid)) return { title: 'Edit Connection…', command: 'scimWorkbench.connections.edit', args: [info.id] };
  if (errorKind === 'tls') return { title: 'Trust a CA…', command: 'workbench.action.openSettings', args: [settingId('network.extraCaCertificates')] };
  if (errorKind === 'proxy' || errorKind === 'timeout' || errorKind === 'dns') return { title: 'Proxy Settings', command: 'workbench.action.openSettings', args: ['http.proxy'] };
  if (!saved && errorKind === 'refused') return { title: 'Restart Mock', command: 'scimWorkbench.mock.restart', args: [] };
  return undefined;
}
