import * as assert from 'node:assert/strict';
import { applyFix, validatePayload, type Fix } from '../../../src/validation';
import { MURAL_MAPPING, type MappingTable } from '../../../src/scim/mapping';
import { codes, expectOne, fixed, rangeOf, URNS, user, withCode } from './helpers';

describe('validation: JSON level', () => {
  it('tolerates comments and reports nothing for a clean user', () => {
    const text = `// a user as Entra sends it\n${user('/* mapped */ "externalId": "alice"')}`;
    assert.deepEqual(validatePayload(text), { kind: 'User', problems: [] });
  });

  it('SCIM001: a trailing comma is underlined and the fix removes it', () => {
    const text = `{"schemas": ["${URNS.Group}"], "displayName": "Eng",}`;
    const [p] = withCode(text, 'SCIM001');
    assert.deepEqual({ offset: p.offset, length: p.length }, { offset: text.lastIndexOf(','), length: 1 });
    assert.equal(p.severity, 'error');
    const after = fixed(text, p);
    assert.equal(after, text.replace('",}', '"}'));
    assert.deepEqual(validatePayload(after).problems, []);
  });

  it('SCIM001: other syntax errors sit where jsonc-parser finds them, and absence rules stay quiet', () => {
    const text = `{"schemas": ["${URNS.User}"] "userName": "a@b.co"}`;
    const found = withCode(text, 'SCIM001');
    assert.equal(found.length, 1);
    assert.equal(found[0].offset, text.indexOf('"userName"'));
    assert.deepEqual(codes(text).filter((c) => c === 'SCIM020'), [], 'no "work email missing" on a broken file');
  });

  it('SCIM001: an empty file says so', () => {
    const [p] = validatePayload('').problems;
    assert.equal(p.code, 'SCIM001');
    assert.match(p.message, /empty/);
    assert.deepEqual({ offset: p.offset, length: p.length }, { offset: 0, length: 0 });
  });

  it('SCIM002: duplicate keys, exact and in another letter case, and a URN listed twice', () => {
    const text = user('"externalId": "a", "ExternalId": "b", "active": true, "active": false');
    const found = withCode(text, 'SCIM002');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, '"ExternalId"'), rangeOf(text, '"active"', 1)]);
    assert.match(found[0].message, /case-insensitive/);
    const twice = `{"schemas": ["${URNS.Group}", "${URNS.Group}"], "displayName": "Eng"}`;
    expectOne(twice, 'SCIM002', URNS.Group, 1);
  });

  it('SCIM002: duplicates inside values the validator does not interpret are found too', () => {
    const text = user('"x-custom": {"a": 1, "b": {"c": 1, "c": 2}}');
    expectOne(text, 'SCIM002', '"c"', 1);
  });

  it('SCIM003: a payload must be an object', () => {
    const text = `[{"schemas": ["${URNS.Group}"], "displayName": "Eng"}]`;
    const r = validatePayload(text);
    assert.equal(r.kind, 'unknown');
    assert.deepEqual(r.problems.map((p) => [p.code, p.offset, p.length]), [['SCIM003', 0, 1]]);
  });
});

describe('validation: schemas and kinds', () => {
  it('detects every kind from schemas', () => {
    const kinds: [string, string][] = [
      [URNS.User, 'User'], [URNS.Group, 'Group'], [URNS.PatchOp, 'PatchOp'], [URNS.ListResponse, 'ListResponse'],
      [URNS.Error, 'Error'], [URNS.SearchRequest, 'SearchRequest'],
    ];
    for (const [urn, kind] of kinds) assert.equal(validatePayload(`{"schemas": ["${urn}"]}`).kind, kind);
    assert.equal(validatePayload('{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]}').kind, 'unknown');
  });

  it('SCIM010: no schemas; the fix adds the URN of the kind the attributes show', () => {
    const text = '{\n  "userName": "bob@contoso.com",\n  "emails": [{"type": "work", "value": "bob@contoso.com"}]\n}';
    const p = expectOne(text, 'SCIM010', '{');
    const after = fixed(text, p);
    assert.equal(after, text.replace('{\n  "userName"', `{\n  "schemas": ["${URNS.User}"],\n  "userName"`));
    assert.deepEqual(validatePayload(after), { kind: 'User', problems: [] });
  });

  it('SCIM010: no fix when nothing shows what the object is', () => {
    const p = expectOne('{"foo": 1}', 'SCIM010', '{');
    assert.equal(p.fixes, undefined);
  });

  it('SCIM011: schemas as a string is wrapped in an array', () => {
    const text = `{"schemas": "${URNS.Group}", "displayName": "Eng"}`;
    const p = expectOne(text, 'SCIM011', URNS.Group);
    assert.deepEqual(validatePayload(fixed(text, p)).problems, []);
    expectOne(`{"schemas": [42, "${URNS.Group}"], "displayName": "Eng"}`, 'SCIM011', '42');
  });

  it('SCIM012: the core URN missing is added first', () => {
    const text = `{"schemas": ["${URNS.Enterprise}"], "userName": "a@contoso.com", "emails": [{"type": "work", "value": "a@contoso.com"}]}`;
    const p = expectOne(text, 'SCIM012', '"schemas"');
    const after = fixed(text, p);
    assert.ok(after.startsWith(`{"schemas": ["${URNS.User}", "${URNS.Enterprise}"]`), after);
    assert.deepEqual(validatePayload(after).problems, []);
  });

  it('SCIM012: an extension object whose URN schemas does not list', () => {
    const text = user(`"${URNS.Enterprise}": {"department": "Sales"}`);
    const p = expectOne(text, 'SCIM012', `"${URNS.Enterprise}"`);
    const after = fixed(text, p);
    assert.ok(after.includes(`"schemas": ["${URNS.User}", "${URNS.Enterprise}"]`), after);
    assert.deepEqual(codes(after), ['SCIM024'], 'department is valid but not mapped by MURAL');
  });

  it('SCIM013: unknown URNs are errors', () => {
    const text = `{"schemas": ["${URNS.Group}", "urn:example:custom:Group"], "displayName": "Eng"}`;
    const p = expectOne(text, 'SCIM013', 'urn:example:custom:Group');
    assert.equal(p.severity, 'error');
  });

  it('SCIM013 + SCIM012: only unknown URNs, but the keys show a user', () => {
    const text = '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Users"], "userName": "a@contoso.com"}';
    expectOne(text, 'SCIM013', 'urn:ietf:params:scim:schemas:core:2.0:Users');
    const p = expectOne(text, 'SCIM012', '"schemas"');
    assert.ok(fixed(text, p).includes(`["${URNS.User}", "urn:ietf:params:scim:schemas:core:2.0:Users"]`));
    assert.equal(validatePayload(text).kind, 'User');
  });

  it('SCIM014: URNs of another kind', () => {
    const text = `{"schemas": ["${URNS.PatchOp}", "${URNS.User}"], "Operations": [{"op": "replace", "path": "active", "value": true}]}`;
    expectOne(text, 'SCIM014', URNS.User);
    assert.equal(validatePayload(text).kind, 'PatchOp');
  });
});

describe('validation: MURAL rules from the mapping table', () => {
  it('SCIM020: a user without a work email, with the fix that copies userName (lower case)', () => {
    const text = `{\n  "schemas": ["${URNS.User}"],\n  "userName": "bob@contoso.com"\n}`;
    const p = expectOne(text, 'SCIM020', '"schemas"');
    assert.match(p.message, /emails\[type eq "work"\]\.value/);
    const after = fixed(text, p);
    assert.equal(after, text.replace('"bob@contoso.com"\n}', '"bob@contoso.com",\n  "emails": [\n    {\n      "primary": true,\n      "type": "work",\n      "value": "bob@contoso.com"\n    }\n  ]\n}'));
    assert.deepEqual(validatePayload(after).problems, []);
  });

  it('SCIM020: the added email is laid out as the document is — its indentation and line ends, or one line', () => {
    const nested = (indent: string, eol: string) => `{${eol}${indent}"schemas": ["${URNS.User}"],${eol}${indent}"userName": "bob@contoso.com",${eol}${indent}"emails": [${eol}${indent}${indent}{"type": "home", "value": "bob@home.example"}${eol}${indent}]${eol}}`;
    for (const [indent, eol] of [['    ', '\r\n'], ['\t', '\n']]) {
      const text = nested(indent, eol);
      const after = fixed(text, expectOne(text, 'SCIM020', '"emails"'));
      const i2 = indent + indent;
      assert.equal(after, text.replace(`"bob@home.example"}${eol}`,
        `"bob@home.example"},${eol}${i2}{${eol}${i2}${indent}"primary": true,${eol}${i2}${indent}"type": "work",${eol}${i2}${indent}"value": "bob@contoso.com"${eol}${i2}}${eol}`), JSON.stringify(indent));
      assert.deepEqual(withCode(after, 'SCIM020'), []);
    }
    const line = `{"schemas": ["${URNS.User}"], "userName": "bob@contoso.com"}`;
    const after = fixed(line, expectOne(line, 'SCIM020', '"schemas"'));
    assert.equal(after, line.replace('.com"}', '.com", "emails": [ { "primary": true, "type": "work", "value": "bob@contoso.com" } ]}'));
  });

  it('SCIM020: emails without a work one; the fix appends one without a second primary', () => {
    const text = `{"schemas": ["${URNS.User}"], "userName": "Bob@Contoso.com", "emails": [{"primary": true, "type": "home", "value": "bob@home.example"}]}`;
    const p = expectOne(text, 'SCIM020', '"emails"');
    const after = fixed(text, p);
    assert.ok(after.includes('{"primary": true, "type": "home", "value": "bob@home.example"}, { "type": "work", "value": "bob@contoso.com" }]'), after);
    assert.deepEqual(withCode(after, 'SCIM020'), []);
  });

  it('SCIM020: an email without type is not a work email', () => {
    const text = `{"schemas": ["${URNS.User}"], "userName": "bob@contoso.com", "emails": [{"primary": true, "value": "bob@contoso.com"}]}`;
    expectOne(text, 'SCIM020', '"emails"');
  });

  it('SCIM020: no fix when userName is not an email; groups need displayName', () => {
    const p = expectOne(`{"schemas": ["${URNS.User}"], "userName": "bob"}`, 'SCIM020', '"schemas"');
    assert.equal(p.fixes, undefined);
    const g = `{"schemas": ["${URNS.Group}"], "displayName": ""}`;
    const q = expectOne(g, 'SCIM020', '"displayName"');
    assert.match(q.message, /displayName/);
    expectOne(`{"schemas": ["${URNS.Group}"], "externalId": "x"}`, 'SCIM020', '"schemas"');
  });

  it('SCIM021: Entra\'s string booleans are a warning with a fix; other strings an error', () => {
    for (const s of ['True', 'False', 'false', 'TRUE']) {
      const text = user(`"active": "${s}"`);
      const p = expectOne(text, 'SCIM021', s);
      assert.equal(p.severity, 'warning');
      assert.equal(p.message, `active is a boolean, not the string "${s}": write ${s.toLowerCase()}.`);
      const after = fixed(text, p);
      assert.equal(after, text.replace(`"${s}"`, s.toLowerCase()));
      assert.deepEqual(validatePayload(after).problems, []);
    }
    const bad = user('"active": "yes"');
    assert.equal(expectOne(bad, 'SCIM030', 'yes').severity, 'error');
  });

  it('SCIM022: digits in names are errors without an automatic fix', () => {
    const text = user('"name": {"givenName": "Al1ce", "familyName": "Sm1th", "middleName": "J2"}');
    const found = withCode(text, 'SCIM022');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, 'Al1ce'), rangeOf(text, 'Sm1th')]);
    for (const p of found) {
      assert.equal(p.fixes, undefined);
      assert.match(p.message, /^MURAL rejects digits in name\.(givenName|familyName) \(Entra maps it from (givenName|surname)\): "\w+"\.$/);
    }
  });

  it('SCIM023: userName and the work email in capitals; the fix lowercases', () => {
    const text = `{"schemas": ["${URNS.User}"], "userName": "Alice@Contoso.com", "emails": [{"type": "work", "value": "ALICE@contoso.com"}, {"type": "home", "value": "Alice@Home.example"}]}`;
    const found = withCode(text, 'SCIM023');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, 'Alice@Contoso.com'), rangeOf(text, 'ALICE@contoso.com')]);
    assert.equal(found[0].message, 'MURAL stores userName in lower case (Entra maps it from userPrincipalName): send "alice@contoso.com".');
    assert.equal(fixed(text, found[0]), text.replace('"Alice@Contoso.com"', '"alice@contoso.com"'));
    assert.equal(fixed(text, found[1]), text.replace('"ALICE@contoso.com"', '"alice@contoso.com"'));
  });

  it('SCIM024: attributes MURAL does not map are information; empty values are not reported', () => {
    const text = user(`"title": "Engineer", "roles": [], "nickName": null, "name": {"formatted": "Alice Smith", "givenName": "Alice"}, "emails2": 1`);
    const found = withCode(text, 'SCIM024');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, '"title"'), rangeOf(text, '"formatted"')]);
    assert.equal(found[0].severity, 'information');
    assert.equal(found[0].message, 'MURAL does not map title, so it ignores it.');
  });

  it('SCIM024: enterprise attributes and non-work emails', () => {
    const text = `{"schemas": ["${URNS.User}", "${URNS.Enterprise}"], "userName": "a@contoso.com", "emails": [{"type": "work", "value": "a@contoso.com"}, {"type": "home", "value": "a@home.example"}], "${URNS.Enterprise}": {"department": "Sales"}}`;
    const found = withCode(text, 'SCIM024');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, 'home'), rangeOf(text, '"department"')]);
  });

  it('SCIM025: id and groups in a request, with a fix that removes them', () => {
    const text = `{\n  "schemas": ["${URNS.User}"],\n  "id": "u1",\n  "userName": "a@contoso.com",\n  "emails": [{"type": "work", "value": "a@contoso.com"}],\n  "groups": [{"value": "g1"}]\n}`;
    const found = withCode(text, 'SCIM025');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, '"id"'), rangeOf(text, '"groups"')]);
    assert.equal(fixed(text, found[0]), text.replace('  "id": "u1",\n', ''));
    assert.equal(fixed(text, found[1]), text.replace(',\n  "groups": [{"value": "g1"}]', ''));
    assert.equal(found[0].message, 'id is read-only: MURAL assigns it, so remove it.');
  });

  it('SCIM025: meta beyond resourceType, and read-only sub-attributes', () => {
    const text = `{"schemas": ["${URNS.User}", "${URNS.Enterprise}"], "userName": "a@contoso.com", "emails": [{"type": "work", "value": "a@contoso.com"}], "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z"}, "${URNS.Enterprise}": {"manager": {"value": "m1", "displayName": "Boss"}}}`;
    const found = withCode(text, 'SCIM025');
    assert.deepEqual(found.map((p) => ({ offset: p.offset, length: p.length })), [rangeOf(text, '"meta"'), rangeOf(text, '"displayName"')]);
    assert.equal(fixed(text, found[1]), text.replace(', "displayName": "Boss"', ''));
  });

  it('SCIM026: Entra\'s meta.resourceType is only a hint; another resourceType is a warning', () => {
    const text = user('"meta": {"resourceType": "User"}');
    const p = expectOne(text, 'SCIM026', '"meta"');
    assert.equal(p.severity, 'hint');
    assert.deepEqual(validatePayload(fixed(text, p)).problems, []);
    expectOne(user('"meta": {"resourceType": "Group"}'), 'SCIM025', '"meta"');
  });

  it('a custom mapping table changes the rules', () => {
    const custom: MappingTable = {
      name: 'Custom',
      entries: [
        { resource: 'User', target: 'userName', type: 'String', filterable: true, required: true },
        { resource: 'User', target: 'title', type: 'String', filterable: false, required: true },
        { resource: 'User', target: 'name.givenName', type: 'String', filterable: false, required: false, rules: ['lowercase'] },
        { resource: 'User', target: 'name.familyName', type: 'String', filterable: false, required: false },
        { resource: 'User', target: 'emails[type eq "home"].value', type: 'String', filterable: false, required: false, rules: ['lowercase'] },
      ],
    };
    const text = `{"schemas": ["${URNS.User}"], "userName": "Bob@Contoso.com", "name": {"givenName": "Bob2", "familyName": "Sm1th"}, "emails": [{"type": "home", "value": "Bob@Home.example"}]}`;
    // MURAL's table: capitals in userName, no work email, digits in both names, the home email unmapped.
    assert.deepEqual(codes(text, { mapping: MURAL_MAPPING }), ['SCIM023', 'SCIM022', 'SCIM022', 'SCIM020', 'SCIM024']);
    // The custom table: title required, userName not lower-cased, givenName lower-cased, no digit rule, home email mapped.
    const custom2 = withCode(text, 'SCIM023', { mapping: custom });
    assert.deepEqual(custom2.map((p) => text.slice(p.offset, p.offset + p.length)), ['Bob2', 'Bob@Home.example']);
    const required = withCode(text, 'SCIM020', { mapping: custom });
    assert.equal(required.length, 1);
    assert.match(required[0].message, /title/);
    assert.deepEqual(withCode(text, 'SCIM022', { mapping: custom }), []);
    assert.deepEqual(withCode(text, 'SCIM024', { mapping: custom }), []);
  });
});

describe('validation: schema types and attributes', () => {
  it('SCIM030: wrong JSON types against the schema', () => {
    const text = user('"externalId": 7, "name": "Alice", "phoneNumbers": {"value": "1"}, "x509Certificates": ["abc"], "active": 1');
    const found = withCode(text, 'SCIM030');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)), ['7', '"Alice"', '{"value": "1"}', '"abc"', '1']);
  });

  it('SCIM030: a multi-valued attribute sent as one object also misses the work email', () => {
    const text = `{"schemas": ["${URNS.User}"], "userName": "a@contoso.com", "emails": {"type": "work", "value": "a@contoso.com"}}`;
    assert.deepEqual(codes(text), ['SCIM020', 'SCIM030']);
    expectOne(text, 'SCIM030', '{"type": "work", "value": "a@contoso.com"}');
  });

  it('null means "no value" and is accepted anywhere', () => {
    assert.deepEqual(codes(user('"name": null, "active": null, "externalId": null')), []);
  });

  it('SCIM031: unknown attributes, sub-attributes, dotted and URN-qualified keys in a resource', () => {
    const text = user(`"owner": "x", "name": {"firstName": "A"}, "name.givenName": "A", "${URNS.Enterprise}:department": "S", "urn:example:ext": {}`);
    const found = withCode(text, 'SCIM031');
    assert.deepEqual(found.map((p) => text.slice(p.offset, p.offset + p.length)),
      ['"owner"', '"firstName"', '"name.givenName"', `"${URNS.Enterprise}:department"`, '"urn:example:ext"']);
    assert.match(found[2].message, /Dotted keys belong in PATCH/);
    assert.match(found[3].message, /extension object/);
  });

  it('SCIM031: one short sentence, "did you mean" with a rename fix when a name is close, and a removal fix', () => {
    const text = user('"displayNme": "Ada", "owner": "x", "name": {"givenNam": "A"}');
    const found = withCode(text, 'SCIM031');
    assert.deepEqual(found.map((p) => p.message), [
      'User has no attribute "displayNme": did you mean "displayName"?',
      'User has no attribute "owner"; a server ignores or rejects it.',
      'name has no attribute "givenNam": did you mean "givenName"?',
    ]);
    assert.deepEqual(found.map((p) => (p.fixes ?? []).map((f) => f.title)), [
      ['Change to "displayName"', 'Remove "displayNme"'], ['Remove "owner"'], ['Change to "givenName"', 'Remove "givenNam"'],
    ]);
    const renamed = applyFix(text, found[0]?.fixes?.[0] as Fix);
    assert.ok(renamed.includes('"displayName": "Ada"') && !renamed.includes('displayNme'));
    const removed = applyFix(text, found[1]?.fixes?.[0] as Fix);
    assert.deepEqual(JSON.parse(removed).owner, undefined);
    assert.deepEqual(codes(removed).filter((c) => c === 'SCIM031').length, 2);
  });

  it('SCIM032: malformed emails', () => {
    for (const bad of ['alice', 'alice@contoso', 'alice @contoso.com', 'a@@b.com']) {
      const text = `{"schemas": ["${URNS.User}"], "userName": "alice@contoso.com", "emails": [{"type": "work", "value": "${bad}"}]}`;
      const nth = text.slice(0, text.indexOf(`"value": "${bad}"`)).split(bad).length - 1;
      expectOne(text, 'SCIM032', bad, nth);
    }
    assert.deepEqual(codes(user()), []);
  });
});
