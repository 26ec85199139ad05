// The fast tree builder must be a pure shortcut: whenever it returns a tree, jsonc-parser finds no error and
// builds the very same nodes; for JSON as serializers write it, it always returns one.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { fastParseTree, readTree } from '../../../src/validation/tree';
import { completionsAt, describeAttributeAt, loadMappingTable, validatePayload } from '../../../src/validation';

const jsonText = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(undefined, 2, '\t')).map(([v, indent]) => JSON.stringify(v, null, indent));

const damaged = fc.tuple(jsonText, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', ',', '}', ']', '"', '\\', '//c\n', '/* x */', ' ', '\u00a0', '01', '-', 'e', 'tru', '\\u12', '\n'))))
  .map(([text, edits]) => edits.reduce((t, [at, del, ins]) => { const i = at % (t.length + 1); return t.slice(0, i) + ins + t.slice(i + del); }, text));

/**
 * A node as a plain comparable value: every node of the fast tree has all fields (one hidden class), jsonc-parser's
 * only those that apply, so fields that are undefined are left out; parent links are checked, not copied.
 */
function plain(node: Node | undefined, parent?: Node): unknown {
  if (!node) return node;
  assert.equal(node.parent, parent, 'parent link');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (v === undefined || k === 'parent') continue;
    out[k] = k === 'children' ? (v as Node[]).map((c) => plain(c, node)) : v;
  }
  return out;
}

function reference(text: string) {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
  return { root, errors };
}

describe('validation: fast JSON tree', () => {
  it('builds jsonc-parser\'s tree for every serialized JSON value', () => {
    fc.assert(fc.property(jsonText, (text) => {
      const fast = fastParseTree(text);
      assert.ok(fast, text);
      assert.deepEqual(plain(fast), plain(reference(text).root));
    }), { numRuns: 3000 });
  });

  it('never accepts what jsonc-parser reports as an error, and agrees when it accepts', () => {
    fc.assert(fc.property(damaged, (text) => {
      const fast = fastParseTree(text);
      if (!fast) return;
      const ref = reference(text);
      assert.deepEqual(ref.errors, [], text);
      assert.deepEqual(plain(fast), plain(ref.root));
    }), { numRuns: 5000 });
  });

  it('handles comments, escapes and literals like jsonc-parser', () => {
    for (const text of ['// c\n{"a\\"b": [1, -2.5e3, true, false, null, "\\u00e9\\n"] /* x */}', '  "x"  ', '{"a":{},"b":[],"c":[{}]}', '0']) {
      const fast = fastParseTree(text);
      assert.ok(fast, text);
      assert.deepEqual(plain(fast), plain(reference(text).root));
    }
    for (const text of ['', '{"a": 1,}', '[01]', '{"a" 1}', '"\\x"', '{"a": tru}', '/* open', '[1] 2']) assert.equal(fastParseTree(text), undefined, text);
  });

  it('reports nesting too deep for jsonc-parser instead of throwing', () => {
    const deep = '['.repeat(200_000);
    const r = readTree(deep, { allowTrailingComma: false });
    assert.ok(r.tooDeep || r.errors.length > 0);
    const valid = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.ok(readTree(valid, { allowTrailingComma: false }).root, 'the fast scanner does not recurse');
  });
});

describe('validation: deeply nested documents', () => {
  it('validation, hover and completion never overflow the stack', () => {
    const deep = `${'['.repeat(50_000)}"x"${']'.repeat(50_000)}`;
    const text = `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ${deep}, "emails": [{"type": ${deep}, "value": "a@b.co"}]}`;
    const { problems } = validatePayload(text);
    assert.ok(problems.some((p) => p.code === 'SCIM030'));
    const broken = `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "x": ${'['.repeat(50_000)}}`;
    assert.deepEqual(validatePayload(broken).problems.map((p) => p.code), ['SCIM001']);
    assert.equal(describeAttributeAt(broken, 70), undefined);
    assert.deepEqual(completionsAt(broken, 70).items, []);
    assert.ok(loadMappingTable(`{"entries": ${deep}}`).problems.length > 0);
  });
});
