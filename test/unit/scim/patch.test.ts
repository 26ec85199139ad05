import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPatch, type PatchOptions } from '../../../src/scim/patch';
import { normalizeResource, type Resource } from '../../../src/scim/resource';
import { ScimError } from '../../../src/scim/errors';
import { URN, type ResourceTypeName } from '../../../src/scim/schemas';
import { deepEqual } from '../../../src/scim/values';

const ENT = URN.EnterpriseUser;
const PATCH = [URN.PatchOp];

function user(): Resource {
  return {
    schemas: [URN.User, ENT],
    id: 'u5f1a2b3c4d5e6f7a8b9c0d1e',
    externalId: 'alice',
    userName: 'alice@contoso.com',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'alice@contoso.com' }],
    name: { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Alice' },
    meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-01T00:00:00Z' },
  };
}

function group(members?: string[]): Resource {
  return {
    schemas: [URN.Group, URN.EntraGroup],
    id: 'g1',
    externalId: '8aa1a0c0',
    displayName: 'Engineering',
    ...(members ? { members: members.map((value) => ({ value })) } : {}),
    meta: { resourceType: 'Group' },
  };
}

type Op = Record<string, unknown>;

function patch(rt: ResourceTypeName, current: Resource, ops: Op[], options?: PatchOptions) {
  return applyPatch(rt, current, { schemas: PATCH, Operations: ops }, options);
}

function patchError(rt: ResourceTypeName, current: Resource, body: unknown, scimType: string, options?: PatchOptions): ScimError {
  const before = structuredClone(current);
  try {
    applyPatch(rt, current, body, options);
  } catch (e) {
    assert.ok(e instanceof ScimError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.scimType, scimType, e.detail);
    assert.deepEqual(current, before, 'the resource is left untouched');
    return e;
  }
  assert.fail('expected a ScimError');
}

const opsError = (rt: ResourceTypeName, current: Resource, ops: Op[], scimType: string, options?: PatchOptions) =>
  patchError(rt, current, { schemas: PATCH, Operations: ops }, scimType, options);

describe('applyPatch: what Entra sends for users', () => {
  it('applies the default shape: capitalised ops, one per attribute, filtered email, Add nickName, enterprise URN', () => {
    const current = user();
    const { resource, changed } = patch('User', current, [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.smith@contoso.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Alicia' },
      { op: 'Replace', path: 'name.familyName', value: 'Smith-Jones' },
      { op: 'Add', path: 'nickName', value: 'Babs' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: '701984' },
      { op: 'Add', path: `${ENT}:department`, value: 'Engineering' },
      { op: 'Replace', path: `${ENT}:manager.value`, value: 'u0000000000000000000000bb' },
    ]);
    assert.equal(changed, true);
    assert.deepEqual(resource, {
      ...user(),
      emails: [{ primary: true, type: 'work', value: 'alice.smith@contoso.com' }],
      name: { formatted: 'Alice Smith', familyName: 'Smith-Jones', givenName: 'Alicia' },
      nickName: 'Babs',
      [ENT]: { employeeNumber: '701984', department: 'Engineering', manager: { value: 'u0000000000000000000000bb' } },
    });
    assert.deepEqual(current, user(), 'the input is never mutated');
  });

  it('adds a work email when the filter matches none (Entra and MURAL rely on it), keeping one primary', () => {
    const current = { ...user(), emails: [{ type: 'home', value: 'a@home.org', primary: true }] };
    const { resource } = patch('User', current, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@contoso.com' }]);
    assert.deepEqual(resource.emails, [{ type: 'home', value: 'a@home.org', primary: true }, { type: 'work', value: 'alice@contoso.com' }]);
    const noEmails = { ...user() };
    delete noEmails.emails;
    assert.deepEqual(patch('User', noEmails, [{ op: 'Add', path: 'emails[type eq "work" and primary eq true].value', value: 'a@b.c' }]).resource.emails,
      [{ type: 'work', primary: true, value: 'a@b.c' }]);
    const twoPrimaries = patch('User', current, [{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@x.com', primary: 'True' } }]).resource;
    assert.deepEqual(twoPrimaries.emails, [{ type: 'home', value: 'a@home.org', primary: false }, { type: 'work', value: 'w@x.com', primary: true }]);
  });

  it('answers noTarget when a filter other than equalities matches nothing', () => {
    const e = opsError('User', user(), [{ op: 'replace', path: 'emails[value co "@example.org"].value', value: 'x@example.org' }], 'noTarget');
    assert.match(e.detail, /^Operations\[0\] \(replace emails\[value co "@example.org"\]\.value\): No value of emails matches/);
  });

  it('applies the aadOptscim062020 path-less replace with dotted, URN and filtered keys and nested objects', () => {
    const { resource } = patch('User', user(), [{
      op: 'replace',
      value: {
        displayName: 'Alicia Smith',
        'name.givenName': 'Alicia',
        name: { familyName: 'Jones' },
        [`${ENT}:employeeNumber`]: '701984',
        [ENT]: { costCenter: 'CC-1' },
        'emails[type eq "work"].value': 'alicia@contoso.com',
        active: 'False',
        schemas: ['ignored'],
      },
    }]);
    assert.deepEqual(resource, {
      ...user(),
      displayName: 'Alicia Smith',
      name: { formatted: 'Alice Smith', familyName: 'Jones', givenName: 'Alicia' },
      emails: [{ primary: true, type: 'work', value: 'alicia@contoso.com' }],
      active: false,
      [ENT]: { employeeNumber: '701984', costCenter: 'CC-1' },
    });
  });

  it('accepts every spelling of active Entra sends, and Add on active', () => {
    const inactive = { ...user(), active: false };
    for (const [op, value, from, expected] of [
      ['Replace', 'False', user(), false], ['replace', false, user(), false], ['Replace', 'false', user(), false],
      ['Add', 'False', user(), false], ['Replace', 'True', inactive, true], ['add', true, inactive, true], ['Replace', 'TRUE', inactive, true],
    ] as const) {
      const r = patch('User', from, [{ op, path: 'active', value }]);
      assert.equal(r.resource.active, expected, `${op} ${String(value)}`);
      assert.equal(r.changed, true);
    }
    assert.equal(patch('User', user(), [{ op: 'Replace', path: 'active', value: 'True' }]).changed, false);
    const e = opsError('User', user(), [{ op: 'Replace', path: 'active', value: 'False' }], 'invalidValue', { coerceBooleanStrings: false });
    assert.equal(e.detail, 'Operations[0] (Replace active): "active" must be a boolean (true or false); got "False".');
    assert.match(opsError('User', user(), [{ op: 'Replace', path: 'active', value: 'maybe' }], 'invalidValue').detail, /got "maybe"/);
  });

  it('reports changed=false when Entra re-sends the values already stored', () => {
    const r = patch('User', user(), [
      { op: 'Replace', path: 'userName', value: 'alice@contoso.com' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@contoso.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Alice' },
      { op: 'replace', value: { 'name.familyName': 'Smith', active: true } },
    ]);
    assert.equal(r.changed, false);
    assert.deepEqual(r.resource, user());
  });
});

describe('applyPatch: what Entra sends for groups', () => {
  it('renames a group', () => {
    const r = patch('Group', group(), [{ op: 'Replace', path: 'displayName', value: 'Eng Team' }]);
    assert.equal(r.resource.displayName, 'Eng Team');
    assert.equal(r.changed, true);
  });

  it('adds several members per op without duplicating members already there', () => {
    const r = patch('Group', group(['u1']), [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u2' }, { $ref: null, value: 'u3' }] }]);
    assert.deepEqual(r.resource.members, [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }]);
    const again = patch('Group', r.resource, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u2' }] }]);
    assert.equal(again.changed, false);
    assert.deepEqual(patch('Group', group(), [{ op: 'add', path: 'members', value: { value: 'u9' } }]).resource.members, [{ value: 'u9' }]);
  });

  it('removes only the listed members (Entra), or all of them with strictMemberRemoval', () => {
    const body: Op[] = [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u3' }] }];
    assert.deepEqual(patch('Group', group(['u1', 'u2', 'u3']), body).resource.members, [{ value: 'u2' }]);
    assert.equal('members' in patch('Group', group(['u1', 'u2', 'u3']), body, { strictMemberRemoval: true }).resource, false);
    const gone = patch('Group', group(['u1', 'u3']), body).resource;
    assert.equal('members' in gone, false, 'an emptied multi-valued attribute is unassigned');
    assert.equal(patch('Group', group(['u2']), body).changed, false);
  });

  it('removes a member by value filter, and a member not there changes nothing', () => {
    const r = patch('Group', group(['u1', 'u2']), [{ op: 'remove', path: 'members[value eq "u1"]' }]);
    assert.deepEqual(r.resource.members, [{ value: 'u2' }]);
    assert.equal(patch('Group', group(['u1', 'u2']), [{ op: 'remove', path: 'members[value eq "u7"]' }]).changed, false);
  });

  it('removes every member without a value, and replaces the member list', () => {
    assert.equal('members' in patch('Group', group(['u1', 'u2']), [{ op: 'remove', path: 'members' }]).resource, false);
    assert.deepEqual(patch('Group', group(['u1', 'u2']), [{ op: 'replace', path: 'members', value: [{ value: 'u5' }] }]).resource.members, [{ value: 'u5' }]);
  });
});

describe('applyPatch: RFC 7644 semantics', () => {
  it('removes whole attributes, sub-attributes, and the elements a filter selects', () => {
    const current = { ...user(), nickName: 'Al', emails: [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com', display: 'Home' }] };
    assert.equal('nickName' in patch('User', current, [{ op: 'remove', path: 'nickName' }]).resource, false);
    assert.deepEqual(patch('User', current, [{ op: 'remove', path: 'emails[type eq "home"]' }]).resource.emails, [{ type: 'work', value: 'w@x.com', primary: true }]);
    assert.deepEqual(patch('User', current, [{ op: 'remove', path: 'emails[type eq "home"].display' }]).resource.emails,
      [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com' }]);
    assert.deepEqual(patch('User', current, [{ op: 'remove', path: 'name.givenName' }]).resource.name, { formatted: 'Alice Smith', familyName: 'Smith' });
    assert.equal('emails' in patch('User', current, [{ op: 'Remove', path: 'emails' }]).resource, false);
    assert.deepEqual(patch('User', current, [{ op: 'remove', path: 'emails.display' }]).resource.emails,
      [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com' }]);
  });

  it('appends on add to a multi-valued attribute, merges a value already there, and replaces all on replace', () => {
    const added = patch('User', user(), [{ op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x.com' }, { type: 'work', value: 'ALICE@contoso.com', display: 'Work' }] }]);
    assert.deepEqual(added.resource.emails, [{ primary: true, type: 'work', value: 'ALICE@contoso.com', display: 'Work' }, { type: 'home', value: 'h@x.com' }]);
    const replaced = patch('User', user(), [{ op: 'replace', path: 'emails', value: [{ type: 'home', value: 'h@x.com' }] }]);
    assert.deepEqual(replaced.resource.emails, [{ type: 'home', value: 'h@x.com' }]);
    const primary = patch('User', user(), [{ op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x.com', primary: true }] }]);
    assert.deepEqual(primary.resource.emails, [{ primary: false, type: 'work', value: 'alice@contoso.com' }, { type: 'home', value: 'h@x.com', primary: true }]);
  });

  it('merges sub-attributes into complex attributes on add and replace; null unassigns', () => {
    assert.deepEqual(patch('User', user(), [{ op: 'replace', path: 'name', value: { givenName: 'Al', middleName: 'B', familyName: null } }]).resource.name,
      { formatted: 'Alice Smith', givenName: 'Al', middleName: 'B' });
    assert.equal('nickName' in patch('User', { ...user(), nickName: 'x' }, [{ op: 'replace', path: 'nickName', value: null }]).resource, false);
  });

  it('reads paths case-insensitively and accepts the core URN prefix', () => {
    const r = patch('User', user(), [
      { op: 'REPLACE', path: 'NAME.GIVENNAME', value: 'Al' },
      { op: 'replace', path: `${URN.User}:userName`, value: 'al@contoso.com' },
      { op: 'replace', path: `${ENT.toUpperCase()}:DEPARTMENT`, value: 'Eng' },
    ]).resource;
    assert.equal((r.name as Record<string, unknown>).givenName, 'Al');
    assert.equal(r.userName, 'al@contoso.com');
    assert.deepEqual(r[ENT], { department: 'Eng' });
  });

  it('adds and removes the enterprise extension as a whole, keeping schemas in step', () => {
    const core = { ...user(), schemas: [URN.User] };
    const added = patch('User', core, [{ op: 'add', path: ENT, value: { department: 'Eng', employeeNumber: '7' } }]).resource;
    assert.deepEqual(added[ENT], { department: 'Eng', employeeNumber: '7' });
    assert.deepEqual(added.schemas, [URN.User, ENT]);
    const removed = patch('User', added, [{ op: 'remove', path: ENT }]).resource;
    assert.deepEqual(removed, core);
    const lastOne = patch('User', added, [{ op: 'remove', path: `${ENT}:department` }, { op: 'remove', path: `${ENT}:employeeNumber` }]).resource;
    assert.deepEqual(lastOne, core);
  });

  it('is atomic: when a later operation fails nothing applies and the error names it', () => {
    const current = user();
    const e = opsError('User', current, [
      { op: 'replace', path: 'name.givenName', value: 'Changed' },
      { op: 'replace', path: 'active', value: 'perhaps' },
    ], 'invalidValue');
    assert.match(e.detail, /^Operations\[1\] \(replace active\)/);
    opsError('Group', group(['u1']), [{ op: 'remove', path: 'members' }, { op: 'replace', path: 'id', value: 'x' }], 'mutability');
  });

  it('enforces mutability: readOnly id/meta/groups, required attributes, immutable member values', () => {
    for (const path of ['id', 'meta', 'meta.lastModified', 'groups', `${ENT}:manager.displayName`]) {
      assert.match(opsError('User', user(), [{ op: 'replace', path, value: 'x' }], 'mutability').detail, /read-only/, path);
    }
    opsError('User', user(), [{ op: 'remove', path: 'id' }], 'mutability');
    opsError('User', user(), [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], 'mutability');
    assert.match(opsError('User', user(), [{ op: 'remove', path: 'userName' }], 'mutability').detail, /"userName" is required/);
    opsError('User', user(), [{ op: 'replace', path: 'userName', value: null }], 'mutability');
    opsError('Group', group(), [{ op: 'replace', value: { displayName: null } }], 'mutability');
    opsError('Group', group(['u1']), [{ op: 'replace', path: 'members[value eq "u1"].value', value: 'u2' }], 'mutability');
    opsError('Group', group(['u1']), [{ op: 'remove', path: 'members[value eq "u1"].value' }], 'mutability');
    // A client echoing unchanged readOnly values in a path-less replace is not penalised; changing them is.
    const echo = user();
    assert.equal(patch('User', echo, [{ op: 'replace', value: { id: echo.id, meta: echo.meta, nickName: 'Al' } }]).resource.nickName, 'Al');
    opsError('User', user(), [{ op: 'replace', value: { id: 'forged' } }], 'mutability');
  });

  it('rejects malformed bodies with invalidSyntax', () => {
    const u = user();
    assert.match(patchError('User', u, 'nope', 'invalidSyntax').detail, /JSON object/);
    assert.match(patchError('User', u, { Operations: [] }, 'invalidSyntax').detail, /"schemas" must be/);
    assert.match(patchError('User', u, { schemas: ['urn:x'], Operations: [{ op: 'add', path: 'nickName', value: 'x' }] }, 'invalidSyntax').detail, /"schemas" must be/);
    assert.match(patchError('User', u, { schemas: PATCH }, 'invalidSyntax').detail, /no "Operations" array/);
    assert.match(patchError('User', u, { schemas: PATCH, Operations: {} }, 'invalidSyntax').detail, /must be an array/);
    assert.match(patchError('User', u, { schemas: PATCH, Operations: [] }, 'invalidSyntax').detail, /"Operations" is empty/);
    assert.match(patchError('User', u, { schemas: PATCH, Operations: ['add'] }, 'invalidSyntax').detail, /Operations\[0\] must be an object/);
    assert.equal(opsError('User', u, [{ op: 'add', path: 'nickName', value: 'x' }, { op: 'Update', path: 'nickName', value: 'y' }], 'invalidSyntax').detail,
      'Operations[1] has an unknown op "Update": use "add", "replace" or "remove".');
    assert.match(opsError('User', u, [{ path: 'nickName', value: 'y' }], 'invalidSyntax').detail, /has no "op"/);
    const lower = applyPatch('User', u, { schemas: PATCH, operations: [{ OP: 'add', PATH: 'nickName', VALUE: 'x' }] });
    assert.equal(lower.resource.nickName, 'x', 'member names are case-insensitive too');
  });

  it('rejects bad targets and values with noTarget, invalidPath and invalidValue', () => {
    const u = user();
    assert.match(opsError('User', u, [{ op: 'remove' }], 'noTarget').detail, /needs a "path"/);
    const unknown = opsError('User', u, [{ op: 'add', path: 'shoeSize', value: 44 }], 'invalidPath');
    assert.deepEqual([unknown.offset, unknown.length], [0, 8]);
    assert.match(unknown.detail, /"shoeSize" is not an attribute of a User/);
    assert.match(opsError('User', u, [{ op: 'add', path: 'urn:acme:x:shoeSize', value: 44 }], 'invalidPath').detail, /"urn:acme:x" is not a schema of a User/);
    const malformed = opsError('User', u, [{ op: 'replace', path: 'emails[type eq "work".value', value: 'x' }], 'invalidPath');
    assert.deepEqual([malformed.offset, malformed.length], [21, 6]);
    assert.match(malformed.detail, /^Operations\[0\]\.path: Expected "and", "or" or "\]" after "type eq "work"", found ".value"\.$/);
    assert.match(opsError('User', u, [{ op: 'replace', value: { 'name.nope': 'x' } }], 'invalidPath').detail, /The value's key "name.nope"/);
    opsError('User', u, [{ op: 'replace', path: 'userName[value eq "x"]', value: 'y' }], 'invalidPath');
    opsError('User', u, [{ op: 'replace', path: 'emails[type eq "work"].nope', value: 'y' }], 'invalidPath');
    opsError('User', u, [{ op: 'replace', path: 7, value: 'y' }], 'invalidPath');
    assert.match(opsError('User', u, [{ op: 'add', path: 'nickName' }], 'invalidValue').detail, /needs a "value"/);
    assert.match(opsError('User', u, [{ op: 'replace', value: 'Alice' }], 'invalidValue').detail, /needs an object of attributes/);
    assert.match(opsError('User', u, [{ op: 'replace', path: 'name', value: 'Alice' }], 'invalidValue').detail, /must be an object/);
    assert.match(opsError('User', u, [{ op: 'add', path: 'emails', value: [{ value: 5 }] }], 'invalidValue').detail, /"emails\[0\]\.value" must be a string/);
    opsError('User', u, [{ op: 'replace', path: 'meta.created', value: 'x' }], 'mutability');
  });

  it('reports absurdly nested values as invalidValue, never a stack overflow', () => {
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < 100_000; i++) at.push((at = []));
    assert.match(opsError('User', user(), [{ op: 'replace', path: 'nickName', value: deep }], 'invalidValue').detail, /"nickName" must be a string; got an array\.$/);
    opsError('User', user(), [{ op: 'replace', value: { name: { givenName: deep } } }], 'invalidValue');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property-based test: arbitrary bodies never escape as anything but a 400 ScimError, never touch the input,
// and every successful result is a resource the schemas accept as it is.

const PATHS = [
  'userName', 'name', 'name.givenName', 'NAME.familyName', 'displayName', 'nickName', 'active', 'password', 'emails', 'emails.type',
  'emails[type eq "work"].value', 'emails[type eq "work"]', 'emails[value co "x"]', 'emails[primary eq true].display', 'phoneNumbers',
  'addresses[type eq "work"].locality', 'id', 'meta', 'meta.created', 'groups', 'x509Certificates', `${ENT}:employeeNumber`,
  `${ENT}:manager`, `${ENT}:manager.value`, ENT, 'urn:bogus:x', 'bogus', 'emails[type eq', 'members', 'members[value eq "u1"]',
  'members[value eq "u1"].value', 'members.display', `${URN.Group}:displayName`, '',
];
const KEYS = ['name.givenName', 'displayName', `${ENT}:employeeNumber`, ENT, 'active', 'emails[type eq "work"].value', 'name', 'id', 'schemas',
  'urn:bogus:x', 'members', 'externalId', 'emails'];

const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('False', 'True', 'false', true, false, null, 'x@y.z', '', 'u1'),
  fc.array(fc.record({ value: fc.oneof(fc.string(), fc.constant('u1')), type: fc.constantFrom('work', 'home'), primary: fc.oneof(fc.boolean(), fc.constant('True')), $ref: fc.constant(null) }, { requiredKeys: [] }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('True', 'x', null)), { maxKeys: 4 }),
);
const emailsArb = fc.array(fc.record({ value: fc.constantFrom('w@x.com', 'W@X.com', 'h@x.com', 'new@x.com'), type: fc.constantFrom('work', 'home'), primary: fc.constantFrom(true, false, 'True') }, { requiredKeys: ['value'] }), { maxLength: 3 });
const membersArb = fc.array(fc.record({ value: fc.constantFrom('u1', 'u2', 'u3', 'U1'), $ref: fc.constant(null) }, { requiredKeys: ['value'] }), { maxLength: 3 });
const stringArb = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null));
type Plausible = [string | undefined, fc.Arbitrary<unknown>][];
const USER_OPS: Plausible = [
  ['nickName', stringArb], ['userName', fc.string({ minLength: 1, maxLength: 8 })], ['displayName', stringArb], ['active', fc.constantFrom(true, false, 'True', 'False', 'false')],
  ['name.givenName', stringArb], ['name', fc.record({ givenName: stringArb, familyName: stringArb }, { requiredKeys: [] })],
  ['emails', emailsArb], ['emails[type eq "work"].value', fc.string({ maxLength: 8 })], ['emails[type eq "home"]', fc.record({ value: fc.string({ maxLength: 8 }), primary: fc.boolean() })],
  ['emails.type', fc.constantFrom('work', 'home')], [`${ENT}:employeeNumber`, stringArb], [ENT, fc.record({ department: stringArb }, { requiredKeys: [] })],
  [undefined, fc.dictionary(fc.constantFrom('name.givenName', 'displayName', `${ENT}:department`, 'active', 'emails[type eq "work"].value', 'nickName'), fc.string({ maxLength: 6 }), { maxKeys: 3 })],
];
const GROUP_OPS: Plausible = [
  ['displayName', fc.string({ minLength: 1, maxLength: 8 })], ['externalId', stringArb], ['members', membersArb], ['members[value eq "u1"]', fc.constant(undefined)],
  [undefined, fc.dictionary(fc.constantFrom('displayName', 'externalId', 'members'), fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), membersArb), { maxKeys: 2 })],
];
/** Operations a client would plausibly send, so that most bodies apply and the success invariants get exercised. */
const plausibleOpArb = (ops: Plausible) => fc.oneof(...ops.map(([path, value]) => fc.record({
  op: fc.constantFrom('add', 'Replace', 'remove'),
  value,
  ...(path !== undefined ? { path: fc.constant(path) } : {}),
})));
const anyOpArb = fc.record({
  op: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE') }, fc.constantFrom('update', 7, null)),
  path: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PATHS) }, fc.string({ maxLength: 20 })),
  value: valueArb,
}, { requiredKeys: ['op'] });
const bodyArb = (ops: Plausible) => fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 6, arbitrary: plausibleOpArb(ops) }, anyOpArb), { minLength: 1, maxLength: 4 }).map((Operations) => ({ schemas: PATCH, Operations })) },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.record({ schemas: fc.oneof(fc.constant(PATCH), fc.anything()), Operations: fc.anything() }, { requiredKeys: [] }) },
);

function withoutReadOnly(r: Resource): Resource {
  const { id: _id, meta: _meta, groups: _groups, ...rest } = r;
  return rest;
}

describe('PATCH properties', () => {
  it('never throws anything but a 400 ScimError, never mutates, and always yields a valid resource', function () {
    this.timeout(60_000); // a few hundred generated bodies: ~2 s alone, far more on a loaded machine
    const bases: [ResourceTypeName, Resource][] = [
      ['User', { ...user(), nickName: 'Al', emails: [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com' }], [ENT]: { department: 'Eng' } }],
      ['Group', group(['u1', 'u2'])],
    ];
    const cases = fc.constantFrom(0, 1).chain((which) => fc.tuple(fc.constant(which), bodyArb(which === 0 ? USER_OPS : GROUP_OPS)));
    fc.assert(fc.property(cases, fc.boolean(), ([which, body], strict) => {
      const [rt, current] = bases[which] as [ResourceTypeName, Resource];
      const before = structuredClone(current);
      let result: { resource: Resource; changed: boolean };
      try {
        result = applyPatch(rt, current, body, { strictMemberRemoval: strict });
      } catch (e) {
        if (!(e instanceof ScimError) || e.status !== 400 || !e.detail) throw e;
        assert.deepEqual(current, before);
        return;
      }
      assert.deepEqual(current, before);
      assert.equal(result.changed, !deepEqual(result.resource, before));
      const plain = withoutReadOnly(result.resource);
      assert.ok(deepEqual(normalizeResource(rt, plain), plain), `not a clean resource: ${JSON.stringify(plain)}`);
    }), { numRuns: 10_000 });
  });
});

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe('PATCH copy on write', () => {
  it('never writes into the input, even when every object in it is frozen (as the store keeps `schemas`)', function () {
    this.timeout(60_000); // a few hundred generated bodies: ~2 s alone, far more on a loaded machine
    const bases: [ResourceTypeName, Resource][] = [
      ['User', deepFreeze({ ...user(), nickName: 'Al', emails: [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com' }], [ENT]: { department: 'Eng', manager: { value: 'm1' } } })],
      ['User', deepFreeze({ schemas: [URN.User], userName: 'bob@contoso.com' })],
      ['Group', deepFreeze(group(['u1', 'u2']))],
    ];
    const cases = fc.constantFrom(0, 1, 2).chain((which) => fc.tuple(fc.constant(which), bodyArb(which === 2 ? GROUP_OPS : USER_OPS)));
    fc.assert(fc.property(cases, fc.boolean(), ([which, body], strict) => {
      const [rt, current] = bases[which] as [ResourceTypeName, Resource];
      let result: { resource: Resource; changed: boolean };
      try {
        result = applyPatch(rt, current, body, { strictMemberRemoval: strict });
      } catch (e) {
        if (!(e instanceof ScimError) || e.status !== 400) throw e;
        return;
      }
      assert.equal(result.changed, !deepEqual(result.resource, current));
      assert.ok(Object.isFrozen(current));
    }), { numRuns: 10_000 });
  });

  it('shares the attributes no operation changed with the input', () => {
    const current = user();
    const { resource, changed } = patch('User', current, [{ op: 'Replace', path: 'name.givenName', value: 'Grace' }]);
    assert.ok(changed);
    assert.equal(resource.emails, current.emails);
    assert.equal(resource.schemas, current.schemas);
    assert.notEqual(resource.name, current.name);
    assert.deepEqual(resource.name, { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Grace' });
    assert.equal((current.name as Record<string, unknown>).givenName, 'Alice');
  });
});
