// An endpoint that echoes the token back — JSON-escaped as PHP writes it (`\/`), \u-escaped, URL-encoded or
// base64-encoded — must not get it into any check report or the redacted exchange.
import * as assert from 'node:assert/strict';
import { runEntraCheck } from '../../../src/client/entraCheck';
import { formatReport } from '../../../src/client/entraCheck/format';
import { redact, secretsOf } from '../../../src/client/redact';
import { startServer, type TestServer } from './servers';

const TOKEN = 'abc/DEF+ghi=jkl9876';

/** The token's forms an echo may use. */
function echoes(token: string): string[] {
  return [
    token.replace(/\//g, '\\/'),
    [...token].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`)).join(''),
    encodeURIComponent(token),
    encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    Buffer.from(token).toString('base64'),
    Buffer.from(`user:${token}`).toString('base64'),
    Buffer.from(token).toString('base64url'),
  ];
}

describe('a token echoed back by an endpoint', () => {
  let server: TestServer;
  before(async () => {
    // Answers everything 400 with a body quoting the Authorization header in every encoding at once.
    server = await startServer((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      const token = auth.slice(auth.indexOf(' ') + 1);
      const forms = echoes(token).map((f) => `"${f}"`).join(',');
      const body = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"bad token \\"${token.replace(/\//g, '\\/')}\\"","echo":[${forms}]}`;
      res.writeHead(400, { 'Content-Type': 'application/scim+json', 'X-Echo': encodeURIComponent(token) });
      res.end(body);
    });
  });
  after(async () => { await server.close(); });

  it('is in no report format', async () => {
    const report = await runEntraCheck({ tenantUrl: `${server.origin}/scim/v2`, token: TOKEN, authScheme: 'Bearer' }, { rules: 'scim' });
    const decodedForms = [TOKEN, ...echoes(TOKEN).map((f) => JSON.parse(`"${f}"`) as string)];
    for (const f of ['text', 'json', 'junit', 'markdown'] as const) {
      const out = formatReport(report, f);
      for (const form of new Set(decodedForms)) assert.ok(!out.includes(form), `${f} holds ${form}`);
      assert.match(out, /\*\*\*/);
    }
  });

  it('is redacted in each encoding by redact()', () => {
    const secrets = secretsOf([TOKEN]);
    for (const form of echoes(TOKEN)) {
      const out = redact(`before ${form} after`, secrets);
      assert.ok(!out.includes(form), `${form} → ${out}`);
    }
    assert.equal(redact('nothing secret here: abc/DEF', secrets), 'nothing secret here: abc/DEF');
  });
});
