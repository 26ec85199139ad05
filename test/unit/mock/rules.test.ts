import * as assert from 'node:assert/strict';
import { ScimError } from '../../../src/scim/errors';
import { compileFilter, formatFilter, parseFilter } from '../../../src/scim/filter';
import { MURAL_MAPPING, type MappingTable } from '../../../src/scim/mapping';
import { URN } from '../../../src/scim/schemas';
import { MuralRules } from '../../../src/mock/rules';

const user = (over: Record<string, unknown> = {}) => ({
  schemas: [URN.User],
  userName: 'Ada@Example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ type: 'home', value: 'Ada@Home.example' }, { type: 'work', value: 'Ada@Example.com', primary: true }],
  ...over,
});

function scimError(status: number, scimType: string, detail: RegExp) {
  return (e: unknown) => e instanceof ScimError && e.status === status && e.scimType === scimType && detail.test(e.detail);
}

describe('MURAL rules (from the mapping table)', () => {
  const rules = new MuralRules();

  it('lowercases userName and the work email only, copying instead of mutating', () => {
    const input = user();
    const out = rules.apply('User', input);
    assert.equal(out.userName, 'ada@example.com');
    assert.deepEqual(out.emails, [{ type: 'home', value: 'Ada@Home.example' }, { type: 'work', value: 'ada@example.com', primary: true }]);
    assert.equal(input.userName, 'Ada@Example.com');
    assert.equal((input.emails[1] as { value: string }).value, 'Ada@Example.com');
    const already = rules.apply('User', out);
    assert.equal(already, out);
  });

  it('treats untyped emails as the work email when none is typed work (MURAL\'s own examples)', () => {
    const out = rules.apply('User', user({ emails: [{ primary: true, value: 'Vader@Empire.gov' }] }));
    assert.deepEqual(out.emails, [{ primary: true, value: 'vader@empire.gov' }]);
  });

  it('rejects digits in name.givenName and name.familyName, naming attribute and value', () => {
    assert.throws(() => rules.apply('User', user({ name: { givenName: 'Ada1', familyName: 'Lovelace' } })), scimError(400, 'invalidValue', /name\.givenName.*"Ada1"/));
    assert.throws(() => rules.apply('User', user({ name: { givenName: 'Ada', familyName: 'Love٣lace' } })), scimError(400, 'invalidValue', /name\.familyName/));
    assert.doesNotThrow(() => rules.apply('User', user({ userName: 'ada.17@example.com', emails: [{ type: 'work', value: 'ada.17@example.com' }] })));
  });

  it('requires userName and a work email for users and displayName for groups', () => {
    assert.throws(() => rules.apply('User', user({ userName: undefined })), scimError(400, 'invalidValue', /userName is required/));
    assert.throws(() => rules.apply('User', user({ emails: [{ type: 'home', value: 'a@b.c' }] })), scimError(400, 'invalidValue', /emails\[type eq "work"\]\.value.*"type": "work"/));
    assert.throws(() => rules.apply('User', user({ emails: undefined })), scimError(400, 'invalidValue', /not derived/));
    assert.throws(() => rules.apply('Group', { schemas: [URN.Group] }), scimError(400, 'invalidValue', /displayName is required/));
    assert.doesNotThrow(() => rules.apply('Group', { schemas: [URN.Group], displayName: 'Eng' }));
  });

  it('follows an edited mapping table instead of hard-coded attribute names', () => {
    const table: MappingTable = {
      name: 'Custom',
      entries: [
        { resource: 'User', target: 'userName', type: 'String', filterable: true, required: true },
        { resource: 'User', target: 'nickName', type: 'String', filterable: false, required: true, rules: ['noDigits', 'lowercase'] },
        { resource: 'User', target: `${URN.EnterpriseUser}:department`, type: 'String', filterable: false, required: false, rules: ['lowercase'] },
      ],
    };
    const custom = new MuralRules(table);
    const out = custom.apply('User', { schemas: [URN.User], userName: 'Ada@X.com', nickName: 'ADA', [URN.EnterpriseUser]: { department: 'R&D' } });
    assert.equal(out.userName, 'Ada@X.com');
    assert.equal(out.nickName, 'ada');
    assert.deepEqual(out[URN.EnterpriseUser], { department: 'r&d' });
    assert.doesNotThrow(() => custom.apply('User', { schemas: [URN.User], userName: 'a', nickName: 'x', name: { givenName: 'R2' } }));
    assert.throws(() => custom.apply('User', { schemas: [URN.User], userName: 'a', nickName: 'x9' }), scimError(400, 'invalidValue', /nickName/));
    assert.throws(() => custom.apply('User', { schemas: [URN.User], userName: 'a' }), scimError(400, 'invalidValue', /nickName is required by Custom/));
    assert.deepEqual([...custom.lowercasedPaths('User')].sort(), ['nickname', `${URN.EnterpriseUser}:department`.toLowerCase()]);
  });

  it('refuses a table naming an attribute the schemas do not have', () => {
    assert.throws(() => new MuralRules({ name: 'x', entries: [{ resource: 'User', target: 'shoeSize', type: 'String', filterable: false, required: false }] }), /shoeSize/);
  });

  describe('exact comparison of lower-cased attributes in filters', () => {
    const stored = rules.apply('User', user());
    const matches = (filter: string, exact = true) => {
      const node = parseFilter(filter);
      return compileFilter(exact ? rules.exactFilter('User', node) : node, 'User')(stored);
    };

    it('finds nothing for eq/sw/co/ew with capitals, anything for ne with capitals', () => {
      assert.equal(matches('userName eq "Ada@Example.com"', false), true);
      assert.equal(matches('userName eq "Ada@Example.com"'), false);
      assert.equal(matches('userName eq "ada@example.com"'), true);
      assert.equal(matches('USERNAME sw "Ada"'), false);
      assert.equal(matches('userName co "EXAMPLE"'), false);
      assert.equal(matches('userName ew ".COM"'), false);
      assert.equal(matches('userName ne "Ada@Example.com"'), true);
      assert.equal(matches(`${URN.User}:userName eq "Ada@Example.com"`), false);
    });

    it('applies to email values, in value paths too, and leaves other attributes case-insensitive', () => {
      assert.equal(matches('emails.value eq "Ada@Example.com"'), false);
      assert.equal(matches('emails[type eq "work" and value eq "Ada@Example.com"]'), false);
      assert.equal(matches('emails[type eq "WORK" and value eq "ada@example.com"]'), true);
      assert.equal(matches('name.givenName eq "ADA"'), true);
      assert.equal(matches('not (userName eq "Ada@Example.com")'), true);
    });

    it('returns the same node when nothing applies', () => {
      const node = parseFilter('userName eq "ada@example.com" and name.givenName eq "ADA"');
      assert.equal(rules.exactFilter('User', node), node);
      assert.equal(formatFilter(rules.exactFilter('Group', parseFilter('displayName eq "Eng"'))), 'displayName eq "Eng"');
    });
  });

  it('reads the table the server ships with', () => {
    assert.equal(new MuralRules().table, MURAL_MAPPING);
  });
});
