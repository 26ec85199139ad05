import * as assert from 'node:assert/strict';
import { checkRequired, getAttribute, normalizeResource } from '../../../src/scim/resource';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';

const ENT = URN.EnterpriseUser;

/** What Entra POSTs to /Users (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups). */
const entraUser = {
  schemas: [URN.User, ENT],
  externalId: 'alice',
  userName: 'Alice@contoso.com',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Alice@contoso.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Alice' },
  roles: [],
};

function scimError(fn: () => unknown, scimType: string): ScimError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ScimError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.scimType, scimType, e.detail);
    return e;
  }
  assert.fail('expected a ScimError');
}

describe('normalizeResource', () => {
  it("keeps Entra's user as sent, minus readOnly, empty and unknown attributes", () => {
    assert.deepEqual(normalizeResource('User', { ...entraUser, id: 'forged', groups: [{ value: 'g' }], shoeSize: 44 }), {
      schemas: [URN.User, ENT],
      externalId: 'alice',
      userName: 'Alice@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Alice@contoso.com' }],
      name: { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Alice' },
    });
  });

  it('spells names as the schema does, coerces string booleans and keeps extensions under their URN', () => {
    const r = normalizeResource('User', {
      SCHEMAS: [URN.User.toUpperCase()],
      USERNAME: 'bob@contoso.com',
      Active: 'False',
      Emails: [{ Value: 'bob@contoso.com', Primary: 'true', Type: 'work' }, null],
      [ENT.toLowerCase()]: { EmployeeNumber: '42', manager: { value: 'u1', displayName: 'readOnly, dropped' }, nope: 1 },
      password: 'p4ss',
    });
    assert.deepEqual(r, {
      schemas: [URN.User, ENT],
      userName: 'bob@contoso.com',
      active: false,
      emails: [{ value: 'bob@contoso.com', primary: true, type: 'work' }],
      [ENT]: { employeeNumber: '42', manager: { value: 'u1' } },
      password: 'p4ss',
    });
  });

  it("accepts Entra's group with its extra schema; member $ref null and readOnly display are dropped", () => {
    assert.deepEqual(normalizeResource('Group', {
      schemas: [URN.Group, URN.EntraGroup],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Engineering',
      meta: { resourceType: 'Group' },
      members: [{ $ref: null, value: 'u1', display: 'Alice' }],
    }), {
      schemas: [URN.Group, URN.EntraGroup],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Engineering',
      members: [{ value: 'u1' }],
    });
  });

  it('rejects bodies that are not resources of the type with invalidSyntax', () => {
    assert.match(scimError(() => normalizeResource('User', 'alice'), 'invalidSyntax').detail, /JSON object/);
    assert.match(scimError(() => normalizeResource('User', [entraUser]), 'invalidSyntax').detail, /JSON object/);
    assert.match(scimError(() => normalizeResource('User', { userName: 'a' }), 'invalidSyntax').detail, /"schemas" must be an array/);
    assert.match(scimError(() => normalizeResource('User', { schemas: [ENT], userName: 'a' }), 'invalidSyntax').detail, /must include "urn:ietf:params:scim:schemas:core:2.0:User"/);
    assert.match(scimError(() => normalizeResource('User', { schemas: [URN.Group], displayName: 'a' }), 'invalidSyntax').detail, /does not accept/);
    assert.match(scimError(() => normalizeResource('Group', { schemas: [URN.Group, 'urn:acme:x'] }), 'invalidSyntax').detail, /"urn:acme:x"/);
  });

  it('rejects wrongly typed values with invalidValue naming the attribute and what was expected', () => {
    const bad = (patch: Record<string, unknown>, options?: { coerceBooleanStrings?: boolean }) =>
      scimError(() => normalizeResource('User', { ...entraUser, ...patch }, options), 'invalidValue').detail;
    assert.equal(bad({ active: 'maybe' }), '"active" must be a boolean (Entra\'s "True"/"False" strings are accepted); got "maybe".');
    assert.equal(bad({ active: 'False' }, { coerceBooleanStrings: false }), '"active" must be a boolean (true or false); got "False".');
    assert.match(bad({ userName: 42 }), /^"userName" must be a string; got 42\.$/);
    assert.match(bad({ emails: { value: 'a@b.c' } }), /^"emails" must be an array of objects/);
    assert.match(bad({ emails: [{ value: 'a@b.c' }, { value: 'x', primary: 'yes' }] }), /^"emails\[1\]\.primary" must be a boolean/);
    assert.match(bad({ name: 'Alice Smith' }), /^"name" must be an object with sub-attributes such as formatted, familyName, givenName/);
    assert.match(bad({ [ENT]: { employeeNumber: 7 } }), new RegExp(`^"${ENT}:employeeNumber" must be a string`));
    assert.match(bad({ [ENT]: 'Engineering' }), /must be an object holding the extension's attributes/);
  });
});

describe('checkRequired', () => {
  it('names the missing required attribute', () => {
    assert.doesNotThrow(() => checkRequired('User', normalizeResource('User', entraUser)));
    assert.match(scimError(() => checkRequired('User', { schemas: [URN.User] }), 'invalidValue').detail, /"userName" is required/);
    assert.match(scimError(() => checkRequired('Group', { schemas: [URN.Group], displayName: '' }), 'invalidValue').detail, /"displayName" is required/);
  });
});

describe('getAttribute', () => {
  const user = {
    ...normalizeResource('User', {
      ...entraUser,
      emails: [{ type: 'home', value: 'a@home.org' }, { type: 'work', value: 'alice@contoso.com', primary: true }],
      [ENT]: { department: 'Eng', manager: { value: 'u9' } },
    }),
    id: 'u1',
  };

  it('reads simple, sub-, multi-valued, value-path and extension paths', () => {
    assert.equal(getAttribute('User', user, 'userName'), 'Alice@contoso.com');
    assert.equal(getAttribute('User', user, 'USERNAME'), 'Alice@contoso.com');
    assert.equal(getAttribute('User', user, 'name.givenName'), 'Alice');
    assert.equal(getAttribute('User', user, 'emails'), (user as Record<string, unknown>).emails);
    assert.deepEqual(getAttribute('User', user, 'emails.value'), ['a@home.org', 'alice@contoso.com']);
    assert.deepEqual(getAttribute('User', user, 'emails[type eq "work"].value'), ['alice@contoso.com']);
    assert.deepEqual(getAttribute('User', user, 'emails[type eq "work"]'), [{ type: 'work', value: 'alice@contoso.com', primary: true }]);
    assert.equal(getAttribute('User', user, 'emails[type eq "other"].value'), undefined);
    assert.equal(getAttribute('User', user, `${ENT}:department`), 'Eng');
    assert.equal(getAttribute('User', user, `${ENT}:manager.value`), 'u9');
    assert.deepEqual(getAttribute('User', user, ENT), { department: 'Eng', manager: { value: 'u9' } });
    assert.equal(getAttribute('User', user, `${URN.User}:userName`), 'Alice@contoso.com');
    assert.equal(getAttribute('User', user, 'nickName'), undefined);
    assert.equal(getAttribute('User', user, 'urn:acme:x:y'), undefined);
  });

  it('throws invalidPath for a malformed path', () => {
    assert.equal(scimError(() => getAttribute('User', user, 'emails[type eq'), 'invalidPath').offset, 12);
  });
});
