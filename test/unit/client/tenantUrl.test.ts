import * as assert from 'node:assert/strict';
import { isLoopbackHost, parseTenantUrl, resourceUrl, TenantUrlError, validateTenantUrl } from '../../../src/client/tenantUrl';
import { credentialOf, redact, redactHeaders, redactUrl, secretsOf, SHORT_SECRET } from '../../../src/client/redact';

function message(input: string): string {
  try {
    parseTenantUrl(input);
  } catch (e) {
    assert.ok(e instanceof TenantUrlError);
    return e.message;
  }
  assert.fail(`${input} was accepted`);
}

describe('client/tenantUrl', () => {
  it('normalises trailing slashes and keeps the aadOptscim062020 flag apart from the base', () => {
    const t = parseTenantUrl('  https://api.mural.co/enterprise/v1/scim//?aadOptscim062020 ');
    assert.equal(t.base, 'https://api.mural.co/enterprise/v1/scim');
    assert.equal(t.aadOptscim062020, true);
    assert.equal(t.normalized, 'https://api.mural.co/enterprise/v1/scim?aadOptscim062020');
    assert.equal(t.origin, 'https://api.mural.co');
    assert.equal(t.loopback, false);
    assert.deepEqual(t.warnings, []);
    const plain = parseTenantUrl('https://api.mural.co/enterprise/v1/scim/');
    assert.equal(plain.aadOptscim062020, false);
    assert.equal(plain.normalized, 'https://api.mural.co/enterprise/v1/scim');
    assert.equal(parseTenantUrl('https://scim.example.com').base, 'https://scim.example.com');
    assert.equal(parseTenantUrl('https://scim.example.com/scim?AADOPTSCIM062020=').normalized, 'https://scim.example.com/scim?aadOptscim062020');
  });

  it('builds request URLs under the base without the flag', () => {
    const t = parseTenantUrl('https://api.mural.co/enterprise/v1/scim/?aadOptscim062020');
    assert.equal(resourceUrl(t, '/Users?filter=userName+eq+%22a%22'), 'https://api.mural.co/enterprise/v1/scim/Users?filter=userName+eq+%22a%22');
    assert.equal(resourceUrl(t, 'Groups/1'), 'https://api.mural.co/enterprise/v1/scim/Groups/1');
  });

  it('requires https except on loopback', () => {
    assert.match(message('http://api.mural.co/enterprise/v1/scim'), /Use https:\/\/ for api\.mural\.co.*unencrypted/);
    for (const url of ['http://localhost:4000/scim', 'http://127.0.0.1:4000', 'http://127.8.9.10/scim', 'http://[::1]:4000/scim']) {
      assert.equal(parseTenantUrl(url).loopback, true, url);
    }
    assert.match(message('ftp://files.example.com/scim'), /must start with https:\/\//);
  });

  it('explains unusable URLs', () => {
    assert.match(message(''), /Enter the tenant URL/);
    assert.match(message('api.mural.co/enterprise/v1/scim'), /not a full URL\. Did you mean https:\/\/api\.mural\.co\/enterprise\/v1\/scim\?/);
    assert.match(message('https://scim.example.com/scim?tenant=5'), /Remove "\?tenant=5".*only query it may carry is Entra's \?aadOptscim062020/);
    assert.match(message('https://user:pw@scim.example.com/scim'), /Remove the user name and password/);
    assert.match(message('https://scim.example.com/scim#x'), /Remove "#x"/);
  });

  it('warns about a base that ends with /Users or /Groups', () => {
    const t = parseTenantUrl('https://api.mural.co/enterprise/v1/scim/Users/');
    assert.equal(t.base, 'https://api.mural.co/enterprise/v1/scim/Users');
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0], /ends with \/Users.*\(https:\/\/api\.mural\.co\/enterprise\/v1\/scim\)/);
  });

  it('validateTenantUrl gives undefined or the message, for input boxes', () => {
    assert.equal(validateTenantUrl('https://api.mural.co/enterprise/v1/scim'), undefined);
    assert.match(validateTenantUrl('http://example.com') ?? '', /Use https/);
  });

  it('recognises loopback hosts only', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.3', '[::1]', '[::ffff:7f00:1]']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['localhost.example.com', '128.0.0.1', '10.0.0.1', '[::2]', 'api.mural.co']) assert.equal(isLoopbackHost(h), false, h);
  });
});

describe('client/redact', () => {
  it('replaces a secret and its URL-encoded forms, longest first', () => {
    const secrets = secretsOf(['a b/c', undefined, '']);
    assert.deepEqual(secrets, ['a%20b%2Fc', 'a+b%2Fc', 'a b/c']);
    assert.equal(redact('x a b/c y a%20b%2Fc z a+b%2Fc', secrets), 'x *** y *** z ***');
  });

  it('keeps only the scheme of credential headers', () => {
    const headers = redactHeaders({ Authorization: 'Bearer abc', 'proxy-authorization': 'Basic xyz', Cookie: 'sid=1', 'X-Note': 'token abc' }, secretsOf(['abc']));
    assert.deepEqual(headers, { Authorization: 'Bearer ***', 'proxy-authorization': 'Basic ***', Cookie: '***', 'X-Note': 'token ***' });
    assert.equal(credentialOf('Bearer  abc '), 'abc');
    assert.equal(credentialOf('abc'), 'abc');
  });

  it('replaces a short secret only where it stands alone, so bodies stay readable', () => {
    const body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"t","note":"token t, key=t&x"}';
    assert.equal(redact(body, secretsOf(['t'])), '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"***","note":"token ***, key=***&x"}');
    assert.equal(redact('Bearer abc; abcd; xabc', secretsOf(['abc'])), 'Bearer ***; abcd; xabc');
    assert.equal(redact('"\\u0074" t2', secretsOf(['t'])), '"***" t2');
  });

  it('replaces a secret of SHORT_SECRET characters or more wherever it occurs, even inside a word', () => {
    const secret = 'k'.repeat(SHORT_SECRET - 1) + '9';
    assert.equal(redact(`x${secret}y ${secret}`, secretsOf([secret])), 'x***y ***');
  });

  it('hides URL passwords and secrets in URLs', () => {
    assert.equal(redactUrl('http://u:pw@proxy:8080/', []), 'http://u:***@proxy:8080/');
    assert.equal(redactUrl('https://h/Users?key=abc', secretsOf(['abc'])), 'https://h/Users?key=***');
  });
});
