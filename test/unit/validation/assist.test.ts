import * as assert from 'node:assert/strict';
import { completionsAt, describeAttributeAt } from '../../../src/validation';
import type { MappingTable } from '../../../src/scim/mapping';
import { patch, rangeOf, URNS, user } from './helpers';

/** The text with the cursor marker removed, and the cursor's offset. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

function hoverAt(text: string, needle: string, nth = 0, mapping?: MappingTable) {
  const r = rangeOf(text, needle, nth);
  return describeAttributeAt(text, r.offset + 1, mapping ? { mapping } : {});
}

function labels(marked: string): string[] {
  const { text, offset } = cursor(marked);
  return completionsAt(text, offset).items.map((i) => i.label);
}

describe('assist: hover', () => {
  it('describes an attribute: schema characteristics and MURAL\'s rule from the mapping table', () => {
    const text = user('"name": {"givenName": "Alice"}, "title": "Engineer"');
    const h = hoverAt(text, '"userName"');
    assert.ok(h);
    assert.deepEqual({ offset: h.offset, length: h.length }, rangeOf(text, '"userName"'));
    assert.match(h.contents, /\*\*userName\*\*/);
    assert.match(h.contents, /\| Uniqueness \| server \|/);
    assert.match(h.contents, /\*\*required\*\*/);
    assert.match(h.contents, /stored lower case/);
    assert.match(h.contents, /Entra source: `userPrincipalName`/);
    assert.ok(h.contents.indexOf('stored lower case') < h.contents.indexOf('| Uniqueness |'), 'MURAL\'s rule comes before the RFC table');
    const given = hoverAt(text, '"givenName"');
    assert.match(given?.contents ?? '', /\*\*name\.givenName\*\*/);
    assert.match(given?.contents ?? '', /no digits allowed/);
    assert.match(hoverAt(text, '"title"')?.contents ?? '', /not mapped/);
  });

  it('describes elements of multi-valued attributes, extension attributes and resources in a ListResponse', () => {
    const text = user(`"${URNS.Enterprise}": {"manager": {"value": "m1"}}`);
    assert.match(hoverAt(text, '"type"')?.contents ?? '', /\*\*emails\.type\*\*[\s\S]*Canonical values \| work, home, other/);
    assert.match(hoverAt(text, '"manager"')?.contents ?? '', new RegExp(`\\*\\*${URNS.Enterprise}:manager\\*\\*`));
    const list = `{"schemas": ["${URNS.ListResponse}"], "totalResults": 1, "Resources": [{"schemas": ["${URNS.Group}"], "id": "g1", "displayName": "Eng"}]}`;
    assert.match(hoverAt(list, '"displayName"')?.contents ?? '', /\*\*displayName\*\*[\s\S]*required/);
  });

  it('says on a PATCH path whether MURAL can filter on the attribute, and what Entra does when it cannot', () => {
    const text = patch('{"op": "Replace", "path": "externalId", "value": "x"}, {"op": "Replace", "path": "userName", "value": "a@contoso.com"}');
    assert.match(hoverAt(text, '"externalId"')?.contents ?? '', /As a matching attribute:\*\* MURAL cannot filter on it: as Entra's matching attribute, Entra will fail to match every user and retry each cycle \(keep userName\)/);
    assert.match(hoverAt(text, '"userName"')?.contents ?? '', /As a matching attribute:\*\* MURAL filters \/Users by it \(`userName eq "…"`\)/);
  });

  it('describes PATCH paths, path-less keys, ops and schema URNs', () => {
    const text = patch('{"op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "a@contoso.com"}, {"op": "replace", "value": {"name.familyName": "Smith"}}');
    assert.match(hoverAt(text, 'emails[')?.contents ?? '', /\*\*emails\[type eq "work"\]\.value\*\*[\s\S]*`emails\[type eq "work"\]\.value` \(String\): \*\*required\*\*/);
    assert.match(hoverAt(text, '"name.familyName"')?.contents ?? '', /\*\*name\.familyName\*\*/);
    assert.match(hoverAt(text, 'Replace')?.contents ?? '', /case-insensitively/);
    assert.match(hoverAt(text, URNS.PatchOp)?.contents ?? '', /PATCH request/);
  });

  it('follows a custom mapping table', () => {
    const custom: MappingTable = { name: 'Contoso', entries: [{ resource: 'User', target: 'title', type: 'String', filterable: false, required: true }] };
    const text = user('"title": "Engineer"');
    assert.match(hoverAt(text, '"title"', 0, custom)?.contents ?? '', /\*\*MURAL\*\* \(Contoso\) maps:\n- `title` \(String\): \*\*required\*\*/);
    assert.match(hoverAt(text, '"userName"', 0, custom)?.contents ?? '', /not mapped/);
  });

  it('says nothing outside attributes', () => {
    const text = user();
    assert.equal(describeAttributeAt(text, text.indexOf('\n')), undefined);
    assert.equal(describeAttributeAt('[1, 2]', 1), undefined);
    assert.equal(describeAttributeAt('{"foo": 1}', 2), undefined);
  });
});

describe('assist: completion', () => {
  it('offers a resource\'s writable attributes not yet present, MURAL\'s mapped ones first', () => {
    const { text, offset } = cursor(`{"schemas": ["${URNS.User}"], "userName": "a@contoso.com", |}`);
    const r = completionsAt(text, offset);
    const names = r.items.map((i) => i.label);
    for (const n of ['name', 'emails', 'active', 'externalId', 'title', URNS.Enterprise]) assert.ok(names.includes(n), n);
    for (const n of ['userName', 'id', 'meta', 'groups', 'schemas']) assert.ok(!names.includes(n), n);
    const sorted = [...r.items].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((i) => i.label);
    assert.deepEqual(sorted.slice(0, 4), ['active', 'emails', 'externalId', 'name']);
    assert.equal(r.items.find((i) => i.label === 'active')?.insertText, '"active"');
    assert.deepEqual({ offset: r.offset, length: r.length }, { offset, length: 0 });
  });

  it('replaces the key being typed', () => {
    const { text, offset } = cursor(`{"schemas": ["${URNS.User}"], "nam|"}`);
    const r = completionsAt(text, offset);
    assert.deepEqual({ offset: r.offset, length: r.length }, rangeOf(text, '"nam"'));
    assert.ok(r.items.some((i) => i.label === 'name'));
  });

  it('offers sub-attributes, extension attributes and canonical values by nesting', () => {
    assert.deepEqual(labels(`{"schemas": ["${URNS.User}"], "name": {"givenName": "A", |}}`).sort(), ['familyName', 'formatted', 'honorificPrefix', 'honorificSuffix', 'middleName']);
    assert.ok(labels(`{"schemas": ["${URNS.User}"], "${URNS.Enterprise}": {|}}`).includes('employeeNumber'));
    assert.deepEqual(labels(`{"schemas": ["${URNS.User}"], "emails": [{"type": "|"}]}`), ['work', 'home', 'other']);
    assert.ok(labels(`{"schemas": ["${URNS.Group}"], "members": [{|}]}`).includes('value'));
    assert.ok(!labels(`{"schemas": ["${URNS.Group}"], "members": [{|}]}`).includes('display'), 'display is read-only');
  });

  it('offers schemas URNs by kind', () => {
    assert.deepEqual(labels(`{"schemas": ["${URNS.User}", "|"], "userName": "a@b.co"}`), [URNS.User, URNS.Enterprise]);
    assert.ok(labels('{"schemas": ["|"]}').includes(URNS.PatchOp));
  });

  it('offers ops, paths and path-less keys in a PatchOp', () => {
    assert.deepEqual(labels(patch('{"op": "|"}')), ['add', 'replace', 'remove']);
    const paths = labels(patch('{"op": "replace", "path": "|"}'));
    for (const p of ['emails[type eq "work"].value', 'name.givenName', 'active', `${URNS.Enterprise}:employeeNumber`]) assert.ok(paths.includes(p), p);
    assert.ok(!paths.includes('id'), 'id is read-only');
    const keys = labels(patch('{"op": "replace", "value": {"active": false, |}}'));
    assert.ok(keys.includes('name.familyName') && !keys.includes('active'));
    assert.deepEqual(labels(patch('{|}')), ['op', 'path', 'value']);
    const groupPaths = labels(patch('{"op": "add", "path": "members", "value": []}, {"op": "remove", "path": "|"}'));
    assert.ok(groupPaths.includes('members') && !groupPaths.includes('userName'), 'a members PatchOp is for a Group');
  });

  it('offers message fields and scimTypes', () => {
    assert.deepEqual(labels(`{"schemas": ["${URNS.Error}"], |}`), ['status', 'scimType', 'detail']);
    assert.ok(labels(`{"schemas": ["${URNS.Error}"], "scimType": "|"}`).includes('uniqueness'));
    assert.deepEqual(labels('{|}'), ['schemas']);
  });
});
