// Each snippet, expanded as VS Code would (defaults, first or any choice), is a payload with no problems
// except the deliberate ones of Entra's legacy shapes.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePayload } from '../../../src/validation';
import { SNIPPET_PROBLEMS } from '../../fixtures/snippetProblems';

interface Snippet { prefix: string; description: string; body: string[] }

const SNIPPETS = JSON.parse(readFileSync(join(process.cwd(), 'snippets', 'scim.json'), 'utf8')) as Record<string, Snippet>;

/**
 * Expands VS Code snippet syntax: `$1`/`${1}`/`$0` → '', `${1:default}` (nested) → default, `${1|a,b|}` → the
 * `choice`-th option (the first when there are fewer), `\$ \} \\` → the character.
 */
function expandSnippet(body: string, choice = 0): string {
  let i = 0;
  const parse = (stopAtBrace: boolean): string => {
    let out = '';
    while (i < body.length) {
      const c = body[i];
      if (c === '\\' && '$}\\'.includes(body[i + 1] ?? '')) {
        out += body[i + 1];
        i += 2;
      } else if (stopAtBrace && c === '}') {
        return out;
      } else if (c === '$' && /\d/.test(body[i + 1] ?? '')) {
        i++;
        while (/\d/.test(body[i] ?? '')) i++;
      } else if (c === '$' && body[i + 1] === '{') {
        i += 2;
        while (/\d/.test(body[i] ?? '')) i++;
        if (body[i] === ':') {
          i++;
          out += parse(true);
          i++;
        } else if (body[i] === '|') {
          const end = body.indexOf('|}', i + 1);
          assert.ok(end > 0, 'a choice ends with |}');
          const options = body.slice(i + 1, end).split(',');
          out += options[Math.min(choice, options.length - 1)];
          i = end + 2;
        } else {
          assert.equal(body[i], '}', `unsupported snippet syntax at ${i}`);
          i++;
        }
      } else {
        out += c;
        i++;
      }
    }
    assert.ok(!stopAtBrace, 'an unclosed ${');
    return out;
  };
  return parse(false);
}

describe('snippets', () => {
  const all = Object.values(SNIPPETS);

  it('the expander handles defaults, nesting, choices and escapes', () => {
    assert.equal(expandSnippet('a${1:b${2:c}d}e$0 \\$ref ${3|x,y|} $12 ${4}'), 'abcde $ref x  ');
    assert.equal(expandSnippet('${3|x,y|}', 1), 'y');
  });

  it('cover every payload Entra sends, plus a ListResponse and an Error, with unique scim- prefixes', () => {
    const prefixes = all.map((s) => s.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length);
    for (const p of prefixes) assert.match(p, /^scim-[a-z-]+$/);
    for (const p of ['scim-user-create', 'scim-user-patch-legacy', 'scim-user-patch-pathless', 'scim-user-disable-legacy', 'scim-user-disable',
      'scim-group-create', 'scim-group-add-members', 'scim-group-remove-members-legacy', 'scim-group-remove-member', 'scim-list-response', 'scim-error']) {
      assert.ok(prefixes.includes(p), p);
    }
    for (const s of all) assert.ok(s.description.length > 20, `${s.prefix} has a description`);
  });

  for (const s of Object.values(SNIPPETS)) {
    it(`${s.prefix}: expanded with every choice, only its deliberate problems`, () => {
      for (const choice of [0, 1, 2]) {
        const text = expandSnippet(s.body.join('\n'), choice);
        const problems = validatePayload(text).problems;
        assert.deepEqual(problems.map((p) => p.code), SNIPPET_PROBLEMS[s.prefix] ?? [], `${s.prefix} (choice ${choice}):\n${text}\n${JSON.stringify(problems, null, 1)}`);
        assert.ok(problems.every((p) => p.severity === 'hint' || p.code === 'SCIM021'), 'deliberate problems are hints, except Entra\'s string boolean');
      }
    });
  }
});
