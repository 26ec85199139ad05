// The Entra provisioning check against the real mock server (every step passes, under both rule sets) and
// against deliberately broken servers — the mock behind a proxy that changes its answers — where exactly the
// right steps must fail, with explanations that name the problem. Every run must leave the directory empty.
import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HttpClient, type Connection } from '../../../src/client/http';
import { plannedSteps, runEntraCheck, type CheckReport, type StepId, type StepProgress, type Verdict } from '../../../src/client/entraCheck';
import { TenantUrlError } from '../../../src/client/tenantUrl';
import type { ServiceOptions } from '../../../src/mock/service';
import { URN } from '../../../src/scim/schemas';
import { startServer as startMock, TOKEN, type Harness } from '../mock/helpers';
import { freePort, startServer, type Recorded, type TestServer } from './servers';

const BASE = '/enterprise/v1/scim';
const SCIM_JSON = 'application/scim+json';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Breakage {
  /** Answers instead of the mock: an Answer, 'handled' when it answered (or dropped the connection) itself, undefined to forward. */
  intercept?: (req: Recorded, res: ServerResponse) => Answer | 'handled' | undefined | Promise<Answer | 'handled' | undefined>;
  /** Changes the mock's answer. */
  rewrite?: (req: Recorded, answer: Answer) => Answer;
}

interface Broken {
  readonly mock: Harness;
  readonly proxy: TestServer;
  readonly url: string;
  close(): Promise<void>;
}

const KEPT_HEADERS = ['content-type', 'location', 'etag', 'retry-after'];

/** The mock server behind a proxy that can answer in its place or change its answers. */
async function brokenMock(breakage: Breakage, serviceOptions: ServiceOptions = {}): Promise<Broken> {
  const mock = await startMock(serviceOptions);
  const origin = new URL(mock.url).origin;
  const proxy = await startServer((req, res) => {
    void (async () => {
      let answer = await breakage.intercept?.(req, res);
      if (answer === 'handled') return;
      if (!answer) {
        const headers: Record<string, string> = {};
        for (const h of ['authorization', 'content-type']) {
          const v = req.headers[h];
          if (typeof v === 'string') headers[h] = v;
        }
        const r = await fetch(origin + req.url, { method: req.method, headers, ...(req.body ? { body: req.body } : {}) });
        const kept: Record<string, string> = {};
        r.headers.forEach((v, k) => { if (KEPT_HEADERS.includes(k)) kept[k] = v; });
        answer = { status: r.status, headers: kept, body: await r.text() };
        if (breakage.rewrite) answer = breakage.rewrite(req, answer);
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch(() => res.destroy());
  });
  return {
    mock, proxy, url: `${proxy.origin}${BASE}`,
    close: async () => {
      await proxy.close();
      await mock.close();
    },
  };
}

function connection(tenantUrl: string, token = TOKEN): Connection {
  return { tenantUrl, token, authScheme: 'Bearer' };
}

function stepsWith(report: CheckReport, verdict: Verdict): StepId[] {
  return report.steps.filter((s) => s.verdict === verdict).map((s) => s.id);
}

function step(report: CheckReport, id: StepId) {
  const s = report.steps.find((x) => x.id === id);
  assert.ok(s, `step ${id} is in the report`);
  return s;
}

/** The mock's way of making a workspace admin, which SCIM lacks (what the extension passes for the mock). */
function admins(h: Harness): (groupId: string, userId: string, admin: boolean) => Promise<void> {
  return (groupId, userId, admin) => h.service.setWorkspaceAdmin(groupId, userId, admin);
}

function assertEmpty(h: Harness): void {
  assert.deepEqual(h.service.stats(), { users: 0, activeUsers: 0, groups: 0, memberships: 0 }, 'the check left nothing behind');
}

/** The JSON body of a SCIM answer with `edit` applied to every resource in it. */
function editResources(answer: Answer, edit: (r: Record<string, unknown>) => void): Answer {
  if (!answer.body) return answer;
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  if (Array.isArray(body.Resources)) for (const r of body.Resources) edit(r as Record<string, unknown>);
  else edit(body);
  return { ...answer, body: JSON.stringify(body) };
}

describe('client/entraCheck: against the mock server', () => {
  let h: Harness;
  beforeEach(async () => { h = await startMock(); });
  afterEach(async () => { await h.close(); });

  it('passes every step with MURAL\'s rules, in Entra\'s order, and leaves the directory empty', async () => {
    const progress: StepProgress[] = [];
    const report = await runEntraCheck(connection(h.url), { rules: 'mural', onStep: (p) => progress.push(p), workspaceAdmin: admins(h) });
    assert.deepEqual(report.steps.filter((s) => s.verdict !== 'pass').map((s) => `${s.id}: ${s.summary} ${s.explanation}`), []);
    assert.deepEqual(report.steps.map((s) => s.id), plannedSteps('mural').map((s) => s.id));
    assert.equal(report.steps.length, 30);
    assert.deepEqual([report.passed, report.failed, report.warnings, report.skipped, report.cancelled], [30, 0, 0, 0, false]);
    assert.equal(report.rules, 'mural');
    assert.equal(report.target, h.url);
    assert.equal(report.aadOptscim062020, false);
    assert.ok(!Number.isNaN(Date.parse(report.startedAt)));
    report.steps.forEach((s, i) => {
      assert.equal(s.index, i + 1);
      assert.ok(s.title && s.entra && s.summary && s.explanation, `${s.id} explains itself`);
    });
    // Before and after each step, in order, with the step's result the second time.
    assert.deepEqual(progress.map((p) => [p.index, p.total, !!p.result]), report.steps.flatMap((s) => [[s.index, 30, false], [s.index, 30, true]]));
    assert.equal(progress[1].result, report.steps[0]);
    assertEmpty(h);
    assert.ok(!JSON.stringify(report).includes(TOKEN), 'no token in the report');
  });

  it('sends exactly the request shapes Entra sends', async () => {
    const report = await runEntraCheck(connection(h.url), { rules: 'mural', suffix: 'shapecheck' });
    assert.equal(report.failed, 0);
    const log = h.server.requests();
    const bodies = (method: string, path: RegExp) => log.filter((e) => e.method === method && path.test(e.path)).map((e) => JSON.parse(e.requestBody));
    const decoded = log.map((e) => `${e.method} ${decodeURIComponent(e.path.replace(/\+/g, ' '))}`);
    // Test Connection's GUID probes, encoded as Entra encodes them.
    assert.match(log[0].path, /^\/enterprise\/v1\/scim\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/);
    assert.match(log[1].path, /^\/enterprise\/v1\/scim\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22[0-9a-f-]{36}%22$/);
    assert.ok(decoded.includes(`GET ${BASE}/Users?filter=userName eq "Entra.Check.Shapecheck@example.com"`), 'match with the userName as sent');
    assert.ok(decoded.includes(`GET ${BASE}/Users?filter=userName eq "entra.check.shapecheck@example.com"`), 'rematch lower case (MURAL)');
    assert.ok(decoded.includes(`GET ${BASE}/Groups?excludedAttributes=members&filter=displayName eq "Entra Check Shapecheck"`));
    const [created] = bodies('POST', /\/Users$/);
    assert.deepEqual(created.schemas, [URN.User, URN.EnterpriseUser]);
    assert.deepEqual(created.emails, [{ primary: true, type: 'work', value: 'Entra.Check.Shapecheck@example.com' }]);
    assert.equal(created.active, true);
    assert.deepEqual(created.meta, { resourceType: 'User' });
    assert.deepEqual(created.roles, []);
    const [group] = bodies('POST', /\/Groups$/);
    assert.deepEqual(group.schemas, [URN.Group, URN.EntraGroup]);
    assert.equal(group.members, undefined);
    const userOps = bodies('PATCH', /\/Users\//).map((b) => b.Operations);
    assert.deepEqual(userOps[0].map((o: { op: string; path: string }) => [o.op, o.path]), [
      ['Replace', 'emails[type eq "work"].value'], ['Replace', 'name.givenName'], ['Replace', 'name.familyName'],
    ]);
    assert.deepEqual(userOps[1], [{ op: 'replace', value: { 'name.givenName': 'Modern', 'name.familyName': 'ReplacedShapecheck' } }]);
    assert.deepEqual(userOps[2], [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.deepEqual(userOps[3], [{ op: 'Replace', path: 'active', value: 'True' }]);
    const groupOps = bodies('PATCH', /\/Groups\//).map((b) => b.Operations[0]);
    assert.equal(groupOps[0].op, 'Add');
    assert.equal(groupOps[0].value.length, 3, 'several members in one operation');
    assert.deepEqual(groupOps[0].value.map((m: { $ref: unknown }) => m.$ref), [null, null, null]);
    assert.equal(groupOps[1].op, 'Remove');
    assert.equal(groupOps[1].value.length, 1);
    assert.match(groupOps[2].path, /^members\[value eq "g?u[0-9a-f]{24}"\]$/);
    assert.deepEqual([groupOps[3].op, groupOps[3].path, groupOps[3].value], ['Replace', 'displayName', 'Entra Check Shapecheck Renamed']);
    // Every request carried Entra's Bearer token; the report shows it redacted.
    assert.ok(step(report, 'create-user').exchanges[0].request.headers.Authorization === 'Bearer ***');
    // Test users: reserved domain, no digits in names.
    for (const b of bodies('POST', /\/Users$/).filter((x) => !/digits/.test(x.userName))) {
      assert.match(b.userName, /@example\.com$/);
      assert.doesNotMatch(`${b.name.givenName}${b.name.familyName}`, /\d/);
    }
  });

  it('passes every step with generic SCIM rules, without the MURAL steps, and sends enterprise attributes', async () => {
    const report = await runEntraCheck(connection(h.url), { rules: 'scim' });
    assert.deepEqual(stepsWith(report, 'fail').concat(stepsWith(report, 'warn'), stepsWith(report, 'skip')), []);
    assert.deepEqual(report.steps.map((s) => s.id), plannedSteps('scim').map((s) => s.id));
    assert.equal(report.steps.length, 23);
    assert.ok(report.steps.every((s) => !s.id.startsWith('mural-')));
    const [created] = h.server.requests().filter((e) => e.method === 'POST' && /\/Users$/.test(e.path)).map((e) => JSON.parse(e.requestBody));
    assert.equal(created.userName, created.userName.toLowerCase(), 'generic SCIM: no capitals, no case question');
    assert.deepEqual(created[URN.EnterpriseUser], { employeeNumber: '1000', department: 'Provisioning check' });
    assertEmpty(h);
  });

  it('passes every step with generic SCIM rules when the mock answers every RFC 7644 filter (muralFilters off)', async () => {
    h.service.configure({ muralFilters: false });
    const report = await runEntraCheck(connection(h.url), { rules: 'scim' });
    assert.deepEqual(stepsWith(report, 'fail').concat(stepsWith(report, 'warn'), stepsWith(report, 'skip')), []);
    assertEmpty(h);
  });

  it('MURAL\'s rules against the mock with muralFilters off: exactly the matching-attribute step fails, in plain words', async () => {
    h.service.configure({ muralFilters: false });
    const report = await runEntraCheck(connection(h.url), { rules: 'mural', workspaceAdmin: admins(h) });
    assert.deepEqual(stepsWith(report, 'fail'), ['mural-filter-support']);
    const s = step(report, 'mural-filter-support');
    assert.match(s.summary, /answers filters MURAL does not support: GET .*externalId eq/);
    assert.match(s.explanation, /Entra will fail to match every user and retry each cycle/);
    assert.deepEqual(stepsWith(report, 'skip').concat(stepsWith(report, 'warn')), []);
    assertEmpty(h);
  });

  it('the matching-attribute step passes with muralFilters on, and the last-admin step sees the 409 and the user still active', async () => {
    const report = await runEntraCheck(connection(h.url), { rules: 'mural', workspaceAdmin: admins(h) });
    const filters = step(report, 'mural-filter-support');
    assert.equal(filters.verdict, 'pass');
    assert.deepEqual(filters.exchanges.map((e) => e.response?.status), [400, 400]);
    assert.match(filters.explanation, /Keep userName \(users\) and displayName \(groups\) as Entra's matching attributes/);
    const admin = step(report, 'mural-last-admin');
    assert.equal(admin.verdict, 'pass');
    assert.deepEqual(admin.exchanges.map((e) => `${e.request.method} ${e.response?.status}`), ['PATCH 409', 'GET 200']);
    assert.match(admin.summary, /last admin of the workspace/);
    assert.match(admin.explanation, /retries it each cycle/);
    assert.equal(step(report, 'deactivate-user').verdict, 'pass', 'the admin role is taken back after the step');
  });

  it('the last-admin step is skipped without a way to make a workspace admin, and fails when the endpoint suspends the last admin', async () => {
    const skipped = await runEntraCheck(connection(h.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(skipped, 'skip'), ['mural-last-admin']);
    assert.match(step(skipped, 'mural-last-admin').summary, /SCIM has no request that makes a user a workspace admin/);
    // An endpoint that has admins but does not protect the last one.
    const failed = await runEntraCheck(connection(h.url), { rules: 'mural', workspaceAdmin: async () => undefined });
    assert.deepEqual(stepsWith(failed, 'fail'), ['mural-last-admin']);
    assert.match(step(failed, 'mural-last-admin').explanation, /MURAL answers 409/);
    assertEmpty(h);
  });

  it('never touches users and groups that were there before', async () => {
    await h.service.seed(30, { groups: 3 });
    const before = JSON.stringify([h.service.listUsers({ count: 100 }), h.service.listGroups({ count: 100 })]);
    const report = await runEntraCheck(connection(h.url), { rules: 'mural' });
    assert.equal(report.failed, 0);
    assert.equal(JSON.stringify([h.service.listUsers({ count: 100 }), h.service.listGroups({ count: 100 })]), before);
  });

  it('uses names unique to each run and the email domain asked for', async () => {
    await runEntraCheck(connection(h.url), { rules: 'scim', emailDomain: 'scim-workbench.test' });
    await runEntraCheck(connection(h.url), { rules: 'scim', emailDomain: 'scim-workbench.test' });
    const created = h.server.requests().filter((e) => e.method === 'POST' && /\/Users$/.test(e.path)).map((e) => JSON.parse(e.requestBody).userName as string);
    assert.ok(created.every((u) => u.endsWith('@scim-workbench.test')));
    const runs = created.map((u) => /^entra\.check\.([a-z]+)/.exec(u)?.[1]);
    assert.equal(new Set(runs).size, 2, 'two runs, two suffixes');
  });

  it('reuses the client it is given and leaves it open', async () => {
    const client = new HttpClient();
    try {
      const report = await runEntraCheck(connection(h.url), { rules: 'scim', client });
      assert.equal(report.failed, 0);
      const again = await client.send({ method: 'GET', url: '/Users?count=0' }, { connection: connection(h.url) });
      assert.equal(again.status, 200);
    } finally {
      await client.close();
    }
  });

  it('refuses unusable arguments before sending anything', async () => {
    await assert.rejects(runEntraCheck(connection('ftp://example.com/scim')), TenantUrlError);
    await assert.rejects(runEntraCheck(connection(h.url), { rules: 'ldap' as 'scim' }), /"mural" or "scim"/);
    await assert.rejects(runEntraCheck(connection(h.url), { suffix: 'ab1' }), /lower-case letters/);
    await assert.rejects(runEntraCheck(connection(h.url), { emailDomain: 'not a domain' }), /not an email domain/);
    assert.equal(h.server.requests().length, 0);
  });
});

describe('client/entraCheck: against broken servers', () => {
  let b: Broken | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it('a strict RFC member removal: only the legacy remove step fails, and says every membership would be wiped', async () => {
    b = await brokenMock({}, { options: { strictMemberRemoval: true } });
    const report = await runEntraCheck(connection(b.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['remove-member-legacy']);
    assert.deepEqual(stepsWith(report, 'skip'), ['remove-member-filtered', 'mural-last-admin', 'mural-workspace-loss', 'mural-no-restore']);
    const s = step(report, 'remove-member-legacy');
    assert.match(s.summary, /NO members left/);
    assert.match(s.explanation, /removed ALL members on Entra's legacy remove/);
    assert.match(s.explanation, /every membership\s+would be wiped each time one user leaves the group/);
    assert.match(step(report, 'remove-member-filtered').summary, /"Remove a member \(legacy value list\)" failed/);
    assert.ok(s.exchanges.some((e) => e.request.method === 'PATCH' && e.response?.status === 204), 'the PATCH and its answer are kept');
    assertEmpty(b.mock);
  });

  it('a POST answered 200 with an empty body and no Location: the creates fail, what needs their ids is skipped, cleanup still finds them', async () => {
    b = await brokenMock({
      rewrite: (req, a) => (req.method === 'POST' && a.status === 201 ? { status: 200, headers: { 'content-type': SCIM_JSON }, body: '' } : a),
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['create-user', 'create-member-users', 'create-group']);
    assert.deepEqual(stepsWith(report, 'pass'), ['test-connection', 'match-user', 'mural-digits', 'match-group', 'unknown-id', 'content-type', 'cleanup']);
    const create = step(report, 'create-user');
    assert.match(create.summary, /→ 200 OK with an empty body/);
    assert.match(create.explanation, /treats a 200 with an empty body on POST as a failure and retries in the next cycle/);
    assert.match(step(report, 'rematch-user').summary, /needs the id of the created user, and "Create the user" failed/);
    assert.match(step(report, 'cleanup').summary, /Deleted 3 test resource/);
    assertEmpty(b.mock);
  });

  it('a POST without a Location header: warnings, not failures', async () => {
    b = await brokenMock({
      rewrite: (req, a) => {
        if (req.method !== 'POST') return a;
        const { location: _dropped, ...headers } = a.headers;
        return { ...a, headers };
      },
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'scim' });
    assert.deepEqual(stepsWith(report, 'fail'), []);
    assert.deepEqual(stepsWith(report, 'warn'), ['create-user', 'create-member-users', 'create-group']);
    assert.match(step(report, 'create-user').explanation, /no Location header: RFC 7644 §3\.3 requires one/);
    assertEmpty(b.mock);
  });

  it('"False" echoed as a string for active: exactly the verification fails, naming the string', async () => {
    b = await brokenMock({
      rewrite: (_req, a) => (a.headers['content-type']?.includes('json') ? editResources(a, (r) => { if (r.active === false) r.active = 'False'; }) : a),
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['verify-deactivated']);
    const s = step(report, 'verify-deactivated');
    assert.match(s.summary, /"active" is the string "False", not the boolean false/);
    assert.match(s.explanation, /store a boolean/);
    assertEmpty(b.mock);
  });

  it('404 with an HTML body: the unknown-id probe and the content type fail', async () => {
    b = await brokenMock({
      rewrite: (_req, a) => (a.status === 404 ? { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' } : a),
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['unknown-id', 'content-type']);
    assert.match(step(report, 'unknown-id').summary, /not a SCIM error: the body is not JSON \(text\/html\)/);
    assert.match(step(report, 'content-type').summary, /are not JSON: GET \/Users\/u[0-9a-f]{24} → 404 \(text\/html\)/);
    assert.equal(step(report, 'verify-deleted').verdict, 'pass', 'a 404 is still a 404');
    assertEmpty(b.mock);
  });

  it('404 with "status" as a number: only the unknown-id probe fails, naming the number', async () => {
    b = await brokenMock({
      rewrite: (_req, a) => (a.status === 404 ? { ...a, body: JSON.stringify({ schemas: [URN.Error], status: 404, detail: 'Not found' }) } : a),
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'scim' });
    assert.deepEqual(stepsWith(report, 'fail'), ['unknown-id']);
    const s = step(report, 'unknown-id');
    assert.match(s.summary, /"status" is the number 404, not the string "404"/);
    assert.match(s.explanation, /"status" as a string \(RFC 7644 §3\.12\)/);
  });

  it('500 on every PATCH: the PATCH steps fail as server errors, the steps that need them are skipped', async () => {
    b = await brokenMock({
      intercept: (req) => (req.method === 'PATCH'
        ? { status: 500, headers: { 'content-type': SCIM_JSON }, body: JSON.stringify({ schemas: [URN.Error], status: '500', detail: 'database down' }) }
        : undefined),
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['update-user-legacy', 'update-user-aadopt', 'add-members', 'rename-group', 'deactivate-user']);
    assert.deepEqual(stepsWith(report, 'skip'), [
      'remove-member-legacy', 'remove-member-filtered', 'mural-last-admin', 'verify-deactivated', 'mural-workspace-loss', 'reactivate-user', 'mural-no-restore',
    ]);
    for (const id of stepsWith(report, 'fail')) {
      const s = step(report, id);
      assert.match(s.summary, /→ 500 Internal Server Error; Entra expects/);
      assert.match(s.explanation, /A server error: Entra retries the call in later cycles/);
      assert.match(s.explanation, /The server said: "database down"/);
    }
    assert.match(step(report, 'verify-deactivated').summary, /needs a deactivated user, and "Deactivate the user with "False"" failed/);
    assertEmpty(b.mock);
  });

  it('a connection dropped mid-run fails that step, goes on, and cleans up', async () => {
    b = await brokenMock({
      intercept: (req, res) => {
        if (req.method !== 'PATCH' || !req.url.includes('/Groups/')) return undefined;
        res.socket?.destroy();
        return 'handled';
      },
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'scim' });
    const add = step(report, 'add-members');
    assert.equal(add.verdict, 'fail');
    assert.match(add.summary, /^No answer: .*closed the connection without answering/);
    assert.match(add.explanation, /retries it in the next cycle/);
    assert.equal(add.exchanges[0].error?.kind, 'reset');
    assert.equal(step(report, 'delete-user').verdict, 'pass', 'the run went on');
    assertEmpty(b.mock);
  });

  it('an endpoint that cannot be reached: Test Connection fails and everything after it is skipped', async () => {
    const report = await runEntraCheck(connection(`http://127.0.0.1:${await freePort()}${BASE}`), { rules: 'mural' });
    assert.deepEqual(stepsWith(report, 'fail'), ['test-connection']);
    assert.equal(step(report, 'test-connection').exchanges[0].error?.kind, 'refused');
    assert.deepEqual(stepsWith(report, 'pass'), ['cleanup']);
    assert.equal(report.skipped, 28);
    assert.match(step(report, 'create-user').summary, /did not accept Entra's first request/);
    assert.match(step(report, 'cleanup').summary, /Nothing left to delete/);
  });

  it('a wrong token: Test Connection explains the 401 and nothing else is sent', async () => {
    b = await brokenMock({});
    const report = await runEntraCheck(connection(b.url, 'not-the-token'), { rules: 'scim' });
    assert.deepEqual(stepsWith(report, 'fail'), ['test-connection']);
    assert.match(step(report, 'test-connection').summary, /401 Unauthorized: the endpoint refused the token/);
    assert.equal(b.proxy.requests.length, 1);
    assert.ok(!JSON.stringify(report).includes('not-the-token'));
  });
});

describe('client/entraCheck: cleanup and cancellation', () => {
  let b: Broken | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it('cleans up when the progress callback throws, then rethrows', async () => {
    b = await brokenMock({});
    const seen: string[] = [];
    const boom = new Error('progress view crashed');
    await assert.rejects(runEntraCheck(connection(b.url), {
      rules: 'mural',
      onStep: (p) => {
        seen.push(`${p.id}${p.result ? ':done' : ''}`);
        if (p.id === 'remove-member-legacy' && !p.result) throw boom;
      },
    }), (e) => e === boom);
    assert.equal(seen.at(-1), 'remove-member-legacy', 'no callback after the one that threw');
    assertEmpty(b.mock);
  });

  it('cancelled between steps: the rest is skipped, the cleanup runs', async () => {
    b = await brokenMock({});
    const abort = new AbortController();
    const report = await runEntraCheck(connection(b.url), {
      rules: 'mural', signal: abort.signal,
      onStep: (p) => { if (p.id === 'add-members' && !p.result) abort.abort(); },
    });
    assert.equal(report.cancelled, true);
    const at = report.steps.findIndex((s) => s.id === 'add-members');
    assert.ok(report.steps.slice(0, at).every((s) => s.verdict === 'pass'));
    assert.ok(report.steps.slice(at, -1).every((s) => s.verdict === 'skip' && /^Cancelled before this step/.test(s.summary)));
    assert.equal(step(report, 'cleanup').verdict, 'pass');
    assert.match(step(report, 'cleanup').summary, /Deleted 4 test resource/);
    assertEmpty(b.mock);
  });

  it('cancelled during a request: that step is skipped as cancelled, the cleanup runs', async () => {
    const abort = new AbortController();
    b = await brokenMock({
      intercept: (req, res) => {
        if (req.method !== 'PATCH' || !req.url.includes('/Groups/')) return undefined;
        abort.abort();
        return new Promise((resolve) => res.on('close', () => resolve('handled')));
      },
    });
    const report = await runEntraCheck(connection(b.url), { rules: 'scim', signal: abort.signal });
    assert.equal(report.cancelled, true);
    const add = step(report, 'add-members');
    assert.equal(add.verdict, 'skip');
    assert.match(add.summary, /Cancelled while this step was running/);
    assert.equal(add.exchanges[0].error?.kind, 'aborted');
    assert.equal(step(report, 'cleanup').verdict, 'pass');
    assertEmpty(b.mock);
  });
});
