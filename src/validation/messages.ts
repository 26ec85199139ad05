// SCIM messages other than PatchOp: ListResponse (each resource checked as a server's response), Error
// (status as a string, scimType), SearchRequest (filter parsed with the core's parser, MURAL's query support).
import type { Node } from 'jsonc-parser';
import { isScimError, type ScimType } from '../scim/errors';
import { formatAttrPath, parseFilter, type AttrPath, type FilterNode } from '../scim/filter';
import { MURAL_SORTING, muralFilterRefusal } from '../scim/muralQuery';
import { resolveAttribute, type ResourceTypeName } from '../scim/schemas';
import { entries, jsonType, keyRange, nodeRange, prop, rangeInString, replaceEdit, skip, startRange, valueRange, type Prop, type Reporter } from './json';
import { checkSchemas } from './kinds';
import { checkResource } from './resource';
import { filterAttrs, type MappingView } from './targets';

function unknownKeys(r: Reporter, props: readonly Prop[], known: readonly string[], what: string): void {
  const set = new Set(known.map((k) => k.toLowerCase()));
  for (const p of props) {
    if (set.has(p.key.toLowerCase())) continue;
    r.report('SCIM031', keyRange(p), `${what} has no attribute "${p.key}" (it has ${known.join(', ')}); a client ignores it.`);
    if (p.value) skip(r, p.value);
  }
}

function isCount(node: Node | undefined, min: number): boolean {
  return node?.type === 'number' && Number.isInteger(node.value) && (node.value as number) >= min;
}

const LIST_KEYS = ['schemas', 'totalResults', 'Resources', 'startIndex', 'itemsPerPage'];

/** A ListResponse: its counts, and each resource as a server's response. */
export function checkListResponse(r: Reporter, view: MappingView, obj: Node, props: readonly Prop[], schemasProp: Prop | undefined): void {
  unknownKeys(r, props, LIST_KEYS, 'A ListResponse');
  const total = prop(props, 'totalResults');
  const resources = prop(props, 'Resources');
  const startIndex = prop(props, 'startIndex');
  const perPage = prop(props, 'itemsPerPage');
  if (!total?.value) {
    if (!r.hasSyntaxErrors) {
      r.report('SCIM050', schemasProp ? keyRange(schemasProp) : startRange(obj), 'A ListResponse needs "totalResults", the number of matches (0 for none).');
    }
  } else if (!isCount(total.value, 0)) {
    r.report('SCIM050', valueRange(total.value), `"totalResults" is a whole number ≥ 0, not ${jsonType(total.value)}${total.value.type === 'number' ? ` ${String(total.value.value)}` : ''}.`);
    skip(r, total.value);
  }
  for (const [p, min] of [[startIndex, 1], [perPage, 0]] as const) {
    if (p?.value && !isCount(p.value, min)) {
      r.report('SCIM050', valueRange(p.value), `"${p.key}" is a whole number ≥ ${min}, not ${jsonType(p.value)}${p.value.type === 'number' ? ` ${String(p.value.value)}` : ''}.`);
      skip(r, p.value);
    }
  }
  const list = resources?.value;
  if (!list) {
    const n = total?.value?.type === 'number' ? (total.value.value as number) : 0;
    if (n > 0 && !r.hasSyntaxErrors) {
      r.report('SCIM050', keyRange(total as Prop), `totalResults is ${n} but there is no "Resources" array: a ListResponse with matches must return them in "Resources".`);
    }
    return;
  }
  if (list.type !== 'array') {
    r.report('SCIM050', nodeRange(list), `"Resources" is an array of resources, not ${jsonType(list)}.`);
    skip(r, list);
    return;
  }
  const items = list.children ?? [];
  // Servers (Microsoft's own examples among them) often put the page size asked for in itemsPerPage, so only
  // a page holding MORE resources than itemsPerPage is reported.
  if (perPage?.value && isCount(perPage.value, 0) && (perPage.value.value as number) < items.length) {
    r.report('SCIM051', valueRange(perPage.value), `itemsPerPage says ${String(perPage.value.value)} but "Resources" holds ${items.length}. itemsPerPage is the number of resources in this page; a client paging by it skips resources.`);
  }
  if (total?.value && isCount(total.value, 0) && (total.value.value as number) < items.length) {
    r.report('SCIM051', valueRange(total.value), `totalResults says ${String(total.value.value)} but "Resources" holds ${items.length}; totalResults counts every match, so it is at least the page size.`);
  }
  for (const el of items) {
    if (el.type !== 'object') {
      r.report('SCIM050', nodeRange(el), `Each element of "Resources" is a resource object, not ${jsonType(el)}.`);
      skip(r, el);
      continue;
    }
    const elProps = entries(r, el);
    const res = checkSchemas(r, el, elProps);
    if (res.kind === 'User' || res.kind === 'Group') {
      checkResource({ r, view, rt: res.kind, mode: 'response' }, el, elProps, res.declared, res.schemasProp);
    } else {
      if (res.kind !== 'unknown' && res.schemasProp) {
        r.report('SCIM014', keyRange(res.schemasProp), `A ${res.kind} inside "Resources": a ListResponse from /Users or /Groups holds Users or Groups.`);
      }
      for (const p of elProps) if (p.value && p.key.toLowerCase() !== 'schemas') skip(r, p.value);
    }
  }
}

const SCIM_TYPES: readonly ScimType[] = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'];
const ERROR_KEYS = ['schemas', 'status', 'scimType', 'detail'];

/** An Error: status as a string HTTP status, scimType from RFC 7644's list. */
export function checkError(r: Reporter, obj: Node, props: readonly Prop[], schemasProp: Prop | undefined): void {
  unknownKeys(r, props, ERROR_KEYS, 'An Error');
  const status = prop(props, 'status');
  const v = status?.value;
  if (!v) {
    if (!r.hasSyntaxErrors) r.report('SCIM060', schemasProp ? keyRange(schemasProp) : startRange(obj), 'An Error needs "status", the HTTP status code as a string, e.g. "404".');
  } else if (v.type === 'number') {
    const quoted = JSON.stringify(String(v.value));
    r.report('SCIM060', nodeRange(v),
      `"status" is a string in RFC 7644 §3.12: write ${quoted}.`,
      [{ title: `Write ${quoted}`, kind: 'quickfix', edits: [replaceEdit(v, quoted)] }]);
  } else if (v.type !== 'string' || !/^[1-5]\d\d$/.test(v.value as string)) {
    r.report('SCIM060', valueRange(v), `"status" is an HTTP status code written as a string, e.g. "400" or "404", not ${v.type === 'string' ? `"${v.value as string}"` : jsonType(v)}.`);
    skip(r, v);
  }
  const scimType = prop(props, 'scimType')?.value;
  if (scimType) {
    if (scimType.type !== 'string') {
      r.report('SCIM030', nodeRange(scimType), `"scimType" is a string such as "invalidFilter", not ${jsonType(scimType)}.`);
      skip(r, scimType);
    } else if (!SCIM_TYPES.includes(scimType.value as ScimType)) {
      const near = SCIM_TYPES.find((t) => t.toLowerCase() === (scimType.value as string).toLowerCase());
      r.report('SCIM061', valueRange(scimType), `"${scimType.value as string}" is not a scimType of RFC 7644 §3.12: use ${SCIM_TYPES.join(', ')}.`,
        near ? [{ title: `Write "${near}"`, kind: 'quickfix', edits: [replaceEdit(scimType, JSON.stringify(near))] }] : undefined);
    }
  }
  const detail = prop(props, 'detail')?.value;
  if (detail && detail.type !== 'string' && detail.type !== 'null') {
    r.report('SCIM030', nodeRange(detail), `"detail" is a human-readable string, not ${jsonType(detail)}.`);
    skip(r, detail);
  }
}

const SEARCH_KEYS = ['schemas', 'attributes', 'excludedAttributes', 'filter', 'sortBy', 'sortOrder', 'startIndex', 'count'];
const TYPES: readonly ResourceTypeName[] = ['User', 'Group'];

function resolveAny(path: string): { rt: ResourceTypeName; resolved: NonNullable<ReturnType<typeof resolveAttribute>> } | undefined {
  for (const rt of TYPES) {
    const resolved = resolveAttribute(rt, path);
    if (resolved) return { rt, resolved };
  }
  return undefined;
}

/** The filter of a SearchRequest: syntax, attribute names, and what MURAL can answer. */
function checkFilter(r: Reporter, view: MappingView, node: Node): void {
  const text = node.value as string;
  let filter: FilterNode;
  try {
    filter = parseFilter(text);
  } catch (e) {
    if (!isScimError(e)) throw e;
    r.report('SCIM070', rangeInString(r.text, node, e.offset ?? 0, Math.max(e.length ?? 1, 1)), `Invalid filter: ${e.detail}`);
    return;
  }
  let unknown = false;
  for (const { attr, inValuePath } of filterAttrs(filter)) {
    const path = inValuePath ? `${formatAttrPath(inValuePath)}.${attr.name}` : formatAttrPath(attr);
    if (!resolveAny(path)) {
      unknown = true;
      r.report('SCIM031', rangeInString(r.text, node, attr.offset, attr.length), `"${formatAttrPath(attr)}" is neither a User nor a Group attribute; the filter matches nothing.`);
    }
  }
  if (unknown) return;
  const supported = filter.kind === 'compare' && filter.op === 'eq' ? supportedCompare(view, filter.attr) : undefined;
  const refusal = muralFilterRefusal(view.table, undefined, filter);
  if (!supported || refusal) {
    r.report('SCIM072', valueRange(node), refusal ? `MURAL refuses this filter (400 invalidFilter): it ${refusal.reason}.` : 'MURAL refuses this filter (400 invalidFilter).');
    return;
  }
  if (filter.kind !== 'compare' || typeof filter.value !== 'string') return;
  const { rt, resolved } = supported;
  const value = filter.value;
  for (const { rule, entry } of view.rulesAt(rt, resolved.parent ?? resolved.def, resolved.parent ? resolved.def : undefined)) {
    if (rule !== 'lowercase' || value === value.toLowerCase()) continue;
    const compare = text.slice(filter.offset, filter.offset + filter.length);
    const quote = compare.indexOf('"');
    const fixed = text.slice(0, filter.offset) + compare.slice(0, quote) + JSON.stringify(value.toLowerCase()) + text.slice(filter.offset + filter.length);
    r.report('SCIM023', rangeInString(r.text, node, filter.offset, filter.length),
      `MURAL stores ${entry.target} in lower case, so this filter with capitals returns an EMPTY list (not an error) and Entra would create a duplicate. Write the value in lower case.`,
      [{ title: `Lowercase to "${value.toLowerCase()}"`, kind: 'quickfix', edits: [replaceEdit(node, JSON.stringify(fixed))] }]);
  }
}

/** The resource type and attribute of `attr eq …` when the mapping marks it filterable. */
function supportedCompare(view: MappingView, attr: AttrPath): { rt: ResourceTypeName; resolved: NonNullable<ReturnType<typeof resolveAttribute>> } | undefined {
  for (const rt of TYPES) {
    const resolved = resolveAttribute(rt, formatAttrPath(attr));
    if (!resolved) continue;
    const top = resolved.parent ?? resolved.def;
    const sub = resolved.parent ? resolved.def : undefined;
    if (view.filterable(rt).some((m) => m.target.attr === top && m.target.sub === sub && !m.target.filter)) return { rt, resolved };
  }
  return undefined;
}

/** A SearchRequest (POST /.search): parameter types, the filter, projection attribute names. */
export function checkSearch(r: Reporter, view: MappingView, props: readonly Prop[]): void {
  unknownKeys(r, props, SEARCH_KEYS, 'A SearchRequest');
  for (const name of ['attributes', 'excludedAttributes']) {
    const v = prop(props, name)?.value;
    if (!v) continue;
    if (v.type !== 'array') {
      r.report('SCIM071', nodeRange(v), `"${name}" is an array of attribute names, e.g. ["userName", "emails"], not ${jsonType(v)}.`);
      skip(r, v);
      continue;
    }
    for (const el of v.children ?? []) {
      if (el.type !== 'string') {
        r.report('SCIM071', nodeRange(el), `Each entry of "${name}" is an attribute name, not ${jsonType(el)}.`);
        skip(r, el);
      } else if (!resolveAny(el.value as string)) {
        r.report('SCIM031', valueRange(el), `"${el.value as string}" is neither a User nor a Group attribute.`);
      }
    }
  }
  const filter = prop(props, 'filter')?.value;
  if (filter) {
    if (filter.type === 'string') checkFilter(r, view, filter);
    else {
      r.report('SCIM071', nodeRange(filter), `"filter" is a string such as "userName eq \\"alice@contoso.com\\"", not ${jsonType(filter)}.`);
      skip(r, filter);
    }
  }
  const sortBy = prop(props, 'sortBy')?.value;
  if (sortBy) {
    if (sortBy.type !== 'string') {
      r.report('SCIM071', nodeRange(sortBy), `"sortBy" is an attribute name, not ${jsonType(sortBy)}.`);
      skip(r, sortBy);
    } else if (!resolveAny(sortBy.value as string)) {
      r.report('SCIM031', valueRange(sortBy), `"${sortBy.value as string}" is neither a User nor a Group attribute.`);
    } else {
      r.report('SCIM072', valueRange(sortBy), `${MURAL_SORTING} Entra never sorts.`);
    }
  }
  const sortOrder = prop(props, 'sortOrder')?.value;
  if (sortOrder && !(sortOrder.type === 'string' && (sortOrder.value === 'ascending' || sortOrder.value === 'descending'))) {
    r.report('SCIM071', valueRange(sortOrder), '"sortOrder" is "ascending" or "descending".');
    skip(r, sortOrder);
  }
  for (const [name, min] of [['startIndex', 1], ['count', 0]] as const) {
    const v = prop(props, name)?.value;
    if (v && !isCount(v, min)) {
      r.report('SCIM071', valueRange(v), `"${name}" is a whole number ≥ ${min}, not ${jsonType(v)}${v.type === 'number' ? ` ${String(v.value)}` : ''}.`);
      skip(r, v);
    }
  }
}
