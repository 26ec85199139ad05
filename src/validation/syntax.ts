// JSON syntax errors from jsonc-parser, in words a user understands, one per position.
import type { ParseError } from 'jsonc-parser';
import type { Reporter } from './json';

/** jsonc-parser's error codes (a const enum in its typings) in words a user understands. */
const SYNTAX_MESSAGES: Readonly<Record<number, string>> = {
  1: 'Invalid symbol: this is not JSON (strings use double quotes, keys are quoted).',
  2: 'Invalid number format.',
  3: 'Expected a property name in double quotes.',
  4: 'Expected a value (a string, number, object, array, true, false or null).',
  5: 'Expected ":" after the property name.',
  6: 'Expected "," between values.',
  7: 'Expected "}" to close the object.',
  8: 'Expected "]" to close the array.',
  9: 'Expected the end of the file: a payload is a single JSON value.',
  10: 'Invalid comment.',
  11: 'Unterminated comment: close it with "*/".',
  12: 'Unterminated string: close it with a double quote.',
  13: 'Unexpected end of number.',
  14: 'Invalid unicode escape: write \\u followed by four hex digits.',
  15: 'Invalid escape character: use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.',
  16: 'Invalid character: control characters must be escaped inside strings.',
};

const PROPERTY_NAME_EXPECTED = 3;
const VALUE_EXPECTED = 4;

/** The comma before `offset` when only whitespace separates them (a trailing comma before "}" or "]"). */
function trailingComma(text: string, offset: number): number | undefined {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',' && (text[offset] === '}' || text[offset] === ']') ? i : undefined;
}

/** Reports jsonc-parser's errors (one per position), a trailing comma with a fix; `consequence` ends each message. */
export function syntaxProblems(r: Reporter, errors: readonly ParseError[], consequence?: string): void {
  const then = consequence ? ` ${consequence}` : '';
  const max = r.text.length;
  const seen = new Set<number>();
  for (const e of errors) {
    const offset = Math.min(Math.max(e.offset, 0), max);
    if (seen.has(offset)) continue;
    seen.add(offset);
    const comma = e.error === PROPERTY_NAME_EXPECTED || e.error === VALUE_EXPECTED ? trailingComma(r.text, offset) : undefined;
    if (comma !== undefined) {
      r.report('SCIM001', { offset: comma, length: 1 }, `JSON syntax error: a trailing comma before "${r.text[offset]}" is not allowed in JSON.${then}`,
        [{ title: 'Remove the trailing comma', kind: 'quickfix', edits: [{ offset: comma, length: 1, newText: '' }] }]);
      continue;
    }
    const message = max === 0 ? 'The file is empty: it must hold one JSON object.' : SYNTAX_MESSAGES[e.error] ?? 'Invalid JSON.';
    r.report('SCIM001', { offset, length: Math.min(Math.max(e.length, 0), max - offset) }, `JSON syntax error: ${message}${then}`);
  }
}
