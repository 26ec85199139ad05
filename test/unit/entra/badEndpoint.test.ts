// The engine against endpoints that misbehave: garbage bodies, a POST answered without an id, 429, 500, a
// dropped connection, no answer in time. Each object gets an honest log entry with Entra's error code, the
// cycle finishes, and the state stays consistent (nothing linked that was not created).
import * as assert from 'node:assert/strict';
import { HttpClient } from '../../../src/client/http';
import { readDirectory } from '../../../src/entra/directory/load';
import { muralDefaultEngineConfiguration } from '../../../src/entra/engine/config';
import { runCycle } from '../../../src/entra/engine/cycle';
import { newState } from '../../../src/entra/engine/state';
import { httpTarget } from '../../../src/entra/engine/target';
import { URN } from '../../../src/scim/schemas';
import { startServer, type Handler, type TestServer } from '../client/servers';

const users = ['ada', 'alan', 'grace', 'linus', 'barbara', 'ken'].map((n) => ({
  id: `u-${n}`, userPrincipalName: `${n}@contoso.com`, mail: `${n}@contoso.com`, givenName: n, surname: 'Tester',
}));
const directory = () => readDirectory({ scope: 'all', users }, 'dir.json');
const empty = JSON.stringify({ schemas: [URN.ListResponse], totalResults: 0, Resources: [] });

/** Lookups find nothing; each user's POST gets the answer scripted for it. */
function scripted(answers: Record<string, (res: import('node:http').ServerResponse) => void>): Handler {
  return (req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end(empty);
      return;
    }
    const who = String(JSON.parse(req.body).userName).split('@')[0];
    answers[who](res);
  };
}

describe('entra/engine: an endpoint that misbehaves', () => {
  let server: TestServer;
  let client: HttpClient;
  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('logs each failure with Entra\'s code, finishes the cycle and links only what was created', async () => {
    server = await startServer(scripted({
      ada: (res) => res.writeHead(201, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ id: 't-ada', userName: 'ada@contoso.com' })),
      alan: (res) => res.writeHead(201, { 'content-type': 'application/scim+json' }).end('<html>created</html>'),
      grace: (res) => res.writeHead(429, { 'retry-after': '30' }).end(),
      linus: (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database down'),
      barbara: (res) => res.socket?.destroy(),
      ken: () => { /* never answers */ },
    }));
    client = new HttpClient();
    const state = newState(`${server.origin}/scim`);
    const r = await runCycle({
      directory: directory(), configuration: muralDefaultEngineConfiguration(), state,
      target: httpTarget(client, { tenantUrl: `${server.origin}/scim`, token: 'bad-endpoint-token', authScheme: 'Bearer' }, { timeoutMs: 500 }),
    });
    const code = (name: string) => r.entries.find((e) => e.sourceIdentity.displayName === `${name}@contoso.com`)?.provisioningStatusInfo.errorInformation?.errorCode ?? 'none';
    assert.deepEqual(['ada', 'alan', 'grace', 'linus', 'barbara', 'ken'].map(code), [
      'none', 'SystemForCrossDomainIdentityManagementServiceIncompatible', 'TooManyRequests', 'InternalServerError', 'WebExceptionProtocolError', 'Timeout',
    ]);
    assert.equal(r.cycle.stopped, undefined);
    assert.equal(r.cycle.stats.users.create, 1);
    assert.equal(r.cycle.stats.users.failed, 5);
    assert.deepEqual(Object.entries(state.users).filter(([, l]) => l.targetId).map(([id]) => id), ['u-ada']);
    assert.deepEqual(Object.entries(state.users).filter(([, l]) => l.escrow).map(([id]) => id).sort(), ['u-alan', 'u-barbara', 'u-grace', 'u-ken', 'u-linus']);
    const linus = r.entries.find((e) => e.sourceIdentity.displayName === 'linus@contoso.com')!;
    assert.match(linus.provisioningStatusInfo.errorInformation!.reason, /HTTP status code 500\. It will be automatically retried in 40 minutes\./);
    const ken = r.entries.find((e) => e.sourceIdentity.displayName === 'ken@contoso.com')!;
    assert.equal(ken.exchanges[ken.exchanges.length - 1].error?.kind, 'timeout');
  });

  it('honours a short Retry-After of a 429 or 503 within the cycle; a long one, or throttling that goes on, fails the object', async () => {
    const posts: Record<string, number> = {};
    const created = (who: string) => (res: import('node:http').ServerResponse) => {
      posts[who] = (posts[who] ?? 0) + 1;
      if (who === 'ada' && posts[who] === 1) return res.writeHead(429, { 'retry-after': '0' }).end();
      if (who === 'alan' && posts[who] <= 2) return res.writeHead(503, { 'retry-after': '1' }).end();
      if (who === 'grace') return res.writeHead(429, { 'retry-after': '30' }).end();
      if (who === 'linus') return res.writeHead(429, { 'retry-after': '0' }).end();
      if (who === 'barbara') return res.writeHead(503).end();
      res.writeHead(201, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ id: `t-${who}`, userName: `${who}@contoso.com` }));
    };
    server = await startServer(scripted(Object.fromEntries(['ada', 'alan', 'grace', 'linus', 'barbara', 'ken'].map((w) => [w, created(w)]))));
    client = new HttpClient();
    const state = newState(`${server.origin}/scim`);
    const started = Date.now();
    const r = await runCycle({
      directory: directory(), configuration: muralDefaultEngineConfiguration(), state, concurrency: 6,
      target: httpTarget(client, { tenantUrl: `${server.origin}/scim`, token: 'bad-endpoint-token', authScheme: 'Bearer' }),
    });
    const entry = (name: string) => r.entries.find((e) => e.sourceIdentity.displayName === `${name}@contoso.com`)!;
    const posted = (name: string) => entry(name).exchanges.filter((x) => x.request.method === 'POST').map((x) => x.response?.status);
    assert.deepEqual(posted('ada'), [429, 201]);
    assert.deepEqual(posted('alan'), [503, 503, 201]);
    assert.ok(Date.now() - started >= 2000, 'waited the 1 s Retry-After twice');
    assert.equal(entry('ada').provisioningStatusInfo.status, 'success');
    assert.equal(entry('alan').provisioningStatusInfo.status, 'success');
    assert.deepEqual(posted('grace'), [429]);
    assert.match(entry('grace').provisioningStatusInfo.errorInformation!.reason, /Retry-After of 30 s is longer than the 10 s the engine waits within a cycle/);
    assert.deepEqual(posted('linus'), [429, 429, 429, 429]);
    assert.equal(entry('linus').provisioningStatusInfo.errorInformation!.errorCode, 'TooManyRequests');
    assert.match(entry('linus').provisioningStatusInfo.errorInformation!.reason, /sent 4 times, each after the Retry-After of 0 s/);
    assert.deepEqual(posted('barbara'), [503], 'a 503 without Retry-After is not retried within the cycle');
    assert.deepEqual(Object.entries(state.users).filter(([, l]) => l.escrow).map(([id]) => id).sort(), ['u-barbara', 'u-grace', 'u-linus']);
    assert.equal(r.cycle.stats.requests, r.entries.reduce((n, e) => n + e.exchanges.length, 0), 'each attempt counts as a request');
  });

  it('a cancel ends a Retry-After wait and the cycle', async () => {
    server = await startServer(scripted(Object.fromEntries(['ada', 'alan', 'grace', 'linus', 'barbara', 'ken'].map((w) => [w, (res: import('node:http').ServerResponse) => res.writeHead(429, { 'retry-after': '10' }).end()]))));
    client = new HttpClient();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    const r = await runCycle({
      directory: directory(), configuration: muralDefaultEngineConfiguration(), state: newState(`${server.origin}/scim`), signal: abort.signal,
      target: httpTarget(client, { tenantUrl: `${server.origin}/scim`, token: 'bad-endpoint-token', authScheme: 'Bearer' }, { signal: abort.signal }),
    });
    assert.ok(Date.now() - started < 5000, 'did not wait out the 10 s');
    assert.match(r.cycle.stopped ?? '', /cancelled/);
  });

  it('many objects waiting out a Retry-After at once under one signal cause no listener-leak warning', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `u${i}`);
    const posts = new Set<string>();
    server = await startServer(scripted(Object.fromEntries(names.map((w) => [w, (res: import('node:http').ServerResponse) => {
      if (!posts.has(w)) {
        posts.add(w);
        return res.writeHead(429, { 'retry-after': '1' }).end();
      }
      res.writeHead(201, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ id: `t-${w}`, userName: `${w}@contoso.com` }));
    }]))));
    client = new HttpClient();
    const abort = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const r = await runCycle({
        directory: readDirectory({ scope: 'all', users: names.map((n) => ({ id: `id-${n}`, userPrincipalName: `${n}@contoso.com`, mail: `${n}@contoso.com` })) }, 'd'),
        configuration: muralDefaultEngineConfiguration(), state: newState(`${server.origin}/scim`), concurrency: 16, signal: abort.signal,
        target: httpTarget(client, { tenantUrl: `${server.origin}/scim`, token: 'bad-endpoint-token', authScheme: 'Bearer' }, { signal: abort.signal }),
      });
      assert.equal(r.cycle.stats.users.create, 16, 'each was created after its wait');
      await new Promise((ok) => setImmediate(ok));
      assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a lookup answered with something other than a ListResponse fails the object, not the cycle', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.url.includes('ada') ? '{"users": []}' : empty);
    });
    client = new HttpClient();
    const r = await runCycle({
      directory: readDirectory({ scope: 'all', users: users.slice(0, 1) }, 'd'), configuration: muralDefaultEngineConfiguration(), state: newState(`${server.origin}/scim`),
      target: httpTarget(client, { tenantUrl: `${server.origin}/scim`, token: 'bad-endpoint-token', authScheme: 'Bearer' }),
    });
    assert.equal(r.entries[0].provisioningStatusInfo.errorInformation?.errorCode, 'SystemForCrossDomainIdentityManagementServiceIncompatible');
    assert.equal(r.entries[0].provisioningAction, 'other');
  });
});
