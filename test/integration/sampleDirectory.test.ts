// SCIM: New Sample Entra Directory inside VS Code: asks for the number of users, writes a file the loader reads
// and the schema validates, never overwrites one, and does nothing when the question is dismissed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseDirectory } from '../../src/entra/directory/load';
import { answer, restoreAll, waitFor } from './helpers';

describe('New Sample Entra Directory', () => {
  afterEach(() => restoreAll());

  it('writes a sample directory of the size asked for, then sample-2, and opens it with no schema problem', async () => {
    answer('showInputBox', '12', '7');
    const first = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.newSampleDirectory');
    const second = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.newSampleDirectory');
    try {
      assert.ok(first.path.endsWith('/sample.entra-directory.json'), first.path);
      assert.ok(second.path.endsWith('/sample-2.entra-directory.json'), second.path);
      const d = parseDirectory(Buffer.from(await vscode.workspace.fs.readFile(first)).toString('utf8'), first.fsPath);
      assert.equal(d.users.length, 12);
      assert.equal(d.groups.length, 3);
      assert.equal(parseDirectory(Buffer.from(await vscode.workspace.fs.readFile(second)).toString('utf8'), 'x').users.length, 7);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), second.toString());
      // The JSON schema registered for *.entra-directory.json: an unknown scope is flagged by the JSON language service.
      const doc = vscode.window.activeTextEditor!.document;
      const edit = new vscode.WorkspaceEdit();
      const at = doc.getText().indexOf('"assigned"');
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"assigned"'.length)), '"everyone"');
      await vscode.workspace.applyEdit(edit);
      await waitFor('a schema problem on "scope"', () => vscode.languages.getDiagnostics(doc.uri).some((p) => /assigned|all/.test(p.message)) || undefined, 30_000);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      for (const u of [first, second]) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
    }
  });

  it('writes nothing when the question is dismissed', async () => {
    answer('showInputBox', undefined);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.newSampleDirectory'), undefined);
  });
});
