// SCIM resources as JSON: cleaning a POST/PUT body against the schemas (types, Entra's string booleans,
// readOnly and unknown attributes) and reading a value by attribute path.
import { ScimError } from './errors';
import { compileValueFilter, formatAttrPath } from './filter';
import { parsePath } from './path';
import {
  ACCEPTED_EXTRA_SCHEMAS, COMMON_ATTRIBUTES, findAttribute, RESOURCE_TYPES, schemaFor,
  type AttributeDef, type ResourceTypeName,
} from './schemas';
import { describeValue, findKey, getProp, isObject, isPresent, parseDateTime, type JsonObject } from './values';

export type Resource = Record<string, unknown>; // a SCIM resource as JSON (id, schemas, meta, attributes…)

export interface NormalizeOptions {
  /** Default true: accept Entra's "True"/"False"/"true"/"false" for boolean attributes and store booleans. */
  coerceBooleanStrings?: boolean;
}

const coreByName = new Map<ResourceTypeName, Map<string, AttributeDef>>();

/** The top-level attributes of a resource type's core schema plus id/externalId/meta, by lower-case name. */
export function coreAttributes(rt: ResourceTypeName): ReadonlyMap<string, AttributeDef> {
  let m = coreByName.get(rt);
  if (!m) {
    m = new Map();
    for (const a of [...COMMON_ATTRIBUTES, ...(schemaFor(RESOURCE_TYPES[rt].schema)?.attributes ?? [])]) m.set(a.name.toLowerCase(), a);
    coreByName.set(rt, m);
  }
  return m;
}

const extensionsByType = new Map<ResourceTypeName, ReadonlyMap<string, string>>();

/** The canonical URN of an extension schema of `rt` named by `key` (case-insensitively), if it is one. */
export function extensionUrn(rt: ResourceTypeName, key: string): string | undefined {
  let m = extensionsByType.get(rt);
  if (!m) extensionsByType.set(rt, (m = new Map(RESOURCE_TYPES[rt].schemaExtensions.map((e) => [e.schema.toLowerCase(), e.schema]))));
  return m.size === 0 ? undefined : m.get(key.toLowerCase());
}

function invalidValue(detail: string): never {
  throw new ScimError(400, 'invalidValue', detail);
}

function expected(def: AttributeDef, coerce: boolean): string {
  switch (def.type) {
    case 'boolean': return coerce ? 'a boolean (Entra\'s "True"/"False" strings are accepted)' : 'a boolean (true or false)';
    case 'integer': return 'a whole number';
    case 'decimal': return 'a number';
    case 'dateTime': return 'a dateTime string such as "2011-05-13T04:42:34Z"';
    case 'reference': return 'a URI string';
    case 'binary': return 'a base64 string';
    case 'complex': return `an object with sub-attributes such as ${(def.subAttributes ?? []).slice(0, 3).map((s) => s.name).join(', ')}`;
    default: return 'a string';
  }
}

function wrongValue(def: AttributeDef, value: unknown, path: string, coerce: boolean): never {
  // A never-returned value (a password) is not echoed, not even in an error.
  const kind = Array.isArray(value) ? 'array' : typeof value;
  const got = def.returned === 'never' ? `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}` : describeValue(value);
  invalidValue(`"${path}" must be ${expected(def, coerce)}; got ${got}.`);
}

/**
 * One value of attribute `def` (an element, for multi-valued attributes), typed and cleaned: null and empty
 * values become undefined (unassigned), unknown and readOnly sub-attributes are dropped, Entra's string
 * booleans are coerced when `coerce`. Throws 400 invalidValue naming `path` and what was expected.
 */
export function normalizeElement(def: AttributeDef, value: unknown, path: string, coerce = true): unknown {
  if (value === null || value === undefined) return undefined;
  const wrong = (): never => wrongValue(def, value, path, coerce);
  switch (def.type) {
    case 'string':
    case 'reference':
      return typeof value === 'string' ? value : wrong();
    case 'binary':
      return typeof value === 'string' && /^[A-Za-z0-9+/=\s_-]*$/.test(value) ? value : wrong();
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (coerce && typeof value === 'string') {
        const l = value.toLowerCase();
        if (l === 'true') return true;
        if (l === 'false') return false;
      }
      return wrong();
    case 'integer':
      return Number.isInteger(value) ? value : wrong();
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrong();
    case 'dateTime':
      return typeof value === 'string' && parseDateTime(value) !== undefined ? value : wrong();
    case 'complex': {
      if (!isObject(value)) return wrong();
      const out: JsonObject = {};
      let any = false;
      const subs = def.subAttributes ?? [];
      for (const k of Object.keys(value)) {
        const sub = findAttribute(subs, k);
        // Unknown sub-attributes are dropped like unknown attributes; readOnly ones are the server's to set.
        if (!sub || sub.mutability === 'readOnly') continue;
        const n = normalizeValue(sub, value[k], `${path}.${sub.name}`, coerce);
        if (n !== undefined) { out[sub.name] = n; any = true; }
      }
      return any ? out : undefined;
    }
  }
}

/** The value of attribute `def`, typed and cleaned (see normalizeElement); multi-valued values must be arrays. */
export function normalizeValue(def: AttributeDef, value: unknown, path: string, coerce = true): unknown {
  if (value === null || value === undefined) return undefined;
  if (!def.multiValued) return normalizeElement(def, value, path, coerce);
  if (!Array.isArray(value)) {
    invalidValue(`"${path}" must be an array of ${def.type === 'complex' ? 'objects' : `${def.type} values`}; got ${describeValue(value)}.`);
  }
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const n = normalizeElement(def, value[i], `${path}[${i}]`, coerce);
    if (n !== undefined) out.push(n);
  }
  return out.length > 0 ? out : undefined;
}

/** Attribute `key` with value `v` checked against `attrs` into `out`; `prefix` names it in errors. */
function normalizeAttribute(attrs: ReadonlyMap<string, AttributeDef>, key: string, v: unknown, prefix: string, coerce: boolean, out: JsonObject): void {
  const def = attrs.get(key.toLowerCase());
  // Unknown attributes are dropped rather than rejected: Entra and other clients send attributes a target
  // does not model (RFC 7644 §3.3 lets a service provider ignore them), and keeping them would store data
  // nothing can read back through the schemas. The payload validator reports them to the user instead.
  if (!def || def.mutability === 'readOnly') return;
  const n = normalizeValue(def, v, prefix === '' ? def.name : `${prefix}${def.name}`, coerce);
  if (n !== undefined) out[def.name] = n;
}

const extensionByName = new Map<string, Map<string, AttributeDef>>();

export function extensionAttributes(urn: string): ReadonlyMap<string, AttributeDef> {
  let m = extensionByName.get(urn);
  if (!m) {
    m = new Map((schemaFor(urn)?.attributes ?? []).map((a) => [a.name.toLowerCase(), a]));
    extensionByName.set(urn, m);
  }
  return m;
}

const allowedByType = new Map<ResourceTypeName, ReadonlyMap<string, string>>();

/** The schema URNs a resource of type `rt` may list, by lower-case form: core, extensions, then accepted extras. */
function allowedSchemas(rt: ResourceTypeName): ReadonlyMap<string, string> {
  let m = allowedByType.get(rt);
  if (!m) {
    const type = RESOURCE_TYPES[rt];
    const built = new Map<string, string>();
    for (const urn of [type.schema, ...type.schemaExtensions.map((e) => e.schema), ...ACCEPTED_EXTRA_SCHEMAS[rt]]) {
      if (!built.has(urn.toLowerCase())) built.set(urn.toLowerCase(), urn);
    }
    allowedByType.set(rt, (m = built));
  }
  return m;
}

/**
 * Validates and cleans a POST/PUT body for a resource type: `schemas` must contain the core URN of the type
 * (extra accepted URNs allowed — see ACCEPTED_EXTRA_SCHEMAS), attribute values typed per schema, Entra's string
 * booleans coerced when options.coerceBooleanStrings (default true), readOnly attributes (id, meta, groups)
 * dropped, unknown attributes dropped, null and empty values dropped (unassigned, RFC 7643 §2.5), extension
 * attributes kept under their URN key, names spelled as in the schema. `schemas` is returned canonical and
 * lists an extension whenever the body holds its attributes. Does NOT apply MURAL's rules nor check `required`
 * (see checkRequired). Throws ScimError 400 invalidSyntax (not an object / no or wrong schemas) or
 * invalidValue (wrong type; the detail names the attribute).
 */
export function normalizeResource(rt: ResourceTypeName, body: unknown, options: NormalizeOptions = {}): Resource {
  const coerce = options.coerceBooleanStrings ?? true;
  const type = RESOURCE_TYPES[rt];
  if (!isObject(body)) {
    throw new ScimError(400, 'invalidSyntax', `A ${rt} must be a JSON object with "schemas" and its attributes; got ${describeValue(body)}.`);
  }
  const schemas = getProp(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw new ScimError(400, 'invalidSyntax', `"schemas" must be an array of schema URNs that includes "${type.schema}".`);
  }
  const allowed = allowedSchemas(rt);
  const listed: string[] = [];
  for (const s of schemas as string[]) {
    const canonical = allowed.get(s.toLowerCase());
    if (!canonical) {
      throw new ScimError(400, 'invalidSyntax', `"schemas" lists "${s}", which a ${rt} does not accept; use ${[...allowed.values()].map((a) => `"${a}"`).join(', ')}.`);
    }
    if (!listed.includes(canonical)) listed.push(canonical);
  }
  if (!listed.includes(type.schema)) {
    throw new ScimError(400, 'invalidSyntax', `"schemas" must include "${type.schema}".`);
  }
  const out: Resource = { schemas: listed };
  const core = coreAttributes(rt);
  const extensionValues: JsonObject = {};
  for (const k of Object.keys(body)) {
    if (k.toLowerCase() === 'schemas') continue;
    const v = body[k];
    const ext = extensionUrn(rt, k);
    if (ext) {
      if (v === null || v === undefined) continue;
      if (!isObject(v)) invalidValue(`"${ext}" must be an object holding the extension's attributes; got ${describeValue(v)}.`);
      const values: JsonObject = {};
      const attrs = extensionAttributes(ext);
      for (const ek of Object.keys(v)) normalizeAttribute(attrs, ek, v[ek], `${ext}:`, coerce, values);
      if (Object.keys(values).length > 0) extensionValues[ext] = values;
      continue;
    }
    normalizeAttribute(core, k, v, '', coerce, out);
  }
  for (const [ext, values] of Object.entries(extensionValues)) {
    out[ext] = values;
    if (!listed.includes(ext)) listed.push(ext);
  }
  return out;
}

/** Throws 400 invalidValue when a `required` attribute of the resource type (userName, displayName) has no value. */
export function checkRequired(rt: ResourceTypeName, resource: Resource): void {
  for (const def of coreAttributes(rt).values()) {
    if (def.required && !isPresent(getProp(resource, def.name))) {
      invalidValue(`"${def.name}" is required for a ${rt}; add it to the request.`);
    }
  }
}

/**
 * Reads the value at an attribute path: `userName`, `name.givenName`, `emails`, `emails.value`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department` or the extension URN itself.
 * Names are matched case-insensitively. Paths through a multi-valued attribute give an array of the values
 * found (undefined when none); value paths select the matching elements. The result shares structure with
 * `resource`. Throws 400 invalidPath for a malformed path.
 */
export function getAttribute(rt: ResourceTypeName, resource: Resource, path: string): unknown {
  const p = parsePath(path);
  const { urn, name, subAttr } = p.attr;
  const whole = formatAttrPath({ urn, name });
  const ownExt = extensionUrn(rt, whole);
  if (ownExt && !subAttr && !p.filter) return getProp(resource, ownExt);
  let container: unknown = resource;
  if (urn !== undefined && urn.toLowerCase() !== RESOURCE_TYPES[rt].schema.toLowerCase()) container = getProp(resource, urn);
  if (!isObject(container)) return undefined;
  let value = getProp(container, name);
  if (p.filter) {
    if (!Array.isArray(value)) return undefined;
    const match = compileValueFilter(p.filter, rt, { ...p.attr }, 'invalidPath');
    value = value.filter((el) => isObject(el) && match(el));
  }
  const sub = subAttr ?? p.subAttr;
  if (sub !== undefined) {
    if (Array.isArray(value)) {
      value = value.flatMap((el) => {
        const v = isObject(el) ? getProp(el, sub) : undefined;
        return v === undefined || v === null ? [] : [v];
      });
    } else {
      return isObject(value) ? getProp(value, sub) : undefined;
    }
  }
  return Array.isArray(value) && value.length === 0 && (p.filter || sub !== undefined) ? undefined : value;
}

/** Sets (or, for undefined, deletes) attribute `name` of `obj`, replacing any differently-cased spelling. */
export function setProp(obj: JsonObject, name: string, value: unknown): void {
  const k = findKey(obj, name);
  if (k !== undefined && k !== name) delete obj[k];
  if (value === undefined) delete obj[name];
  else obj[name] = value;
}
