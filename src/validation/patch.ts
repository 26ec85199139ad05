// PatchOp payloads (RFC 7644 §3.5.2) as Entra sends them: legacy capitalised ops with one path each, or
// (aadOptscim062020) lowercase ops with a path-less replace whose value holds dotted and URN keys. Paths are
// parsed with the core's parser; its errors are underlined inside the JSON string.
import type { Node } from 'jsonc-parser';
import type { PatchPath } from '../scim/path';
import { RESOURCE_TYPES, type ResourceTypeName } from '../scim/schemas';
import {
  entries, jsonType, keyRange, nodeRange, prop, rangeInString, replaceEdit, skip, startRange, valueRange,
  type Prop, type Range, type Reporter,
} from './json';
import { checkElement, checkExtension, checkScalar, checkValue, isMembers, type Loc, type Scope } from './resource';
import type { Fix } from './rules';
import { isTarget, resolvePath, tryParsePath, type MappingView, type ParsedPath, type Target } from './targets';

const OPS = new Set(['add', 'replace', 'remove']);
const OP_KEYS = new Set(['op', 'path', 'value']);

/** A path (from `path`, or a key of a path-less value) and where its text sits in the document. */
interface PathRef extends PathLike {
  readonly node: Node;
  readonly text: string;
}

interface Op {
  readonly node: Node;
  readonly props: Prop[];
  readonly op?: Prop;
  readonly lower?: string;
  readonly path?: Prop;
  readonly ref?: PathRef;
  readonly value?: Prop;
  /** Keys of a path-less add/replace value. */
  readonly keys: { prop: Prop; ref: PathRef }[];
}

/** The extension schema a key names as a whole (`urn:…:enterprise:2.0:User`), if any. */
export function bareExtension(key: string): string | undefined {
  if (!/^urn:/i.test(key)) return undefined;
  const lower = key.toLowerCase();
  for (const rt of Object.values(RESOURCE_TYPES)) {
    const ext = rt.schemaExtensions.find((e) => e.schema.toLowerCase() === lower);
    if (ext) return ext.schema;
  }
  return undefined;
}

/** Parses a path string, reporting syntax errors inside the string. */
function pathRef(r: Reporter, node: Node, text: string, cache: Map<string, ParsedPath>): PathRef {
  const extension = bareExtension(text);
  if (extension) return { node, text, extension };
  let parsed = cache.get(text);
  if (!parsed) {
    parsed = tryParsePath(text);
    cache.set(text, parsed);
  }
  if (parsed.ok) return { node, text, parsed: parsed.path };
  r.report('SCIM043', inString(r, node, parsed.offset, parsed.length), `Invalid path "${text}": ${parsed.message}`);
  return { node, text };
}

/** A range of a path's text mapped into the document; at least one character where the string has one. */
function inString(r: Reporter, node: Node, offset: number, length: number): Range {
  if (node.length <= 2) return nodeRange(node);
  const range = rangeInString(r.text, node, offset, length);
  if (range.length > 0) return range;
  const contentEnd = node.offset + node.length - 1;
  return range.offset < contentEnd ? { offset: range.offset, length: 1 } : { offset: contentEnd - 1, length: 1 };
}

/** A path of a PatchOp: parsed, or a bare extension URN (a path-less key holding extension attributes). */
export interface PathLike { readonly parsed?: PatchPath; readonly extension?: string }

/**
 * The resource type a PatchOp is for, from the attributes it targets: the type in which more of them resolve;
 * on a tie (displayName, externalId) the type whose mapping maps more of them; else User.
 */
export function inferResourceType(view: MappingView, refs: Iterable<PathLike>): ResourceTypeName {
  const votes = { User: 0, Group: 0 };
  const mappedVotes = { User: 0, Group: 0 };
  for (const ref of refs) {
    if (ref.extension) {
      votes.User += RESOURCE_TYPES.User.schemaExtensions.some((e) => e.schema === ref.extension) ? 1 : 0;
      continue;
    }
    if (!ref.parsed) continue;
    const user = resolvePath('User', ref.parsed);
    const group = resolvePath('Group', ref.parsed);
    const inUser = isTarget(user);
    const inGroup = isTarget(group);
    if (inUser && !inGroup) votes.User++;
    if (inGroup && !inUser) votes.Group++;
    if (inUser && view.mapsAttr('User', user.attr)) mappedVotes.User++;
    if (inGroup && view.mapsAttr('Group', group.attr)) mappedVotes.Group++;
  }
  if (votes.User !== votes.Group) return votes.User > votes.Group ? 'User' : 'Group';
  return mappedVotes.Group > mappedVotes.User ? 'Group' : 'User';
}

function* opRefs(ops: readonly Op[]): Iterable<PathLike> {
  for (const op of ops) {
    if (op.ref) yield op.ref;
    for (const k of op.keys) yield k.ref;
  }
}

function readOp(r: Reporter, node: Node, cache: Map<string, ParsedPath>): Op | undefined {
  if (node.type !== 'object') {
    r.report('SCIM041', nodeRange(node), `Each operation is an object {"op": "replace", "path": "…", "value": …}, not ${jsonType(node)}.`);
    skip(r, node);
    return undefined;
  }
  const props = entries(r, node);
  for (const p of props) {
    if (!OP_KEYS.has(p.key.toLowerCase())) {
      r.report('SCIM031', keyRange(p), `An operation has only "op", "path" and "value"; a server ignores or rejects "${p.key}".`);
      if (p.value) skip(r, p.value);
    }
  }
  const op = prop(props, 'op');
  const path = prop(props, 'path');
  const value = prop(props, 'value');
  let lower: string | undefined;
  if (!op?.value) {
    if (!r.hasSyntaxErrors) r.report('SCIM041', startRange(node), 'This operation has no "op": add "op": "add", "replace" or "remove".');
  } else if (op.value.type !== 'string') {
    r.report('SCIM041', nodeRange(op.value), `"op" is a string: "add", "replace" or "remove", not ${jsonType(op.value)}.`);
    skip(r, op.value);
  } else {
    const text = op.value.value as string;
    if (!OPS.has(text.toLowerCase())) {
      r.report('SCIM041', valueRange(op.value), `"${text}" is not a PATCH op: use "add", "replace" or "remove" (any letter case).`);
    } else {
      lower = text.toLowerCase();
      if (text !== lower) {
        r.report('SCIM042', valueRange(op.value),
          `"${text}" is Entra's default capitalised op, which MURAL accepts (with aadOptscim062020 Entra sends "${lower}").`,
          [{ title: `Write "${lower}"`, kind: 'quickfix', edits: [replaceEdit(op.value, JSON.stringify(lower))] }]);
      }
    }
  }
  let ref: PathRef | undefined;
  if (path?.value) {
    if (path.value.type !== 'string') {
      r.report('SCIM030', nodeRange(path.value), `"path" is a string such as "name.givenName" or "emails[type eq \\"work\\"].value", not ${jsonType(path.value)}.`);
      skip(r, path.value);
    } else {
      ref = pathRef(r, path.value, path.value.value as string, cache);
    }
  }
  const keys: { prop: Prop; ref: PathRef }[] = [];
  if (!path && value?.value?.type === 'object' && (lower === 'add' || lower === 'replace')) {
    for (const p of entries(r, value.value)) {
      if (p.value) keys.push({ prop: p, ref: pathRef(r, p.keyNode, p.key, cache) });
    }
  }
  return { node, props, ...(op ? { op } : {}), ...(lower ? { lower } : {}), ...(path ? { path } : {}), ...(ref ? { ref } : {}), ...(value ? { value } : {}), keys };
}

/** Resolves a path for the PatchOp's resource type, reporting unknown attributes and read-only targets. */
function target(s: Scope, ref: PathRef, what: 'key' | 'operation'): Target | undefined {
  if (!ref.parsed) return undefined;
  const t = resolvePath(s.rt, ref.parsed);
  if (!isTarget(t)) {
    const fixes: Fix[] = t.near
      ? [{ title: `Change to "${t.near.name}"`, kind: 'quickfix', edits: [replaceEdit(ref.node, JSON.stringify(ref.text.slice(0, t.near.offset) + t.near.name + ref.text.slice(t.near.offset + t.near.length)))] }]
      : [];
    s.r.report(t.reason === 'unknown' ? 'SCIM044' : 'SCIM043', inString(s.r, ref.node, t.offset, t.length),
      t.reason === 'invalid' ? `Invalid path "${ref.text}": ${t.message}` : t.message, fixes);
    return undefined;
  }
  const readOnly = t.attr.mutability === 'readOnly' ? t.attr : t.sub?.mutability === 'readOnly' ? t.sub : undefined;
  if (readOnly) {
    s.r.report('SCIM047', valueRange(ref.node),
      `${t.canonical} is read-only (400 mutability): remove this ${what}.`);
    return undefined;
  }
  return t;
}

/** MURAL ignores attributes its mapping table does not map. */
function checkMapped(s: Scope, t: Target, range: Range): void {
  const { view, rt } = s;
  if (!view.mapsAttr(rt, t.attr)) {
    s.r.report('SCIM024', range, `MURAL does not map ${t.extension ? `${t.extension}:` : ''}${t.attr.name}, so it ignores the change.`);
    return;
  }
  if (t.sub && !t.attr.multiValued && !view.mapsSub(rt, t.attr, t.sub)) {
    s.r.report('SCIM024', range, `MURAL does not map ${t.attr.name}.${t.sub.name} (only ${view.describeMapped(rt, t.attr)}), so it ignores it.`);
    return;
  }
  if (t.filter && view.at(rt, t.attr, t.sub, { pathFilter: t.filter }).length === 0
    && view.forAttr(rt, t.attr).every((m) => m.matches)) {
    s.r.report('SCIM024', range, `MURAL maps only ${view.describeMapped(rt, t.attr)}; it ignores ${t.canonical}.`);
  }
}

/** The value of an operation (or of a path-less key) against its target. */
function checkTargetValue(s: Scope, t: Target, node: Node): void {
  const loc: Loc = { attr: t.attr, ...(t.extension ? { extension: t.extension } : {}), ...(t.sub ? { sub: t.sub } : {}), ...(t.filter ? { pathFilter: t.filter } : {}) };
  if (t.sub) checkScalar(s, loc, node);
  else if (t.filter) checkElement(s, loc, node);
  else checkValue(s, loc, node);
}

function checkOp(s: Scope, op: Op): void {
  const { r } = s;
  const t = op.ref && !op.ref.extension ? target(s, op.ref, 'operation') : undefined;
  if (op.ref?.extension) {
    r.report('SCIM044', valueRange(op.ref.node), `"path" names the whole ${op.ref.extension} extension; name one of its attributes, e.g. "${op.ref.extension}:department".`);
  }
  if (t && s.mode === 'request') checkMapped(s, t, valueRange(op.ref?.node as Node));
  const valueNode = op.value?.value;
  if (op.lower === 'remove') {
    if (!op.path) {
      r.report('SCIM045', op.op?.value ? valueRange(op.op.value) : startRange(op.node),
        'A "remove" needs a "path" naming what to remove.');
    }
    if (t && isMembers(s.rt, t.attr) && !t.filter && !t.sub) {
      if (!valueNode) {
        r.report('SCIM049', valueRange(op.ref?.node as Node),
          'This removes every member of the group.');
      } else {
        checkValue(s, { attr: t.attr }, valueNode);
      }
      return;
    }
    if (t && valueNode) checkTargetValue(s, t, valueNode);
    else if (valueNode) skip(r, valueNode);
    return;
  }
  if (!op.lower) {
    if (valueNode) skip(r, valueNode);
    return;
  }
  if (!valueNode) {
    if (!r.hasSyntaxErrors) {
      r.report('SCIM046', op.op?.value ? valueRange(op.op.value) : startRange(op.node), `"${op.lower}" needs a "value"${op.path ? ' for the path' : ': an object of attributes when there is no path'}.`);
    }
    return;
  }
  if (op.path) {
    if (t) checkTargetValue(s, t, valueNode);
    else skip(r, valueNode);
    return;
  }
  if (valueNode.type !== 'object') {
    r.report('SCIM046', nodeRange(valueNode), `Without "path", "${op.lower}" takes an object of attributes such as {"active": true}, not ${jsonType(valueNode)}.`);
    skip(r, valueNode);
    return;
  }
  for (const { prop: p, ref } of op.keys) {
    const v = p.value as Node;
    if (ref.extension) {
      checkExtension(s, ref.extension, v);
      continue;
    }
    const kt = target(s, ref, 'key');
    if (!kt) {
      skip(r, v);
      continue;
    }
    if (s.mode === 'request') checkMapped(s, kt, keyRange(p));
    checkTargetValue(s, kt, v);
  }
}

/** A PatchOp payload after its `schemas` was checked. */
export function checkPatch(r: Reporter, view: MappingView, obj: Node, props: readonly Prop[], schemasProp: Prop | undefined): void {
  for (const p of props) {
    const k = p.key.toLowerCase();
    if (k === 'schemas' || k === 'operations') continue;
    r.report('SCIM031', keyRange(p), `A PatchOp has only "schemas" and "Operations"; a server ignores or rejects "${p.key}".`);
    if (p.value) skip(r, p.value);
  }
  const operations = prop(props, 'Operations');
  const list = operations?.value;
  if (!list) {
    if (!r.hasSyntaxErrors) {
      r.report('SCIM040', operations ? keyRange(operations) : schemasProp ? keyRange(schemasProp) : startRange(obj),
        'A PatchOp needs "Operations": an array such as [{"op": "replace", "path": "active", "value": false}].');
    }
    return;
  }
  if (list.type !== 'array') {
    r.report('SCIM040', nodeRange(list), `"Operations" is an array of operations, not ${jsonType(list)}.`);
    skip(r, list);
    return;
  }
  if ((list.children ?? []).length === 0) {
    r.report('SCIM040', nodeRange(list), '"Operations" is empty: a PatchOp needs at least one operation (RFC 7644 §3.5.2).');
    return;
  }
  const ops: Op[] = [];
  // Entra repeats the same paths (one operation per attribute, per user): parse each text once.
  const cache = new Map<string, ParsedPath>();
  for (const el of list.children ?? []) {
    const op = readOp(r, el, cache);
    if (op) ops.push(op);
  }
  const s: Scope = { r, view, rt: inferResourceType(view, opRefs(ops)), mode: 'request' };
  for (const op of ops) checkOp(s, op);
}
