// Attribute paths resolved against the schemas (PATCH paths, path-less value keys, mapping-table targets) and
// the mapping table turned into an index the validator consults per value: which rules (required, lowercase,
// noDigits) hold where, and what MURAL maps at all. Derived from the table, never hard-coded, so a custom
// table changes the diagnostics.
import { compileValueFilter, formatAttrPath, formatFilter, type AttrPath, type FilterNode } from '../scim/filter';
import { parsePath, type PatchPath } from '../scim/path';
import { closest } from '../entra/functions';
import { isScimError } from '../scim/errors';
import { COMMON_ATTRIBUTES, RESOURCE_TYPES, resolveAttribute, schemaFor, type AttributeDef, type ResourceTypeName } from '../scim/schemas';
import type { MappingEntry, MappingRule, MappingTable } from '../scim/mapping';

/** A resolved attribute path: the top-level attribute, an optional sub-attribute and value filter. */
export interface Target {
  readonly rt: ResourceTypeName;
  /** The extension schema URN holding the attribute; undefined for core and common attributes. */
  readonly extension?: string;
  readonly attr: AttributeDef;
  readonly sub?: AttributeDef;
  readonly filter?: FilterNode;
  /** Canonical spelling, e.g. `emails[type eq "work"].value`. */
  readonly canonical: string;
}

/** Why a path does not resolve, with the range inside the path text. */
export interface Unresolved {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  /** 'unknown': names no attribute (SCIM044); 'invalid': a filter the attribute's types reject (SCIM043). */
  readonly reason: 'unknown' | 'invalid';
  /** For an unknown name close to a known one: where the name is in the path text, and the known one. */
  readonly near?: { readonly offset: number; readonly length: number; readonly name: string };
}

/** An unknown name at `offset` in a path: "did you mean" the closest of `names` when one is close, else `otherwise`. */
function unknownName(at: { offset: number; length: number }, name: string, offset: number, names: readonly string[], lead: string, otherwise: string): Unresolved {
  const near = closest(name, names, 1)[0];
  return near
    ? { ...at, reason: 'unknown', message: `${lead}: did you mean "${near}"?`, near: { offset, length: name.length, name: near } }
    : { ...at, reason: 'unknown', message: `${lead}; ${otherwise}` };
}

export type ParsedPath = { ok: true; path: PatchPath } | { ok: false; offset: number; length: number; message: string };

/** The core's PATCH path parser, with its ScimError turned into a result. */
export function tryParsePath(text: string): ParsedPath {
  try {
    return { ok: true, path: parsePath(text) };
  } catch (e) {
    if (!isScimError(e)) throw e;
    return { ok: false, offset: e.offset ?? 0, length: e.length ?? text.length, message: e.detail };
  }
}

/** Attribute definitions by exact and lower-case name (the validator looks one up per key it reads). */
function index(defs: readonly AttributeDef[]): Map<string, AttributeDef> {
  const m = new Map<string, AttributeDef>();
  for (const d of defs) {
    m.set(d.name, d);
    m.set(d.name.toLowerCase(), d);
  }
  return m;
}

function lookup(m: Map<string, AttributeDef>, name: string): AttributeDef | undefined {
  return m.get(name) ?? m.get(name.toLowerCase());
}

const subIndexes = new WeakMap<AttributeDef, Map<string, AttributeDef>>();

/** A sub-attribute of a complex attribute, by case-insensitive name. */
export function findSub(def: AttributeDef, name: string): AttributeDef | undefined {
  if (!def.subAttributes) return undefined;
  let m = subIndexes.get(def);
  if (!m) {
    m = index(def.subAttributes);
    subIndexes.set(def, m);
  }
  return lookup(m, name);
}

const topIndexes: Record<ResourceTypeName, Map<string, AttributeDef>> = {
  User: index([...COMMON_ATTRIBUTES, ...(schemaFor(RESOURCE_TYPES.User.schema)?.attributes ?? [])]),
  Group: index([...COMMON_ATTRIBUTES, ...(schemaFor(RESOURCE_TYPES.Group.schema)?.attributes ?? [])]),
};

/** A top-level attribute of a resource type (common and core schema), by case-insensitive plain name. */
export function topAttribute(rt: ResourceTypeName, name: string): AttributeDef | undefined {
  return lookup(topIndexes[rt], name);
}

const extensionIndexes = new Map<string, Map<string, AttributeDef>>();

/** An attribute of an extension schema, by case-insensitive plain name. */
export function extensionAttribute(extension: string, name: string): AttributeDef | undefined {
  let m = extensionIndexes.get(extension);
  if (!m) {
    m = index(schemaFor(extension)?.attributes ?? []);
    extensionIndexes.set(extension, m);
  }
  return lookup(m, name);
}

/** The names of the attributes at the top level of a resource: the common ones and its core schema's. */
export function topLevelNames(rt: ResourceTypeName): string[] {
  return [...COMMON_ATTRIBUTES, ...(schemaFor(RESOURCE_TYPES[rt].schema)?.attributes ?? [])].map((a) => a.name);
}

function subNames(def: AttributeDef): string[] {
  return (def.subAttributes ?? []).map((s) => s.name);
}

function describeSubs(def: AttributeDef): string {
  return subNames(def).join(', ');
}

/** The attribute paths a filter names (for checking them against the schema), without recursion. */
export function filterAttrs(node: FilterNode): { attr: AttrPath; inValuePath?: AttrPath }[] {
  const out: { attr: AttrPath; inValuePath?: AttrPath }[] = [];
  const stack: { n: FilterNode; vp?: AttrPath }[] = [{ n: node }];
  while (stack.length > 0) {
    const { n, vp } = stack.pop() as { n: FilterNode; vp?: AttrPath };
    switch (n.kind) {
      case 'compare':
      case 'present': out.push({ attr: n.attr, ...(vp ? { inValuePath: vp } : {}) }); break;
      case 'and':
      case 'or': stack.push({ n: n.right, vp }, { n: n.left, vp }); break;
      case 'not': stack.push({ n: n.filter, vp }); break;
      case 'valuePath': out.push({ attr: n.attr }); stack.push({ n: n.filter, vp: n.attr }); break;
    }
  }
  return out;
}

/** Checks that a value filter's attribute names are sub-attributes of `attr` and that its comparisons fit their types. */
function checkValueFilter(rt: ResourceTypeName, path: PatchPath, attr: AttributeDef): Unresolved | undefined {
  const filter = path.filter as FilterNode;
  if (attr.type !== 'complex') {
    return { offset: path.attr.offset, length: path.attr.length, reason: 'invalid',
      message: `"${attr.name}" is a ${attr.type}; a [filter] selects values of a multi-valued complex attribute such as emails or members.` };
  }
  for (const { attr: a } of filterAttrs(filter)) {
    if (a.urn === undefined && a.subAttr === undefined && !findSub(attr, a.name)) {
      return unknownName(a, a.name, a.offset, subNames(attr), `"${a.name}" is not a sub-attribute of ${attr.name}`, `inside [ ] use one of: ${describeSubs(attr)}.`);
    }
    if (a.urn !== undefined || a.subAttr !== undefined) {
      return { offset: a.offset, length: a.length, reason: 'unknown',
        message: `"${formatAttrPath(a)}" is not a sub-attribute of ${attr.name}; inside [ ] use one of: ${describeSubs(attr)}.` };
    }
  }
  try {
    compileValueFilter(filter, rt, path.attr, 'invalidPath');
  } catch (e) {
    if (!isScimError(e)) throw e;
    return { offset: e.offset ?? filter.offset, length: e.length ?? filter.length, message: e.detail, reason: 'invalid' };
  }
  return undefined;
}

const resolved = new WeakMap<PatchPath, Partial<Record<ResourceTypeName, Target | Unresolved>>>();

/** Resolves a parsed path for a resource type, or says which part of it is unknown (memoized per parsed path). */
export function resolvePath(rt: ResourceTypeName, path: PatchPath): Target | Unresolved {
  let byType = resolved.get(path);
  if (!byType) {
    byType = {};
    resolved.set(path, byType);
  }
  return (byType[rt] ??= resolveUncached(rt, path));
}

function resolveUncached(rt: ResourceTypeName, path: PatchPath): Target | Unresolved {
  const a = path.attr;
  const head = resolveAttribute(rt, formatAttrPath({ urn: a.urn, name: a.name }));
  if (!head) {
    const foreign = a.urn !== undefined && !RESOURCE_TYPES[rt].schemaExtensions.some((e) => e.schema.toLowerCase() === a.urn?.toLowerCase())
      && a.urn.toLowerCase() !== RESOURCE_TYPES[rt].schema.toLowerCase();
    if (foreign) return { offset: a.offset, length: a.length, reason: 'unknown', message: `"${formatAttrPath(a)}" is not a ${rt} attribute: the schema ${a.urn} is not one a ${rt} has.` };
    const names = a.urn === undefined ? topLevelNames(rt) : (schemaFor(a.urn)?.attributes ?? []).map((d) => d.name);
    return unknownName(a, a.name, a.offset + (a.urn === undefined ? 0 : a.urn.length + 1), names, `"${formatAttrPath(a)}" is not a ${rt} attribute`, `no ${rt} attribute is called "${a.name}".`);
  }
  const attr = head.def;
  let sub: AttributeDef | undefined;
  if (a.subAttr !== undefined) {
    sub = findSub(attr, a.subAttr);
    if (!sub) {
      return attr.subAttributes
        ? unknownName(a, a.subAttr, a.offset + a.length - a.subAttr.length, subNames(attr), `"${a.subAttr}" is not a sub-attribute of ${attr.name}`, `it has: ${describeSubs(attr)}.`)
        : { offset: a.offset, length: a.length, reason: 'unknown', message: `${attr.name} is a ${attr.type} and has no sub-attributes.` };
    }
  }
  if (path.filter) {
    const bad = checkValueFilter(rt, path, attr);
    if (bad) return bad;
  }
  if (path.subAttr !== undefined) {
    sub = findSub(attr, path.subAttr);
    if (!sub) {
      const at = path.offset + path.length - path.subAttr.length;
      return unknownName({ offset: at, length: path.subAttr.length }, path.subAttr, at, subNames(attr), `"${path.subAttr}" is not a sub-attribute of ${attr.name}`, `it has: ${describeSubs(attr)}.`);
    }
  }
  const prefix = head.extension ? `${head.extension}:` : '';
  const canonical = `${prefix}${attr.name}${path.filter ? `[${formatFilter(path.filter)}]` : ''}${sub ? `.${sub.name}` : ''}`;
  return { rt, ...(head.extension ? { extension: head.extension } : {}), attr, ...(sub ? { sub } : {}), ...(path.filter ? { filter: path.filter } : {}), canonical };
}

export function isTarget(t: Target | Unresolved): t is Target {
  return (t as Target).attr !== undefined;
}

/** A mapping-table entry resolved against the schemas. */
export interface MappedEntry {
  readonly entry: MappingEntry;
  readonly target: Target;
  /** Lower-cased canonical filter text, to compare with the filter of a PATCH path. */
  readonly filterKey?: string;
  /** Whether one element of the multi-valued attribute is the one the entry maps. */
  readonly matches?: (element: unknown) => boolean;
}

interface TypeIndex {
  readonly all: MappedEntry[];
  readonly byAttr: Map<AttributeDef, MappedEntry[]>;
  readonly required: MappedEntry[];
  readonly filterable: MappedEntry[];
}

/** The mapping table indexed for the validator. Build it with mappingView(table). */
export class MappingView {
  private readonly types: Record<ResourceTypeName, TypeIndex> = {
    User: { all: [], byAttr: new Map(), required: [], filterable: [] },
    Group: { all: [], byAttr: new Map(), required: [], filterable: [] },
  };
  /** Entries whose target does not parse or resolve (reported by loadMappingTable, ignored here). */
  readonly unresolved: { index: number; message: string }[] = [];

  constructor(readonly table: MappingTable) {
    table.entries.forEach((entry, index) => {
      const parsed = tryParsePath(entry.target);
      if (!parsed.ok) {
        this.unresolved.push({ index, message: `"${entry.target}" is not an attribute path: ${parsed.message}` });
        return;
      }
      const target = resolvePath(entry.resource, parsed.path);
      if (!isTarget(target)) {
        this.unresolved.push({ index, message: target.message });
        return;
      }
      let mapped: MappedEntry = { entry, target };
      if (target.filter) {
        const pred = compileValueFilter(target.filter, entry.resource, parsed.path.attr);
        mapped = {
          ...mapped,
          filterKey: formatFilter(target.filter).toLowerCase(),
          matches: (el) => typeof el === 'object' && el !== null && !Array.isArray(el) && pred(el as Record<string, unknown>),
        };
      }
      const idx = this.types[entry.resource];
      idx.all.push(mapped);
      const list = idx.byAttr.get(target.attr);
      if (list) list.push(mapped); else idx.byAttr.set(target.attr, [mapped]);
      if (entry.required) idx.required.push(mapped);
      if (entry.filterable) idx.filterable.push(mapped);
    });
  }

  /** Entries about a top-level attribute (any sub-attribute, any filter). */
  forAttr(rt: ResourceTypeName, attr: AttributeDef): readonly MappedEntry[] {
    return this.types[rt].byAttr.get(attr) ?? [];
  }

  /** Every resolved entry of a resource type, in table order. */
  all(rt: ResourceTypeName): readonly MappedEntry[] {
    return this.types[rt].all;
  }

  required(rt: ResourceTypeName): readonly MappedEntry[] {
    return this.types[rt].required;
  }

  filterable(rt: ResourceTypeName): readonly MappedEntry[] {
    return this.types[rt].filterable;
  }

  /**
   * The entries that map a value: attribute `attr`, sub-attribute `sub`, inside an element of a multi-valued
   * attribute (`element`, read lazily) or under a PATCH path filter (`pathFilter`).
   */
  at(rt: ResourceTypeName, attr: AttributeDef, sub: AttributeDef | undefined, where: { element?: () => unknown; pathFilter?: FilterNode } = {}): MappedEntry[] {
    const out: MappedEntry[] = [];
    for (const m of this.forAttr(rt, attr)) {
      if (m.target.sub !== sub) continue;
      if (m.matches) {
        if (where.pathFilter) {
          if (formatFilter(where.pathFilter).toLowerCase() !== m.filterKey) continue;
        } else if (!where.element || !m.matches(where.element())) {
          continue;
        }
      }
      out.push(m);
    }
    return out;
  }

  /** The rules that hold for a value (see `at`). */
  rulesAt(rt: ResourceTypeName, attr: AttributeDef, sub: AttributeDef | undefined, where: { element?: () => unknown; pathFilter?: FilterNode } = {}): { rule: MappingRule; entry: MappingEntry }[] {
    const out: { rule: MappingRule; entry: MappingEntry }[] = [];
    for (const m of this.at(rt, attr, sub, where)) for (const rule of m.entry.rules ?? []) out.push({ rule, entry: m.entry });
    return out;
  }

  /** Whether MURAL maps the attribute at all (through any sub-attribute or element). */
  mapsAttr(rt: ResourceTypeName, attr: AttributeDef): boolean {
    return this.types[rt].byAttr.has(attr);
  }

  /** Whether MURAL maps a sub-attribute of a single-valued complex attribute (name.formatted is not). */
  mapsSub(rt: ResourceTypeName, attr: AttributeDef, sub: AttributeDef): boolean {
    return this.forAttr(rt, attr).some((m) => m.target.sub === undefined || m.target.sub === sub);
  }

  /**
   * Whether MURAL maps an element of a multi-valued attribute: yes when an entry maps the attribute without a
   * filter, else only elements matching an entry's filter (a "home" email is ignored when only work is mapped).
   */
  mapsElement(rt: ResourceTypeName, attr: AttributeDef, element: () => unknown): boolean {
    return this.forAttr(rt, attr).some((m) => !m.matches || m.matches(element()));
  }

  /** The filtered entries of a multi-valued attribute, for messages ("MURAL maps only emails[type eq "work"].value"). */
  describeMapped(rt: ResourceTypeName, attr: AttributeDef): string {
    return this.forAttr(rt, attr).map((m) => m.entry.target).join(', ');
  }
}

const views = new WeakMap<MappingTable, MappingView>();

/** The (cached) index of a mapping table. */
export function mappingView(table: MappingTable): MappingView {
  let v = views.get(table);
  if (!v) {
    v = new MappingView(table);
    views.set(table, v);
  }
  return v;
}
