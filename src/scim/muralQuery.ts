// What MURAL's SCIM API answers in a query, read from the attribute-mapping table (src/scim/mapping.ts): a
// filter is one `eq` comparison of an attribute the table marks "Supported for filtering" (userName on
// /Users, displayName on /Groups) with a string; sorting is not supported. MURAL's SCIM examples say
// "List sorting and other filters are not currently supported"
// (https://developers.mural.co/enterprise/docs/scim-examples). The mock server refuses other filters with
// 400 invalidFilter (RFC 7644 §3.12: "the specified attribute and filter comparison combination is not
// supported"); the payload validator and the Entra check explain the same refusal in the same words.
import { formatAttrPath, type FilterNode } from './filter';
import { entriesFor, type MappingTable } from './mapping';
import { RESOURCE_TYPES, resolveAttribute, type ResourceTypeName } from './schemas';

const TYPES: readonly ResourceTypeName[] = ['User', 'Group'];

/** `urn|attribute|sub`, lower case: one key per attribute however a filter or the table spells it. */
function attributeKey(rt: ResourceTypeName, path: string): string | undefined {
  const r = resolveAttribute(rt, path);
  if (!r) return undefined;
  return `${r.extension ?? ''}|${(r.parent ?? r.def).name}|${r.parent ? r.def.name : ''}`.toLowerCase();
}

/** The table's filterable targets of `rt` that a plain `eq` can address (no value filter such as emails[type eq "work"]). */
export function filterableTargets(table: MappingTable, rt: ResourceTypeName): string[] {
  return entriesFor(table, rt).filter((e) => e.filterable && !e.target.includes('[')).map((e) => e.target);
}

/** `userName eq "…" on /Users`, for every type given. */
function supportedText(table: MappingTable, types: readonly ResourceTypeName[]): string {
  const parts = types.map((rt) => {
    const targets = filterableTargets(table, rt);
    const endpoint = RESOURCE_TYPES[rt].endpoint;
    return targets.length ? `${targets.map((t) => `${t} eq "…"`).join(' or ')} on ${endpoint}` : `no filter on ${endpoint}`;
  });
  return parts.join(' and ');
}

interface Unsupported {
  /** e.g. `uses the operator "sw" on userName`. */
  readonly reason: string;
  /** The attribute, when the filter compares an attribute MURAL does not filter on (a matching attribute MURAL cannot serve). */
  readonly attribute?: string;
}

/** What makes `node` a filter MURAL does not answer on `rt`'s endpoint, or undefined when MURAL answers it. */
function unsupportedOn(table: MappingTable, rt: ResourceTypeName, node: FilterNode): Unsupported | undefined {
  switch (node.kind) {
    case 'and':
    case 'or': return { reason: `combines comparisons with "${node.kind}"` };
    case 'not': return { reason: 'uses "not"' };
    case 'present': return { reason: `uses "pr" on ${formatAttrPath(node.attr)}` };
    case 'valuePath': return { reason: `uses a value filter on ${formatAttrPath(node.attr)}[…]` };
    case 'compare': {
      const attr = formatAttrPath(node.attr);
      const key = attributeKey(rt, attr);
      if (key === undefined || !filterableTargets(table, rt).some((t) => attributeKey(rt, t) === key)) return { reason: `names ${attr}, which MURAL does not filter on`, attribute: attr };
      if (node.op !== 'eq') return { reason: `uses the operator "${node.op}" on ${attr}` };
      if (typeof node.value !== 'string') return { reason: `compares ${attr} with ${JSON.stringify(node.value)}, not a string` };
      return undefined;
    }
  }
}

/** Why MURAL does not answer a filter, in words an admin understands. */
export interface FilterRefusal {
  /** What is wrong with the filter, e.g. `names externalId, which MURAL does not filter on`. */
  readonly reason: string;
  /** The full explanation: what MURAL answers and what Entra does when its matching look-up is refused. */
  readonly detail: string;
}

/**
 * Whether MURAL answers `node` on `rt`'s endpoint (undefined: POST /.search at the root, where a filter MURAL
 * answers on either endpoint is accepted). Undefined when it does; otherwise the refusal.
 */
export function muralFilterRefusal(table: MappingTable, rt: ResourceTypeName | undefined, node: FilterNode): FilterRefusal | undefined {
  const types = rt ? [rt] : TYPES;
  const found: Unsupported[] = [];
  for (const t of types) {
    const u = unsupportedOn(table, t, node);
    if (u === undefined) return undefined;
    if (!found.some((f) => f.reason === u.reason)) found.push(u);
  }
  const reason = found.map((f) => f.reason).join(', and ');
  const nouns = types.map((t) => (t === 'User' ? 'user' : 'group')).join(' and ');
  const attribute = found.find((f) => f.attribute)?.attribute;
  const keep = types.map((t) => filterableTargets(table, t).join(' or ') || `a filterable ${t} attribute`).join(' and ');
  const detail = `MURAL answers only ${supportedText(table, types)} ("List sorting and other filters are not currently supported"), ` +
    `but this filter ${reason}. ${attribute ? `If ${attribute} is Entra's matching attribute` : `If Entra looked ${nouns}s up this way`}, ` +
    `Entra will fail to match every ${nouns} and retry each cycle, so none is created or updated: keep ${keep} as the matching ` +
    'attribute in Entra\'s attribute mappings.';
  return { reason, detail };
}

/**
 * Whether MURAL can find `rt` resources by `attribute` (a path such as `externalId`, `name.givenName`), and what Entra
 * does when it is the matching attribute: one sentence for hovers.
 */
export function matchingNote(table: MappingTable, rt: ResourceTypeName, attribute: string): string {
  const key = attributeKey(rt, attribute);
  const noun = rt === 'User' ? 'user' : 'group';
  if (key !== undefined && filterableTargets(table, rt).some((t) => attributeKey(rt, t) === key)) {
    return `MURAL filters ${RESOURCE_TYPES[rt].endpoint} by it (\`${attribute} eq "…"\`), so it can be Entra's matching attribute.`;
  }
  return `MURAL cannot filter on it: as Entra's matching attribute, Entra will fail to match every ${noun} and retry each cycle ` +
    `(keep ${filterableTargets(table, rt).join(' or ') || 'a filterable attribute'}).`;
}

/** What MURAL does with sortBy, for explanations. */
export const MURAL_SORTING = 'MURAL does not sort ("List sorting and other filters are not currently supported"): it ignores sortBy and ' +
  'sortOrder, as RFC 7644 §3.4.2 has a service provider do with query parameters it does not support.';
