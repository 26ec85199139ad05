import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HttpClient, type Connection } from '../../../src/client/http';
import { groupsProbePath, probeConnection, testConnection, usersProbePath } from '../../../src/client/testConnection';
import { URN } from '../../../src/scim/schemas';
import { freePort, json, startServer, type Recorded, type TestServer } from './servers';

const TOKEN = 'tc-token-8d1f';
const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const EMPTY = { schemas: [URN.ListResponse], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 20 };

/** A SCIM stub under /scim: `users` and `groups` answer the two probes (an empty ListResponse by default). */
function stub(overrides: { users?: (res: ServerResponse, req: Recorded) => void; groups?: (res: ServerResponse, req: Recorded) => void } = {}) {
  return startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(res, 401, { schemas: [URN.Error], status: '401', detail: 'Invalid API key' });
    } else if (req.url.startsWith('/scim/Users?')) {
      (overrides.users ?? ((r) => json(r, 200, EMPTY)))(res, req);
    } else if (req.url.startsWith('/scim/Groups?')) {
      (overrides.groups ?? ((r) => json(r, 200, EMPTY)))(res, req);
    } else {
      json(res, 404, { schemas: [URN.Error], status: '404', detail: 'Not found' });
    }
  });
}

describe('client/testConnection', () => {
  let server: TestServer | undefined;
  const conn = (path = '/scim', token: string | undefined = TOKEN): Connection => ({ tenantUrl: `${server!.origin}${path}`, ...(token ? { token } : {}), authScheme: 'Bearer' });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends exactly Entra\'s probes and passes on empty ListResponses', async () => {
    server = await stub();
    const result = await testConnection(conn('/scim/?aadOptscim062020'), { guid: GUID });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.summary, 'Test Connection passed.');
    assert.equal(result.aadOptscim062020, true);
    assert.deepEqual(server.requests.map((r) => r.url), [
      `/scim/Users?filter=userName+eq+%22${GUID}%22`,
      `/scim/Groups?excludedAttributes=members&filter=displayName+eq+%22${GUID}%22`,
    ]);
    assert.equal(usersProbePath(GUID), `/Users?filter=userName+eq+%22${GUID}%22`);
    assert.equal(groupsProbePath(GUID), `/Groups?excludedAttributes=members&filter=displayName+eq+%22${GUID}%22`);
    assert.deepEqual(result.probes.map((p) => [p.name, p.ok, p.response?.status]), [['Users', true, 200], ['Groups', true, 200]]);
    assert.equal(result.probes[0].request.headers.Authorization, 'Bearer ***');
    assert.deepEqual(result.warnings, []);
    assert.ok(!JSON.stringify(result).includes(TOKEN));
  });

  it('uses a random GUID per test', async () => {
    server = await stub();
    await testConnection(conn(), { groups: false });
    await testConnection(conn(), { groups: false });
    const [a, b] = server.requests.map((r) => /%22(.*)%22/.exec(r.url)?.[1]);
    assert.match(a ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

  it('explains a 401 as the token or the auth scheme, and skips /Groups', async () => {
    server = await stub();
    const result = await testConnection({ ...conn(), token: 'wrong-token' });
    assert.equal(result.ok, false);
    const [users, groups] = result.probes;
    assert.equal(users.response?.status, 401);
    assert.match(users.summary, /401 Unauthorized: the endpoint refused the token/);
    assert.match(users.explanation ?? '', /wrong or expired/);
    assert.match(users.explanation ?? '', /"apikey" scheme/);
    assert.match(users.explanation ?? '', /The server said: "Invalid API key"/);
    assert.equal(groups.skipped, true);
    assert.equal(server.requests.length, 1);
    assert.equal(result.summary, users.summary);
    assert.ok(!JSON.stringify(result).includes('wrong-token'));

    const apikey = await testConnection({ ...conn(), authScheme: 'apikey' });
    assert.match(apikey.probes[0].explanation ?? '', /Entra always sends "Bearer <token>": switch the scheme to Bearer/);
    assert.match(apikey.warnings.join(' '), /Entra always sends "Bearer"/);
    const none = await testConnection(conn('/scim', ''));
    assert.match(none.probes[0].explanation ?? '', /no secret token/);
  });

  it('fails a 404 on /Groups as Entra does', async () => {
    server = await stub({ groups: (res) => json(res, 404, { schemas: [URN.Error], status: '404', detail: 'Unknown resource' }) });
    const result = await testConnection(conn());
    assert.equal(result.ok, false);
    assert.deepEqual(result.probes.map((p) => p.ok), [true, false]);
    assert.match(result.summary, /GET \/Groups → 404 Not Found: the endpoint has no \/Groups/);
    assert.match(result.probes[1].explanation ?? '', /fails when \/Groups answers 404, even if only users are provisioned/);
    assert.equal((await probeConnection(conn())).ok, true, 'the cheap probe does not ask for /Groups');
  });

  it('explains a 404 on /Users as a wrong tenant path, and a tenant URL that ends with /Users', async () => {
    server = await stub();
    const wrong = await testConnection(conn('/api'));
    assert.match(wrong.summary, /404 Not Found: nothing at .*\/api\/Users/);
    assert.match(wrong.probes[0].explanation ?? '', /MURAL's is https:\/\/api\.mural\.co\/enterprise\/v1\/scim/);
    const users = await testConnection(conn('/scim/Users'));
    assert.match(users.probes[0].explanation ?? '', /ends with \/Users, so the request went to …\/Users\/Users/);
    assert.match(users.warnings.join(' '), /ends with \/Users/);
  });

  it('fails a 200 that is not a ListResponse, or not SCIM JSON at all, or ignores the filter', async () => {
    let answer: (res: ServerResponse) => void = (res) => json(res, 200, { schemas: [URN.User], id: 'u1', userName: 'x' });
    server = await stub({ users: (res) => answer(res) });
    const single = await testConnection(conn());
    assert.equal(single.ok, false);
    assert.match(single.summary, /not a SCIM ListResponse/);
    assert.match(single.probes[0].explanation ?? '', /looks like a single resource/);

    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>Sign in</html>');
    };
    const html = await testConnection(conn());
    assert.match(html.summary, /text\/html, not SCIM JSON/);
    assert.match(html.probes[0].explanation ?? '', /login page/);

    answer = (res) => json(res, 200, { ...EMPTY, totalResults: 2, Resources: [{ id: 'a' }, { id: 'b' }] });
    const ignored = await testConnection(conn());
    assert.match(ignored.summary, /2 result\(s\) for a name that cannot exist/);
    assert.match(ignored.probes[0].explanation ?? '', /ignores the filter/);

    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(EMPTY));
    };
    const plainJson = await testConnection(conn());
    assert.equal(plainJson.ok, true);
    assert.match(plainJson.warnings.join(' '), /expect application\/scim\+json/);
  });

  it('reports 429 with Retry-After, 5xx and 400 in words', async () => {
    let answer: (res: ServerResponse) => void = (res) => json(res, 429, {}, { 'Retry-After': '30' });
    server = await stub({ users: (res) => answer(res) });
    const limited = await testConnection(conn());
    assert.equal(limited.probes[0].response?.retryAfterSeconds, 30);
    assert.match(limited.probes[0].explanation ?? '', /Retry-After: 30 s/);
    answer = (res) => json(res, 500, { detail: 'db down' });
    assert.match((await testConnection(conn())).probes[0].explanation ?? '', /server's log.*"db down"/);
    answer = (res) => json(res, 400, { schemas: [URN.Error], status: '400', scimType: 'invalidFilter', detail: 'unsupported filter' });
    const bad = await testConnection(conn());
    assert.match(bad.summary, /rejected Entra's query/);
    assert.match(bad.probes[0].explanation ?? '', /userName eq "<random GUID>".*unsupported filter/);
  });

  it('turns network failures into a failed probe with the client\'s explanation', async () => {
    const port = await freePort();
    const refused = await testConnection({ tenantUrl: `http://127.0.0.1:${port}/scim`, token: TOKEN, authScheme: 'Bearer' });
    assert.equal(refused.ok, false);
    assert.equal(refused.probes[0].error?.kind, 'refused');
    assert.match(refused.summary, /nothing is listening/);
    assert.equal(refused.probes[1].skipped, true);

    server = await startServer(() => undefined);
    const client = new HttpClient();
    try {
      const slow = await testConnection(conn(), { client, timeoutMs: 100 });
      assert.equal(slow.probes[0].error?.kind, 'timeout');
    } finally {
      await client.close();
    }
    const invalid = await testConnection({ tenantUrl: 'http://example.com/scim', token: TOKEN, authScheme: 'Bearer' });
    assert.equal(invalid.ok, false);
    assert.deepEqual(invalid.probes, []);
    assert.match(invalid.summary, /Use https/);
  });
});
