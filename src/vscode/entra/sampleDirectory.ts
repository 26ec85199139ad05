// SCIM: New Sample Entra Directory — writes a realistic Entra directory file (src/entra/directory/sample.ts) into
// the workspace, where the JSON schema completes and validates it, for `scim-workbench provision` to start from.
import * as vscode from 'vscode';
import { MAX_SAMPLE_USERS, sampleDirectory } from '../../entra/directory/sample';
import type { Commands } from '../commands';
import { targetFolder } from '../diagnostics/register';

const FILE = 'sample.entra-directory.json';

/** Groups for a sample of `users`: three department groups for a small one, about one per 100 users above. */
export function sampleGroups(users: number): number {
  return users <= 300 ? Math.min(3, Math.max(users, 1)) : Math.ceil(users / 100);
}

function validateUsers(text: string): string | undefined {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_SAMPLE_USERS ? undefined : `A whole number of users from 1 to ${MAX_SAMPLE_USERS}.`;
}

/** Asks for the number of users, writes the file (never over an existing one) and opens it. */
export async function newSampleDirectory(): Promise<vscode.Uri | undefined> {
  const folder = await targetFolder('Workspace folder for the sample Entra directory');
  if (!folder) {
    void vscode.window.showWarningMessage('An Entra directory file belongs to a workspace folder: open a folder first (File: Open Folder…).');
    return undefined;
  }
  const answer = await vscode.window.showInputBox({
    title: 'New Sample Entra Directory',
    prompt: 'How many users? The first ones are the cases MURAL turns away or Entra skips (a digit in a surname, capitals in a UPN, no mail, disabled, unassigned, deleted).',
    value: '20',
    validateInput: validateUsers,
  });
  if (answer === undefined) return undefined;
  const users = Number(answer.trim());
  let uri = vscode.Uri.joinPath(folder.uri, FILE);
  for (let n = 2; await vscode.workspace.fs.stat(uri).then(() => true, () => false); n++) {
    uri = vscode.Uri.joinPath(folder.uri, FILE.replace('.entra-directory.json', `-${n}.entra-directory.json`));
  }
  const text = `${JSON.stringify(sampleDirectory({ users, groups: sampleGroups(users) }), null, 2)}\n`;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  await vscode.window.showTextDocument(uri);
  return uri;
}

/** `written` hears of each file written (the Entra Provisioning view takes it as its job's directory when it has none). */
export function registerSampleDirectory(commands: Commands, written: (uri: vscode.Uri) => Promise<void>): void {
  commands.register('scimWorkbench.provisioning.newSampleDirectory', async () => {
    const uri = await newSampleDirectory();
    if (uri) await written(uri);
    return uri;
  });
}
