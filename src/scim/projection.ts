// What a response shows of the resources (RFC 7644 §3.4.2.5, §3.9 and RFC 7643 §2.4 "returned"), their order
// (sortBy/sortOrder, §3.4.2.3), the page (startIndex/count, §3.4.2.4) and the ListResponse envelope.
import { ScimError } from './errors';
import { coreAttributes, extensionAttributes, extensionUrn, type Resource } from './resource';
import { resolveAttribute, URN, type AttributeDef, type ResourceTypeName } from './schemas';
import { getProp, isObject, parseDateTime, type JsonObject } from './values';

/** Sub-attribute names (lower case) selected under an attribute, or 'all'. */
type Selection = Map<string, 'all' | Set<string>>;

/** Selections keyed by container: '' for core attributes, the extension URN for extension attributes. */
interface Selections {
  byContainer: Map<string, Selection>;
  /** Extensions named as a whole (`urn:…:enterprise:2.0:User`). */
  wholeExtensions: Set<string>;
}

/**
 * Selections made, by names list and resource type: a list page projects every resource with the same lists,
 * and a `/.search` body may name 100,000 attributes, so each list is resolved once, not once per resource.
 */
const selected = new WeakMap<readonly string[], Map<ResourceTypeName, Selections | undefined>>();

function select(rt: ResourceTypeName, names: readonly string[] | undefined): Selections | undefined {
  if (!names) return undefined;
  let byType = selected.get(names);
  if (!byType) selected.set(names, (byType = new Map()));
  if (!byType.has(rt)) byType.set(rt, makeSelections(rt, names));
  return byType.get(rt);
}

function makeSelections(rt: ResourceTypeName, names: readonly string[]): Selections | undefined {
  const list = names.map((n) => n.trim()).filter((n) => n !== '');
  if (list.length === 0) return undefined;
  const s: Selections = { byContainer: new Map(), wholeExtensions: new Set() };
  for (const name of list) {
    const ext = extensionUrn(rt, name);
    if (ext) {
      s.wholeExtensions.add(ext);
      continue;
    }
    // Unknown names select nothing (RFC 7644 lets a service provider ignore them).
    const r = resolveAttribute(rt, name);
    if (!r) continue;
    const key = r.extension ?? '';
    let sel = s.byContainer.get(key);
    if (!sel) s.byContainer.set(key, (sel = new Map()));
    const top = (r.parent ?? r.def).name.toLowerCase();
    if (!r.parent) {
      sel.set(top, 'all');
    } else {
      const prev = sel.get(top);
      if (prev === 'all') continue;
      const subs = prev ?? new Set<string>();
      subs.add(r.def.name.toLowerCase());
      sel.set(top, subs);
    }
  }
  return s;
}

/** `v` (a complex value or an array of them) keeping only the sub-attributes `keep` accepts; undefined when nothing is left. */
function pickSubs(def: AttributeDef, v: unknown, keep: (sub: AttributeDef | undefined) => boolean): unknown {
  if (def.type !== 'complex') return v;
  const one = (el: unknown): unknown => {
    if (!isObject(el)) return el;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(el)) {
      if (k === '__proto__') continue;
      const lower = k.toLowerCase();
      if (keep(def.subAttributes?.find((s) => s.name.toLowerCase() === lower))) out[k] = x;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(v)) {
    const out = v.map(one).filter((x) => x !== undefined);
    return out.length > 0 ? out : undefined;
  }
  return one(v);
}

const notNever = (sub: AttributeDef | undefined) => sub?.returned !== 'never';

/**
 * attributes / excludedAttributes (comma-separated lists already split; URN-qualified or not, sub-attributes
 * like `name.givenName` and `emails.value`, a whole extension by its URN), honouring `returned`: `always`
 * (id, and `schemas`) is kept even when excluded or not asked for, `never` (password) is never output,
 * `request` only when asked for. When both lists are given, `attributes` selects first and
 * `excludedAttributes` then removes. Unknown names are ignored; attributes the schemas do not define are
 * kept unless `attributes` is given. Never mutates the input (the result shares unchanged values with it).
 */
export function project(rt: ResourceTypeName, resource: Resource, q: { attributes?: string[]; excludedAttributes?: string[] }): Resource {
  const wanted = select(rt, q.attributes);
  const excluded = select(rt, q.excludedAttributes);
  const out: Resource = {};
  const decide = (def: AttributeDef, v: unknown, container: string): unknown => {
    if (def.returned === 'never') return undefined;
    if (def.returned === 'always') return pickSubs(def, v, notNever);
    let value: unknown = v;
    if (wanted) {
      const sel = wanted.byContainer.get(container)?.get(def.name.toLowerCase());
      const whole = container !== '' && wanted.wholeExtensions.has(container);
      if (!sel && !whole) return undefined;
      value = sel === undefined || sel === 'all'
        ? pickSubs(def, v, notNever)
        : pickSubs(def, v, (sub) => sub !== undefined && notNever(sub) && (sel.has(sub.name.toLowerCase()) || sub.returned === 'always'));
    } else {
      if (def.returned === 'request') return undefined;
      value = pickSubs(def, v, (sub) => notNever(sub) && sub?.returned !== 'request');
    }
    if (excluded && value !== undefined) {
      const ex = excluded.byContainer.get(container)?.get(def.name.toLowerCase());
      if (ex === 'all') return undefined;
      if (ex) value = pickSubs(def, value, (sub) => sub === undefined || sub.returned === 'always' || !ex.has(sub.name.toLowerCase()));
    }
    return value;
  };
  const core = coreAttributes(rt);
  for (const [k, v] of Object.entries(resource)) {
    // "__proto__" is never an attribute name (names start with a letter) and must not reach `out[k] =`.
    if (k === '__proto__') continue;
    if (k.toLowerCase() === 'schemas') {
      out[k] = v;
      continue;
    }
    const ext = extensionUrn(rt, k);
    if (ext) {
      if (!isObject(v) || excluded?.wholeExtensions.has(ext)) continue;
      const defs = extensionAttributes(ext);
      const whole = wanted?.wholeExtensions.has(ext) ?? false;
      const inner: JsonObject = {};
      for (const [ek, ev] of Object.entries(v)) {
        if (ek === '__proto__') continue;
        const def = defs.get(ek.toLowerCase());
        const x = def ? decide(def, ev, ext) : !wanted || whole ? ev : undefined;
        if (x !== undefined) inner[ek] = x;
      }
      if (Object.keys(inner).length > 0) out[k] = inner;
      continue;
    }
    const def = core.get(k.toLowerCase());
    const x = def ? decide(def, v, '') : wanted ? undefined : v;
    if (x !== undefined) out[k] = x;
  }
  return out;
}

type SortKey = string | number | undefined;

/** sortBy/sortOrder (RFC 7644 §3.4.2.3), caseExact-aware, missing values last. Returns a new array. */
export function sortResources(rt: ResourceTypeName, list: readonly Resource[], sortBy: string, sortOrder: 'ascending' | 'descending' = 'ascending'): Resource[] {
  const r = resolveAttribute(rt, sortBy.trim());
  if (!r) return list.slice();
  const top = r.parent ?? r.def;
  let sub = r.parent ? r.def : undefined;
  if (!sub && top.type === 'complex') {
    sub = top.multiValued ? top.subAttributes?.find((s) => s.name === 'value') : undefined;
    if (!sub) {
      throw new ScimError(400, 'invalidValue', `sortBy "${sortBy}" names a complex attribute; sort by one of its sub-attributes, e.g. ${top.name}.${top.subAttributes?.[0]?.name ?? 'value'}.`);
    }
  }
  const leaf = sub ?? top;
  const ext = r.extension;
  const keyOf = (res: Resource): SortKey => {
    const c = ext ? getProp(res, ext) : res;
    if (!isObject(c)) return undefined;
    let v = getProp(c, top.name);
    // Multi-valued: the primary value, else the first (RFC 7644 §3.4.2.3).
    if (Array.isArray(v)) v = v.find((el) => isObject(el) && getProp(el, 'primary') === true) ?? v[0];
    if (sub) v = isObject(v) ? getProp(v, sub.name) : undefined;
    switch (typeof v) {
      case 'string':
        if (leaf.type === 'dateTime') return parseDateTime(v);
        return leaf.caseExact ? v : v.toLowerCase();
      case 'number': return v;
      case 'boolean': return v ? 1 : 0;
      default: return undefined;
    }
  };
  const sign = sortOrder === 'descending' ? -1 : 1;
  return list
    .map((res, i) => ({ res, i, k: keyOf(res) }))
    .sort((a, b) => {
      if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.i - b.i : a.k === undefined ? 1 : -1;
      if (typeof a.k !== typeof b.k) return (typeof a.k === 'number' ? -1 : 1) * sign;
      if (a.k !== b.k) return (a.k < b.k ? -1 : 1) * sign;
      return a.i - b.i;
    })
    .map((x) => x.res);
}

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t)) {
    throw new ScimError(400, 'invalidValue', `"${name}" must be a whole number; got "${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}".`);
  }
  return Math.max(Math.min(Number(t), Number.MAX_SAFE_INTEGER), -Number.MAX_SAFE_INTEGER);
}

/**
 * startIndex (1-based, <1 → 1) and count (>=0, negative → 0, capped at maxCount; count=0 → only totalResults),
 * from query strings; absent or empty → 1 and defaultCount (itself capped at maxCount). Non-numbers → 400 invalidValue.
 */
export function parsePaging(startIndex: string | undefined, count: string | undefined, limits: { defaultCount: number; maxCount: number }): { startIndex: number; count: number } {
  const s = wholeNumber('startIndex', startIndex);
  const c = wholeNumber('count', count);
  const max = Math.max(0, limits.maxCount);
  return {
    startIndex: s === undefined || s < 1 ? 1 : s,
    count: Math.min(Math.max(c ?? limits.defaultCount, 0), max),
  };
}

/** The ListResponse envelope (RFC 7644 §3.4.2): schemas, totalResults, Resources, startIndex, itemsPerPage. */
export function listResponse(resources: Resource[], totalResults: number, startIndex: number): Record<string, unknown> {
  return { schemas: [URN.ListResponse], totalResults, Resources: resources, startIndex, itemsPerPage: resources.length };
}
