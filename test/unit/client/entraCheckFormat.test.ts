// The check's report formats (text, JSON, JUnit XML, Markdown) on real reports from the mock server — one
// all green, one with a failure and skips — and on a report whose texts hold markup, control characters and a
// token-like string; plus the helpers that read MURAL's rules from the mapping table.
import * as assert from 'node:assert/strict';
import {
  formatJson, formatJUnit, formatMarkdown, formatReport, formatText, runEntraCheck, type CheckReport, type CheckStep,
} from '../../../src/client/entraCheck';
import { headingSlug, xmlEscape } from '../../../src/client/entraCheck/format';
import { lowercased, makeNames, randomSuffix, userTargetsWith, valuesAt, withValue } from '../../../src/client/entraCheck/names';
import { URN } from '../../../src/scim/schemas';
import { startServer, TOKEN, type Harness } from '../mock/helpers';

/**
 * A small XML well-formedness check (no XML parser ships with node): one declaration, tags properly nested,
 * attribute values quoted without '<', text without a bare '&' or '<', only characters XML 1.0 allows.
 */
function assertWellFormedXml(xml: string): void {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no control characters');
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const token = /<\?xml[^?]*\?>|<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let pos = 0;
  let roots = 0;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    assert.ok(m, `malformed XML at ${pos}: ${JSON.stringify(xml.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    if (m[0].startsWith('<?')) continue;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], entity, `bare & in text near ${JSON.stringify(m[5].slice(0, 40))}`);
      if (stack.length === 0) assert.match(m[5], /^\s*$/, 'no text outside the root element');
      continue;
    }
    assert.doesNotMatch(m[3], entity, `bare & in attributes of <${m[2]}>`);
    if (m[1]) assert.equal(stack.pop(), m[2], `</${m[2]}> closes the open element`);
    else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    } else if (stack.length === 0) roots++;
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(roots, 1, 'one root element');
}

function count(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

describe('client/entraCheck formats', () => {
  let green: CheckReport;
  let red: CheckReport;

  before(async () => {
    const run = async (h: Harness, rules: 'mural' | 'scim') => {
      try {
        return await runEntraCheck({ tenantUrl: h.url, token: TOKEN, authScheme: 'Bearer' }, { rules });
      } finally {
        await h.close();
      }
    };
    green = await run(await startServer(), 'scim');
    red = await run(await startServer({ options: { strictMemberRemoval: true } }), 'mural');
    assert.equal(green.failed, 0);
    assert.equal(red.failed, 1);
  });

  /** `red` with a failure whose texts hold markup, control characters and quotes. */
  function hostile(): CheckReport {
    const steps = red.steps.map((s): CheckStep => (s.verdict === 'fail'
      ? { ...s, summary: `${s.summary} <script>alert("x")</script> & 'q' \u0001 \uD800 ]]>`, explanation: `${s.explanation} <b>bold</b> | pipe & amp` }
      : s));
    return { ...red, steps };
  }

  it('JSON: parses back to the report', () => {
    for (const r of [green, red]) assert.deepEqual(JSON.parse(formatJson(r)), JSON.parse(JSON.stringify(r)));
  });

  it('text: a line per step with its mark, the explanation under failures, the verdict last', () => {
    const text = formatText(red);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^Entra provisioning check of http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim \(MURAL rules\)$/);
    for (const s of red.steps) {
      const line = lines.find((l) => l.includes(` ${s.index}. ${s.title}`));
      assert.ok(line, `a line for step ${s.index}`);
      assert.equal(line[0], { pass: '✔', fail: '✘', warn: '!', skip: '-' }[s.verdict]);
    }
    const failed = red.steps.find((s) => s.verdict === 'fail') as CheckStep;
    const at = lines.findIndex((l) => l.startsWith('✘'));
    assert.equal(lines[at + 1], `    ${failed.summary}`);
    assert.equal(lines[at + 2], `    ${failed.explanation}`);
    assert.match(lines.at(-1) ?? '', /^Failed: 25 passed, 1 failed, 0 warnings, 4 skipped of 30 steps in /);
    assert.match(formatText(green).trimEnd().split('\n').at(-1) ?? '', /^Passed: 23 passed/);
  });

  it('JUnit: well-formed, a testcase per step, failure with the explanation and exchanges, skipped counted', () => {
    const xml = formatJUnit(red);
    assertWellFormedXml(xml);
    assert.match(xml, /<testsuites name="Entra provisioning check" tests="30" failures="1" errors="0" skipped="4" time="\d+\.\d{3}">/);
    assert.equal(count(xml, /<testcase /g), 30);
    assert.equal(count(xml, /<failure /g), 1);
    assert.equal(count(xml, /<skipped /g), 4);
    const failure = /<failure message="([^"]*)" type="remove-member-legacy">([^<]*)<\/failure>/.exec(xml);
    assert.ok(failure, 'the failed step carries a <failure>');
    assert.match(failure[2], /removed ALL members on Entra&apos;s legacy remove/);
    assert.match(failure[2], /PATCH http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim\/Groups\//);
    assert.match(failure[2], /HTTP\/1\.1 204 No Content/);
    assert.match(xml, /<property name="rules" value="mural"\/>/);
    assertWellFormedXml(formatJUnit(green));
  });

  it('JUnit: escapes markup and quotes and replaces characters XML cannot hold', () => {
    const xml = formatJUnit(hostile());
    assertWellFormedXml(xml);
    assert.ok(!xml.includes('<script>'));
    assert.match(xml, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &apos;q&apos; \uFFFD \uFFFD \]\]&gt;/);
    assert.equal(xmlEscape('a<b>&"\'\u0000'), 'a&lt;b&gt;&amp;&quot;&apos;\uFFFD');
    assert.equal(xmlEscape('😀'), '😀', 'surrogate pairs stay');
  });

  it('Markdown: summary table linking every step to its section, failures with their requests and responses', () => {
    const md = formatMarkdown(red, { title: 'Mock MURAL server' });
    assert.match(md, /^# Entra provisioning check: Mock MURAL server\n\n\*\*Failed: 25 passed, 1 failed/);
    const headings = new Set([...md.matchAll(/^## (.+)$/gm)].map((m) => headingSlug(m[1].replace(/\\(.)/g, '$1'))));
    const links = [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    assert.equal(links.length, 30 + 1, 'a link per step in the table, and one under "What to fix"');
    for (const l of links) assert.ok(headings.has(l), `#${l} is a heading`);
    assert.equal(count(md, /^\| \d+ \| \[/gm), 30);
    const section = md.slice(md.indexOf('## 15. Remove a member (legacy value list)'), md.indexOf('## 16.'));
    assert.match(section, /\*\*✘ FAILED\*\*/);
    assert.match(section, /```http\nPATCH http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim\/Groups\/g[0-9a-f]{24}\n/);
    assert.match(section, /Authorization: Bearer \*\*\*/);
    assert.match(section, /"op": "Remove"/);
    assert.match(section, /```http\nHTTP\/1\.1 204 No Content/);
    assert.ok(!section.includes('<details>'), 'a failure shows its exchanges at once');
    const passed = md.slice(md.indexOf('## 1. Test Connection'), md.indexOf('## 2.'));
    assert.match(passed, /<details>\n<summary>2 requests and responses<\/summary>/);
    assert.match(md, /- Rules: MURAL/);
  });

  it('Markdown: server text cannot inject markup, and fences outgrow backticks in bodies', () => {
    const md = formatMarkdown(hostile());
    assert.ok(!md.includes('<script>'));
    assert.match(md, /\\<script\\>/);
    assert.match(md, /\\<b\\>bold\\<\/b\\> \\\| pipe/);
    const withTicks: CheckReport = {
      ...green,
      steps: [{ ...green.steps[0], exchanges: [{ ...green.steps[0].exchanges[0], response: { ...green.steps[0].exchanges[0].response!, body: 'a ``` b ```` c' } }] }],
    };
    assert.match(formatMarkdown(withTicks), /`````http\nHTTP\/1\.1 200 OK[\s\S]*a ``` b ```` c\n`````/);
  });

  it('no format shows the token, and formatReport picks the format', () => {
    for (const r of [green, red]) {
      for (const f of ['text', 'json', 'junit', 'markdown'] as const) {
        const out = formatReport(r, f);
        assert.ok(!out.includes(TOKEN), `no token in ${f}`);
        assert.match(out, /\S/);
      }
      assert.equal(formatReport(r, 'junit'), formatJUnit(r));
      assert.equal(formatReport(r, 'text'), formatText(r));
    }
    assert.ok(formatReport(green, 'json').includes('"Authorization": "Bearer ***"'));
  });

  it('heading slugs follow VS Code\'s and GitHub\'s rules', () => {
    assert.equal(headingSlug('14. Remove a member (legacy value list)'), '14-remove-a-member-legacy-value-list');
    assert.equal(headingSlug('17. Deactivate the user with "False"'), '17-deactivate-the-user-with-false');
    assert.equal(headingSlug('8. Update attributes (Entra\'s default PATCH)'), '8-update-attributes-entras-default-patch');
    assert.equal(headingSlug('4. MURAL: userName and emails stored lower case'), '4-mural-username-and-emails-stored-lower-case');
  });
});

describe('client/entraCheck names and MURAL rules', () => {
  it('reads the rules from MURAL\'s mapping table', () => {
    assert.deepEqual(userTargetsWith('lowercase').map((e) => e.target), ['userName', 'emails[type eq "work"].value']);
    assert.deepEqual(userTargetsWith('noDigits').map((e) => e.target), ['name.givenName', 'name.familyName']);
    assert.equal(lowercased('USERNAME'), true);
    assert.equal(lowercased('name.givenName'), false);
  });

  it('reads values at mapping targets, filtered email paths and enterprise URNs included', () => {
    const user = {
      userName: 'a@x.com',
      name: { givenName: 'Ada' },
      emails: [{ type: 'home', value: 'h@x.com' }, { type: 'work', value: 'w@x.com' }],
      [URN.EnterpriseUser]: { employeeNumber: '7' },
    };
    assert.deepEqual(valuesAt(user, 'userName'), ['a@x.com']);
    assert.deepEqual(valuesAt(user, 'name.givenName'), ['Ada']);
    assert.deepEqual(valuesAt(user, 'name.familyName'), []);
    assert.deepEqual(valuesAt(user, 'emails[type eq "work"].value'), ['w@x.com']);
    assert.deepEqual(valuesAt({ emails: [{ value: 'untyped@x.com' }] }, 'emails[type eq "work"].value'), ['untyped@x.com'], 'as MURAL reads an email without a type');
    assert.deepEqual(valuesAt({ emails: [{ type: 'home', value: 'h@x.com' }] }, 'emails[type eq "work"].value'), []);
    assert.deepEqual(valuesAt(user, `${URN.EnterpriseUser}:employeeNumber`), ['7']);
  });

  it('sets plain and dotted targets, not filtered ones', () => {
    assert.deepEqual(withValue({ name: { givenName: 'A', familyName: 'B' } }, 'name.givenName', 'C'), { name: { givenName: 'C', familyName: 'B' } });
    assert.deepEqual(withValue({}, 'userName', 'u'), { userName: 'u' });
    assert.deepEqual(withValue({}, `${URN.EnterpriseUser}:department`, 'D'), { [URN.EnterpriseUser]: { department: 'D' } });
    assert.equal(withValue({}, 'emails[type eq "work"].value', 'x'), undefined);
  });

  it('makes names without digits on the domain asked for, capitals only where MURAL\'s lowercasing is checked', () => {
    const suffix = randomSuffix();
    assert.match(suffix, /^[a-z]{10}$/);
    const mural = makeNames('mural', suffix, 'example.com');
    assert.match(mural.user.userName, /^Entra\.Check\.[A-Z][a-z]{9}@example\.com$/);
    assert.equal(mural.members[0].userName, mural.members[0].userName.toLowerCase());
    const scim = makeNames('scim', suffix, 'Example.COM');
    assert.equal(scim.user.userName, `entra.check.${suffix}@example.com`);
    for (const n of [mural, scim]) {
      const names = [n.user, ...n.members, n.digits].flatMap((u) => [u.givenName, u.familyName]).concat(
        n.legacyName.givenName, n.legacyName.familyName, n.modernName.givenName, n.modernName.familyName);
      for (const name of names) assert.doesNotMatch(name, /\d/, name);
    }
    assert.throws(() => makeNames('scim', 'Abc1', 'example.com'), /lower-case letters/);
    assert.throws(() => makeNames('scim', 'abcdef', 'localhost'), /not an email domain/);
  });
});
