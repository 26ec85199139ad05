// A whole Entra provisioning cycle over HTTP, with the request shapes Entra sends
// (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { URN } from '../../../src/scim/schemas';
import { entraGroup, entraUser, filterQuery, patchOp, startServer, type Harness } from './helpers';

const BASE = '/enterprise/v1/scim';
const SCIM_JSON = 'application/scim+json; charset=utf-8';

describe('mock server: a whole Entra cycle over HTTP', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let carol: string;
  let group: string;

  before(async () => { h = await startServer(); });
  after(async () => { await h.close(); });

  it('answers Test Connection\'s GUID probes with empty ListResponses on /Users and /Groups', async () => {
    const guid = randomUUID();
    const users = await h.call('GET', `${BASE}/Users?${filterQuery(`userName eq "${guid}"`)}`);
    assert.equal(users.status, 200);
    assert.equal(users.headers['content-type'], SCIM_JSON);
    assert.deepEqual(users.json, { schemas: [URN.ListResponse], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });
    const groups = await h.call('GET', `${BASE}/Groups?excludedAttributes=members&${filterQuery(`displayName eq "${guid}"`)}`);
    assert.equal(groups.status, 200);
    assert.equal(groups.json.totalResults, 0);
  });

  it('creates a user after a failed match: 201, a MURAL-shaped id, Location, lower-cased userName and email', async () => {
    const miss = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "alice@contoso.com"')}`);
    assert.equal(miss.json.totalResults, 0);
    const created = await h.call('POST', `${BASE}/Users`, entraUser('Alice@Contoso.com', 'Alice', 'Smith', 'alice'));
    assert.equal(created.status, 201);
    assert.equal(created.headers['content-type'], SCIM_JSON);
    alice = created.json.id;
    assert.match(alice, /^u[0-9a-f]{24}$/);
    assert.equal(created.headers.location, `${h.url}/Users/${alice}`);
    assert.equal(created.json.meta.location, created.headers.location);
    assert.equal(created.headers.etag, created.json.meta.version);
    assert.equal(created.json.userName, 'alice@contoso.com');
    assert.equal(created.json.emails[0].value, 'alice@contoso.com');
    assert.equal(created.json.active, true);
    assert.equal(created.json.externalId, 'alice');
    assert.equal(created.json.meta.resourceType, 'User');

    bob = (await h.call('POST', `${BASE}/Users`, entraUser('bob@contoso.com', 'Bob', 'Jones'))).json.id;
    carol = (await h.call('POST', `${BASE}/Users`, entraUser('carol@contoso.com', 'Carol', 'White'))).json.id;
    assert.notEqual(bob, carol);
  });

  it('matches the created user again by userName', async () => {
    const hit = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "alice@contoso.com"')}`);
    assert.equal(hit.json.totalResults, 1);
    assert.equal(hit.json.Resources[0].id, alice);
  });

  it('applies the default (legacy) PATCH shape: capitalised ops, one per attribute, enterprise URN paths', async () => {
    const r = await h.call('PATCH', `${BASE}/Users/${alice}`, patchOp(
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'Alice.Smith@Contoso.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Alicia' },
      { op: 'Add', path: 'nickName', value: 'Ali' },
      { op: 'Replace', path: `${URN.EnterpriseUser}:employeeNumber`, value: '1701' },
    ));
    assert.equal(r.status, 200);
    assert.equal(r.json.emails[0].value, 'alice.smith@contoso.com');
    assert.equal(r.json.name.givenName, 'Alicia');
    assert.equal(r.json.nickName, 'Ali');
    assert.equal(r.json[URN.EnterpriseUser].employeeNumber, '1701');
  });

  it('applies the aadOptscim062020 shape: lower-case ops and one path-less replace with dotted and URN keys', async () => {
    const r = await h.call('PATCH', `${BASE}/Users/${alice}?aadOptscim062020`, patchOp({
      op: 'replace',
      value: { displayName: 'Alicia Smith', 'name.familyName': 'Smith-Jones', [`${URN.EnterpriseUser}:employeeNumber`]: '1702' },
    }));
    assert.equal(r.status, 200);
    assert.equal(r.json.displayName, 'Alicia Smith');
    assert.equal(r.json.name.familyName, 'Smith-Jones');
    assert.equal(r.json.name.givenName, 'Alicia');
    assert.equal(r.json[URN.EnterpriseUser].employeeNumber, '1702');
  });

  it('looks a group up without members, creates it with Entra\'s group schema and reads it back', async () => {
    const miss = await h.call('GET', `${BASE}/Groups?excludedAttributes=members&${filterQuery('displayName eq "Engineering"')}`);
    assert.equal(miss.json.totalResults, 0);
    const created = await h.call('POST', `${BASE}/Groups`, entraGroup('Engineering'));
    assert.equal(created.status, 201);
    group = created.json.id;
    assert.match(group, /^g[0-9a-f]{24}$/);
    assert.equal(created.headers.location, `${h.url}/Groups/${group}`);
    const read = await h.call('GET', `${BASE}/Groups/${group}?excludedAttributes=members`);
    assert.equal(read.status, 200);
    assert.equal(read.json.displayName, 'Engineering');
    assert.equal('members' in read.json, false);
    const hit = await h.call('GET', `${BASE}/Groups?excludedAttributes=members&${filterQuery('displayName eq "Engineering"')}`);
    assert.equal(hit.json.Resources[0].id, group);
  });

  it('adds several members in one operation (204) and shows them on both sides', async () => {
    const r = await h.call('PATCH', `${BASE}/Groups/${group}`, patchOp({
      op: 'Add', path: 'members', value: [{ $ref: null, value: alice }, { $ref: null, value: bob }, { $ref: null, value: carol }],
    }));
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    const g = await h.call('GET', `${BASE}/Groups/${group}`);
    assert.deepEqual(g.json.members.map((m: { value: string }) => m.value), [alice, bob, carol]);
    const a = await h.call('GET', `${BASE}/Users/${alice}`);
    assert.deepEqual(a.json.groups.map((x: { value: string; display: string }) => [x.value, x.display]), [[group, 'Engineering']]);
  });

  it('removes ONLY the listed members for a remove with a value list (not all of them)', async () => {
    const r = await h.call('PATCH', `${BASE}/Groups/${group}`, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: bob }] }));
    assert.equal(r.status, 204);
    const g = await h.call('GET', `${BASE}/Groups/${group}`);
    assert.deepEqual(g.json.members.map((m: { value: string }) => m.value), [alice, carol]);
    const b = await h.call('GET', `${BASE}/Users/${bob}`);
    assert.equal(b.json.groups, undefined);
  });

  it('removes a member by members[value eq "…"] (aadOptscim062020 shape)', async () => {
    const r = await h.call('PATCH', `${BASE}/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${carol}"]` }));
    assert.equal(r.status, 204);
    const g = await h.call('GET', `${BASE}/Groups/${group}`);
    assert.deepEqual(g.json.members.map((m: { value: string }) => m.value), [alice]);
  });

  it('renames the group (204) and the member\'s groups attribute follows', async () => {
    const r = await h.call('PATCH', `${BASE}/Groups/${group}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Engineering EMEA' }));
    assert.equal(r.status, 204);
    const a = await h.call('GET', `${BASE}/Users/${alice}`);
    assert.equal(a.json.groups[0].display, 'Engineering EMEA');
  });

  it('deactivates with "False": still returned with active false, memberships gone, lost workspaces recorded', async () => {
    const r = await h.call('PATCH', `${BASE}/Users/${alice}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(r.status, 200);
    assert.equal(r.json.active, false);
    const a = await h.call('GET', `${BASE}/Users/${alice}`);
    assert.equal(a.status, 200);
    assert.equal(a.json.active, false);
    assert.equal(a.json.groups, undefined);
    const g = await h.call('GET', `${BASE}/Groups/${group}`);
    assert.deepEqual(g.json.members, []);
    const lost = h.service.lostWorkspaces(alice);
    assert.deepEqual(lost.map((l) => [l.id, l.displayName]), [[group, 'Engineering EMEA']]);
    assert.ok(!Number.isNaN(Date.parse(lost[0]?.at as string)));
  });

  it('reactivates without restoring memberships (reactivation must be requested)', async () => {
    const r = await h.call('PATCH', `${BASE}/Users/${alice}`, patchOp({ op: 'replace', path: 'active', value: true }));
    assert.equal(r.json.active, true);
    const g = await h.call('GET', `${BASE}/Groups/${group}`);
    assert.deepEqual(g.json.members, []);
    assert.equal(h.service.lostWorkspaces(alice).length, 1);
  });

  it('deletes a user and a group (204), then answers 404 with the SCIM error schema', async () => {
    assert.equal((await h.call('DELETE', `${BASE}/Users/${bob}`)).status, 204);
    assert.equal((await h.call('DELETE', `${BASE}/Groups/${group}`)).status, 204);
    for (const path of [`${BASE}/Users/${bob}`, `${BASE}/Groups/${group}`]) {
      const r = await h.call('GET', path);
      assert.equal(r.status, 404);
      assert.equal(r.headers['content-type'], SCIM_JSON);
      assert.deepEqual(r.json.schemas, [URN.Error]);
      assert.equal(r.json.status, '404');
      assert.equal(typeof r.json.detail, 'string');
    }
    assert.equal((await h.call('DELETE', `${BASE}/Users/${bob}`)).status, 404);
  });

  it('serves the same directory under the /scim/v2 alias', async () => {
    const r = await h.call('GET', `/scim/v2/Users/${alice}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.id, alice);
  });
});
