// ScimService called directly, as the VS Code extension will: plain values in, resources out, ScimError thrown.
import * as assert from 'node:assert/strict';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';
import { DEFAULT_OPTIONS, MOCK_OPTION_TABLE, parseOptionText } from '../../../src/mock/options';
import { FIRST_NAMES, LAST_NAMES } from '../../../src/mock/seed';
import { ScimService, etagMatches, type ChangeEvent } from '../../../src/mock/service';
import { entraGroup, entraUser } from './helpers';

const isScim = (status: number, scimType?: string) => (e: unknown) => e instanceof ScimError && e.status === status && e.scimType === scimType;

describe('ScimService', () => {
  let svc: ScimService;
  beforeEach(async () => { svc = await ScimService.open(); });
  afterEach(async () => { await svc.close(); });

  it('creates and reads users, handing out copies the caller may change', async () => {
    const created = await svc.createUser(entraUser('Ada@Example.com', 'Ada', 'Lovelace'));
    const id = created.id as string;
    created.userName = 'changed';
    const read = svc.getUser(id);
    assert.equal(read.userName, 'ada@example.com');
    (read.name as Record<string, unknown>).givenName = 'Changed';
    assert.equal((svc.getUser('ada@example.com').name as Record<string, unknown>).givenName, 'Ada');
    assert.equal((read.meta as Record<string, unknown>).location, undefined);
    svc.baseUrl = 'http://127.0.0.1:1/enterprise/v1/scim/';
    assert.equal((svc.getUser(id).meta as Record<string, unknown>).location, `http://127.0.0.1:1/enterprise/v1/scim/Users/${id}`);
  });

  it('throws ScimError 404 for unknown ids and 400 for bodies that are not resources', async () => {
    assert.throws(() => svc.getUser('u123'), isScim(404));
    assert.throws(() => svc.getGroup('g123'), isScim(404));
    await assert.rejects(svc.createUser({ userName: 'x@y.z' }), isScim(400, 'invalidSyntax'));
    await assert.rejects(svc.createGroup({ schemas: [URN.Group], displayName: 'X', members: [{ value: 'u404' }] }), isScim(400, 'invalidValue'));
  });

  it('pages through users and answers filters (every RFC 7644 filter with muralFilters off)', async () => {
    svc.configure({ muralFilters: false });
    for (const n of ['ann', 'bob', 'cat', 'dan', 'eve']) await svc.createUser(entraUser(`${n}@example.com`, 'Name', 'Person'));
    const page = svc.listUsers({ startIndex: 2, count: 2 });
    assert.equal(page.totalResults, 5);
    assert.equal(page.startIndex, 2);
    assert.deepEqual(page.resources.map((u) => u.userName), ['bob@example.com', 'cat@example.com']);
    assert.deepEqual(svc.listUsers({ filter: 'userName sw "d"' }).resources.map((u) => u.userName), ['dan@example.com']);
    const projected = svc.listUsers({ count: 1, attributes: ['userName'] }).resources[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(projected).sort(), ['id', 'schemas', 'userName']);
  });

  it('answers equality on indexed attributes, and ORs of them, without scanning, and scans for other filters (muralFilters off)', async () => {
    svc.configure({ muralFilters: false });
    const ids: string[] = [];
    for (const n of ['ann', 'bob']) ids.push((await svc.createUser({ ...entraUser(`${n}@example.com`, 'Name', 'Person'), externalId: `ext-${n}` })).id as string);
    const g = (await svc.createGroup(entraGroup('Ops'))).id as string;
    await svc.addMembers(g, [ids[1] as string]);
    const users = svc.store.users;
    const groups = svc.store.groups;
    const scan = () => { throw new Error('scanned the directory'); };
    users.values = scan;
    groups.values = scan;
    try {
      assert.equal(svc.query('User', { filter: 'userName eq "bob@example.com"' }).views[0]?.id, ids[1]);
      assert.equal(svc.query('User', { filter: 'USERNAME eq "BOB@example.com"' }).totalResults, 0);
      assert.equal(svc.query('User', { filter: 'externalId eq "ext-ann" and active eq true' }).views[0]?.id, ids[0]);
      assert.equal(svc.query('User', { filter: 'emails.value eq "ann@example.com"' }).views[0]?.id, ids[0]);
      assert.equal(svc.query('User', { filter: `id eq "${ids[0]}"` }).totalResults, 1);
      assert.equal(svc.query('Group', { filter: 'displayName eq "ops"' }).views[0]?.id, g);
      assert.equal(svc.query('Group', { filter: `members.value eq "${ids[1]}"` }).views[0]?.id, g);
      assert.throws(() => svc.query('User', { filter: 'userName co "b"' }), /scanned the directory/);
      const either = svc.query('User', { filter: 'userName eq "ann@example.com" or emails.value eq "ANN@example.com" or externalId eq "ext-bob"' });
      assert.deepEqual(either.views.map((v) => v.id).sort(), [...ids].sort(), 'an OR of indexed terms: each match once');
      assert.equal(svc.query('User', { filter: 'externalId eq "ext-bob" and (userName eq "ann@example.com" or userName eq "bob@example.com")' }).views[0]?.id, ids[1]);
      assert.throws(() => svc.query('User', { filter: 'userName eq "a@x" or title pr' }), /scanned the directory/);
    } finally {
      delete (users as { values?: unknown }).values;
      delete (groups as { values?: unknown }).values;
    }
  });

  it('deactivates (memberships dropped, lost workspaces kept), reactivates without restoring, and deletes', async () => {
    const u = (await svc.createUser(entraUser('kim@example.com', 'Kim', 'Park'))).id as string;
    const g1 = (await svc.createGroup(entraGroup('Alpha'))).id as string;
    const g2 = (await svc.createGroup(entraGroup('Beta'))).id as string;
    await svc.addMembers(g1, [u]);
    await svc.addMembers(g2, [u, u]);
    assert.deepEqual((svc.getUser(u).groups as { value: string }[]).map((x) => x.value), [g1, g2]);
    const events: ChangeEvent[] = [];
    svc.on('change', (e) => events.push(e));
    const off = await svc.deactivateUser(u);
    assert.equal(off.active, false);
    assert.equal(off.groups, undefined);
    assert.deepEqual(svc.lostWorkspaces(u).map((l) => l.displayName), ['Alpha', 'Beta']);
    assert.deepEqual(events.filter((e) => e.type === 'membersRemoved').map((e) => (e as { id: string }).id), [g1, g2]);
    const on = await svc.reactivateUser('kim@example.com');
    assert.equal(on.active, true);
    assert.equal(on.groups, undefined);
    assert.deepEqual(svc.listGroups({ filter: 'displayName eq "Alpha"' }).resources[0]?.members, []);
    await svc.addMembers(g1, [u]);
    assert.deepEqual(svc.lostWorkspaces(u).map((l) => l.displayName), ['Beta']);
    await svc.removeMembers(g1, [u]);
    assert.deepEqual(svc.getGroup(g1).members, []);
    await svc.deleteUser(u);
    assert.throws(() => svc.lostWorkspaces(u), isScim(404));
    await svc.deleteGroup(g2);
    assert.deepEqual(svc.stats(), { users: 0, activeUsers: 0, groups: 1, memberships: 0 });
  });

  it('patches with a PatchOp body or just its operations, and reports 409 on a taken userName', async () => {
    await svc.createUser(entraUser('one@example.com', 'One', 'Person'));
    const two = (await svc.createUser(entraUser('two@example.com', 'Two', 'Person'))).id as string;
    const r = await svc.patchUser(two, [{ op: 'replace', path: 'title', value: 'Lead' }]);
    assert.equal(r.title, 'Lead');
    await assert.rejects(svc.patchUser(two, { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'userName', value: 'ONE@example.com' }] }), isScim(409, 'uniqueness'));
    const g = (await svc.createGroup(entraGroup('Gamma'))).id as string;
    const renamed = await svc.patchGroup(g, [{ op: 'replace', path: 'displayName', value: 'Gamma Two' }]);
    assert.equal(renamed.displayName, 'Gamma Two');
  });

  it('checks If-Match versions', async () => {
    const view = await svc.create('User', entraUser('v@example.com', 'Vee', 'Person'));
    assert.equal(etagMatches(view.version, view.version), true);
    assert.equal(etagMatches(`W/"0", ${view.version}`, view.version), true);
    assert.equal(etagMatches('W/"0"', view.version), false);
    await assert.rejects(svc.delete('User', view.id, { ifMatch: 'W/"0"' }), isScim(412));
    await svc.delete('User', view.id, { ifMatch: view.version });
  });

  it('seeds realistic users (no digits in names, unique lower-case emails) and workspaces with members', async () => {
    const progress: [number, number][] = [];
    const events: ChangeEvent[] = [];
    svc.on('change', (e) => events.push(e));
    const r = await svc.seed(2500, { onProgress: (d, t) => progress.push([d, t]) });
    assert.deepEqual(r, { users: 2500, groups: 63, cancelled: false });
    assert.deepEqual(progress.at(-1), [2500, 2500]);
    assert.ok(progress.length >= 3);
    const users = svc.listUsers({ count: 1000, startIndex: 1 }).resources.concat(svc.listUsers({ count: 1000, startIndex: 1001 }).resources, svc.listUsers({ count: 1000, startIndex: 2001 }).resources);
    assert.equal(users.length, 2500);
    const names = new Set<string>();
    for (const u of users) {
      const name = u.name as { givenName: string; familyName: string };
      assert.ok(FIRST_NAMES.includes(name.givenName) && LAST_NAMES.includes(name.familyName));
      assert.doesNotMatch(`${name.givenName}${name.familyName}`, /\d/);
      assert.equal(u.userName, (u.userName as string).toLowerCase());
      assert.equal((u.emails as { value: string }[])[0]?.value, u.userName);
      names.add(u.userName as string);
    }
    assert.equal(names.size, 2500);
    const stats = svc.stats();
    assert.equal(stats.groups, 63);
    assert.ok(stats.memberships >= 2500);
    assert.deepEqual(events, [{ type: 'seeded', users: 2500, groups: 63 }]);
    // Every workspace has an admin among its members, every other one two.
    const adminCounts = [...svc.store.groups.keys()].map((g) => svc.workspaceAdmins(g).length);
    assert.deepEqual([adminCounts.filter((n) => n === 1).length, adminCounts.filter((n) => n === 2).length], [32, 31]);
    for (const g of svc.store.groups.keys()) for (const a of svc.workspaceAdmins(g)) assert.ok(svc.store.groups.get(g)?.members.has(a));
    const onlyAdmin = [...svc.store.groups.keys()].map((g) => svc.workspaceAdmins(g)).find((a) => a.length === 1)?.[0] as string;
    await assert.rejects(svc.deactivateUser(onlyAdmin), isScim(409));
    const more = await svc.seed(10, { groups: 2 });
    assert.equal(more.groups, 2);
    assert.equal(svc.stats().groups, 65);
  });

  it('stops seeding when cancelled, keeping what was added', async () => {
    const ac = new AbortController();
    const r = await svc.seed(5000, { onProgress: (done) => { if (done >= 2000) ac.abort(); }, signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.users, 2000);
    assert.equal(svc.stats().users, 2000);
    await assert.rejects(svc.seed(-1), RangeError);
    await assert.rejects(svc.seed(1, { groups: 5000 }), RangeError);
  });

  it('resets the directory', async () => {
    await svc.seed(20);
    const events: ChangeEvent[] = [];
    svc.on('change', (e) => events.push(e));
    await svc.reset();
    assert.deepEqual(svc.stats(), { users: 0, activeUsers: 0, groups: 0, memberships: 0 });
    assert.deepEqual(events, [{ type: 'reset' }]);
  });
});

describe('mock options table', () => {
  it('names, describes and defaults every switch, and parses CLI text', () => {
    const keys = MOCK_OPTION_TABLE.map((s) => s.key);
    assert.deepEqual(Object.keys(DEFAULT_OPTIONS).sort(), [...keys].sort());
    for (const s of MOCK_OPTION_TABLE) {
      assert.match(s.flag, /^[a-z-]+$/);
      assert.ok(s.description.length > 20);
    }
    assert.deepEqual(
      { coerce: DEFAULT_OPTIONS.coerceBooleanStrings, multi: DEFAULT_OPTIONS.multipleMembersPerOp, strict: DEFAULT_OPTIONS.strictMemberRemoval, lower: DEFAULT_OPTIONS.lowercaseFilterRule, mural: DEFAULT_OPTIONS.muralFilters, throttle: DEFAULT_OPTIONS.throttleShare },
      { coerce: true, multi: true, strict: false, lower: true, mural: true, throttle: 0 },
    );
    const share = MOCK_OPTION_TABLE.find((s) => s.key === 'faultShare')!;
    assert.equal(parseOptionText(share, '0.25'), 0.25);
    assert.throws(() => parseOptionText(share, 'lots'), /--fault-share/);
    assert.throws(() => parseOptionText(share, '1.5'), /at most 1/);
    const strict = MOCK_OPTION_TABLE.find((s) => s.key === 'strictMemberRemoval')!;
    assert.equal(parseOptionText(strict, 'on'), true);
  });
});
