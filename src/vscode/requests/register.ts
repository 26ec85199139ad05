// Wires sending: request files (CodeLens, diagnostics, Send Request), Send Payload… for `*.scim.json` files,
// the history (in the Connections view and as a quick pick) and the response status bar. What each command
// does is in controller.ts.
import * as vscode from 'vscode';
import type { Commands } from '../commands';
import type { ConnectionsFeature } from '../connections/register';
import type { ConnectionNode } from '../connections/tree';
import type { PayloadDiagnostics } from '../diagnostics/register';
import { RequestController } from './controller';
import { RequestHistory } from './history';
import { HTTP_FILES, RequestFiles } from './httpFiles';
import { RequestSender } from './sender';

export interface RequestsFeature {
  readonly files: RequestFiles;
  readonly sender: RequestSender;
  readonly history: RequestHistory;
}

export function registerRequests(context: vscode.ExtensionContext, commands: Commands, connections: ConnectionsFeature, payloads: PayloadDiagnostics, log: vscode.LogOutputChannel): RequestsFeature {
  const { service } = connections;
  const history = new RequestHistory(context.workspaceState);
  const sender = new RequestSender(service.network, history, log);
  const files = new RequestFiles(context.workspaceState, service, payloads);
  const requests = new RequestController(service, files, sender, history);
  connections.tree.attachHistory(history);
  // Ctrl+Alt+R (Cmd+Alt+R) sends the request at the cursor, as in REST Client — unless REST Client is installed,
  // whose own binding for the same keys and files then stays in charge (package.json "keybindings").
  const restClient = () => void vscode.commands.executeCommand('setContext', 'scimWorkbench.restClientInstalled', vscode.extensions.getExtension('humao.rest-client') !== undefined);
  restClient();
  context.subscriptions.push(vscode.extensions.onDidChange(restClient));
  context.subscriptions.push(history, sender, files, vscode.languages.registerCodeLensProvider(HTTP_FILES, files), vscode.languages.registerHoverProvider(HTTP_FILES, files));
  const uriOf = (arg: unknown) => (arg instanceof vscode.Uri ? arg : undefined);
  commands.register('scimWorkbench.requests.send', (uri?: unknown, line?: unknown) => requests.sendRequest(uriOf(uri), typeof line === 'number' ? line : undefined));
  commands.register('scimWorkbench.requests.sendPayload', (uri?: unknown) => requests.sendPayload(uriOf(uri)));
  commands.register('scimWorkbench.requests.chooseConnection', (uri?: unknown) => requests.chooseConnection(uriOf(uri)));
  commands.register('scimWorkbench.requests.newFile', () => requests.newFile());
  commands.register('scimWorkbench.requests.cancel', () => requests.cancel());
  commands.register('scimWorkbench.requests.showResponse', (uri?: unknown) => requests.showResponse(uriOf(uri)));
  commands.register('scimWorkbench.requests.openHistoryEntry', (arg?: ConnectionNode | string) => requests.openHistoryEntry(arg));
  commands.register('scimWorkbench.requests.resend', (arg?: ConnectionNode | string) => requests.resend(arg));
  commands.register('scimWorkbench.requests.history', () => requests.showHistory());
  commands.register('scimWorkbench.requests.clearHistory', () => requests.clearHistory());
  return { files, sender, history };
}
