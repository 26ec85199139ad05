// Wires payload diagnostics (docs/diagnostics.md): the linter and its collection, the workspace mapping tables, code
// actions, hover, completion and the commands. Snippets and the mapping file's JSON schema are contributed in
// package.json.
import * as vscode from 'vscode';
import { MURAL_MAPPING } from '../../scim/mapping';
import { RULES, type RuleCode } from '../../validation';
import type { Commands } from '../commands';
import { PayloadCodeActions } from './actions';
import { COMPLETION_TRIGGERS, PayloadCompletionProvider, PayloadHoverProvider } from './assist';
import { PayloadLinter } from './linter';
import { WorkspaceMappings } from './mappings';
import { RuleDocs } from './ruleDocs';

/** What the extension's API exposes of this feature (the extension-host tests use it). */
export interface PayloadDiagnostics {
  readonly linter: PayloadLinter;
  readonly mappings: WorkspaceMappings;
  readonly docs: RuleDocs;
  readonly actions: PayloadCodeActions;
}

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];

export function registerPayloadDiagnostics(context: vscode.ExtensionContext, commands: Commands, log: vscode.LogOutputChannel): PayloadDiagnostics {
  const docs = new RuleDocs(context.extensionUri, log);
  const mappings = new WorkspaceMappings(log);
  const linter = new PayloadLinter(mappings, docs);
  const actions = new PayloadCodeActions(linter);
  context.subscriptions.push(
    mappings,
    linter,
    vscode.languages.registerCodeActionsProvider(SELECTOR, actions, PayloadCodeActions.metadata),
    vscode.languages.registerHoverProvider(SELECTOR, new PayloadHoverProvider(linter)),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new PayloadCompletionProvider(linter), ...COMPLETION_TRIGGERS),
  );
  commands.register('scimWorkbench.diagnostics.openRuleDocs', (code?: unknown) => docs.open(typeof code === 'string' && code in RULES ? code as RuleCode : undefined));
  commands.register('scimWorkbench.diagnostics.showRules', () => docs.open());
  commands.register('scimWorkbench.diagnostics.createMappingFile', () => createMappingFile(mappings));
  return { linter, mappings, docs, actions };
}

/** The folder a command acts on: the active editor's, the only one, or the one the user picks. */
export async function targetFolder(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const own = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  if (own) return own;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder });
}

/** Writes MURAL's table as the folder's starting mapping file unless one exists, then opens it. */
export async function createMappingFile(mappings: WorkspaceMappings): Promise<vscode.Uri | undefined> {
  const folder = await targetFolder('Workspace folder for the attribute mapping file');
  if (!folder) {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showWarningMessage('An attribute mapping file belongs to a workspace folder: open a folder first (File: Open Folder…).');
    }
    return undefined;
  }
  const uri = mappings.mappingUri(folder);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) {
    const table = { name: `${MURAL_MAPPING.name}, workspace copy`, entries: MURAL_MAPPING.entries };
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(table, null, 2)}\n`, 'utf8'));
    await mappings.reloadFolder(folder);
  }
  await vscode.window.showTextDocument(uri);
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage(
      'This workspace is not trusted, so SCIM Workbench does not read its attribute mapping file: payloads are checked against MURAL\'s table until you trust the workspace.',
      'Manage Workspace Trust',
    ).then((choice) => { if (choice) void vscode.commands.executeCommand('workbench.trust.manage'); });
  }
  return uri;
}
