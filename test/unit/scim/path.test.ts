import * as assert from 'node:assert/strict';
import { parsePath } from '../../../src/scim/path';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';

function strip(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strip);
  if (typeof n !== 'object' || n === null) return n;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) if (k !== 'offset' && k !== 'length') out[k] = strip(v);
  return out;
}

describe('PATCH paths', () => {
  it('parses attribute, sub-attribute and URN paths', () => {
    assert.deepEqual(strip(parsePath('nickName')), { attr: { name: 'nickName' } });
    assert.deepEqual(strip(parsePath('name.givenName')), { attr: { name: 'name', subAttr: 'givenName' } });
    assert.deepEqual(strip(parsePath(`${URN.EnterpriseUser}:employeeNumber`)), { attr: { urn: URN.EnterpriseUser, name: 'employeeNumber' } });
    assert.deepEqual(strip(parsePath(`${URN.EnterpriseUser}:manager.value`)), { attr: { urn: URN.EnterpriseUser, name: 'manager', subAttr: 'value' } });
    assert.deepEqual(strip(parsePath(`${URN.User}:name.familyName`)), { attr: { urn: URN.User, name: 'name', subAttr: 'familyName' } });
  });

  it('parses value paths with and without a trailing sub-attribute', () => {
    assert.deepEqual(strip(parsePath('emails[type eq "work"].value')), {
      attr: { name: 'emails' },
      filter: { kind: 'compare', attr: { name: 'type' }, op: 'eq', value: 'work' },
      subAttr: 'value',
    });
    assert.deepEqual(strip(parsePath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')), {
      attr: { name: 'members' },
      filter: { kind: 'compare', attr: { name: 'value' }, op: 'eq', value: '2819c223-7f76-453a-919d-413861904646' },
    });
    const p = parsePath(' emails[type eq "work" and primary eq true].display ');
    assert.equal(p.offset, 1);
    assert.equal(p.length, ' emails[type eq "work" and primary eq true].display'.length - 1);
    assert.equal(p.filter?.kind, 'and');
  });

  it('reports malformed paths as invalidPath with offsets', () => {
    const cases: [string, number, number, RegExp][] = [
      ['', 0, 0, /empty/],
      ['[type eq "work"]', 0, 1, /starts with an attribute name/],
      ['emails[type eq "work"', 6, 1, /never closed/],
      ['emails[type eq "work"].', 22, 1, /sub-attribute name after/],
      ['emails[type eq "work"].9x', 23, 2, /not a valid attribute name/],
      ['emails[type equals "work"]', 12, 6, /Unknown operator/],
      ['emails[type eq "work"]x', 22, 1, /Unexpected "x"/],
      ['name.givenName extra', 15, 5, /Unexpected "extra"/],
      ['name.given.name', 0, 15, /one level/],
      ['foo:bar', 0, 7, /must be a URN/],
    ];
    for (const [text, offset, length, message] of cases) {
      try {
        parsePath(text);
        assert.fail(`no error for ${text}`);
      } catch (e) {
        assert.ok(e instanceof ScimError, String(e));
        assert.equal(e.scimType, 'invalidPath', text);
        assert.equal(e.offset, offset, `offset for ${text}: ${e.detail}`);
        assert.equal(e.length, length, `length for ${text}: ${e.detail}`);
        assert.match(e.detail, message, text);
      }
    }
  });
});
