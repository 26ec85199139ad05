// The diagnostics the payload validator reports: one stable code per rule. docs/diagnostics.md has one
// section per code (its heading's anchor is `docsAnchor`); a unit test keeps the two in step.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RuleInfo {
  /** Short name, also the heading of the rule's section in docs/diagnostics.md. */
  readonly title: string;
  readonly defaultSeverity: Severity;
  /** Anchor of the rule's section in docs/diagnostics.md (GitHub heading slug). */
  readonly docsAnchor: string;
  /** One line: what the rule checks. */
  readonly description: string;
}

function rule(code: string, title: string, defaultSeverity: Severity, description: string): RuleInfo {
  const slug = `${code} ${title}`.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  return { title, defaultSeverity, docsAnchor: slug, description };
}

export const RULES = {
  SCIM001: rule('SCIM001', 'JSON syntax error', 'error', 'The text is not valid JSON (comments are tolerated).'),
  SCIM002: rule('SCIM002', 'Duplicate key', 'warning', 'A key appears twice in one object (SCIM attribute names compare case-insensitively).'),
  SCIM003: rule('SCIM003', 'Payload is not a JSON object', 'error', 'A SCIM payload is a single JSON object.'),
  SCIM010: rule('SCIM010', 'Missing schemas', 'error', 'The payload has no `schemas` attribute, so its kind is unknown.'),
  SCIM011: rule('SCIM011', 'Schemas is not an array of URNs', 'error', '`schemas` must be an array of URN strings.'),
  SCIM012: rule('SCIM012', 'Schema URN missing', 'error', '`schemas` lacks the core URN of the resource, or the URN of an extension the payload uses.'),
  SCIM013: rule('SCIM013', 'Unknown schema URN', 'error', '`schemas` holds a URN neither MURAL nor Entra uses.'),
  SCIM014: rule('SCIM014', 'Schema URN does not fit the payload', 'error', '`schemas` mixes URNs of different kinds of payload.'),
  SCIM020: rule('SCIM020', 'Required attribute missing', 'error', 'An attribute the mapping table marks as required by MURAL is missing or empty.'),
  SCIM021: rule('SCIM021', 'Boolean sent as a string', 'warning', 'A boolean attribute holds Entra\'s string form ("True"/"False").'),
  SCIM022: rule('SCIM022', 'Digits in a name', 'error', 'An attribute with the mapping rule noDigits (givenName, familyName) contains digits.'),
  SCIM023: rule('SCIM023', 'Value not lower case', 'warning', 'An attribute with the mapping rule lowercase (userName, work email) holds capitals.'),
  SCIM024: rule('SCIM024', 'Attribute not mapped by MURAL', 'information', 'The attribute is valid SCIM but the mapping table does not map it, so MURAL ignores it.'),
  SCIM025: rule('SCIM025', 'Read-only attribute in a request', 'warning', 'A client sends an attribute the service provider owns (id, groups, meta).'),
  SCIM026: rule('SCIM026', 'meta.resourceType in a request', 'hint', 'Entra sends meta.resourceType on create; it is read-only and ignored, and harmless.'),
  SCIM030: rule('SCIM030', 'Wrong value type', 'error', 'A value\'s JSON type does not match the attribute\'s schema type or multi-valuedness.'),
  SCIM031: rule('SCIM031', 'Unknown attribute', 'warning', 'The attribute is in neither the core nor the enterprise schema (nor the message schema).'),
  SCIM032: rule('SCIM032', 'Malformed email address', 'error', 'An email value is not an address of the form name@domain.'),
  SCIM040: rule('SCIM040', 'Operations missing or empty', 'error', 'A PatchOp needs a non-empty `Operations` array.'),
  SCIM041: rule('SCIM041', 'Invalid op', 'error', 'An operation\'s `op` is missing or not add, replace or remove.'),
  SCIM042: rule('SCIM042', 'Capitalised op (Entra\'s legacy form)', 'hint', 'Entra\'s default PATCH capitalises `op` ("Replace"); SCIM matches it case-insensitively.'),
  SCIM043: rule('SCIM043', 'Invalid path syntax', 'error', 'A PATCH `path` (or a path-less value key) does not parse as an RFC 7644 attribute path.'),
  SCIM044: rule('SCIM044', 'Path targets an unknown attribute', 'error', 'A PATCH `path` (or a path-less value key) names an attribute the schemas do not define.'),
  SCIM045: rule('SCIM045', 'remove without path', 'error', 'A `remove` operation without `path` has no target (400 noTarget).'),
  SCIM046: rule('SCIM046', 'Missing or misshaped value', 'error', 'add/replace need a `value`; without `path` it must be an object of attribute paths.'),
  SCIM047: rule('SCIM047', 'Path targets a read-only attribute', 'error', 'A PATCH operation modifies id, meta or groups (400 mutability).'),
  SCIM048: rule('SCIM048', 'Members value shape', 'error', 'Group members are an array of objects with a `value` (the member\'s id).'),
  SCIM049: rule('SCIM049', 'remove removes every member', 'warning', '`remove` on `members` with neither a filter nor a value list empties the group.'),
  SCIM050: rule('SCIM050', 'ListResponse field', 'error', 'totalResults, Resources, startIndex and itemsPerPage have the wrong type or are missing.'),
  SCIM051: rule('SCIM051', 'ListResponse counts disagree', 'warning', 'Resources holds more resources than itemsPerPage or totalResults say.'),
  SCIM052: rule('SCIM052', 'Resource without id', 'error', 'A resource returned by a server has no `id`; Entra keeps the id for every later call.'),
  SCIM060: rule('SCIM060', 'Error status', 'error', 'An Error\'s `status` is missing, or not an HTTP status code written as a string.'),
  SCIM061: rule('SCIM061', 'Unknown scimType', 'error', 'An Error\'s `scimType` is not one RFC 7644 defines.'),
  SCIM070: rule('SCIM070', 'Invalid filter', 'error', 'A `filter` does not parse as an RFC 7644 filter.'),
  SCIM071: rule('SCIM071', 'Invalid SearchRequest parameter', 'error', 'A SearchRequest paging, sorting or projection parameter has the wrong type or value.'),
  SCIM072: rule('SCIM072', 'Query MURAL does not support', 'information', 'MURAL filters only on its filterable attributes with eq, and does not sort.'),
  SCIM080: rule('SCIM080', 'Invalid mapping file', 'error', 'A custom mapping file (.vscode/scim-mapping.json) does not have the expected shape.'),
  SCIM081: rule('SCIM081', 'Mapping target not understood', 'warning', 'A mapping entry\'s target is not a known attribute path, or is mapped twice.'),
  SCIM090: rule('SCIM090', 'Invalid provisioning configuration', 'error', 'A provisioning configuration file (Entra\'s synchronizationSchema) does not have the expected shape.'),
  SCIM091: rule('SCIM091', 'Expression syntax error', 'error', 'An attribute-mapping expression does not parse.'),
  SCIM092: rule('SCIM092', 'Unknown function or wrong arguments', 'error', 'An expression calls a function Entra does not have, with the wrong number of arguments, or uses an unknown keyword.'),
  SCIM093: rule('SCIM093', 'Unknown source attribute', 'error', 'An expression or scoping clause reads an attribute the file\'s source directory does not define.'),
  SCIM094: rule('SCIM094', 'Unknown target attribute', 'error', 'A mapping writes an attribute the app\'s object does not have.'),
  SCIM095: rule('SCIM095', 'Matching attribute problem', 'error', 'A matching attribute MURAL cannot filter on, or two matching attributes with the same precedence.'),
  SCIM096: rule('SCIM096', 'Scoping clause problem', 'error', 'A scoping clause with an unknown operator, a missing value or a value its operator cannot use.'),
  SCIM097: rule('SCIM097', 'Invalid regular expression', 'error', 'A Replace pattern or REGEX MATCH value does not compile as a .NET regular expression.'),
  SCIM098: rule('SCIM098', 'Spelling differs from Entra\'s', 'warning', 'A function or scoping operator is written in another case or spelling than Entra documents.'),
  SCIM099: rule('SCIM099', 'Stored tree disagrees with expression', 'warning', 'An attribute mapping\'s stored parameters say something else than its expression text.'),
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  /** Non-overlapping edits against the original text. */
  readonly edits: readonly TextEdit[];
  readonly kind?: 'quickfix';
}

export interface Problem {
  readonly offset: number;
  readonly length: number;
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly message: string;
  readonly fixes?: readonly Fix[];
}

/** Applies a fix's edits to the text it was computed for. */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}
