import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, type RuleCode } from '../../../src/validation';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

interface Section { code: string; title: string; anchor: string; body: string }

function sections(): Section[] {
  const text = readFileSync(join(process.cwd(), 'docs', 'diagnostics.md'), 'utf8');
  const parts = text.split(/^## /m).slice(1);
  return parts.map((part) => {
    const nl = part.indexOf('\n');
    const heading = part.slice(0, nl);
    const m = /^(SCIM\d{3}) (.+)$/.exec(heading);
    assert.ok(m, `a "## SCIMnnn Title" heading, not "## ${heading}"`);
    return { code: m[1], title: m[2], anchor: slug(heading), body: part.slice(nl + 1) };
  });
}

describe('docs/diagnostics.md mirrors RULES', () => {
  const docs = sections();

  it('has one section per code, in code order, and none for unknown codes', () => {
    assert.deepEqual(docs.map((s) => s.code), Object.keys(RULES).sort());
  });

  it('each heading is the rule\'s title and its anchor the rule\'s docsAnchor', () => {
    for (const s of docs) {
      const rule = RULES[s.code as RuleCode];
      assert.equal(s.title, rule.title, s.code);
      assert.equal(s.anchor, rule.docsAnchor, s.code);
    }
  });

  it('each section states the rule\'s severity and explains it', () => {
    for (const s of docs) {
      const m = /^\*\*Severity:\*\* (\w+)/m.exec(s.body);
      assert.ok(m, `${s.code} states its severity`);
      assert.equal(m[1], RULES[s.code as RuleCode].defaultSeverity, s.code);
      assert.ok(s.body.replace(/\*\*Severity:\*\*.*$/m, '').trim().length > 60, `${s.code} explains the rule`);
    }
  });

  it('links between sections point at existing anchors', () => {
    const anchors = new Set(docs.map((s) => s.anchor));
    for (const s of docs) {
      for (const m of s.body.matchAll(/\]\(#([^)]+)\)/g)) assert.ok(anchors.has(m[1]), `${s.code} links to #${m[1]}`);
    }
  });
});
