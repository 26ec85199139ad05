// "SCIM: Run Entra Provisioning Check…" in the extension host: the quick picks answered as a user would, the
// check run against the mock server (started by the command), the read-only Markdown report opened beside,
// every step green and no token anywhere; then "Save Report…" writing JUnit XML.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckReport } from '../../src/client/entraCheck';
import { answer, api, FIXTURE_PORT, freePort, restoreAll, setSetting, stub, waitFor } from './helpers';

/** Answers the next quick picks with the first item whose label matches, in order; records the items offered. */
function pick(...labels: RegExp[]): { offered: string[][]; restore: () => void } {
  const offered: string[][] = [];
  const restore = stub(vscode.window, 'showQuickPick', (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const list = await items;
    offered.push(list.map((i) => i.label));
    const want = labels.shift();
    return want ? list.find((i) => want.test(i.label)) : undefined;
  }) as never);
  return { offered, restore };
}

describe('Entra provisioning check in the extension host', function () {
  this.timeout(120_000);
  const restorers: (() => void)[] = [];

  before(async () => {
    await setSetting('scimWorkbench.mock.port', await freePort());
    await (await api()).mock.stop();
  });

  afterEach(() => {
    restoreAll();
    while (restorers.length) restorers.pop()?.();
  });

  after(async () => {
    await (await api()).mock.stop();
    await setSetting('scimWorkbench.mock.port', FIXTURE_PORT);
  });

  it('runs against the mock server (starting it) and opens a report with every step passed and no token', async () => {
    const a = await api();
    const picks = pick(/Mock MURAL server/, /^MURAL$/);
    restorers.push(picks.restore);
    const told = answer('showInformationMessage', undefined);
    const report = await vscode.commands.executeCommand<CheckReport>('scimWorkbench.check.run');
    assert.ok(report, 'the command returns the report');
    assert.equal(a.mock.state.status, 'running', 'choosing the stopped mock started it');
    assert.deepEqual(report.steps.filter((s) => s.verdict !== 'pass').map((s) => `${s.id}: ${s.summary}`), []);
    assert.equal(report.steps.length, 30);
    assert.equal(report.rules, 'mural');
    assert.ok(picks.offered[0].some((l) => /Enter a Tenant URL and Token/.test(l)), 'a one-off target is offered');
    assert.deepEqual(picks.offered[1], ['MURAL', 'Generic SCIM'], 'MURAL rules first for the mock');

    const doc = await waitFor('the report document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'scim-check'));
    assert.equal(doc.languageId, 'markdown');
    const preview = await waitFor('the rendered report', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && /entra-check-mock-mural-server\.md/.test(t.label)));
    assert.ok(preview.isActive, 'the report opens rendered (a Markdown preview), not as source');
    assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document === doc), 'the source is not shown');
    const text = doc.getText();
    assert.match(text, /^# Entra provisioning check: Mock MURAL server\n\n\*\*Passed: 30 passed, 0 failed/);
    assert.match(text, /\| 15 \| \[Remove a member \(legacy value list\)\]\(#15-remove-a-member-legacy-value-list\) \| ✔ passed \|/);
    assert.match(text, /\[MURAL: the last admin of a workspace cannot be deactivated\]\(#\d+-mural-the-last-admin-of-a-workspace-cannot-be-deactivated\) \| ✔ passed \|/);
    const token = await a.mock.token();
    assert.ok(!text.includes(token), 'no token in the report');
    assert.ok(a.log.entries().some((e) => e.requestHeaders['x-scim-workbench'] === 'entra-check'), 'the check\'s requests are tagged in the log');
    assert.match(text, /Authorization: Bearer \*\*\*/);
    // Starting the mock may first tell where its token is kept (a web host's secret storage forgets it).
    const verdict = await waitFor('the verdict message', () => told.calls.find((c) => /Entra provisioning check of/.test(String(c[0]))));
    assert.equal(String(verdict[0]), `Entra provisioning check of "Mock MURAL server" passed: the endpoint answers all ${report.steps.length} steps as Entra expects.`);
    assert.deepEqual(verdict.slice(1), ['Save Report…', 'Show Source']);
    const left = [...(a.mock.service?.store.users.values() ?? [])].filter((u) => String(u.data.userName).startsWith('entra.check.'));
    assert.equal(left.length, 0, 'the test users were deleted');
  });

  it('Save Report… writes the last run as JUnit XML, chosen by the file extension', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scim-check-report-'));
    try {
      const target = vscode.Uri.file(path.join(dir, 'entra-check.xml'));
      const dialog = answer('showSaveDialog', target);
      answer('showInformationMessage', undefined);
      const saved = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.check.saveReport');
      assert.equal(saved?.fsPath, target.fsPath);
      const options = dialog.calls[0][0] as vscode.SaveDialogOptions;
      assert.deepEqual(Object.keys(options.filters ?? {}), ['Markdown', 'JUnit XML', 'JSON', 'Text']);
      const xml = await fs.readFile(target.fsPath, 'utf8');
      assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="Entra provisioning check" tests="30" failures="0"/);
      assert.ok(!xml.includes(await (await api()).mock.token()));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
