import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LineIndex, counted, decodeJsonEscape, formatCount, plural } from '../../../src/scim/text';

describe('text helpers', () => {
  it('LineIndex ends lines at LF, CRLF and a lone CR, and clamps offsets to the text', () => {
    const text = 'a\nbc\r\nd\re';
    const lines = new LineIndex(text);
    assert.equal(lines.lineCount, 4);
    assert.deepEqual([0, 1, 2, 3].map((l) => text.slice(lines.lineStart(l), lines.lineEnd(l))), ['a', 'bc', 'd', 'e']);
    assert.deepEqual(lines.position(3), { line: 1, column: 1 });
    assert.deepEqual(lines.position(5), { line: 1, column: 3 }, 'the LF of a CRLF is still on its line');
    assert.deepEqual(lines.position(8), { line: 3, column: 0 });
    assert.deepEqual(lines.position(99), { line: 3, column: 1 });
    assert.deepEqual(lines.position(-1), { line: 0, column: 0 });
    assert.deepEqual(new LineIndex('').position(0), { line: 0, column: 0 });
  });

  it('LineIndex agrees with splitting the text at /\\r\\n|\\r|\\n/', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n')).map((parts) => parts.join('')), (text) => {
      const lines = new LineIndex(text);
      const expected = text.split(/\r\n|\r|\n/);
      assert.deepEqual(Array.from({ length: lines.lineCount }, (_, l) => text.slice(lines.lineStart(l), lines.lineEnd(l))), expected);
    }));
  });

  it('decodes every JSON escape and refuses what is not one', () => {
    const cases: [string, string, number][] = [['\\"', '"', 2], ['\\\\', '\\', 2], ['\\/', '/', 2], ['\\b', '\b', 2], ['\\f', '\f', 2],
      ['\\n', '\n', 2], ['\\r', '\r', 2], ['\\t', '\t', 2], ['\\u00e9', 'é', 6], ['\\uD83D', '\uD83D', 6]];
    for (const [text, value, length] of cases) assert.deepEqual(decodeJsonEscape(`x${text}y`, 1), { value, length }, text);
    for (const bad of ['\\x', '\\u12', '\\u12G4', '\\']) assert.equal(decodeJsonEscape(bad, 0), undefined, bad);
  });

  it('decodes as JSON.parse does', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const json = JSON.stringify(s);
      let out = '';
      for (let i = 1; i < json.length - 1;) {
        if (json[i] !== '\\') { out += json[i]; i++; continue; }
        const e = decodeJsonEscape(json, i);
        assert.ok(e);
        out += e.value;
        i += e.length;
      }
      assert.equal(out, s);
    }));
  });

  it('counts things: one in the singular, any other number in the plural, with thousands separators', () => {
    assert.equal(counted(1, 'user'), '1 user');
    assert.equal(counted(0, 'user'), '0 users');
    assert.equal(counted(2, 'user'), '2 users');
    assert.equal(counted(1000, 'user'), '1,000 users');
    assert.equal(counted(1234567, 'request'), '1,234,567 requests');
    assert.equal(counted(1, 'log entry', 'log entries'), '1 log entry');
    assert.equal(counted(20000, 'log entry', 'log entries'), '20,000 log entries');
    assert.equal(counted(-1, 'day'), '-1 days', 'only exactly 1 is singular');
  });

  it('gives the word alone for a count written elsewhere, and any pair of forms', () => {
    assert.equal(`${counted(1, 'request')} and ${plural(1, 'response')}`, '1 request and response');
    assert.equal(`${counted(3, 'request')} and ${plural(3, 'response')}`, '3 requests and responses');
    assert.equal(plural(1, 'is', 'are'), 'is');
    assert.equal(plural(2, 'is', 'are'), 'are');
  });

  it('groups digits by three with commas whatever the integer (en-US, not the machine\'s locale)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
      assert.equal(formatCount(n), String(n).replace(/\B(?=(\d{3})+$)/g, ','));
    }));
  });
});
