// "SCIM: Run Entra Provisioning Check…": pick the mock server, a saved connection or a one-off tenant URL, pick
// MURAL's or generic SCIM rules, run the check with a cancellable progress notification (step N of M), and
// show the Markdown report beside the editor. The report is a read-only virtual document (scheme scim-check):
// it cannot be edited by mistake, never asks "save changes?" on close, is replaced in place by the next run of
// the same target, and "File: Save As…" or "SCIM: Save Entra Check Report…" (Markdown, JUnit XML, JSON, text)
// keep a copy. It holds only what the client redacted: no token. The last run per target is remembered.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, HttpClient } from '../../client/http';
import {
  formatMarkdown, formatReport, runEntraCheck, verdictLine, type CheckReport, type ReportFormat, type RuleSet,
} from '../../client/entraCheck';
import { parseTenantUrl, TenantUrlError, validateTenantUrl } from '../../client/tenantUrl';
import type { Commands } from '../commands';
import { connectionIdOf } from '../connections/commands';
import { ReadOnlyDocuments } from '../connections/documents';
import { shortTime, type ConnectionService } from '../connections/service';
import { MOCK_CONNECTION_ID } from '../connections/store';

export const CHECK_SCHEME = 'scim-check';
const STATE_KEY = 'scimWorkbench.entraChecks';

/** Where a check goes: a connection of the store, or a one-off URL (its key is the URL, never the token). */
interface CheckTarget {
  readonly key: string;
  readonly name: string;
  readonly kind: 'mock' | 'saved' | 'oneOff';
  readonly connection: Connection;
}

/** What is kept of the last run per target across reloads (no request bodies, no token). */
export interface CheckSummary {
  readonly rules: RuleSet;
  readonly at: string;
  readonly ok: boolean;
}

/** The report of a run in this session, for the document and "Save Report…". */
export interface CheckRun {
  readonly key: string;
  readonly name: string;
  readonly report: CheckReport;
  readonly uri: vscode.Uri;
}

type TargetItem = vscode.QuickPickItem & { readonly target?: { readonly kind: 'connection'; readonly id: string } | { readonly kind: 'oneOff' } };
type RulesItem = vscode.QuickPickItem & { readonly rules: RuleSet };

const SAVE_FILTERS: Readonly<Record<string, string[]>> = { Markdown: ['md'], 'JUnit XML': ['xml'], JSON: ['json'], Text: ['txt'] };
const FORMAT_BY_EXTENSION: Readonly<Record<string, ReportFormat>> = { '.md': 'markdown', '.xml': 'junit', '.json': 'json', '.txt': 'text' };

function fileStem(name: string): string {
  return `entra-check-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'report'}`;
}

export class EntraCheck implements vscode.Disposable {
  private readonly documents = new ReadOnlyDocuments(CHECK_SCHEME, 20);
  private readonly runs = new Map<string, CheckRun>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly connections: ConnectionService) {}

  /** The last run per target in this session, newest first. */
  sessionRuns(): CheckRun[] {
    return [...this.runs.values()].reverse();
  }

  /** The summary of the last run of `key`, also from earlier sessions. */
  lastSummary(key: string): CheckSummary | undefined {
    return this.context.workspaceState.get<Record<string, CheckSummary>>(STATE_KEY, {})[key];
  }

  /** Asks for the target (unless `arg` names a connection) and the rules, runs, shows the report. Undefined when dismissed. */
  async run(arg?: unknown): Promise<CheckReport | undefined> {
    const target = await this.chooseTarget(arg);
    if (!target) return undefined;
    const rules = await this.chooseRules(target);
    if (!rules) return undefined;
    const client = await this.connections.network.clientFor('The Entra provisioning check');
    if (!client) return undefined;
    let report: CheckReport;
    try {
      report = await this.progress(target, rules, client);
    } catch (e) {
      if (!(e instanceof TenantUrlError)) throw e;
      void vscode.window.showErrorMessage(`The Entra provisioning check cannot use ${target.name}'s tenant URL: ${e.message}`);
      return undefined;
    }
    const run = await this.record(target, report);
    // Rendered, beside the editor the user works in; with none open, in the editor area itself (no empty column left).
    await vscode.commands.executeCommand(vscode.window.activeTextEditor ? 'markdown.showPreviewToSide' : 'markdown.showPreview', run.uri);
    void this.tell(run);
    return report;
  }

  /** Runs the check behind a cancellable notification that names the step running. */
  private progress(target: CheckTarget, rules: RuleSet, client: HttpClient): Thenable<CheckReport> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Entra provisioning check: ${target.name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          // MURAL makes workspace admins in its app, not through SCIM: against the mock, the check makes them in process.
          const mock = target.kind === 'mock' ? this.connections.mock.service : undefined;
          return await runEntraCheck(target.connection, {
            rules, client, signal: abort.signal,
            ...(mock ? { workspaceAdmin: (groupId: string, userId: string, admin: boolean) => mock.setWorkspaceAdmin(groupId, userId, admin) } : {}),
            onStep: (p) => {
              if (!p.result) progress.report({ message: `step ${p.index} of ${p.total}: ${p.title}`, increment: p.index === 1 ? 0 : 100 / p.total });
            },
          });
        } finally {
          subscription.dispose();
        }
      });
  }

  private async record(target: CheckTarget, report: CheckReport): Promise<CheckRun> {
    const uri = vscode.Uri.from({ scheme: CHECK_SCHEME, path: `/${encodeURIComponent(target.key)}/${fileStem(target.name)}.md` });
    this.documents.set(uri, formatMarkdown(report, { title: target.name }));
    const run: CheckRun = { key: target.key, name: target.name, report, uri };
    this.runs.delete(target.key);
    this.runs.set(target.key, run);
    const summaries = { ...this.context.workspaceState.get<Record<string, CheckSummary>>(STATE_KEY, {}) };
    summaries[target.key] = { rules: report.rules, at: report.startedAt, ok: report.failed === 0 && !report.cancelled };
    await this.context.workspaceState.update(STATE_KEY, summaries);
    return run;
  }

  private async tell(run: CheckRun): Promise<void> {
    const r = run.report;
    const actions = ['Save Report…', 'Show Source'];
    const failed = r.steps.find((s) => s.verdict === 'fail');
    const of = `Entra provisioning check of "${run.name}"`;
    // The verdict once, in words; the counts only where they add something (the report has them all).
    const choice = r.cancelled
      ? await vscode.window.showWarningMessage(`${of} cancelled after ${r.steps.length - r.skipped} of ${r.steps.length} steps; the test users and group it created were deleted.`, ...actions)
      : failed
        ? await vscode.window.showErrorMessage(`${of} failed at "${failed.title}": ${failed.summary}${r.failed > 1 ? ` (${r.failed} steps failed)` : ''}`, ...actions)
        : r.warnings > 0
          ? await vscode.window.showWarningMessage(`${of} passed with ${r.warnings === 1 ? 'a warning' : `${r.warnings} warnings`}.`, ...actions)
          : await vscode.window.showInformationMessage(`${of} passed: the endpoint answers all ${r.steps.length} steps as Entra expects.`, ...actions);
    if (choice === 'Show Source') await this.documents.show(run.uri, 'markdown', { viewColumn: vscode.ViewColumn.Active, preview: false });
    else if (choice === 'Save Report…') await this.save(run.uri);
  }

  private async chooseTarget(arg: unknown): Promise<CheckTarget | undefined> {
    const given = connectionIdOf(arg as Parameters<typeof connectionIdOf>[0]);
    if (given) return this.fromConnection(given, 'ask');
    const items: TargetItem[] = [];
    for (const c of this.connections.store.all()) {
      const last = this.lastSummary(c.id);
      items.push({
        label: `$(${c.kind === 'mock' ? 'radio-tower' : 'cloud'}) ${c.name}`,
        description: c.tenantUrl ?? 'stopped — choosing it starts it',
        ...(last ? { detail: `Last check ${last.ok ? 'passed' : 'failed'} ${shortTime(last.at)} (${last.rules === 'mural' ? 'MURAL' : 'generic SCIM'} rules)` } : {}),
        target: { kind: 'connection', id: c.id },
      });
    }
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(globe) Enter a Tenant URL and Token…', detail: 'A one-off endpoint: the token is used for this run only and never stored', target: { kind: 'oneOff' } },
    );
    const choice = await vscode.window.showQuickPick(items, {
      title: 'Run Entra Provisioning Check (1/2): target',
      placeHolder: 'Which SCIM endpoint? The check creates and then deletes three test users and a group there.',
      matchOnDescription: true,
    });
    if (!choice?.target) return undefined;
    return choice.target.kind === 'oneOff' ? this.oneOff() : this.fromConnection(choice.target.id, 'start');
  }

  private async fromConnection(id: string, startMock: 'ask' | 'start'): Promise<CheckTarget | undefined> {
    const target = await this.connections.use(id, startMock);
    if (!target) return undefined;
    return { key: target.id, name: target.name, kind: target.id === MOCK_CONNECTION_ID ? 'mock' : 'saved', connection: target.connection };
  }

  private async oneOff(): Promise<CheckTarget | undefined> {
    const url = await vscode.window.showInputBox({
      title: 'Run Entra Provisioning Check: tenant URL',
      prompt: 'The SCIM base URL, as in Entra\'s "Tenant URL" field (add ?aadOptscim062020 if your Entra app uses it).',
      placeHolder: 'https://api.mural.co/enterprise/v1/scim',
      ignoreFocusOut: true,
      validateInput: validateTenantUrl,
    });
    if (!url) return undefined;
    const token = await vscode.window.showInputBox({
      title: 'Run Entra Provisioning Check: secret token',
      prompt: 'The secret token (Entra\'s "Secret Token" field), sent as "Authorization: Bearer <token>". Used for this run only, never stored.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) ? 'Paste only the token: it has no spaces (and no "Bearer " prefix).' : undefined),
    });
    if (token === undefined) return undefined;
    let normalized: string;
    try {
      normalized = parseTenantUrl(url).normalized;
    } catch (e) {
      if (e instanceof TenantUrlError) {
        void vscode.window.showErrorMessage(e.message);
        return undefined;
      }
      throw e;
    }
    return {
      key: `url:${normalized}`,
      name: new URL(normalized).host,
      kind: 'oneOff',
      connection: { tenantUrl: normalized, authScheme: 'Bearer', ...(token.trim() ? { token: token.trim() } : {}) },
    };
  }

  private async chooseRules(target: CheckTarget): Promise<RuleSet | undefined> {
    const mural: RulesItem = {
      label: 'MURAL',
      description: 'What Entra needs, plus MURAL\'s documented rules',
      detail: 'Also checks lowercased userName and emails, no digits in names, workspaces lost on deactivation and not restored.',
      rules: 'mural',
    };
    const scim: RulesItem = {
      label: 'Generic SCIM',
      description: 'What Entra needs from any SCIM endpoint',
      detail: 'For endpoints other than MURAL: no MURAL-specific steps.',
      rules: 'scim',
    };
    const last = this.lastSummary(target.key)?.rules;
    const muralHost = /^https?:\/\/([^/?#@]*\.)?mural\.co(:\d+)?([/?#]|$)/i.test(target.connection.tenantUrl);
    const muralFirst = last ? last === 'mural' : target.kind === 'mock' || muralHost;
    const choice = await vscode.window.showQuickPick(muralFirst ? [mural, scim] : [scim, mural], {
      title: `Run Entra Provisioning Check (2/2): rules for ${target.name}`,
      placeHolder: 'Which rules should the answers meet?',
    });
    return choice?.rules;
  }

  /** "Save Report…": the run of `arg` (a report URI), of the active report, or one picked; saved in the format its extension names. */
  async save(arg?: unknown): Promise<vscode.Uri | undefined> {
    const run = await this.pickRun(arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri);
    if (!run) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file = `${fileStem(run.name)}.md`;
    const target = await vscode.window.showSaveDialog({
      title: 'Save Entra Check Report',
      saveLabel: 'Save Report',
      filters: SAVE_FILTERS,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, file) } : {}),
    });
    if (!target) return undefined;
    const format = FORMAT_BY_EXTENSION[path.extname(target.path).toLowerCase()] ?? 'markdown';
    await vscode.workspace.fs.writeFile(target, Buffer.from(formatReport(run.report, format, { title: run.name }), 'utf8'));
    void vscode.window.showInformationMessage(`Entra check report saved to ${path.basename(target.path)}.`, 'Open').then((c) => {
      if (c) void vscode.window.showTextDocument(target);
    });
    return target;
  }

  private async pickRun(uri: vscode.Uri | undefined): Promise<CheckRun | undefined> {
    const runs = this.sessionRuns();
    const shown = uri?.scheme === CHECK_SCHEME ? runs.find((r) => r.uri.toString() === uri.toString()) : undefined;
    if (shown) return shown;
    if (runs.length === 0) {
      const choice = await vscode.window.showInformationMessage('No Entra provisioning check has run in this window yet.', 'Run Check…');
      if (choice) await vscode.commands.executeCommand('scimWorkbench.check.run');
      return undefined;
    }
    if (runs.length === 1) return runs[0];
    const choice = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: verdictLine(r.report), run: r })), {
      title: 'Save Entra Check Report', placeHolder: 'Which check\'s report?',
    });
    return choice?.run;
  }

  dispose(): void {
    this.documents.dispose();
    this.runs.clear();
  }
}

export function registerEntraCheck(context: vscode.ExtensionContext, commands: Commands, connections: ConnectionService): EntraCheck {
  const check = new EntraCheck(context, connections);
  context.subscriptions.push(check);
  commands.register('scimWorkbench.check.run', (arg?: unknown) => check.run(arg));
  commands.register('scimWorkbench.check.saveReport', (arg?: unknown) => check.save(arg));
  return check;
}
