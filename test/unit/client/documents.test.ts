// The pure text behind the VS Code documents: Send Payload's plan, the response document, the Test
// Connection report, and the shared body/fence helpers.
import * as assert from 'node:assert/strict';
import type { HttpResponse } from '../../../src/client/http';
import { planPayload } from '../../../src/client/payloadPlan';
import { errorAdvice, renderResponse, statusSummary } from '../../../src/client/responseText';
import { renderTestReport } from '../../../src/client/testConnectionReport';
import type { TestConnectionResult } from '../../../src/client/testConnection';
import { fence, prettyJson } from '../../../src/client/text';
import { URN } from '../../../src/scim/schemas';

function response(over: Partial<HttpResponse>): HttpResponse {
  return {
    request: { method: 'POST', url: 'https://api.example.com/scim/Users', headers: { authorization: 'Bearer ***' }, body: '{"a":1}' },
    status: 201, statusText: 'Created', headers: { 'content-type': 'application/scim+json' }, body: '{"id":"u1"}', bodyTruncated: false,
    bodyBytes: 11, json: { id: 'u1' }, durationMs: 12.4, url: 'https://api.example.com/scim/Users', redirects: [],
    ...over,
  };
}

describe('client: documents', () => {
  describe('planPayload (Send Payload…)', () => {
    it('POSTs a new user, PUTs a user that carries its id, PATCHes a PatchOp on the kind its paths name', () => {
      const post = planPayload({ schemas: [URN.User], userName: 'a@b.co' }, 'user.scim.json');
      assert.ok('options' in post);
      assert.deepEqual(post.options.map((o) => `${o.method} ${o.kind}`), ['POST Users', 'PUT Users']);
      const put = planPayload({ schemas: [URN.User], id: 'u1', userName: 'a@b.co' }, 'user.scim.json');
      assert.ok('options' in put && put.options[0]?.method === 'PUT' && put.options[0].id === 'u1');
      const members = planPayload({ schemas: [URN.PatchOp], Operations: [{ op: 'Add', path: 'members', value: [{ value: 'u1' }] }] }, 'x.scim.json');
      assert.ok('options' in members && members.options[0]?.kind === 'Groups' && members.options[0].needsId);
      const active = planPayload({ schemas: [URN.PatchOp], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, 'x.scim.json');
      assert.ok('options' in active && active.options[0]?.kind === 'Users');
      const ambiguous = planPayload({ schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'externalId', value: 'x' }] }, 'workspace-rename.scim.json');
      assert.ok('options' in ambiguous && ambiguous.options[0]?.kind === 'Groups', 'the file name decides when the paths do not');
    });

    it('refuses answers and non-objects with a reason', () => {
      for (const p of [{ schemas: [URN.ListResponse], Resources: [] }, { schemas: [URN.Error], status: '404' }, [1, 2], 'text']) {
        const plan = planPayload(p, 'f.scim.json');
        assert.ok('problem' in plan && plan.problem.length > 20, JSON.stringify(p));
      }
    });
  });

  describe('response document', () => {
    it('summarises a SCIM error on top with what to do, then status, headers and the pretty body', () => {
      const text = renderResponse(response({
        status: 409, statusText: 'Conflict', json: { schemas: [URN.Error], status: '409', scimType: 'uniqueness', detail: 'userName taken' },
        body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName taken"}',
      }), { at: new Date('2026-01-01T00:00:00Z'), connectionName: 'Staging' });
      const lines = text.split('\n');
      assert.equal(lines[0], '# SCIM error: 409 Conflict');
      assert.match(text, /#   scimType:   uniqueness\n#   detail:     userName taken\n#   what to do: A resource with this unique value/);
      assert.ok(text.includes('HTTP/1.1 409 Conflict\ncontent-type: application/scim+json\n'));
      assert.ok(text.includes('"scimType": "uniqueness"'), 'pretty-printed body');
      assert.ok(text.includes('Staging · 2026-01-01T00:00:00.000Z'));
      assert.ok(text.includes('#   authorization: Bearer ***'));
    });

    it('shows a 429\'s Retry-After and says nothing was retried', () => {
      const text = renderResponse(response({ status: 429, statusText: 'Too Many Requests', retryAfterSeconds: 7, json: undefined, body: '' }), { at: new Date() });
      assert.match(text, /^# Retry after 7 s \(Retry-After\)\. Nothing was retried automatically/m);
      assert.equal(statusSummary({ status: 429, statusText: 'Too Many Requests', durationMs: 3.6, retryAfterSeconds: 7 }), '429 Too Many Requests · 4 ms · retry after 7 s');
      assert.equal(statusSummary({ status: 201, statusText: 'Created', durationMs: 44.5 }), '201 Created · 45 ms');
    });

    it('advises by scimType first, then by status', () => {
      assert.match(errorAdvice(400, 'invalidFilter') ?? '', /filter/);
      assert.match(errorAdvice(412) ?? '', /If-Match/);
      assert.equal(errorAdvice(418), undefined);
    });
  });

  describe('Test Connection report', () => {
    it('gives the verdict, what to fix and each probe\'s exchange', () => {
      const result = {
        ok: false, tenantUrl: 'https://api.example.com/scim', aadOptscim062020: false, durationMs: 20, summary: 'The token was refused.', warnings: [],
        probes: [{
          name: 'Users', ok: false, skipped: false, summary: '401 Unauthorized', explanation: 'Check the secret token.', warnings: [],
          request: { method: 'GET', url: 'https://api.example.com/scim/Users?filter=userName+eq+%22x%22', headers: { authorization: 'Bearer ***' } },
          response: response({ status: 401, statusText: 'Unauthorized', body: '{"detail":"no"}', json: { detail: 'no' } }),
        }, {
          name: 'Groups', ok: false, skipped: true, summary: 'Not sent: the /Users probe failed.', warnings: [],
          request: { method: 'GET', url: 'https://api.example.com/scim/Groups', headers: {} },
        }],
      } as unknown as TestConnectionResult;
      const md = renderTestReport('Staging', result, new Date('2026-01-01T00:00:00Z'));
      assert.match(md, /## 1\. GET \/Users — FAILED/);
      assert.match(md, /\*\*What to do:\*\* Check the secret token\./);
      assert.match(md, /## 2\. GET \/Groups — not sent/);
      assert.ok(md.includes('"detail": "no"'));
      assert.ok(!md.includes('Bearer ') || md.includes('Bearer ***'));
    });
  });

  describe('text helpers', () => {
    it('pretty-prints JSON bodies and leaves other text alone', () => {
      assert.equal(prettyJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}');
      assert.equal(prettyJson('<html>'), '<html>');
      assert.equal(prettyJson('  '), '');
    });

    it('fences text so no backtick run inside can close the block', () => {
      assert.equal(fence('json', '{}'), '```json\n{}\n```');
      const tricky = fence('http', 'a ```` b');
      assert.ok(tricky.startsWith('`````http\n') && tricky.endsWith('\n`````'));
    });
  });
});
