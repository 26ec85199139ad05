import * as assert from 'node:assert/strict';
import { validatePayload } from '../../../src/validation';
import { codes, expectOne, fixed, rangeOf, URNS, withCode } from './helpers';

function list(resources: string, extra = '"totalResults": 1, "startIndex": 1, "itemsPerPage": 1'): string {
  return `{"schemas": ["${URNS.ListResponse}"], ${extra}, "Resources": [${resources}]}`;
}

const MURAL_USER = `{"schemas": ["${URNS.User}"], "id": "udf4297df66b9aa4b6a856182", "userName": "vader@empire.gov", "name": {"givenName": "Anakin", "familyName": "Skywalker"}, "emails": [{"primary": true, "value": "vader@empire.gov"}], "active": true, "meta": {"created": "2023-06-22T10:15:30Z", "lastModified": "2023-06-22T10:15:30Z", "resourceType": "User"}}`;

describe('validation: ListResponse', () => {
  it('a server response is not held to what a client must send (id, meta, emails without type are fine)', () => {
    assert.deepEqual(validatePayload(list(MURAL_USER)), { kind: 'ListResponse', problems: [] });
  });

  it('Entra\'s empty look-up answer, with itemsPerPage as the page size, is fine', () => {
    assert.deepEqual(codes(list('', '"totalResults": 0, "startIndex": 1, "itemsPerPage": 20')), []);
  });

  it('SCIM050: totalResults missing or not a count, bad startIndex, Resources not an array of objects', () => {
    const missing = `{"schemas": ["${URNS.ListResponse}"], "Resources": []}`;
    expectOne(missing, 'SCIM050', '"schemas"');
    const text = list('42', '"totalResults": -1, "startIndex": 0, "itemsPerPage": 1.5');
    const found = withCode(text, 'SCIM050');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['-1', '0', '1.5', '42']);
    expectOne(`{"schemas": ["${URNS.ListResponse}"], "totalResults": 2}`, 'SCIM050', '"totalResults"');
    expectOne(`{"schemas": ["${URNS.ListResponse}"], "totalResults": 0, "Resources": {}}`, 'SCIM050', '{}');
  });

  it('SCIM051: more resources than itemsPerPage or totalResults say', () => {
    const two = `${MURAL_USER}, ${MURAL_USER.replace('udf4297df66b9aa4b6a856182', 'u2')}`;
    const text = list(two, '"totalResults": 1, "startIndex": 1, "itemsPerPage": 1');
    const found = withCode(text, 'SCIM051');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, '1'), { offset: text.indexOf('"itemsPerPage": 1') + 16, length: 1 }]);
  });

  it('SCIM052 and types inside Resources, positioned in the list', () => {
    const text = list(`{"schemas": ["${URNS.User}"], "userName": "a@contoso.com", "active": "yes", "meta": {"created": "yesterday"}}`);
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [['SCIM052', '"schemas"'], ['SCIM030', 'yes'], ['SCIM030', 'yesterday']]);
  });

  it('resources of another kind, and resources without schemas', () => {
    const text = list(`{"schemas": ["${URNS.PatchOp}"]}, {"id": "g1", "displayName": "Eng"}`, '"totalResults": 2');
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [['SCIM014', '"schemas"'], ['SCIM010', '{']]);
    assert.equal(found.length, 2);
  });
});

describe('validation: Error', () => {
  it('a 404 and a 409 uniqueness are fine', () => {
    assert.deepEqual(codes(`{"schemas": ["${URNS.Error}"], "status": "404", "detail": "Not found."}`), []);
    assert.deepEqual(codes(`{"schemas": ["${URNS.Error}"], "status": "409", "scimType": "uniqueness", "detail": "Exists."}`), []);
  });

  it('SCIM060: a numeric status, quoted by the fix; missing or non-HTTP status', () => {
    const text = `{"schemas": ["${URNS.Error}"], "status": 400, "detail": "x"}`;
    const p = expectOne(text, 'SCIM060', '400');
    assert.match(p.message, /RFC 7644/);
    const after = fixed(text, p);
    assert.equal(after, text.replace('400', '"400"'));
    assert.deepEqual(codes(after), []);
    expectOne(`{"schemas": ["${URNS.Error}"], "detail": "x"}`, 'SCIM060', '"schemas"');
    expectOne(`{"schemas": ["${URNS.Error}"], "status": "Not Found"}`, 'SCIM060', 'Not Found');
  });

  it('SCIM061: unknown scimType, with a case fix when only the case differs', () => {
    const text = `{"schemas": ["${URNS.Error}"], "status": "400", "scimType": "InvalidFilter"}`;
    const p = expectOne(text, 'SCIM061', 'InvalidFilter');
    assert.equal(fixed(text, p), text.replace('"InvalidFilter"', '"invalidFilter"'));
    const q = expectOne(`{"schemas": ["${URNS.Error}"], "status": "409", "scimType": "conflict"}`, 'SCIM061', 'conflict');
    assert.equal(q.fixes, undefined);
  });

  it('SCIM030 and SCIM031 for other fields', () => {
    const text = `{"schemas": ["${URNS.Error}"], "status": "400", "detail": 5, "message": "x"}`;
    assert.deepEqual(validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]), [['SCIM030', '5'], ['SCIM031', '"message"']]);
  });
});

describe('validation: SearchRequest', () => {
  it('MURAL\'s own query is fine', () => {
    assert.deepEqual(codes(`{"schemas": ["${URNS.SearchRequest}"], "filter": "userName eq \\"alice@contoso.com\\"", "startIndex": 1, "count": 10}`), []);
  });

  it('SCIM070: filter syntax errors inside the string', () => {
    const text = `{"schemas": ["${URNS.SearchRequest}"], "filter": "userName eq \\"a@b.c\\" and (active eq true"}`;
    const [p] = withCode(text, 'SCIM070');
    assert.equal(text.slice(p.offset, p.offset + p.length), '(');
  });

  it('SCIM023: a userName filter with capitals returns nothing; the fix lowercases the literal', () => {
    const text = `{"schemas": ["${URNS.SearchRequest}"], "filter": "userName eq \\"Alice@Contoso.com\\""}`;
    const p = expectOne(text, 'SCIM023', 'userName eq \\"Alice@Contoso.com\\"');
    assert.match(p.message, /EMPTY list/);
    const after = fixed(text, p);
    assert.equal(after, text.replace('Alice@Contoso.com', 'alice@contoso.com'));
    assert.deepEqual(codes(after), []);
  });

  it('SCIM072: filters and sorting MURAL does not support', () => {
    const text = `{"schemas": ["${URNS.SearchRequest}"], "filter": "emails.value co \\"contoso\\"", "sortBy": "userName"}`;
    const found = withCode(text, 'SCIM072');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['emails.value co \\"contoso\\"', 'userName']);
    assert.equal(found[0].message, 'MURAL refuses this filter (400 invalidFilter): it names emails.value, which MURAL does not filter on.');
  });

  it('SCIM031 and SCIM071: unknown names and bad parameters', () => {
    const text = `{"schemas": ["${URNS.SearchRequest}"], "attributes": ["userName", "nosuch"], "excludedAttributes": "members", "filter": "nope eq 1", "sortOrder": "up", "count": -1}`;
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [['SCIM031', 'nosuch'], ['SCIM071', '"members"'], ['SCIM031', 'nope'], ['SCIM071', 'up'], ['SCIM071', '-1']]);
  });
});
