// The kind of a payload, read from its `schemas` (or guessed from its keys when `schemas` is missing or
// names nothing known, so the quick fix can add the right URN).
import type { Node } from 'jsonc-parser';
import { URN } from '../scim/schemas';
import { insertElementEdit, insertPropertyEdit, keyRange, nodeRange, plainEntries, prop, skip, startRange, valueRange, type Prop, type Reporter } from './json';
import type { Fix } from './rules';

export type PayloadKind = 'User' | 'Group' | 'PatchOp' | 'ListResponse' | 'Error' | 'SearchRequest' | 'unknown';
type KnownKind = Exclude<PayloadKind, 'unknown'>;

/** Kinds of the URNs a payload may list; `null` for SCIM URNs of payloads this validator does not check. */
const URN_KINDS = new Map<string, KnownKind | null>([
  [URN.User, 'User'],
  [URN.EnterpriseUser, 'User'],
  [URN.Group, 'Group'],
  [URN.EntraGroup, 'Group'],
  [URN.PatchOp, 'PatchOp'],
  [URN.ListResponse, 'ListResponse'],
  [URN.Error, 'Error'],
  [URN.SearchRequest, 'SearchRequest'],
  [URN.BulkRequest, null],
  [URN.ServiceProviderConfig, null],
  [URN.ResourceType, null],
  [URN.Schema, null],
].map(([urn, kind]) => [(urn as string).toLowerCase(), kind as KnownKind | null]));

/** The URN a kind must list (the core schema of a resource, the message schema otherwise). */
export const KIND_URN: Readonly<Record<KnownKind, string>> = {
  User: URN.User,
  Group: URN.Group,
  PatchOp: URN.PatchOp,
  ListResponse: URN.ListResponse,
  Error: URN.Error,
  SearchRequest: URN.SearchRequest,
};

const MESSAGE_KINDS: ReadonlySet<PayloadKind> = new Set(['PatchOp', 'ListResponse', 'Error', 'SearchRequest']);

const EXACT_URN_KINDS = new Map<string, KnownKind | null>(Object.values(URN).map((u) => [u, URN_KINDS.get(u.toLowerCase()) ?? null]));

export function urnKind(urn: string): KnownKind | null | undefined {
  const exact = EXACT_URN_KINDS.get(urn);
  return exact !== undefined ? exact : URN_KINDS.get(urn.toLowerCase());
}

/** A kind guessed from the keys of an object without a usable `schemas`. */
export function guessKind(props: readonly Prop[]): PayloadKind {
  const has = (k: string) => prop(props, k) !== undefined;
  if (has('Operations')) return 'PatchOp';
  if (has('Resources') || has('totalResults')) return 'ListResponse';
  if (has('status') && (has('detail') || has('scimType'))) return 'Error';
  if (has('userName')) return 'User';
  if (has('members') || has('displayName')) return 'Group';
  if (has('filter') || has('sortBy') || has('excludedAttributes')) return 'SearchRequest';
  return 'unknown';
}

export interface SchemasResult {
  readonly kind: PayloadKind;
  /** Lower-cased URNs listed in `schemas`. */
  readonly declared: ReadonlySet<string>;
  readonly schemasProp?: Prop;
}

function addUrnFix(r: Reporter, obj: Node, schemasProp: Prop | undefined, kind: KnownKind): Fix[] {
  const urn = KIND_URN[kind];
  const arr = schemasProp?.value;
  if (!schemasProp) return [{ title: `Add "schemas": ["${urn}"]`, kind: 'quickfix', edits: [insertPropertyEdit(r, obj, 'schemas', `[${JSON.stringify(urn)}]`, true)] }];
  if (arr?.type === 'array') return [{ title: `Add "${urn}" to schemas`, kind: 'quickfix', edits: [insertElementEdit(r, arr, JSON.stringify(urn), true)] }];
  return [];
}

/**
 * Checks `schemas` of an object (a payload, or an element of a ListResponse) and returns its kind: message
 * URNs win over resource URNs; URNs of another kind are reported; a resource must list its core URN.
 */
export function checkSchemas(r: Reporter, obj: Node, props: readonly Prop[]): SchemasResult {
  const schemasProp = prop(props, 'schemas');
  const declared = new Set<string>();
  const value = schemasProp?.value;
  if (!schemasProp || !value) {
    const guess = guessKind(props);
    if (!r.hasSyntaxErrors || schemasProp) {
      r.report('SCIM010', schemasProp ? keyRange(schemasProp) : startRange(obj),
        guess === 'unknown'
          ? 'This object has no "schemas", so it is no SCIM payload.'
          : `This object has no "schemas"; it looks like a ${guess}.`,
        guess === 'unknown' || schemasProp ? undefined : addUrnFix(r, obj, undefined, guess));
    }
    return { kind: guess, declared, ...(schemasProp ? { schemasProp } : {}) };
  }
  if (value.type !== 'array') {
    const single = value.type === 'string' ? urnKind(value.value as string) : undefined;
    r.report('SCIM011', valueRange(value), `"schemas" must be an array of URNs, not ${value.type === 'string' ? 'a single string' : `a ${value.type}`}: write ["${value.type === 'string' ? (value.value as string) : 'urn:…'}"].`,
      value.type === 'string' ? [{ title: 'Wrap in an array', kind: 'quickfix', edits: [{ offset: value.offset, length: value.length, newText: `[${r.text.slice(value.offset, value.offset + value.length)}]` }] }] : undefined);
    skip(r, value);
    if (single) declared.add((value.value as string).toLowerCase());
    return { kind: single ?? guessKind(props), declared, schemasProp };
  }
  const listed: { node: Node; kind: KnownKind | null | undefined }[] = [];
  for (const el of value.children ?? []) {
    if (el.type !== 'string') {
      r.report('SCIM011', nodeRange(el), `Each entry of "schemas" is a URN string, not a ${el.type}.`);
      skip(r, el);
      continue;
    }
    const urn = el.value as string;
    if (declared.has(urn.toLowerCase())) {
      r.report('SCIM002', valueRange(el), `"${urn}" is listed twice in "schemas"; list each URN once.`);
      continue;
    }
    declared.add(urn.toLowerCase());
    const kind = urnKind(urn);
    if (kind === undefined) {
      r.report('SCIM013', valueRange(el), `"${urn}" is not a schema MURAL or Entra uses.`);
    }
    listed.push({ node: el, kind });
  }
  const message = listed.find((l) => l.kind && MESSAGE_KINDS.has(l.kind));
  const resource = listed.find((l) => l.kind === 'User' || l.kind === 'Group');
  const kind: KnownKind | null | undefined = message?.kind ?? resource?.kind ?? listed.find((l) => l.kind === null)?.kind;
  if (kind === null) return { kind: 'unknown', declared, schemasProp };
  if (kind === undefined) {
    const guess = guessKind(props);
    r.report('SCIM012', keyRange(schemasProp),
      guess === 'unknown'
        ? '"schemas" names no SCIM resource or message this workbench knows: list e.g. "urn:ietf:params:scim:schemas:core:2.0:User".'
        : `"schemas" does not list the URN of a ${guess}, which this object looks like: add "${KIND_URN[guess]}".`,
      guess === 'unknown' ? undefined : addUrnFix(r, obj, schemasProp, guess));
    return { kind: guess, declared, schemasProp };
  }
  for (const l of listed) {
    if (l.kind !== undefined && l.kind !== kind) {
      r.report('SCIM014', valueRange(l.node), `"${l.node.value as string}" is ${l.kind ? `a ${l.kind} schema` : 'the schema of another kind of payload'}, but this payload is a ${kind}.`);
    }
  }
  if (!declared.has(KIND_URN[kind].toLowerCase())) {
    r.report('SCIM012', keyRange(schemasProp),
      `"schemas" lacks the core URN of a ${kind}, which MURAL requires.`,
      addUrnFix(r, obj, schemasProp, kind));
  }
  return { kind, declared, schemasProp };
}

/** The kind of an object from its `schemas` (or its keys), without reporting anything: for hover and completion. */
export function quickKind(obj: Node): PayloadKind {
  const props = plainEntries(obj);
  const schemas = prop(props, 'schemas')?.value;
  let resource: KnownKind | undefined;
  for (const el of schemas?.type === 'array' ? schemas.children ?? [] : schemas ? [schemas] : []) {
    const kind = el.type === 'string' ? urnKind(el.value as string) : undefined;
    if (kind && MESSAGE_KINDS.has(kind)) return kind;
    if (kind) resource ??= kind;
  }
  return resource ?? guessKind(props);
}
