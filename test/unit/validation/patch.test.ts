import * as assert from 'node:assert/strict';
import { validatePayload } from '../../../src/validation';
import { codes, expectOne, fixed, patch, rangeOf, URNS, withCode } from './helpers';

describe('validation: PatchOp structure', () => {
  it('SCIM040: Operations missing, not an array, or empty', () => {
    expectOne(`{"schemas": ["${URNS.PatchOp}"]}`, 'SCIM040', '"schemas"');
    expectOne(`{"schemas": ["${URNS.PatchOp}"], "Operations": {"op": "add"}}`, 'SCIM040', '{"op": "add"}');
    expectOne(`{"schemas": ["${URNS.PatchOp}"], "Operations": []}`, 'SCIM040', '[]');
  });

  it('SCIM041: operations that are not objects, lack op, or name an unknown op', () => {
    const text = patch('"replace", {"path": "active", "value": true}, {"op": 1, "path": "active", "value": true}, {"op": "update", "path": "active", "value": true}');
    const found = withCode(text, 'SCIM041');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [
      rangeOf(text, '"replace"'), { offset: text.indexOf('{"path"'), length: 1 }, rangeOf(text, '1'), rangeOf(text, 'update'),
    ]);
  });

  it('SCIM042: capitalised ops are a hint explaining Entra\'s two shapes, with a fix', () => {
    const text = patch('{"op": "Replace", "path": "active", "value": false}');
    const p = expectOne(text, 'SCIM042', 'Replace');
    assert.equal(p.severity, 'hint');
    assert.match(p.message, /aadOptscim062020/);
    assert.equal(fixed(text, p), text.replace('"Replace"', '"replace"'));
    assert.deepEqual(codes(patch('{"op": "replace", "path": "active", "value": false}')), []);
  });

  it('SCIM031: keys an operation or a PatchOp does not have', () => {
    const text = `{"schemas": ["${URNS.PatchOp}"], "id": "u1", "Operations": [{"op": "replace", "path": "active", "value": false, "from": "x"}]}`;
    const found = withCode(text, 'SCIM031');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['"id"', '"from"']);
  });
});

describe('validation: PatchOp paths', () => {
  it('SCIM043: a syntax error is underlined inside the string, after escaped quotes', () => {
    const text = patch('{"op": "replace", "path": "emails[type eq \\"work\\"] junk", "value": "a@contoso.com"}');
    const p = expectOne(text, 'SCIM043', 'junk');
    assert.match(p.message, /Invalid path/);
  });

  it('SCIM043: offsets account for \\u escapes', () => {
    const text = patch('{"op": "replace", "path": "name.given\\u004eame extra", "value": "Alice"}');
    expectOne(text, 'SCIM043', 'extra');
  });

  it('SCIM043: an unclosed filter points at its bracket', () => {
    const text = patch('{"op": "replace", "path": "emails[type eq \\"work\\".value", "value": "a@contoso.com"}');
    const [p] = withCode(text, 'SCIM043');
    const pathStart = text.indexOf('emails[');
    assert.ok(p.offset >= pathStart && p.offset + p.length <= text.indexOf('", "value"'), 'inside the path string');
  });

  it('SCIM043: a filter the attribute types cannot compare', () => {
    const text = patch('{"op": "replace", "path": "emails[primary gt true].value", "value": "a@contoso.com"}');
    expectOne(text, 'SCIM043', 'primary gt true');
  });

  it('SCIM044: unknown attributes, sub-attributes and filter attributes, inside the string', () => {
    const text = patch([
      '{"op": "replace", "path": "name.firstName", "value": "A"}',
      '{"op": "replace", "path": "emails[kind eq \\"work\\"].value", "value": "a@contoso.com"}',
      '{"op": "replace", "path": "emails[type eq \\"work\\"].val", "value": "a@contoso.com"}',
      '{"op": "replace", "path": "nosuch", "value": "x"}',
      '{"op": "replace", "path": "urn:example:ext:User:x", "value": "x"}',
    ].join(', '));
    const found = withCode(text, 'SCIM044');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)),
      ['name.firstName', 'kind', 'val', 'nosuch', 'urn:example:ext:User:x']);
  });

  it('SCIM044: a misspelt name close to a known one says "did you mean" in one sentence, with a fix that changes it', () => {
    const cases: [string, string, string, string][] = [
      ['emails[type eq \\"work\\"].vaule', 'vaule', 'emails[type eq \\"work\\"].value', 'value'],
      ['members[valeu eq \\"u1\\"]', 'valeu', 'members[value eq \\"u1\\"]', 'value'],
      ['actve', 'actve', 'active', 'active'],
      ['name.givenNmae', 'name.givenNmae', 'name.givenName', 'givenName'],
      [`${URNS.Enterprise}:departmnt`, `${URNS.Enterprise}:departmnt`, `${URNS.Enterprise}:department`, 'department'],
    ];
    for (const [path, underlined, corrected, near] of cases) {
      // A members path makes it a Group's PatchOp only next to one that names a Group's attribute.
      const text = patch(`${path.startsWith('members') ? '{"op": "add", "path": "members", "value": [{"value": "u2"}]}, ' : ''}{"op": "remove", "path": "${path}"}`);
      const p = expectOne(text, 'SCIM044', underlined);
      assert.match(p.message, new RegExp(`: did you mean "${near}"\\?$`), p.message);
      assert.equal(p.message.split('. ').length, 1, 'one sentence');
      assert.equal(fixed(text, p), text.replace(`"${path}"`, `"${corrected}"`), path);
      assert.deepEqual(codes(fixed(text, p)).filter((c) => c === 'SCIM044'), [], `${path}: fixed`);
    }
    const far = expectOne(patch('{"op": "remove", "path": "emails[type eq \\"work\\"].zzzzzz"}'), 'SCIM044', 'zzzzzz');
    assert.deepEqual([far.fixes ?? [], /it has: .*value/.test(far.message)], [[], true], 'nothing close: the names it has, no fix');
  });

  it('SCIM044: a path naming a whole extension', () => {
    const text = patch(`{"op": "replace", "path": "${URNS.Enterprise}", "value": {"department": "Sales"}}`);
    expectOne(text, 'SCIM044', URNS.Enterprise);
  });

  it('SCIM045: remove without a path', () => {
    const p = expectOne(patch('{"op": "remove", "value": [{"value": "u1"}]}'), 'SCIM045', 'remove');
    assert.match(p.message, /needs a "path"/);
  });

  it('SCIM046: add/replace without value, and a path-less value that is not an object', () => {
    expectOne(patch('{"op": "add", "path": "nickName"}'), 'SCIM046', 'add');
    expectOne(patch('{"op": "replace", "value": "Engineering"}'), 'SCIM046', '"Engineering"');
  });

  it('SCIM047: read-only targets, by path and by path-less key', () => {
    const text = patch('{"op": "replace", "path": "id", "value": "u2"}, {"op": "replace", "path": "meta.created", "value": "2024-01-01T00:00:00Z"}, {"op": "replace", "value": {"groups": [], "active": true}}');
    const found = withCode(text, 'SCIM047');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['id', 'meta.created', 'groups']);
    assert.match(found[0].message, /mutability/);
  });
});

describe('validation: PatchOp values', () => {
  it('string booleans for active: a warning with a fix (legacy), errors for other strings', () => {
    const text = patch('{"op": "Replace", "path": "active", "value": "False"}');
    const p = expectOne(text, 'SCIM021', 'False');
    assert.equal(fixed(text, p), text.replace('"False"', 'false'));
    expectOne(patch('{"op": "replace", "path": "active", "value": "nope"}'), 'SCIM030', 'nope');
    expectOne(patch('{"op": "replace", "value": {"active": "True"}}'), 'SCIM021', 'True');
  });

  it('MURAL rules apply to path values and path-less keys', () => {
    const text = patch([
      '{"op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "Alice@Contoso.com"}',
      '{"op": "replace", "path": "name.givenName", "value": "Al1ce"}',
      '{"op": "replace", "value": {"name.familyName": "Sm1th", "userName": "BOB@contoso.com", "emails[type eq \\"work\\"].value": "Bob@Contoso.com"}}',
      '{"op": "add", "path": "emails", "value": [{"type": "work", "value": "Carol@Contoso.com"}]}',
      '{"op": "replace", "path": "emails[type eq \\"home\\"].value", "value": "Dan@Home.example"}',
    ].join(', '));
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [
      ['SCIM023', 'Alice@Contoso.com'],
      ['SCIM022', 'Al1ce'],
      ['SCIM022', 'Sm1th'],
      ['SCIM023', 'BOB@contoso.com'],
      ['SCIM023', 'Bob@Contoso.com'],
      ['SCIM023', 'Carol@Contoso.com'],
      ['SCIM024', 'emails[type eq \\"home\\"].value'],
    ]);
  });

  it('values are typed against the target', () => {
    const text = patch('{"op": "replace", "path": "userName", "value": 5}, {"op": "replace", "path": "name", "value": "Alice"}, {"op": "add", "path": "emails", "value": {"type": "work", "value": "a@contoso.com"}}, {"op": "replace", "path": "emails[type eq \\"work\\"]", "value": {"value": 1}}');
    const found = withCode(text, 'SCIM030');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['5', '"Alice"', '{"type": "work", "value": "a@contoso.com"}', '1']);
  });

  it('path-less values: dotted, filtered and URN keys, extension objects', () => {
    const text = patch(`{"op": "replace", "value": {"name.givenName": "Barbara", "emails[type eq \\"work\\"].value": "b@contoso.com", "${URNS.User}:userName": "b@contoso.com", "${URNS.Enterprise}:employeeNumber": "7", "${URNS.Enterprise}": {"department": "Sales"}}}`);
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [
      ['SCIM024', `"${URNS.Enterprise}:employeeNumber"`],
      ['SCIM024', '"department"'],
    ]);
  });

  it('path-less keys that do not parse or resolve', () => {
    const text = patch('{"op": "replace", "value": {"name.": "x", "nickname2": "y"}}');
    const found = validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
    assert.deepEqual(found, [['SCIM043', '.'], ['SCIM044', 'nickname2']]);
  });

  it('SCIM048: members value shapes', () => {
    const text = patch([
      '{"op": "add", "path": "members", "value": {"value": "u1"}}',
      '{"op": "add", "path": "members", "value": ["u1", {"display": "Bob"}, {"value": 7}]}',
    ].join(', '));
    const found = withCode(text, 'SCIM048');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['{"value": "u1"}', '"u1"', '{', '7']);
    assert.equal(found[2].offset, text.indexOf('{"display"'));
  });

  it('members: Entra\'s $ref null is fine, both removal shapes are fine', () => {
    const text = patch('{"op": "add", "path": "members", "value": [{"$ref": null, "value": "u1"}, {"$ref": null, "value": "u2"}]}, {"op": "remove", "path": "members", "value": [{"$ref": null, "value": "u1"}]}, {"op": "remove", "path": "members[value eq \\"u2\\"]"}');
    assert.deepEqual(codes(text), []);
  });

  it('SCIM049: remove on members without filter or value list', () => {
    const p = expectOne(patch('{"op": "remove", "path": "members"}'), 'SCIM049', 'members');
    assert.equal(p.severity, 'warning');
  });

  it('infers the resource type: a group rename maps displayName, a user update does not', () => {
    assert.deepEqual(codes(patch('{"op": "replace", "path": "displayName", "value": "Eng"}')), []);
    const user = patch('{"op": "replace", "path": "displayName", "value": "Alice"}, {"op": "replace", "path": "name.givenName", "value": "Alice"}');
    expectOne(user, 'SCIM024', 'displayName');
  });
});
