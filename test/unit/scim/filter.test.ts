import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileFilter, equalityLookups, formatAttrPath, formatFilter, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter,
  type AttrPath, type CompareOp, type FilterNode,
} from '../../../src/scim/filter';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';
import type { ResourceTypeName } from '../../../src/scim/schemas';

const ENT = URN.EnterpriseUser;

const alice = {
  schemas: [URN.User, ENT],
  id: 'u5f1a2b3c4d5e6f7a8b9c0d1e',
  externalId: 'Alice',
  userName: 'alice@contoso.com',
  name: { givenName: 'Alice', familyName: 'Smith' },
  displayName: 'Alice Smith',
  title: '',
  active: true,
  emails: [
    { type: 'work', value: 'alice@contoso.com', primary: true },
    { type: 'home', value: 'Alice@Example.org' },
  ],
  phoneNumbers: [],
  meta: { resourceType: 'User', created: '2011-05-13T04:42:34Z', lastModified: '2024-02-01T10:00:00.000Z' },
  [ENT]: { department: 'Engineering', employeeNumber: '701984', manager: { value: 'u0000000000000000000000bb' } },
};

const bob = {
  schemas: [URN.User],
  id: 'u6f1a2b3c4d5e6f7a8b9c0d1f',
  userName: 'bob@contoso.com',
  active: false,
  emails: [{ type: 'work', value: 'bob@contoso.com' }],
  meta: { resourceType: 'User', created: '2020-01-01T00:00:00Z' },
};

const eng = {
  schemas: [URN.Group],
  id: 'g1',
  displayName: 'Engineering',
  members: [{ value: alice.id }, { value: 'u0000000000000000000000aa', display: 'Zed' }],
};

function matches(filter: string, resource: Record<string, unknown> = alice, rt: ResourceTypeName = 'User'): boolean {
  return compileFilter(parseFilter(filter), rt)(resource);
}

/** The filter's error, asserting it is a 400 ScimError of the given type. */
function errorOf(fn: () => unknown, scimType = 'invalidFilter'): ScimError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ScimError, `expected a ScimError, got ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.scimType, scimType);
    return e;
  }
  assert.fail('expected an error');
}

/** The node without offsets, for structural comparison. */
function strip(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strip);
  if (typeof n !== 'object' || n === null) return n;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) if (k !== 'offset' && k !== 'length') out[k] = strip(v);
  return out;
}

const attr = (name: string, extra: Partial<AttrPath> = {}) => ({ name, ...extra });

describe('filter parser', () => {
  it('parses every comparison operator and pr', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as CompareOp[]) {
      assert.deepEqual(strip(parseFilter(`userName ${op} "x"`)), { kind: 'compare', attr: attr('userName'), op, value: 'x' });
    }
    assert.deepEqual(strip(parseFilter('title pr')), { kind: 'present', attr: attr('title') });
  });

  it('reads operators, keywords and literals case-insensitively and keeps names as written', () => {
    assert.deepEqual(strip(parseFilter('USERNAME Eq "x" AND Title PR OR NOT (active EQ TRUE)')), {
      kind: 'or',
      left: { kind: 'and', left: { kind: 'compare', attr: attr('USERNAME'), op: 'eq', value: 'x' }, right: { kind: 'present', attr: attr('Title') } },
      right: { kind: 'not', filter: { kind: 'compare', attr: attr('active'), op: 'eq', value: true } },
    });
  });

  it('gives not > and > or precedence, left-associative chains, and honours parentheses', () => {
    const a = { kind: 'present', attr: attr('a') };
    const b = { kind: 'present', attr: attr('b') };
    const c = { kind: 'present', attr: attr('c') };
    assert.deepEqual(strip(parseFilter('a pr or b pr and c pr')), { kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    assert.deepEqual(strip(parseFilter('a pr and b pr or c pr')), { kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
    assert.deepEqual(strip(parseFilter('(a pr or b pr) and c pr')), { kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
    assert.deepEqual(strip(parseFilter('not (a pr) and b pr')), { kind: 'and', left: { kind: 'not', filter: a }, right: b });
    assert.deepEqual(strip(parseFilter('a pr and b pr and c pr')), { kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
    assert.deepEqual(strip(parseFilter('a pr and (b pr and c pr)')), { kind: 'and', left: a, right: { kind: 'and', left: b, right: c } });
    assert.deepEqual(strip(parseFilter('not(a pr)')), { kind: 'not', filter: a });
    assert.deepEqual(strip(parseFilter(' ( ( a pr ) ) ')), a);
  });

  it('parses value paths, sub-attributes and URN-qualified names', () => {
    assert.deepEqual(strip(parseFilter('emails[type eq "work" and value co "@x"]')), {
      kind: 'valuePath', attr: attr('emails'),
      filter: {
        kind: 'and',
        left: { kind: 'compare', attr: attr('type'), op: 'eq', value: 'work' },
        right: { kind: 'compare', attr: attr('value'), op: 'co', value: '@x' },
      },
    });
    assert.deepEqual(strip(parseFilter('name.familyName sw "S"')), { kind: 'compare', attr: attr('name', { subAttr: 'familyName' }), op: 'sw', value: 'S' });
    assert.deepEqual(strip(parseFilter(`${ENT}:manager.value eq "m"`)), {
      kind: 'compare', attr: attr('manager', { urn: ENT, subAttr: 'value' }), op: 'eq', value: 'm',
    });
    assert.deepEqual(strip(parseFilter(`${URN.User}:userName eq "a"`)), { kind: 'compare', attr: attr('userName', { urn: URN.User }), op: 'eq', value: 'a' });
    assert.deepEqual(strip(parseFilter('members.$ref pr')), { kind: 'present', attr: attr('members', { subAttr: '$ref' }) });
    assert.deepEqual(strip(parseFilter('x-y_z9 pr')), { kind: 'present', attr: attr('x-y_z9') });
  });

  it('reads JSON strings, numbers, booleans and null', () => {
    const value = (text: string) => (parseFilter(`a eq ${text}`) as { value: unknown }).value;
    assert.equal(value('"a\\"b\\\\c\\/\\n\\t\\u00e9\\uD83D\\uDE00"'), 'a"b\\c/\n\té\u{1F600}');
    assert.equal(value('""'), '');
    assert.equal(value('42'), 42);
    assert.equal(value('-1.5'), -1.5);
    assert.equal(value('2e3'), 2000);
    assert.equal(value('1.25E-2'), 0.0125);
    assert.equal(value('true'), true);
    assert.equal(value('False'), false);
    assert.equal(value('null'), null);
  });

  it('accepts an attribute named like a keyword where the grammar allows it', () => {
    assert.deepEqual(strip(parseFilter('not pr')), { kind: 'present', attr: attr('not') });
    assert.deepEqual(strip(parseFilter('and eq "x" or or pr')), {
      kind: 'or', left: { kind: 'compare', attr: attr('and'), op: 'eq', value: 'x' }, right: { kind: 'present', attr: attr('or') },
    });
  });

  it('records the offset and length of every node', () => {
    const text = 'userName eq "a" and (emails[type eq "work"] or not (title pr))';
    const n = parseFilter(text) as Extract<FilterNode, { kind: 'and' | 'or' }>;
    const at = (x: { offset: number; length: number }) => text.slice(x.offset, x.offset + x.length);
    assert.equal(at(n), text);
    assert.equal(at(n.left), 'userName eq "a"');
    assert.equal(at((n.left as Extract<FilterNode, { kind: 'compare' }>).attr), 'userName');
    assert.equal(at(n.right), '(emails[type eq "work"] or not (title pr))');
    const or = n.right as Extract<FilterNode, { kind: 'and' | 'or' }>;
    assert.equal(at(or.left), 'emails[type eq "work"]');
    assert.equal(at((or.left as Extract<FilterNode, { kind: 'valuePath' }>).filter), 'type eq "work"');
    assert.equal(at(or.right), 'not (title pr)');
  });

  it('reports malformed filters with the offset and length of the offending token', () => {
    const cases: [string, number, number, RegExp][] = [
      ['', 0, 0, /empty/],
      ['   ', 0, 3, /empty/],
      ['userName', 0, 8, /needs an operator/],
      ['userName equals "x"', 9, 6, /Unknown operator "equals"/],
      ['userName = "x"', 9, 1, /Unknown operator "="/],
      ['userName eq', 9, 2, /"eq" needs a value/],
      ['userName eq "alice', 12, 6, /never closed/],
      ['userName eq alice@contoso.com', 12, 17, /double quotes/],
      ["userName eq 'x'", 12, 3, /double quotes/],
      ['userName eq "a\\qb"', 14, 2, /Invalid escape/],
      ['userName eq "\\u12"', 13, 5, /four hex digits/],
      ['userName eq 12abc', 12, 5, /not a number/],
      ['(userName pr', 0, 1, /"\(" is never closed/],
      ['userName pr)', 11, 1, /no "\("/],
      ['emails[type eq "work"', 6, 1, /"\[" is never closed/],
      ['emails[type eq "work")', 21, 1, /Expected "\]"/],
      ['userName pr and', 12, 3, /after "and"/],
      ['userName pr or ()', 16, 1, /before "\)"/],
      ['userName pr xor title pr', 12, 3, /Expected "and", "or"/],
      ['not userName pr', 0, 3, /"not" must be followed by a filter in parentheses/],
      ['name.givenName.x pr', 0, 16, /one level/],
      ['9lives pr', 0, 6, /not a valid attribute name/],
      ['name. pr', 4, 1, /sub-attribute name after "name\."/],
      ['foo:bar eq "x"', 0, 7, /must be a URN/],
      ['urn:ietf:params:scim:schemas:core:2.0:User: pr', 0, 43, /after the schema URN/],
      ['emails[type eq "work"].value eq "x"', 22, 6, /inside the brackets/],
      ['emails[x[y pr]]', 8, 1, /cannot be nested/],
      ['emails[urn:a:b:c pr]', 7, 9, /without a schema URN/],
      ['emails[value.x pr]', 7, 7, /single sub-attribute/],
      ['name.givenName[x pr]', 0, 14, /not a sub-attribute/],
      ['"x" eq "y"', 0, 3, /starts with an attribute name/],
      ['userName"x"', 8, 1, /Expected a space and an operator/],
      ['userName eq )', 12, 1, /needs a value/],
    ];
    for (const [text, offset, length, message] of cases) {
      const e = errorOf(() => parseFilter(text));
      assert.equal(e.offset, offset, `offset for ${JSON.stringify(text)}: ${e.detail}`);
      assert.equal(e.length, length, `length for ${JSON.stringify(text)}: ${e.detail}`);
      assert.match(e.detail, message, text);
    }
  });

  it('rejects pathological input with a clear invalidFilter, never a stack overflow', () => {
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    const e = errorOf(() => parseFilter(deep));
    assert.equal(e.offset, MAX_FILTER_DEPTH);
    assert.match(e.detail, /levels deep/);
    assert.doesNotThrow(() => parseFilter(`${'not ('.repeat(MAX_FILTER_DEPTH)}a pr${')'.repeat(MAX_FILTER_DEPTH)}`));
    errorOf(() => parseFilter('('.repeat(100_000)));
    const long = errorOf(() => parseFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`));
    assert.equal(long.offset, MAX_FILTER_LENGTH);
    assert.match(long.detail, /characters long/);
  });

  it('handles a long flat or-chain without recursion', () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `u${i}`);
    const text = ids.map((id) => `id eq "${id}"`).join(' or ');
    const n = parseFilter(text);
    assert.equal(formatFilter(n), text);
    const f = compileFilter(n, 'User');
    assert.equal(f({ id: 'u1499' }), true);
    assert.equal(f({ id: 'U1499' }), false);
    assert.equal(f({ id: 'u1500' }), false);
  });
});

describe('filter evaluation', () => {
  it('evaluates every operator on strings, case-insensitively unless caseExact', () => {
    assert.equal(matches('userName eq "ALICE@contoso.com"'), true);
    assert.equal(matches('userName ne "ALICE@contoso.com"'), false);
    assert.equal(matches('userName ne "bob@contoso.com"'), true);
    assert.equal(matches('userName co "CONTOSO"'), true);
    assert.equal(matches('userName sw "Alice@"'), true);
    assert.equal(matches('userName ew ".COM"'), true);
    assert.equal(matches('userName ew ".org"'), false);
    assert.equal(matches('userName gt "ALICE"'), true);
    assert.equal(matches('userName ge "alice@contoso.com"'), true);
    assert.equal(matches('userName lt "B"'), true);
    assert.equal(matches('userName le "alice"'), false);
    assert.equal(matches('userName pr'), true);
    // id and externalId are caseExact
    assert.equal(matches(`id eq "${alice.id}"`), true);
    assert.equal(matches(`id eq "${alice.id.toUpperCase()}"`), false);
    assert.equal(matches('externalId eq "alice"'), false);
    assert.equal(matches('externalId eq "Alice"'), true);
    assert.equal(matches('externalId sw "al"'), false);
  });

  it('reads attribute names case-insensitively, in the filter and in the resource', () => {
    assert.equal(matches('USERNAME eq "alice@contoso.com"'), true);
    assert.equal(matches('Name.GivenName eq "alice"'), true);
    assert.equal(matches('userName eq "x@y.z"', { UserName: 'X@Y.Z' }), true);
  });

  it('treats pr as present and non-empty', () => {
    assert.equal(matches('title pr'), false, 'empty string');
    assert.equal(matches('phoneNumbers pr'), false, 'empty array');
    assert.equal(matches('nickName pr'), false, 'absent');
    assert.equal(matches('nickName pr', { nickName: null }), false, 'null');
    assert.equal(matches('name pr', { name: { givenName: '' } }), false, 'complex without values');
    assert.equal(matches('name pr'), true);
    assert.equal(matches('emails pr'), true);
    assert.equal(matches('emails.type pr'), true);
    assert.equal(matches('not (nickName pr)'), true);
  });

  it('matches multi-valued attributes when any value matches', () => {
    assert.equal(matches('emails.value co "example.org"'), true);
    assert.equal(matches('emails co "EXAMPLE.org"'), true, 'emails alone compares emails.value');
    assert.equal(matches('emails.type eq "home"'), true);
    assert.equal(matches('emails.type eq "other"'), false);
    assert.equal(matches(`members.value eq "${alice.id}"`, eng, 'Group'), true);
    assert.equal(matches('members eq "u0000000000000000000000aa"', eng, 'Group'), true);
    assert.equal(matches('members.value eq "nobody"', eng, 'Group'), false);
    assert.equal(matches('members.display eq "zed"', eng, 'Group'), true);
  });

  it('evaluates value paths per element', () => {
    assert.equal(matches('emails[type eq "work" and value co "@contoso"]'), true);
    assert.equal(matches('emails[type eq "home" and value co "@contoso"]'), false, 'both conditions on the same element');
    assert.equal(matches('emails[type eq "home" or primary eq true]'), true);
    assert.equal(matches('emails[not (type eq "work")]'), true);
    assert.equal(matches('emails[type eq "work"]', bob), true);
    assert.equal(matches('emails[type eq "home"]', bob), false);
    assert.equal(matches('userType eq "Employee" and (emails co "example.org" or emails.value co "example.com")'), false);
    assert.equal(matches('displayName sw "Alice" and (emails co "example.org" or emails.value co "example.com")'), true);
    assert.equal(matches(`${ENT}:manager[value eq "u0000000000000000000000bb"]`), true);
    assert.equal(matches('members[value eq "u0000000000000000000000aa" and display eq "ZED"]', eng, 'Group'), true);
  });

  it('compares URN-qualified and extension attributes', () => {
    assert.equal(matches(`${ENT}:department eq "engineering"`), true);
    assert.equal(matches(`${ENT.toUpperCase()}:DEPARTMENT eq "engineering"`), true);
    assert.equal(matches(`${ENT}:manager.value eq "u0000000000000000000000bb"`), true);
    assert.equal(matches(`${ENT}:employeeNumber eq "701984"`, bob), false);
    assert.equal(matches(`${URN.User}:userName eq "alice@contoso.com"`), true);
    assert.equal(matches(`${URN.Group}:displayName eq "engineering"`, eng, 'Group'), true);
  });

  it('compares dateTimes as instants, booleans and null', () => {
    assert.equal(matches('meta.created gt "2011-05-13T04:42:33Z"'), true);
    assert.equal(matches('meta.created gt "2011-05-13T04:42:34Z"'), false);
    assert.equal(matches('meta.created ge "2011-05-13T04:42:34.000Z"'), true);
    assert.equal(matches('meta.created eq "2011-05-13T06:42:34+02:00"'), true);
    assert.equal(matches('meta.created lt "2011-05-14"'), true);
    assert.equal(matches('meta.lastModified le "2024-02-01T10:00:00Z"'), true);
    assert.equal(matches('meta.created sw "2011-05"'), true);
    assert.equal(matches('active eq true'), true);
    assert.equal(matches('active eq false', bob), true);
    assert.equal(matches('active ne true', bob), true);
    assert.equal(matches('active eq "True"'), true, "Entra's string booleans");
    assert.equal(matches('active eq true', { active: 'True' }), true);
    assert.equal(matches('nickName eq null'), true);
    assert.equal(matches('userName eq null'), false);
    assert.equal(matches('userName ne null'), true);
  });

  it('lets unknown attributes simply not match', () => {
    assert.equal(matches('shoeSize eq 42'), false);
    assert.equal(matches('shoeSize gt true'), false);
    assert.equal(matches('shoeSize pr', { shoeSize: 42 }), false);
    assert.equal(matches('not (shoeSize eq 42)'), true);
    assert.equal(matches('emails[shoeSize eq 1]'), false);
    assert.equal(matches('userName pr', eng, 'Group'), false);
    assert.equal(matches(`${ENT}:department pr`, eng, 'Group'), false);
    assert.equal(matches('urn:example:custom:x pr', alice), false);
  });

  it('rejects comparisons the attribute type does not support, pointing at the expression', () => {
    const cases: [string, RegExp][] = [
      ['active gt true', /cannot compare booleans/],
      ['active co "t"', /cannot compare booleans/],
      ['active eq 1', /boolean attribute/],
      ['name eq "Alice"', /complex attribute/],
      ['addresses gt "x"', /complex attribute/],
      ['userName eq 5', /string attribute/],
      ['userName eq true', /string attribute/],
      ['meta.created gt "yesterday"', /not a dateTime/],
      ['meta.created gt 5', /dateTime/],
      ['userName gt null', /not null/],
      ['userName[value eq "x"]', /complex attribute/],
    ];
    for (const [text, message] of cases) {
      const e = errorOf(() => compileFilter(parseFilter(`title pr and ${text}`), 'User'));
      assert.equal(e.offset, 'title pr and '.length, text);
      assert.equal(e.length, text.length, text);
      assert.match(e.detail, message, text);
    }
  });
});

describe('formatFilter and equalityLookups', () => {
  it('formats canonically and round-trips', () => {
    const cases: [string, string][] = [
      ['USERNAME EQ "x"', 'USERNAME eq "x"'],
      ['(a pr or b pr) and c pr', '(a pr or b pr) and c pr'],
      ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
      ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
      ['a pr or b pr and c pr', 'a pr or b pr and c pr'],
      ['not(a eq -0) and emails[type eq "w\\"k"]', 'not (a eq -0) and emails[type eq "w\\"k"]'],
      [`${ENT}:manager.value ge 1e3`, `${ENT}:manager.value ge 1000`],
    ];
    for (const [text, formatted] of cases) {
      const n = parseFilter(text);
      assert.equal(formatFilter(n), formatted);
      assert.deepEqual(strip(parseFilter(formatFilter(n))), strip(n));
    }
  });

  it('lists the eq conjuncts of a top-level and-chain under canonical names, an OR of them as one union', () => {
    assert.deepEqual(
      equalityLookups(parseFilter(`USERNAME eq "Alice@X.com" and emails eq "a@x" and active eq "True" and (id eq "1" or id eq "2") and ${ENT.toLowerCase()}:DEPARTMENT eq "Eng" and meta.created eq "2011-05-13" and title pr`), 'User'),
      [
        [{ path: 'userName', value: 'Alice@X.com' }],
        [{ path: 'emails.value', value: 'a@x' }],
        [{ path: 'active', value: true }],
        [{ path: 'id', value: '1' }, { path: 'id', value: '2' }],
        [{ path: `${ENT}:department`, value: 'Eng' }],
      ],
    );
    assert.deepEqual(equalityLookups(parseFilter('displayName eq "Eng"'), 'Group'), [[{ path: 'displayName', value: 'Eng' }]]);
    assert.deepEqual(equalityLookups(parseFilter('externalId eq "a" or (userName eq "b" and title pr) or emails.value eq "c"'), 'User'), [[
      { path: 'externalId', value: 'a' }, { path: 'userName', value: 'b' }, { path: 'emails.value', value: 'c' },
    ]]);
    assert.deepEqual(equalityLookups(parseFilter('externalId eq "a" or title pr'), 'User'), [], 'a term no index narrows');
    assert.deepEqual(equalityLookups(parseFilter('not (userName eq "b")'), 'User'), []);
    assert.deepEqual(equalityLookups(parseFilter('shoeSize eq 1 and userName eq 5'), 'User'), []);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property-based tests

const nameArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,7}$/),
  fc.constantFrom('$ref', 'userName', 'emails', 'value', 'type', 'not', 'and', 'or', 'pr', 'eq'),
);
const urnArb = fc.constantFrom(URN.User, ENT, 'urn:example:x', 'URN:Custom:1.0:Thing');
const valueArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const opArb = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

type Shape = unknown;
function astArb(inValuePath: boolean): fc.Arbitrary<Shape> {
  const pathArb = inValuePath
    ? nameArb.map((name) => ({ name }))
    : fc.record({ urn: fc.option(urnArb, { nil: undefined }), name: nameArb, subAttr: fc.option(nameArb, { nil: undefined }) })
      .map(({ urn, name, subAttr }) => ({ ...(urn ? { urn } : {}), name, ...(subAttr ? { subAttr } : {}) }));
  return fc.letrec<{ node: Shape }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ kind: fc.constant('compare'), attr: pathArb, op: opArb, value: valueArb }),
      fc.record({ kind: fc.constant('present'), attr: pathArb }),
      fc.record({ kind: fc.constantFrom('and', 'or'), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not'), filter: tie('node') }),
      ...(inValuePath ? [] : [fc.record({ kind: fc.constant('valuePath'), attr: nameArb.map((name) => ({ name })), filter: astArb(true) })]),
    ),
  })).node;
}

const TOKENS = ['userName', 'emails', 'name.givenName', ENT + ':department', 'type', 'value', ' ', ' ', ' eq ', ' pr', ' and ', ' or ',
  'not ', '(', ')', '[', ']', '"work"', '"', '\\', '\\u00', '1', '-', '.', ':', 'true', 'null', 'EQ', 'gt', 'co', 'x', '$ref', '\t'];

function checkParse(text: string): void {
  let n: FilterNode;
  try {
    n = parseFilter(text);
  } catch (e) {
    if (!(e instanceof ScimError) || e.scimType !== 'invalidFilter') throw e;
    assert.ok(e.offset !== undefined && e.length !== undefined && e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length,
      `error span ${e.offset}+${e.length} outside ${text.length}`);
    return;
  }
  assert.deepEqual(strip(parseFilter(formatFilter(n))), strip(n));
  for (const rt of ['User', 'Group'] as const) {
    let f: (r: Record<string, unknown>) => boolean;
    try {
      f = compileFilter(n, rt);
    } catch (e) {
      if (!(e instanceof ScimError) || e.scimType !== 'invalidFilter') throw e;
      continue;
    }
    assert.equal(typeof f(rt === 'User' ? alice : eng), 'boolean');
    assert.equal(typeof f({}), 'boolean');
  }
}

describe('filter properties', () => {
  it('never throws anything but a well-placed invalidFilter on garbage', () => {
    fc.assert(fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((t) => t.join('')),
        // a valid filter with a few characters replaced by a token: errors deep inside well-formed text
        fc.tuple(astArb(false), fc.nat(), fc.nat(3), fc.constantFrom(...TOKENS, ''))
          .map(([ast, at, cut, token]) => {
            const text = formatFilter(ast as FilterNode);
            const i = at % (text.length + 1);
            return text.slice(0, i) + token + text.slice(i + cut);
          }),
      ),
      checkParse,
    ), { numRuns: 10_000 });
  });

  it('round-trips parse(format(ast)) for arbitrary trees, with offsets that cover each node', () => {
    fc.assert(fc.property(astArb(false), (ast) => {
      const text = formatFilter(ast as FilterNode);
      const n = parseFilter(text);
      assert.deepEqual(strip(n), strip(ast));
      const walk = (x: FilterNode): void => {
        assert.ok(x.offset >= 0 && x.offset + x.length <= text.length);
        if (x.kind === 'compare' || x.kind === 'present' || x.kind === 'valuePath') {
          assert.equal(text.slice(x.attr.offset, x.attr.offset + x.attr.length), formatAttrPath(x.attr));
        }
        if (x.kind === 'and' || x.kind === 'or') { walk(x.left); walk(x.right); }
        if (x.kind === 'not' || x.kind === 'valuePath') walk(x.filter);
      };
      walk(n);
      checkParse(text);
    }), { numRuns: 10_000 });
  });
});
