// Wires the directory explorer: the tree view, its sources, the resource documents and the actions.
import * as vscode from 'vscode';
import type { Commands } from '../commands';
import { SECTION, directoryPageSize, settingId } from '../config';
import type { MockServerController } from '../mock/controller';
import { registerDirectoryCommands } from './commands';
import { MockDirectorySource } from './mockSource';
import { RESOURCE_SCHEME, ResourceFileSystem } from './resourceFs';
import { DirectoryTreeProvider, type DirectoryNode } from './tree';

export interface DirectoryFeature {
  readonly tree: DirectoryTreeProvider;
  /** The mock's users and groups as documents (scim-mock:). */
  readonly resources: ResourceFileSystem;
}

export function registerDirectory(context: vscode.ExtensionContext, commands: Commands, mock: MockServerController): DirectoryFeature {
  const tree = new DirectoryTreeProvider(directoryPageSize);
  const mockSource = new MockDirectorySource(mock);
  tree.visibleSources = (s) => s !== mockSource || mock.state.status === 'running' || mock.state.status === 'starting';
  tree.addSource(mockSource);
  const view = vscode.window.createTreeView<DirectoryNode>(`${SECTION}.directory`, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: false });
  const fs = new ResourceFileSystem(mock);
  // The title bar's Filter and Refresh show only when the view lists something to filter or refresh.
  let shown: boolean | undefined;
  const updateShown = () => {
    if (shown === tree.showsSources) return;
    shown = tree.showsSources;
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.directoryShown', shown);
  };
  updateShown();
  context.subscriptions.push(
    tree,
    mockSource,
    view,
    fs,
    vscode.workspace.registerFileSystemProvider(RESOURCE_SCHEME, fs, { isCaseSensitive: true }),
    mock.onDidChangeState(() => tree.refreshNow()),
    tree.onDidRefresh(updateShown),
    // A filter the mock refused (or answered) under MURAL's query rules reads differently once they change.
    vscode.workspace.onDidChangeConfiguration((e) => { if (tree.filter && e.affectsConfiguration(settingId('mock.muralFilters'))) tree.refreshNow(); }),
    // Selecting opens: sturdier than item commands while the tree repaints under a burst of requests.
    view.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node?.type === 'more') tree.loadMore(node);
      else if (node?.type === 'user' || node?.type === 'group') void vscode.commands.executeCommand('scimWorkbench.directory.openResource', node);
    }),
  );
  registerDirectoryCommands(commands, mock, mockSource, tree, view, fs);
  commands.register('scimWorkbench.directory.saveToServer', async (uri?: vscode.Uri) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (uri ?? vscode.window.activeTextEditor?.document.uri)?.toString());
    if (doc?.uri.scheme !== RESOURCE_SCHEME) {
      void vscode.window.showInformationMessage('Open a user or group of the mock server as JSON (Directory → Open as JSON) to save it to the server.');
      return false;
    }
    return fs.send(doc.uri, doc.getText());
  });
  return { tree, resources: fs };
}
