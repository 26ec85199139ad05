import * as assert from 'node:assert/strict';
import { HttpClient, type Connection } from '../../../src/client/http';
import { create, get, listPage, patch, remove, replace, ScimRequestError, scimErrorInfo } from '../../../src/client/scim';
import { URN } from '../../../src/scim/schemas';
import { json, startServer, type TestServer } from './servers';

const TOKEN = 'scim-helper-token';

async function scimFailure(p: Promise<unknown>): Promise<ScimRequestError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ScimRequestError, `expected a ScimRequestError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('client/scim', () => {
  let server: TestServer;
  let client: HttpClient;
  let connection: Connection;
  const user = { schemas: [URN.User], id: 'u 1', userName: 'alice@contoso.com' };

  before(async () => {
    server = await startServer((req, res) => {
      const [path, query] = req.url.split('?');
      if (path === '/scim/Users' && req.method === 'GET') {
        if (query?.includes('broken')) return json(res, 200, [user]);
        return json(res, 200, { schemas: [URN.ListResponse], totalResults: 7, startIndex: 3, itemsPerPage: 1, Resources: [user] });
      }
      if (path === '/scim/Users' && req.method === 'POST') {
        const body = JSON.parse(req.body) as { userName: string };
        if (body.userName === 'taken@contoso.com') {
          return json(res, 409, { schemas: [URN.Error], status: '409', scimType: 'uniqueness', detail: 'userName is taken' });
        }
        return json(res, 201, { ...body, id: 'new' });
      }
      if (path === '/scim/Users/u%201') {
        if (req.method === 'DELETE') {
          res.writeHead(204);
          return res.end();
        }
        if (req.method === 'PATCH') {
          res.writeHead(204);
          return res.end();
        }
        return json(res, 200, req.method === 'PUT' ? { ...JSON.parse(req.body), id: 'u 1' } : user);
      }
      if (path === '/scim/Groups/g1' && req.method === 'PATCH') return json(res, 200, { id: 'g1', displayName: 'Eng' });
      json(res, 404, { schemas: [URN.Error], status: '404', detail: `${path} not found` });
    });
    client = new HttpClient();
    connection = { tenantUrl: `${server.origin}/scim`, token: TOKEN, authScheme: 'Bearer' };
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('lists a page with startIndex, count and a filter', async () => {
    const page = await listPage(connection, 'Users', { startIndex: 3, count: 1, filter: 'userName eq "alice@contoso.com"', excludedAttributes: ['groups'] }, { client });
    assert.deepEqual(page, { totalResults: 7, startIndex: 3, itemsPerPage: 1, resources: [user] });
    assert.equal(server.requests.at(-1)?.url,
      '/scim/Users?startIndex=3&count=1&filter=userName+eq+%22alice%40contoso.com%22&excludedAttributes=groups');
    assert.equal(server.requests.at(-1)?.headers.authorization, `Bearer ${TOKEN}`);
    const e = await scimFailure(listPage(connection, 'Users', { filter: 'broken' }, { client }));
    assert.match(e.summary, /GET \/Users → 200, but the body is not a SCIM ListResponse/);
  });

  it('gets, creates, replaces, patches and removes', async () => {
    assert.deepEqual(await get(connection, 'Users', 'u 1', {}, { client }), user);
    assert.deepEqual(await create(connection, 'Users', { userName: 'bob@contoso.com' }, { client }), { userName: 'bob@contoso.com', id: 'new' });
    assert.equal(server.requests.at(-1)?.headers['content-type'], 'application/scim+json');
    assert.deepEqual(await replace(connection, 'Users', 'u 1', { userName: 'carol@contoso.com' }, { client }), { userName: 'carol@contoso.com', id: 'u 1' });
    assert.equal(await patch(connection, 'Users', 'u 1', [{ op: 'replace', path: 'active', value: false }], { client }), undefined);
    assert.deepEqual(JSON.parse(server.requests.at(-1)?.body ?? ''), { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'active', value: false }] });
    assert.deepEqual(await patch(connection, 'Groups', 'g1', { Operations: [{ op: 'Replace', path: 'displayName', value: 'Eng' }] }, { client }), { id: 'g1', displayName: 'Eng' });
    await remove(connection, 'Users', 'u 1', { client });
    assert.equal(server.requests.at(-1)?.method, 'DELETE');
  });

  it('throws ScimRequestError with status, scimType, detail and a summary line', async () => {
    const conflict = await scimFailure(create(connection, 'Users', { userName: 'taken@contoso.com' }, { client }));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.scimType, 'uniqueness');
    assert.equal(conflict.detail, 'userName is taken');
    assert.equal(conflict.message, 'POST /Users → 409 Conflict (uniqueness): userName is taken');
    assert.equal(conflict.response.request.headers.Authorization, 'Bearer ***');
    const missing = await scimFailure(get(connection, 'Groups', 'nope', {}, { client }));
    assert.equal(missing.status, 404);
    assert.equal(missing.scimType, undefined);
    assert.equal(missing.summary, 'GET /Groups/nope → 404 Not Found: /scim/Groups/nope not found');
    assert.ok(!JSON.stringify({ ...missing, message: missing.message }).includes(TOKEN));
  });

  it('works without a shared client (one is made and closed per call)', async () => {
    assert.equal((await get(connection, 'Users', 'u 1')).id, 'u 1');
  });

  it('summarises error answers that are not SCIM errors', async () => {
    assert.deepEqual(scimErrorInfo({ status: 503, statusText: 'Service Unavailable', json: { message: 'maintenance' } }),
      { status: 503, detail: 'maintenance', summary: '503 Service Unavailable: maintenance' });
    assert.deepEqual(scimErrorInfo({ status: 502, statusText: '', json: undefined }), { status: 502, summary: '502' });
    assert.equal(scimErrorInfo({ status: 200, statusText: 'OK', json: {} }), undefined);
  });
});
