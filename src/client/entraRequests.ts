// The requests Microsoft Entra's provisioning service sends to a SCIM app, built in one place for everything
// that speaks as Entra: the Entra provisioning check (src/client/entraCheck) and the provisioning engine
// (src/entra/engine). Shapes are those of Microsoft's SCIM guide for Entra, its request and response examples
// (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups):
// the default ("legacy") PATCH with capitalised ops, one per attribute and booleans as "True"/"False" strings,
// and the RFC-compliant shapes Entra sends when the tenant URL carries ?aadOptscim062020.
import { parsePath, type PatchPath } from '../scim/path';
import { URN } from '../scim/schemas';
import { isObject, type JsonObject } from '../scim/values';

export type EntraResourceKind = 'Users' | 'Groups';

/** A value Entra sends for an attribute: expressions yield strings; Boolean targets booleans; multi-valued targets lists. */
export type EntraValue = string | boolean | number | readonly string[];

/** `/Users/{id}` with an optional query (`?excludedAttributes=members`). */
export function resourcePath(kind: EntraResourceKind, id: string, query = ''): string {
  return `/${kind}/${encodeURIComponent(id)}${query}`;
}

/** Entra reads groups without their members, always. */
export const GROUP_PROJECTION = 'excludedAttributes=members';

/** `filter=userName+eq+%22x%22`: the query parameter encoded as Entra encodes it. */
export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter).replace(/%20/g, '+')}`;
}

/** A string as a SCIM filter literal. */
export function literal(value: string): string {
  return JSON.stringify(value);
}

/**
 * The match query for a matching attribute: `GET /Users?filter=userName eq "ada@contoso.com"`,
 * `GET /Groups?excludedAttributes=members&filter=displayName eq "Eng"`.
 */
export function lookupPath(kind: EntraResourceKind, attribute: string, value: string): string {
  const filter = filterQuery(`${attribute} eq ${literal(value)}`);
  return kind === 'Groups' ? `/Groups?${GROUP_PROJECTION}&${filter}` : `/Users?${filter}`;
}

/** The current state Entra reads before an update: `GET /Users/{id}`, `GET /Groups/{id}?excludedAttributes=members`. */
export function readPath(kind: EntraResourceKind, id: string): string {
  return resourcePath(kind, id, kind === 'Groups' ? `?${GROUP_PROJECTION}` : '');
}

export function patchBody(...operations: JsonObject[]): JsonObject {
  return { schemas: [URN.PatchOp], Operations: operations };
}

const parsedTargets = new Map<string, PatchPath>();

/**
 * A mapping target (`name.givenName`, `emails[type eq "work"].value`) parsed as a SCIM path, once: a cycle
 * sets and reads the same few targets for every object. Throws as parsePath does.
 */
export function targetPath(target: string): PatchPath {
  let p = parsedTargets.get(target);
  if (!p) {
    if (parsedTargets.size >= 1024) parsedTargets.clear();
    p = parsePath(target);
    parsedTargets.set(target, p);
  }
  return p;
}

/** Sets `target` (a mapping target such as `name.givenName`, `emails[type eq "work"].value`, an enterprise URN path) in `body`. */
function setTarget(body: JsonObject, target: string, value: EntraValue): void {
  const p = targetPath(target);
  let container = body;
  if (p.attr.urn) {
    const ext = isObject(body[p.attr.urn]) ? body[p.attr.urn] as JsonObject : {};
    body[p.attr.urn] = ext;
    container = ext;
  }
  const name = p.attr.name;
  const sub = p.subAttr ?? p.attr.subAttr;
  if (p.filter) {
    // emails[type eq "work"].value → an element {type: "work", value}; Entra marks the work email primary.
    const f = p.filter;
    const list = Array.isArray(container[name]) ? container[name] as JsonObject[] : [];
    container[name] = list;
    const key = f.kind === 'compare' && f.op === 'eq' ? f.attr.name : undefined;
    let element = key ? list.find((el) => el[key] === (f as { value: unknown }).value) : undefined;
    if (!element) {
      element = {};
      if (name.toLowerCase() === 'emails' && key === 'type' && (f as { value: unknown }).value === 'work') element.primary = true;
      if (key) element[key] = (f as { value: unknown }).value;
      list.push(element);
    }
    element[sub ?? 'value'] = value;
    return;
  }
  if (sub) {
    const inner = isObject(container[name]) ? container[name] as JsonObject : {};
    container[name] = inner;
    inner[sub] = value;
    return;
  }
  container[name] = value;
}

/**
 * The body Entra POSTs to create a user or group from its mapped values, in mapping order: the core schema
 * and the extension Entra always names beside it, the values set at their targets, `meta.resourceType`, and
 * for users Entra's empty `roles`. Groups are created without members (they follow as PATCHes).
 */
export function createBody(kind: EntraResourceKind, values: Iterable<readonly [target: string, value: EntraValue]>): JsonObject {
  const body: JsonObject = { schemas: kind === 'Users' ? [URN.User, URN.EnterpriseUser] : [URN.Group, URN.EntraGroup] };
  for (const [target, value] of values) setTarget(body, target, value);
  body.meta = { resourceType: kind === 'Users' ? 'User' : 'Group' };
  if (kind === 'Users') body.roles = [];
  return body;
}

export interface AttributeChange {
  readonly target: string;
  readonly value: EntraValue;
  /** The target had no value before: the default PATCH then says "Add" rather than "Replace". */
  readonly added?: boolean;
}

/** Entra's default PATCH renders booleans as capitalised strings. */
function legacyValue(value: EntraValue): EntraValue {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : value;
}

/**
 * An update of changed attributes: by default one capitalised operation per attribute ("Replace", or "Add" for
 * an attribute the target lacked) with booleans as strings; with ?aadOptscim062020 one path-less lower-case
 * replace whose value holds each target path as a key.
 */
export function attributesPatch(changes: readonly AttributeChange[], aadOptscim062020: boolean): JsonObject {
  if (aadOptscim062020) return patchBody({ op: 'replace', value: Object.fromEntries(changes.map((c) => [c.target, c.value])) });
  return patchBody(...changes.map((c) => ({ op: c.added ? 'Add' : 'Replace', path: c.target, value: legacyValue(c.value) })));
}

/** Disable or enable: `{"op":"Replace","path":"active","value":"False"}`, with the flag `{"op":"replace","path":"active","value":false}`. */
export function activePatch(active: boolean, aadOptscim062020: boolean): JsonObject {
  return aadOptscim062020 ? patchBody({ op: 'replace', path: 'active', value: active }) : patchBody({ op: 'Replace', path: 'active', value: legacyValue(active) });
}

/** Adds members, several per operation: `{"op":"Add","path":"members","value":[{"$ref":null,"value":id}, …]}`. */
export function membersAddPatch(ids: readonly string[]): JsonObject {
  return patchBody({ op: 'Add', path: 'members', value: ids.map((value) => ({ $ref: null, value })) });
}

/**
 * Removes members: by default one "Remove" with a value list (which must remove only those members); with
 * ?aadOptscim062020 one filtered path per member, `members[value eq "id"]`.
 */
export function membersRemovePatch(ids: readonly string[], aadOptscim062020: boolean): JsonObject {
  if (aadOptscim062020) return patchBody(...ids.map((id) => ({ op: 'remove', path: `members[value eq ${literal(id)}]` })));
  return patchBody({ op: 'Remove', path: 'members', value: ids.map((value) => ({ $ref: null, value })) });
}
