// Connections in the extension host: add/edit/remove with the token only in SecretStorage, Test Connection
// against the mock and against a local server that refuses the token, browsing a connection over HTTP in the
// Directory view with paging, filter, read-only documents and confirmed writes — and, at the end, a scan of
// everything written during the suite for the tokens used.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionNode } from '../../src/vscode/connections/tree';
import type { DirectoryNode } from '../../src/vscode/directory/tree';
import { answer, api, choose, entraUser, outputText, placesHolding, recordMessages, restoreAll, scim, setSetting, shownMessages, stubServer, waitFor } from './helpers';

const TOKEN = 'conn-test-secret-7f3a9c1e5b2d4068a1f0';
const NEW_TOKEN = 'conn-test-rotated-0b9e8d7c6a5f4e3d2c1b';
const STUB_TOKEN = 'stub-refused-token-c4d5e6f7a8b9c0d1';

async function connectionItem(id: string): Promise<vscode.TreeItem> {
  const a = await api();
  return a.connections.tree.getTreeItem({ type: 'connection', id });
}

/** Everything the suite may have written, as text, by place. */
async function writtenTexts(): Promise<Record<string, string>> {
  const a = await api();
  const texts: Record<string, string> = {};
  for (const d of vscode.workspace.textDocuments) texts[`document ${d.uri.toString()}`] = d.getText();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    texts['workspace settings.json'] = await fs.readFile(path.join(folder, '.vscode', 'settings.json'), 'utf8').catch(() => '');
  }
  texts['settings (inspected)'] = JSON.stringify(['scimWorkbench', 'http'].map((s) => vscode.workspace.getConfiguration(s)));
  const state = a.connections.persisted();
  texts.globalState = JSON.stringify(state.global);
  texts.workspaceState = JSON.stringify(state.workspace);
  texts.history = JSON.stringify(a.requests.history.entries());
  texts.messages = shownMessages.join('\n');
  texts.output = await outputText(/Test Connection "Refusing stub" \(http:\/\/127\.0\.0\.1:\d+\/scim\): failed/);
  return texts;
}

describe('connections', function () {
  this.timeout(60_000);
  const added: string[] = [];

  before(async () => {
    const a = await api();
    const started = await a.mock.start();
    assert.ok(started.ok, 'the mock server starts');
  });

  afterEach(() => restoreAll());

  after(async () => {
    const a = await api();
    for (const id of added) if (a.connections.service.store.get(id)) await a.connections.service.store.remove(id);
    await setSetting('scimWorkbench.directory.pageSize', undefined);
    a.directory.setFilter(undefined);
  });

  it('lists the mock server first, running with its URL, and offers to add a connection', async () => {
    const a = await api();
    const roots = a.connections.tree.getChildren();
    assert.deepEqual(roots[0], { type: 'connection', id: 'mock' });
    const item = await connectionItem('mock');
    assert.equal(item.label, 'Mock MURAL server');
    const s = a.mock.state;
    assert.ok(s.status === 'running');
    assert.equal(item.description, `running · ${s.url}`);
    assert.equal(item.contextValue, 'scim:connection:mock:running');
    if (a.connections.service.store.saved().length === 0) {
      assert.ok(roots.some((n) => n.type === 'add'), 'an empty list offers "Add Connection…"');
    }
  });

  it('adds a connection from input boxes (tenant URL validated, the aadOptscim062020 flag kept), edits it and removes it; the token lives only in SecretStorage', async () => {
    const a = await api();
    const store = a.connections.service.store;
    const boxes = answer('showInputBox', 'https://scim.example.com/v2/?aadOptscim062020', 'Staging', ` ${TOKEN} `);
    const picks = choose((i) => i.scheme === 'apikey');
    recordMessages();
    const id = await vscode.commands.executeCommand<string>('scimWorkbench.connections.add');
    assert.ok(id);
    added.push(id);

    const urlBox = boxes.calls[0]?.[0] as vscode.InputBoxOptions;
    const validate = urlBox.validateInput as (v: string) => string | vscode.InputBoxValidationMessage | undefined;
    assert.match(String(validate('http://scim.example.com/v2')), /Use https:\/\/ for scim\.example\.com/);
    assert.equal(validate('http://127.0.0.1:8080/scim'), undefined, 'plain http is fine on this machine');
    const flag = validate('https://scim.example.com/v2?aadOptscim062020') as vscode.InputBoxValidationMessage;
    assert.equal(flag.severity, vscode.InputBoxValidationSeverity.Info);
    assert.match(flag.message, /aadOptscim062020 flag is kept/);
    const users = validate('https://scim.example.com/v2/Users') as vscode.InputBoxValidationMessage;
    assert.equal(users.severity, vscode.InputBoxValidationSeverity.Warning);
    assert.equal((boxes.calls[1]?.[0] as vscode.InputBoxOptions).value, 'scim.example.com', 'the name defaults to the host');
    const tokenBox = boxes.calls[2]?.[0] as vscode.InputBoxOptions;
    assert.equal(tokenBox.password, true);
    assert.match(String(tokenBox.validateInput?.(`Bearer ${TOKEN}`)), /without "Bearer "/);
    assert.equal(picks.calls.length, 1);

    assert.deepEqual(store.get(id), { id, name: 'Staging', tenantUrl: 'https://scim.example.com/v2?aadOptscim062020', authScheme: 'apikey' });
    assert.equal(await store.token(id), TOKEN, 'the token is trimmed and stored');
    assert.equal(await (await api()).connections.service.store.connection(id).then((c) => c?.token), TOKEN);
    const item = await connectionItem(id);
    assert.equal(item.label, 'Staging');
    assert.equal(item.description, 'scim.example.com/v2?aadOptscim062020');
    assert.equal(item.contextValue, 'scim:connection:saved');
    assert.match((item.tooltip as vscode.MarkdownString).value, /aadOptscim062020` flag is set/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /apikey <token>/);

    restoreAll();
    choose((i) => i.field === 'name');
    answer('showInputBox', 'Staging EU');
    await vscode.commands.executeCommand('scimWorkbench.connections.edit', { type: 'connection', id } satisfies ConnectionNode);
    assert.equal(store.get(id)?.name, 'Staging EU');

    restoreAll();
    choose((i) => i.field === 'authScheme', (i) => i.scheme === 'Bearer');
    await vscode.commands.executeCommand('scimWorkbench.connections.edit', id);
    assert.equal(store.get(id)?.authScheme, 'Bearer');

    restoreAll();
    const nameBox = answer('showInputBox', undefined);
    choose((i) => i.field === 'name');
    await vscode.commands.executeCommand('scimWorkbench.connections.edit', id);
    const nameValidate = (nameBox.calls[0]?.[0] as vscode.InputBoxOptions).validateInput as (v: string) => string | undefined;
    assert.match(String(nameValidate('mock mural server')), /built-in mock server/);
    assert.equal(nameValidate('Staging EU'), undefined, 'its own name is fine');

    restoreAll();
    answer('showInputBox', NEW_TOKEN);
    await vscode.commands.executeCommand('scimWorkbench.connections.setToken', id);
    assert.equal(await store.token(id), NEW_TOKEN);

    restoreAll();
    const confirm = recordMessages({ warning: [undefined, 'Remove'] });
    await vscode.commands.executeCommand('scimWorkbench.connections.remove', id);
    assert.ok(store.get(id), 'dismissing the confirmation keeps it');
    await vscode.commands.executeCommand('scimWorkbench.connections.remove', id);
    assert.equal(confirm.messages.length, 2);
    assert.equal(store.get(id), undefined);
    assert.equal(await store.token(id), undefined, 'the token left SecretStorage with it');
  });

  it('tests the running mock as Entra does: a pass in the view and a report with every probe, redacted', async () => {
    const a = await api();
    const shown = recordMessages();
    const result = await vscode.commands.executeCommand<{ ok: boolean }>('scimWorkbench.connections.test', 'mock');
    assert.equal(result?.ok, true);
    const pass = shown.messages.find((m) => m.kind === 'info');
    assert.match(String(pass?.text), /^Test Connection passed for "Mock MURAL server"/);
    assert.deepEqual(pass?.items, ['Show Report']);
    const item = await connectionItem('mock');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(String(item.description), /^running · passed \d\d:\d\d · http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim$/);
    assert.equal(item.contextValue, 'scim:connection:mock:running:report');
    const probes = a.log.entries().slice(0, 2).map((e) => `${e.method} ${decodeURIComponent(e.path.replace(/\+/g, ' '))}`);
    assert.match(probes[1] ?? '', /^GET \/.*\/Users\?filter=userName eq "[0-9a-f-]{36}"$/);
    assert.match(probes[0] ?? '', /^GET \/.*\/Groups\?excludedAttributes=members&filter=displayName eq "[0-9a-f-]{36}"$/);

    await vscode.commands.executeCommand('scimWorkbench.connections.showReport', 'mock');
    await waitFor('the rendered report', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && /^Preview Test Connection – Mock MURAL server\.md$/.test(t.label)));
    const report = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'scim-report');
    assert.ok(report, 'the preview shows the report document');
    assert.equal(report.languageId, 'markdown');
    const text = report.getText();
    assert.match(text, /^# Test Connection: Mock MURAL server$/m);
    assert.match(text, /^\*\*Passed:\*\* \/Users and \/Groups answered Entra's probes as Entra expects\.$/m);
    assert.match(text, /## 1\. GET \/Users — passed/);
    assert.match(text, /## 2\. GET \/Groups — passed/);
    assert.match(text, /Authorization: Bearer \*\*\*/);
    assert.ok(!text.includes(await a.mock.token()), 'the report holds no token');
  });

  it('explains a refused token (401) against a local server, offers to set the token, and shows the failure in the view', async () => {
    const a = await api();
    const server = await stubServer((_req, _body, res) => {
      res.writeHead(401, { 'Content-Type': 'application/scim+json' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Invalid API key' }));
    });
    try {
      const c = await a.connections.service.store.add({ name: 'Refusing stub', tenantUrl: `${server.url}/scim`, authScheme: 'Bearer', token: STUB_TOKEN });
      added.push(c.id);
      const shown = recordMessages();
      const result = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('scimWorkbench.connections.test', { type: 'connection', id: c.id });
      assert.equal(result?.ok, false);
      assert.equal(server.requests.length, 1, 'Entra stops at the first failed probe');
      assert.equal(server.requests[0]?.headers.authorization, `Bearer ${STUB_TOKEN}`, 'the token went to its own endpoint');
      const error = shown.messages.find((m) => m.kind === 'error');
      assert.match(String(error?.text), /^Test Connection failed for "Refusing stub": GET \/Users → 401 Unauthorized: the endpoint refused the token\./);
      assert.match(String(error?.text), /Check that the secret token is complete and current/);
      assert.match(String(error?.text), /The server said: "Invalid API key"/);
      assert.deepEqual(error?.items, ['Show Report', 'Set Secret Token…']);
      assert.ok(!String(error?.text).includes(STUB_TOKEN));
      const item = await connectionItem(c.id);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
      assert.match(String(item.description), /^failed \d\d:\d\d · http:\/\/127\.0\.0\.1:\d+\/scim$/);
      assert.equal(a.connections.service.store.lastTest(c.id)?.ok, false);
    } finally {
      await server.close();
    }
  });

  it('explains an untrusted certificate and trusts it once scimWorkbench.network.extraCaCertificates names its CA', async () => {
    const a = await api();
    const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'client');
    const server = https.createServer({ cert: readFileSync(path.join(fixtures, 'localhost.crt')), key: readFileSync(path.join(fixtures, 'localhost.key')) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/scim+json' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const c = await a.connections.service.store.add({ name: 'Private CA', tenantUrl: `https://127.0.0.1:${port}/scim`, authScheme: 'Bearer', token: STUB_TOKEN });
      added.push(c.id);
      const shown = recordMessages();
      assert.equal((await a.connections.service.test(c.id))?.ok, false);
      const error = shown.messages.find((m) => m.kind === 'error');
      assert.match(String(error?.text), /The certificate of 127\.0\.0\.1:\d+ was issued by a CA that is not trusted here/);
      assert.deepEqual(error?.items, ['Show Report', 'Trust a CA…']);

      await setSetting('scimWorkbench.network.extraCaCertificates', path.join(fixtures, 'ca.crt'));
      assert.equal((await a.connections.service.test(c.id))?.ok, true, 'trusted after the setting names the CA (the client was rebuilt)');

      await setSetting('scimWorkbench.network.extraCaCertificates', path.join(fixtures, 'missing-ca.crt'));
      restoreAll();
      const unreadable = recordMessages();
      assert.equal(await a.connections.service.test(c.id), undefined);
      assert.match(unreadable.messages[0]?.text ?? '', /^Test Connection could not start: Cannot read the CA certificates in .*missing-ca\.crt \(the "scimWorkbench\.network\.extraCaCertificates" setting\).*Fix the path or clear the setting\.$/);
    } finally {
      await setSetting('scimWorkbench.network.extraCaCertificates', undefined);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('browses the mock over HTTP as a remote connection: pages, filter, members, read-only JSON, confirmed writes, errors that say what to do', async () => {
    const a = await api();
    const s = a.mock.state;
    assert.ok(s.status === 'running');
    await a.mock.service?.reset();
    await setSetting('scimWorkbench.directory.pageSize', 10);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await scim('POST', '/Users', entraUser(`browse.user.${String.fromCharCode(97 + i)}@contoso.com`, 'Browse', 'User'))).json.id);
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Remote Crew' });
    await scim('PATCH', `/Groups/${group.json.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ value: ids[0] }] }] });

    const c = await a.connections.service.store.add({ name: 'Mock over HTTP', tenantUrl: s.url, authScheme: 'Bearer', token: await a.mock.token() });
    added.push(c.id);
    await vscode.commands.executeCommand('scimWorkbench.connections.browse', { type: 'connection', id: c.id } satisfies ConnectionNode);
    assert.equal((await connectionItem(c.id)).contextValue, 'scim:connection:saved:browsing');
    const remote = (await a.directory.getChildren()).find((n) => n.type === 'source' && n.source.id === `remote:${c.id}`);
    assert.ok(remote, 'the connection is a source of the Directory view');
    const sourceItem = await a.directory.getTreeItem(remote);
    assert.equal(sourceItem.contextValue, 'scim:source:remote');
    assert.equal(sourceItem.description, `${new URL(s.url).host} · read-only`);
    const [usersCol, groupsCol] = await a.directory.getChildren(remote);
    assert.ok(usersCol && groupsCol);
    a.log.setFilter({ statusClasses: [], methods: [] });
    await vscode.commands.executeCommand('scimWorkbench.log.clear');

    const page1 = await a.directory.getChildren(usersCol);
    assert.equal(page1.filter((n) => n.type === 'user').length, 10);
    const more = page1[page1.length - 1];
    assert.ok(more?.type === 'more' && more.remaining === 15);
    a.directory.loadMore(more);
    const page2 = await a.directory.getChildren(usersCol);
    assert.equal(page2.filter((n) => n.type === 'user').length, 20);
    const userItem = await a.directory.getTreeItem(page2[0] as DirectoryNode);
    assert.equal(userItem.contextValue, 'scim:user:active:remote');
    const sent = a.log.entries().map((e) => e.path).filter((p) => /\/Users\?/.test(p));
    assert.ok(sent.some((p) => /startIndex=1&count=10/.test(p)), `first page requested over HTTP: ${sent.join(', ')}`);
    assert.ok(sent.some((p) => /startIndex=11&count=10/.test(p)), `second page requested over HTTP: ${sent.join(', ')}`);

    const groups = await a.directory.getChildren(groupsCol);
    const crew = groups.find((n) => n.type === 'group' && n.resource.displayName === 'Remote Crew');
    assert.ok(crew);
    const members = await a.directory.getChildren(crew);
    assert.deepEqual(members.map((m) => m.type === 'member' && m.member.value), [ids[0]]);
    assert.ok(a.log.entries().some((e) => e.path.includes(`/Groups/${group.json.id}?attributes=members`)), 'members read with ?attributes=members');

    const first = page2.find((n): n is DirectoryNode & { type: 'user' } => n.type === 'user' && n.resource.id === ids[0]);
    assert.ok(first);
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', first);
    const doc = await waitFor('the remote JSON', () => vscode.window.activeTextEditor?.document.uri.scheme === 'scim-remote' ? vscode.window.activeTextEditor.document : undefined);
    assert.equal(doc.languageId, 'json');
    assert.equal(JSON.parse(doc.getText()).userName, 'browse.user.a@contoso.com');

    a.directory.setFilter('userName eq "browse.user.c@contoso.com"');
    const filtered = await a.directory.getChildren(usersCol);
    assert.deepEqual(filtered.map((n) => n.type === 'user' && n.resource.userName), ['browse.user.c@contoso.com']);
    a.directory.setFilter(undefined);

    const confirm = recordMessages({ warning: [undefined, 'Deactivate'] });
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', first), false, 'dismissed: nothing sent');
    assert.equal(a.mock.service?.getUser(ids[0] as string).active, true);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', first), true);
    assert.equal(a.mock.service?.getUser(ids[0] as string).active, false);
    assert.match(confirm.messages[1]?.text ?? '', /^Deactivate Browse User on Mock over HTTP\?$/);
    assert.ok(a.log.entries().some((e) => e.method === 'PATCH' && e.path.endsWith(`/Users/${ids[0]}`)), 'sent over HTTP');
    restoreAll();

    // Membership, confirmed the same way: add with the members add shape, remove with a filtered path.
    const crewMembers = () => ((a.mock.service?.getGroup(group.json.id).members ?? []) as { value: string }[]).map((m) => m.value);
    const second = page2.find((n): n is DirectoryNode & { type: 'user' } => n.type === 'user' && n.resource.id === ids[1]);
    assert.ok(second);
    const membership = recordMessages({ warning: [undefined, 'Add', 'Remove'] });
    const crewPick = { label: 'Remote Crew', id: group.json.id };
    const picks = answer('showQuickPick', crewPick, { label: 'Enter a group id…', manual: true });
    const typed = answer('showInputBox', ` ${group.json.id} `);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.addToGroup', second), false, 'dismissed: nothing sent');
    assert.deepEqual(crewMembers(), [], 'ids[0] left the group when it was deactivated; nobody was added');
    const [offered, options] = picks.calls[0] as [{ label: string; id?: string; manual?: true }[], vscode.QuickPickOptions];
    assert.deepEqual(offered.map((g) => [g.label, g.id]), [['Remote Crew', group.json.id], ['$(edit) Enter a group id…', undefined]], 'the endpoint\'s groups, read over HTTP, and a way to type any other');
    assert.equal(options.title, 'Add Browse User to a group on Mock over HTTP');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.addToGroup', second), true, 'added by a typed id');
    assert.equal(typed.calls.length, 1);
    assert.deepEqual(crewMembers(), [ids[1]]);
    assert.equal(membership.messages[1]?.text, `Add Browse User to ${group.json.id} on Mock over HTTP?`);
    const crewNode = (await a.directory.getChildren(groupsCol)).find((n) => n.type === 'group' && n.resource.displayName === 'Remote Crew');
    assert.ok(crewNode);
    const [memberNode] = await a.directory.getChildren(crewNode);
    assert.ok(memberNode?.type === 'member' && memberNode.member.value === ids[1], 'the tree read the new member');
    assert.equal((await a.directory.getTreeItem(memberNode)).contextValue, 'scim:member:remote');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.removeFromGroup', memberNode), true);
    assert.deepEqual(crewMembers(), []);
    assert.match(membership.messages[2]?.text ?? '', /^Remove .+ from Remote Crew on Mock over HTTP\?$/);
    const removal = a.log.entries().find((e) => e.method === 'PATCH' && e.path.endsWith(`/Groups/${group.json.id}`) && e.requestBody.includes('"remove"'));
    assert.match(removal?.requestBody ?? '', new RegExp(`"path":"members\\[value eq \\\\"${ids[1]}\\\\"\\]"`), 'a filtered path names the one member');
    restoreAll();

    await a.connections.service.store.setToken(c.id, 'not-the-token');
    a.directory.refreshNow();
    const refused = await a.directory.getChildren(usersCol);
    assert.equal(refused[0]?.type, 'message');
    const message = refused[0]?.type === 'message' ? refused[0].text : '';
    assert.match(message, /401/);
    assert.match(message, /refused the token: right-click "Mock over HTTP" in the Connections view › Set Secret Token…/);

    await vscode.commands.executeCommand('scimWorkbench.connections.stopBrowsing', remote);
    assert.ok(!(await a.directory.getChildren()).some((n) => n.type === 'source' && n.source.kind === 'remote'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('never writes a token into a document, a setting, the extension\'s state, the history or a message', async () => {
    const a = await api();
    const texts = await writtenTexts();
    for (const secret of [TOKEN, NEW_TOKEN, STUB_TOKEN, await a.mock.token()]) {
      assert.deepEqual(placesHolding(secret, texts), [], 'no token in what the extension wrote');
    }
    assert.ok(texts.globalState.includes('scimWorkbench.connections'), 'the scan saw the stored connections');
  });
});
