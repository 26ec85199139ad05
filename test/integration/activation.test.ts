import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'scim-workbench.scim-workbench';

describe('activation', () => {
  it('registers every command package.json contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await ext?.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 40);
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  it('activates and exposes its API', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    assert.equal(api.version, ext.packageJSON.version);
  });
});
