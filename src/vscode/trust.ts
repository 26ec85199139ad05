// Workspace trust (https://code.visualstudio.com/api/extension-guides/workspace-trust): features that act on a
// workspace's files with the user's credentials (request files, provisioning jobs) refuse in restricted mode,
// say why and offer Manage Workspace Trust.
import * as vscode from 'vscode';

/** True after telling the user `why` nothing is done in this untrusted workspace; false when it is trusted. */
export async function refuseUntrusted(why: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const choice = await vscode.window.showWarningMessage(why, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}
