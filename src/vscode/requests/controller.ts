// What the request commands do, in one place (shaped like REST Client's RequestController,
// https://github.com/Huachao/vscode-restclient/blob/master/src/controllers/requestController.ts): send the request
// at the cursor of a request file, send a *.scim.json payload, and re-send or show what the history kept. Nothing
// is sent from a file of an untrusted workspace.
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as vscode from 'vscode';
import { requestAtLine, resolveRequest, type HttpFileProblem, type NamedExchange } from '../../client/httpFile';
import { planPayload, type PayloadOption } from '../../client/payloadPlan';
import { listPage, type ResourceKind } from '../../client/scim';
import { parseTenantUrl } from '../../client/tenantUrl';
import { counted } from '../../scim/text';
import { explainFailure } from '../connections/remote';
import { rangeOf } from '../ranges';
import type { ConnectionService, Target } from '../connections/service';
import { historyLabel, type ConnectionNode } from '../connections/tree';
import { requestOf, type HistoryEntry, type RequestHistory } from './history';
import { HTTP_LANGUAGE, isRequestFile, needsConnection, problemsWithoutConnection, type RequestFiles } from './httpFiles';
import type { RequestSender, SendResult } from './sender';
import { refuseUntrusted } from '../trust';

/** What "New Request File" opens; the fixture workspace's requests/*.http follow the same pattern. */
const NEW_FILE = `# SCIM request file (REST Client format). {{tenantUrl}} and {{token}} come from the connection you
# choose when you send: the token stays in VS Code's secret storage, never in this file.
# Click "Send Request" above a request; the response opens beside it.
@email = ada.lovelace.{{$randomInt 1000 9999}}@contoso.com

### Entra's Test Connection probe: 200 with an empty ListResponse
GET {{tenantUrl}}/Users?filter=userName eq "{{$guid}}"

### Create a user as Entra does
# @name createUser
POST {{tenantUrl}}/Users
Content-Type: application/scim+json

{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "{{$guid}}",
  "userName": "{{email}}",
  "active": true,
  "emails": [{ "primary": true, "type": "work", "value": "{{email}}" }],
  "name": { "formatted": "Ada Lovelace", "givenName": "Ada", "familyName": "Lovelace" }
}

### Look the user up as Entra does before it creates one
GET {{tenantUrl}}/Users?filter=userName eq "{{email}}"

### Deactivate it as Entra does: the id comes from createUser's last response (send that one first)
PATCH {{tenantUrl}}/Users/{{createUser.response.body.$.id}}
Content-Type: application/scim+json

{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] }
`;

const UNTRUSTED = 'This workspace is not trusted, so SCIM Workbench does not send requests from its files (a file could send your token\'s requests anywhere). Trust the workspace to send.';

export class RequestController {
  /** The last exchange of each named request, per file, for request variables (this session only; redacted by the client). */
  private readonly exchanges = new Map<string, Map<string, NamedExchange>>();

  constructor(
    private readonly service: ConnectionService,
    private readonly files: RequestFiles,
    private readonly sender: RequestSender,
    private readonly history: RequestHistory,
  ) {}

  /** The file's connection: remembered, or asked for (and remembered). */
  private async connectionForFile(uri: vscode.Uri, title: string): Promise<Target | undefined> {
    const remembered = this.files.connectionFor(uri);
    if (remembered) return this.service.use(remembered);
    const target = await this.service.choose({ title, placeHolder: 'Send to which connection? {{tenantUrl}} and {{token}} come from it' });
    if (target) await this.files.remember(uri, target.id);
    return target;
  }

  /** Send Request: the request at `line` of `uri` (a CodeLens), else at the cursor of the active request file. */
  async sendRequest(uri?: vscode.Uri, line?: number): Promise<SendResult | undefined> {
    if (await refuseUntrusted(UNTRUSTED)) return undefined;
    const editor = vscode.window.activeTextEditor;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!doc || !isRequestFile(doc)) {
      void vscode.window.showInformationMessage('Open a request file (.http or .rest) and put the cursor in a request to send it.', 'New Request File').then((c) => {
        if (c) void vscode.commands.executeCommand('scimWorkbench.requests.newFile');
      });
      return undefined;
    }
    const at = line ?? (editor?.document === doc ? editor.selection.active.line : 0);
    const file = this.files.parse(doc);
    const request = file.requests.find((r) => r.requestLine === at) ?? requestAtLine(file, at);
    if (!request) {
      void vscode.window.showInformationMessage('Put the cursor inside a request (between ### separators) to send it.');
      return undefined;
    }
    const notSent = async (p: HttpFileProblem | undefined): Promise<undefined> => {
      this.files.lint(doc);
      const choice = await vscode.window.showErrorMessage(`Not sent: ${p ? `${p.message} (line ${p.line + 1})` : 'the request has a problem.'}`, 'Go to Problem');
      if (choice && p) await vscode.window.showTextDocument(doc, { selection: rangeOf(doc, p.offset, p.length) });
      return undefined;
    };
    const early = problemsWithoutConnection(file, request);
    if (early.length) return notSent(early[0]);
    // A request that names its full URL and no connection variable goes out as written, unless the file has a connection.
    const useConnection = this.files.connectionFor(doc.uri) !== undefined || needsConnection(file, request);
    const target = useConnection ? await this.connectionForFile(doc.uri, 'Send Request') : undefined;
    if (useConnection && !target) return undefined;
    const key = doc.uri.toString();
    const resolved = resolveRequest(file, request, {
      ...(target ? { tenantUrl: parseTenantUrl(target.connection.tenantUrl).base } : {}),
      ...(target?.connection.token ? { token: target.connection.token } : {}),
      exchange: (name) => this.exchanges.get(key)?.get(name),
    });
    if (!resolved.request) return notSent(resolved.problems[0]);
    const result = await this.sender.send({ ...resolved.request, ...(request.name ? { name: request.name } : {}) }, target, doc.uri);
    if (request.name && result.response) {
      const { request: sent, headers, body } = result.response;
      if (!this.exchanges.has(key)) this.exchanges.set(key, new Map());
      this.exchanges.get(key)?.set(request.name, { request: { headers: sent.headers, ...(sent.body !== undefined ? { body: sent.body } : {}) }, response: { headers, body } });
    }
    return result;
  }

  /** The id a payload's PUT, PATCH or DELETE goes to: picked from the first page of the target's resources or typed. */
  private async askTargetId(target: Target, kind: ResourceKind, option: PayloadOption): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { id?: string; manual?: true };
    const items: Item[] = [{ label: '$(edit) Enter an id…', detail: kind === 'Users' ? 'MURAL also accepts a user\'s email as the id' : undefined, manual: true }];
    let placeHolder = `Which ${kind === 'Users' ? 'user' : 'group'} on ${target.name}? Type to filter`;
    try {
      const page = await listPage(target.connection, kind, { count: 100, ...(kind === 'Groups' ? { excludedAttributes: ['members'] } : {}) },
        { client: await this.service.network.client() });
      for (const r of page.resources) {
        const label = String(kind === 'Users' ? r.userName ?? r.id : r.displayName ?? r.id);
        items.push({ label, description: r.id, ...(kind === 'Users' && r.active === false ? { detail: 'deactivated' } : {}), id: r.id });
      }
      if (page.totalResults > page.resources.length) placeHolder += ` (the first ${page.resources.length} of ${page.totalResults}; enter an id for others)`;
    } catch (e) {
      placeHolder = `Could not list ${kind}: ${explainFailure(e, target.name)}`;
    }
    const pick = await vscode.window.showQuickPick(items, { title: `${option.method} /${kind}/{id}`, placeHolder, matchOnDescription: true });
    if (!pick) return undefined;
    if (!pick.manual) return pick.id;
    const id = await vscode.window.showInputBox({
      title: `${option.method} /${kind}/{id}`, prompt: `The id of the ${kind === 'Users' ? 'user' : 'group'} on ${target.name}`,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the id (the "id" the server gave the resource).'),
    });
    return id?.trim() || undefined;
  }

  /** Send Payload…: a *.scim.json file as the request its content suggests, to the connection of the file. */
  async sendPayload(uri?: vscode.Uri): Promise<SendResult | undefined> {
    if (await refuseUntrusted(UNTRUSTED)) return undefined;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage('Open a SCIM payload (a *.scim.json file) to send it.');
      return undefined;
    }
    const text = doc.getText();
    const errors: ParseError[] = [];
    const json = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
    if (errors.length) {
      const pos = doc.positionAt(errors[0]!.offset);
      void vscode.window.showErrorMessage(`Not sent: ${path.basename(doc.fileName)} is not valid JSON (${printParseErrorCode(errors[0]!.error)} at line ${pos.line + 1}, column ${pos.character + 1}). Fix it first; the Problems view shows where.`);
      return undefined;
    }
    const plan = planPayload(json, path.basename(doc.fileName));
    if ('problem' in plan) {
      void vscode.window.showWarningMessage(`Not sent: ${plan.problem}`);
      return undefined;
    }
    const choice = await vscode.window.showQuickPick(plan.options.map((option, i) => ({
      label: `${option.method} /${option.kind}${option.needsId ? `/${option.id ?? '{id}'}` : ''}`,
      description: i === 0 ? 'suggested' : undefined,
      detail: option.detail,
      option,
    })), { title: `Send Payload: ${path.basename(doc.fileName)}`, placeHolder: 'Which request?' });
    if (!choice) return undefined;
    const option = choice.option;
    const target = await this.connectionForFile(doc.uri, `Send Payload: ${option.method} /${option.kind}`);
    if (!target) return undefined;
    const id = option.needsId ? option.id ?? await this.askTargetId(target, option.kind, option) : undefined;
    if (option.needsId && !id) return undefined;
    return this.sender.send({
      method: option.method,
      url: `/${option.kind}${id ? `/${encodeURIComponent(id)}` : ''}`,
      headers: { 'Content-Type': 'application/scim+json' },
      body: text,
      name: path.basename(doc.fileName),
    }, target, doc.uri);
  }

  private entryOf(arg: ConnectionNode | string | undefined): HistoryEntry | undefined {
    const id = typeof arg === 'string' ? arg : arg?.type === 'request' ? arg.entry.id : undefined;
    const entry = id ? this.history.get(id) : undefined;
    if (id && !entry) void vscode.window.showInformationMessage('That request is no longer in the this.history.');
    return entry;
  }

  private async sendAgain(entry: HistoryEntry): Promise<SendResult | undefined> {
    if (entry.bodyOmitted) {
      void vscode.window.showWarningMessage('This request\'s body was too large to keep in the history: send it from its file again.');
      return undefined;
    }
    let target: Target | undefined;
    if (entry.connectionId) {
      target = this.service.store.info(entry.connectionId)
        ? await this.service.use(entry.connectionId)
        : await this.service.choose({ title: 'Re-send', placeHolder: `"${entry.connectionName ?? 'Its connection'}" was removed: send to which connection?` });
      if (!target) return undefined;
    }
    const request = requestOf(entry, target?.connection.token, Boolean(target));
    return this.sender.send({ ...request, ...(entry.name ? { name: entry.name } : {}) }, target, entry.source ? vscode.Uri.parse(entry.source) : undefined);
  }

  /** The connection whose {{tenantUrl}} and {{token}} a request file uses. */
  async chooseConnection(uri?: vscode.Uri): Promise<void> {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) return;
    const id = await this.service.pick({ title: `Connection for ${path.basename(target.path)}`, placeHolder: '{{tenantUrl}} and {{token}} of this file come from…', ...(this.files.connectionFor(target) ? { preselect: this.files.connectionFor(target) as string } : {}) });
    if (id) await this.files.remember(target, id);
  }

  /** A history entry's response, while this session keeps it; else offers to send the request again. */
  async openHistoryEntry(arg?: ConnectionNode | string): Promise<void> {
    const entry = this.entryOf(arg);
    if (!entry) return;
    const uri = this.sender.responseOf(entry.id);
    if (uri) {
      await this.sender.documents.show(uri, HTTP_LANGUAGE, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      `The response of ${historyLabel(entry)} is kept only until VS Code reloads. Send the request again?`, 'Re-send');
    if (choice) await this.sendAgain(entry);
  }

  /** The history as a quick pick: the chosen request is sent again. */
  async showHistory(): Promise<SendResult | undefined> {
    const entries = this.history.entries();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No requests sent yet: send one from a request file (.http) or a *.scim.json payload.', 'New Request File').then((c) => {
        if (c) void vscode.commands.executeCommand('scimWorkbench.requests.newFile');
      });
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(entries.map((e) => ({
      label: historyLabel(e),
      description: [e.connectionName, new Date(e.at).toLocaleString('en-GB')].filter(Boolean).join(' · '),
      detail: e.url,
      entry: e,
    })), { title: 'Request History', placeHolder: 'Choose a request to send it again', matchOnDescription: true, matchOnDetail: true });
    return pick ? this.sendAgain(pick.entry) : undefined;
  }

  async clearHistory(): Promise<void> {
    const n = this.history.entries().length;
    if (n === 0) return;
    const ok = await vscode.window.showWarningMessage(`Clear the request history (${counted(n, 'request')})?`, { modal: true }, 'Clear History');
    if (ok) await this.history.clear();
  }

  /** Sends a history entry again (the Connections view's item, or its id). */
  async resend(arg?: ConnectionNode | string): Promise<SendResult | undefined> {
    const entry = this.entryOf(arg);
    return entry ? this.sendAgain(entry) : undefined;
  }

  /**
   * Opens the template as a new file with a name: `scim-requests.http` (then -2, -3, …: the first not taken) in
   * the active editor's workspace folder, or the first. VS Code saves it there on Ctrl+S, without asking where
   * (an untitled document with a path); nothing is written until then.
   */
  async newFile(): Promise<vscode.TextDocument> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
    const pathOf = (n: number) => {
      const name = `scim-requests${n > 1 ? `-${n}` : ''}.http`;
      return folder ? vscode.Uri.joinPath(folder.uri, name).path : name;
    };
    const taken = async (path: string) => vscode.workspace.textDocuments.some((d) => d.uri.path === path)
      || (folder !== undefined && await vscode.workspace.fs.stat(folder.uri.with({ path })).then(() => true, () => false));
    let n = 1;
    while (await taken(pathOf(n))) n++;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: pathOf(n) }));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), NEW_FILE));
    if (doc.languageId !== HTTP_LANGUAGE) await vscode.languages.setTextDocumentLanguage(doc, HTTP_LANGUAGE);
    return doc;
  }

  cancel(): void {
    if (this.sender.cancelAll() === 0) vscode.window.setStatusBarMessage('No request is running.', 3000);
  }

  /** Shows a response (the status bar's), else the last one. */
  async showResponse(response?: vscode.Uri): Promise<void> {
    const uri = response && this.sender.documents.has(response) ? response : this.sender.lastResponse;
    if (uri) await this.sender.documents.show(uri, HTTP_LANGUAGE, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    else void vscode.window.showInformationMessage('No response to show yet: send a request first.');
  }
}
