// validatePayload: one parse (jsonc-parser's tree, comments tolerated), one walk of the tree by payload kind.
import { parseTree, type ParseError } from 'jsonc-parser';
import { MURAL_MAPPING, type MappingTable } from '../scim/mapping';
import { entries, Reporter, skip, startRange } from './json';
import { checkSchemas, type PayloadKind } from './kinds';
import { checkError, checkListResponse, checkSearch } from './messages';
import { checkPatch } from './patch';
import { checkResource } from './resource';
import type { Problem } from './rules';
import { mappingView } from './targets';

export interface ValidateOptions {
  /** The attribute-mapping table to check against; MURAL's (from the seed tutorial) by default. */
  readonly mapping?: MappingTable;
}

export interface ValidationResult {
  readonly kind: PayloadKind;
  /** In document order. */
  readonly problems: Problem[];
}

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

function syntaxProblems(r: Reporter, errors: readonly ParseError[]): void {
  const max = r.text.length;
  const seen = new Set<number>();
  for (const e of errors) {
    const offset = Math.min(Math.max(e.offset, 0), max);
    if (seen.has(offset)) continue;
    seen.add(offset);
    const comma = e.error === PROPERTY_NAME_EXPECTED || e.error === VALUE_EXPECTED ? trailingComma(r.text, offset) : undefined;
    if (comma !== undefined) {
      r.report('SCIM001', { offset: comma, length: 1 }, `JSON syntax error: a trailing comma before "${r.text[offset]}" is not allowed in JSON. A SCIM server answers 400 invalidSyntax.`,
        [{ title: 'Remove the trailing comma', kind: 'quickfix', edits: [{ offset: comma, length: 1, newText: '' }] }]);
      continue;
    }
    const message = max === 0 ? 'The file is empty: a payload is one JSON object.' : SYNTAX_MESSAGES[e.error] ?? 'Invalid JSON.';
    r.report('SCIM001', { offset, length: Math.min(Math.max(e.length, 0), max - offset) }, `JSON syntax error: ${message} A SCIM server answers 400 invalidSyntax.`);
  }
}

/**
 * Validates a SCIM payload's text (a User or Group request body, a PatchOp, a ListResponse, an Error or a
 * SearchRequest) as MURAL would receive it from Entra, against the mapping table. Never throws.
 */
export function validatePayload(text: string, options: ValidateOptions = {}): ValidationResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
  const r = new Reporter(text, errors.length > 0);
  syntaxProblems(r, errors);
  let kind: PayloadKind = 'unknown';
  if (root) {
    if (root.type !== 'object') {
      r.report('SCIM003', startRange(root), `A SCIM payload is one JSON object with "schemas", not ${root.type === 'array' ? 'an array' : `a ${root.type}`}.`);
    } else {
      kind = checkObject(r, root, options.mapping ?? MURAL_MAPPING);
    }
  }
  r.problems.sort((a, b) => a.offset - b.offset || a.length - b.length);
  return { kind, problems: r.problems };
}

function checkObject(r: Reporter, root: NonNullable<ReturnType<typeof parseTree>>, table: MappingTable): PayloadKind {
  const view = mappingView(table);
  const props = entries(r, root);
  const { kind, declared, schemasProp } = checkSchemas(r, root, props);
  switch (kind) {
    case 'User':
    case 'Group':
      checkResource({ r, view, rt: kind, mode: 'request' }, root, props, declared, schemasProp);
      break;
    case 'PatchOp':
      checkPatch(r, view, root, props, schemasProp);
      break;
    case 'ListResponse':
      checkListResponse(r, view, root, props, schemasProp);
      break;
    case 'Error':
      checkError(r, root, props, schemasProp);
      break;
    case 'SearchRequest':
      checkSearch(r, view, props);
      break;
    case 'unknown':
      for (const p of props) if (p.value && p.key.toLowerCase() !== 'schemas') skip(r, p.value);
      break;
  }
  return kind;
}
