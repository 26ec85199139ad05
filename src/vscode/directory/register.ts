// Wires the directory explorer: the tree view, its sources, the resource documents and the actions.
import * as vscode from 'vscode';
import { SECTION } from '../config';
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

export function registerDirectory(context: vscode.ExtensionContext, mock: MockServerController): DirectoryFeature {
  const pageSize = () => Math.max(10, vscode.workspace.getConfiguration(SECTION).get<number>('directory.pageSize', 200));
  const tree = new DirectoryTreeProvider(pageSize);
  const mockSource = new MockDirectorySource(mock);
  tree.visibleSources = (s) => s !== mockSource || mock.state.status === 'running' || mock.state.status === 'starting';
  tree.addSource(mockSource);
  const view = vscode.window.createTreeView<DirectoryNode>(`${SECTION}.directory`, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: false });
  const fs = new ResourceFileSystem(mock);
  context.subscriptions.push(
    tree,
    mockSource,
    view,
    fs,
    vscode.workspace.registerFileSystemProvider(RESOURCE_SCHEME, fs, { isCaseSensitive: true }),
    mock.onDidChangeState(() => tree.refreshNow()),
    // Selecting opens: sturdier than item commands while the tree repaints under a burst of requests.
    view.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node?.type === 'more') tree.loadMore(node);
      else if (node?.type === 'user' || node?.type === 'group') void vscode.commands.executeCommand(`${SECTION}.openResource`, node);
    }),
  );
  registerDirectoryCommands(context, mock, tree, view);
  return { tree, resources: fs };
}
