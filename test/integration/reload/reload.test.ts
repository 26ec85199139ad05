// Reload Window with the mock server running and started on open: the workbench runs this suite once, the
// test reloads the window (as a user would from the palette), and the reloaded workbench runs it again. The
// first run leaves a note in the workspace folder (fresh per run) that the second run checks against.
// In the web workbench the secret store keeps secrets in memory: the reload empties it, so the token must come
// back from the file the extension keeps, and clients holding the old token must still get in.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, FIXTURE_PORT, freePort, outputText, setSetting, waitFor } from '../helpers';

interface BeforeReload { token: string; url: string; storage: string; file?: string }

describe('Reload Window', function () {
  this.timeout(120_000);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const note = folder ? path.join(folder, 'before-reload.json') : '';

  it('keeps the mock server\'s token when the secret store forgets it, and says where it is kept', async () => {
    assert.ok(folder, 'the suite runs with a workspace folder');
    const a = await api();
    if (!fs.existsSync(note)) {
      await setSetting('scimWorkbench.mock.port', await freePort());
      await setSetting('scimWorkbench.mock.startOnOpen', true);
      const started = await a.mock.start();
      assert.equal(started.ok, true);
      const token = await a.mock.token();
      const storage = a.mock.tokenStorage;
      fs.writeFileSync(note, JSON.stringify({ token, url: started.ok ? started.url : '', storage: storage.kind, ...(storage.kind === 'file' ? { file: storage.file } : {}) } satisfies BeforeReload));
      void vscode.commands.executeCommand('workbench.action.reloadWindow');
      // The reload ends this extension host; the reloaded workbench runs the suite again.
      await new Promise(() => undefined);
    }
    const before = JSON.parse(fs.readFileSync(note, 'utf8')) as BeforeReload;
    const running = await waitFor('the mock server started on open', () => (a.mock.state.status === 'running' ? a.mock.state : undefined), 60_000);
    assert.equal(running.url, before.url);
    assert.equal(await a.mock.token(), before.token, 'the token is the one clients were given before the reload');
    const res = await fetch(`${running.url}/Users?count=1`, { headers: { Authorization: `Bearer ${before.token}` } });
    assert.equal(res.status, 200, 'a client holding the token from before the reload gets in');
    if (vscode.env.uiKind === vscode.UIKind.Web) {
      // The web workbench's secret store lost the token: the extension saw that and took it from its file.
      const storage = a.mock.tokenStorage;
      assert.equal(storage.kind, 'file');
      assert.equal(storage.kind === 'file' && storage.observed, true, 'the lost secret was detected');
      assert.equal(storage.kind === 'file' && storage.file, before.file);
      const file = before.file as string;
      assert.equal(fs.readFileSync(file, 'utf8').trim(), before.token);
      if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o077, 0, 'only the user can read the token file');
      const log = await outputText(/Mock server token: .*did not keep it across a restart/);
      assert.ok(log.includes(file), 'the output says where the token is kept');
    }
    await a.mock.stop();
    await setSetting('scimWorkbench.mock.startOnOpen', undefined);
    await setSetting('scimWorkbench.mock.port', FIXTURE_PORT);
  });
});
