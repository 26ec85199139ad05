// One ~1 MB request must not stall the server: the PATCH shapes whose cost grew with the square of the list
// (25k emails added, 20k unknown members added, 20k listed members removed, 10k one-member operations)
// answer while another client's GET /ServiceProviderConfig is answered promptly. The bounds are generous
// (seconds where the work takes well under one); before the fix these requests held the server for minutes.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { URN } from '../../../src/scim/schemas';
import { entraGroup, entraUser, patchOp, startServer, type Harness } from './helpers';

const BASE = '/enterprise/v1/scim';
const PROMPT_MS = 5000;

describe('large requests do not stall the server', function () {
  this.timeout(60_000);
  let h: Harness;
  let ids: string[];
  let groupId: string;
  before(async () => {
    h = await startServer();
    ids = [];
    for (let i = 0; i < 5000; i++) ids.push((await h.service.createUser(entraUser(`user${i}@example.com`, 'Load', 'Test'))).id as string);
    groupId = (await h.service.createGroup({ ...entraGroup('Everyone'), members: ids.map((value) => ({ value })) })).id as string;
  });
  after(async () => { await h.close(); });

  /** Sends `body` and, once it is on its way, a GET from another connection; both must answer in time. */
  async function whileInFlight(method: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
    const text = JSON.stringify(body);
    assert.ok(text.length > 350_000 && text.length <= 1024 * 1024, `the body is ${text.length} bytes`);
    const t0 = performance.now();
    const big = h.raw(method, path, text, { authorization: 'Bearer test-token-3f9a', 'content-type': 'application/scim+json' });
    await new Promise((r) => setTimeout(r, 20));
    const spc = await h.raw('GET', `${BASE}/ServiceProviderConfig`, undefined, { authorization: 'Bearer test-token-3f9a', connection: 'close' });
    const spcMs = performance.now() - t0;
    assert.equal(spc.status, 200);
    const r = await big;
    assert.ok(spcMs < PROMPT_MS, `GET /ServiceProviderConfig took ${spcMs.toFixed(0)} ms`);
    assert.ok(performance.now() - t0 < 2 * PROMPT_MS, `the large request took ${(performance.now() - t0).toFixed(0)} ms`);
    return r;
  }

  it('PATCH add of 25,000 emails to a user', async () => {
    const value = Array.from({ length: 25_000 }, (_, i) => ({ value: `a${i}@example.com` }));
    const r = await whileInFlight('PATCH', `${BASE}/Users/${ids[0]}`, patchOp({ op: 'add', path: 'emails', value }));
    assert.equal(r.status, 200);
    assert.equal(r.json.emails.length, 25_001);
  });

  it('PATCH add of 20,000 members that do not exist: 400 naming the first, nothing changed', async () => {
    const value = Array.from({ length: 20_000 }, (_, i) => ({ value: `u${String(i).padStart(24, '0')}` }));
    const r = await whileInFlight('PATCH', `${BASE}/Groups/${groupId}`, patchOp({ op: 'add', path: 'members', value }));
    assert.equal(r.status, 400);
    assert.match(r.json.detail, /u000000000000000000000000/);
    assert.equal(h.service.stats().memberships, 5000);
  });

  it('PATCH with 10,000 one-member operations, then removal of 20,000 listed members from the 5,000-member group', async () => {
    const ops = ids.map((value) => ({ op: 'remove', path: `members[value eq "${value}"]` }))
      .concat(ids.map((value) => ({ op: 'add', path: 'members', value: [{ value }] })));
    assert.equal((await whileInFlight('PATCH', `${BASE}/Groups/${groupId}`, patchOp(...ops))).status, 204);
    assert.equal(h.service.stats().memberships, 5000);
    const value = ids.concat(Array.from({ length: 15_000 }, (_, i) => `gone${i}`)).map((v) => ({ value: v }));
    assert.equal((await whileInFlight('PATCH', `${BASE}/Groups/${groupId}`, patchOp({ op: 'remove', path: 'members', value }))).status, 204);
    assert.equal(h.service.stats().memberships, 0);
  });

  it('a list whose /.search names 60,000 attributes', async () => {
    const attributes = Array.from({ length: 60_000 }, (_, i) => (i % 2 ? 'name.givenName' : 'emails.value'));
    const r = await whileInFlight('POST', `${BASE}/Users/.search`, { schemas: [URN.SearchRequest], attributes, count: 1000 });
    assert.equal(r.status, 200);
    assert.equal(r.json.Resources.length, 1000);
    assert.equal(r.json.Resources[1].name.givenName, 'Load');
  });
});
