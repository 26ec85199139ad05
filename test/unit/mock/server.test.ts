// The HTTP surface of the mock: MURAL's rules as a client sees them, auth, ETags, every error status, discovery,
// search/paging/sorting/projection, the request log, events and fault injection.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { URN } from '../../../src/scim/schemas';
import { RingBuffer, type RequestLogEntry } from '../../../src/mock/requestLog';
import type { ChangeEvent } from '../../../src/mock/service';
import { TOKEN, entraGroup, entraUser, filterQuery, patchOp, startServer, type Harness } from './helpers';

const BASE = '/enterprise/v1/scim';
const SCIM_JSON = 'application/scim+json; charset=utf-8';

function assertScimError(r: { status: number; headers: Record<string, unknown>; json: any }, status: number, scimType?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.headers['content-type'], SCIM_JSON);
  assert.deepEqual(r.json.schemas, [URN.Error]);
  assert.equal(r.json.status, String(status));
  assert.equal(r.json.scimType, scimType);
  assert.ok(typeof r.json.detail === 'string' && r.json.detail.length > 10);
}

describe('mock server over HTTP', () => {
  let h: Harness;
  beforeEach(async () => { h = await startServer({}, { maxBodyBytes: 4096, requestLogSize: 50 }); });
  afterEach(async () => { await h.close(); });

  describe('MURAL\'s rules', () => {
    it('stores userName and the work email lower case; a filter with capitals finds nothing', async () => {
      await h.call('POST', `${BASE}/Users`, entraUser('Grace.Hopper@Navy.mil', 'Grace', 'Hopper'));
      const upper = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "Grace.Hopper@Navy.mil"')}`);
      assert.equal(upper.status, 200);
      assert.equal(upper.json.totalResults, 0);
      assert.deepEqual(upper.json.Resources, []);
      const lower = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "grace.hopper@navy.mil"')}`);
      assert.equal(lower.json.totalResults, 1);
      assert.equal(lower.json.Resources[0].userName, 'grace.hopper@navy.mil');
      assert.equal(lower.json.Resources[0].emails[0].value, 'grace.hopper@navy.mil');
    });

    it('finds capitals again when the lowercase-filter rule is switched off (RFC caseExact=false)', async () => {
      await h.call('POST', `${BASE}/Users`, entraUser('ken@bell-labs.com', 'Ken', 'Thompson'));
      h.service.configure({ lowercaseFilterRule: false });
      const r = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "Ken@Bell-Labs.com"')}`);
      assert.equal(r.json.totalResults, 1);
    });

    it('rejects digits in givenName and familyName with 400 invalidValue naming the attribute and value', async () => {
      const r = await h.call('POST', `${BASE}/Users`, entraUser('r2@example.com', 'R2', 'Droid'));
      assertScimError(r, 400, 'invalidValue');
      assert.match(r.json.detail, /name\.givenName/);
      assert.match(r.json.detail, /"R2"/);
      const id = (await h.call('POST', `${BASE}/Users`, entraUser('leia@example.com', 'Leia', 'Organa'))).json.id;
      const p = await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'Replace', path: 'name.familyName', value: 'Organa3' }));
      assertScimError(p, 400, 'invalidValue');
      assert.match(p.json.detail, /name\.familyName/);
      assert.equal((await h.call('GET', `${BASE}/Users/${id}`)).json.name.familyName, 'Organa');
    });

    it('refuses to suspend, PUT inactive or delete the last admin of a workspace with 409, in the answer and the request log', async () => {
      const ada = (await h.call('POST', `${BASE}/Users`, entraUser('ada@example.com', 'Ada', 'Lovelace'))).json.id;
      const alan = (await h.call('POST', `${BASE}/Users`, entraUser('alan@example.com', 'Alan', 'Turing'))).json.id;
      const eng = (await h.call('POST', `${BASE}/Groups`, entraGroup('Engineering'))).json.id;
      await h.call('PATCH', `${BASE}/Groups/${eng}`, patchOp({ op: 'Add', path: 'members', value: [{ value: ada }, { value: alan }] }));
      await h.service.setWorkspaceAdmin(eng, ada, true);
      const refusals = [
        await h.call('PATCH', `${BASE}/Users/${ada}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })),
        await h.call('PUT', `${BASE}/Users/${ada}`, { ...entraUser('ada@example.com', 'Ada', 'Lovelace'), active: false }),
        await h.call('DELETE', `${BASE}/Users/${ada}`),
      ];
      for (const r of refusals) {
        assertScimError(r, 409);
        assert.match(r.json.detail, /Ada Lovelace is the last admin of the workspace "Engineering" .*MURAL does not (suspend|delete) the last admin/);
      }
      assert.deepEqual(h.server.requests().filter((e) => e.status === 409).map((e) => e.method).sort(), ['DELETE', 'PATCH', 'PUT']);
      const still = await h.call('GET', `${BASE}/Users/${ada}`);
      assert.equal(still.json.active, true);
      assert.deepEqual(still.json.groups.map((g: { value: string }) => g.value), [eng]);
      // With a second admin the first can be suspended; it loses the workspace and with it the admin role.
      await h.service.setWorkspaceAdmin(eng, alan, true);
      assert.equal((await h.call('PATCH', `${BASE}/Users/${ada}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }))).status, 200);
      assert.deepEqual(h.service.workspaceAdmins(eng), [alan]);
      assertScimError(await h.call('DELETE', `${BASE}/Users/${alan}`), 409);
      await assert.rejects(h.service.setWorkspaceAdmin(eng, ada, true), (e: { status?: number; detail?: string }) => e.status === 400 && /not a member/.test(e.detail ?? ''));
      await h.service.setWorkspaceAdmin(eng, alan, false);
      assert.equal((await h.call('DELETE', `${BASE}/Users/${alan}`)).status, 204);
    });

    it('has no PUT on /Groups/{id}, as MURAL documents (405 with Allow), unless the groupPut switch is on', async () => {
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Design'))).json.id;
      const put = await h.call('PUT', `${BASE}/Groups/${g}`, { schemas: [URN.Group], displayName: 'Design Team' });
      assertScimError(put, 405);
      assert.equal(put.headers.allow, 'GET, PATCH, DELETE');
      assert.match(put.json.detail, /MURAL has no PUT on \/Groups\/\{id\}: change a group \(workspace\) with PATCH/);
      assert.equal((await h.call('GET', `${BASE}/Groups/${g}`)).json.displayName, 'Design');
      h.service.configure({ groupPut: true });
      assert.equal((await h.call('PUT', `${BASE}/Groups/${g}`, { schemas: [URN.Group], displayName: 'Design Team' })).json.displayName, 'Design Team');
    });

    it('provisions members only: a user whose userType is Guest is refused by POST, PUT and PATCH', async () => {
      const guest = await h.call('POST', `${BASE}/Users`, { ...entraUser('guest@partner.com', 'Gus', 'Guest'), userType: 'Guest' });
      assertScimError(guest, 400, 'invalidValue');
      assert.match(guest.json.detail, /MURAL provisions only members, not guests.*scoping filter userType EQUALS "Member"/);
      const id = (await h.call('POST', `${BASE}/Users`, { ...entraUser('member@example.com', 'Mia', 'Member'), userType: 'Member' })).json.id;
      assertScimError(await h.call('PUT', `${BASE}/Users/${id}`, { ...entraUser('member@example.com', 'Mia', 'Member'), userType: 'guest' }), 400, 'invalidValue');
      assertScimError(await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'Replace', path: 'userType', value: 'Guest' })), 400, 'invalidValue');
      assert.equal((await h.call('GET', `${BASE}/Users/${id}`)).json.userType, 'Member');
    });

    it('requires a work email and does not derive it from an email-shaped userName', async () => {
      const body = entraUser('ada@example.com', 'Ada', 'Lovelace');
      delete body.emails;
      const r = await h.call('POST', `${BASE}/Users`, body);
      assertScimError(r, 400, 'invalidValue');
      assert.match(r.json.detail, /emails\[type eq "work"\]\.value/);
      const home = await h.call('POST', `${BASE}/Users`, { ...body, emails: [{ type: 'home', value: 'ada@home.example' }] });
      assertScimError(home, 400, 'invalidValue');
    });

    it('accepts MURAL\'s own untyped email shape as the work email', async () => {
      const body = entraUser('Vader@Empire.gov', 'Anakin', 'Skywalker');
      body.emails = [{ primary: true, value: 'Vader@Empire.gov' }];
      const r = await h.call('POST', `${BASE}/Users`, body);
      assert.equal(r.status, 201);
      assert.equal(r.json.emails[0].value, 'vader@empire.gov');
    });

    it('answers 409 uniqueness for a userName taken in another case and for a taken group displayName', async () => {
      await h.call('POST', `${BASE}/Users`, entraUser('linus@example.com', 'Linus', 'Torvalds'));
      assertScimError(await h.call('POST', `${BASE}/Users`, entraUser('LINUS@example.com', 'Linus', 'Torvalds')), 409, 'uniqueness');
      await h.call('POST', `${BASE}/Groups`, entraGroup('Design'));
      assertScimError(await h.call('POST', `${BASE}/Groups`, entraGroup('design')), 409, 'uniqueness');
      const other = (await h.call('POST', `${BASE}/Groups`, entraGroup('Marketing'))).json.id;
      assertScimError(await h.call('PATCH', `${BASE}/Groups/${other}`, patchOp({ op: 'Replace', path: 'displayName', value: 'DESIGN' })), 409, 'uniqueness');
    });

    it('addresses a user by email in place of the id (GET, PATCH, DELETE)', async () => {
      const id = (await h.call('POST', `${BASE}/Users`, entraUser('vader@empire.gov', 'Anakin', 'Skywalker'))).json.id;
      assert.equal((await h.call('GET', `${BASE}/Users/vader%40empire.gov`)).json.id, id);
      const p = await h.call('PATCH', `${BASE}/Users/vader%40empire.gov`, patchOp({ op: 'replace', path: 'active', value: 'false' }));
      assert.equal(p.json.active, false);
      assert.equal((await h.call('DELETE', `${BASE}/Users/vader%40empire.gov`)).status, 204);
      assert.equal((await h.call('GET', `${BASE}/Users/${id}`)).status, 404);
    });

    it('rejects group members that are not users of the directory', async () => {
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Legal'))).json.id;
      const r = await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: 'u000000000000000000000000' }] }));
      assertScimError(r, 400, 'invalidValue');
      assert.match(r.json.detail, /u000000000000000000000000/);
    });
  });

  describe('authentication', () => {
    it('answers 401 with a SCIM error and WWW-Authenticate without a token, with a wrong one, or another scheme', async () => {
      for (const auth of [undefined, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer', `apikey ${TOKEN.slice(1)}`]) {
        const r = await h.raw('GET', `${BASE}/Users`, undefined, auth === undefined ? {} : { authorization: auth });
        assertScimError(r, 401);
        assert.equal(r.headers['www-authenticate'], 'Bearer realm="scim-workbench"');
      }
    });

    it('says where the right token comes from: the CLI\'s words by default, the host\'s when given', async () => {
      const wrong = { authorization: `Bearer ${TOKEN}x` };
      assert.match((await h.raw('GET', `${BASE}/Users`, undefined, wrong)).json.detail, /--token \/ SCIM_WORKBENCH_TOKEN/);
      const hosted = await startServer({}, { tokenAdvice: 'ask the host for it.' });
      try {
        assert.equal((await hosted.raw('GET', `${BASE}/Users`, undefined, wrong)).json.detail, 'The token is not valid for this server: ask the host for it.');
      } finally {
        await hosted.close();
      }
    });

    it('accepts Bearer and MURAL\'s apikey scheme, case-insensitively', async () => {
      for (const auth of [`Bearer ${TOKEN}`, `apikey ${TOKEN}`, `APIKEY ${TOKEN}`, `bearer ${TOKEN}`]) {
        assert.equal((await h.raw('GET', `${BASE}/ServiceProviderConfig`, undefined, { authorization: auth })).status, 200);
      }
    });

    it('checks every request on a keep-alive connection, not only the first', async () => {
      for (const [auth, status] of [[`Bearer ${TOKEN}`, 200], [`Bearer ${TOKEN}x`, 401], [`Bearer ${TOKEN}`, 200], [`apikey ${TOKEN}`, 200], [undefined, 401]] as const) {
        const r = await h.raw('GET', `${BASE}/Users`, undefined, auth === undefined ? {} : { authorization: auth });
        assert.equal(r.status, status, `${auth}`);
      }
    });

    it('guards discovery endpoints too, and a new token replaces the old one', async () => {
      assert.equal((await h.raw('GET', `${BASE}/Schemas`, undefined, {})).status, 401);
      h.server.setToken('rotated');
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 401);
      assert.equal((await h.raw('GET', `${BASE}/Users`, undefined, { authorization: 'Bearer rotated' })).status, 200);
    });
  });

  describe('ETags', () => {
    it('answers 304 to a matching If-None-Match and 412 to a stale If-Match', async () => {
      const created = await h.call('POST', `${BASE}/Users`, entraUser('tim@example.com', 'Tim', 'Lee'));
      const id = created.json.id;
      const etag = created.headers.etag as string;
      assert.match(etag, /^W\/"\d+"$/);
      const cached = await h.call('GET', `${BASE}/Users/${id}`, undefined, { 'if-none-match': etag });
      assert.equal(cached.status, 304);
      assert.equal(cached.text, '');
      const changed = await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'Replace', path: 'title', value: 'Director' }), { 'if-match': etag });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.etag, etag);
      assert.equal((await h.call('GET', `${BASE}/Users/${id}`, undefined, { 'if-none-match': etag })).status, 200);
      assertScimError(await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'Replace', path: 'title', value: 'CTO' }), { 'if-match': etag }), 412);
      assertScimError(await h.call('DELETE', `${BASE}/Users/${id}`, undefined, { 'if-match': etag }), 412);
      assert.equal((await h.call('DELETE', `${BASE}/Users/${id}`, undefined, { 'if-match': '*' })).status, 204);
    });

    it('keeps the version when a PATCH changes nothing (Entra re-sends unchanged values)', async () => {
      const created = await h.call('POST', `${BASE}/Users`, entraUser('joan@example.com', 'Joan', 'Clarke'));
      const again = await h.call('PATCH', `${BASE}/Users/${created.json.id}`, patchOp({ op: 'Replace', path: 'name.givenName', value: 'Joan' }));
      assert.equal(again.headers.etag, created.headers.etag);
    });
  });

  describe('errors never crash the server', () => {
    it('answers malformed JSON, empty bodies, invalid UTF-8 and deep nesting with 400 invalidSyntax', async () => {
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
      assertScimError(await h.raw('POST', `${BASE}/Users`, '{"schemas": [', auth), 400, 'invalidSyntax');
      assertScimError(await h.raw('POST', `${BASE}/Users`, '', auth), 400, 'invalidSyntax');
      assertScimError(await h.raw('POST', `${BASE}/Users`, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), auth), 400, 'invalidSyntax');
      assertScimError(await h.raw('POST', `${BASE}/Users`, '['.repeat(1000) + ']'.repeat(1000), auth), 400, 'invalidSyntax');
      assertScimError(await h.raw('POST', `${BASE}/Users`, '"just a string"', auth), 400, 'invalidSyntax');
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 200);
    });

    it('answers 413 to a body over the limit, declared or streamed, and keeps serving', async () => {
      const big = JSON.stringify({ ...entraUser('big@example.com', 'Big', 'Body'), title: 'x'.repeat(8000) });
      const r = await h.raw('POST', `${BASE}/Users`, big, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' });
      assertScimError(r, 413);
      assert.equal((await h.call('GET', `${BASE}/Users`)).json.totalResults, 0);
    });

    it('stops reading a streamed body once it passes the limit', async () => {
      const chunks = Readable.from((function* () { for (let i = 0; i < 64; i++) yield Buffer.alloc(1024, 0x20); })());
      const res = await request(`${new URL(h.url).origin}${BASE}/Users`, {
        method: 'POST', body: chunks, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      });
      assertScimError({ status: res.statusCode, headers: res.headers, json: await res.body.json() }, 413);
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 200);
      assert.equal(h.server.requests().find((e) => e.status === 413)?.requestBody, '[body not read: over the 4096-byte limit]');
    });

    it('answers 415 to a wrong content type but tolerates a missing one', async () => {
      const body = JSON.stringify(entraUser('ct@example.com', 'Cee', 'Tee'));
      assertScimError(await h.raw('POST', `${BASE}/Users`, body, { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }), 415);
      assert.equal((await h.raw('POST', `${BASE}/Users`, body, { authorization: `Bearer ${TOKEN}` })).status, 201);
      assert.equal((await h.raw('POST', `${BASE}/Groups`, JSON.stringify(entraGroup('Ops')), { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' })).status, 201);
    });

    it('answers 404 to unknown routes and ids, 405 with Allow to unsupported methods, 501 to Bulk', async () => {
      assertScimError(await h.call('GET', '/nope'), 404);
      assertScimError(await h.call('GET', `${BASE}/Robots`), 404);
      assertScimError(await h.call('GET', `${BASE}/Users/a/b`), 404);
      assertScimError(await h.call('GET', `${BASE}/Users/u0123`), 404);
      assertScimError(await h.call('PATCH', `${BASE}/Groups/g0123`, patchOp({ op: 'Replace', path: 'displayName', value: 'x' })), 404);
      const del = await h.call('DELETE', `${BASE}/Users`);
      assertScimError(del, 405);
      assert.equal(del.headers.allow, 'GET, POST');
      assert.equal((await h.call('PUT', `${BASE}/ServiceProviderConfig`, {})).headers.allow, 'GET');
      assertScimError(await h.call('POST', `${BASE}/Bulk`, { schemas: [URN.BulkRequest], Operations: [] }), 501);
    });

    it('answers bad filters, paths and paging with 400 and handles absurd paging values', async () => {
      assertScimError(await h.call('GET', `${BASE}/Users?${filterQuery('userName eq')}`), 400, 'invalidFilter');
      assertScimError(await h.call('GET', `${BASE}/Users?count=ten`), 400, 'invalidValue');
      assertScimError(await h.call('GET', `${BASE}/Users/%E0%A4%A`), 400, 'invalidSyntax');
      await h.service.seed(3);
      const huge = await h.call('GET', `${BASE}/Users?startIndex=-5&count=99999999999999999999`);
      assert.equal(huge.status, 200);
      assert.equal(huge.json.startIndex, 1);
      assert.equal(huge.json.itemsPerPage, 3);
      const far = await h.call('GET', `${BASE}/Users?startIndex=1000000000000`);
      assert.equal(far.json.totalResults, 3);
      assert.deepEqual(far.json.Resources, []);
      h.service.configure({ muralFilters: false });
      const long = await h.call('GET', `${BASE}/Users?${filterQuery(Array.from({ length: 400 }, (_, i) => `userName eq "user${i}@example.com"`).join(' or '))}`);
      assert.equal(long.status, 200);
      assert.equal(long.json.totalResults, 0);
      const tooLong = await h.call('GET', `${BASE}/Users?${filterQuery(Array.from({ length: 1000 }, (_, i) => `userName eq "user${i}@example.com"`).join(' or '))}`);
      assertScimError(tooLong, 400, 'invalidFilter');
      assertScimError(await h.call('GET', `${BASE}/Users?filter=${'x'.repeat(140 * 1024)}`), 431);
      assertScimError(await h.call('PATCH', `${BASE}/Users/${huge.json.Resources[0].id}`, patchOp({ op: 'Replace', path: 'name[', value: 'x' })), 400, 'invalidPath');
    });

    it('ignores unknown query parameters', async () => {
      assert.equal((await h.call('GET', `${BASE}/Users?foo=bar&aadOptscim062020`)).status, 200);
    });
  });

  describe('discovery', () => {
    it('serves ServiceProviderConfig, ResourceTypes and Schemas (all and by id/URN)', async () => {
      const spc = await h.call('GET', `${BASE}/ServiceProviderConfig`);
      assert.equal(spc.headers['content-type'], SCIM_JSON);
      assert.deepEqual(spc.json.schemas, [URN.ServiceProviderConfig]);
      assert.equal(spc.json.patch.supported, true);
      assert.equal(spc.json.bulk.supported, false);
      assert.equal(spc.json.etag.supported, true);
      const types = await h.call('GET', `${BASE}/ResourceTypes`);
      assert.deepEqual(types.json.Resources.map((t: { id: string }) => t.id), ['User', 'Group']);
      assert.equal((await h.call('GET', `${BASE}/ResourceTypes/Group`)).json.endpoint, '/Groups');
      const schemas = await h.call('GET', `${BASE}/Schemas`);
      assert.deepEqual(schemas.json.Resources.map((s: { id: string }) => s.id), [URN.User, URN.EnterpriseUser, URN.Group]);
      const user = await h.call('GET', `${BASE}/Schemas/${URN.User}`);
      assert.ok(user.json.attributes.some((a: { name: string }) => a.name === 'userName'));
      assertScimError(await h.call('GET', `${BASE}/Schemas/urn:nope`), 404);
      assertScimError(await h.call('GET', `${BASE}/ResourceTypes/Robot`), 404);
    });
  });

  describe('MURAL\'s queries (muralFilters on by default, off = RFC 7644)', () => {
    let ids: string[];
    let group: string;
    beforeEach(async () => {
      ids = [];
      for (const [email, given, family] of [['zoe@example.com', 'Zoe', 'Adams'], ['ann@example.com', 'Ann', 'Baker']] as const) {
        ids.push((await h.call('POST', `${BASE}/Users`, entraUser(email, given, family))).json.id);
      }
      group = (await h.call('POST', `${BASE}/Groups`, entraGroup('Research'))).json.id;
    });
    const refused = [
      ['Users', 'externalId eq "zoe"', /names externalId, which MURAL does not filter on/],
      ['Users', 'emails.value eq "zoe@example.com"', /names emails\.value, which MURAL does not filter on/],
      ['Users', 'name.familyName sw "A"', /names name\.familyName, which MURAL does not filter on/],
      ['Users', 'active eq false', /names active, which MURAL does not filter on/],
      ['Users', 'userName sw "zoe"', /operator "sw" on userName/],
      ['Users', 'userName eq "zoe@example.com" and active eq true', /combines comparisons with "and"/],
      ['Users', 'not (userName eq "zoe@example.com")', /uses "not"/],
      ['Users', 'userName pr', /uses "pr"/],
      ['Groups', 'externalId eq "research"', /names externalId, which MURAL does not filter on/],
      ['Groups', 'displayName co "Res"', /operator "co" on displayName/],
    ] as const;

    it('answers userName eq on /Users and displayName eq on /Groups, however the attribute is spelled', async () => {
      for (const f of ['userName eq "zoe@example.com"', 'USERNAME EQ "zoe@example.com"', `${URN.User}:userName eq "zoe@example.com"`]) {
        const r = await h.call('GET', `${BASE}/Users?${filterQuery(f)}`);
        assert.equal(r.status, 200, f);
        assert.deepEqual(r.json.Resources.map((u: { id: string }) => u.id), [ids[0]], f);
      }
      const g = await h.call('GET', `${BASE}/Groups?excludedAttributes=members&${filterQuery('displayName eq "Research"')}`);
      assert.deepEqual(g.json.Resources.map((x: { id: string }) => x.id), [group]);
    });

    it('refuses every other filter with 400 invalidFilter saying what MURAL supports and what Entra will do', async () => {
      for (const [endpoint, f, why] of refused) {
        const r = await h.call('GET', `${BASE}/${endpoint}?${filterQuery(f)}`);
        assertScimError(r, 400, 'invalidFilter');
        assert.match(r.json.detail, why, f);
        assert.match(r.json.detail, endpoint === 'Users' ? /only userName eq "…" on \/Users/ : /only displayName eq "…" on \/Groups/, f);
        assert.match(r.json.detail, new RegExp(`fail to match every ${endpoint === 'Users' ? 'user' : 'group'} and retry each cycle`), f);
        assert.match(r.json.detail, /muralFilters/, f);
      }
    });

    it('answers the same filters when muralFilters is off', async () => {
      h.service.configure({ muralFilters: false });
      for (const [endpoint, f] of refused) assert.equal((await h.call('GET', `${BASE}/${endpoint}?${filterQuery(f)}`)).status, 200, f);
      const ext = await h.call('GET', `${BASE}/Users?${filterQuery('externalId eq "zoe"')}`);
      assert.deepEqual(ext.json.Resources.map((u: { id: string }) => u.id), [ids[0]]);
    });

    it('POST /.search follows the same rules, per endpoint and at the root', async () => {
      const search = (path: string, filter: string) => h.call('POST', `${BASE}${path}`, { schemas: [URN.SearchRequest], filter });
      assertScimError(await search('/Users/.search', 'externalId eq "zoe"'), 400, 'invalidFilter');
      assertScimError(await search('/Groups/.search', 'externalId eq "research"'), 400, 'invalidFilter');
      assert.equal((await search('/Users/.search', 'userName eq "ann@example.com"')).json.Resources[0].id, ids[1]);
      const root = await search('/.search', 'displayName eq "Research"');
      assert.deepEqual(root.json.Resources.map((r: { id: string }) => r.id), [group]);
      const refusedAtRoot = await search('/.search', 'meta.created pr');
      assertScimError(refusedAtRoot, 400, 'invalidFilter');
      assert.match(refusedAtRoot.json.detail, /userName eq "…" on \/Users and displayName eq "…" on \/Groups/);
      h.service.configure({ muralFilters: false });
      assert.equal((await search('/.search', 'meta.created pr')).json.totalResults, 3);
    });

    it('ignores sortBy and sortOrder as a provider without sorting does, and ServiceProviderConfig says so in each mode', async () => {
      const byName = (r: { json: { Resources: { name: { givenName: string } }[] } }) => r.json.Resources.map((u) => u.name.givenName);
      const sorted = await h.call('GET', `${BASE}/Users?sortBy=name.givenName&sortOrder=sideways`);
      assert.equal(sorted.status, 200);
      assert.deepEqual(byName(sorted), ['Zoe', 'Ann']);
      const searched = await h.call('POST', `${BASE}/Users/.search`, { schemas: [URN.SearchRequest], sortBy: 'name.givenName', sortOrder: 'up' });
      assert.deepEqual(byName(searched), ['Zoe', 'Ann']);
      const spc = await h.call('GET', `${BASE}/ServiceProviderConfig`);
      assert.deepEqual([spc.json.filter.supported, spc.json.sort.supported], [true, false]);
      h.service.configure({ muralFilters: false });
      assert.deepEqual(byName(await h.call('GET', `${BASE}/Users?sortBy=name.givenName`)), ['Ann', 'Zoe']);
      assert.equal((await h.call('GET', `${BASE}/ServiceProviderConfig`)).json.sort.supported, true);
    });
  });

  describe('search, paging, sorting and projection (RFC 7644: muralFilters off)', () => {
    let ids: string[];
    beforeEach(async () => {
      h.service.configure({ muralFilters: false });
      ids = [];
      for (const [email, given, family] of [['zoe@example.com', 'Zoe', 'Adams'], ['ann@example.com', 'Ann', 'Baker'], ['max@example.com', 'Max', 'Clark']] as const) {
        ids.push((await h.call('POST', `${BASE}/Users`, entraUser(email, given, family))).json.id);
      }
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Research'))).json.id;
      await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'add', path: 'members', value: [{ value: ids[0] }] }));
    });

    it('pages with startIndex and count, count=0 giving only totalResults', async () => {
      const page = await h.call('GET', `${BASE}/Users?startIndex=2&count=1`);
      assert.equal(page.json.totalResults, 3);
      assert.equal(page.json.startIndex, 2);
      assert.equal(page.json.itemsPerPage, 1);
      assert.equal(page.json.Resources[0].id, ids[1]);
      const none = await h.call('GET', `${BASE}/Users?count=0`);
      assert.equal(none.json.totalResults, 3);
      assert.deepEqual(none.json.Resources, []);
    });

    it('sorts by sortBy/sortOrder and refuses a sortOrder that is neither ascending nor descending', async () => {
      assertScimError(await h.call('GET', `${BASE}/Users?sortOrder=sideways`), 400, 'invalidValue');
      const asc = await h.call('GET', `${BASE}/Users?sortBy=name.givenName`);
      assert.deepEqual(asc.json.Resources.map((u: { name: { givenName: string } }) => u.name.givenName), ['Ann', 'Max', 'Zoe']);
      const desc = await h.call('GET', `${BASE}/Users?sortBy=userName&sortOrder=descending&count=2`);
      assert.deepEqual(desc.json.Resources.map((u: { userName: string }) => u.userName), ['zoe@example.com', 'max@example.com']);
      assert.equal(desc.json.totalResults, 3);
    });

    it('projects with attributes and excludedAttributes, always keeping id and schemas', async () => {
      const r = await h.call('GET', `${BASE}/Users/${ids[0]}?attributes=userName`);
      assert.deepEqual(Object.keys(r.json).sort(), ['id', 'schemas', 'userName']);
      const ex = await h.call('GET', `${BASE}/Users?${filterQuery(`id eq "${ids[0]}"`)}&excludedAttributes=groups,emails`);
      assert.equal(ex.json.Resources[0].groups, undefined);
      assert.equal(ex.json.Resources[0].emails, undefined);
      assert.equal(ex.json.Resources[0].userName, 'zoe@example.com');
    });

    it('filters beyond equality (scan), on computed groups, and combines an index hit with the rest of the filter', async () => {
      const co = await h.call('GET', `${BASE}/Users?${filterQuery('name.familyName co "a" and not (userName sw "zoe")')}`);
      assert.deepEqual(co.json.Resources.map((u: { id: string }) => u.id).sort(), [ids[1], ids[2]].sort());
      const member = await h.call('GET', `${BASE}/Users?${filterQuery('groups.display eq "Research"')}`);
      assert.deepEqual(member.json.Resources.map((u: { id: string }) => u.id), [ids[0]]);
      const both = await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "ann@example.com" and active eq false')}`);
      assert.equal(both.json.totalResults, 0);
      const emails = await h.call('GET', `${BASE}/Users?${filterQuery('emails[type eq "work" and value eq "max@example.com"]')}`);
      assert.deepEqual(emails.json.Resources.map((u: { id: string }) => u.id), [ids[2]]);
    });

    it('answers POST /Users/.search and POST /.search across resource types', async () => {
      const users = await h.call('POST', `${BASE}/Users/.search`, { schemas: [URN.SearchRequest], filter: 'userName sw "a"', attributes: ['userName'] });
      assert.equal(users.status, 200);
      assert.deepEqual(users.json.Resources, [{ schemas: [URN.User, URN.EnterpriseUser], id: ids[1], userName: 'ann@example.com' }]);
      const all = await h.call('POST', `${BASE}/.search`, { schemas: [URN.SearchRequest], filter: 'meta.created pr', count: 10 });
      assert.equal(all.json.totalResults, 4);
      const groups = await h.call('POST', `${BASE}/Groups/.search`, { schemas: [URN.SearchRequest], filter: 'displayName eq "research"', excludedAttributes: ['members'] });
      assert.equal(groups.json.totalResults, 1);
      assert.equal(groups.json.Resources[0].members, undefined);
      assertScimError(await h.call('POST', `${BASE}/.search`, { schemas: ['urn:wrong'] }), 400, 'invalidSyntax');
    });

    it('answers 200 with the group when a group PATCH asks for attributes', async () => {
      const g = (await h.call('GET', `${BASE}/Groups?${filterQuery('displayName eq "Research"')}`)).json.Resources[0].id;
      const r = await h.call('PATCH', `${BASE}/Groups/${g}?attributes=members`, patchOp({ op: 'add', path: 'members', value: [{ value: ids[1] }] }));
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.members.map((m: { value: string }) => m.value), [ids[0], ids[1]]);
    });

    it('replaces with PUT, including a group\'s members (groupPut on)', async () => {
      h.service.configure({ groupPut: true });
      const g = (await h.call('GET', `${BASE}/Groups?${filterQuery('displayName eq "Research"')}`)).json.Resources[0].id;
      const put = await h.call('PUT', `${BASE}/Groups/${g}`, { schemas: [URN.Group], displayName: 'Research Lab', members: [{ value: ids[2] }] });
      assert.equal(put.status, 200);
      assert.equal(put.json.displayName, 'Research Lab');
      assert.deepEqual(put.json.members.map((m: { value: string }) => m.value), [ids[2]]);
      const user = await h.call('PUT', `${BASE}/Users/${ids[1]}`, { ...entraUser('ann@example.com', 'Annie', 'Baker'), active: 'False' });
      assert.equal(user.json.name.givenName, 'Annie');
      assert.equal(user.json.active, false);
    });
  });

  describe('request log and events', () => {
    it('logs each request with the Authorization value redacted and bodies captured, and emits it', async () => {
      const seen: RequestLogEntry[] = [];
      h.server.on('request', (e) => seen.push(e));
      const created = await h.call('POST', `${BASE}/Users?x=1`, entraUser('log@example.com', 'Log', 'Entry'));
      await h.raw('GET', `${BASE}/Users`, undefined, { authorization: `apikey ${TOKEN}` });
      assert.equal(seen.length, 2);
      const [post, get] = seen as [RequestLogEntry, RequestLogEntry];
      assert.equal(post.method, 'POST');
      assert.equal(post.path, `${BASE}/Users?x=1`);
      assert.equal(post.status, 201);
      assert.ok(post.durationMs >= 0);
      assert.ok(!Number.isNaN(Date.parse(post.time)));
      assert.equal(post.requestHeaders.authorization, 'Bearer [redacted]');
      assert.equal(get.requestHeaders.authorization, 'apikey [redacted]');
      assert.equal(JSON.parse(post.requestBody).userName, 'log@example.com');
      assert.equal(post.responseBody, created.text);
      assert.ok(get.id > post.id);
      assert.ok(!JSON.stringify(h.server.requests()).includes(TOKEN));
      assert.deepEqual(h.server.requests().slice(-2), seen);
    });

    it('keeps only the configured number of entries', async () => {
      const small = await startServer({}, { requestLogSize: 3 });
      try {
        for (let i = 0; i < 5; i++) await small.call('GET', `${BASE}/Users?n=${i}`);
        assert.deepEqual(small.server.requests().map((e) => e.path), [2, 3, 4].map((i) => `${BASE}/Users?n=${i}`));
      } finally {
        await small.close();
      }
    });

    it('appends to a log handed in, continuing its ids, so a log can outlive a server', async () => {
      const log = new RingBuffer<RequestLogEntry>(10);
      const first = await startServer({}, { requestLog: log });
      try {
        await first.call('GET', `${BASE}/Users?n=1`);
      } finally {
        await first.close();
      }
      const second = await startServer({}, { requestLog: log });
      try {
        await second.call('GET', `${BASE}/Users?n=2`);
        assert.deepEqual(log.toArray().map((e) => [e.id, e.path]), [[1, `${BASE}/Users?n=1`], [2, `${BASE}/Users?n=2`]]);
        assert.equal(log.newest()?.id, 2);
      } finally {
        await second.close();
      }
    });

    it('keeps answering when a listener throws, reporting it as a warning', async () => {
      const warnings: Error[] = [];
      h.service.on('warning', (e) => warnings.push(e));
      h.service.on('change', () => { throw new Error('tree bug'); });
      h.server.on('request', () => { throw new Error('log bug'); });
      const r = await h.call('POST', `${BASE}/Users`, entraUser('safe@example.com', 'Safe', 'Listener'));
      assert.equal(r.status, 201);
      assert.equal((await h.call('GET', `${BASE}/Users/${r.json.id}`)).status, 200);
      assert.deepEqual([...new Set(warnings.map((w) => w.message))].sort(), ['log bug', 'tree bug']);
    });

    it('emits change events for what a request changed', async () => {
      const events: ChangeEvent[] = [];
      h.service.on('change', (e) => events.push(e));
      const u = (await h.call('POST', `${BASE}/Users`, entraUser('ev@example.com', 'Eve', 'Vent'))).json.id;
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Events'))).json.id;
      await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: u }] }));
      await h.call('PATCH', `${BASE}/Users/${u}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
      await h.call('PATCH', `${BASE}/Users/${u}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
      await h.call('DELETE', `${BASE}/Users/${u}`);
      assert.deepEqual(events.map((e) => e.type), ['created', 'created', 'membersAdded', 'updated', 'deactivated', 'membersRemoved', 'updated', 'reactivated', 'deleted']);
      const deact = events[4] as Extract<ChangeEvent, { type: 'deactivated' }>;
      assert.deepEqual(deact.lostWorkspaces.map((l) => l.displayName), ['Events']);
      assert.equal((events[0] as { display: string }).display, 'Eve Vent');
    });
  });

  describe('fault injection', () => {
    it('answers 503 with Retry-After for every request at faultShare 1, and serves again at 0', async () => {
      h.service.configure({ faultShare: 1, retryAfterSeconds: 7 });
      const r = await h.call('GET', `${BASE}/Users`);
      assertScimError(r, 503);
      assert.equal(r.headers['retry-after'], '7');
      h.service.configure({ faultStatus: 500 });
      const r500 = await h.call('GET', `${BASE}/Users`);
      assertScimError(r500, 500);
      assert.equal(r500.headers['retry-after'], undefined);
      h.service.configure({ faultShare: 0 });
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 200);
    });

    it('fails a whole burst once a fault starts', async () => {
      h.service.configure({ faultShare: 1, faultBurst: 3 });
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 503);
      h.service.configure({ faultShare: 0 });
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 503);
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 503);
      assert.equal((await h.call('GET', `${BASE}/Users`)).status, 200);
    });

    it('answers 429 with Retry-After when throttling or over the rate limit', async () => {
      h.service.configure({ throttleShare: 1 });
      const r = await h.call('GET', `${BASE}/Users`);
      assertScimError(r, 429);
      assert.equal(r.headers['retry-after'], '1');
      h.service.configure({ throttleShare: 0, rateLimitPerSecond: 1 });
      // Sent together, so they fall in at most two one-second windows: at most two get through.
      const statuses = (await Promise.all(Array.from({ length: 6 }, () => h.call('GET', `${BASE}/Users`)))).map((x) => x.status);
      assert.ok(statuses.filter((st) => st === 429).length >= 4, `statuses ${statuses.join(',')}`);
      assert.ok(statuses.includes(200), `statuses ${statuses.join(',')}`);
    });

    it('rejects invalid switch values with a message naming the switch', () => {
      assert.throws(() => h.service.configure({ faultShare: 2 }), /faultShare must be at most 1/);
      assert.throws(() => h.service.configure({ faultStatus: 404 }), /faultStatus must be one of 500, 503/);
      assert.equal(h.service.options.faultShare, 0);
    });

    it('rejects several members per operation when multipleMembersPerOp is off, and removes all under strictMemberRemoval', async () => {
      const a = (await h.call('POST', `${BASE}/Users`, entraUser('a@example.com', 'Aa', 'Aa'))).json.id;
      const b = (await h.call('POST', `${BASE}/Users`, entraUser('b@example.com', 'Bb', 'Bb'))).json.id;
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Switches'))).json.id;
      h.service.configure({ multipleMembersPerOp: false });
      const two = await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: a }, { value: b }] }));
      assertScimError(two, 400, 'invalidValue');
      h.service.configure({ multipleMembersPerOp: true, strictMemberRemoval: true });
      await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: a }, { value: b }] }));
      await h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: a }] }));
      assert.deepEqual((await h.call('GET', `${BASE}/Groups/${g}`)).json.members, []);
    });

    it('rejects Entra\'s string booleans when coerceBooleanStrings is off', async () => {
      h.service.configure({ coerceBooleanStrings: false });
      const id = (await h.call('POST', `${BASE}/Users`, entraUser('strict@example.com', 'Str', 'Ict'))).json.id;
      assertScimError(await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })), 400, 'invalidValue');
    });
  });

  describe('concurrency', () => {
    it('gives exactly one 201 and 199 409s among 200 concurrent POSTs of one userName', async () => {
      const body = entraUser('race@example.com', 'Race', 'Condition');
      const replies = await Promise.all(Array.from({ length: 200 }, () => h.call('POST', `${BASE}/Users`, body)));
      assert.equal(replies.filter((r) => r.status === 201).length, 1);
      assert.equal(replies.filter((r) => r.status === 409).length, 199);
    });

    it('loses no member among 100 concurrent member adds to one group', async () => {
      const users = await Promise.all(Array.from({ length: 100 }, (_, i) => h.call('POST', `${BASE}/Users`, entraUser(`m${i}@example.com`, 'Mem', 'Ber'))));
      const g = (await h.call('POST', `${BASE}/Groups`, entraGroup('Crowd'))).json.id;
      await Promise.all(users.map((u) => h.call('PATCH', `${BASE}/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: u.json.id }] }))));
      const members = (await h.call('GET', `${BASE}/Groups/${g}`)).json.members.map((m: { value: string }) => m.value);
      assert.deepEqual(members.sort(), users.map((u) => u.json.id).sort());
    });
  });
});
