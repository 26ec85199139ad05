// validatePayload: one parse (jsonc-parser's tree, comments tolerated), one walk of the tree by payload kind.
import type { Node } from 'jsonc-parser';
import { syntaxProblems } from './syntax';
import { MURAL_MAPPING, type MappingTable } from '../scim/mapping';
import { entries, Reporter, skip, startRange } from './json';
import { checkSchemas, type PayloadKind } from './kinds';
import { checkError, checkListResponse, checkSearch } from './messages';
import { checkPatch } from './patch';
import { checkResource } from './resource';
import type { Problem } from './rules';
import { mappingView } from './targets';
import { readTree } from './tree';

export interface ValidateOptions {
  /** The attribute-mapping table to check against; MURAL's (from the seed tutorial) by default. */
  readonly mapping?: MappingTable;
}

export interface ValidationResult {
  readonly kind: PayloadKind;
  /** In document order. */
  readonly problems: Problem[];
}

/**
 * Validates a SCIM payload's text (a User or Group request body, a PatchOp, a ListResponse, an Error or a
 * SearchRequest) as MURAL would receive it from Entra, against the mapping table. Never throws.
 */
export function validatePayload(text: string, options: ValidateOptions = {}): ValidationResult {
  const { root, errors, tooDeep } = readTree(text, { allowTrailingComma: false });
  const r = new Reporter(text, errors.length > 0 || tooDeep === true);
  syntaxProblems(r, errors);
  if (tooDeep) r.report('SCIM001', { offset: 0, length: 0 }, 'The document nests arrays or objects too deeply to be checked; no SCIM payload nests more than a few levels.');
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

function checkObject(r: Reporter, root: Node, table: MappingTable): PayloadKind {
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
