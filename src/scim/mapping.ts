// MURAL's attribute-mapping table from the seed tutorial — the ONE source of truth for what MURAL
// requires, what it filters on and which rules it applies. The mock server enforces it, the payload
// validator checks against it and the snippets are written to satisfy it. A workspace may replace it
// (see parseMappingTable), as an admin edits Entra's attribute mappings.
import type { ResourceTypeName } from './schemas';

/** A rule MURAL applies to an attribute's values. */
export type MappingRule =
  /** Stored lower case; a `userName eq` filter with capitals finds nothing. */
  | 'lowercase'
  /** No digits allowed (name.givenName, name.familyName). */
  | 'noDigits';

export interface MappingEntry {
  readonly resource: ResourceTypeName;
  /** The target attribute as Entra's attribute-mapping blade writes it, e.g. `emails[type eq "work"].value`. */
  readonly target: string;
  /** The type column of Entra's mapping blade. */
  readonly type: 'String' | 'Boolean' | 'Reference';
  /** "Supported for filtering": Entra may use it as a matching attribute. */
  readonly filterable: boolean;
  /** "Required by MURAL Identity". */
  readonly required: boolean;
  /** Entra's default source attribute (for explanations only). */
  readonly source?: string;
  readonly rules?: readonly MappingRule[];
}

export interface MappingTable {
  readonly name: string;
  readonly entries: readonly MappingEntry[];
}

export const MURAL_MAPPING: MappingTable = {
  name: 'MURAL Identity (Microsoft Entra gallery app)',
  entries: [
    { resource: 'User', target: 'userName', type: 'String', filterable: true, required: true, source: 'userPrincipalName', rules: ['lowercase'] },
    { resource: 'User', target: 'emails[type eq "work"].value', type: 'String', filterable: false, required: true, source: 'mail', rules: ['lowercase'] },
    { resource: 'User', target: 'active', type: 'Boolean', filterable: false, required: false, source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
    { resource: 'User', target: 'name.givenName', type: 'String', filterable: false, required: false, source: 'givenName', rules: ['noDigits'] },
    { resource: 'User', target: 'name.familyName', type: 'String', filterable: false, required: false, source: 'surname', rules: ['noDigits'] },
    { resource: 'User', target: 'externalId', type: 'String', filterable: false, required: false, source: 'mailNickname' },
    { resource: 'Group', target: 'displayName', type: 'String', filterable: true, required: true, source: 'displayName' },
    { resource: 'Group', target: 'members', type: 'Reference', filterable: false, required: false, source: 'members' },
    { resource: 'Group', target: 'externalId', type: 'String', filterable: false, required: false, source: 'objectId' },
  ],
};

export function entriesFor(table: MappingTable, rt: ResourceTypeName): readonly MappingEntry[] {
  return table.entries.filter((e) => e.resource === rt);
}

/** The entry whose target is `target` (compared case-insensitively, whitespace-insensitively). */
export function findEntry(table: MappingTable, rt: ResourceTypeName, target: string): MappingEntry | undefined {
  const key = normalizeTarget(target);
  return table.entries.find((e) => e.resource === rt && normalizeTarget(e.target) === key);
}

export function normalizeTarget(target: string): string {
  return target.replace(/\s+/g, ' ').replace(/\[\s*/g, '[').replace(/\s*\]/g, ']').toLowerCase();
}

export function hasRule(table: MappingTable, rt: ResourceTypeName, target: string, rule: MappingRule): boolean {
  return findEntry(table, rt, target)?.rules?.includes(rule) ?? false;
}

/** A problem in a custom mapping file, with the JSON path of the offending value. */
export interface MappingTableProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const RULES: readonly MappingRule[] = ['lowercase', 'noDigits'];
const TYPES = ['String', 'Boolean', 'Reference'] as const;

/**
 * Validates a custom mapping table (the shape of `.vscode/scim-mapping.json`, see
 * schemas/scim-mapping.schema.json). Returns the table when it is usable, and every problem found.
 */
export function parseMappingTable(value: unknown): { table?: MappingTable; problems: MappingTableProblem[] } {
  const problems: MappingTableProblem[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [{ path: [], message: 'A mapping file must be a JSON object with an "entries" array.' }] };
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.entries)) {
    return { problems: [{ path: ['entries'], message: '"entries" must be an array of attribute mappings.' }] };
  }
  const entries: MappingEntry[] = [];
  v.entries.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ path: ['entries', i], message: 'Each mapping must be an object with resource, target and type.' });
      return;
    }
    const e = raw as Record<string, unknown>;
    const at = (k: string) => ['entries', i, k];
    let ok = true;
    if (e.resource !== 'User' && e.resource !== 'Group') { problems.push({ path: at('resource'), message: '"resource" must be "User" or "Group".' }); ok = false; }
    if (typeof e.target !== 'string' || e.target.trim() === '') { problems.push({ path: at('target'), message: '"target" must be a SCIM attribute path such as "name.givenName".' }); ok = false; }
    if (!TYPES.includes(e.type as (typeof TYPES)[number])) { problems.push({ path: at('type'), message: `"type" must be one of ${TYPES.join(', ')}.` }); ok = false; }
    for (const k of ['filterable', 'required'] as const) {
      if (e[k] !== undefined && typeof e[k] !== 'boolean') { problems.push({ path: at(k), message: `"${k}" must be true or false.` }); ok = false; }
    }
    if (e.source !== undefined && typeof e.source !== 'string') { problems.push({ path: at('source'), message: '"source" must be a string.' }); ok = false; }
    if (e.rules !== undefined && (!Array.isArray(e.rules) || e.rules.some((r) => !RULES.includes(r as MappingRule)))) {
      problems.push({ path: at('rules'), message: `"rules" must be an array of ${RULES.map((r) => `"${r}"`).join(', ')}.` }); ok = false;
    }
    if (!ok) return;
    entries.push({
      resource: e.resource as ResourceTypeName,
      target: (e.target as string).trim(),
      type: e.type as MappingEntry['type'],
      filterable: (e.filterable as boolean | undefined) ?? false,
      required: (e.required as boolean | undefined) ?? false,
      ...(typeof e.source === 'string' ? { source: e.source } : {}),
      ...(Array.isArray(e.rules) ? { rules: e.rules as MappingRule[] } : {}),
    });
  });
  const name = typeof v.name === 'string' ? v.name : 'Workspace mapping';
  return { table: problems.length === 0 ? { name, entries } : undefined, problems };
}
