// Wires the Connections view: the store and shared HTTP client, the tree, browsing in the Directory view with
// its read-only documents and confirmed writes, and the commands.
import * as vscode from 'vscode';
import type { Commands } from '../commands';
import { SECTION } from '../config';
import type { DirectoryTreeProvider } from '../directory/tree';
import type { MockServerController } from '../mock/controller';
import { registerConnectionCommands } from './commands';
import { REMOTE_SCHEME, RemoteBrowsing, RemoteResourceDocuments } from './remote';
import { ConnectionService } from './service';
import { ConnectionsTreeProvider, type ConnectionNode } from './tree';

export interface ConnectionsFeature {
  readonly service: ConnectionService;
  readonly tree: ConnectionsTreeProvider;
  readonly browsing: RemoteBrowsing;
  /** Every value the extension keeps in globalState and workspaceState (for support and for the tests that prove no token is among them). */
  persisted(): { readonly global: Record<string, unknown>; readonly workspace: Record<string, unknown> };
}

function snapshot(memento: vscode.Memento): Record<string, unknown> {
  return Object.fromEntries(memento.keys().map((k) => [k, memento.get(k)]));
}

export function registerConnections(context: vscode.ExtensionContext, commands: Commands, mock: MockServerController, directory: DirectoryTreeProvider, log: vscode.LogOutputChannel): ConnectionsFeature {
  const service = new ConnectionService(context, mock, log);
  const tree = new ConnectionsTreeProvider(service);
  const browsing = new RemoteBrowsing(context.workspaceState, service, directory);
  tree.attachBrowsing(browsing);
  const view = vscode.window.createTreeView<ConnectionNode>(`${SECTION}.connections`, { treeDataProvider: tree, showCollapseAll: false });
  context.subscriptions.push(
    service,
    tree,
    browsing,
    view,
    vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, new RemoteResourceDocuments(browsing)),
  );
  registerConnectionCommands(commands, service, browsing);
  return {
    service, tree, browsing,
    persisted: () => ({ global: snapshot(context.globalState), workspace: snapshot(context.workspaceState) }),
  };
}
