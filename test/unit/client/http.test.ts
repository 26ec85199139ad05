import * as assert from 'node:assert/strict';
import { bypassesProxy, HttpClient, parseRetryAfter, send, type Connection, type HttpResponse } from '../../../src/client/http';
import { HttpError } from '../../../src/client/httpError';
import { fixture, freePort, json, startProxy, startServer, type TestServer } from './servers';

const TOKEN = 's3cr3t-T0ken/with+chars=';

/** Everything a caller could show or store about an outcome, as one string to search for the token. */
function exposed(outcome: HttpResponse | unknown): string {
  if (outcome instanceof Error) {
    return JSON.stringify({ ...outcome, message: outcome.message, stack: outcome.stack, string: String(outcome) });
  }
  return JSON.stringify(outcome);
}

function assertNoToken(outcome: unknown): void {
  const text = exposed(outcome);
  for (const form of [TOKEN, encodeURIComponent(TOKEN)]) {
    assert.ok(!text.includes(form), `the token leaked: ${text}`);
  }
}

async function rejection(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpError, `expected an HttpError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the request to fail');
}

describe('client/http', () => {
  const servers: TestServer[] = [];
  let client: HttpClient;
  const conn = (s: TestServer, path = '/scim'): Connection => ({ tenantUrl: `${s.origin}${path}`, token: TOKEN, authScheme: 'Bearer' });

  beforeEach(() => {
    client = new HttpClient();
  });
  afterEach(async () => {
    await client.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  }

  it('sends SCIM headers and the token, resolves paths under the tenant URL and parses JSON', async () => {
    const s = await server((req, res) => json(res, 200, { schemas: ['x'], got: req.url }));
    const res = await client.send({ method: 'get', url: '/Users?count=1' }, { connection: conn(s, '/scim/') });
    assert.equal(res.status, 200);
    assert.equal(res.statusText, 'OK');
    assert.deepEqual(res.json, { schemas: ['x'], got: '/scim/Users?count=1' });
    assert.equal(res.url, `${s.origin}/scim/Users?count=1`);
    assert.equal(res.headers['content-type'], 'application/scim+json');
    const seen = s.requests[0];
    assert.equal(seen.method, 'GET');
    assert.equal(seen.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(seen.headers.accept, 'application/scim+json, application/json');
    assert.equal(res.request.headers.Authorization, 'Bearer ***');
    assert.ok(res.durationMs >= 0);
    assertNoToken(res);
  });

  it('sends bodies as application/scim+json and reports 201 and 204', async () => {
    const s = await server((req, res) => {
      if (req.method === 'POST') json(res, 201, { id: 'u1', ...JSON.parse(req.body) }, { Location: '/scim/Users/u1' });
      else { res.writeHead(204); res.end(); }
    });
    const created = await client.send({ method: 'POST', url: '/Users', body: { userName: 'a@b.c' } }, { connection: conn(s) });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, { id: 'u1', userName: 'a@b.c' });
    assert.equal(created.headers.location, '/scim/Users/u1');
    assert.equal(s.requests[0].headers['content-type'], 'application/scim+json');
    assert.equal(s.requests[0].body, '{"userName":"a@b.c"}');
    assert.equal(created.request.body, '{"userName":"a@b.c"}');

    const deleted = await client.send({ method: 'DELETE', url: '/Users/u1' }, { connection: conn(s) });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, '');
    assert.equal(deleted.json, undefined);
  });

  it('uses the apikey scheme and keeps an explicit Authorization header', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await client.send({ method: 'GET', url: '/Users' }, { connection: { ...conn(s), authScheme: 'apikey' } });
    await client.send({ method: 'GET', url: '/Users', headers: { authorization: 'Bearer other' } }, { connection: conn(s) });
    assert.equal(s.requests[0].headers.authorization, `apikey ${TOKEN}`);
    assert.equal(s.requests[1].headers.authorization, 'Bearer other');
  });

  it('returns 401 and 404 as responses with the SCIM error body, token redacted even where the server echoes it', async () => {
    const s = await server((req, res) => req.url.includes('nope')
      ? json(res, 404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Resource nope not found' })
      : json(res, 401, { detail: `Invalid token ${req.headers.authorization}` }, { 'X-Echo': String(req.headers.authorization) }));
    const unauthorized = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.statusText, 'Unauthorized');
    assert.equal(unauthorized.json && (unauthorized.json as { detail: string }).detail, 'Invalid token Bearer ***');
    assert.equal(unauthorized.headers['x-echo'], 'Bearer ***');
    assertNoToken(unauthorized);
    const missing = await client.send({ method: 'GET', url: '/Users/nope' }, { connection: conn(s) });
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { detail: string }).detail, 'Resource nope not found');
  });

  it('redacts what a caller reads, spreads or serialises, for each token and tenant a shared client is given', async () => {
    const s = await server((req, res) => json(res, 400, { detail: `${req.headers.authorization} sent ${req.body}` }, { 'X-Echo': String(req.headers.authorization) }));
    const other = 'an0ther-T0ken-entirely';
    for (const [token, path] of [[TOKEN, '/scim'], [other, '/v2'], [TOKEN, '/scim']] as const) {
      const res = await client.send({ method: 'POST', url: `/Users?key=${encodeURIComponent(token)}`, body: { note: token } }, { connection: { ...conn(s, path), token } });
      const copy = { ...res, request: { ...res.request } };
      assert.deepEqual(Object.keys(copy).sort(), ['body', 'bodyBytes', 'bodyTruncated', 'durationMs', 'headers', 'json', 'redirects', 'request', 'status', 'statusText', 'url']);
      assert.deepEqual(Object.keys(copy.request).sort(), ['body', 'headers', 'method', 'url']);
      const text = JSON.stringify(copy);
      assert.ok(!text.includes(token) && !text.includes(encodeURIComponent(token)), text);
      assert.equal(res.url, `${s.origin}${path}/Users?key=***`);
      assert.equal(res.request.url, res.url);
      assert.equal(res.request.body, '{"note":"***"}');
      assert.equal((res.json as { detail: string }).detail, 'Bearer *** sent {"note":"***"}');
      assert.equal(res.headers['x-echo'], 'Bearer ***');
    }
    const get = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) });
    assert.equal('body' in get.request, false);
  });

  it('returns a 429 with retryAfterSeconds and does not retry it', async () => {
    const s = await server((_req, res) => json(res, 429, { detail: 'slow down' }, { 'Retry-After': '7' }));
    const res = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) });
    assert.equal(res.status, 429);
    assert.equal(res.retryAfterSeconds, 7);
    assert.equal(s.requests.length, 1);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now), 90);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('times out on a server that never answers or never finishes its body, with the timeout kind', async () => {
    const s = await server(() => undefined);
    const e = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(s), timeoutMs: 150 }));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /No complete answer from 127\.0\.0\.1:\d+ within 150 ms/);
    assert.match(e.message, /proxy/);
    assertNoToken(e);
    const stalling = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/scim+json' });
      res.write('{"Resources": [');
    });
    const e2 = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(stalling), timeoutMs: 150 }));
    assert.equal(e2.kind, 'timeout', 'a body that never ends times out too');
  });

  it('cancels through an AbortSignal with the aborted kind, before and during the request', async () => {
    const s = await server(() => undefined);
    const controller = new AbortController();
    const pending = client.send({ method: 'GET', url: '/Users' }, { connection: conn(s), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const e = await rejection(pending);
    assert.equal(e.kind, 'aborted');
    assertNoToken(e);
    const early = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(s), signal: AbortSignal.abort() }));
    assert.equal(early.kind, 'aborted');
    assert.equal(s.requests.length, 1, 'an already cancelled request is not sent');
  });

  it('cancels many sends in flight under one signal through one listener, without a listener-leak warning', async () => {
    const s = await server(() => undefined);
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const pending = Array.from({ length: 20 }, () => rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(s), signal: controller.signal })));
      await new Promise((ok) => setTimeout(ok, 100));
      assert.equal(s.requests.length, 20, 'all 20 were sent');
      controller.abort();
      const errors = await Promise.all(pending);
      assert.deepEqual(errors.map((e) => e.kind), Array(20).fill('aborted'));
      await new Promise((ok) => setImmediate(ok));
      assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('follows a redirect to another origin without the Authorization header', async () => {
    const other = await server((req, res) => json(res, 200, { auth: req.headers.authorization ?? null }));
    const first = await server((_req, res) => {
      res.writeHead(302, { Location: `${other.origin}/elsewhere` });
      res.end();
    });
    const res = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(first) });
    assert.equal(res.status, 200);
    assert.equal(first.requests[0].headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(other.requests.length, 1);
    assert.equal(other.requests[0].headers.authorization, undefined);
    assert.equal(res.url, `${other.origin}/elsewhere`);
    assert.deepEqual(res.redirects, [{ status: 302, from: `${first.origin}/scim/Users`, to: `${other.origin}/elsewhere` }]);
    assert.equal(res.request.headers.Authorization, undefined);
  });

  it('follows a redirect within the origin with the Authorization header; 303 turns a POST into a GET', async () => {
    const s = await server((req, res) => {
      if (req.url === '/scim/Users') {
        res.writeHead(req.method === 'POST' ? 303 : 307, { Location: '/scim/v2/Users' });
        res.end();
      } else json(res, 200, { method: req.method, body: req.body });
    });
    const res = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) });
    assert.equal(res.status, 200);
    assert.deepEqual(s.requests.map((r) => r.headers.authorization), [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    const posted = await client.send({ method: 'POST', url: '/Users', body: '{}' }, { connection: conn(s) });
    assert.deepEqual(posted.json, { method: 'GET', body: '' });
  });

  it('stops after five redirects', async () => {
    const s = await server((_req, res) => {
      res.writeHead(302, { Location: `/hop${s.requests.length}` });
      res.end();
    });
    const e = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) }));
    assert.equal(e.kind, 'tooManyRedirects');
    assert.equal(s.requests.length, 6);
  });

  it('reports connection refused with the host and port and the mock hint', async () => {
    const port = await freePort();
    const e = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: { tenantUrl: `http://127.0.0.1:${port}/scim`, token: TOKEN, authScheme: 'Bearer' } }));
    assert.equal(e.kind, 'refused');
    assert.equal(e.code, 'ECONNREFUSED');
    assert.match(e.message, new RegExp(`nothing is listening at 127\\.0\\.0\\.1:${port}`));
    assert.match(e.message, /mock server\) running/);
    assertNoToken(e);
  });

  describe('TLS', () => {
    const tls = (name: string) => ({ cert: `${name}.crt`, key: `${name}.key` });

    it('names a self-signed certificate and succeeds with strictSSL false', async () => {
      const s = await server((_req, res) => json(res, 200, { ok: true }), tls('self-signed'));
      const e = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) }));
      assert.equal(e.kind, 'tls');
      assert.equal(e.tlsProblem, 'selfSigned');
      assert.match(e.message, /certificate .* is self-signed/);
      assert.match(e.message, /http\.proxyStrictSSL/);
      assertNoToken(e);
      const res = await send({ method: 'GET', url: '/Users' }, { connection: conn(s), strictSSL: false });
      assert.equal(res.status, 200);
      assert.equal(s.requests.length, 1, 'the failed handshake sent no request');
    });

    it('distinguishes an untrusted issuer, a trusted CA, an expired certificate and a hostname mismatch', async () => {
      const good = await server((_req, res) => json(res, 200, {}), tls('localhost'));
      const untrusted = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: conn(good) }));
      assert.equal(untrusted.tlsProblem, 'untrustedIssuer');
      assert.match(untrusted.message, /CA that is not trusted/);
      const trusting = new HttpClient({ ca: fixture('ca.crt') });
      try {
        assert.equal((await trusting.send({ method: 'GET', url: '/Users' }, { connection: conn(good) })).status, 200);
        const expired = await server((_req, res) => json(res, 200, {}), tls('expired'));
        const e1 = await rejection(trusting.send({ method: 'GET', url: '/Users' }, { connection: conn(expired) }));
        assert.equal(e1.tlsProblem, 'expired');
        assert.match(e1.message, /has expired/);
        const wrong = await server((_req, res) => json(res, 200, {}), tls('wrong-host'));
        const e2 = await rejection(trusting.send({ method: 'GET', url: '/Users' }, { connection: conn(wrong) }));
        assert.equal(e2.tlsProblem, 'hostnameMismatch');
        assert.match(e2.message, /for another host name/);
      } finally {
        await trusting.close();
      }
    });

    it('says when an https URL reaches a plain http server', async () => {
      const s = await server((_req, res) => json(res, 200, {}));
      const e = await rejection(client.send({ method: 'GET', url: `https://127.0.0.1:${s.port}/scim/Users` }));
      assert.equal(e.kind, 'tls');
      assert.equal(e.tlsProblem, 'notTls');
      assert.match(e.message, /plain http/);
    });
  });

  describe('proxy', () => {
    it('tunnels through the proxy, but never for loopback hosts', async () => {
      const s = await server((req, res) => json(res, 200, { host: req.headers.host }));
      const proxy = await startProxy();
      const proxied = new HttpClient({ proxy: proxy.url });
      try {
        const res = await proxied.send({ method: 'GET', url: `http://scim.test:${s.port}/Users` });
        assert.equal(res.status, 200);
        assert.deepEqual(proxy.connects, [`scim.test:${s.port}`]);
        await proxied.send({ method: 'GET', url: `${s.origin}/Users` });
        assert.equal(proxy.connects.length, 1, 'loopback went direct');
        assert.equal(s.requests.length, 2);
      } finally {
        await proxied.close();
        await proxy.close();
      }
    });

    it('explains a proxy that demands credentials or cannot be reached, without its password', async () => {
      const proxy = await startProxy(407);
      const port = await freePort();
      const refusing = new HttpClient({ proxy: `http://user:${encodeURIComponent(TOKEN)}@127.0.0.1:${new URL(proxy.url).port}` });
      const unreachable = new HttpClient({ proxy: `http://127.0.0.1:${port}` });
      try {
        const e1 = await rejection(refusing.send({ method: 'GET', url: 'http://scim.test/Users' }));
        assert.equal(e1.kind, 'proxy');
        assert.match(e1.message, /requires authentication \(407\)/);
        assertNoToken(e1);
        const e2 = await rejection(unreachable.send({ method: 'GET', url: 'http://scim.test/Users' }));
        assert.equal(e2.kind, 'proxy');
        assert.match(e2.message, new RegExp(`Cannot reach the proxy 127\\.0\\.0\\.1:${port}`));
      } finally {
        await refusing.close();
        await unreachable.close();
        await proxy.close();
      }
    });

    it('rejects an unusable proxy setting', () => {
      assert.throws(() => new HttpClient({ proxy: 'not a url' }), (e: unknown) => e instanceof HttpError && e.kind === 'invalidUrl' && /http\.proxy/.test(e.message));
    });

    it('bypasses the proxy for loopback and noProxy hosts', () => {
      assert.equal(bypassesProxy('localhost', []), true);
      assert.equal(bypassesProxy('127.0.0.9', []), true);
      assert.equal(bypassesProxy('[::1]', []), true);
      assert.equal(bypassesProxy('api.mural.co', []), false);
      assert.equal(bypassesProxy('api.mural.co', ['api.mural.co']), true);
      assert.equal(bypassesProxy('api.mural.co', ['.mural.co']), true);
      assert.equal(bypassesProxy('mural.co', ['*.mural.co']), true);
      assert.equal(bypassesProxy('notmural.co', ['.mural.co']), false);
      assert.equal(bypassesProxy('example.org', ['*']), true);
    });
  });

  it('truncates bodies above maxBodyBytes and says so', async () => {
    const big = 'x'.repeat(5000);
    const s = await server((_req, res) => json(res, 200, { big }));
    const res = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s), maxBodyBytes: 1000 });
    assert.equal(res.bodyTruncated, true);
    assert.equal(res.bodyBytes, 1000);
    assert.equal(res.body.length, 1000);
    assert.equal(res.json, undefined);
    const whole = await client.send({ method: 'GET', url: '/Users' }, { connection: conn(s) });
    assert.equal(whole.bodyTruncated, false);
    assert.deepEqual(whole.json, { big });
  });

  it('refuses relative URLs without a connection, and credentials over plain http to other hosts', async () => {
    const e1 = await rejection(client.send({ method: 'GET', url: '/Users' }));
    assert.equal(e1.kind, 'invalidUrl');
    assert.match(e1.message, /Choose a connection/);
    const e2 = await rejection(client.send({ method: 'GET', url: 'http://scim.example.com/Users', headers: { Authorization: `Bearer ${TOKEN}` } }));
    assert.equal(e2.kind, 'invalidUrl');
    assert.match(e2.message, /plain http/);
    assertNoToken(e2);
    const e3 = await rejection(client.send({ method: 'GET', url: '/Users' }, { connection: { tenantUrl: 'http://scim.example.com', token: TOKEN, authScheme: 'Bearer' } }));
    assert.equal(e3.kind, 'invalidUrl');
    assert.match(e3.message, /Use https/);
    const e4 = await rejection(client.send({ method: 'GET', url: `ftp://files/?key=${TOKEN}` }, { connection: { tenantUrl: 'https://scim.example.com', token: TOKEN, authScheme: 'Bearer' } }));
    assert.equal(e4.kind, 'invalidUrl');
    assert.match(e4.message, /"ftp:\/\/files\/\?key=\*\*\*" is not an http\(s\) URL/);
    assertNoToken(e4);
  });

  it('never exposes the token, even when it sits in the URL or the body', async () => {
    const s = await server((req, res) => json(res, 400, { detail: `bad request ${req.url} ${req.body}` }));
    const res = await client.send(
      { method: 'POST', url: `/Users?token=${encodeURIComponent(TOKEN)}`, body: { secret: TOKEN } },
      { connection: conn(s) },
    );
    assert.equal(res.status, 400);
    assert.ok(s.requests[0].body.includes(TOKEN), 'the server did receive the token');
    assert.match(res.request.body ?? '', /\*\*\*/);
    assertNoToken(res);
  });
});
