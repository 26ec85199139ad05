// MURAL's rules, read from the attribute-mapping table (src/scim/mapping.ts) — never from hard-coded
// attribute names — so a workspace that edits its mapping gets a mock that enforces the edited table:
// - `lowercase` targets are stored lower case, and (when the lowercaseFilterRule switch is on) a filter that
//   compares them with capitals finds nothing, because MURAL compares exactly against the stored value;
// - `noDigits` targets reject values containing digits (400 invalidValue naming the attribute and value);
// - `required` targets must have a value (400 invalidValue). MURAL needs a work email: it is NOT derived from
//   userName, even when userName is an email, because MURAL rejects such requests too.
// A target with a value filter (emails[type eq "work"].value) selects the matching values; when no value
// matches and the values carry none of the attributes the filter tests (MURAL's own examples send
// `emails: [{primary: true, value}]` without a type), those untyped values are taken.
import { ScimError } from '../scim/errors';
import { compileValueFilter, formatAttrPath, type AttrPath, type FilterNode } from '../scim/filter';
import { MURAL_MAPPING, type MappingEntry, type MappingTable } from '../scim/mapping';
import { parsePath, type PatchPath } from '../scim/path';
import type { Resource } from '../scim/resource';
import { resolveAttribute, type ResourceTypeName } from '../scim/schemas';
import { getProp, isObject, isPresent, type JsonObject } from '../scim/values';

interface CompiledTarget {
  readonly entry: MappingEntry;
  /** URN of the extension holding the attribute, if any. */
  readonly extension: string | undefined;
  /** Canonical name of the top-level attribute. */
  readonly top: string;
  /** Canonical sub-attribute read from the selected values (name.givenName → givenName). */
  readonly sub: string | undefined;
  readonly multiValued: boolean;
  /** Selects elements of a multi-valued attribute. */
  readonly select: ((el: JsonObject) => boolean) | undefined;
  /** Attribute names the value filter tests (for the untyped-value fallback). */
  readonly filterAttrs: readonly string[];
  /** Canonical path without the value filter, e.g. emails.value. */
  readonly path: string;
  /** For messages: the `"type": "work"` a value needs to satisfy the filter, when it is a single `eq`. */
  readonly filterExample: string;
  readonly lowercase: boolean;
  readonly noDigits: boolean;
}

function filterAttributes(node: FilterNode, out: string[]): string[] {
  switch (node.kind) {
    case 'compare':
    case 'present': out.push(node.attr.name); break;
    case 'and':
    case 'or': filterAttributes(node.left, out); filterAttributes(node.right, out); break;
    case 'not': filterAttributes(node.filter, out); break;
    case 'valuePath': out.push(node.attr.name); break;
  }
  return out;
}

function compileTarget(rt: ResourceTypeName, entry: MappingEntry): CompiledTarget {
  const p: PatchPath = parsePath(entry.target);
  const resolved = resolveAttribute(rt, formatAttrPath({ urn: p.attr.urn, name: p.attr.name }));
  if (!resolved) throw new Error(`The mapping table names ${entry.target}, which is not a ${rt} attribute.`);
  const topDef = resolved.def;
  let sub = p.subAttr ?? p.attr.subAttr;
  if (sub !== undefined) {
    const subDef = topDef.subAttributes?.find((s) => s.name.toLowerCase() === (sub as string).toLowerCase());
    if (!subDef) throw new Error(`The mapping table names ${entry.target}, but ${topDef.name} has no sub-attribute ${sub}.`);
    sub = subDef.name;
  }
  const ext = resolved.extension;
  return {
    entry,
    extension: ext,
    top: topDef.name,
    sub,
    multiValued: topDef.multiValued,
    select: p.filter ? compileValueFilter(p.filter, rt, p.attr, 'invalidPath') : undefined,
    filterAttrs: p.filter ? filterAttributes(p.filter, []).map((n) => n.toLowerCase()) : [],
    path: `${ext ? `${ext}:` : ''}${topDef.name}${sub ? `.${sub}` : ''}`,
    filterExample: p.filter?.kind === 'compare' && p.filter.op === 'eq' ? `${JSON.stringify(p.filter.attr.name)}: ${JSON.stringify(p.filter.value)}, ` : '',
    lowercase: entry.rules?.includes('lowercase') ?? false,
    noDigits: entry.rules?.includes('noDigits') ?? false,
  };
}

/** The container object holding the target's top-level attribute (the resource, or its extension object). */
function container(res: Resource, t: CompiledTarget): JsonObject | undefined {
  if (!t.extension) return res;
  const c = getProp(res, t.extension);
  return isObject(c) ? c : undefined;
}

/** Whether element `el` carries none of the attributes the target's filter tests (an untyped value). */
function untyped(el: JsonObject, t: CompiledTarget): boolean {
  for (const a of t.filterAttrs) if (isPresent(getProp(el, a))) return false;
  return true;
}

/** Indexes of the elements a multi-valued target selects. */
function selectedIndexes(list: readonly unknown[], t: CompiledTarget): number[] {
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (isObject(el) && (!t.select || t.select(el))) out.push(i);
  }
  if (out.length > 0 || !t.select || t.filterAttrs.length === 0) return out;
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (isObject(el) && untyped(el, t)) out.push(i);
  }
  return out;
}

const NONE: readonly unknown[] = Object.freeze([]);

/** The values the target denotes in `res` (read only: the array may be shared). */
function readTarget(res: Resource, t: CompiledTarget): readonly unknown[] {
  const c = container(res, t);
  if (!c) return NONE;
  const v = getProp(c, t.top);
  if (v === undefined || v === null) return NONE;
  if (t.multiValued) {
    if (!Array.isArray(v)) return NONE;
    const idx = selectedIndexes(v, t);
    const out = new Array<unknown>(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const el = v[idx[i] as number];
      out[i] = t.sub ? getProp(el as JsonObject, t.sub) : el;
    }
    return out;
  }
  if (t.sub) return isObject(v) ? [getProp(v, t.sub)] : NONE;
  return [v];
}

/** `res` with fn applied to the target's string values; the same object when nothing changed (copy on write). */
function mapTarget(res: Resource, t: CompiledTarget, fn: (s: string) => string): Resource {
  const c = container(res, t);
  if (!c) return res;
  const v = getProp(c, t.top);
  let next: unknown = v;
  if (t.multiValued && Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (const i of selectedIndexes(v, t)) {
      const el = v[i] as JsonObject;
      const s = t.sub ? getProp(el, t.sub) : undefined;
      if (typeof s !== 'string' || fn(s) === s) continue;
      copy ??= [...v];
      copy[i] = { ...el, [t.sub as string]: fn(s) };
    }
    if (copy) next = copy;
  } else if (t.sub && isObject(v)) {
    const s = getProp(v, t.sub);
    if (typeof s === 'string' && fn(s) !== s) next = { ...v, [t.sub]: fn(s) };
  } else if (!t.sub && typeof v === 'string' && fn(v) !== v) {
    next = fn(v);
  }
  if (next === v) return res;
  if (!t.extension) return { ...res, [t.top]: next };
  return { ...res, [t.extension]: { ...c, [t.top]: next } };
}

const DIGIT = /\p{Nd}/u;
const lower = (s: string) => s.toLowerCase();

/** Filter nodes always false / true for a given attribute (there is no literal true/false in the grammar). */
function alwaysFalse(attr: AttrPath, offset: number, length: number): FilterNode {
  const present: FilterNode = { kind: 'present', attr, offset, length };
  return { kind: 'and', left: present, right: { kind: 'not', filter: present, offset, length }, offset, length };
}

export class MuralRules {
  private readonly targets: Record<ResourceTypeName, CompiledTarget[]>;
  private readonly lowercased: Record<ResourceTypeName, ReadonlySet<string>>;

  constructor(readonly table: MappingTable = MURAL_MAPPING) {
    this.targets = { User: [], Group: [] };
    for (const entry of table.entries) this.targets[entry.resource].push(compileTarget(entry.resource, entry));
    const lowerPaths = (rt: ResourceTypeName) =>
      new Set(this.targets[rt].filter((t) => t.lowercase).map((t) => t.path.toLowerCase()));
    this.lowercased = { User: lowerPaths('User'), Group: lowerPaths('Group') };
  }

  /**
   * Applies the table to a resource about to be stored (after POST/PUT normalisation or a PATCH): lowercases
   * `lowercase` targets, then rejects digits in `noDigits` targets and missing `required` targets with
   * ScimError 400 invalidValue. Returns the resource to store (the same object when nothing was lowercased).
   */
  apply(rt: ResourceTypeName, resource: Resource): Resource {
    let res = resource;
    for (const t of this.targets[rt]) {
      if (t.lowercase) res = mapTarget(res, t, lower);
    }
    for (const t of this.targets[rt]) {
      const values = readTarget(res, t);
      if (t.noDigits) {
        for (const v of values) {
          if (typeof v === 'string' && DIGIT.test(v)) {
            throw new ScimError(400, 'invalidValue', `${t.entry.target} must not contain digits, but is ${JSON.stringify(v)}: MURAL rejects digits in this attribute. Remove them, or map a source attribute without digits in Entra.`);
          }
        }
      }
      if (t.entry.required && !values.some(isPresent)) {
        throw new ScimError(400, 'invalidValue', `${t.entry.target} is required by ${this.table.name} but the request has none. ${this.example(t)}`);
      }
    }
    return res;
  }

  private example(t: CompiledTarget): string {
    if (t.select && t.sub) {
      return `Send it in ${t.top}, e.g. "${t.top}": [{ ${t.filterExample}"${t.sub}": "…", "primary": true }] (it is not derived from other attributes).`;
    }
    return `Send "${t.sub ? `${t.top}.${t.sub}` : t.top}" with a value.`;
  }

  /** Canonical paths (lower case) of the attributes stored lower case, e.g. username, emails.value. */
  lowercasedPaths(rt: ResourceTypeName): ReadonlySet<string> {
    return this.lowercased[rt];
  }

  /**
   * MURAL's exact comparison of lower-cased attributes: `eq`, `co`, `sw`, `ew` with a value containing
   * capitals can never match a stored lower-case value, and `ne` with such a value matches whenever the
   * attribute is present. Returns the filter unchanged when nothing applies.
   */
  exactFilter(rt: ResourceTypeName, node: FilterNode): FilterNode {
    const paths = this.lowercased[rt];
    if (paths.size === 0) return node;
    const canonical = (attr: AttrPath, parent: string | undefined): string | undefined => {
      if (parent) return `${parent}.${attr.name}`.toLowerCase();
      const r = resolveAttribute(rt, formatAttrPath(attr));
      if (!r) return undefined;
      let path = `${r.extension ? `${r.extension}:` : ''}${(r.parent ?? r.def).name}${r.parent ? `.${r.def.name}` : ''}`;
      if (!r.parent && r.def.type === 'complex' && r.def.multiValued) path += '.value';
      return path.toLowerCase();
    };
    const walk = (n: FilterNode, parent: string | undefined): FilterNode => {
      switch (n.kind) {
        case 'and':
        case 'or': {
          const left = walk(n.left, parent);
          const right = walk(n.right, parent);
          return left === n.left && right === n.right ? n : { ...n, left, right };
        }
        case 'not': {
          const inner = walk(n.filter, parent);
          return inner === n.filter ? n : { ...n, filter: inner };
        }
        case 'valuePath': {
          const r = resolveAttribute(rt, formatAttrPath(n.attr));
          if (!r) return n;
          const inner = walk(n.filter, `${r.extension ? `${r.extension}:` : ''}${r.def.name}`);
          return inner === n.filter ? n : { ...n, filter: inner };
        }
        case 'present': return n;
        case 'compare': {
          if (typeof n.value !== 'string' || n.value === n.value.toLowerCase()) return n;
          const path = canonical(n.attr, parent);
          if (path === undefined || !paths.has(path)) return n;
          if (n.op === 'eq' || n.op === 'co' || n.op === 'sw' || n.op === 'ew') return alwaysFalse(n.attr, n.offset, n.length);
          if (n.op === 'ne') return { kind: 'present', attr: n.attr, offset: n.offset, length: n.length };
          return n;
        }
      }
    };
    return walk(node, undefined);
  }
}
