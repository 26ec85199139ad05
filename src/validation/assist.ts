// Hover and completion data for SCIM payloads, as pure functions of the text: what an attribute is (its
// schema characteristics and MURAL's rule from the mapping table) and which names and URNs fit where the
// cursor is. The VS Code glue turns them into providers.
import { findNodeAtOffset, getLocation, getNodePath, parseTree, type JSONPath, type Node } from 'jsonc-parser';
import { formatFilter } from '../scim/filter';
import { matchingNote } from '../scim/muralQuery';
import { MURAL_MAPPING, type MappingTable } from '../scim/mapping';
import { COMMON_ATTRIBUTES, RESOURCE_TYPES, resolveAttribute, schemaFor, URN, type AttributeDef, type ResourceTypeName } from '../scim/schemas';
import type { ScimType } from '../scim/errors';
import { plainEntries, prop } from './json';
import { KIND_URN, quickKind, type PayloadKind } from './kinds';
import { bareExtension, inferResourceType, type PathLike } from './patch';
import { findSub, isTarget, mappingView, resolvePath, tryParsePath, type MappingView } from './targets';

export interface AssistOptions {
  readonly mapping?: MappingTable;
}

/** An attribute location: top-level attribute, optional sub-attribute and value filter. */
interface AttrRef {
  readonly rt: ResourceTypeName;
  readonly extension?: string;
  readonly attr: AttributeDef;
  readonly sub?: AttributeDef;
  readonly filterText?: string;
}

/** Where a position in the document is, in SCIM terms. */
type Where =
  | { at: 'root'; kind: PayloadKind }
  | { at: 'resource'; rt: ResourceTypeName }
  | { at: 'extension'; rt: ResourceTypeName; extension: string }
  /** Inside a complex value (single, or an element of a multi-valued attribute): keys are sub-attributes. */
  | { at: 'complex'; ref: AttrRef }
  /** The array of a multi-valued attribute. */
  | { at: 'multi'; ref: AttrRef }
  | { at: 'scalar'; ref: AttrRef }
  | { at: 'schemas'; kind: PayloadKind }
  | { at: 'list' }
  | { at: 'operations' }
  | { at: 'operation'; node: Node }
  | { at: 'op' }
  | { at: 'path'; rt: ResourceTypeName; node?: Node }
  | { at: 'pathless'; rt: ResourceTypeName }
  | { at: 'scimType' }
  | { at: 'none' };

function child(node: Node | undefined, seg: string | number): Node | undefined {
  if (!node) return undefined;
  if (node.type === 'array' && typeof seg === 'number') return node.children?.[seg];
  if (node.type === 'object' && typeof seg === 'string') return prop(plainEntries(node), seg)?.value;
  return undefined;
}

function refState(ref: AttrRef): Where {
  const def = ref.sub ?? ref.attr;
  if (!ref.sub && ref.filterText !== undefined) return { at: 'complex', ref };
  if (!ref.sub && def.multiValued) return { at: 'multi', ref };
  if (def.type === 'complex') return { at: 'complex', ref };
  return { at: 'scalar', ref };
}

/** The PatchOp's resource type, from every path and path-less key it holds. */
function patchType(view: MappingView, root: Node): ResourceTypeName {
  const refs: PathLike[] = [];
  for (const op of child(root, 'Operations')?.children ?? []) {
    const path = child(op, 'path');
    const value = child(op, 'value');
    const texts = path?.type === 'string' ? [path.value as string]
      : value?.type === 'object' ? plainEntries(value).map((p) => p.key) : [];
    for (const t of texts) {
      const extension = bareExtension(t);
      const parsed = extension ? undefined : tryParsePath(t);
      refs.push(extension ? { extension } : parsed?.ok ? { parsed: parsed.path } : {});
    }
  }
  return inferResourceType(view, refs);
}

/** A path text (PATCH path or path-less key) as an attribute reference. */
function pathRef(rt: ResourceTypeName, text: string): AttrRef | { extension: string } | undefined {
  const extension = bareExtension(text);
  if (extension) return { extension };
  const parsed = tryParsePath(text);
  if (!parsed.ok) return undefined;
  const t = resolvePath(rt, parsed.path);
  if (!isTarget(t)) return undefined;
  return { rt, ...(t.extension ? { extension: t.extension } : {}), attr: t.attr, ...(t.sub ? { sub: t.sub } : {}), ...(t.filter ? { filterText: formatFilter(t.filter) } : {}) };
}

function step(view: MappingView, root: Node, state: Where, seg: string | number, node: Node | undefined): Where {
  switch (state.at) {
    case 'root':
      if (seg === 'schemas') return { at: 'schemas', kind: state.kind };
      if (state.kind === 'ListResponse' && typeof seg === 'string' && seg.toLowerCase() === 'resources') return { at: 'list' };
      if (state.kind === 'PatchOp' && typeof seg === 'string' && seg.toLowerCase() === 'operations') return { at: 'operations' };
      if (state.kind === 'Error' && seg === 'scimType') return { at: 'scimType' };
      return { at: 'none' };
    case 'list': {
      const kind = node?.type === 'object' ? quickKind(node) : 'unknown';
      return kind === 'User' || kind === 'Group' ? { at: 'resource', rt: kind } : { at: 'none' };
    }
    case 'operations':
      return node?.type === 'object' ? { at: 'operation', node } : { at: 'none' };
    case 'operation': {
      const rt = patchType(view, root);
      if (seg === 'op') return { at: 'op' };
      if (seg === 'path') return { at: 'path', rt, ...(node ? { node } : {}) };
      if (seg !== 'value') return { at: 'none' };
      const path = child(state.node, 'path');
      if (!path) return { at: 'pathless', rt };
      const ref = path.type === 'string' ? pathRef(rt, path.value as string) : undefined;
      if (!ref) return { at: 'none' };
      return 'attr' in ref ? refState(ref) : { at: 'extension', rt, extension: ref.extension };
    }
    case 'pathless': {
      if (typeof seg !== 'string') return { at: 'none' };
      const ref = pathRef(state.rt, seg);
      if (!ref) return { at: 'none' };
      return 'attr' in ref ? refState(ref) : { at: 'extension', rt: state.rt, extension: ref.extension };
    }
    case 'resource': {
      if (typeof seg !== 'string') return { at: 'none' };
      if (seg === 'schemas') return { at: 'schemas', kind: state.rt };
      const extension = bareExtension(seg);
      if (extension) return { at: 'extension', rt: state.rt, extension };
      const r = seg.includes('.') ? undefined : resolveAttribute(state.rt, seg);
      return r ? refState({ rt: state.rt, attr: r.def }) : { at: 'none' };
    }
    case 'extension': {
      if (typeof seg !== 'string') return { at: 'none' };
      const r = resolveAttribute(state.rt, `${state.extension}:${seg}`);
      return r && !seg.includes('.') ? refState({ rt: state.rt, extension: state.extension, attr: r.def }) : { at: 'none' };
    }
    case 'schemas':
      return typeof seg === 'number' ? state : { at: 'none' };
    case 'multi':
      if (typeof seg !== 'number') return { at: 'none' };
      return state.ref.attr.type === 'complex' ? { at: 'complex', ref: state.ref } : { at: 'scalar', ref: state.ref };
    case 'complex': {
      if (typeof seg !== 'string' || state.ref.sub) return { at: 'none' };
      const sub = findSub(state.ref.attr, seg);
      return sub ? { at: 'scalar', ref: { ...state.ref, sub } } : { at: 'none' };
    }
    default:
      return { at: 'none' };
  }
}

function locate(view: MappingView, root: Node, path: JSONPath): Where {
  let state: Where = { at: 'root', kind: quickKind(root) };
  if (state.kind === 'User' || state.kind === 'Group') state = { at: 'resource', rt: state.kind };
  let node: Node | undefined = root;
  for (const seg of path) {
    node = child(node, seg);
    state = step(view, root, state, seg, node);
    if (state.at === 'none') break;
  }
  return state;
}

// ---------------------------------------------------------------------------------------------------------
// Hover

export interface HoverInfo {
  /** Markdown. */
  readonly contents: string;
  /** The range of the key or value hovered. */
  readonly offset: number;
  readonly length: number;
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

function refName(ref: AttrRef): string {
  const filter = ref.filterText ? `[${ref.filterText}]` : '';
  return `${ref.extension ? `${ref.extension}:` : ''}${ref.attr.name}${filter}${ref.sub ? `.${ref.sub.name}` : ''}`;
}

const RULE_WORDS: Readonly<Record<string, string>> = {
  lowercase: 'stored lower case (a `userName eq` filter with capitals finds nothing)',
  noDigits: 'no digits allowed',
};

/** MURAL's rule for an attribute, from the mapping table. */
function muralNote(view: MappingView, ref: AttrRef): string {
  const entries = view.forAttr(ref.rt, ref.attr).filter((m) => !ref.sub || !m.target.sub || m.target.sub === ref.sub);
  const table = view.table.name;
  const matching = `**As a matching attribute:** ${matchingNote(view.table, ref.rt, `${ref.extension ? `${ref.extension}:` : ''}${ref.attr.name}${ref.sub ? `.${ref.sub.name}` : ''}`)}`;
  if (entries.length === 0) {
    return `**MURAL** (${table}): not mapped. Entra may send it, but MURAL ignores it.\n\n${matching}`;
  }
  const lines = entries.map((m) => {
    const e = m.entry;
    const facts = [
      e.required ? '**required**' : 'optional',
      ...(e.filterable ? ['filterable (Entra may match on it)'] : []),
      ...(e.rules ?? []).map((r) => RULE_WORDS[r] ?? r),
      ...(e.source ? [`Entra source: \`${e.source}\``] : []),
    ];
    return `- \`${e.target}\` (${e.type}): ${facts.join('; ')}`;
  });
  return `**MURAL** (${table}) maps:\n${lines.join('\n')}\n\n${matching}`;
}

function describeRef(view: MappingView, ref: AttrRef): string {
  const def = ref.sub ?? ref.attr;
  const schema = ref.extension ? schemaFor(ref.extension)?.name ?? ref.extension
    : COMMON_ATTRIBUTES.includes(ref.attr) ? 'common attribute' : `core ${ref.rt}`;
  const rows: [string, string][] = [
    ['Type', def.type + (def.type === 'reference' && def.referenceTypes ? ` (${def.referenceTypes.join(', ')})` : '')],
    ['Multi-valued', yesNo(def.multiValued)],
    ['Required (RFC 7643)', yesNo(def.required)],
    ['Case exact', yesNo(def.caseExact)],
    ['Mutability', def.mutability],
    ['Returned', def.returned],
    ['Uniqueness', def.uniqueness],
    ...(def.canonicalValues && def.canonicalValues.length > 0 ? [['Canonical values', def.canonicalValues.join(', ')] as [string, string]] : []),
    ...(def.subAttributes ? [['Sub-attributes', def.subAttributes.map((a) => a.name).join(', ')] as [string, string]] : []),
  ];
  // MURAL's rule first: it decides what happens to the value; the RFC's characteristics follow as reference.
  return [
    `**${refName(ref)}** — ${def.type}${def.multiValued ? '[]' : ''} · ${schema}`,
    '',
    def.description,
    '',
    muralNote(view, ref),
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
}

const SCHEMA_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [URN.User]: 'Core User schema (RFC 7643 §4.1). Every User lists it.',
  [URN.EnterpriseUser]: 'Enterprise User extension (RFC 7643 §4.3): employeeNumber, costCenter, organization, division, department, manager. Entra lists it on every user it creates; MURAL maps none of its attributes by default.',
  [URN.Group]: 'Core Group schema (RFC 7643 §4.2). In MURAL a group is a workspace.',
  [URN.EntraGroup]: 'Entra\'s own group schema, listed on every group Entra creates. It defines no attribute MURAL reads; harmless.',
  [URN.PatchOp]: 'PATCH request (RFC 7644 §3.5.2): "Operations" of add, replace and remove.',
  [URN.ListResponse]: 'Query response (RFC 7644 §3.4.2): totalResults, Resources, startIndex, itemsPerPage.',
  [URN.Error]: 'Error response (RFC 7644 §3.12): status (a string), scimType, detail.',
  [URN.SearchRequest]: 'Query by POST to /.search (RFC 7644 §3.4.3).',
};

const OP_DESCRIPTIONS = [
  '**op** — `add`, `replace` or `remove`, matched case-insensitively (RFC 7644 §3.5.2).',
  '',
  '- `add`: adds values (on a single-valued attribute it replaces).',
  '- `replace`: replaces the value; without `path`, `value` is an object of attributes (Entra with aadOptscim062020).',
  '- `remove`: removes the value at `path` (a `path` is required: 400 noTarget without one).',
  '',
  'Entra\'s default (legacy) PATCH capitalises ops ("Replace"); with the aadOptscim062020 flag it writes them in lower case.',
].join('\n');

/**
 * Markdown describing what is under the cursor: an attribute (its schema characteristics and MURAL's rule),
 * a PATCH path or op, or a schema URN. Undefined elsewhere.
 */
export function describeAttributeAt(text: string, offset: number, options: AssistOptions = {}): HoverInfo | undefined {
  return guardDepth(() => hover(text, offset, options), undefined);
}

/** jsonc-parser's tree functions recurse: on a document nested beyond the stack, hover and completion offer nothing. */
function guardDepth<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) return fallback;
    throw e;
  }
}

function hover(text: string, offset: number, options: AssistOptions): HoverInfo | undefined {
  const root = parseTree(text);
  if (root?.type !== 'object') return undefined;
  const node = findNodeAtOffset(root, offset);
  if (!node || (node.type !== 'string' && node.type !== 'number' && node.type !== 'boolean' && node.type !== 'null')) return undefined;
  const view = mappingView(options.mapping ?? MURAL_MAPPING);
  const isKey = node.parent?.type === 'property' && node.parent.children?.[0] === node;
  const where = locate(view, root, getNodePath(node));
  const range = { offset: node.offset, length: node.length };
  let contents: string | undefined;
  switch (where.at) {
    case 'scalar':
    case 'complex':
    case 'multi':
      contents = describeRef(view, where.ref);
      break;
    case 'extension':
      contents = isKey ? `**${where.extension}**\n\n${SCHEMA_DESCRIPTIONS[where.extension] ?? ''}` : undefined;
      break;
    case 'schemas':
      contents = !isKey && node.type === 'string' ? SCHEMA_DESCRIPTIONS[node.value as string] : undefined;
      if (contents) contents = `**${node.value as string}**\n\n${contents}`;
      break;
    case 'op':
      contents = OP_DESCRIPTIONS;
      break;
    case 'path': {
      if (isKey || node.type !== 'string') {
        contents = '**path** — the attribute to change, e.g. `name.givenName`, `emails[type eq "work"].value`, `members[value eq "<id>"]`.';
        break;
      }
      const ref = pathRef(where.rt, node.value as string);
      contents = ref && 'attr' in ref ? describeRef(view, ref) : undefined;
      break;
    }
    default:
      break;
  }
  return contents ? { contents, ...range } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Completion

export interface Completion {
  readonly label: string;
  readonly kind: 'property' | 'value';
  /** The JSON text to insert (a quoted key or value). */
  readonly insertText: string;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Attributes MURAL maps sort first. */
  readonly sortText: string;
}

export interface CompletionResult {
  readonly items: Completion[];
  /** The range the insertText replaces (the partly typed key or value, with its quotes), or empty at the cursor. */
  readonly offset: number;
  readonly length: number;
}

const MESSAGE_KEYS: Partial<Record<PayloadKind, readonly string[]>> = {
  PatchOp: ['schemas', 'Operations'],
  ListResponse: ['schemas', 'totalResults', 'Resources', 'startIndex', 'itemsPerPage'],
  Error: ['schemas', 'status', 'scimType', 'detail'],
  SearchRequest: ['schemas', 'attributes', 'excludedAttributes', 'filter', 'sortBy', 'sortOrder', 'startIndex', 'count'],
  unknown: ['schemas'],
};

const SCIM_TYPES: readonly ScimType[] = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'];

function item(label: string, kind: Completion['kind'], sortGroup: number, detail?: string, documentation?: string): Completion {
  return { label, kind, insertText: JSON.stringify(label), sortText: `${sortGroup}${label.toLowerCase()}`, ...(detail ? { detail } : {}), ...(documentation ? { documentation } : {}) };
}

function attrItems(view: MappingView, rt: ResourceTypeName, defs: readonly AttributeDef[], extension?: string, parent?: AttributeDef): Completion[] {
  return defs.filter((d) => d.mutability !== 'readOnly').map((d) => {
    const ref: AttrRef = parent ? { rt, ...(extension ? { extension } : {}), attr: parent, sub: d } : { rt, ...(extension ? { extension } : {}), attr: d };
    const mapped = parent ? view.mapsAttr(rt, parent) && view.mapsSub(rt, parent, d) : view.mapsAttr(rt, d);
    return item(d.name, 'property', mapped ? 0 : 1, `${d.type}${d.multiValued ? '[]' : ''}${mapped ? ' · mapped by MURAL' : ''}`, describeRef(view, ref));
  });
}

/** Every attribute path of a resource type: what a PATCH path or a path-less key may name. */
function pathItems(view: MappingView, rt: ResourceTypeName): Completion[] {
  const type = RESOURCE_TYPES[rt];
  const out: Completion[] = [];
  const seen = new Set<string>();
  const add = (label: string, ref: AttrRef, mapped: boolean) => {
    if (seen.has(label)) return;
    seen.add(label);
    out.push(item(label, 'value', mapped ? 0 : 1, `${(ref.sub ?? ref.attr).type}${mapped ? ' · mapped by MURAL' : ''}`, describeRef(view, ref)));
  };
  for (const m of view.all(rt)) {
    const t = m.target;
    add(m.entry.target, { rt, ...(t.extension ? { extension: t.extension } : {}), attr: t.attr, ...(t.sub ? { sub: t.sub } : {}), ...(t.filter ? { filterText: formatFilter(t.filter) } : {}) }, true);
  }
  const schemas: { extension?: string; attrs: readonly AttributeDef[] }[] = [
    { attrs: [...COMMON_ATTRIBUTES, ...(schemaFor(type.schema)?.attributes ?? [])] },
    ...type.schemaExtensions.map((e) => ({ extension: e.schema, attrs: schemaFor(e.schema)?.attributes ?? [] })),
  ];
  for (const { extension, attrs } of schemas) {
    const prefix = extension ? `${extension}:` : '';
    for (const a of attrs) {
      if (a.mutability === 'readOnly') continue;
      const ref: AttrRef = { rt, ...(extension ? { extension } : {}), attr: a };
      add(`${prefix}${a.name}`, ref, view.mapsAttr(rt, a));
      if (a.type === 'complex' && !a.multiValued) {
        for (const s of a.subAttributes ?? []) {
          if (s.mutability !== 'readOnly') add(`${prefix}${a.name}.${s.name}`, { ...ref, sub: s }, view.mapsAttr(rt, a) && view.mapsSub(rt, a, s));
        }
      }
    }
  }
  return out;
}

function schemaItems(kind: PayloadKind): Completion[] {
  const urns = kind === 'User' ? [URN.User, URN.EnterpriseUser]
    : kind === 'Group' ? [URN.Group, URN.EntraGroup]
      : kind === 'unknown' ? [URN.User, URN.EnterpriseUser, URN.Group, URN.EntraGroup, URN.PatchOp, URN.ListResponse, URN.Error, URN.SearchRequest]
        : [KIND_URN[kind]];
  return urns.map((u, i) => item(u, 'value', i, undefined, SCHEMA_DESCRIPTIONS[u]));
}

/** Keys already present in the object at `path` (not offered again). */
function existingKeys(root: Node | undefined, path: JSONPath): Set<string> {
  let node = root;
  for (const seg of path) node = child(node, seg);
  return new Set(node?.type === 'object' ? plainEntries(node).map((p) => p.key.toLowerCase()) : []);
}

/**
 * What fits at the cursor: attribute names (for the payload's kind, resource type and nesting), `schemas`
 * URNs, PATCH ops and paths, canonical values (emails type), scimTypes.
 */
export function completionsAt(text: string, offset: number, options: AssistOptions = {}): CompletionResult {
  return guardDepth(() => complete(text, offset, options), { items: [], offset, length: 0 });
}

function complete(text: string, offset: number, options: AssistOptions): CompletionResult {
  const view = mappingView(options.mapping ?? MURAL_MAPPING);
  const loc = getLocation(text, offset);
  const prev = loc.previousNode;
  // previousNode is the key ('property') or string value the cursor is in, quotes included.
  const replace = prev && offset > prev.offset && offset <= prev.offset + prev.length && (prev.type === 'string' || prev.type === 'property')
    ? { offset: prev.offset, length: prev.length }
    : { offset, length: 0 };
  const root = parseTree(text);
  const empty: CompletionResult = { items: [], ...replace };
  if (root && root.type !== 'object') return empty;
  const rootNode = root ?? ({ type: 'object', offset: 0, length: 0, children: [] } as Node);
  let items: Completion[] = [];
  if (loc.isAtPropertyKey) {
    const parentPath = loc.path.slice(0, -1);
    const where = locate(view, rootNode, parentPath);
    switch (where.at) {
      case 'root':
        items = (MESSAGE_KEYS[where.kind] ?? []).map((k) => item(k, 'property', 0));
        break;
      case 'resource': {
        const type = RESOURCE_TYPES[where.rt];
        items = [
          item('schemas', 'property', 0, 'URNs of the resource'),
          ...attrItems(view, where.rt, [...COMMON_ATTRIBUTES, ...(schemaFor(type.schema)?.attributes ?? [])]),
          ...type.schemaExtensions.map((e) => item(e.schema, 'property', 2, 'extension attributes', SCHEMA_DESCRIPTIONS[e.schema])),
        ];
        break;
      }
      case 'extension':
        items = attrItems(view, where.rt, schemaFor(where.extension)?.attributes ?? [], where.extension);
        break;
      case 'complex':
        items = attrItems(view, where.ref.rt, where.ref.attr.subAttributes ?? [], where.ref.extension, where.ref.attr);
        break;
      case 'operation':
        items = ['op', 'path', 'value'].map((k) => item(k, 'property', 0));
        break;
      case 'pathless':
        items = pathItems(view, where.rt).map((c) => ({ ...c, kind: 'property' as const }));
        break;
      default:
        break;
    }
    const existing = existingKeys(root, parentPath);
    items = items.filter((c) => !existing.has(c.label.toLowerCase()));
  } else {
    const where = locate(view, rootNode, loc.path);
    switch (where.at) {
      case 'schemas':
        items = schemaItems(where.kind);
        break;
      case 'op':
        items = ['add', 'replace', 'remove'].map((o, i) => item(o, 'value', i));
        break;
      case 'path':
        items = pathItems(view, where.rt);
        break;
      case 'scalar': {
        const def = where.ref.sub ?? where.ref.attr;
        items = (def.canonicalValues ?? []).map((v, i) => item(v, 'value', i));
        break;
      }
      case 'scimType':
        items = SCIM_TYPES.map((t) => item(t, 'value', 0));
        break;
      default:
        break;
    }
  }
  return { items, ...replace };
}
