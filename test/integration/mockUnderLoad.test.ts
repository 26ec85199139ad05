// The mock server in the extension host under the loads Entra brings: a big saved directory being loaded
// ("starting…", commands that wait for the start), and bursts of writes (change events to the workbench only
// for open resource documents, batched).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ScimService } from '../../src/mock/service';
import { resourceUri } from '../../src/vscode/directory/resourceFs';
import type { DirectoryNode } from '../../src/vscode/directory/tree';
import { FOLLOW_ROWS, REPAINT_MS } from '../../src/vscode/log/logView';
import { api, entraUser, FIXTURE_PORT, freePort, recordMessages, restoreAll, scim, setSetting, stub, waitFor } from './helpers';

/**
 * Requests on a few kept-alive connections, as a provisioning client sends them. fetch in the extension host
 * opens a connection per request and keeps it for the server's keep-alive time: the suite's bursts through it
 * together would reach the mock's connection limit (512).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

async function keptAlive(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const running = await (await api()).mock.ready();
  if (!running) throw new Error('mock server not running');
  const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${await (await api()).mock.token()}` };
  if (body !== undefined) headers['content-type'] = 'application/scim+json';
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`${running.url}${path}`), { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('error', reject)
        .on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject).end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('mock server under load in the extension host', function () {
  this.timeout(120_000);

  before(async () => {
    const a = await api();
    await a.mock.stop();
    await setSetting('scimWorkbench.mock.port', await freePort());
  });

  afterEach(() => restoreAll());

  after(async () => {
    agent.destroy();
    const a = await api();
    await a.mock.stop();
    await setSetting('scimWorkbench.mock.port', FIXTURE_PORT);
    await setSetting('scimWorkbench.mock.dataFile', undefined);
  });

  it('shows "starting…" while a big directory loads, and Copy Tenant URL waits for the start instead of failing', async () => {
    const a = await api();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-workbench-big-'));
    const file = path.join(dir, 'directory.jsonl');
    try {
      const users = 5_000;
      const seeded = await ScimService.open({ dataFile: file });
      await seeded.seed(users);
      await seeded.close();
      await setSetting('scimWorkbench.mock.dataFile', file);
      const messages = recordMessages();
      // The start is held while it says "starting" (at the token, which it reads after loading the directory)
      // until the test lets it go: how long a load takes depends on the machine, and a fast one finished it
      // before the command below ran.
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      const token = a.mock.token.bind(a.mock);
      stub(a.mock, 'token', async () => {
        await held;
        return token();
      });

      const start = a.mock.start();
      await waitFor('the starting state', () => a.mock.state.status === 'starting');
      // The Directory shows the mock as starting (not the stopped page with its Start button).
      const [source] = await a.directory.getChildren();
      assert.equal(source?.type, 'source');
      const shown = await a.directory.getChildren(source);
      assert.equal(shown.length, 1);
      const [loading] = shown;
      assert.equal(loading?.type, 'message');
      assert.match(loading?.type === 'message' ? loading.text : '', /^Starting: loading the saved directory \(directory\.jsonl, [\d.]+ MiB\)…$/);

      await vscode.env.clipboard.writeText('');
      let copied = false;
      const copy = Promise.resolve(vscode.commands.executeCommand('scimWorkbench.mock.copyTenantUrl')).then(() => { copied = true; });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(a.mock.state.status, 'starting');
      assert.equal(copied, false, 'Copy Tenant URL waits while the directory loads');
      assert.deepEqual(messages.messages.filter((m) => m.kind !== 'info'), [], 'no "not running" warning while it waits');
      release();
      await copy;
      const running = await a.mock.ready();
      assert.ok(running, 'the server runs once the command is done');
      assert.equal(await vscode.env.clipboard.readText(), running.url);
      assert.deepEqual(messages.messages.filter((m) => m.kind !== 'info'), [], 'no "not running" warning');
      assert.equal((await start).ok, true);
      assert.equal(a.mock.service?.stats().users, users);
    } finally {
      restoreAll();
      await a.mock.stop();
      await setSetting('scimWorkbench.mock.dataFile', undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends change events only for open resource documents, several writes to one event', async () => {
    const a = await api();
    assert.equal((await a.mock.start()).ok, true);
    await a.mock.service?.reset();
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await scim('POST', '/Users', entraUser(`batch.user.${i}@contoso.com`, 'Batch', 'User'))).json.id as string);
    const openId = ids[0] as string;
    const doc = await vscode.workspace.openTextDocument(resourceUri('Users', openId));
    await vscode.window.showTextDocument(doc, { preview: true });

    const events: vscode.FileChangeEvent[][] = [];
    const sub = a.resources.onDidChangeFile((e) => events.push(e));
    try {
      // A burst: every user renamed three times, the open one included, all at once.
      const patches = [];
      for (let round = 1; round <= 3; round++) {
        for (const id of ids) {
          patches.push(scim('PATCH', `/Users/${id}`, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'Replace', path: 'name.givenName', value: `Round${'I'.repeat(round)}` }],
          }));
        }
      }
      const answers = await Promise.all(patches);
      assert.ok(answers.every((r) => r.status === 200));
      await waitFor('the open document to show the last write', () => (JSON.parse(doc.getText()).name.givenName === 'RoundIII' ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      const uris = events.flat().map((e) => e.uri.toString());
      assert.ok(uris.length > 0, 'the open document heard of the change');
      assert.deepEqual([...new Set(uris)], [resourceUri('Users', openId).toString()], 'only the open document gets events');
      assert.ok(events.length < 3 * 3, `180 writes (3 to the open user) reached the workbench as ${events.length} events`);
      assert.ok(events.every((batch) => batch.length === 1), 'one entry per document in a batch');
    } finally {
      sub.dispose();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  it('repaints only the Directory rows a burst changed: creations the Users row, a membership both, a reset everything', async () => {
    const a = await api();
    assert.equal((await a.mock.start()).ok, true);
    await a.mock.service?.reset();
    a.directory.refreshNow();
    const [source] = await a.directory.getChildren();
    assert.equal(source?.type, 'source');
    const [users, groups] = await a.directory.getChildren(source);
    assert.equal(users?.type === 'collection' && users.kind, 'Users');
    assert.equal(groups?.type === 'collection' && groups.kind, 'Groups');
    const repaints: (readonly DirectoryNode[] | 'all')[] = [];
    const sub = a.directory.onDidChangeTreeData((e) => repaints.push(e ? [e].flat() : 'all'));
    try {
      const created = await Promise.all(Array.from({ length: 50 }, (_, i) => keptAlive('POST', '/Users', entraUser(`rows.user.${i}@contoso.com`, 'Rows', 'User'))));
      assert.ok(created.every((r) => r.status === 201));
      // The last repaint of the burst comes a pacing period after the first: wait for the count it shows.
      await waitFor('the Users row to show the new count', async () => (await a.directory.getTreeItem(users as DirectoryNode)).description === '50' || undefined);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(repaints.length > 0 && repaints.every((r) => r !== 'all' && r.length === 1 && r[0] === users), 'only the Users row, the node VS Code was given');

      repaints.length = 0;
      const group = await keptAlive('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Rows workspace' });
      await waitFor('the Groups row to repaint', () => repaints.length > 0 || undefined);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(repaints.every((r) => r !== 'all' && r.length === 1 && r[0] === groups), 'only the Groups row');

      repaints.length = 0;
      const patched = await keptAlive('PATCH', `/Groups/${group.json.id as string}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: created[0]?.json.id as string }] }],
      });
      assert.equal(patched.status, 204);
      await waitFor('the rows to repaint', () => repaints.length > 0 || undefined);
      const [both] = repaints;
      assert.ok(both !== 'all' && both?.length === 2 && both.includes(users as DirectoryNode) && both.includes(groups as DirectoryNode), 'a membership shows in both collections');

      repaints.length = 0;
      await a.mock.service?.reset();
      await waitFor('the tree to repaint', () => repaints.length > 0 || undefined);
      assert.deepEqual(repaints, ['all'], 'a reset repaints everything');
    } finally {
      sub.dispose();
    }
  });

  it('repaints the Provisioning Log list and its summary together, at most once a second during a burst', async () => {
    const a = await api();
    assert.equal((await a.mock.start()).ok, true);
    await vscode.commands.executeCommand('scimWorkbench.log.clear');
    await new Promise((r) => setTimeout(r, 5 * REPAINT_MS)); // the repaints of earlier requests have died down
    const events: { kind: 'list' | 'summary'; at: number }[] = [];
    const subs = [
      a.log.onDidChangeTreeData(() => events.push({ kind: 'list', at: performance.now() })),
      a.log.onDidRepaint(() => events.push({ kind: 'summary', at: performance.now() })),
    ];
    try {
      const t0 = performance.now();
      await keptAlive('GET', '/Users?count=1');
      await waitFor('the lone request to show', () => events.length > 0 || undefined);
      assert.ok(events[0]!.at - t0 < REPAINT_MS, `a lone request showed after ${Math.round(events[0]!.at - t0)} ms`);
      // Three seconds of requests, eight at a time.
      const end = performance.now() + 3 * REPAINT_MS;
      let sent = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (performance.now() < end) { await keptAlive('GET', '/Users?count=1'); sent++; }
      }));
      const burst = events.filter((e) => e.at >= t0);
      const lists = burst.filter((e) => e.kind === 'list');
      assert.ok(sent > 30, `${sent} requests`);
      assert.ok(lists.length <= 5, `${sent} requests over ${Math.round(performance.now() - t0)} ms repainted the list ${lists.length} times`);
      for (let i = 0; i < burst.length; i++) {
        if (burst[i]!.kind === 'list') assert.equal(burst[i + 1]?.kind, 'summary', 'the summary repaints with the list');
      }
    } finally {
      for (const s of subs) s.dispose();
    }
  });

  it('summarises a burst in the Provisioning Log, pauses and follows it, and resizes it without a restart', async () => {
    const a = await api();
    assert.equal((await a.mock.start()).ok, true);
    await a.mock.service?.reset();
    await vscode.commands.executeCommand('scimWorkbench.log.clear');
    await setSetting('scimWorkbench.mock.requestLogSize', 20);
    try {
      await waitFor('the log to shrink to 20 entries', async () => {
        await scim('GET', '/Users?count=1');
        return a.mock.requests().length === 20 ? true : undefined;
      });
      await setSetting('scimWorkbench.mock.requestLogSize', 150);
      await waitFor('the log to grow past 20 entries', async () => {
        await scim('GET', '/Users?count=1');
        return a.mock.requests().length > 20 ? true : undefined;
      });
      await vscode.commands.executeCommand('scimWorkbench.log.clear');
      // 200 creations, the last 10 of them duplicates (409 uniqueness), all at once.
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => scim('POST', '/Users', entraUser(`log.user.${i % 190}@contoso.com`, 'Log', 'User'))));
      assert.equal(answers.filter((r) => r.status === 409).length, 10);
      const summary = a.log.stats.summary();
      assert.equal(summary.total, 200, 'the summary counts every request, not only the 150 kept');
      assert.deepEqual(summary.errors, [[409, 10]]);
      assert.equal(summary.latestFailure?.status, 409);
      assert.equal(a.mock.requests().length, 150, 'the size setting applied without a restart');
      assert.ok(summary.perSecond > 0);
      assert.equal(a.log.getChildren().length, FOLLOW_ROWS, 'following, the list shows the newest 100');

      await vscode.commands.executeCommand('scimWorkbench.log.pause');
      const frozen = a.log.entries().map((e) => e.id);
      assert.equal(a.log.getChildren().length, 150, 'paused, every request kept can be browsed');
      await Promise.all(Array.from({ length: 5 }, (_, i) => scim('GET', `/Users?startIndex=${i + 1}&count=1`)));
      assert.deepEqual(a.log.entries().map((e) => e.id), frozen, 'a paused list does not move');
      assert.equal(a.log.newSincePause, 5);
      assert.equal(a.log.stats.summary().total, 205, 'the summary goes on while paused');
      await vscode.commands.executeCommand('scimWorkbench.log.follow');
      assert.equal(a.log.entries()[0]?.id, a.mock.requests().at(-1)?.id, 'following shows the newest again');

      await vscode.commands.executeCommand('scimWorkbench.log.openLatestFailure');
      const doc = await waitFor('the failed request', () => vscode.window.activeTextEditor?.document.uri.scheme === 'scim-log' ? vscode.window.activeTextEditor.document : undefined);
      assert.match(doc.getText(), /^POST \S+\/Users\n→ 409 Conflict/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await vscode.commands.executeCommand('scimWorkbench.log.follow');
      await setSetting('scimWorkbench.mock.requestLogSize', undefined);
    }
  });
});
