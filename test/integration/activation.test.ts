import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, outputText, recordMessages, restoreAll } from './helpers';

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

  it('reports a command that throws once, with Show Output, and logs it; a cancelled command says nothing', async () => {
    await api();
    const node = (documentUri: () => vscode.Uri) => ({ type: 'user', resource: { id: 'u1' }, source: { id: 'broken', kind: 'remote', documentUri } });
    const shown = recordMessages({ error: ['Show Output'] });
    const result = await vscode.commands.executeCommand('scimWorkbench.directory.openResource', node(() => { throw new Error('the source broke'); }));
    assert.equal(result, undefined);
    assert.deepEqual(shown.messages.map((m) => [m.kind, m.text, m.items]), [['error', 'Open as JSON failed: the source broke', ['Show Output']]]);
    assert.match(await outputText(/the source broke/), /Open as JSON \(scimWorkbench\.directory\.openResource\) failed:[\s\S]*the source broke/);
    shown.messages.length = 0;
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', node(() => { throw new vscode.CancellationError(); }));
    assert.deepEqual(shown.messages, []);
    restoreAll();
  });
});
