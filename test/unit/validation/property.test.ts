// Property-based: 10,000 generated payloads — SCIM-shaped JSON from real attribute names, paths and URNs,
// then damaged with garbage — never make the validator (or hover/completion) throw, and every reported range
// and fix edit stays inside the text.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser';
import { applyFix, completionsAt, describeAttributeAt, RULES, validatePayload, type RuleCode } from '../../../src/validation';
import { URNS } from './helpers';

const NAMES = [
  'schemas', 'id', 'externalId', 'meta', 'resourceType', 'created', 'userName', 'name', 'givenName', 'familyName', 'formatted',
  'displayName', 'nickName', 'title', 'active', 'emails', 'value', 'type', 'primary', 'display', 'members', '$ref', 'groups',
  'roles', 'phoneNumbers', 'Operations', 'op', 'path', 'Resources', 'totalResults', 'startIndex', 'itemsPerPage', 'status',
  'scimType', 'detail', 'filter', 'sortBy', 'sortOrder', 'attributes', 'count', 'manager', 'department', 'UserName', 'name.givenName',
  `${URNS.Enterprise}`, `${URNS.Enterprise}:employeeNumber`, 'emails[type eq "work"].value', 'x', '',
];
const STRINGS = [
  ...Object.values(URNS), 'True', 'False', 'false', 'yes', 'add', 'Replace', 'remove', 'alice@contoso.com', 'Alice@Contoso.com',
  'Al1ce', 'work', 'home', 'emails[type eq "work"].value', 'members[value eq "u1"]', 'name.givenName', 'emails[type eq', 'a]b[c',
  'userName eq "Bob@x.com"', 'userName eq', '404', 'uniqueness', '2024-01-01T00:00:00Z', 'User', 'Group', '\\', '"', 'é\u2028',
];

type Json = null | boolean | number | string | Json[] | { pairs: [string, Json][] };

const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
    fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 12 })),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.record({ pairs: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })), tie('value')), { maxLength: 6 }) }),
  ),
})).value;

/** Serializes with duplicate keys kept (objects are lists of pairs). */
function serialize(v: Json, indent: string, depth: number): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const pad = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const end = indent ? `\n${indent.repeat(depth)}` : '';
  if (Array.isArray(v)) return `[${v.map((x) => pad + serialize(x, indent, depth + 1)).join(',')}${v.length ? end : ''}]`;
  return `{${v.pairs.map(([k, x]) => `${pad}${JSON.stringify(k)}: ${serialize(x, indent, depth + 1)}`).join(',')}${v.pairs.length ? end : ''}}`;
}

const PATHS = ['active', 'userName', 'name.givenName', 'emails[type eq "work"].value', 'emails', 'members', 'members[value eq "u1"]',
  'displayName', 'id', 'meta.created', 'nickName', `${URNS.Enterprise}:department`, 'emails[kind eq "x"].value', 'name.', 'a b', 'x[', ''];

const opArb: fc.Arbitrary<Json> = fc.record({
  op: fc.constantFrom('add', 'Replace', 'remove', 'Remove', 'update', 'ADD'),
  path: fc.option(fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 8 })), { nil: undefined }),
  value: fc.option(jsonArb, { nil: undefined }),
}).map(({ op, path, value }) => ({
  pairs: [['op', op], ...(path !== undefined ? [['path', path] as [string, Json]] : []), ...(value !== undefined ? [['value', value] as [string, Json]] : [])],
}));

const resourceArb: fc.Arbitrary<Json> = fc.tuple(fc.constantFrom(URNS.User, URNS.Group), fc.array(fc.tuple(fc.constantFrom(...NAMES), jsonArb), { maxLength: 5 }))
  .map(([urn, body]) => ({ pairs: [['schemas', [urn]], ...body] }));

const payloadArb = fc.record({
  ops: fc.option(fc.array(opArb, { maxLength: 4 }), { nil: undefined }),
  resources: fc.option(fc.array(resourceArb, { maxLength: 3 }), { nil: undefined }),
  schemas: fc.option(fc.array(fc.constantFrom(...Object.values(URNS), 'urn:example:x'), { minLength: 0, maxLength: 3 })),
  body: fc.array(fc.tuple(fc.constantFrom(...NAMES), jsonArb), { maxLength: 8 }),
  indent: fc.constantFrom('', '  ', '\t'),
  damage: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(fc.constantFrom('', ',', '}', ']', '"', '\\', '//c\n', '/*', '{', ':', '\\u00'), fc.string({ maxLength: 4 }))), { maxLength: 2 }),
  probe: fc.nat(),
}).map(({ ops, resources, schemas, body, indent, damage, probe }) => {
  const pairs: [string, Json][] = [
    ...(schemas ? [['schemas', schemas] as [string, Json]] : []),
    ...(ops ? [['Operations', ops] as [string, Json]] : []),
    ...(resources ? [['Resources', resources] as [string, Json]] : []),
    ...body,
  ];
  let text = serialize({ pairs }, indent, 0);
  for (const [at, del, insert] of damage) {
    const i = at % (text.length + 1);
    text = text.slice(0, i) + insert + text.slice(i + del);
  }
  return { text, probe: probe % (text.length + 1) };
});

/** Later keys that repeat an earlier key of the same object exactly (a reference implementation). */
function exactDuplicates(root: Node | undefined): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const p of n.children ?? []) {
        const k = p.children?.[0];
        if (k && seen.has(k.value as string)) out.push({ offset: k.offset, length: k.length });
        if (k) seen.add(k.value as string);
      }
    }
    for (const c of n.children ?? []) stack.push(c);
  }
  return out;
}

describe('validation: property-based', () => {
  it('keeps ranges inside the text when a comment left open at the end makes jsonc-parser\'s node run past it', () => {
    const text = '{"Operations": [/*';
    const { problems } = validatePayload(text);
    assert.ok(problems.some((p) => p.code === 'SCIM040'));
    for (const p of problems) assert.ok(p.offset + p.length <= text.length, `${p.code} range ${p.offset}+${p.length} in ${text.length}`);
  });

  it('offers no fix whose edit runs past the text (a PATCH with Resources and a comment left open at the end)', () => {
    // Found by the generated-payload property below; jsonc-parser's Resources node runs past the open comment.
    const text = "{\n\t\"schemas\": [\n\t\t\"urn:ietf:params:scim:schemas:core:2.0:Group\",\n\t\t\"urn:ietf:params:scim:schemas:core:2.0:User\"\n\t],\n\t\"Operations\": [\n\t\t{\n\t\t\t\"op\": \"Remove\",\n\t\t\t\"path\": \"\",\n\t\t\t\"value\": \"          \"\n\t\t},\n\t\t{\n\t\t\t\"op\": \"update\",\n\t\t\t\"path\": \"       \"\n\t\t},\n\t\t{\n\t\t\t\"op\": \"add\",\n\t\t\t\"path\": \"\",\n\t\t\t\"value\": {\n\t\t\t\t\"     \": null,\n\t\t\t\t\"     \": null,\n\t\t\t\t\"emails[type eq \\\"work\\\"].value\": 100,\n\t\t\t\t\"x\": [\n\t\t\t\t\tnull\n\t\t\t\t]\n\t\t\t}\n\t\t}\n\t],\n\t\"Resources\": [\n\t\t{\n\t\t\t\"schemas\": [\n\t\t\t\t\"urn:ietf:params:scim:schemas:core:2.0:Group\"\n\t\t\t],\n\t\t\t\"nickName\": {\n\t\t\t\t\"schemas\": {\n\t\t\t\t\t\"      \": null\n\t\t\t\t},\n\t\t\t\t\"  \": null,\n\t\t\t\t\"value\": 10\n\t\t\t},\n\t\t\t\"sortOrder\": \"yes\"\n\t\t},\n\t\t{\n\t\t\t\"schemas\": [\n\t\t\t\t\"urn:ietf:params:scim:schemas:core:2.0:User\"\n\t\t\t]\n\t\t/*";
    for (const p of validatePayload(text).problems) {
      for (const fix of p.fixes ?? []) {
        for (const e of fix.edits) assert.ok(e.offset + e.length <= text.length, `${p.code}: edit of "${fix.title}" ends at ${e.offset + e.length} in ${text.length}`);
      }
    }
  });

  it('10,000 generated payloads: no throw, ranges and fix edits inside the text, duplicates all found', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(payloadArb, ({ text, probe }) => {
        const { problems } = validatePayload(text);
        const seen = new Set<string>();
        for (const p of problems) {
          assert.ok(p.offset >= 0 && p.length >= 0 && p.offset + p.length <= text.length, `${p.code} range ${p.offset}+${p.length} in ${text.length}`);
          assert.ok(p.code in RULES, p.code);
          assert.equal(p.severity, RULES[p.code as RuleCode].defaultSeverity);
          const key = `${p.code}@${p.offset}+${p.length}:${p.message}`;
          assert.ok(!seen.has(key), `reported twice: ${key}`);
          seen.add(key);
          for (const fix of p.fixes ?? []) {
            for (const e of fix.edits) assert.ok(e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length, `edit of "${fix.title}"`);
            applyFix(text, fix);
          }
        }
        const errors: import('jsonc-parser').ParseError[] = [];
        const root = parseTree(text, errors);
        if (errors.length === 0) {
          const reported = new Set(problems.filter((p) => p.code === 'SCIM002').map((p) => `${p.offset}+${p.length}`));
          for (const d of exactDuplicates(root)) assert.ok(reported.has(`${d.offset}+${d.length}`), `duplicate key at ${d.offset} reported`);
        }
        const hover = describeAttributeAt(text, probe);
        if (hover) assert.ok(hover.offset >= 0 && hover.offset + hover.length <= text.length);
        const completion = completionsAt(text, probe);
        assert.ok(completion.offset >= 0 && completion.offset + completion.length <= text.length);
      }),
      { numRuns: 10_000 },
    );
  });
});
