import * as assert from 'node:assert/strict';
import { listResponse, parsePaging, project, sortResources } from '../../../src/scim/projection';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';

const ENT = URN.EnterpriseUser;

const user = {
  schemas: [URN.User, ENT],
  id: 'u1',
  externalId: 'alice',
  userName: 'alice@contoso.com',
  name: { givenName: 'Alice', familyName: 'Smith' },
  active: true,
  password: 'secret',
  emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }, { type: 'home', value: 'a@home.org' }],
  meta: { resourceType: 'User', created: '2020-01-01T00:00:00Z' },
  [ENT]: { department: 'Eng', employeeNumber: '42' },
};

const group = {
  schemas: [URN.Group],
  id: 'g1',
  displayName: 'Engineering',
  members: [{ value: 'u1' }, { value: 'u2' }],
  meta: { resourceType: 'Group' },
};

function scimError(fn: () => unknown, scimType: string): ScimError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ScimError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.scimType, scimType);
    return e;
  }
  assert.fail('expected a ScimError');
}

describe('project', () => {
  it('returns default attributes and never the password', () => {
    const { password: _never, ...expected } = user;
    assert.deepEqual(project('User', user, {}), expected);
    assert.equal('password' in project('User', user, { attributes: ['password'] }), false);
    assert.equal('password' in project('User', user, { attributes: ['userName', 'password'] }), false);
  });

  it('selects attributes, sub-attributes and extension attributes; id and schemas always come along', () => {
    assert.deepEqual(project('User', user, { attributes: ['userName'] }), { schemas: user.schemas, id: 'u1', userName: 'alice@contoso.com' });
    assert.deepEqual(project('User', user, { attributes: ['name.givenName', 'EMAILS.value', ' '] }), {
      schemas: user.schemas, id: 'u1', name: { givenName: 'Alice' }, emails: [{ value: 'alice@contoso.com' }, { value: 'a@home.org' }],
    });
    assert.deepEqual(project('User', user, { attributes: [`${URN.User}:userName`, `${ENT}:department`] }), {
      schemas: user.schemas, id: 'u1', userName: 'alice@contoso.com', [ENT]: { department: 'Eng' },
    });
    assert.deepEqual(project('User', user, { attributes: [ENT] }), { schemas: user.schemas, id: 'u1', [ENT]: user[ENT] });
    assert.deepEqual(project('User', user, { attributes: ['nosuch'] }), { schemas: user.schemas, id: 'u1' });
  });

  it('excludes attributes, but never id or schemas', () => {
    assert.deepEqual(project('Group', group, { excludedAttributes: ['members'] }), { schemas: group.schemas, id: 'g1', displayName: 'Engineering', meta: group.meta });
    const p = project('User', user, { excludedAttributes: ['id', 'schemas', 'emails.value', 'name', ENT, 'meta.created'] });
    assert.deepEqual(p, {
      schemas: user.schemas, id: 'u1', externalId: 'alice', userName: 'alice@contoso.com', active: true,
      emails: [{ type: 'work', primary: true }, { type: 'home' }], meta: { resourceType: 'User' },
    });
    assert.deepEqual(project('User', user, { excludedAttributes: [`${ENT}:department`] })[ENT], { employeeNumber: '42' });
    assert.deepEqual(project('User', user, { attributes: ['userName', 'name'], excludedAttributes: ['name.familyName'] }), {
      schemas: user.schemas, id: 'u1', userName: 'alice@contoso.com', name: { givenName: 'Alice' },
    });
  });

  it('never mutates its input', () => {
    const before = structuredClone(user);
    project('User', user, { attributes: ['name.givenName'], excludedAttributes: ['emails.value'] });
    project('User', user, { excludedAttributes: ['emails.value', 'name.givenName'] });
    assert.deepEqual(user, before);
  });
});

describe('sortResources', () => {
  const a = { id: '1', userName: 'bob@x.com', externalId: 'b', meta: { created: '2020-01-01T10:00:00+02:00' }, emails: [{ value: 'z@x.com' }, { value: 'c@x.com', primary: true }] };
  const b = { id: '2', userName: 'Alice@x.com', externalId: 'B', meta: { created: '2020-01-01T09:00:00Z' }, emails: [{ value: 'm@x.com' }] };
  const c = { id: '3', userName: 'carol@x.com', externalId: 'a' };
  const d = { id: '4', userName: 'alice@X.com', externalId: 'A', meta: { created: '2019-12-31T23:00:00Z' } };
  const ids = (list: Record<string, unknown>[]) => list.map((r) => r.id).join('');

  it('sorts strings case-insensitively unless caseExact, ascending by default, stably', () => {
    assert.equal(ids(sortResources('User', [a, b, c, d], 'userName')), '2413');
    assert.equal(ids(sortResources('User', [a, b, c, d], 'USERNAME', 'descending')), '3124');
    assert.equal(ids(sortResources('User', [a, b, c, d], 'externalId')), '4231', 'externalId is caseExact: upper case first');
  });

  it('sorts dateTimes as instants with missing values last in both orders', () => {
    assert.equal(ids(sortResources('User', [a, b, c, d], 'meta.created')), '4123');
    assert.equal(ids(sortResources('User', [a, b, c, d], 'meta.created', 'descending')), '2143');
  });

  it('sorts a multi-valued attribute by its primary value, else the first', () => {
    assert.equal(ids(sortResources('User', [a, b, c, d], 'emails')), '1234');
    assert.equal(ids(sortResources('User', [b, a], 'emails.value')), '12');
  });

  it('keeps the order for unknown attributes, rejects a complex attribute, never mutates', () => {
    const list = [c, a, b];
    assert.equal(ids(sortResources('User', list, 'shoeSize')), '312');
    assert.match(scimError(() => sortResources('User', list, 'name'), 'invalidValue').detail, /name\.formatted/);
    sortResources('User', list, 'userName');
    assert.equal(ids(list), '312');
  });
});

describe('parsePaging and listResponse', () => {
  const limits = { defaultCount: 100, maxCount: 200 };

  it('defaults, clamps startIndex to 1 and count to [0, maxCount]', () => {
    assert.deepEqual(parsePaging(undefined, undefined, limits), { startIndex: 1, count: 100 });
    assert.deepEqual(parsePaging('', '', limits), { startIndex: 1, count: 100 });
    assert.deepEqual(parsePaging('0', '0', limits), { startIndex: 1, count: 0 });
    assert.deepEqual(parsePaging('-5', '-3', limits), { startIndex: 1, count: 0 });
    assert.deepEqual(parsePaging(' 21 ', '500', limits), { startIndex: 21, count: 200 });
    assert.deepEqual(parsePaging('+3', '99999999999999999999999', limits), { startIndex: 3, count: 200 });
    assert.deepEqual(parsePaging('99999999999999999999999', '7', limits), { startIndex: Number.MAX_SAFE_INTEGER, count: 7 });
    assert.deepEqual(parsePaging(undefined, undefined, { defaultCount: 500, maxCount: 50 }), { startIndex: 1, count: 50 });
  });

  it('rejects non-numbers with invalidValue', () => {
    assert.equal(scimError(() => parsePaging('abc', undefined, limits), 'invalidValue').detail, '"startIndex" must be a whole number; got "abc".');
    assert.equal(scimError(() => parsePaging('1', '1.5', limits), 'invalidValue').detail, '"count" must be a whole number; got "1.5".');
    scimError(() => parsePaging('1e3', '1', limits), 'invalidValue');
  });

  it('builds the ListResponse Entra expects', () => {
    assert.deepEqual(listResponse([], 0, 1), { schemas: [URN.ListResponse], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });
    assert.deepEqual(listResponse([group], 5, 3), { schemas: [URN.ListResponse], totalResults: 5, Resources: [group], startIndex: 3, itemsPerPage: 1 });
  });
});
