import * as assert from 'node:assert/strict';
import { resolveAttribute, splitUrn, URN } from '../../../src/scim/schemas';
import { findEntry, MURAL_MAPPING, parseMappingTable } from '../../../src/scim/mapping';
import { ScimError } from '../../../src/scim/errors';

describe('schemas', () => {
  it('resolves core, sub- and URN-qualified attributes case-insensitively', () => {
    assert.equal(resolveAttribute('User', 'USERNAME')?.def.name, 'userName');
    assert.equal(resolveAttribute('User', 'name.givenname')?.def.name, 'givenName');
    assert.equal(resolveAttribute('User', 'name.givenname')?.parent?.name, 'name');
    const mgr = resolveAttribute('User', `${URN.EnterpriseUser}:manager.value`);
    assert.equal(mgr?.extension, URN.EnterpriseUser);
    assert.equal(mgr?.def.name, 'value');
    assert.equal(resolveAttribute('User', `${URN.User}:userName`)?.def.required, true);
    assert.equal(resolveAttribute('Group', 'members.value')?.def.mutability, 'immutable');
    assert.equal(resolveAttribute('User', 'id')?.def.mutability, 'readOnly');
    assert.equal(resolveAttribute('User', 'nosuch'), undefined);
    assert.equal(resolveAttribute('Group', 'userName'), undefined);
    assert.equal(resolveAttribute('Group', `${URN.EnterpriseUser}:department`), undefined);
  });

  it('splits URN prefixes, including unknown schemas', () => {
    assert.deepEqual(splitUrn('User', URN.EnterpriseUser), { urn: URN.EnterpriseUser, rest: '' });
    assert.deepEqual(splitUrn('User', 'urn:x:y:foo.bar'), { urn: 'urn:x:y', rest: 'foo.bar' });
    assert.deepEqual(splitUrn('User', 'name.givenName'), { rest: 'name.givenName' });
  });
});

describe('MURAL mapping table', () => {
  it('holds the seed tutorial rows', () => {
    assert.equal(MURAL_MAPPING.entries.filter((e) => e.resource === 'User').length, 6);
    assert.equal(MURAL_MAPPING.entries.filter((e) => e.resource === 'Group').length, 3);
    assert.equal(findEntry(MURAL_MAPPING, 'User', 'emails[type eq "work"].value')?.required, true);
    assert.equal(findEntry(MURAL_MAPPING, 'User', 'EMAILS[ type eq "work" ].value')?.required, true);
    assert.deepEqual(findEntry(MURAL_MAPPING, 'User', 'name.givenName')?.rules, ['noDigits']);
  });

  it('validates custom tables and names each problem', () => {
    const ok = parseMappingTable({ entries: [{ resource: 'User', target: 'userName', type: 'String', required: true }] });
    assert.equal(ok.problems.length, 0);
    assert.equal(ok.table?.entries[0]?.filterable, false);
    const bad = parseMappingTable({ entries: [{ resource: 'Robot', target: '', type: 'Int', rules: ['shout'] }] });
    assert.equal(bad.table, undefined);
    assert.deepEqual(bad.problems.map((p) => p.path.join('.')), ['entries.0.resource', 'entries.0.target', 'entries.0.type', 'entries.0.rules']);
    assert.equal(parseMappingTable([]).problems.length, 1);
  });
});

describe('ScimError', () => {
  it('serialises status as a string', () => {
    assert.deepEqual(new ScimError(409, 'uniqueness', 'taken').toJSON(), {
      schemas: [URN.Error], status: '409', scimType: 'uniqueness', detail: 'taken',
    });
  });
});
