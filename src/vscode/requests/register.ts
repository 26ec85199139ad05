// Wires sending: request files (CodeLens, diagnostics, Send Request), Send Payload… for `*.scim.json` files,
// the history (in the Connections view and as a quick pick) and the response status bar. Nothing is sent
// from a file of an untrusted workspace.
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as vscode from 'vscode';
import { requestAtLine, resolveRequest, type HttpFileProblem, type NamedExchange } from '../../client/httpFile';
import { listPage, type ResourceKind } from '../../client/scim';
import { parseTenantUrl } from '../../client/tenantUrl';
import { SECTION } from '../config';
import type { ConnectionsFeature } from '../connections/register';
import { explainFailure } from '../connections/remote';
import type { Target } from '../connections/service';
import { historyLabel, type ConnectionNode } from '../connections/tree';
import { RequestHistory, requestOf, type HistoryEntry } from './history';
import { HTTP_FILES, HTTP_LANGUAGE, RequestFiles, isRequestFile, needsConnection, problemsWithoutConnection } from './httpFiles';
import { planPayload, type PayloadOption } from '../../client/payloadPlan';
import { RequestSender, type SendResult } from './sender';

export interface RequestsFeature {
  readonly files: RequestFiles;
  readonly sender: RequestSender;
  readonly history: RequestHistory;
}

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

/** Why nothing is sent from files here, or undefined when the workspace is trusted. */
async function refuseUntrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const choice = await vscode.window.showWarningMessage(
    'This workspace is not trusted, so SCIM Workbench does not send requests from its files (a file could send your token\'s requests anywhere). Trust the workspace to send.',
    'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}

export function registerRequests(context: vscode.ExtensionContext, connections: ConnectionsFeature, log: vscode.LogOutputChannel): RequestsFeature {
  const { service } = connections;
  const history = new RequestHistory(context.workspaceState);
  const sender = new RequestSender(service.network, history, log);
  const files = new RequestFiles(context.workspaceState, service);
  connections.tree.attachHistory(history);
  /** The last exchange of each named request, per file, for request variables (this session only; redacted by the client). */
  const exchanges = new Map<string, Map<string, NamedExchange>>();

  /** The file's connection: remembered, or asked for (and remembered). */
  const connectionForFile = async (uri: vscode.Uri, title: string): Promise<Target | undefined> => {
    const remembered = files.connectionFor(uri);
    if (remembered) return service.use(remembered);
    const target = await service.choose({ title, placeHolder: 'Send to which connection? {{tenantUrl}} and {{token}} come from it' });
    if (target) await files.remember(uri, target.id);
    return target;
  };

  const sendRequest = async (uri?: vscode.Uri, line?: number): Promise<SendResult | undefined> => {
    if (await refuseUntrusted()) return undefined;
    const editor = vscode.window.activeTextEditor;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!doc || !isRequestFile(doc)) {
      void vscode.window.showInformationMessage('Open a request file (.http or .rest) and put the cursor in a request to send it.', 'New Request File').then((c) => {
        if (c) void vscode.commands.executeCommand(`${SECTION}.requests.newFile`);
      });
      return undefined;
    }
    const at = line ?? (editor?.document === doc ? editor.selection.active.line : 0);
    const file = files.parse(doc);
    const request = file.requests.find((r) => r.requestLine === at) ?? requestAtLine(file, at);
    if (!request) {
      void vscode.window.showInformationMessage('Put the cursor inside a request (between ### separators) to send it.');
      return undefined;
    }
    const notSent = async (p: HttpFileProblem | undefined): Promise<undefined> => {
      files.lint(doc);
      const choice = await vscode.window.showErrorMessage(`Not sent: ${p ? `${p.message} (line ${p.line + 1})` : 'the request has a problem.'}`, 'Go to Problem');
      if (choice && p) await vscode.window.showTextDocument(doc, { selection: new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length)) });
      return undefined;
    };
    const early = problemsWithoutConnection(file, request);
    if (early.length) return notSent(early[0]);
    // A request that names its full URL and no connection variable goes out as written, unless the file has a connection.
    const useConnection = files.connectionFor(doc.uri) !== undefined || needsConnection(file, request);
    const target = useConnection ? await connectionForFile(doc.uri, 'Send Request') : undefined;
    if (useConnection && !target) return undefined;
    const key = doc.uri.toString();
    const resolved = resolveRequest(file, request, {
      ...(target ? { tenantUrl: parseTenantUrl(target.connection.tenantUrl).base } : {}),
      ...(target?.connection.token ? { token: target.connection.token } : {}),
      exchange: (name) => exchanges.get(key)?.get(name),
    });
    if (!resolved.request) return notSent(resolved.problems[0]);
    const result = await sender.send({ ...resolved.request, ...(request.name ? { name: request.name } : {}) }, target, doc.uri);
    if (request.name && result.response) {
      const { request: sent, headers, body } = result.response;
      if (!exchanges.has(key)) exchanges.set(key, new Map());
      exchanges.get(key)?.set(request.name, { request: { headers: sent.headers, ...(sent.body !== undefined ? { body: sent.body } : {}) }, response: { headers, body } });
    }
    return result;
  };

  const askTargetId = async (target: Target, kind: ResourceKind, option: PayloadOption): Promise<string | undefined> => {
    type Item = vscode.QuickPickItem & { id?: string; manual?: true };
    const items: Item[] = [{ label: '$(edit) Enter an id…', detail: kind === 'Users' ? 'MURAL also accepts a user\'s email as the id' : undefined, manual: true }];
    let placeHolder = `Which ${kind === 'Users' ? 'user' : 'group'} on ${target.name}? Type to filter`;
    try {
      const page = await listPage(target.connection, kind, { count: 100, ...(kind === 'Groups' ? { excludedAttributes: ['members'] } : {}) },
        { client: await service.network.client() });
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
  };

  const sendPayload = async (uri?: vscode.Uri): Promise<SendResult | undefined> => {
    if (await refuseUntrusted()) return undefined;
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
    const target = await connectionForFile(doc.uri, `Send Payload: ${option.method} /${option.kind}`);
    if (!target) return undefined;
    const id = option.needsId ? option.id ?? await askTargetId(target, option.kind, option) : undefined;
    if (option.needsId && !id) return undefined;
    return sender.send({
      method: option.method,
      url: `/${option.kind}${id ? `/${encodeURIComponent(id)}` : ''}`,
      headers: { 'Content-Type': 'application/scim+json' },
      body: text,
      name: path.basename(doc.fileName),
    }, target, doc.uri);
  };

  const entryOf = (arg: ConnectionNode | string | undefined): HistoryEntry | undefined => {
    const id = typeof arg === 'string' ? arg : arg?.type === 'request' ? arg.entry.id : undefined;
    const entry = id ? history.get(id) : undefined;
    if (id && !entry) void vscode.window.showInformationMessage('That request is no longer in the history.');
    return entry;
  };

  const resend = async (entry: HistoryEntry): Promise<SendResult | undefined> => {
    if (entry.bodyOmitted) {
      void vscode.window.showWarningMessage('This request\'s body was too large to keep in the history: send it from its file again.');
      return undefined;
    }
    let target: Target | undefined;
    if (entry.connectionId) {
      target = service.store.info(entry.connectionId)
        ? await service.use(entry.connectionId)
        : await service.choose({ title: 'Re-send', placeHolder: `"${entry.connectionName ?? 'Its connection'}" was removed: send to which connection?` });
      if (!target) return undefined;
    }
    const request = requestOf(entry, target?.connection.token, Boolean(target));
    return sender.send({ ...request, ...(entry.name ? { name: entry.name } : {}) }, target, entry.source ? vscode.Uri.parse(entry.source) : undefined);
  };

  const cmd = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(`${SECTION}.${id}`, fn);
  context.subscriptions.push(
    history,
    sender,
    files,
    vscode.languages.registerCodeLensProvider(HTTP_FILES, files),
    cmd('sendRequest', (uri?: vscode.Uri, line?: number) => sendRequest(uri instanceof vscode.Uri ? uri : undefined, typeof line === 'number' ? line : undefined)),
    cmd('sendPayload', (uri?: vscode.Uri) => sendPayload(uri instanceof vscode.Uri ? uri : undefined)),
    cmd('requests.chooseConnection', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      const id = await service.pick({ title: `Connection for ${path.basename(target.path)}`, placeHolder: '{{tenantUrl}} and {{token}} of this file come from…', ...(files.connectionFor(target) ? { preselect: files.connectionFor(target) as string } : {}) });
      if (id) await files.remember(target, id);
    }),
    cmd('requests.newFile', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: HTTP_LANGUAGE, content: NEW_FILE });
      await vscode.window.showTextDocument(doc);
    }),
    cmd('requests.cancel', () => {
      if (sender.cancelAll() === 0) vscode.window.setStatusBarMessage('No request is running.', 3000);
    }),
    cmd('requests.showResponse', async () => {
      const uri = sender.lastResponse;
      if (uri) await sender.documents.show(uri, HTTP_LANGUAGE, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      else void vscode.window.showInformationMessage('No response to show yet: send a request first.');
    }),
    cmd('requests.openHistoryEntry', async (arg?: ConnectionNode | string) => {
      const entry = entryOf(arg);
      if (!entry) return;
      const uri = sender.responseOf(entry.id);
      if (uri) {
        await sender.documents.show(uri, HTTP_LANGUAGE, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        `The response of ${historyLabel(entry)} is kept only until VS Code reloads. Send the request again?`, 'Re-send');
      if (choice) await resend(entry);
    }),
    cmd('requests.resend', async (arg?: ConnectionNode | string) => {
      const entry = entryOf(arg);
      return entry ? resend(entry) : undefined;
    }),
    cmd('requests.history', async () => {
      const entries = history.entries();
      if (entries.length === 0) {
        void vscode.window.showInformationMessage('No requests sent yet: send one from a request file (.http) or a *.scim.json payload.', 'New Request File').then((c) => {
          if (c) void vscode.commands.executeCommand(`${SECTION}.requests.newFile`);
        });
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(entries.map((e) => ({
        label: historyLabel(e),
        description: [e.connectionName, new Date(e.at).toLocaleString('en-GB')].filter(Boolean).join(' · '),
        detail: e.url,
        entry: e,
      })), { title: 'Request History', placeHolder: 'Choose a request to send it again', matchOnDescription: true, matchOnDetail: true });
      return pick ? resend(pick.entry) : undefined;
    }),
    cmd('requests.clearHistory', async () => {
      const n = history.entries().length;
      if (n === 0) return;
      const ok = await vscode.window.showWarningMessage(`Clear the request history (${n} request${n === 1 ? '' : 's'})?`, { modal: true }, 'Clear History');
      if (ok) await history.clear();
    }),
  );
  return { files, sender, history };
}
