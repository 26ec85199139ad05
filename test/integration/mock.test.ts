// The mock server in the extension host: commands, port conflicts, the directory tree, actions, the
// resource documents and the provisioning log — driven through VS Code's API as a user's clicks would.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { compareKeys, orderKey, userLabel, userOrderKey } from '../../src/scim/displayOrder';
import type { Resource } from '../../src/scim/resource';
import type { DirectoryNode } from '../../src/vscode/directory/tree';
import type { MockState } from '../../src/vscode/mock/controller';
import { answer, api, entraUser, FIXTURE_PORT, freePort, restoreAll, scim, setSetting, waitFor } from './helpers';

async function children(node?: DirectoryNode): Promise<DirectoryNode[]> {
  return (await api()).directory.getChildren(node);
}

async function collection(kind: 'Users' | 'Groups'): Promise<DirectoryNode[]> {
  const [source] = await children();
  assert.ok(source, 'the mock source is shown while the server runs');
  const cols = await children(source);
  const col = cols.find((c) => c.type === 'collection' && c.kind === kind);
  assert.ok(col);
  return children(col);
}

async function userNode(userName: string): Promise<DirectoryNode & { type: 'user' }> {
  return waitFor(`${userName} in the tree`, async () =>
    (await collection('Users')).find((n): n is DirectoryNode & { type: 'user' } => n.type === 'user' && n.resource.userName === userName));
}

describe('mock server in the extension host', function () {
  this.timeout(60_000);
  let port: number;

  before(async () => {
    port = await freePort();
    await setSetting('scimWorkbench.mock.port', port);
    const a = await api();
    await a.mock.stop();
  });

  // Each test can run alone (--grep): it finds the server running unless it is about starting or stopping it.
  beforeEach(async function () {
    if (/^(starts from the palette|says when the port is taken)/.test(this.currentTest?.title ?? '')) return;
    const a = await api();
    if (a.mock.state.status !== 'running') assert.equal((await a.mock.start()).ok, true);
  });

  afterEach(() => restoreAll());

  after(async () => {
    const a = await api();
    await a.mock.stop();
    await setSetting('scimWorkbench.mock.port', FIXTURE_PORT);
  });

  it('starts from the palette command on the configured port with a token from SecretStorage', async () => {
    const a = await api();
    await vscode.commands.executeCommand('scimWorkbench.mock.start');
    const s = a.mock.state;
    assert.equal(s.status, 'running');
    assert.equal(s.status === 'running' && s.port, port);
    assert.equal(s.status === 'running' && s.url, `http://127.0.0.1:${port}/enterprise/v1/scim`);
    const token = await a.mock.token();
    assert.ok(token.length >= 32);
    // Entra's Test Connection probe
    const probe = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "9f1c7e4a-0b5d-4c1e-8a7f-2d3b4c5d6e7f"')}`);
    assert.equal(probe.status, 200);
    assert.equal(probe.json.totalResults, 0);
    const denied = await fetch(`${s.status === 'running' ? s.url : ''}/Users`, { headers: { Authorization: 'Bearer wrong' } });
    assert.equal(denied.status, 401);
    const advice = (await denied.json() as { detail: string }).detail;
    assert.match(advice, /SCIM: Copy Secret Token/, 'a wrong token is answered with where to find the right one in VS Code');
    assert.doesNotMatch(advice, /--token/);
  });

  it('lists users by name then userName, members by name with their userName, offers seeding when empty, and names JSON tabs by userName or displayName', async () => {
    const a = await api();
    await a.mock.service?.reset();
    const empty = await waitFor('the empty Users node', async () => { const c = await collection('Users'); return c[0]?.type === 'message' ? c : undefined; });
    assert.deepEqual(empty.map((n) => n.type), ['message', 'action']);
    const seed = await a.directory.getTreeItem(empty[1] as DirectoryNode);
    assert.equal(seed.label, 'Seed Sample Users…');
    assert.deepEqual(seed.command, { command: 'scimWorkbench.directory.seedUsers', title: 'Seed Sample Users…' });

    const ids: Record<string, string> = {};
    for (const [mail, given, family] of [['zoe.adams@contoso.com', 'Zoe', 'Adams'], ['bob.b@contoso.com', 'bob', 'Brown'], ['ann.clark@contoso.com', 'Ann', 'Clark'], ['bob.a@contoso.com', 'Bob', 'Brown']] as const) {
      ids[mail] = (await scim('POST', '/Users', entraUser(mail, given, family))).json.id as string;
    }
    const order = ['ann.clark@contoso.com', 'bob.a@contoso.com', 'bob.b@contoso.com', 'zoe.adams@contoso.com'];
    await waitFor('the users in order', async () => {
      const names = (await collection('Users')).map((n) => n.type === 'user' && n.resource.userName);
      return names.join() === order.join() ? names : undefined;
    });
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Crew / Night' });
    await scim('PATCH', `/Groups/${group.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: ['zoe.adams@contoso.com', 'bob.b@contoso.com', 'ann.clark@contoso.com'].map((m) => ({ value: ids[m] })) }],
    });
    const groupNode = await waitFor('the group', async () => (await collection('Groups')).find((n) => n.type === 'group' && n.memberCount === 3));
    const members = await Promise.all((await children(groupNode)).map((m) => a.directory.getTreeItem(m)));
    assert.deepEqual(members.map((m) => [m.label, m.description]), [['Ann Clark', 'ann.clark@contoso.com'], ['bob Brown', 'bob.b@contoso.com'], ['Zoe Adams', 'zoe.adams@contoso.com']]);
    assert.match(String(members[0]?.tooltip), new RegExp(`id: ${ids['ann.clark@contoso.com']}`), 'the id stays in the tooltip');

    const tabLabel = () => vscode.window.tabGroups.activeTabGroup.activeTab?.label;
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', await userNode('bob.a@contoso.com'));
    await waitFor('the user tab', () => tabLabel() === 'bob.a@contoso.com.json');
    const userDoc = vscode.window.activeTextEditor?.document;
    assert.equal(JSON.parse(userDoc?.getText() ?? '{}').id, ids['bob.a@contoso.com']);
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', (await children(groupNode))[0]);
    await waitFor('the member tab', () => tabLabel() === 'ann.clark@contoso.com.json');
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', groupNode);
    await waitFor('the group tab', () => tabLabel() === 'Crew _ Night.json');
    // Renamed on the server while open: the open document is reused, not opened a second time under the new name.
    await a.mock.service?.patchUser(ids['bob.a@contoso.com'] as string, [{ op: 'Replace', path: 'userName', value: 'robert.a@contoso.com' }]);
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', await userNode('robert.a@contoso.com'));
    await waitFor('the same document', () => vscode.window.activeTextEditor?.document === userDoc ? true : undefined);
    await waitFor('its new userName', () => JSON.parse(userDoc?.getText() ?? '{}').userName === 'robert.a@contoso.com' ? true : undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    assert.equal(a.directory.showsSources, true);
    await a.mock.stop();
    assert.equal(a.directory.showsSources, false, 'stopped: nothing listed, so the title bar has no Filter or Refresh');
  });

  it('shows users provisioned over HTTP in the directory tree, and groups with their member count', async () => {
    await (await api()).mock.service?.reset();
    const created = await scim('POST', '/Users', entraUser('grace.hopper@contoso.com', 'Grace', 'Hopper'));
    assert.equal(created.status, 201);
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Navy' });
    assert.equal(group.status, 201);
    const add = await scim('PATCH', `/Groups/${group.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: created.json.id }] }],
    });
    assert.ok(add.status === 200 || add.status === 204);
    const user = await userNode('grace.hopper@contoso.com');
    const item = await (await api()).directory.getTreeItem(user);
    assert.equal(item.label, 'Grace Hopper');
    assert.equal(item.description, 'grace.hopper@contoso.com');
    assert.equal(item.contextValue, 'scim:user:active:mock');
    assert.equal(item.id, `mock/Users/${created.json.id}`);
    const groups = await waitFor('the group in the tree', async () => {
      const g = (await collection('Groups')).find((n) => n.type === 'group');
      return g && g.type === 'group' && g.memberCount === 1 ? g : undefined;
    });
    assert.equal((await (await api()).directory.getTreeItem(groups)).description, '1 member');
    const members = await children(groups);
    assert.equal(members[0]?.type, 'member');
  });

  it('deactivates from the tree after a confirmation naming the workspaces lost: icon changes, workspaces are lost and shown, reactivation does not restore them', async () => {
    const a = await api();
    const user = await userNode('grace.hopper@contoso.com');
    const asked = answer('showWarningMessage', undefined, 'Deactivate');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', user), false);
    assert.equal((await userNode('grace.hopper@contoso.com')).resource.active, true, 'dismissed: still active');
    const [message, options] = asked.calls[0] as [string, vscode.MessageOptions];
    assert.equal(message, 'Deactivate Grace Hopper?');
    assert.equal(options.modal, true);
    assert.match(String(options.detail), /^MURAL removes it from its workspace \("[^"]+"\) for good: reactivating the user does not give workspaces back/);
    assert.deepEqual(asked.calls[0]?.slice(2), ['Deactivate', 'Deactivate, Don\'t Ask Again']);
    await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', user);
    const after = await userNode('grace.hopper@contoso.com');
    assert.equal(after.resource.active, false);
    const item = await a.directory.getTreeItem(after);
    assert.equal(item.contextValue, 'scim:user:inactive:mock');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    assert.match(String(item.description), /^deactivated/);
    const lost = await children(after);
    assert.equal(lost[0]?.type, 'lost');
    assert.match(String((await a.directory.getTreeItem(lost[0] as DirectoryNode)).description), /reactivation must be requested/);
    const info = answer('showInformationMessage', undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.reactivateUser', after);
    const back = await userNode('grace.hopper@contoso.com');
    assert.equal(back.resource.active, true);
    assert.deepEqual(back.resource.groups ?? [], [], 'memberships are not restored');
    assert.match(String(info.calls[0]?.[0]), /reactivation must be requested/);
  });

  it('makes a member a workspace admin; the last admin cannot be deactivated (409 in the tree and the log) until it is no longer one', async () => {
    const a = await api();
    const created = await scim('POST', '/Users', entraUser('dorothy.vaughan@contoso.com', 'Dorothy', 'Vaughan'));
    const uid = created.json.id as string;
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Computing' });
    await scim('PATCH', `/Groups/${group.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ value: uid }] }],
    });
    const memberOf = async () => waitFor('the member in the tree', async () => {
      const g = (await collection('Groups')).find((n) => n.type === 'group' && n.resource.id === group.json.id);
      return g ? (await children(g)).find((m): m is DirectoryNode & { type: 'member' } => m.type === 'member' && m.member.value === uid) : undefined;
    });
    await vscode.commands.executeCommand('scimWorkbench.directory.makeAdmin', await memberOf());
    assert.deepEqual(a.mock.service?.workspaceAdmins(group.json.id), [uid]);
    const adminItem = await waitFor('the admin shown', async () => {
      const item = await a.directory.getTreeItem(await memberOf());
      return item.contextValue === 'scim:member:mock:admin' ? item : undefined;
    });
    assert.match(String(adminItem.description), /^admin/);
    assert.match(String(adminItem.tooltip), /last admin of a workspace \(409\)/);

    const errors = answer('showErrorMessage', undefined);
    const asked = answer('showWarningMessage', 'Deactivate, Don\'t Ask Again');
    await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', await userNode('dorothy.vaughan@contoso.com'));
    assert.equal(asked.calls.length, 1);
    assert.equal(vscode.workspace.getConfiguration('scimWorkbench').get('directory.confirmDeactivate'), false, 'not asked again');
    assert.match(String(errors.calls[0]?.[0]), /^Deactivate User failed: 409: Dorothy Vaughan is the last admin of the workspace "Computing"/);
    const refused = await scim('PATCH', `/Users/${uid}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    assert.equal(refused.status, 409);
    const logged = a.log.entries().find((e) => e.method === 'PATCH' && e.path.endsWith(`/Users/${uid}`));
    assert.equal(logged?.status, 409);
    assert.match(logged?.responseBody ?? '', /last admin of the workspace/);
    assert.equal(a.mock.service?.getUser(uid).active, true);

    await vscode.commands.executeCommand('scimWorkbench.directory.removeAdmin', await memberOf());
    assert.deepEqual(a.mock.service?.workspaceAdmins(group.json.id), []);
    await vscode.commands.executeCommand('scimWorkbench.directory.deactivateUser', await userNode('dorothy.vaughan@contoso.com'));
    assert.equal(asked.calls.length, 1, 'the second deactivation did not ask');
    assert.equal(a.mock.service?.getUser(uid).active, false);
    await vscode.workspace.getConfiguration('scimWorkbench').update('directory.confirmDeactivate', undefined, vscode.ConfigurationTarget.Global);
  });

  it('adds to and removes from a group, creates users and groups from the palette, deletes with confirmation', async () => {
    const a = await api();
    answer('showInputBox', 'Ops');
    await vscode.commands.executeCommand('scimWorkbench.directory.createGroup');
    answer('showInputBox', 'katherine.johnson@contoso.com', 'Katherine', 'Johnson');
    await vscode.commands.executeCommand('scimWorkbench.directory.createUser');
    const user = await userNode('katherine.johnson@contoso.com');
    const ops = a.mock.service?.listGroups({ filter: 'displayName eq "Ops"' }).resources[0];
    assert.ok(ops, 'group created');
    answer('showQuickPick', [{ label: 'Ops', id: ops.id }]);
    await vscode.commands.executeCommand('scimWorkbench.directory.addToGroup', user);
    assert.deepEqual((a.mock.service?.getGroup(ops.id as string).members as { value: string }[]).map((m) => m.value), [user.resource.id]);
    const groupNode = (await collection('Groups')).find((n) => n.type === 'group' && n.resource.id === ops.id) as DirectoryNode;
    const [member] = await children(groupNode);
    assert.equal(member?.type, 'member');
    await vscode.commands.executeCommand('scimWorkbench.directory.removeFromGroup', member);
    assert.deepEqual(a.mock.service?.getGroup(ops.id as string).members ?? [], []);
    const confirm = answer('showWarningMessage', undefined, 'Delete');
    await vscode.commands.executeCommand('scimWorkbench.directory.delete', user);
    assert.ok(a.mock.service?.getUser(user.resource.id as string), 'dismissing the confirmation deletes nothing');
    await vscode.commands.executeCommand('scimWorkbench.directory.delete', user);
    assert.equal(confirm.calls.length, 2);
    assert.equal((await scim('GET', `/Users/${user.resource.id as string}`)).status, 404);
  });

  it('rejects digits in names before sending, as MURAL would', async () => {
    const box = answer('showInputBox', undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.createUser');
    const options = box.calls[0]?.[0] as vscode.InputBoxOptions;
    assert.ok(options.validateInput);
    assert.equal(options.validateInput('not an email'), 'Enter an email address such as ada.lovelace@contoso.com.');
    restoreAll();
    const boxes = answer('showInputBox', 'x@contoso.com', undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.createUser');
    const given = boxes.calls[1]?.[0] as vscode.InputBoxOptions;
    assert.equal(given.validateInput?.('R2D2'), 'MURAL does not accept digits in names.');
    assert.equal(given.validateInput?.('Ada'), undefined);
  });

  it('filters the tree with a SCIM filter and explains an invalid one', async () => {
    const a = await api();
    const box = answer('showInputBox', 'userName eq "grace.hopper@contoso.com"');
    await vscode.commands.executeCommand('scimWorkbench.directory.filter');
    const validate = (box.calls[0]?.[0] as vscode.InputBoxOptions).validateInput as (v: string) => string | undefined;
    assert.match(String(validate('userName eq')), /^Column \d+: /);
    assert.match(String(validate('userName xx "a"')), /Column 10/);
    assert.equal(validate('userName eq "a"'), undefined);
    assert.equal(a.directory.filter, 'userName eq "grace.hopper@contoso.com"');
    const users = await collection('Users');
    assert.deepEqual(users.map((n) => n.type === 'user' && n.resource.userName), ['grace.hopper@contoso.com']);
    const groups = await collection('Groups');
    assert.equal(groups.length, 1);
    assert.ok(groups[0]?.type === 'message' && groups[0].error, 'the groups are not filtered by userName in MURAL mode');
    assert.match(groups[0].type === 'message' ? groups[0].text : '', /MURAL answers only displayName eq "…" on \/Groups.*scimWorkbench\.mock\.muralFilters/);
    await vscode.commands.executeCommand('scimWorkbench.directory.clearFilter');
    assert.equal(a.directory.filter, undefined);
  });

  it('explains MURAL mode when the mock refuses a Directory filter, and filters once MURAL\'s filters are off', async () => {
    const a = await api();
    answer('showInputBox', 'userName sw "grace"');
    const warning = answer('showWarningMessage', 'Turn MURAL Filters Off');
    try {
      await vscode.commands.executeCommand('scimWorkbench.directory.filter');
      assert.match(String(warning.calls[0]?.[0]), /refuses this filter with 400 invalidFilter.*userName eq "…" on \/Users and displayName eq "…" on \/Groups.*operator "sw" on userName.*fail to match every user and group and retry each cycle/);
      await waitFor('the setting applied to the running mock', () => a.mock.service?.options.muralFilters === false);
      const users = await collection('Users');
      assert.ok(users.length > 0 && users.every((n) => n.type === 'user' && String(n.resource.userName).startsWith('grace')));
    } finally {
      await setSetting('scimWorkbench.mock.muralFilters', undefined);
      await vscode.commands.executeCommand('scimWorkbench.directory.clearFilter');
    }
    await waitFor('MURAL filters back on', () => a.mock.service?.options.muralFilters === true);
  });

  it('pages large directories with "Load more…" and seeds with progress', async () => {
    const a = await api();
    answer('showInputBox', '450');
    await vscode.commands.executeCommand('scimWorkbench.directory.seedUsers');
    assert.ok((a.mock.service?.stats().users ?? 0) >= 450);
    const users = await collection('Users');
    const more = users[users.length - 1];
    assert.equal(more?.type, 'more');
    assert.equal(users.length, 201, 'one page of 200 and the Load more item');
    a.directory.loadMore(more as DirectoryNode & { type: 'more' });
    const next = await collection('Users');
    assert.equal(next.filter((n) => n.type === 'user').length, 400);
    const ids = await Promise.all(next.map(async (n) => (await a.directory.getTreeItem(n)).id));
    assert.equal(new Set(ids).size, next.length, 'ids are unique');
    const shownIds = () => collection('Users').then((c) => c.flatMap((n) => (n.type === 'user' ? [n.resource.id as string] : [])));
    const all = [...(a.mock.service?.store.users.values() ?? [])].map((e) => e.data);
    const sorted = all.sort((x, y) => compareKeys(userOrderKey(x), userOrderKey(y))).map((u) => u.id as string);
    assert.deepEqual(await shownIds(), sorted.slice(0, 400), 'the second page continues the first in the Directory\'s order');
    // A rename moves the user: the last one shown becomes the first.
    const last = sorted[399] as string;
    const renamed = await scim('PATCH', `/Users/${last}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Aaa Aaa' }],
    });
    assert.equal(renamed.status, 200);
    await waitFor('the renamed user first', async () => ((await shownIds())[0] === last ? true : undefined));
    assert.deepEqual(await shownIds(), [last, ...sorted.slice(0, 399)]);
    answer('showInputBox', '1');
    const said = answer('showInformationMessage', undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.seedUsers');
    assert.equal(said.calls[0]?.[0], 'Added 1 user and 1 workspace to the mock directory.');
  });

  it('shows an expanded group\'s members a page at a time in the Directory\'s order, for a group of every user and a small one', async () => {
    const a = await api();
    const svc = a.mock.service;
    assert.ok(svc, 'the mock is running');
    if (svc.stats().users < 450) await svc.seed(450 - svc.stats().users, { groups: 0 });
    const userIds = [...svc.store.users.keys()];
    // Every user (what the walk of the users' order answers) and every 17th (ordered from its members).
    const everyone = (await svc.createGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone in order', members: userIds.map((value) => ({ value })) })).id as string;
    const few = (await svc.createGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Few in order', members: userIds.filter((_, i) => i % 17 === 0).map((value) => ({ value })) })).id as string;
    await svc.setWorkspaceAdmin(few, userIds[17] as string, true);
    // What the tree showed before: each member labelled by its user, sorted in full by label, userName, id.
    const expected = (groupId: string) => (svc.getGroup(groupId).members as { value: string }[]).map((m) => {
      const user = svc.store.users.get(m.value)?.data as Resource;
      return { id: m.value, label: userLabel(user), userName: String(user.userName), key: orderKey(userLabel(user), String(user.userName), m.value) };
    }).sort((x, y) => compareKeys(x.key, y.key));
    const shown = async (groupId: string) => {
      const node = await waitFor('the group', async () => (await collection('Groups')).find((n) => n.type === 'group' && n.resource.id === groupId));
      return { node, rows: await Promise.all((await children(node)).map(async (n) => ({ n, item: await a.directory.getTreeItem(n) }))) };
    };
    const members = (rows: { n: DirectoryNode; item: vscode.TreeItem }[]) => rows.filter((r) => r.n.type === 'member').map((r) => [r.item.label, r.item.description]);

    const all = expected(everyone);
    let { node, rows } = await shown(everyone);
    assert.deepEqual(members(rows), all.slice(0, 200).map((m) => [m.label, m.userName]), 'the first page, labelled as before');
    assert.equal(rows[200]?.item.label, 'Load more…');
    assert.equal(rows[200]?.item.description, `${(all.length - 200).toLocaleString('en-US')} more`);
    a.directory.loadMore(rows[200]?.n as DirectoryNode & { type: 'more' });
    ({ rows } = await shown(everyone));
    assert.deepEqual(members(rows), all.slice(0, 400).map((m) => [m.label, m.userName]), 'Load more continues in order');
    assert.equal(rows[400]?.item.description, `${(all.length - 400).toLocaleString('en-US')} more`);
    assert.equal(a.directory.getParent(rows[0]?.n as DirectoryNode), node);

    const small = expected(few);
    ({ rows } = await shown(few));
    assert.deepEqual(members(rows), small.map((m) => [m.label, m.id === userIds[17] ? `admin · ${m.userName}` : m.userName]));
    assert.equal(rows.length, small.length, 'no Load more: every member is shown');
    await svc.deleteGroup(everyone);
    await svc.deleteGroup(few);
  });

  it('debounces bursts of changes into few refreshes', async () => {
    const a = await api();
    let refreshes = 0;
    const sub = a.directory.onDidRefresh(() => refreshes++);
    try {
      await Promise.all(Array.from({ length: 100 }, (_, i) => scim('POST', '/Users', entraUser(`burst.user.${i}@contoso.com`, 'Burst', 'User'))));
      await new Promise((r) => setTimeout(r, 800));
      assert.ok(refreshes >= 1 && refreshes <= 10, `100 creations caused ${refreshes} refreshes`);
    } finally {
      sub.dispose();
    }
  });

  it('opens a user as JSON and saving sends a PUT whose answer is reported; a conflicting change is refused', async () => {
    const a = await api();
    const created = await scim('POST', '/Users', entraUser('mary.jackson@contoso.com', 'Mary', 'Jackson'));
    const id = created.json.id as string;
    a.directory.setFilter('userName eq "mary.jackson@contoso.com"');
    const user = await userNode('mary.jackson@contoso.com');
    a.directory.setFilter(undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', user);
    const editor = await waitFor('the JSON editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'scim-mock' ? vscode.window.activeTextEditor : undefined);
    assert.equal(editor.document.languageId, 'json');
    const json = JSON.parse(editor.document.getText());
    json.name.givenName = 'Marie';
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), JSON.stringify(json, null, 2)));
    assert.ok(await editor.document.save(), 'saved');
    assert.equal((a.mock.service?.getUser(id).name as { givenName: string }).givenName, 'Marie');
    const put = a.log.entries().find((e) => e.method === 'PUT' && e.path.endsWith(`/Users/${id}`));
    assert.equal(put?.status, 200);

    // The user edits; meanwhile Entra changes the same user: saving must not overwrite Entra's change.
    const doc = await waitFor('the document to reload', () => (JSON.parse(editor.document.getText()).name.givenName === 'Marie' ? editor.document : undefined));
    const edited = JSON.parse(doc.getText());
    edited.title = 'Engineer';
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(edited, null, 2)));
    assert.ok(doc.isDirty);
    await a.mock.service?.patchUser(id, [{ op: 'Replace', path: 'name.familyName', value: 'Johnson' }]);
    assert.equal(await doc.save(), false, 'the stale save is refused');
    const now = a.mock.service?.getUser(id) as { name: { familyName: string }; title?: string };
    assert.equal(now.name.familyName, 'Johnson');
    assert.equal(now.title, undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Open as JSON is checked like a payload file, asks before sending errors, says what the server dropped, and auto-save sends nothing', async () => {
    const a = await api();
    const created = await scim('POST', '/Users', entraUser('annie.easley@contoso.com', 'Annie', 'Easley'));
    const id = created.json.id as string;
    a.directory.setFilter('userName eq "annie.easley@contoso.com"');
    const user = await userNode('annie.easley@contoso.com');
    a.directory.setFilter(undefined);
    await vscode.commands.executeCommand('scimWorkbench.directory.openResource', user);
    const editor = await waitFor('the JSON editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'scim-mock' ? vscode.window.activeTextEditor : undefined);
    const doc = editor.document;
    const replace = async (change: (json: any) => void) => {
      const json = JSON.parse(doc.getText());
      change(json);
      await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(json, null, 2)));
    };
    await replace((j) => { j.name.familyName = 'Easley2'; });
    const digit = await waitFor('the name rule on the document', () => vscode.languages.getDiagnostics(doc.uri).find((d) => typeof d.code === 'object' && d.code.value === 'SCIM022'));
    assert.equal(doc.getText(digit.range), 'Easley2');
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => typeof d.code === 'object' && d.code.value === 'SCIM025'), [], 'id, meta and groups are the server\'s own here');

    const refused = answer('showWarningMessage', undefined);
    assert.equal(await doc.save(), false, 'not sent while the error stands and the user said no');
    assert.match(String(refused.calls[0]?.[0]), new RegExp(`^Send PUT /Users/${id} with an error\\?$`));
    assert.equal((a.mock.service?.getUser(id).name as { familyName: string }).familyName, 'Easley');
    restoreAll();

    answer('showWarningMessage', 'Send Anyway');
    assert.equal(await doc.save(), false, 'sent anyway, and MURAL\'s 400 fails the save');
    const puts = () => a.log.entries().filter((e) => e.method === 'PUT' && e.path.endsWith(`/Users/${id}`));
    assert.deepEqual(puts().map((e) => e.status), [400], 'one PUT for one save');
    restoreAll();

    const told = answer('showWarningMessage', undefined);
    await replace((j) => { j.name.familyName = 'Easley'; j.userName = 'Annie.Easley@Contoso.com'; });
    await waitFor('no error left', () => (vscode.languages.getDiagnostics(doc.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? undefined : true));
    assert.ok(await doc.save(), 'sent without asking');
    assert.match(String(told.calls[0]?.[0]), new RegExp(`^PUT /Users/${id} → 200 OK \\(\\d+ ms\\): the server changed userName; the editor now shows what it kept\\.$`));
    restoreAll();

    await setSetting('files.autoSaveDelay', 100);
    await setSetting('files.autoSave', 'afterDelay');
    try {
      await waitFor('the document to reload', () => (!doc.isDirty ? doc : undefined));
      await replace((j) => { j.title = 'Mathematician'; });
      await waitFor('auto-save', () => (!doc.isDirty ? doc : undefined));
      assert.equal(puts().length, 2, 'auto-save sent nothing');
      assert.equal(a.mock.service?.getUser(id).title, undefined);
      assert.equal(JSON.parse(doc.getText()).title, 'Mathematician', 'the edit is kept as a draft');
    } finally {
      await setSetting('files.autoSave', undefined);
      await setSetting('files.autoSaveDelay', undefined);
    }
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.directory.saveToServer', doc.uri), true);
    assert.equal(a.mock.service?.getUser(id).title, 'Mathematician');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('logs every request newest first with the token redacted, opens one, filters and clears', async () => {
    const a = await api();
    const token = await a.mock.token();
    await scim('GET', '/Users/u000000000000000000000000');
    const [latest] = a.log.entries();
    assert.equal(latest?.status, 404);
    assert.equal(latest?.method, 'GET');
    assert.equal(latest?.requestHeaders.authorization, 'Bearer [redacted]');
    const item = a.log.getTreeItem(latest as never);
    assert.equal(item.label, 'GET /Users/u000000…');
    assert.equal(item.contextValue, 'scim:request:error');
    assert.match(String(item.tooltip), /\n\nNo User with id "u000000000000000000000000"/, 'the error detail is in the tooltip');
    await vscode.commands.executeCommand('scimWorkbench.log.open', latest);
    const doc = await waitFor('the request document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'scim-log' ? vscode.window.activeTextEditor.document : undefined);
    assert.match(doc.getText(), /404/);
    assert.match(doc.getText(), /──────── Response 404 ────────\ncontent-type: application\/scim\+json; charset=utf-8\n/i, 'the response headers are in the entry');
    assert.match(doc.getText(), /Bearer \[redacted\]/);
    assert.equal(doc.languageId, 'scim-exchange', 'the request file grammar, in a language of its own');
    const wrap = (languageId: string) => vscode.workspace.getConfiguration('editor', { languageId }).get('wordWrap');
    assert.deepEqual([wrap('scim-exchange'), wrap('http')], ['on', 'off'], 'long lines wrap in log entries, not in the user\'s .http files');
    for (const e of a.log.entries()) assert.ok(!JSON.stringify(e).includes(token), 'no log entry holds the token');
    assert.ok(!doc.getText().includes(token));
    a.log.setFilter({ statusClasses: [4], methods: [] });
    assert.ok(a.log.entries().length > 0 && a.log.entries().every((e) => e.status >= 400 && e.status < 500));
    a.log.setFilter({ statusClasses: [], methods: [] });
    // What SCIM Workbench sends itself (the Entra check) is tagged, and can be filtered out or in.
    const tagged = await fetch(`${(a.mock.state as { url: string }).url}/Users?count=1`, { headers: { Authorization: `Bearer ${token}`, 'X-SCIM-Workbench': 'entra-check' } });
    assert.equal(tagged.status, 200);
    const [check] = a.log.entries();
    assert.match(String(a.log.getTreeItem(check as never).description), /^entra-check · 200 · /);
    a.log.setFilter({ statusClasses: [], methods: [], senders: ['client'] });
    assert.ok(a.log.entries().length > 0 && !a.log.entries().includes(check as never), 'clients only: the check\'s request is hidden');
    a.log.setFilter({ statusClasses: [], methods: [], senders: ['workbench'] });
    assert.equal(a.log.entries()[0]?.id, check?.id);
    assert.ok(a.log.entries().every((e) => e.requestHeaders['x-scim-workbench'] === 'entra-check'), 'SCIM Workbench only: nothing untagged');
    a.log.setFilter({ statusClasses: [], methods: [] });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri as vscode.Uri;
    const exported = vscode.Uri.joinPath(folder, 'exported-log.json');
    answer('showSaveDialog', exported);
    answer('showInformationMessage', undefined);
    await vscode.commands.executeCommand('scimWorkbench.log.export');
    const written = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(exported)).toString('utf8')) as { id: number; status: number }[];
    assert.equal(written.length, a.log.entries().length);
    assert.ok(written[0] && written[1] && written[0].id < written[1].id, 'exported oldest first');
    assert.ok(!JSON.stringify(written).includes(token), 'the export holds no token');
    await vscode.commands.executeCommand('scimWorkbench.log.clear');
    assert.equal(a.log.entries().length, 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('injects faults from the palette: a rate limit answers 429 with Retry-After, "No faults" lifts it', async () => {
    const a = await api();
    const told = answer('showInformationMessage', undefined, undefined);
    await vscode.commands.executeCommand('scimWorkbench.mock.injectFaults', 'Rate limit at 25 requests/second');
    assert.equal(vscode.workspace.getConfiguration('scimWorkbench').get('mock.rateLimitPerSecond'), 25);
    assert.equal(told.calls[0]?.[0], 'Mock server faults: Rate limit at 25 requests/second. Saved in this workspace\'s .vscode/settings.json; "No faults" removes them.');
    await waitFor('the rate limit to apply', () => a.mock.service?.options.rateLimitPerSecond === 25);
    const burst = await Promise.all(Array.from({ length: 60 }, () => scim('GET', '/Users?count=1')));
    const limited = burst.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, 'some of 60 simultaneous requests are over 25/s');
    assert.equal(limited[0]?.headers.get('retry-after'), '1');
    await vscode.commands.executeCommand('scimWorkbench.mock.injectFaults', 'No faults');
    assert.match(String(told.calls[1]?.[0]), /^Mock server faults off: the fault switches were removed from this workspace's \.vscode\/settings\.json\.$/);
    await waitFor('the rate limit to lift', () => a.mock.service?.options.rateLimitPerSecond === 0);
    assert.equal(vscode.workspace.getConfiguration('scimWorkbench').inspect('mock.rateLimitPerSecond')?.workspaceValue, undefined);
    const after = await Promise.all(Array.from({ length: 60 }, () => scim('GET', '/Users?count=1')));
    assert.ok(after.every((r) => r.status === 200));
  });

  it('keeps the directory across a restart (persisted in workspace storage)', async () => {
    const a = await api();
    const before = a.mock.service?.stats().users;
    await scim('GET', '/Users?count=1');
    const logged = a.log.entries().length;
    assert.ok(logged > 0);
    await vscode.commands.executeCommand('scimWorkbench.mock.stop');
    assert.equal(a.log.entries().length, logged, 'the provisioning log outlives the server');
    assert.equal(a.mock.state.status, 'stopped');
    assert.deepEqual(await children(), [], 'a stopped mock shows the welcome view');
    await vscode.commands.executeCommand('scimWorkbench.mock.start');
    assert.equal(a.mock.service?.stats().users, before);
    const s = a.mock.state as MockState;
    assert.ok(s.status === 'running' && s.dataFile?.endsWith('mock-directory.jsonl'));
  });

  it('stopping closes kept-alive connections', async () => {
    const a = await api();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise((r) => socket.once('close', r));
    await a.mock.stop();
    await closed;
    await a.mock.start();
  });

  it('says when the port is taken and offers a free one instead of failing silently', async () => {
    const a = await api();
    await a.mock.stop();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const direct = await a.mock.start();
      assert.equal(direct.ok, false);
      assert.equal(!direct.ok && direct.reason, 'portInUse');
      assert.equal(a.mock.state.status, 'error');
      const shown = answer('showErrorMessage', 'Use Free Port');
      answer('showInformationMessage', undefined);
      await vscode.commands.executeCommand('scimWorkbench.mock.start');
      assert.match(String(shown.calls[0]?.[0]), new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      const s = a.mock.state as MockState;
      assert.equal(s.status, 'running');
      assert.notEqual(s.status === 'running' && s.port, port);
    } finally {
      await a.mock.stop();
      await new Promise((r) => blocker.close(r));
    }
  });
});
