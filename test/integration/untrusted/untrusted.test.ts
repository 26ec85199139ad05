// The extension in an untrusted workspace (restricted mode), as package.json's capabilities promise: the mock
// server and diagnostics work; the workspace's mapping file and its restricted setting are not used; nothing is
// sent from the workspace's files. The harness opens test/fixtures/untrusted-workspace with workspace trust on.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SendResult } from '../../../src/vscode/requests/sender';
import { api, choose, entraUser, recordMessages, restoreAll, scim, stubServer, waitFor } from '../helpers';

const SOURCE = 'SCIM Workbench';

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs in the untrusted fixture workspace');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

function codes(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri)
    .filter((d) => d.source === SOURCE)
    .map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
}

describe('untrusted workspace', function () {
  this.timeout(60_000);

  afterEach(async () => {
    restoreAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await (await api()).mock.stop();
  });

  it('runs in restricted mode', async () => {
    await api();
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('the mock server starts and serves Entra\'s requests', async () => {
    const a = await api();
    const started = await a.mock.start();
    assert.ok(started.ok, 'the mock server starts');
    const created = await scim('POST', '/Users', entraUser('grace.hopper@contoso.com', 'Grace', 'Hopper'));
    assert.equal(created.status, 201);
    const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "grace.hopper@contoso.com"')}`);
    assert.equal(found.json.totalResults, 1);
  });

  it('checks payloads against MURAL\'s table, not the workspace\'s mapping file', async () => {
    const a = await api();
    const payload = workspaceFile('payloads', 'digits.scim.json');
    const mapping = workspaceFile('.vscode', 'scim-mapping.json');
    await vscode.workspace.fs.stat(mapping); // the file that allows digits is there
    assert.equal(a.diagnostics.mappings.infoFor(payload).source, 'untrusted');
    const doc = await vscode.workspace.openTextDocument(payload);
    await vscode.window.showTextDocument(doc);
    await a.diagnostics.linter.whenLinted(doc);
    await waitFor('the digits diagnostic', () => codes(payload).includes('SCIM022'));
    assert.deepEqual(codes(payload), ['SCIM022'], 'MURAL\'s no-digits rule applies; the workspace table would allow them');
  });

  it('ignores the workspace\'s CA certificate setting (a restricted configuration)', async () => {
    const settings = Buffer.from(await vscode.workspace.fs.readFile(workspaceFile('.vscode', 'settings.json'))).toString('utf8');
    assert.match(settings, /"scimWorkbench\.network\.extraCaCertificates": "\/nonexistent\/ca-from-an-untrusted-folder\.pem"/, 'the fixture sets it');
    const config = vscode.workspace.getConfiguration('scimWorkbench');
    assert.equal(config.inspect<string>('network.extraCaCertificates')?.workspaceValue, undefined, 'VS Code withholds it in restricted mode');
    assert.equal(config.get<string>('network.extraCaCertificates'), '');
  });

  it('sends nothing from a request file or a payload file, and says why', async () => {
    const target = await stubServer((_req, _body, res) => { res.writeHead(201, { 'Content-Type': 'application/scim+json' }); res.end('{}'); });
    try {
      const file = workspaceFile('requests', 'send.http');
      await vscode.workspace.fs.writeFile(file, Buffer.from(`POST ${target.url}/Users\nContent-Type: application/scim+json\n\n{"userName": "x@contoso.com"}\n`, 'utf8'));
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      const send = lenses.find((l) => l.command?.title.includes('Send Request'));
      assert.equal(send?.command?.command, 'workbench.trust.manage', 'the lens leads to Manage Workspace Trust');
      assert.match(send?.command?.title ?? '', /trust this workspace first/);

      const shown = recordMessages();
      const asked = choose((i) => i.connectionId === 'mock');
      const fromFile = await vscode.commands.executeCommand<SendResult | undefined>('scimWorkbench.requests.send', file, 0);
      const fromPayload = await vscode.commands.executeCommand<SendResult | undefined>('scimWorkbench.requests.sendPayload', workspaceFile('payloads', 'digits.scim.json'));
      assert.equal(fromFile, undefined);
      assert.equal(fromPayload, undefined);
      assert.equal(asked.calls.length, 0, 'no connection is asked for');
      assert.equal(shown.messages.length, 2);
      for (const m of shown.messages) {
        assert.equal(m.kind, 'warning');
        assert.match(m.text, /This workspace is not trusted, so SCIM Workbench does not send requests from its files/);
        assert.deepEqual(m.items, ['Manage Workspace Trust']);
      }
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(target.requests.length, 0, 'the local server received nothing');
    } finally {
      await target.close();
    }
  });

  it('runs no provisioning job: each provisioning command says why and sends nothing', async () => {
    const a = await api();
    const started = await a.mock.start();
    assert.ok(started.ok);
    const requests = a.log.stats.summary().total;
    const shown = recordMessages();
    const asked = choose();
    for (const verb of ['start', 'runNextCycle', 'provisionOnDemand', 'restart', 'allowDeletes']) {
      const result = await vscode.commands.executeCommand(`scimWorkbench.provisioning.${verb}`);
      assert.ok(result === undefined || result === false, verb);
    }
    assert.equal(asked.calls.length, 0, 'no directory file or target is asked for');
    assert.equal(shown.messages.length, 5);
    for (const m of shown.messages) {
      assert.equal(m.kind, 'warning');
      assert.match(m.text, /^This workspace is not trusted, so SCIM Workbench does not run provisioning from its directory and configuration files/);
      assert.deepEqual(m.items, ['Manage Workspace Trust']);
    }
    assert.equal(a.log.stats.summary().total, requests, 'the mock received nothing');
    assert.equal(a.provisioning.job.state, undefined);
  });
});
