import * as assert from 'node:assert/strict';
import { parseHttpFile, requestAtLine, resolveRequest, type HttpFile, type NamedExchange } from '../../../src/client/httpFile';
import { parseJsonPath, selectJsonPath } from '../../../src/client/jsonPath';

const SAMPLE = [
  '@user = alice-{{$guid}}@contoso.com', //            0
  '@base = {{tenantUrl}}', //                           1
  '', //                                                2
  '### List users', //                                  3
  '# a comment', //                                     4
  'GET {{base}}/Users?filter=userName eq "{{user}}" HTTP/1.1', // 5
  'Authorization: Bearer {{token}}', //                 6
  '', //                                                7
  '###', //                                             8
  '// @name createUser', //                             9
  'POST {{tenantUrl}}/Users', //                       10
  'Content-Type: application/scim+json', //            11
  '// a comment among headers', //                     12
  'Authorization: Bearer {{token}}', //                13
  '', //                                               14
  '{', //                                              15
  '  "userName": "{{user}}",', //                      16
  '  "externalId": "{{$guid}}"', //                    17
  '}', //                                              18
  '', //                                               19
  '', //                                               20
  '###   Delete', //                                   21
  '{{tenantUrl}}/Users/1', //                          22
].join('\n');

function ids(): () => string {
  let n = 0;
  return () => `guid-${++n}`;
}

describe('client/httpFile', () => {
  let file: HttpFile;
  before(() => {
    file = parseHttpFile(SAMPLE);
  });

  it('splits requests at ### with names from the separator or from @name', () => {
    assert.deepEqual(file.problems, []);
    assert.equal(file.requests.length, 3);
    assert.deepEqual(file.requests.map((r) => [r.name, r.method, r.requestLine, r.startLine, r.endLine]), [
      ['List users', 'GET', 5, 4, 7],
      ['createUser', 'POST', 10, 9, 20],
      ['Delete', 'GET', 22, 22, 22],
    ]);
    assert.equal(requestAtLine(file, 16)?.name, 'createUser');
    assert.equal(requestAtLine(file, 8), undefined);
  });

  it('reads request lines, headers (skipping comments) and bodies', () => {
    const [list, create, del] = file.requests;
    assert.equal(list.url, '{{base}}/Users?filter=userName eq "{{user}}"');
    assert.deepEqual(list.headers.map((h) => [h.name, h.value, h.line]), [['Authorization', 'Bearer {{token}}', 6]]);
    assert.equal(list.body, undefined);
    assert.deepEqual(create.headers.map((h) => h.name), ['Content-Type', 'Authorization']);
    assert.equal(create.body?.text, '{\n  "userName": "{{user}}",\n  "externalId": "{{$guid}}"\n}');
    assert.equal(create.body?.offset, SAMPLE.indexOf('{\n  "userName"'));
    assert.equal(del.url, '{{tenantUrl}}/Users/1');
    assert.deepEqual([...file.variables.keys()], ['user', 'base']);
    assert.equal(file.variables.get('user')?.valueOffset, SAMPLE.indexOf('alice-'));
  });

  it('resolves variables from the file and the connection; a file variable once per request, $guid per occurrence', () => {
    const ctx = { tenantUrl: 'https://api.mural.co/enterprise/v1/scim', token: 'tok', guid: ids() };
    const list = resolveRequest(file, file.requests[0], ctx);
    assert.deepEqual(list.problems, []);
    assert.equal(list.request?.url, 'https://api.mural.co/enterprise/v1/scim/Users?filter=userName eq "alice-guid-1@contoso.com"');
    assert.deepEqual(list.request?.headers, { Authorization: 'Bearer tok' });
    const create = resolveRequest(file, file.requests[1], ctx);
    assert.equal(create.request?.name, 'createUser');
    assert.deepEqual(JSON.parse(create.request?.body ?? ''), { userName: 'alice-guid-2@contoso.com', externalId: 'guid-3' });
  });

  it('gives a fresh random UUID for every {{$guid}}', () => {
    const f = parseHttpFile('POST https://x/Users\n\n["{{$guid}}", "{{$guid}}", "{{ $guid }}"]');
    const values = JSON.parse(resolveRequest(f, f.requests[0]).request?.body ?? '[]') as string[];
    assert.equal(values.length, 3);
    assert.equal(new Set(values).size, 3);
    for (const v of values) assert.match(v, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('fills $timestamp and $randomInt', () => {
    const f = parseHttpFile('GET https://x/{{$timestamp}}/{{$timestamp -1 d}}/{{$randomInt 5 10}}');
    const r = resolveRequest(f, f.requests[0], { now: () => 1_700_000_000_500, randomInt: (_min, max) => max - 1 });
    assert.equal(r.request?.url, 'https://x/1700000000/1699913600/9');
    const real = resolveRequest(f, f.requests[0]);
    const n = Number(real.request?.url.split('/').pop());
    assert.ok(Number.isInteger(n) && n >= 5 && n < 10, String(n));
  });

  it('reports unresolved variables with their offsets and lines, and returns no request', () => {
    const text = 'GET https://x/Users/{{id}}\nAuthorization: Bearer {{token}}\nX-Base: {{tenantUrl}}\nX-Bad: {{$nope}} {{$randomInt 9 1}}';
    const f = parseHttpFile(text);
    const r = resolveRequest(f, f.requests[0]);
    assert.equal(r.request, undefined);
    assert.deepEqual(r.problems.map((p) => [text.slice(p.offset, p.offset + p.length), p.line, p.column]), [
      ['{{id}}', 0, 20],
      ['{{token}}', 1, 22],
      ['{{tenantUrl}}', 2, 8],
      ['{{$nope}}', 3, 7],
      ['{{$randomInt 9 1}}', 3, 17],
    ]);
    assert.match(r.problems[0].message, /\{\{id\}\} is not defined: define it in the file with "@id = value"/);
    assert.match(r.problems[1].message, /choose a connection that has a secret token/);
    assert.match(r.problems[3].message, /not a known system variable/);
    assert.ok(r.problems.every((p) => p.severity === 'error'));
  });

  it('reports a problem in a variable definition where it is, and a self-reference', () => {
    const text = '@a = {{b}}\n@b = x{{missing}}\n@c = {{c}}\nGET https://x/{{a}}/{{c}}';
    const f = parseHttpFile(text);
    const r = resolveRequest(f, f.requests[0]);
    const at = r.problems.map((p) => text.slice(p.offset, p.offset + p.length));
    assert.deepEqual(at, ['{{missing}}', '{{b}}', '{{a}}', '{{c}}', '{{c}}']);
    assert.match(r.problems[3].message, /@c refers to itself/);
  });

  it('lets environment variables fill what the file does not define, and warns about tokens in files', () => {
    const f = parseHttpFile('@token = abc\n@id = 1\nGET {{tenantUrl}}/Users/{{id}}\nAuthorization: Bearer {{token}}');
    assert.equal(f.problems.length, 1);
    assert.equal(f.problems[0].severity, 'warning');
    assert.match(f.problems[0].message, /keep tokens out of files/);
    assert.equal(f.problems[0].offset, 0);
    const env = resolveRequest(f, f.requests[0], { variables: { tenantUrl: 'http://localhost:1', id: 'env' } });
    assert.equal(env.request?.url, 'http://localhost:1/Users/1');
    assert.equal(env.request?.headers.Authorization, 'Bearer abc');
    const conn = resolveRequest(f, f.requests[0], { tenantUrl: 'https://h', token: 'fromSecretStorage' });
    assert.equal(conn.request?.headers.Authorization, 'Bearer fromSecretStorage');
  });

  it('handles CRLF files, keeping the body\'s line endings and the offsets right', () => {
    const text = '### one\r\nPATCH https://x/Users/1\r\nContent-Type: application/json\r\n\r\n{\r\n  "a": "{{x}}"\r\n}\r\n\r\n###\r\nDELETE https://x/Users/1\r\n';
    const f = parseHttpFile(text);
    assert.deepEqual(f.problems, []);
    assert.equal(f.requests.length, 2);
    const [patch, del] = f.requests;
    assert.equal(patch.method, 'PATCH');
    assert.deepEqual(patch.headers.map((h) => [h.name, h.value]), [['Content-Type', 'application/json']]);
    assert.equal(patch.body?.text, '{\r\n  "a": "{{x}}"\r\n}');
    assert.equal(del.url, 'https://x/Users/1');
    assert.equal(del.requestLine, 9);
    const r = resolveRequest(f, patch);
    assert.equal(r.problems[0].line, 5);
    assert.equal(text.slice(r.problems[0].offset, r.problems[0].offset + r.problems[0].length), '{{x}}');
  });

  it('defaults the method to GET, strips the HTTP version and joins ?/& continuation lines', () => {
    const f = parseHttpFile('https://x/Groups HTTP/1.1\n  ?excludedAttributes=members\n  &filter=displayName eq "Eng"\nAccept: application/json');
    const [r] = f.requests;
    assert.equal(r.method, 'GET');
    assert.equal(r.url, 'https://x/Groups?excludedAttributes=members&filter=displayName eq "Eng"');
    assert.deepEqual(r.headers.map((h) => h.name), ['Accept']);
    assert.equal(resolveRequest(f, r).request?.url, r.url);
  });

  it('reports syntax problems: a body without a blank line, a bad header, an unclosed {{, an unknown method', () => {
    const text = 'POST https://x/Users\nContent-Type: application/json\n{"a":1}\n###\nGET https://x/{{id\nnot a header\n###\nFETCH https://x';
    const f = parseHttpFile(text);
    assert.deepEqual(f.problems.map((p) => [p.line, text.slice(p.offset, p.offset + p.length)]), [
      [2, '{"a":1}'],
      [5, 'not a header'],
      [4, '{{'],
      [7, 'FETCH'],
    ]);
    assert.match(f.problems[0].message, /blank line between the headers and the body/);
    assert.match(f.problems[3].message, /Unknown method "FETCH"/);
    const first = resolveRequest(f, f.requests[0]);
    assert.equal(first.request, undefined, 'a request with a syntax error in its block is not sendable');
    assert.equal(first.problems.length, 1);
  });

  it('ignores blocks of comments and variables only, and files without requests', () => {
    assert.equal(parseHttpFile('').requests.length, 0);
    assert.equal(parseHttpFile('# nothing\n@a = 1\n###\n// still nothing\n###').requests.length, 0);
    const f = parseHttpFile('###\n###\n### Named\nGET https://x');
    assert.equal(f.requests.length, 1);
    assert.equal(f.requests[0].name, 'Named');
  });

  it('maps offsets to lines and columns', () => {
    const lines = parseHttpFile('ab\ncd\r\nef').lines;
    assert.deepEqual([0, 1, 2].map((l) => lines.lineStart(l)), [0, 3, 7]);
    assert.deepEqual(lines.position(0), { line: 0, column: 0 });
    assert.deepEqual(lines.position(4), { line: 1, column: 1 });
    assert.deepEqual(lines.position(8), { line: 2, column: 1 });
  });

  describe('request variables', () => {
    const CHAIN = [
      '# @name createUser', //                                           0
      'POST {{tenantUrl}}/Users', //                                     1
      'Content-Type: application/scim+json', //                          2
      '', //                                                             3
      '{"userName": "ada@contoso.com"}', //                              4
      '', //                                                             5
      '###', //                                                          6
      'PATCH {{createUser.response.headers.location}}', //               7
      'If-Match: {{createUser.response.body.$.meta.version}}', //        8
      '', //                                                             9
      '{"Operations": [{"op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "{{createUser.response.body.$.emails[0].value}}"}], "was": {{createUser.request.body.*}}, "schema": "{{createUser.response.body.$[\'schemas\'][-1]}}"}', // 10
    ].join('\n');
    const exchange: NamedExchange = {
      request: { headers: { 'content-type': 'application/scim+json', authorization: 'Bearer ***' }, body: '{"userName": "ada@contoso.com"}' },
      response: {
        headers: { location: 'https://t.example/scim/Users/u1', 'content-type': 'application/scim+json' },
        body: JSON.stringify({ id: 'u1', schemas: ['urn:a', 'urn:b'], emails: [{ value: 'ada@contoso.com' }], meta: { version: 'W/"1"' } }),
      },
    };
    const chain = () => parseHttpFile(CHAIN);

    it('fill in from the named request\'s last exchange: headers by any case, JSONPath into the body, * for all of it', () => {
      const f = chain();
      const r = resolveRequest(f, f.requests[1], { tenantUrl: 'https://t.example/scim', exchange: (n) => (n === 'createUser' ? exchange : undefined) });
      assert.deepEqual(r.problems, []);
      assert.equal(r.request?.url, 'https://t.example/scim/Users/u1');
      assert.equal(r.request?.headers['If-Match'], 'W/"1"');
      const body = JSON.parse(r.request?.body ?? '');
      assert.equal(body.Operations[0].value, 'ada@contoso.com');
      assert.deepEqual(body.was, { userName: 'ada@contoso.com' });
      assert.equal(body.schema, 'urn:b', 'bracketed names and negative indexes');
    });

    it('say to send the named request first, at the reference', () => {
      const f = chain();
      const r = resolveRequest(f, f.requests[1], { exchange: () => undefined });
      assert.equal(r.request, undefined);
      const first = r.problems[0];
      assert.equal(first?.message, '{{createUser.response.headers.location}} needs createUser\'s response: send createUser (line 2) first.');
      assert.deepEqual([first?.line, first?.column, first?.length], [7, 6, '{{createUser.response.headers.location}}'.length]);
    });

    it('while editing, only need a request of that name and a readable path', () => {
      const f = chain();
      assert.deepEqual(resolveRequest(f, f.requests[1]).problems, [], 'no exchange needed to check the file');
      const bad = parseHttpFile('# @name a\nGET https://x\n###\nGET https://x/{{b.response.body.$.id}}\n###\nGET https://x/{{a.response.body.id}}\n###\nGET https://x/{{a.response.body.$[*]}}');
      const [, missing, noDollar, wildcard] = bad.requests;
      assert.match(resolveRequest(bad, missing).problems[0]?.message ?? '', /reads the request named b, but no request of this file has that name: write "# @name b"/);
      assert.match(resolveRequest(bad, noDollar).problems[0]?.message ?? '', /A JSONPath starts with "\$"/);
      assert.match(resolveRequest(bad, wildcard).problems[0]?.message ?? '', /wildcards and filters are not supported/);
      const self = parseHttpFile('# @name a\nGET https://x/{{a.response.body.$.id}}');
      assert.match(resolveRequest(self, self.requests[0]).problems[0]?.message ?? '', /this request's own exchange/);
    });

    it('say what is missing in the exchange: a header, a path, a body that is not JSON', () => {
      const f = parseHttpFile('# @name a\nGET https://x\n###\nGET https://x/{{a.response.headers.ETag}}/{{a.response.body.$.nope}}');
      const r = resolveRequest(f, f.requests[1], { exchange: () => exchange });
      assert.deepEqual(r.problems.map((p) => p.message), [
        '{{a.response.headers.ETag}}: a\'s response had no ETag header.',
        '{{a.response.body.$.nope}}: $.nope is not in a\'s response body.',
      ]);
      const text = resolveRequest(f, f.requests[1], { exchange: () => ({ request: { headers: {} }, response: { headers: { etag: 'x' }, body: 'plain' } }) });
      assert.deepEqual(text.problems.map((p) => p.message), ['{{a.response.body.$.nope}}: a\'s response body is not JSON, so $.nope cannot be read from it.']);
    });
  });

  it('parses and selects the JSONPath subset of request variables', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath('$.emails[0].value'), ['emails', 0, 'value']);
    assert.deepEqual(parseJsonPath(`$['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].employeeNumber`), ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'employeeNumber']);
    assert.deepEqual(parseJsonPath('$["a \\"b\\""][-1]'), ['a "b"', -1]);
    for (const bad of ['id', '$.', '$[', '$[x]', '$..id', '$.a b']) assert.ok(parseJsonPath(bad) instanceof Error, bad);
    const doc = { a: [{ b: 1 }, { b: null }], c: { d: false } };
    assert.deepEqual(selectJsonPath(doc, ['a', -1, 'b']), { found: true, value: null });
    assert.deepEqual(selectJsonPath(doc, ['c', 'd']), { found: true, value: false });
    assert.deepEqual(selectJsonPath(doc, ['a', 2]), { found: false });
    assert.deepEqual(selectJsonPath(doc, ['a', 'length']), { found: false }, 'no properties of arrays');
    assert.deepEqual(selectJsonPath(doc, ['toString']), { found: false }, 'own members only');
  });
});
