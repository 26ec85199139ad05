// The PATCH engine (RFC 7644 §3.5.2) with the shapes Microsoft Entra ID sends: capitalised ops, one op per
// attribute, `emails[type eq "work"].value`, enterprise URN paths, the aadOptscim062020 path-less replace with
// dotted and URN keys, string booleans, several members per op, and members removed by value list.
// Operations apply to a copy made on write — a shallow copy of the resource whose top-level attributes are
// deep-copied the first time an operation changes them — so the caller's resource is never touched, a failing
// operation discards the copy (atomicity), and attributes no operation touches are shared, not copied.
import { ScimError } from './errors';
import { compileValueFilter, formatAttrPath, formatFilter, type FilterNode } from './filter';
import { parsePath, type PatchPath } from './path';
import { coreAttributes, extensionUrn, normalizeElement, normalizeValue, setProp, type Resource } from './resource';
import { findAttribute, RESOURCE_TYPES, resolveAttribute, URN, type AttributeDef, type ResourceTypeName } from './schemas';
import { deepEqual, describeValue, findKey, getProp, isObject, isPresent, type JsonObject } from './values';

export interface PatchOptions {
  /** Default true: Entra's "True"/"False"/"false" for boolean attributes. */
  coerceBooleanStrings?: boolean;
  /**
   * Default false: `remove` of a multi-valued attribute (path "members") WITH a value list removes only the
   * listed values (what Entra expects). true = strict RFC reading: removes ALL values (used to build a
   * deliberately broken server).
   */
  strictMemberRemoval?: boolean;
}

type OpKind = 'add' | 'replace' | 'remove';

interface Operation {
  op: OpKind;
  /** `op` as the client spelled it, for messages. */
  opText: string;
  path?: PatchPath;
  pathText?: string;
  value: unknown;
  hasValue: boolean;
  /** Operations[first..last] this one stands for (see coalesce). */
  first: number;
  last: number;
  /** A run of `remove attr[value eq "…"]` coalesced: the values whose elements go. */
  listed?: unknown[];
}

/** What a path names, resolved against the schemas. */
interface Target {
  text: string;
  /** Key of the extension object holding the attribute; undefined for core attributes. */
  ext?: string;
  /** The top-level attribute. */
  def: AttributeDef;
  /** The sub-attribute named by `a.b` or `a[…].b`. */
  sub?: AttributeDef;
  /** The value filter of `a[…]`. */
  filter?: FilterNode;
  match?: (el: JsonObject) => boolean;
}

interface Ctx {
  rt: ResourceTypeName;
  /** The copy operations apply to: shallow; the values under the keys in `owned` are its own deep copies. */
  work: Resource;
  owned: Set<string>;
  coerce: boolean;
  strict: boolean;
}

/** A deep copy of a JSON value (own "__proto__" keys stay plain keys, as JSON.parse makes them). */
function cloneJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const x = cloneJson((v as JsonObject)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/**
 * Makes the value of top-level attribute `name` of the working copy its own (a deep copy, once), so that it
 * may be changed in place. Everything an operation changes inside an attribute goes through here first.
 */
function own(ctx: Ctx, name: string): void {
  const k = findKey(ctx.work, name);
  if (k === undefined || ctx.owned.has(k)) return;
  ctx.owned.add(k);
  ctx.work[k] = cloneJson(ctx.work[k]);
}

function syntax(detail: string): never {
  throw new ScimError(400, 'invalidSyntax', detail);
}

function invalidValue(detail: string): never {
  throw new ScimError(400, 'invalidValue', detail);
}

function mutability(detail: string): never {
  throw new ScimError(400, 'mutability', detail);
}

const EXAMPLE = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}';

function readOperations(body: unknown): Operation[] {
  if (!isObject(body)) syntax(`A PATCH body must be a JSON object such as ${EXAMPLE}; got ${describeValue(body)}.`);
  const schemas = getProp(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.PatchOp.toLowerCase())) {
    syntax(`A PATCH body's "schemas" must be ["${URN.PatchOp}"].`);
  }
  const ops = getProp(body, 'Operations');
  if (ops === undefined || ops === null) syntax(`The PATCH body has no "Operations" array: send ${EXAMPLE}.`);
  if (!Array.isArray(ops)) syntax(`"Operations" must be an array of {"op","path","value"} objects; got ${describeValue(ops)}.`);
  if (ops.length === 0) syntax('"Operations" is empty: a PATCH needs at least one operation.');
  return ops.map((raw, i): Operation => {
    if (!isObject(raw)) syntax(`Operations[${i}] must be an object with "op", "path" and "value"; got ${describeValue(raw)}.`);
    const opRaw = getProp(raw, 'op');
    if (typeof opRaw !== 'string') syntax(`Operations[${i}] has no "op": use "add", "replace" or "remove".`);
    const op = opRaw.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') syntax(`Operations[${i}] has an unknown op "${opRaw}": use "add", "replace" or "remove".`);
    const pathRaw = getProp(raw, 'path');
    let path: PatchPath | undefined;
    if (pathRaw !== undefined && pathRaw !== null) {
      if (typeof pathRaw !== 'string') throw new ScimError(400, 'invalidPath', `Operations[${i}].path must be a string such as "name.givenName"; got ${describeValue(pathRaw)}.`);
      try {
        path = parsePath(pathRaw);
      } catch (e) {
        if (e instanceof ScimError) throw new ScimError(400, 'invalidPath', `Operations[${i}].path: ${e.detail}`, e.offset, e.length);
        throw e;
      }
    }
    const valueKey = Object.keys(raw).find((k) => k.toLowerCase() === 'value');
    return {
      op, opText: opRaw, value: valueKey === undefined ? undefined : raw[valueKey], hasValue: valueKey !== undefined, first: i, last: i,
      ...(path ? { path, pathText: pathRaw as string } : {}),
    };
  });
}

/**
 * What a run of operations on one multi-valued attribute can be coalesced into: `add attr` with a value (one
 * add of all the values: the same result, as each is merged in order), or `remove attr[value eq "…"]` (one
 * removal of the listed values). Entra sends a member per operation; a 1 MB body holds 10,000 of them, and
 * applying each to the whole list would cost the square of that.
 */
function runKey(rt: ResourceTypeName, op: Operation): string | undefined {
  const p = op.path;
  if (!p || p.subAttr !== undefined || p.attr.subAttr !== undefined) return undefined;
  const def = resolveAttribute(rt, formatAttrPath(p.attr));
  if (!def || def.parent || !def.def.multiValued || def.def.mutability === 'readOnly') return undefined;
  const attr = `${def.extension ?? ''}:${def.def.name}`;
  if (op.op === 'add' && !p.filter && op.hasValue && op.value !== null && op.value !== undefined) return `add ${attr}`;
  const f = p.filter;
  if (op.op === 'remove' && def.def.type === 'complex' && f?.kind === 'compare' && f.op === 'eq' && typeof f.value === 'string' &&
      f.attr.urn === undefined && f.attr.subAttr === undefined && f.attr.name.toLowerCase() === 'value') return `remove ${attr}`;
  return undefined;
}

function coalesce(rt: ResourceTypeName, ops: Operation[]): Operation[] {
  const out: Operation[] = [];
  let runOf: string | undefined;
  for (const op of ops) {
    const key = runKey(rt, op);
    const prev = out[out.length - 1];
    if (key !== undefined && key === runOf && prev) {
      if (key.startsWith('add ')) {
        const values = prev.value as unknown[];
        // One by one: spreading a 100,000-value list into push() would overflow the call stack.
        if (Array.isArray(op.value)) for (const v of op.value) values.push(v);
        else values.push(op.value);
      } else {
        const f = op.path?.filter as Extract<FilterNode, { kind: 'compare' }>;
        (prev.listed as unknown[]).push(f.value);
      }
      prev.last = op.last;
      continue;
    }
    runOf = key;
    if (key === undefined) out.push(op);
    else if (key.startsWith('add ')) out.push({ ...op, value: Array.isArray(op.value) ? op.value.slice() : [op.value] });
    else out.push({ ...op, listed: [(op.path?.filter as Extract<FilterNode, { kind: 'compare' }>).value] });
  }
  return out;
}

function findSub(def: AttributeDef, name: string): AttributeDef | undefined {
  return def.subAttributes && findAttribute(def.subAttributes, name);
}

function invalidPath(detail: string, at?: { offset: number; length: number }): never {
  throw new ScimError(400, 'invalidPath', detail, at?.offset, at?.length);
}

/** The attribute a path names, or the extension URN itself (`{ extOnly }`). */
function resolve(ctx: Ctx, p: PatchPath, text: string): Target | { extOnly: string } {
  const { urn, name, subAttr } = p.attr;
  if (subAttr === undefined && !p.filter && p.subAttr === undefined) {
    const ext = extensionUrn(ctx.rt, formatAttrPath({ urn, name }));
    if (ext) return { extOnly: ext };
  }
  const resolved = resolveAttribute(ctx.rt, formatAttrPath(p.attr));
  if (!resolved) {
    const knownSchema = urn === undefined || urn.toLowerCase() === RESOURCE_TYPES[ctx.rt].schema.toLowerCase() || extensionUrn(ctx.rt, urn) !== undefined;
    invalidPath(knownSchema
      ? `"${text}" is not an attribute of a ${ctx.rt}; check the spelling against /Schemas.`
      : `"${urn}" is not a schema of a ${ctx.rt}, so "${text}" names nothing.`, p.attr);
  }
  const def = resolved.parent ?? resolved.def;
  let sub = resolved.parent ? resolved.def : undefined;
  const t: Target = { text, def, ...(resolved.extension ? { ext: resolved.extension } : {}) };
  if (p.filter) {
    if (def.type !== 'complex' || !def.multiValued) {
      invalidPath(`"${name}[…]" selects values of a multi-valued attribute such as emails or members; ${def.name} is not one.`, p.attr);
    }
    if (p.subAttr !== undefined) {
      sub = findSub(def, p.subAttr);
      if (!sub) invalidPath(`"${p.subAttr}" is not a sub-attribute of ${def.name}; use one of ${(def.subAttributes ?? []).map((s) => s.name).join(', ')}.`);
    }
    t.filter = p.filter;
    t.match = compileValueFilter(p.filter, ctx.rt, p.attr, 'invalidPath');
  }
  if (sub) t.sub = sub;
  return t;
}

function isReadOnly(t: Target): boolean {
  return t.def.mutability === 'readOnly' || t.sub?.mutability === 'readOnly';
}

function readOnlyError(t: Target): never {
  mutability(`"${t.text}" is read-only: the service provider sets ${t.sub && t.def.mutability !== 'readOnly' ? `${t.def.name}.${t.sub.name}` : t.def.name}; leave it out of the request.`);
}

function container(ctx: Ctx, t: { ext?: string }, create: boolean): JsonObject | undefined {
  if (!t.ext) return ctx.work;
  own(ctx, t.ext);
  const c = getProp(ctx.work, t.ext);
  if (isObject(c)) return c;
  if (!create) return undefined;
  const fresh: JsonObject = {};
  setProp(ctx.work, t.ext, fresh);
  ctx.owned.add(t.ext);
  own(ctx, 'schemas');
  const schemas = getProp(ctx.work, 'schemas');
  if (Array.isArray(schemas) && !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === t.ext?.toLowerCase())) schemas.push(t.ext);
  return fresh;
}

/** Drops an extension object left empty, and its URN from `schemas`. */
function tidyExtension(ctx: Ctx, ext: string | undefined): void {
  if (!ext) return;
  const c = getProp(ctx.work, ext);
  if (c !== undefined && isObject(c) && Object.keys(c).length > 0) return;
  setProp(ctx.work, ext, undefined);
  own(ctx, 'schemas');
  const schemas = getProp(ctx.work, 'schemas');
  if (Array.isArray(schemas)) {
    const i = schemas.findIndex((s) => typeof s === 'string' && s.toLowerCase() === ext.toLowerCase());
    if (i >= 0) schemas.splice(i, 1);
  }
}

function dropExtension(ctx: Ctx, ext: string): void {
  setProp(ctx.work, ext, undefined);
  tidyExtension(ctx, ext);
}

/** Sets sub-attribute `sub` of element `el`; immutable sub-attributes may be set once, never changed. */
function setSub(el: JsonObject, sub: AttributeDef, v: unknown): void {
  const cur = getProp(el, sub.name);
  if (sub.mutability === 'immutable' && isPresent(cur) && !deepEqual(cur, v)) {
    mutability(`This would change ${sub.name} of an existing value, and ${sub.name} is immutable once set; remove the value and add a new one instead.`);
  }
  setProp(el, sub.name, v);
}

/** Merges the sub-attributes of `value` (an object) into `el`; null sub-values unassign. */
function mergeInto(def: AttributeDef, el: JsonObject, value: unknown, text: string, coerce: boolean): void {
  if (!isObject(value)) invalidValue(`"${text}" must be an object with sub-attributes of ${def.name}; got ${describeValue(value)}.`);
  for (const [k, raw] of Object.entries(value)) {
    const sub = findSub(def, k);
    // Unknown and readOnly sub-attributes are ignored, as in a POST body (see normalizeResource).
    if (!sub || sub.mutability === 'readOnly') continue;
    setSub(el, sub, normalizeValue(sub, raw, `${text}.${sub.name}`, coerce));
  }
}

function nonEmpty(el: unknown): boolean {
  return isPresent(el);
}

function primaryOf(el: unknown): boolean {
  return isObject(el) && getProp(el, 'primary') === true;
}

/** RFC 7643 §2.4: at most one value is primary; the one just set wins. */
function keepOnePrimary(list: unknown[], winner: unknown): void {
  if (!primaryOf(winner)) return;
  for (const el of list) if (el !== winner && primaryOf(el)) setProp(el as JsonObject, 'primary', false);
}

/** JSON with object keys sorted: equal for values deepEqual calls equal. */
function stableJson(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as JsonObject;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/** A key equal for two values sameString calls the same. */
function stringKey(v: unknown, caseExact: boolean): string {
  return typeof v === 'string' ? `s${caseExact ? v : v.toLowerCase()}` : `j${stableJson(v)}`;
}

/**
 * The key under which values of multi-valued `def` are the same apart from their `type`: their `value`
 * (compared case-insensitively unless caseExact), or — for values without one — the whole value.
 */
function elementKey(def: AttributeDef, el: unknown): string {
  if (def.type !== 'complex') return stringKey(el, def.caseExact);
  const valueDef = findSub(def, 'value');
  const v = isObject(el) ? getProp(el, 'value') : undefined;
  return valueDef && isPresent(v) ? `v${stringKey(v, valueDef.caseExact)}` : `w${stableJson(el)}`;
}

const typeOf = (el: unknown): string | undefined => {
  const t = isObject(el) ? getProp(el, 'type') : undefined;
  return typeof t === 'string' ? t.toLowerCase() : undefined;
};

/** The values of one `value` (or one whole value) in a list, in list order: the first, the first untyped, the first of each type. */
interface Slot {
  first: number;
  untyped: number[];
  typed: Map<string, number>;
}

/**
 * `add` to a multi-valued attribute: new values are appended, values already there are merged (no duplicates).
 * Two values are the same when their `value`s are (case-insensitively unless caseExact) and their `type`s do
 * not differ; values are found through an index, so adding n values to m costs n + m, not n × m.
 */
function addValues(def: AttributeDef, existing: unknown[], added: unknown[], text: string, coerce: boolean): unknown[] {
  const out = existing.slice();
  const slots = new Map<string, Slot>();
  const primaries = new Set<number>();
  const index = (i: number) => {
    const el = out[i];
    if (primaryOf(el)) primaries.add(i);
    const key = elementKey(def, el);
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { first: i, untyped: [], typed: new Map() }));
    const t = typeOf(el);
    if (t === undefined) slot.untyped.push(i);
    else if (!slot.typed.has(t)) slot.typed.set(t, i);
  };
  /** The first value the same as `el` (compatible type), as the list order decides. */
  const find = (el: unknown): number | undefined => {
    const slot = slots.get(elementKey(def, el));
    if (!slot) return undefined;
    if (def.type !== 'complex' || !isObject(el)) return slot.first;
    const t = typeOf(el);
    if (t === undefined) return slot.first;
    const typed = slot.typed.get(t);
    const untyped = slot.untyped[0];
    return typed === undefined ? untyped : untyped === undefined ? typed : Math.min(typed, untyped);
  };
  /** RFC 7643 §2.4: at most one value is primary; the one just set wins. */
  const onePrimary = (winner: number) => {
    if (!primaryOf(out[winner])) return;
    for (const i of primaries) if (i !== winner) setProp(out[i] as JsonObject, 'primary', false);
    primaries.clear();
    primaries.add(winner);
  };
  for (let i = 0; i < out.length; i++) index(i);
  for (const el of added) {
    const at = find(el);
    if (at === undefined) {
      out.push(el);
      index(out.length - 1);
      onePrimary(out.length - 1);
    } else if (isObject(out[at])) {
      const same = out[at] as JsonObject;
      const wasUntyped = typeOf(same) === undefined;
      mergeInto(def, same, el, text, coerce);
      const t = typeOf(same);
      if (wasUntyped && t !== undefined) {
        // The merge typed it: it now answers for its type, no longer for untyped values.
        const slot = slots.get(elementKey(def, same)) as Slot;
        slot.untyped.splice(slot.untyped.indexOf(at), 1);
        if (!slot.typed.has(t) || (slot.typed.get(t) as number) > at) slot.typed.set(t, at);
      }
      if (primaryOf(same)) primaries.add(at);
      onePrimary(at);
    }
  }
  return out;
}

/**
 * The element a filter like `type eq "work"` (or an `and` of such equalities) describes, so that a replace
 * that matches nothing can add it; undefined for any other filter.
 */
function seedFrom(def: AttributeDef, filter: FilterNode): JsonObject | undefined {
  const seed: JsonObject = {};
  const stack: FilterNode[] = [filter];
  while (stack.length > 0) {
    const n = stack.pop() as FilterNode;
    if (n.kind === 'and') {
      stack.push(n.left, n.right);
      continue;
    }
    if (n.kind !== 'compare' || n.op !== 'eq' || n.value === null || n.attr.urn !== undefined || n.attr.subAttr !== undefined) return undefined;
    const sub = findSub(def, n.attr.name);
    if (!sub) return undefined;
    seed[sub.name] = n.value;
  }
  return seed;
}

function setFiltered(ctx: Ctx, kind: 'add' | 'replace', t: Target, c: JsonObject, value: unknown): void {
  const def = t.def;
  const cur = getProp(c, def.name);
  const list = Array.isArray(cur) ? cur.slice() : [];
  const hits = list.filter((el) => isObject(el) && t.match?.(el)) as JsonObject[];
  if (hits.length === 0) {
    if (value === null) return;
    // RFC 7644 §3.5.2.3 answers 400 noTarget here. Entra instead relies on the server creating the value
    // (its first `Replace emails[type eq "work"].value` for a user without a work email), and MURAL does so:
    // when the filter is a plain equality (or an `and` of them) the element it describes is added.
    const seed = t.filter ? seedFrom(def, t.filter) : undefined;
    if (!seed) {
      throw new ScimError(400, 'noTarget', `No value of ${def.name} matches [${t.filter ? formatFilter(t.filter) : ''}], so there is nothing to ${kind}.`);
    }
    if (t.sub) {
      setProp(seed, t.sub.name, value);
    } else {
      if (!isObject(value)) invalidValue(`"${t.text}" must be an object with sub-attributes of ${def.name}; got ${describeValue(value)}.`);
      for (const [k, v] of Object.entries(value)) {
        const sub = findSub(def, k);
        if (sub) setProp(seed, sub.name, v);
      }
    }
    const el = normalizeElement(def, seed, t.text, ctx.coerce);
    if (el === undefined) return;
    list.push(el);
    keepOnePrimary(list, el);
    setProp(c, def.name, list);
    return;
  }
  for (const el of hits) {
    if (t.sub) setSub(el, t.sub, normalizeValue(t.sub, value, t.text, ctx.coerce));
    else if (value === null) list.splice(list.indexOf(el), 1);
    else mergeInto(def, el, value, t.text, ctx.coerce);
  }
  const kept = list.filter(nonEmpty);
  if (hits[0] && kept.includes(hits[0])) keepOnePrimary(kept, hits[0]);
  setProp(c, def.name, kept.length > 0 ? kept : undefined);
}

/** add / replace at a resolved target. */
function set(ctx: Ctx, kind: 'add' | 'replace', t: Target, value: unknown): void {
  if (isReadOnly(t)) readOnlyError(t);
  if (!t.ext) own(ctx, t.def.name);
  const c = container(ctx, t, value !== null);
  if (!c) return;
  const def = t.def;
  const cur = getProp(c, def.name);
  if (t.match) {
    setFiltered(ctx, kind, t, c, value);
  } else if (t.sub) {
    const v = normalizeValue(t.sub, value, t.text, ctx.coerce);
    if (def.multiValued) {
      // `emails.type` without a filter addresses every value of the attribute.
      const list = Array.isArray(cur) ? cur.filter(isObject) : [];
      if (list.length === 0 && v !== undefined) list.push({});
      for (const el of list) setSub(el, t.sub, v);
      const kept = list.filter(nonEmpty);
      setProp(c, def.name, kept.length > 0 ? kept : undefined);
    } else {
      const el = isObject(cur) ? cur : {};
      setSub(el, t.sub, v);
      setProp(c, def.name, nonEmpty(el) ? el : undefined);
    }
  } else if (def.multiValued) {
    const added = normalizeValue(def, Array.isArray(value) ? value : [value], t.text, ctx.coerce) as unknown[] | undefined;
    if (kind === 'replace') {
      // Of several primary values the last one wins, as if they were set one by one.
      if (added) {
        let last = added.length - 1;
        while (last >= 0 && !primaryOf(added[last])) last--;
        for (let i = 0; i < last; i++) if (primaryOf(added[i])) setProp(added[i] as JsonObject, 'primary', false);
      }
      setProp(c, def.name, added);
    } else if (added) {
      setProp(c, def.name, addValues(def, Array.isArray(cur) ? cur : [], added, t.text, ctx.coerce));
    }
  } else if (def.type === 'complex') {
    // RFC 7644 §3.5.2.1/3: sub-attributes given replace, those not given are left unchanged.
    if (value === null) {
      setProp(c, def.name, undefined);
    } else {
      const el = isObject(cur) ? cur : {};
      mergeInto(def, el, value, t.text, ctx.coerce);
      setProp(c, def.name, nonEmpty(el) ? el : undefined);
    }
  } else {
    const v = normalizeValue(def, value, t.text, ctx.coerce);
    if (def.mutability === 'immutable' && isPresent(cur) && !deepEqual(cur, v)) {
      mutability(`"${t.text}" is immutable once set.`);
    }
    setProp(c, def.name, v);
  }
  tidyExtension(ctx, t.ext);
}

/**
 * Which values of multi-valued `def` a `remove` with a value list takes: those whose `value` a listed value
 * (or `{"value": …}`) names, or, for a listed object without a value, those equal to it. An index of the
 * list, so removing n listed values from m costs n + m.
 */
function listedRemover(def: AttributeDef, listed: readonly unknown[]): (stored: unknown) => boolean {
  if (def.type !== 'complex') {
    const keys = new Set(listed.map((l) => stringKey(l, def.caseExact)));
    return (stored) => keys.has(stringKey(stored, def.caseExact));
  }
  const valueDef = findSub(def, 'value');
  const values = new Set<string>();
  const wholes = new Set<string>();
  for (const l of listed) {
    const wanted = isObject(l) ? getProp(l, 'value') : l;
    if (valueDef && wanted !== undefined && wanted !== null) values.add(stringKey(wanted, valueDef.caseExact));
    else if (isObject(l)) wholes.add(stableJson(normalizeElement(def, l, def.name)));
  }
  return (stored) => isObject(stored) && (
    (valueDef !== undefined && values.has(stringKey(getProp(stored, 'value'), valueDef.caseExact))) ||
    (wholes.size > 0 && wholes.has(stableJson(stored))));
}

function remove(ctx: Ctx, t: Target, op: Operation): void {
  if (isReadOnly(t)) readOnlyError(t);
  if (!t.ext) own(ctx, t.def.name);
  const c = container(ctx, t, false);
  if (!c) return;
  const def = t.def;
  const cur = getProp(c, def.name);
  const immutableSub = (el: JsonObject) => {
    if (t.sub?.mutability === 'immutable' && isPresent(getProp(el, t.sub.name))) {
      mutability(`"${t.text}" would remove ${def.name}.${t.sub.name}, which is immutable; remove the whole value instead.`);
    }
  };
  if (op.listed) {
    const removes = listedRemover(def, op.listed);
    const kept = (Array.isArray(cur) ? cur : []).filter((el) => !removes(el));
    setProp(c, def.name, kept.length > 0 ? kept : undefined);
  } else if (t.match || (t.sub && def.multiValued)) {
    const list = Array.isArray(cur) ? cur.slice() : [];
    const hits = list.filter((el) => isObject(el) && (!t.match || t.match(el))) as JsonObject[];
    let kept: unknown[];
    if (t.sub) {
      const sub = t.sub;
      for (const el of hits) {
        immutableSub(el);
        setProp(el, sub.name, undefined);
      }
      kept = list.filter(nonEmpty);
    } else {
      kept = list.filter((el) => !hits.includes(el as JsonObject));
    }
    setProp(c, def.name, kept.length > 0 ? kept : undefined);
  } else if (t.sub) {
    if (isObject(cur)) {
      immutableSub(cur);
      setProp(cur, t.sub.name, undefined);
      if (!nonEmpty(cur)) setProp(c, def.name, undefined);
    }
  } else if (def.multiValued && op.hasValue && op.value !== null && op.value !== undefined && !ctx.strict) {
    // Entra's default member removal: only the listed values go (RFC 7644 read strictly removes them all).
    const listed = Array.isArray(op.value) ? op.value : [op.value];
    const list = Array.isArray(cur) ? cur : [];
    const removes = listedRemover(def, listed);
    const kept = list.filter((el) => !removes(el));
    setProp(c, def.name, kept.length > 0 ? kept : undefined);
  } else {
    if (def.mutability === 'immutable' && isPresent(cur)) mutability(`"${t.text}" is immutable and cannot be removed.`);
    setProp(c, def.name, undefined);
  }
  tidyExtension(ctx, t.ext);
}

/** The current value a target names (for comparing a path-less readOnly value with what is stored). */
function currentAt(ctx: Ctx, t: Target): unknown {
  const c = t.ext ? getProp(ctx.work, t.ext) : ctx.work;
  const v = isObject(c) ? getProp(c, t.def.name) : undefined;
  return t.sub && isObject(v) ? getProp(v, t.sub.name) : v;
}

function withKeyContext<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ScimError && e.scimType === 'invalidPath') {
      throw new ScimError(400, 'invalidPath', `The value's key "${key}": ${e.detail}`, e.offset, e.length);
    }
    throw e;
  }
}

/** add / replace without a path: every key of the object value is an attribute path (`name.givenName`, URN keys too). */
function setWithoutPath(ctx: Ctx, kind: 'add' | 'replace', value: unknown): void {
  if (!isObject(value)) {
    invalidValue(`Without a "path", "${kind}" needs an object of attributes as its value, e.g. {"displayName":"New name"}; got ${describeValue(value)}.`);
  }
  const one = (key: string, v: unknown) => {
    const t = withKeyContext(key, () => resolve(ctx, parsePath(key), key));
    if ('extOnly' in t) {
      if (v === null) {
        if (kind === 'replace') dropExtension(ctx, t.extOnly);
        return;
      }
      if (!isObject(v)) invalidValue(`"${t.extOnly}" must be an object of the extension's attributes; got ${describeValue(v)}.`);
      for (const [k, x] of Object.entries(v)) one(`${t.extOnly}:${k}`, x);
      return;
    }
    // Clients that send the whole resource back (id, meta unchanged) are not penalised; changing them is.
    if (isReadOnly(t) && deepEqual(currentAt(ctx, t), v)) return;
    set(ctx, kind, t, v);
  };
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() === 'schemas') continue;
    one(k, v);
  }
}

function applyOperation(ctx: Ctx, op: Operation): void {
  if (op.op === 'remove') {
    if (!op.path || op.pathText === undefined) {
      throw new ScimError(400, 'noTarget', '"remove" needs a "path" naming what to remove, e.g. "members[value eq \\"<id>\\"]".');
    }
    const t = resolve(ctx, op.path, op.pathText);
    if ('extOnly' in t) dropExtension(ctx, t.extOnly);
    else remove(ctx, t, op);
    return;
  }
  if (!op.hasValue) invalidValue(`"${op.op}" needs a "value".`);
  if (!op.path || op.pathText === undefined) {
    setWithoutPath(ctx, op.op, op.value);
    return;
  }
  const t = resolve(ctx, op.path, op.pathText);
  if ('extOnly' in t) {
    if (op.value === null) {
      if (op.op === 'replace') dropExtension(ctx, t.extOnly);
      return;
    }
    setWithoutPath(ctx, op.op, isObject(op.value) ? Object.fromEntries(Object.entries(op.value).map(([k, v]) => [`${t.extOnly}:${k}`, v])) : op.value);
    return;
  }
  set(ctx, op.op, t, op.value);
}

const requiredByType = new Map<ResourceTypeName, readonly AttributeDef[]>();

/** The core attributes a resource type requires (userName, displayName). */
function requiredAttributes(rt: ResourceTypeName): readonly AttributeDef[] {
  let list = requiredByType.get(rt);
  if (!list) requiredByType.set(rt, (list = [...coreAttributes(rt).values()].filter((d) => d.required)));
  return list;
}

/**
 * Applies a PatchOp body atomically: validates `schemas` (PatchOp URN) and every operation, working on a copy
 * (made on write), so either all operations apply or none; never mutates `current`; the result shares the
 * attributes no operation changed with `current`. `op` is case-insensitive; add on a
 * single-valued attribute = replace; add/replace on a complex attribute merges sub-attributes; add to a
 * multi-valued attribute appends, merging values already there (a member is never listed twice); path-less
 * add/replace take an object whose keys are paths (`name.givenName`, URN keys, nested objects); value-path
 * filters `emails[type eq "work"].value` (a replace matching nothing adds the value the filter describes, as
 * Entra expects); `members[value eq "id"]`; remove without path → 400 noTarget; readOnly (id, meta, groups) →
 * 400 mutability, as is removing a required attribute (userName, displayName) or changing an immutable one;
 * unknown attribute → 400 invalidPath; wrong value type → 400 invalidValue; malformed body → 400 invalidSyntax.
 * Error details start with the failing operation (`Operations[1] (replace name.givenName): …`).
 * `changed` is false when the result equals the input (Entra re-sends unchanged values).
 */
export function applyPatch(rt: ResourceTypeName, current: Resource, body: unknown, options: PatchOptions = {}): { resource: Resource; changed: boolean } {
  const ops = coalesce(rt, readOperations(body));
  const ctx: Ctx = {
    rt,
    work: { ...current },
    owned: new Set(),
    coerce: options.coerceBooleanStrings ?? true,
    strict: options.strictMemberRemoval ?? false,
  };
  const required = requiredAttributes(rt);
  for (const op of ops) {
    const had = required.filter((d) => isPresent(getProp(ctx.work, d.name)));
    try {
      applyOperation(ctx, op);
      for (const d of had) {
        if (!isPresent(getProp(ctx.work, d.name))) mutability(`"${d.name}" is required for a ${rt} and cannot be removed; replace it with a new value instead.`);
      }
    } catch (e) {
      if (e instanceof ScimError) {
        const where = `Operations[${op.first === op.last ? op.first : `${op.first}–${op.last}`}] (${op.opText}${op.pathText !== undefined ? ` ${op.pathText}` : ''})`;
        throw new ScimError(e.status, e.scimType, e.detail.startsWith('Operations[') ? e.detail : `${where}: ${e.detail}`, e.offset, e.length);
      }
      throw e;
    }
  }
  return { resource: ctx.work, changed: !deepEqual(current, ctx.work) };
}
