// A password a client sends is never given back (RFC 7643 §4.1.1, returned "never"): not in any answer, not
// matched by a filter, not kept in the data file, not shown in the request log.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactBody, redactPath } from '../../../src/mock/requestLog';
import { ScimService } from '../../../src/mock/service';
import { URN } from '../../../src/scim/schemas';
import { entraUser, filterQuery, patchOp, startServer, type Harness } from './helpers';

const BASE = '/enterprise/v1/scim';
const SECRET = 'S3cret!pw';

function assertNoSecret(text: string, where: string): void {
  assert.ok(!text.includes(SECRET), `${where} holds the password: ${text.slice(0, 300)}`);
}

describe('passwords', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scim-pw-'));
    h = await startServer({ dataFile: join(dir, 'd.jsonl') });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are in no answer: POST, GET, list, filter, .search, PUT, PATCH (the cached answers included)', async () => {
    const created = await h.call('POST', `${BASE}/Users`, { ...entraUser('pw@example.com', 'Pass', 'Word'), password: SECRET });
    assert.equal(created.status, 201);
    assertNoSecret(created.text, 'POST answer');
    assert.equal(created.json.password, undefined);
    const id = created.json.id as string;
    const answers = [
      await h.call('GET', `${BASE}/Users/${id}`),
      await h.call('GET', `${BASE}/Users`),
      await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "pw@example.com"')}`),
      await h.call('POST', `${BASE}/Users/.search`, { schemas: [URN.SearchRequest], filter: 'userName eq "pw@example.com"' }),
      await h.call('GET', `${BASE}/Users/${id}?attributes=password,userName`),
      await h.call('PUT', `${BASE}/Users/${id}`, { ...entraUser('pw@example.com', 'Pass', 'Word'), password: `${SECRET}2`.slice(0, -1) }),
      await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'replace', path: 'password', value: SECRET })),
      await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'replace', value: { password: SECRET, displayName: 'P W' } })),
      await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: SECRET })),
      await h.call('GET', `${BASE}/Users/${id}`),
    ];
    for (const [i, r] of answers.entries()) {
      assert.ok(r.status < 300, `answer ${i}: ${r.status} ${r.text}`);
      assertNoSecret(r.text, `answer ${i}`);
    }
  });

  it('cannot be filtered on: 403 "sensitive" in a URL (RFC 7644 §7.5.2), 400 invalidFilter in a .search body', async () => {
    await h.call('POST', `${BASE}/Users`, { ...entraUser('pw@example.com', 'Pass', 'Word'), password: SECRET });
    for (const filter of [`password eq "${SECRET}"`, 'userName pr and not (PASSWORD pr)', `urn:ietf:params:scim:schemas:core:2.0:User:password eq "${SECRET}"`]) {
      const get = await h.call('GET', `${BASE}/Users?${filterQuery(filter)}`);
      assert.equal(get.status, 403, get.text);
      assert.equal(get.json.scimType, 'sensitive');
      assertNoSecret(get.text, 'the 403');
      const search = await h.call('POST', `${BASE}/.search`, { schemas: [URN.SearchRequest], filter });
      assert.equal(search.status, 400, search.text);
      assert.equal(search.json.scimType, 'invalidFilter');
    }
  });

  it('are not kept in the data file, and a file written before is cleaned when loaded', async () => {
    const id = (await h.call('POST', `${BASE}/Users`, { ...entraUser('pw@example.com', 'Pass', 'Word'), password: SECRET })).json.id as string;
    await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'replace', path: 'password', value: SECRET }));
    await h.close();
    const file = join(dir, 'd.jsonl');
    assertNoSecret(readFileSync(file, 'utf8'), 'the data file');

    // An older file with the password in a record: loaded without it, and rewritten at once.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const rec = JSON.parse(lines[1] as string);
    rec.data.password = SECRET;
    writeFileSync(file, `${lines[0]}\n${JSON.stringify(rec)}\n`);
    const svc = await ScimService.open({ dataFile: file });
    assertNoSecret(svc.read('User', id).json(), 'the loaded user');
    assertNoSecret(readFileSync(file, 'utf8'), 'the rewritten data file');
    await svc.close();
    h = await startServer();
  });

  it('are redacted in the request log, whichever way the body spells them', async () => {
    const body = JSON.stringify({ ...entraUser('pw@example.com', 'Pass', 'Word'), password: SECRET }).replace('"password"', '"p\\u0061ssword"');
    const created = await h.raw('POST', `${BASE}/Users`, body, { authorization: 'Bearer test-token-3f9a', 'content-type': 'application/scim+json' });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;
    await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'replace', path: 'Password', value: SECRET }));
    await h.call('PATCH', `${BASE}/Users/${id}`, patchOp({ op: 'replace', value: { password: SECRET } }));
    await h.call('GET', `${BASE}/Users?filter=p%61ssword+eq+%22${encodeURIComponent(SECRET)}%22`);
    await h.call('POST', `${BASE}/.search`, { schemas: [URN.SearchRequest], filter: `password eq "${SECRET}"` });
    await h.raw('POST', `${BASE}/Users`, `{"password":"${SECRET}"`, { authorization: 'Bearer test-token-3f9a', 'content-type': 'application/scim+json' });
    const log = h.server.requests();
    assert.equal(log.length, 6);
    assertNoSecret(JSON.stringify(log), 'the request log');
    assert.match(log[1]?.requestBody ?? '', /"Password"|"value":"\[redacted\]"/);
  });

  it('are not echoed by the error that refuses a wrongly typed one', async () => {
    const r = await h.call('POST', `${BASE}/Users`, { ...entraUser('pw@example.com', 'Pass', 'Word'), password: { value: SECRET } });
    assert.equal(r.status, 400);
    assert.match(r.json.detail, /"password" must be a string; got an object/);
    assertNoSecret(r.text, 'the 400');
  });

  it('redaction leaves bodies and paths without a password as they were', () => {
    const text = JSON.stringify(entraUser('pw@example.com', 'Pass', 'Word'));
    assert.equal(redactBody(text, JSON.parse(text)), text);
    assert.equal(redactPath('/scim/v2/Users?filter=userName%20eq%20%22a%22'), '/scim/v2/Users?filter=userName%20eq%20%22a%22');
    assert.equal(redactBody('{"__proto__":{"password":"x"}}', JSON.parse('{"__proto__":{"password":"x"}}')), '{"__proto__":{"password":"[redacted]"}}');
  });
});
