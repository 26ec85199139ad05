// User and Group resources, and values of their attributes wherever they appear (a POST body, an element of
// a ListResponse, a PATCH value): types against the schema, unknown and read-only attributes, MURAL's rules
// from the mapping table (required, lowercase, noDigits), attributes MURAL does not map.
import { getNodeValue, type Node } from 'jsonc-parser';
import { closest } from '../entra/functions';
import type { FilterNode } from '../scim/filter';
import type { MappingEntry } from '../scim/mapping';
import { RESOURCE_TYPES, resolveAttribute, schemaFor, type AttributeDef, type ResourceTypeName } from '../scim/schemas';
import { parseDateTime } from '../scim/values';
import {
  entries, insertElementEdit, insertPropertyEdit, jsonType, keyRange, layoutJson, nodeRange, prop, removePropertyEdits,
  replaceEdit, sameKey, skip, startRange, valueRange, type Prop, type Reporter,
} from './json';
import type { Fix } from './rules';
import { extensionAttribute, findSub, topAttribute, topLevelNames, type MappedEntry, type MappingView } from './targets';

/** Where values are checked: a request a client sends (MURAL's rules apply), or a server's response. */
export type Mode = 'request' | 'response';

export interface Scope {
  readonly r: Reporter;
  readonly view: MappingView;
  readonly rt: ResourceTypeName;
  readonly mode: Mode;
}

/** Where a value sits: the top-level attribute, and inside it an element and/or a sub-attribute. */
export interface Loc {
  readonly attr: AttributeDef;
  readonly extension?: string;
  readonly sub?: AttributeDef;
  /** The element of a multi-valued attribute holding the value. */
  readonly element?: Node;
  /** The filter of the PATCH path that selects the element(s). */
  readonly pathFilter?: FilterNode;
}

/** `emails[type eq "work"].value` style name of a location, for messages. */
export function locName(loc: Loc): string {
  return `${loc.attr.name}${loc.sub ? `.${loc.sub.name}` : ''}`;
}

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:.]+$/;

/** Whether the schema says a value is an email address (emails.value). */
function isEmailValue(loc: Loc): boolean {
  return loc.attr.name === 'emails' && loc.sub?.name === 'value' && loc.extension === undefined;
}

/** Group members: the multi-valued attribute whose elements need a `value` (the member's id). */
export function isMembers(rt: ResourceTypeName, attr: AttributeDef): boolean {
  return rt === 'Group' && attr.name === 'members' && attr.multiValued;
}

function elementGetter(node: Node | undefined): (() => unknown) | undefined {
  if (!node) return undefined;
  let cached: unknown;
  let done = false;
  return () => {
    if (!done) {
      done = true;
      try {
        cached = getNodeValue(node);
      } catch (e) {
        // jsonc-parser's getNodeValue recurses: a value nested beyond the stack matches no filter.
        if (!(e instanceof RangeError)) throw e;
      }
    }
    return cached;
  };
}

function sourceNote(entry: MappingEntry): string {
  return entry.source ? ` (Entra maps it from ${entry.source})` : '';
}

/** Checks a value against an attribute: arrays for multi-valued attributes, objects for complex ones, scalars. */
export function checkValue(s: Scope, loc: Loc, node: Node): void {
  if (node.type === 'null') return;
  const { attr } = loc;
  if (loc.sub) {
    checkScalar(s, loc, node);
    return;
  }
  if (attr.multiValued) {
    if (node.type !== 'array') {
      if (isMembers(s.rt, attr)) {
        s.r.report('SCIM048', nodeRange(node), `members must be an array of objects such as [{"value": "<user id>"}], not ${jsonType(node)}.`);
      } else {
        s.r.report('SCIM030', nodeRange(node), `${attr.name} is multi-valued: send an array${attr.type === 'complex' ? ' of objects' : ''}, not ${jsonType(node)}.`);
      }
      skip(s.r, node);
      return;
    }
    for (const el of node.children ?? []) checkElement(s, loc, el);
    return;
  }
  if (attr.type === 'complex') {
    checkComplex(s, loc, node);
    return;
  }
  checkScalar(s, loc, node);
}

/** One element of a multi-valued attribute. */
export function checkElement(s: Scope, loc: Loc, el: Node): void {
  const { attr } = loc;
  if (el.type === 'null') return;
  if (attr.type !== 'complex') {
    checkScalar(s, { attr, extension: loc.extension, element: el, pathFilter: loc.pathFilter }, el);
    return;
  }
  if (el.type !== 'object') {
    if (isMembers(s.rt, attr)) {
      s.r.report('SCIM048', nodeRange(el), `Each member is an object such as {"value": "<user id>"}, not ${jsonType(el)}.`);
    } else {
      s.r.report('SCIM030', nodeRange(el), `Each value of ${attr.name} is an object with ${(attr.subAttributes ?? []).map((a) => a.name).join(', ')}, not ${jsonType(el)}.`);
    }
    skip(s.r, el);
    return;
  }
  const props = entries(s.r, el);
  if (s.mode === 'request' && !loc.pathFilter && s.view.mapsAttr(s.rt, attr) && !s.view.mapsElement(s.rt, attr, elementGetter(el) as () => unknown)) {
    const type = prop(props, 'type');
    s.r.report('SCIM024', type?.value ? valueRange(type.value) : startRange(el),
      `MURAL maps only ${s.view.describeMapped(s.rt, attr)}; Entra may send other ${attr.name} but MURAL ignores this one.`);
  }
  if (isMembers(s.rt, attr)) {
    const value = prop(props, 'value');
    if (!value?.value) {
      s.r.report('SCIM048', startRange(el), 'A member needs "value", the id of the user (or group) to add or remove: {"value": "<id>"}. Entra sends {"$ref": null, "value": "<id>"}.');
    } else if (value.value.type !== 'string') {
      s.r.report('SCIM048', nodeRange(value.value), `A member's "value" is the member's id as a string, not ${jsonType(value.value)}.`);
    }
  }
  for (const p of props) {
    if (!p.value) continue;
    const sub = sendableSub(s, attr, p, p.value);
    if (!sub) continue;
    checkScalar(s, { attr, extension: loc.extension, sub, element: el, pathFilter: loc.pathFilter }, p.value);
  }
}

/** A single-valued complex attribute (name, manager): its sub-attributes. */
function checkComplex(s: Scope, loc: Loc, node: Node): void {
  const { attr } = loc;
  if (node.type !== 'object') {
    s.r.report('SCIM030', nodeRange(node), `${attr.name} is an object with ${(attr.subAttributes ?? []).map((a) => a.name).join(', ')}, not ${jsonType(node)}.`);
    skip(s.r, node);
    return;
  }
  const mapped = s.view.mapsAttr(s.rt, attr);
  for (const p of entries(s.r, node)) {
    if (!p.value) continue;
    const sub = sendableSub(s, attr, p, p.value);
    if (!sub) continue;
    if (s.mode === 'request' && mapped && !s.view.mapsSub(s.rt, attr, sub) && isSent(p.value)) {
      s.r.report('SCIM024', keyRange(p), `MURAL does not map ${attr.name}.${sub.name} (only ${s.view.describeMapped(s.rt, attr)}), so it ignores it.`);
    }
    checkScalar(s, { attr, extension: loc.extension, sub, element: loc.element, pathFilter: loc.pathFilter }, p.value);
  }
}

/** The sub-attribute `p` names, or undefined once an unknown one, or a read-only one a client sends, is reported. */
function sendableSub(s: Scope, attr: AttributeDef, p: Prop, value: Node): AttributeDef | undefined {
  const sub = findSub(attr, p.key);
  if (!sub) {
    reportUnknown(s.r, p, attr.name, (attr.subAttributes ?? []).map((a) => a.name));
    skip(s.r, value);
    return undefined;
  }
  if (s.mode === 'request' && sub.mutability === 'readOnly' && attr.mutability !== 'readOnly') {
    reportReadOnlySub(s, attr, sub, p);
    return undefined;
  }
  return sub;
}

function reportReadOnlySub(s: Scope, attr: AttributeDef, sub: AttributeDef, p: Prop): void {
  s.r.report('SCIM025', keyRange(p),
    `${attr.name}.${sub.name} is read-only: the service provider sets it and ignores what a client sends. Remove it.`,
    [{ title: `Remove read-only "${p.key}"`, kind: 'quickfix', edits: removePropertyEdits(p) }]);
  if (p.value) skip(s.r, p.value);
}

/** Whether a value carries anything (null, "" and [] send nothing). */
export function isSent(node: Node): boolean {
  if (node.type === 'null') return false;
  if (node.type === 'array' || node.type === 'object') return (node.children?.length ?? 0) > 0;
  return true;
}

const BOOLEAN_STRING = /^(true|false)$/i;

/** A simple value against its definition, then MURAL's rules and the email format. */
export function checkScalar(s: Scope, loc: Loc, node: Node): void {
  if (node.type === 'null') return;
  const def = loc.sub ?? loc.attr;
  switch (def.type) {
    case 'boolean':
      if (node.type === 'boolean') return;
      if (node.type === 'string' && BOOLEAN_STRING.test(node.value as string)) {
        const b = (node.value as string).toLowerCase();
        s.r.report('SCIM021', valueRange(node),
          `${locName(loc)} is a boolean, not the string "${node.value as string}": write ${b}.`,
          [{ title: `Convert "${node.value as string}" to ${b}`, kind: 'quickfix', edits: [replaceEdit(node, b)] }]);
        return;
      }
      s.r.report('SCIM030', valueRange(node), `${locName(loc)} is a boolean: write true or false, not ${jsonType(node)}${node.type === 'string' ? ` "${node.value as string}"` : ''}.`);
      skip(s.r, node);
      return;
    case 'integer':
      if (node.type === 'number' && Number.isInteger(node.value)) return;
      s.r.report('SCIM030', valueRange(node), `${locName(loc)} is an integer, not ${jsonType(node)}.`);
      skip(s.r, node);
      return;
    case 'decimal':
      if (node.type === 'number') return;
      s.r.report('SCIM030', valueRange(node), `${locName(loc)} is a number, not ${jsonType(node)}.`);
      skip(s.r, node);
      return;
    case 'complex':
      checkComplex(s, loc, node);
      return;
    default:
      break;
  }
  if (node.type !== 'string') {
    s.r.report('SCIM030', valueRange(node), `${locName(loc)} is a ${def.type === 'string' ? 'string' : `${def.type} (a string)`}, not ${jsonType(node)}.${node.type === 'number' ? ' Quote it.' : ''}`);
    skip(s.r, node);
    return;
  }
  const value = node.value as string;
  if (def.type === 'dateTime' && parseDateTime(value) === undefined) {
    s.r.report('SCIM030', valueRange(node), `${locName(loc)} is a dateTime: write it like "2024-05-13T04:42:34Z" (xsd:dateTime), not "${value}".`);
    return;
  }
  if (isEmailValue(loc) && value !== '' && !EMAIL.test(value)) {
    s.r.report('SCIM032', valueRange(node), `"${value}" is not an email address (name@domain.tld).`);
  }
  if (s.mode === 'request') applyRules(s, loc, node, value);
}

/** The mapping table's rules for the value at `loc`. */
function applyRules(s: Scope, loc: Loc, node: Node, value: string): void {
  const where = { element: elementGetter(loc.element), pathFilter: loc.pathFilter };
  for (const { rule, entry } of s.view.rulesAt(s.rt, loc.attr, loc.sub, where)) {
    if (rule === 'lowercase' && value !== value.toLowerCase()) {
      s.r.report('SCIM023', valueRange(node),
        `MURAL stores ${entry.target} in lower case${sourceNote(entry)}: send "${value.toLowerCase()}".`,
        [{ title: `Lowercase to "${value.toLowerCase()}"`, kind: 'quickfix', edits: [replaceEdit(node, JSON.stringify(value.toLowerCase()))] }]);
    }
    if (rule === 'noDigits' && /\d/.test(value)) {
      s.r.report('SCIM022', valueRange(node),
        `MURAL rejects digits in ${entry.target}${sourceNote(entry)}: "${value}".`);
    }
  }
}

/**
 * SCIM031 on a key `owner` does not have, in one sentence: "did you mean" when one of `names` is close (with a
 * fix that renames the key), else what a server does with it; removing the key is always offered. The names it
 * does have are offered by completion, not listed in the message.
 */
function reportUnknown(r: Reporter, p: Prop, owner: string, names: readonly string[]): void {
  const near = closest(p.key, names, 1)[0];
  const fixes: Fix[] = [
    ...(near ? [{ title: `Change to "${near}"`, kind: 'quickfix' as const, edits: [replaceEdit(p.keyNode, JSON.stringify(near))] }] : []),
    { title: `Remove "${p.key}"`, kind: 'quickfix', edits: removePropertyEdits(p) },
  ];
  r.report('SCIM031', keyRange(p), `${owner} has no attribute "${p.key}"${near ? `: did you mean "${near}"?` : '; a server ignores or rejects it.'}`, fixes);
}

/** Attributes of an extension object (`"urn:…:enterprise:2.0:User": {…}`). */
export function checkExtension(s: Scope, extension: string, node: Node): void {
  const schema = schemaFor(extension);
  if (!schema) return;
  if (node.type !== 'object') {
    s.r.report('SCIM030', nodeRange(node), `The ${schema.name} extension is an object of its attributes, not ${jsonType(node)}.`);
    skip(s.r, node);
    return;
  }
  for (const p of entries(s.r, node)) {
    if (!p.value) continue;
    const def = extensionAttribute(extension, p.key);
    if (!def) {
      reportUnknown(s.r, p, `The ${schema.name} extension`, schema.attributes.map((a) => a.name));
      skip(s.r, p.value);
      continue;
    }
    checkAttribute(s, { attr: def, extension }, p);
  }
}

/** A top-level or extension attribute: read-only, not mapped, then its value. */
function checkAttribute(s: Scope, loc: Loc, p: Prop): void {
  const value = p.value as Node;
  if (s.mode === 'request' && s.view.mapsAttr(s.rt, loc.attr) === false && isSent(value)) {
    s.r.report('SCIM024', keyRange(p), `MURAL does not map ${loc.extension ? `${loc.extension}:` : ''}${loc.attr.name}, so it ignores it.`);
  }
  checkValue(s, loc, value);
}

/** meta in a request: Entra's `{resourceType: "User"}` is harmless (hint); anything else is a warning. */
function checkMetaInRequest(s: Scope, p: Prop): void {
  const value = p.value as Node;
  const fix: Fix = { title: `Remove read-only "${p.key}"`, kind: 'quickfix', edits: removePropertyEdits(p) };
  if (value.type === 'object') {
    const props = entries(s.r, value);
    const only = props.length === 1 && props[0].key === 'resourceType' ? props[0].value : undefined;
    if (only?.type === 'string' && only.value === s.rt) {
      s.r.report('SCIM026', keyRange(p),
        `Entra sends this read-only meta when it creates a ${s.rt}; MURAL ignores it, so it is harmless.`,
        [fix]);
      return;
    }
    for (const q of props) if (q.value) skip(s.r, q.value);
  } else {
    skip(s.r, value);
  }
  s.r.report('SCIM025', keyRange(p), `meta is read-only: the service provider sets created, lastModified, location and version, and ignores what a client sends. Remove it.`, [fix]);
}

/**
 * A User or Group object (request body, or an element of a ListResponse in response mode), after its
 * `schemas` was checked. `declared` holds the lower-cased URNs of `schemas`; `schemasProp` is used to report
 * missing attributes and to add an extension URN.
 */
export function checkResource(s: Scope, obj: Node, props: readonly Prop[], declared: ReadonlySet<string>, schemasProp: Prop | undefined): void {
  const type = RESOURCE_TYPES[s.rt];
  for (const p of props) {
    if (!p.value || sameKey(p.key, 'schemas')) continue;
    if (isUrn(p.key)) {
      const ext = type.schemaExtensions.find((e) => sameKey(e.schema, p.key));
      if (!ext) {
        s.r.report('SCIM031', keyRange(p), resolveAttribute(s.rt, p.key)
          ? `In a ${s.rt} resource, extension attributes go inside the extension object: {"${p.key.slice(0, p.key.lastIndexOf(':'))}": {"${p.key.slice(p.key.lastIndexOf(':') + 1)}": …}}. URN-qualified keys belong in PATCH path-less values.`
          : `"${p.key}" is not an extension a ${s.rt} has (${type.schemaExtensions.map((e) => e.schema).join(', ') || 'none'}). A server ignores or rejects it.`);
        skip(s.r, p.value);
        continue;
      }
      if (!declared.has(ext.schema.toLowerCase())) reportUndeclaredExtension(s, ext.schema, p, schemasProp);
      checkExtension(s, ext.schema, p.value);
      continue;
    }
    const def = topAttribute(s.rt, p.key);
    if (!def) {
      if (p.key.includes('.') && resolveAttribute(s.rt, p.key)) {
        s.r.report('SCIM031', keyRange(p), `"${p.key}" is a path, not an attribute name: in a resource write nested objects ({"${p.key.split('.')[0]}": {"${p.key.split('.')[1]}": …}}). Dotted keys belong in PATCH path-less values.`);
      } else {
        reportUnknown(s.r, p, s.rt, topLevelNames(s.rt));
      }
      skip(s.r, p.value);
      continue;
    }
    if (s.mode === 'request' && def.mutability === 'readOnly') {
      if (def.name === 'meta') {
        checkMetaInRequest(s, p);
      } else {
        s.r.report('SCIM025', keyRange(p),
          def.uniqueness === 'server'
            ? `${def.name} is read-only: MURAL assigns it, so remove it.`
            : `${def.name} is read-only: MURAL ignores it${def.multiValued ? ' (change it through the other resource)' : ''}, so remove it.`,
          [{ title: `Remove read-only "${p.key}"`, kind: 'quickfix', edits: removePropertyEdits(p) }]);
        skip(s.r, p.value);
      }
      continue;
    }
    checkAttribute(s, { attr: def }, p);
  }
  if (s.mode === 'response') {
    if (!prop(props, 'id')) {
      s.r.report('SCIM052', schemasProp ? keyRange(schemasProp) : startRange(obj),
        `This ${s.rt} has no "id", which Entra needs for every later call.`);
    }
    return;
  }
  if (!s.r.hasSyntaxErrors) checkRequired(s, obj, props, schemasProp);
}

function reportUndeclaredExtension(s: Scope, urn: string, p: Prop, schemasProp: Prop | undefined): void {
  const arr = schemasProp?.value;
  const fixes: Fix[] = arr?.type === 'array'
    ? [{ title: `Add "${urn}" to schemas`, kind: 'quickfix', edits: [insertElementEdit(s.r, arr, JSON.stringify(urn), false)] }]
    : [];
  s.r.report('SCIM012', keyRange(p), `The payload uses the extension ${urn} but "schemas" does not list it; RFC 7643 §3 requires every extension used to be listed. Add it to "schemas".`, fixes);
}

/** Whether a key starts with "urn:" (any case). */
function isUrn(key: string): boolean {
  return key.length > 4 && key.charCodeAt(3) === 58 && sameKey(key.slice(0, 3), 'urn');
}

/** Whether a node holds a value (RFC 7644 `pr`): anything but null, "", and containers of only those. */
function present(node: Node | undefined): boolean {
  const stack: (Node | undefined)[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n || n.type === 'null' || (n.type === 'string' && n.value === '')) continue;
    if (n.type === 'array') for (const c of n.children ?? []) stack.push(c);
    else if (n.type === 'object') for (const c of n.children ?? []) stack.push(c.children?.[1]);
    else return true;
  }
  return false;
}

function childProp(obj: Node | undefined, name: string): Node | undefined {
  if (obj?.type !== 'object') return undefined;
  for (const c of obj.children ?? []) {
    const k = c.children?.[0];
    if (typeof k?.value === 'string' && sameKey(k.value, name)) return c.children?.[1];
  }
  return undefined;
}

/** Whether the required entry is satisfied by the resource. */
function satisfied(m: MappedEntry, container: Node | undefined): boolean {
  const { attr, sub } = m.target;
  const value = childProp(container, attr.name);
  if (!m.matches) {
    if (!sub) return present(value);
    if (value?.type === 'array') return (value.children ?? []).some((el) => present(childProp(el, sub.name)));
    return present(childProp(value, sub.name));
  }
  if (value?.type !== 'array') return false;
  return (value.children ?? []).some((el) => m.matches?.((elementGetter(el) as () => unknown)()) && (!sub || present(childProp(el, sub.name))));
}

/** The `attr eq "literal"` conjuncts of a value filter: the sub-attributes an element needs to match it. */
function filterEqualities(filter: FilterNode | undefined): Record<string, string | number | boolean | null> | undefined {
  if (!filter) return {};
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.attr.name]: filter.value };
  if (filter.kind === 'and') {
    const l = filterEqualities(filter.left);
    const r = filterEqualities(filter.right);
    return l && r ? { ...l, ...r } : undefined;
  }
  return undefined;
}

/**
 * "Add a work email from userName": for a missing required email-valued target (emails[type eq "work"].value),
 * when userName is an email, an element built from the target's filter and the (lower-cased if the rule says so)
 * userName.
 */
function addEmailFix(s: Scope, obj: Node, props: readonly Prop[], m: MappedEntry): Fix | undefined {
  const { attr, sub, filter } = m.target;
  if (!sub || !isEmailValue({ attr, sub }) || !attr.multiValued) return undefined;
  const userName = prop(props, 'userName')?.value;
  if (userName?.type !== 'string' || !EMAIL.test(userName.value as string)) return undefined;
  const equalities = filterEqualities(filter);
  if (!equalities) return undefined;
  const lower = (m.entry.rules ?? []).includes('lowercase');
  const email = lower ? (userName.value as string).toLowerCase() : (userName.value as string);
  const existing = prop(props, attr.name);
  const hasPrimary = existing?.value?.type === 'array'
    && (existing.value.children ?? []).some((el) => childProp(el, 'primary')?.value === true);
  const element: Record<string, unknown> = { ...(hasPrimary ? {} : { primary: true }), ...equalities, [sub.name]: email };
  const title = `Add ${m.entry.target} from userName (${email})`;
  if (!existing) return { title, kind: 'quickfix', edits: [insertPropertyEdit(s.r, obj, attr.name, layoutJson(s.r, obj, [element]))] };
  if (existing.value?.type === 'array') return { title, kind: 'quickfix', edits: [insertElementEdit(s.r, existing.value, layoutJson(s.r, existing.value, element), false)] };
  return undefined;
}

/** Attributes the mapping table marks "Required by MURAL". */
function checkRequired(s: Scope, obj: Node, props: readonly Prop[], schemasProp: Prop | undefined): void {
  for (const m of s.view.required(s.rt)) {
    const container = m.target.extension ? childProp(obj, m.target.extension) : obj;
    if (satisfied(m, container)) continue;
    const existing = m.target.extension ? undefined : prop(props, m.target.attr.name);
    const at = existing ? keyRange(existing) : schemasProp ? keyRange(schemasProp) : startRange(obj);
    const fix = addEmailFix(s, obj, props, m);
    s.r.report('SCIM020', at,
      `MURAL requires ${m.entry.target}${sourceNote(m.entry)}; this ${s.rt} has ${existing ? `${m.target.attr.name} but not ${m.entry.target}` : 'none'}.`,
      fix ? [fix] : undefined);
  }
}
