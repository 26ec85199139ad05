// The Entra Provisioning view inside VS Code: a job on a sample directory against the extension's mock server —
// the initial cycle and what the mock holds afterwards, the view's status and log, an entry rendered as the portal
// shows it, an incremental cycle, staged deletions and Allow Staged Deletions, provision on demand, export as JSON
// and CSV, restart, a cancelled cycle whose saved state matches the mock, a broken directory file, and the modal
// confirmation before writing to a saved connection.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDirectory } from '../../src/entra/directory/load';
import { sampleDirectory } from '../../src/entra/directory/sample';
import { muralDefaultEngineConfiguration } from '../../src/entra/engine/config';
import { DEFAULT_CONCURRENCY, type CycleResult } from '../../src/entra/engine/cycle';
import { parseState } from '../../src/entra/engine/state';
import { ProvisioningJob, REPAINT_MS } from '../../src/vscode/entra/provisioningJob';
import { exportLog } from '../../src/vscode/entra/provisioning';
import { NO_FILTER, ProvisioningTreeProvider, type ProvisioningNode } from '../../src/vscode/entra/provisioningView';
import type { ScimWorkbenchApi } from '../../src/extension';
import { answer, api, recordMessages, restoreAll, scim, setSetting, stub, stubServer, waitFor } from './helpers';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs with a workspace folder');
  return f.uri;
}

async function writeJson(name: string, value: unknown): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder(), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(value, null, 2), 'utf8'));
  return uri;
}

async function mockUsers(): Promise<any[]> {
  const all: any[] = [];
  for (let start = 1; ; start += 500) {
    const page = (await scim('GET', `/Users?startIndex=${start}&count=500`)).json;
    all.push(...page.Resources);
    if (page.Resources.length === 0 || all.length >= page.totalResults) return all;
  }
}

/** The view's nodes and items, depth first. */
async function viewItems(): Promise<{ node: ProvisioningNode; item: vscode.TreeItem }[]> {
  const { tree } = (await api()).provisioning;
  const out: { node: ProvisioningNode; item: vscode.TreeItem }[] = [];
  const walk = async (nodes: ProvisioningNode[]) => {
    for (const node of nodes) {
      out.push({ node, item: tree.getTreeItem(node) });
      await walk(await tree.getChildren(node));
    }
  };
  await walk(await tree.getChildren());
  return out;
}

async function statusItem(): Promise<vscode.TreeItem> {
  const found = (await viewItems()).find((x) => x.node.type === 'status');
  assert.ok(found, 'the view shows the job\'s status');
  return found.item;
}

/** Requests the mock answered since it started (its request log keeps only the newest, so its length stops growing). */
const served = (a: ScimWorkbenchApi) => a.log.stats.summary().total;

const label = (i: vscode.TreeItem) => (typeof i.label === 'string' ? i.label : i.label?.label ?? '');

describe('Entra Provisioning view', function () {
  this.timeout(120_000);
  const sample = sampleDirectory({ users: 12, groups: 2 }) as any;
  let directory: vscode.Uri;

  before(async () => {
    const a = await api();
    const started = await a.mock.start();
    assert.ok(started.ok, 'the mock server starts');
    await a.mock.service?.reset();
    await a.provisioning.job.reset(true);
    directory = await writeJson('job.entra-directory.json', sample);
  });

  afterEach(async () => {
    restoreAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await setSetting('scimWorkbench.provisioning.deletionThreshold', undefined);
    const a = await api();
    await a.provisioning.job.reset(true);
    await a.provisioning.job.update({ directoryFile: undefined, targetId: undefined, configurationFile: undefined });
    await a.mock.service?.reset();
    await a.mock.stop();
  });

  it('shows the welcome content until a directory file is chosen', async () => {
    const a = await api();
    assert.deepEqual(a.provisioning.tree.getChildren(), [], 'no job: the view is empty, so its welcome content shows');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseDirectory', directory), directory.fsPath);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseTarget', 'mock'), 'mock');
    const items = await viewItems();
    const settings = items.filter((x) => x.node.type === 'setting').map((x) => `${label(x.item)}: ${String(x.item.description)}`);
    assert.deepEqual(settings, ['Configuration: MURAL Identity (default mappings)', 'Directory: job.entra-directory.json', `Target: Mock MURAL server · ${a.mock.state.status === 'running' ? a.mock.state.url : ''}`]);
    assert.equal(label(await statusItem()), 'Not started');
  });

  it('Start Provisioning runs the initial cycle against the mock: MURAL\'s refusals, Entra\'s skips, the view\'s status and log', async () => {
    const a = await api();
    const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.start');
    assert.equal(result.cycle.kind, 'initial');
    const users = await mockUsers();
    const names = users.map((u) => u.userName as string);
    // Capitals in the UPN: created lower-case. A digit in the surname: refused by MURAL with its 400.
    assert.ok(names.includes('elijah.lovelace@contoso.com'), names.join(', '));
    assert.ok(!names.some((n) => n.startsWith('irina.stroustrup')));
    const refused = result.entries.find((e) => e.sourceIdentity.displayName === 'irina.stroustrup@contoso.com');
    assert.equal(refused?.provisioningStatusInfo.status, 'failure');
    assert.equal(refused?.provisioningStatusInfo.errorInformation?.errorCode, 'SystemForCrossDomainIdentityManagementBadRequest');
    const disabled = result.entries.find((e) => e.sourceIdentity.displayName === 'camille.clarke@contoso.com');
    assert.equal(disabled?.provisioningStatusInfo.errorInformation?.errorCode, 'NotEffectivelyEntitled');
    assert.equal(result.cycle.stats.users.create, users.length);

    // The view: idle until the next simulated cycle, the last cycle's statistics, the log grouped by cycle.
    const status = await statusItem();
    assert.equal(label(status), 'Idle');
    assert.match(String(status.description), /^next cycle at \d\d:\d\d UTC \(simulated\)$/);
    const items = await viewItems();
    const usersLine = items.find((x) => x.node.type === 'statLine' && label(x.item) === 'Users');
    assert.match(String(usersLine?.item.description), new RegExp(`^${users.length} created, \\d+ skipped, \\d+ failed$`));
    const cycles = items.filter((x) => x.node.type === 'cycle');
    assert.deepEqual(cycles.map((x) => label(x.item)), ['Cycle 1 · initial']);
    const entries = items.filter((x) => x.node.type === 'entry');
    assert.equal(entries.length, result.entries.length);
    const row = entries.find((x) => label(x.item) === 'irina.stroustrup@contoso.com');
    assert.equal(row?.item.description, 'Create · Failure · SystemForCrossDomainIdentityManagementBadRequest');
    assert.equal(a.provisioning.job.state?.cycles, 1);
  });

  it('opens an entry rendered as the portal shows it: steps, modified properties, error, HTTP exchanges', async () => {
    const a = await api();
    const entry = a.provisioning.job.cycles()[0].entries.find((e) => e.sourceIdentity.displayName === 'irina.stroustrup@contoso.com');
    assert.ok(entry);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.openEntry', entry.id);
    const text = a.provisioning.documents.provideTextDocumentContent(uri);
    assert.match(text, /^# User 'irina\.stroustrup@contoso\.com': Create · Failure/);
    for (const heading of ['## Steps', '### 1. Import user: Success', '### 2. Determine if user is in scope', '## Troubleshooting & Recommendations', '## Modified Properties', '## Summary', '## HTTP exchanges (2)']) {
      assert.ok(text.includes(heading), `${heading} in\n${text}`);
    }
    assert.match(text, /\*\*Error code:\*\* `SystemForCrossDomainIdentityManagementBadRequest`/);
    assert.match(text, /### 2\. `POST .*\/Users` → 400/);
    assert.ok(!text.includes(await a.mock.token()), 'no token in the rendered entry');
    await waitFor('the Markdown preview tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /Preview.*Provisioning log entry/.test(t.label)));
  });

  it('Run Next Cycle processes only what changed: an update of the changed attribute, the failure retried', async () => {
    const changed = structuredClone(sample);
    const robert = changed.users.find((u: any) => u.userPrincipalName === 'robert.boateng@contoso.com');
    robert.surname = 'Boatengson';
    directory = await writeJson('job.entra-directory.json', changed);
    const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.runNextCycle');
    assert.equal(result.cycle.kind, 'incremental');
    const update = result.entries.find((e) => e.sourceIdentity.displayName === 'robert.boateng@contoso.com');
    assert.equal(update?.provisioningAction, 'update');
    assert.deepEqual(update?.modifiedProperties.find((p) => p.displayName === 'name.familyName'), { displayName: 'name.familyName', oldValue: 'Boateng', newValue: 'Boatengson' });
    assert.ok(result.entries.some((e) => e.sourceIdentity.displayName === 'irina.stroustrup@contoso.com' && e.provisioningStatusInfo.status === 'failure'), 'the escrowed failure is retried');
    assert.ok(result.entries.length < 6, `only the changed and escrowed objects: ${result.entries.map((e) => e.sourceIdentity.displayName).join(', ')}`);
    const cycles = (await viewItems()).filter((x) => x.node.type === 'cycle').map((x) => label(x.item));
    assert.deepEqual(cycles, ['Cycle 2 · incremental', 'Cycle 1 · initial']);
  });

  it('filters the log by action, status and identity', async () => {
    const a = await api();
    await vscode.commands.executeCommand('scimWorkbench.provisioning.filterLog', { actions: ['create'], statuses: ['failure'], identity: 'IRINA' });
    const entries = (await viewItems()).filter((x) => x.node.type === 'entry');
    assert.ok(entries.length >= 1);
    for (const e of entries) assert.equal(label(e.item), 'irina.stroustrup@contoso.com');
    assert.equal(a.provisioning.view.message, 'Log filtered: Create, Failure, "IRINA"');
    await vscode.commands.executeCommand('scimWorkbench.provisioning.clearFilter');
    assert.equal(a.provisioning.view.message, undefined);
  });

  it('stages deletions over the threshold and pauses; Allow Staged Deletions sends them', async () => {
    await setSetting('scimWorkbench.provisioning.deletionThreshold', 1);
    // Two users blocked from signing in: their disables count as deletions (accidental-deletions.md).
    const blocked = structuredClone(sample);
    const removed = ['harper.thomas@contoso.com', 'ananya.smith@contoso.com'];
    for (const u of blocked.users) if (removed.includes(u.userPrincipalName)) u.accountEnabled = false;
    directory = await writeJson('job.entra-directory.json', blocked);
    const shown = recordMessages();
    const paused = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.runNextCycle');
    assert.equal(paused.cycle.stats.stagedDeletes, 2);
    assert.deepEqual(paused.entries.filter((e) => e.provisioningAction === 'stagedDelete').map((e) => e.sourceIdentity.displayName).sort(), removed.sort());
    const status = await statusItem();
    assert.equal(label(status), 'Paused: 2 deletions staged');
    assert.equal(status.contextValue, 'scim:provisioning:status:paused');
    assert.ok(shown.messages.some((m) => m.kind === 'warning' && /^Provisioning paused: /.test(m.text) && m.items.includes('Allow Staged Deletions')));
    const active = async () => (await mockUsers()).filter((u) => removed.includes(u.userName) && u.active === true).length;
    assert.equal(await active(), 2, 'nothing disabled yet');

    const allowed = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.allowDeletes');
    assert.deepEqual(allowed.entries.filter((e) => e.provisioningAction === 'disable').map((e) => e.sourceIdentity.displayName).sort(), removed.sort());
    assert.equal(await active(), 0, 'the staged disables were sent');
    assert.equal(label(await statusItem()), 'Idle');
    await setSetting('scimWorkbench.provisioning.deletionThreshold', undefined);
  });

  it('Provision on Demand… runs one user through the five steps and shows them rendered', async () => {
    const a = await api();
    const before = a.provisioning.job.state?.cycles;
    const picked = answer('showQuickPick', undefined);
    await vscode.commands.executeCommand('scimWorkbench.provisioning.provisionOnDemand');
    const offered = (picked.calls[0][0] as vscode.QuickPickItem[]).map((i) => i.description);
    assert.ok(offered.includes('kofi.knuth@contoso.com'));
    assert.ok(!offered.includes('camille.clarke@contoso.com'), 'users disabled in Entra are not offered, as in the portal');
    restoreAll();

    const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.provisionOnDemand', 'Elijah.Lovelace@Contoso.com');
    assert.equal(result.cycle.kind, 'onDemand');
    assert.equal(result.entries.length, 1);
    assert.deepEqual(result.entries[0].provisioningSteps.map((s) => s.provisioningStepType), ['import', 'scoping', 'matching', 'export']);
    assert.equal(a.provisioning.job.state?.cycles, before, 'the job\'s cycles are left alone');
    const text = a.provisioning.documents.provideTextDocumentContent(vscode.Uri.from({ scheme: 'scim-provisioning', path: '/Provision on demand.md' }));
    assert.match(text, /^# Provision on demand: User 'Elijah\.Lovelace@Contoso\.com'/);
    assert.match(text, /#### 3\. Match user between source and target system/);
    const cycles = (await viewItems()).filter((x) => x.node.type === 'cycle').map((x) => label(x.item));
    assert.equal(cycles[0], 'Provision on demand');
  });

  it('exports the log as JSON and as CSV', async () => {
    const a = await api();
    const json = vscode.Uri.joinPath(folder(), 'export', 'logs.json');
    const csv = vscode.Uri.joinPath(folder(), 'export', 'logs.csv');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder(), 'export'));
    answer('showSaveDialog', json, csv);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.exportLogs'))?.toString(), json.toString());
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.exportLogs'))?.toString(), csv.toString());
    const total = a.provisioning.job.cycles().reduce((n, c) => n + c.total, 0);
    const exported = JSON.parse(fs.readFileSync(json.fsPath, 'utf8'));
    assert.equal(exported.entries.length, total);
    assert.equal(exported.cycles.length, a.provisioning.job.cycles().length);
    assert.ok(exported.entries.every((e: any) => typeof e.changeId === 'string' && e.provisioningStatusInfo));
    const rows = fs.readFileSync(csv.fsPath, 'utf8').trimEnd().split('\r\n');
    assert.match(rows[0], /^Date \(UTC\),Cycle ID,Change ID,Job ID,Action,Status/);
    assert.equal(rows.length, total + 1);
  });

  it('Restart Provisioning asks, then the next cycle is an initial cycle that matches the objects already there', async () => {
    const a = await api();
    const asked = answer('showWarningMessage', undefined, 'Restart');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.restart'), false, 'dismissed: nothing changes');
    assert.ok((a.provisioning.job.state?.cycles ?? 0) > 0);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.restart'), true);
    assert.match(String(asked.calls[0][0]), /Restart provisioning\?/);
    assert.equal(a.provisioning.job.state?.cycles, 0);
    assert.equal(label(await statusItem()), 'Restarted');
    restoreAll();
    const before = (await mockUsers()).length;
    const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.runNextCycle');
    assert.equal(result.cycle.kind, 'initial');
    assert.equal(result.cycle.stats.users.create, 0, 'links kept: nothing is created twice');
    assert.equal((await mockUsers()).length, before);
  });

  it('a cancelled cycle stops cleanly and its saved state matches what the mock holds', async () => {
    const a = await api();
    await a.provisioning.job.reset(false);
    await a.mock.service?.reset();
    directory = await writeJson('job.entra-directory.json', sampleDirectory({ users: 2000, groups: 20 }));
    // 5 ms before every answer of the mock: the cycle (4 objects at a time, two requests or more each) lasts
    // seconds on any machine, so the progress reports the test cancels from come before it ends by itself.
    await setSetting('scimWorkbench.mock.latencyMs', 5);
    await waitFor('the latency applied to the running mock', () => a.mock.service?.options.latencyMs === 5);
    // Cancel from the notification once a few entries are in.
    const source = new vscode.CancellationTokenSource();
    const seen: { message?: string; status?: string; description?: string }[] = [];
    // Restored at the end: left in place, its cancelled token cancelled every later cycle of the suite at once.
    const restoreProgress = stub(vscode.window, 'withProgress', ((_o: unknown, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Promise<unknown>) => task({
      report: (p) => {
        const status = a.provisioning.tree.getTreeItem({ type: 'status' });
        seen.push({ ...(p.message ? { message: p.message } : {}), status: label(status), description: String(status.description) });
        if ((a.provisioning.job.running?.entries ?? 0) > 5) source.cancel();
      },
    }, source.token)) as never);
    let repaints = 0;
    const counting = a.provisioning.tree.onDidChangeTreeData(() => repaints++);
    const t0 = Date.now();
    const result = await Promise.resolve(vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.start'))
      .finally(() => { restoreProgress(); return setSetting('scimWorkbench.mock.latencyMs', undefined); });
    const ms = Date.now() - t0;
    counting.dispose();
    assert.match(result.cycle.stopped ?? '', /cancelled/);
    // Batched: one repaint per REPAINT_MS at most, plus the start and the end of the cycle — not one per object.
    assert.ok(repaints <= 3 + ms / REPAINT_MS, `${repaints} repaints in ${ms} ms`);
    assert.ok(result.entries.length > repaints, `${result.entries.length} entries, ${repaints} repaints`);
    // While it ran: the notification and the view's status counted the objects, at most twice a second.
    assert.ok(seen.length >= 1);
    assert.match(seen[0].message ?? '', /^initial cycle 1: [\d,]+ of 2,020 objects( · users)? · [\d,]+ created/);
    assert.equal(seen[0].status, 'Running initial cycle 1');
    assert.match(seen[0].description ?? '', /^[\d,]+ of 2,020 objects · [\d,]+ created/);
    assert.ok(result.entries.length < 2000, `${result.entries.length} entries`);
    const storage = path.join(a.provisioning.job.storageFolder, 'state.json');
    const saved = parseState(fs.readFileSync(storage, 'utf8'), storage);
    const linked = Object.values(saved.users).filter((l) => l.targetId).map((l) => l.targetId).sort();
    const inMock = (await mockUsers()).map((u) => u.id as string).sort();
    assert.deepEqual(linked, inMock, 'every user created in the mock is linked in the saved state, and only those');
    assert.equal(label(await statusItem()), 'Idle');
    const stopped = (await viewItems()).find((x) => x.node.type === 'statLine' && label(x.item) === 'Stopped');
    assert.match(String(stopped?.item.description), /cancelled/);
  });

  it('choosing another directory file for a started job asks whether to keep the job or start a new one', async () => {
    const a = await api();
    const other = await writeJson('other.entra-directory.json', sampleDirectory({ users: 3, groups: 1 }));
    const jobId = a.provisioning.job.state?.jobId;
    assert.ok(jobId);
    const asked = answer('showWarningMessage', undefined, 'Keep the Job', 'Start a New Job');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseDirectory', other), undefined, 'dismissed: nothing changes');
    assert.equal(a.provisioning.job.settings.directoryFile, directory.fsPath);
    const [message, options] = asked.calls[0] as [string, vscode.MessageOptions];
    assert.equal(message, 'Provision from other.entra-directory.json instead of job.entra-directory.json?');
    assert.equal(options.modal, true);
    assert.match(options.detail ?? '', /objects missing from it are deleted in the target/);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseDirectory', other), other.fsPath);
    assert.equal(a.provisioning.job.state?.jobId, jobId, 'Keep the Job keeps the links');
    await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseDirectory', directory);
    assert.equal(a.provisioning.job.state, undefined, 'Start a New Job forgets the state');
    assert.equal(a.provisioning.job.settings.directoryFile, directory.fsPath);
    assert.equal(label(await statusItem()), 'Not started');
  });

  it('a directory file that cannot be used gives a clear error and runs nothing', async () => {
    const a = await api();
    const broken = structuredClone(sample);
    broken.users[1].id = broken.users[0].id;
    delete broken.users[2].userPrincipalName;
    directory = await writeJson('job.entra-directory.json', broken);
    const requests = served(a);
    const shown = recordMessages();
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.runNextCycle'), undefined);
    const error = shown.messages.find((m) => m.kind === 'error');
    assert.match(error?.text ?? '', /^The directory file cannot be used: .*job\.entra-directory\.json: users\[\d\]\.\S+: .+ \(and \d+ more problems?: see the output\)$/);
    assert.deepEqual(error?.items, ['Open Directory File', 'Show Output']);
    assert.equal(served(a), requests, 'no request was sent');
    directory = await writeJson('job.entra-directory.json', sample);
  });

  it('writing to a saved connection asks in a modal naming the endpoint, every time', async () => {
    const a = await api();
    if (a.mock.state.status !== 'running') throw new Error('mock not running');
    const saved = await a.connections.service.store.add({ name: 'Staging', tenantUrl: a.mock.state.url, authScheme: 'Bearer', token: await a.mock.token() });
    try {
      answer('showWarningMessage', 'Change Target');
      assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseTarget', saved.id), saved.id);
      restoreAll();
      const requests = served(a);
      const asked = answer('showWarningMessage', undefined);
      assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.start'), undefined);
      assert.equal(served(a), requests, 'dismissed: nothing sent');
      const [message, options] = asked.calls[0] as [string, vscode.MessageOptions];
      assert.equal(message, 'Start provisioning to Staging?');
      assert.equal(options.modal, true);
      assert.ok(options.detail?.includes(`Staging (${a.mock.state.url})`), options.detail);
      restoreAll();
      answer('showWarningMessage', 'Provision');
      const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.start');
      assert.equal(result.cycle.kind, 'initial');
      assert.ok(served(a) > requests);
    } finally {
      restoreAll();
      await a.connections.service.store.remove(saved.id);
      await a.provisioning.job.update({ targetId: 'mock' });
    }
  });

  it('New Sample Entra Directory becomes the job\'s directory file when the job has none', async () => {
    const a = await api();
    await a.provisioning.job.update({ directoryFile: undefined });
    answer('showInputBox', '5');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.provisioning.newSampleDirectory');
    try {
      assert.equal(a.provisioning.job.settings.directoryFile, uri.fsPath);
      assert.equal(label((await viewItems()).find((x) => x.node.type === 'setting' && label(x.item) === 'Directory')!.item), 'Directory');
    } finally {
      await vscode.workspace.fs.delete(uri);
      await a.provisioning.job.update({ directoryFile: directory.fsPath });
    }
  });

  it('a configuration file that cannot be used gives a clear error and runs nothing', async () => {
    const a = await api();
    const config = await writeJson('broken.provisioning.json', { id: 'x', synchronizationRules: 'not a list' });
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseConfiguration', config), config.fsPath);
    try {
      assert.equal(label((await viewItems()).find((x) => x.node.type === 'setting' && label(x.item) === 'Configuration')!.item), 'Configuration');
      const requests = served(a);
      const shown = recordMessages();
      assert.equal(await vscode.commands.executeCommand('scimWorkbench.provisioning.runNextCycle'), undefined);
      const error = shown.messages.find((m) => m.kind === 'error');
      assert.match(error?.text ?? '', /^The provisioning configuration cannot be used: broken\.provisioning\.json/);
      assert.equal(served(a), requests, 'no request was sent');
    } finally {
      await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseConfiguration', 'default');
    }
  });

  it('an endpoint that refuses the token quarantines the job at once, and the view says why', async () => {
    const a = await api();
    const target = await stubServer((_req, _body, res) => {
      res.writeHead(401, { 'Content-Type': 'application/scim+json' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Bad token' }));
    });
    const saved = await a.connections.service.store.add({ name: 'Refusing', tenantUrl: `${target.url}/scim`, authScheme: 'Bearer', token: 'wrong-token-123456' });
    try {
      answer('showWarningMessage', 'Change Target', 'Provision');
      await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseTarget', saved.id);
      const shown = recordMessages({ warning: ['Provision'] });
      const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.start');
      assert.match(result.cycle.stopped ?? '', /refused the credentials \(401\)/);
      const status = await statusItem();
      assert.equal(label(status), 'Quarantined: EncounteredQuarantineException');
      assert.match(String(status.description), /^next attempt \w+ \d+, \d\d:\d\d UTC \(simulated\)$/);
      assert.ok(shown.messages.some((m) => m.kind === 'warning' && /^Provisioning is quarantined \(EncounteredQuarantineException\): The target refused the credentials \(401\)/.test(m.text)));
      assert.ok(target.requests.length <= DEFAULT_CONCURRENCY, `Entra stops at the first 401: only the objects already in flight asked (${target.requests.length} requests)`);
    } finally {
      restoreAll();
      await a.connections.service.store.remove(saved.id);
      await a.provisioning.job.reset(false);
      await a.provisioning.job.update({ targetId: 'mock' });
      await target.close();
    }
  });

  it('keeps every entry of a cycle on disk: the view lists a bounded few, the failure filter and the export reach past them, a reload reads the same; the oldest cycles go first', async () => {
    const a = await api();
    const folderOfJob = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-provisioning-job-'));
    const oldFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-provisioning-old-'));
    const contextFor = (storage: string) => {
      const values = new Map<string, unknown>();
      return {
        workspaceState: { get: (k: string, d?: unknown) => (values.has(k) ? values.get(k) : d), update: async (k: string, v: unknown) => { values.set(k, v); }, keys: () => [...values.keys()] },
        storageUri: vscode.Uri.file(storage), globalStorageUri: vscode.Uri.file(storage),
      } as unknown as vscode.ExtensionContext;
    };
    const context = contextFor(folderOfJob);
    const limits = { entries: 10, cycles: 3, cyclesInMemory: 1 };
    const job = new ProvisioningJob(context, limits);
    const trees: ProvisioningTreeProvider[] = [];
    try {
      await a.mock.service?.reset();
      const target = await a.connections.service.use('mock', 'start');
      const client = await a.connections.service.network.clientFor('the test');
      assert.ok(target && client);
      const sample = sampleDirectory({ users: 30, groups: 1 }) as { users: Record<string, unknown>[] };
      // The last user has a digit in the surname: MURAL refuses it, past the first 10 entries.
      const last = sample.users[sample.users.length - 1];
      last.surname = 'Smith2';
      const directory = parseDirectory(JSON.stringify(sample), 'bounded.entra-directory.json');
      const run = () => job.run({
        directory, configuration: muralDefaultEngineConfiguration(), client, connection: target.connection, timeoutMs: 30_000,
        signal: new AbortController().signal, requestSignal: new AbortController().signal,
      });
      const result = await run();
      const [initial] = job.cycles();
      assert.equal(initial.entries.length, 10, 'memory holds the first 10 entries');
      assert.ok(initial.total >= 31, `the file has every entry (${initial.total})`);
      const failing = String(last.userPrincipalName);
      const check = async (j: ProvisioningJob, cycleId: string, total: number) => {
        const tree = new ProvisioningTreeProvider(j, a.connections.service.store);
        trees.push(tree);
        const cycle = j.cycles().find((c) => c.id === cycleId);
        assert.ok(cycle);
        const all = await tree.getChildren({ type: 'cycle', cycle });
        assert.equal(all.filter((n) => n.type === 'entry').length, 10, 'the view lists the display bound');
        assert.deepEqual(all.find((n) => n.type === 'more'), { type: 'more', hidden: total - 10 });
        assert.ok(!all.some((n) => n.type === 'entry' && n.entry.sourceIdentity.displayName === failing), 'the failure is past the bound');
        tree.setFilter({ actions: [], statuses: ['failure'], identity: '' });
        const failures = await tree.getChildren({ type: 'cycle', cycle });
        assert.ok(failures.some((n) => n.type === 'entry' && n.entry.sourceIdentity.displayName === failing && n.entry.provisioningStatusInfo.status === 'failure'), `the filter finds ${failing}: ${JSON.stringify(failures.map((n) => n.type))}`);
        // Export streams every kept entry, past the display bound, as JSON and as CSV.
        const json = path.join(folderOfJob, `export-${trees.length}.json`);
        const csv = path.join(folderOfJob, `export-${trees.length}.csv`);
        assert.equal(await exportLog(j, NO_FILTER, json), total);
        const exported = JSON.parse(fs.readFileSync(json, 'utf8'));
        assert.equal(exported.entries.filter((e: any) => e.cycleId === cycleId).length, total);
        assert.ok(exported.cycles.some((c: any) => c.id === cycleId));
        assert.equal(await exportLog(j, NO_FILTER, csv), total);
        const rows = fs.readFileSync(csv, 'utf8').split('\r\n').filter((l) => l.includes(cycleId));
        assert.equal(rows.length, total);
        assert.ok(rows.some((l) => l.includes(failing)));
      };
      await check(job, initial.id, initial.total);
      assert.ok(result.entries.length <= 10);
      const reloaded = new ProvisioningJob(context, limits);
      await reloaded.load();
      assert.deepEqual(reloaded.cycles().map((c) => [c.id, c.number, c.entries.length, c.total, c.summary?.kind]), job.cycles().map((c) => [c.id, c.number, c.entries.length, c.total, c.summary?.kind]));
      await check(reloaded, initial.id, initial.total);
      reloaded.dispose();
      // Only the newest cycles hold entries in memory: a cycle that holds none is listed, filtered and exported
      // from its file alike.
      const lean = new ProvisioningJob(context, { ...limits, cyclesInMemory: 0 });
      await lean.load();
      assert.deepEqual(lean.cycles().map((c) => [c.id, c.entries.length, c.total]), [[initial.id, 0, initial.total]]);
      await check(lean, initial.id, initial.total);
      lean.dispose();
      // An earlier version's single log.jsonl (entry lines, then the cycle's summary with the entries it did not
      // keep) is migrated on load: every line it kept is still listed, filtered and exported.
      const dump = JSON.parse(fs.readFileSync(path.join(folderOfJob, 'export-1.json'), 'utf8'));
      fs.mkdirSync(path.join(oldFolder, 'entra-provisioning'));
      const oldLog = path.join(oldFolder, 'entra-provisioning', 'log.jsonl');
      fs.writeFileSync(oldLog, [...dump.entries.map((entry: unknown) => JSON.stringify({ entry })), JSON.stringify({ cycle: { ...dump.cycles[0], number: 1, notKept: 7 } }), ''].join('\n'));
      const migrated = new ProvisioningJob(contextFor(oldFolder), limits);
      await migrated.load();
      assert.deepEqual(migrated.cycles().map((c) => [c.id, c.number, c.total, c.notKept, c.summary?.kind]), [[initial.id, 1, initial.total, 7, 'initial']]);
      assert.ok(!fs.existsSync(oldLog), 'log.jsonl is migrated');
      await check(migrated, initial.id, initial.total);
      migrated.dispose();
      for (let i = 0; i < 4; i++) await run();
      const kept = job.cycles();
      assert.equal(kept.length, limits.cycles);
      // The newest cycle holds its first entries; the older ones' (a retry of the refused user among them) are in their files only.
      assert.deepEqual(kept.map((c) => c.entries.length), [Math.min(kept[0]!.total, 10), 0, 0]);
      assert.ok(kept.slice(1).some((c) => c.total > 0), JSON.stringify(kept.map((c) => c.total)));
      assert.ok(!kept.some((c) => c.id === initial.id), 'the oldest cycle went first');
      assert.equal(job.dropped, 2);
      const again = new ProvisioningJob(context, limits);
      await again.load();
      assert.deepEqual(again.cycles().map((c) => [c.id, c.number, c.total, c.summary?.kind]), kept.map((c) => [c.id, c.number, c.total, c.summary?.kind]));
      assert.equal(again.dropped, 2);
      assert.deepEqual(again.cycles().map((c) => c.entries.length), kept.map((c) => c.entries.length), 'a reload holds the same entries in memory');
      assert.equal(again.state?.cycles, 5);
      // A cycle without entries (nothing changed) has no file.
      assert.deepEqual(fs.readdirSync(path.join(folderOfJob, 'entra-provisioning', 'log')).filter((f) => f.endsWith('.jsonl')).sort(), kept.filter((c) => c.total).map((c) => `${c.id}.jsonl`).sort(), 'the dropped cycles\' files are gone');
      again.dispose();
      // A cycle's file removed by hand: its entries are counted as not kept, never listed or exported.
      const removed = kept.find((c) => c.total > 0);
      assert.ok(removed);
      fs.rmSync(path.join(folderOfJob, 'entra-provisioning', 'log', `${removed.id}.jsonl`));
      const without = new ProvisioningJob(context, limits);
      await without.load();
      const lost = without.cycles().find((c) => c.id === removed.id);
      assert.deepEqual([lost?.total, lost?.entries.length, lost?.notKept], [0, 0, removed.total]);
      const lostTree = new ProvisioningTreeProvider(without, a.connections.service.store);
      trees.push(lostTree);
      assert.ok(lost);
      assert.deepEqual(await lostTree.getChildren({ type: 'cycle', cycle: lost }), [{ type: 'notKept', count: removed.total }]);
      without.dispose();
    } finally {
      for (const t of trees) t.dispose();
      job.dispose();
      fs.rmSync(folderOfJob, { recursive: true, force: true });
      fs.rmSync(oldFolder, { recursive: true, force: true });
    }
  });
});
