import * as assert from 'node:assert/strict';
import { parseHttpFile } from '../../../src/client/httpFile';
import { isScimBodyRequest, requestBodyProblems } from '../../../src/client/requestBody';
import { applyFix } from '../../../src/validation';

const USER = '"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]';

function first(text: string) {
  const file = parseHttpFile(text);
  assert.equal(file.requests.length, 1, 'one request');
  return file.requests[0]!;
}

describe('client/requestBody: payload rules on request-file bodies', () => {
  it('finds a digit in a name where it is in the file, as in a *.scim.json file', () => {
    const text = `POST {{tenantUrl}}/Users\nContent-Type: application/scim+json\n\n{\n  ${USER},\n  "userName": "alan@contoso.com",\n  "emails": [{ "type": "work", "primary": true, "value": "alan@contoso.com" }],\n  "name": { "givenName": "Alan2", "familyName": "Turing" }\n}\n`;
    const problems = requestBodyProblems(first(text));
    const digit = problems.find((p) => p.code === 'SCIM022');
    assert.ok(digit, JSON.stringify(problems));
    assert.equal(text.slice(digit.offset, digit.offset + digit.length), 'Alan2');
  });

  it('checks PUT and PATCH to a resource and POST to .search, and shifts fixes to the file', () => {
    const text = `PATCH {{tenantUrl}}/Groups/{{groupId}}\n\n{\n  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],\n  "Operations": [{ "op": "Replace", "path": "displayName", "value": 5 }]\n}\n`;
    assert.ok(requestBodyProblems(first(text)).length > 0);
    const put = `PUT https://tenant.example/scim/v2/Users/u1?x=1\n\n{\n  ${USER},\n  "userName": "Ada@Contoso.com",\n  "emails": [{ "type": "work", "primary": true, "value": "ada@contoso.com" }]\n}\n`;
    const fixable = requestBodyProblems(first(put)).find((p) => p.fixes?.length === 1);
    assert.ok(fixable, 'a lower-case fix');
    const fixed = applyFix(put, fixable.fixes![0]!);
    assert.match(fixed, /"userName": "ada@contoso.com"/);
    assert.ok(!requestBodyProblems(first(fixed)).some((p) => p.code === fixable.code), 'the fix applied to the file removes the problem');
    assert.ok(isScimBodyRequest(first(`POST {{tenantUrl}}/Users/.search\n\n{}\n`)));
  });

  it('treats {{variables}} as values: no syntax error, nothing reported where one is', () => {
    const text = `POST {{tenantUrl}}/Users\n\n{\n  ${USER},\n  "userName": "{{email}}",\n  "active": {{active}},\n  "externalId": "e-{{$guid}}",\n  "emails": [{ "type": "work", "primary": true, "value": "{{email}}" }],\n  "name": { "givenName": "{{given}}", "familyName": "Lovelace" }\n}\n`;
    assert.deepEqual(requestBodyProblems(first(text)), []);
  });

  it('leaves other requests alone: GET, other paths, non-JSON content types, file references', () => {
    const body = `\n\n{ "userName": 5 }\n`;
    for (const request of [`GET {{tenantUrl}}/Users${body}`, `POST {{tenantUrl}}/Schemas${body}`, `POST {{tenantUrl}}/Users\nContent-Type: text/plain${body}`, `POST {{tenantUrl}}/Users\n\n< ./ada.scim.json\n`, `POST https://example.com/Usersx${body}`]) {
      assert.deepEqual(requestBodyProblems(first(request)), [], request);
    }
    assert.ok(requestBodyProblems(first(`POST {{tenantUrl}}/Users${body}`)).length > 0);
  });
});
