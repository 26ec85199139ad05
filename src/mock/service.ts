// The mock MURAL directory as a transport-independent service: the HTTP routes call it, and the VS Code
// extension calls it directly for its tree and commands. Methods take plain values and return resources or
// throw ScimError. Writes resolve once they are in the data file (when there is one), so whoever answers a
// client after awaiting them never acknowledges a change a crash could lose.
import { EventEmitter } from 'node:events';
import { compareKeys, firstInOrder, orderKey, userOrderKey } from '../scim/displayOrder';
import { ScimError } from '../scim/errors';
import { compileFilter, equalityLookups, formatAttrPath, parseFilter, type EqualityLookup, type FilterNode } from '../scim/filter';
import { MURAL_MAPPING, type MappingTable } from '../scim/mapping';
import { muralFilterRefusal } from '../scim/muralQuery';
import { applyPatch } from '../scim/patch';
import { parsePaging, project, sortResources } from '../scim/projection';
import { checkRequired, coreAttributes, normalizeResource, type Resource } from '../scim/resource';
import { RESOURCE_TYPES, URN, resolveAttribute, type ResourceTypeName } from '../scim/schemas';
import { deepEqual, getProp, isObject } from '../scim/values';
import { Journal, StorageError } from './journal';
import type { OrderedIndex } from './orderedIndex';
import { DEFAULT_OPTIONS, validateOptions, type MockOptions } from './options';
import { MuralRules } from './rules';
import { UserGenerator, workspaceName } from './seed';
import { isoTime, randomId } from './time';
import {
  checkRecord, DirectoryStore, userDisplay,
  type DirectoryRecord, type Entry, type GroupEntry, type GroupRecord, type LostWorkspace, type UserEntry, type UserRecord,
} from './store';

export type { LostWorkspace } from './store';

export interface ServiceOptions {
  /** JSON-lines data file; in memory only when absent. */
  dataFile?: string;
  /** The attribute-mapping table whose rules the directory enforces (default: MURAL's). */
  mapping?: MappingTable;
  /** Compatibility switches and fault injection (see MOCK_OPTION_TABLE). */
  options?: Partial<MockOptions>;
  /** Page size when a list request sends no count (default 100). */
  defaultCount?: number;
  /** Largest page a list request gets (default 1000; ServiceProviderConfig filter.maxResults). */
  maxResults?: number;
  /** Compact the data file once this many bytes were appended since the last snapshot (default 4 MiB). */
  compactAfterBytes?: number;
}

export interface ListQuery {
  filter?: string;
  /**
   * The filter came in the request URI (GET), where a filter naming a never-returned attribute (password) is
   * refused as RFC 7644 §7.5.2 says: 403 "sensitive". In a POST /.search body it is 400 invalidFilter.
   */
  filterInUri?: boolean;
  /** 1-based; numbers or the query-string text. */
  startIndex?: number | string;
  count?: number | string;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  attributes?: string[];
  excludedAttributes?: string[];
}

export interface ListPage {
  totalResults: number;
  startIndex: number;
  resources: Resource[];
}

/** A member of a group: its id, and its user's stored data unless no such user exists (a data file's stray). */
export interface MemberOfGroup {
  value: string;
  user: Resource | undefined;
}

export interface WriteConditions {
  /** The If-Match header: the write fails with 412 unless the resource's version matches. */
  ifMatch?: string;
}

export type ChangeEvent =
  | { type: 'created' | 'updated' | 'deleted'; resourceType: ResourceTypeName; id: string; display: string }
  | { type: 'deactivated'; resourceType: 'User'; id: string; display: string; lostWorkspaces: LostWorkspace[] }
  | { type: 'reactivated'; resourceType: 'User'; id: string; display: string }
  | { type: 'membersAdded' | 'membersRemoved'; resourceType: 'Group'; id: string; display: string; userIds: string[] }
  | { type: 'reset' }
  /** Memory was reloaded from the data file after a write to it failed: changes announced since may be gone. */
  | { type: 'reloaded' }
  | { type: 'seeded'; users: number; groups: number };

export interface ServiceEvents {
  change: [ChangeEvent];
  /** Something went wrong beside the request (a compaction of the data file, a throwing listener); the directory keeps working. */
  warning: [Error];
}

export interface SeedOptions {
  /** Workspaces to create (default: one per 40 users, at least 1, at most 64). */
  groups?: number;
  /** Email domain of the generated users (default example.com). */
  domain?: string;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface SeedResult {
  users: number;
  groups: number;
  cancelled: boolean;
}

export interface DirectoryStats {
  users: number;
  activeUsers: number;
  groups: number;
  memberships: number;
}

/** `W/"12"` → `12`; `*` stays `*`. */
function opaque(tag: string): string {
  const t = tag.trim();
  return t.startsWith('W/') ? t.slice(2) : t;
}

/** Whether an If-Match / If-None-Match header value names `version` (or is `*`). */
export function etagMatches(header: string, version: string): boolean {
  const want = opaque(version);
  return header.split(',').some((t) => { const o = opaque(t); return o === '*' || o === want; });
}

/** MURAL-shaped ids: users `u` + 24 hex characters (as MURAL's), groups `g` + 24 (our choice). */
function newId(rt: ResourceTypeName): string {
  return randomId(rt === 'User' ? 'u' : 'g');
}

const RESOLVED = Promise.resolve();
const MAX_SEED_GROUPS = 1000;

/** One resource as the service holds it: its version, location and (cached) JSON. */
export class ResourceView {
  constructor(private readonly svc: ScimService, readonly resourceType: ResourceTypeName, private readonly entry: Entry) {}

  get id(): string {
    return this.entry.id;
  }

  /** The ETag: meta.version, e.g. W/"42". */
  get version(): string {
    return versionOf(this.entry);
  }

  get location(): string | undefined {
    return this.svc.locationOf(this.resourceType, this.entry.id);
  }

  /** The full representation as JSON text (cached until the resource changes). */
  json(): string {
    return this.svc.jsonOf(this.resourceType, this.entry);
  }

  /** A copy of the full representation, the caller's to keep or change. */
  resource(): Resource {
    return JSON.parse(this.json()) as Resource;
  }

  /** The representation with `attributes` / `excludedAttributes` applied. */
  project(q: { attributes?: string[]; excludedAttributes?: string[] }): Resource {
    return project(this.resourceType, this.svc.representationOf(this.resourceType, this.entry, wantsMembers(q)), q);
  }
}

function versionOf(e: Entry): string {
  return `W/"${e.seq}"`;
}

/** wantsMembers' answers by query: a page asks once per resource with the same (possibly huge) lists. */
const membersWanted = new WeakMap<object, boolean>();

/** Whether a projection can include group members (so large member lists are not built only to be dropped). */
function wantsMembers(q: { attributes?: string[]; excludedAttributes?: string[] }): boolean {
  let wanted = membersWanted.get(q);
  if (wanted === undefined) membersWanted.set(q, (wanted = membersIn(q)));
  return wanted;
}

function membersIn(q: { attributes?: string[]; excludedAttributes?: string[] }): boolean {
  const isMembers = (a: string) => {
    const l = a.toLowerCase();
    return l === 'members' || l.startsWith('members.') || l.startsWith(`${URN.Group.toLowerCase()}:members`);
  };
  if (q.attributes && q.attributes.length > 0) return q.attributes.some(isMembers);
  return !(q.excludedAttributes ?? []).some((a) => isMembers(a) && !a.includes('.'));
}

/**
 * The lower-case names of the attributes a resource type never returns (RFC 7643 §7 returned "never": the
 * user's password). The mock keeps none of them: RFC 7643 §4.1.1 forbids returning a password, and what is not
 * stored cannot leak through an answer, a filter, the data file or a compaction.
 */
const NEVER_RETURNED: Record<ResourceTypeName, ReadonlySet<string>> = {
  User: neverReturned('User'),
  Group: neverReturned('Group'),
};

function neverReturned(rt: ResourceTypeName): Set<string> {
  const out = new Set<string>();
  for (const [name, def] of coreAttributes(rt)) if (def.returned === 'never') out.add(name);
  return out;
}

/** `data` without its never-returned attributes (the same object when it has none). */
export function withoutNeverReturned(rt: ResourceTypeName, data: Resource): Resource {
  const never = NEVER_RETURNED[rt];
  let out: Resource | undefined;
  for (const k of Object.keys(data)) {
    if (!never.has(k.toLowerCase())) continue;
    out ??= { ...data };
    delete out[k];
  }
  return out ?? data;
}

/** A loaded record without never-returned attributes (data files written by earlier versions kept passwords). */
function withoutSecrets(rec: DirectoryRecord): DirectoryRecord {
  if (rec.t === 'D' || rec.t === 'R' || !rec.data) return rec;
  const data = withoutNeverReturned(rec.t === 'U' || rec.t === 'SU' ? 'User' : 'Group', rec.data);
  return data === rec.data ? rec : { ...rec, data };
}

/** The first attribute a filter names that `rt` never returns (password), as written in the filter. */
function neverReturnedIn(node: FilterNode, rt: ResourceTypeName): string | undefined {
  switch (node.kind) {
    case 'and': case 'or': return neverReturnedIn(node.left, rt) ?? neverReturnedIn(node.right, rt);
    case 'not': return neverReturnedIn(node.filter, rt);
    default: {
      const path = formatAttrPath(node.attr);
      return resolveAttribute(rt, path)?.def.returned === 'never' ? path : undefined;
    }
  }
}

/** Whether a filter reads attributes the stored data lacks (meta, groups, members), so it needs the full representation. */
function readsComputed(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and': case 'or': return readsComputed(node.left) || readsComputed(node.right);
    case 'not': return readsComputed(node.filter);
    default: {
      const n = node.attr.name.toLowerCase();
      return n === 'meta' || n === 'groups' || n === 'members' || (node.attr.urn !== undefined && /:(meta|groups|members)$/i.test(`${node.attr.urn}:${n}`));
    }
  }
}

/**
 * MURAL provisions members only, not guests (MURAL's SCIM documentation). A user whose userType says "Guest" is
 * refused with 400 invalidValue — the status is our choice: MURAL does not document how it answers.
 */
function checkNotGuest(res: Resource): void {
  if (typeof res.userType !== 'string' || res.userType.trim().toLowerCase() !== 'guest') return;
  throw new ScimError(400, 'invalidValue', `userType is ${JSON.stringify(res.userType)}: MURAL provisions only members, not guests. ` +
    'Entra records the user as failed and retries it each cycle: keep guests out of scope (a scoping filter userType EQUALS "Member", ' +
    'or assign only members), or do not map userType.');
}

export class ScimService extends EventEmitter<ServiceEvents> {
  readonly store = new DirectoryStore();
  readonly rules: MuralRules;
  private opts: MockOptions;
  private journal: Journal | undefined;
  /** The users matching the Directory's filter, in order, for one state of the directory (see usersInDisplayOrder). */
  private matchesInOrder: { order: OrderedIndex<UserEntry>; seq: number; options: MockOptions; filter: string | undefined; matches: readonly Entry[] } | undefined;
  private base: string | undefined;
  private readonly defaultCount: number;
  private readonly maxResults: number;

  private constructor(options: ServiceOptions) {
    super();
    this.rules = new MuralRules(options.mapping ?? MURAL_MAPPING);
    this.opts = { ...DEFAULT_OPTIONS, ...validateOptions(options.options ?? {}) };
    this.defaultCount = options.defaultCount ?? 100;
    this.maxResults = options.maxResults ?? 1000;
  }

  /** Creates the service, loading the data file when one is given (created if missing). */
  static async open(options: ServiceOptions = {}): Promise<ScimService> {
    const svc = new ScimService(options);
    if (options.dataFile) {
      let hadSecrets = false;
      const { journal } = await Journal.open(options.dataFile, {
        onRecord: (rec) => {
          const checked = checkRecord(rec);
          const clean = withoutSecrets(checked);
          if (clean !== checked) hadSecrets = true;
          svc.store.apply(clean);
        },
        snapshot: () => svc.store.snapshot(),
        onWriteError: (e) => svc.rollBack(e),
        compactAfterBytes: options.compactAfterBytes,
        onCompactionError: (e) => svc.emit('warning', e),
      });
      svc.journal = journal;
      // Rewrite a file that still holds passwords now, rather than at the next compaction.
      if (hadSecrets) await journal.compact();
    }
    return svc;
  }

  /** The largest page a list request gets (ServiceProviderConfig filter.maxResults). */
  get maxResultsPerPage(): number {
    return this.maxResults;
  }

  /** The data file, when the directory is persisted. */
  get dataFile(): string | undefined {
    return this.journal?.file;
  }

  // ---------------------------------------------------------------------------------------------------
  // Options and base URL

  get options(): Readonly<MockOptions> {
    return this.opts;
  }

  /** Changes switches at run time (VS Code settings); throws a RangeError naming a bad value. */
  configure(partial: Partial<MockOptions>): void {
    this.opts = { ...this.opts, ...validateOptions(partial) };
  }

  /** The tenant URL that meta.location, $ref and Location are built from (set by the HTTP server). */
  get baseUrl(): string | undefined {
    return this.base;
  }

  set baseUrl(url: string | undefined) {
    const next = url?.replace(/\/+$/, '');
    if (next === this.base) return;
    this.base = next;
    this.store.invalidateAll();
  }

  locationOf(rt: ResourceTypeName, id: string): string | undefined {
    return this.base === undefined ? undefined : `${this.base}${RESOURCE_TYPES[rt].endpoint}/${id}`;
  }

  // ---------------------------------------------------------------------------------------------------
  // Representations

  /** The full representation: stored data, then computed groups/members, then meta. Shares nested objects with the store. */
  representationOf(rt: ResourceTypeName, e: Entry, withMembers = true): Resource {
    return { ...e.data, ...this.computedOf(rt, e, withMembers) };
  }

  /** What the representation adds to the stored data: a user's groups or a group's members (when any), then meta. */
  private computedOf(rt: ResourceTypeName, e: Entry, withMembers: boolean): Resource {
    const meta: Record<string, unknown> = { resourceType: rt, created: e.created, lastModified: e.modified };
    const location = this.locationOf(rt, e.id);
    if (location !== undefined) meta.location = location;
    meta.version = versionOf(e);
    if (rt === 'User') {
      const u = e as UserEntry;
      if (!u.groups || u.groups.size === 0) return { meta };
      const groups = [];
      for (const gid of u.groups) {
        const g = this.store.groups.get(gid);
        const ref = this.locationOf('Group', gid);
        groups.push({ value: gid, ...(ref ? { $ref: ref } : {}), display: (g?.data.displayName as string | undefined) ?? '', type: 'direct' });
      }
      return { groups, meta };
    }
    const g = e as GroupEntry;
    if (!withMembers) return { meta };
    const members = [];
    for (const uid of g.members) {
      const u = this.store.users.get(uid);
      const ref = this.locationOf('User', uid);
      members.push({ value: uid, ...(ref ? { $ref: ref } : {}), display: u ? userDisplay(u.data) : '', type: 'User' });
    }
    return { members, meta };
  }

  jsonOf(rt: ResourceTypeName, e: Entry): string {
    return e.json ?? this.cacheJson(rt, e, JSON.stringify(e.data));
  }

  /**
   * Caches and returns JSON.stringify(representationOf(rt, e)), made from `dataJson`, the stored data's JSON:
   * the computed part is appended to it, so a write serialises its data once, for the data file and the answer
   * alike (and a compaction takes the data's JSON back from the answer's).
   */
  private cacheJson(rt: ResourceTypeName, e: Entry, dataJson: string): string {
    const computed = this.computedOf(rt, e, true);
    let appended = dataJson !== '{}';
    for (const k in computed) if (Object.prototype.hasOwnProperty.call(e.data, k)) appended = false;
    e.json = appended ? `${dataJson.slice(0, -1)},${JSON.stringify(computed).slice(1)}` : JSON.stringify({ ...e.data, ...computed });
    e.dataJsonLength = appended ? dataJson.length : undefined;
    return e.json;
  }

  // ---------------------------------------------------------------------------------------------------
  // Reads

  private entry(rt: ResourceTypeName, idOrEmail: string): Entry {
    const e = rt === 'User' ? this.findUser(idOrEmail) : this.store.groups.get(idOrEmail);
    if (!e) {
      throw new ScimError(404, undefined, `No ${rt} with id ${JSON.stringify(idOrEmail)}${rt === 'User' && idOrEmail.includes('@') ? ' or that email' : ''}. It may have been deleted; look it up with a filter (GET ${RESOURCE_TYPES[rt].endpoint}?filter=${rt === 'User' ? 'userName' : 'displayName'} eq "…").`);
    }
    return e;
  }

  /** A user by id, or — as MURAL allows — by userName or work email in place of the id. */
  private findUser(key: string): UserEntry | undefined {
    const byId = this.store.users.get(key);
    if (byId || !key.includes('@')) return byId;
    const byName = this.store.userByUserName(key);
    if (byName) return byName;
    const byEmail = this.store.usersByEmail(key);
    return byEmail.length === 1 ? byEmail[0] : undefined;
  }

  /** One resource (users also by email); throws ScimError 404. */
  read(rt: ResourceTypeName, idOrEmail: string): ResourceView {
    return new ResourceView(this, rt, this.entry(rt, idOrEmail));
  }

  /**
   * A filtered, sorted page. `rt` undefined searches users and groups (POST /.search). Equality conjuncts on
   * indexed attributes (id, userName, emails.value, externalId, displayName, members.value) narrow the
   * candidates from an index; the compiled filter checks the rest; other filters scan.
   */
  query(rt: ResourceTypeName | undefined, q: ListQuery): { totalResults: number; startIndex: number; views: ResourceView[] } {
    const { startIndex, count } = parsePaging(
      q.startIndex === undefined ? undefined : String(q.startIndex),
      q.count === undefined ? undefined : String(q.count),
      { defaultCount: this.defaultCount, maxCount: this.maxResults },
    );
    const sources = this.filterSources(rt, q);
    const types = sources.map((s) => s.rt);

    // MURAL does not sort: like a service provider without sorting, it ignores sortBy (RFC 7644 §3.4.2).
    if (q.sortBy && !this.opts.muralFilters) {
      const all: Resource[] = [];
      const entries = new Map<string, { rt: ResourceTypeName; e: Entry }>();
      for (const s of sources) {
        for (const e of s.candidates) {
          if (!s.test(e)) continue;
          all.push(this.representationOf(s.rt, e, false));
          entries.set(e.id, { rt: s.rt, e });
        }
      }
      const sorted = types.length === 1 ? sortResources(types[0] as ResourceTypeName, all, q.sortBy, q.sortOrder) : this.sortMixed(all, q);
      const views = sorted.slice(startIndex - 1, startIndex - 1 + count).map((r) => {
        const hit = entries.get(r.id as string) as { rt: ResourceTypeName; e: Entry };
        return new ResourceView(this, hit.rt, hit.e);
      });
      return { totalResults: all.length, startIndex, views };
    }

    let total = 0;
    const views: ResourceView[] = [];
    for (const s of sources) {
      if (s.size !== undefined) {
        // Unfiltered: the count is known, so walk only as far as the page needs.
        const from = Math.max(0, startIndex - 1 - total);
        if (views.length < count && from < s.size) {
          let i = 0;
          for (const e of s.candidates) {
            if (views.length >= count) break;
            if (i++ >= from) views.push(new ResourceView(this, s.rt, e));
          }
        }
        total += s.size;
        continue;
      }
      for (const e of s.candidates) {
        if (!s.test(e)) continue;
        total++;
        if (total >= startIndex && views.length < count) views.push(new ResourceView(this, s.rt, e));
      }
    }
    return { totalResults: total, startIndex, views };
  }

  /** The candidates and test per resource type for a list request's filter, refused as MURAL (or RFC 7644) would. */
  private filterSources(rt: ResourceTypeName | undefined, q: Pick<ListQuery, 'filter' | 'filterInUri'>) {
    const types: ResourceTypeName[] = rt ? [rt] : ['User', 'Group'];
    const node = q.filter !== undefined && q.filter.trim() !== '' ? parseFilter(q.filter) : undefined;
    if (node) for (const t of types) this.refuseNeverReturned(node, t, q.filterInUri === true);
    if (node && this.opts.muralFilters) this.checkMuralFilter(rt, node);
    return types.map((t) => ({ rt: t, ...this.matcher(t, node) }));
  }

  private refuseNeverReturned(node: FilterNode, rt: ResourceTypeName, inUri: boolean): void {
    const attr = neverReturnedIn(node, rt);
    if (attr === undefined) return;
    const why = `${attr} is never returned (RFC 7643 §7) and this server does not keep it, so it cannot be filtered on.`;
    if (inUri) throw new ScimError(403, 'sensitive', `The filter names ${why} Never put a password in a URL (RFC 7644 §7.5.2).`);
    throw new ScimError(400, 'invalidFilter', `The filter names ${why}`);
  }

  /** MURAL's query support (src/scim/muralQuery.ts): any other filter is refused with 400 invalidFilter. */
  private checkMuralFilter(rt: ResourceTypeName | undefined, node: FilterNode): void {
    const refusal = muralFilterRefusal(this.rules.table, rt, node);
    if (!refusal) return;
    throw new ScimError(400, 'invalidFilter', `${refusal.detail} This mock answers queries as MURAL does; turn its muralFilters switch off ` +
      '(setting scimWorkbench.mock.muralFilters, flag --no-mural-filters) to test a client with every RFC 7644 filter.', node.offset, node.length);
  }

  private sortMixed(all: Resource[], q: ListQuery): Resource[] {
    const users = sortResources('User', all.filter((r) => (r.meta as { resourceType: string }).resourceType === 'User'), q.sortBy as string, q.sortOrder);
    const groups = sortResources('Group', all.filter((r) => (r.meta as { resourceType: string }).resourceType === 'Group'), q.sortBy as string, q.sortOrder);
    return [...users, ...groups];
  }

  /** The candidate entries for a filter on one resource type and the test each must pass. */
  private matcher(rt: ResourceTypeName, node: FilterNode | undefined): { candidates: Iterable<Entry>; test: (e: Entry) => boolean; size?: number } {
    const map: Map<string, Entry> = rt === 'User' ? this.store.users : this.store.groups;
    if (!node) return { candidates: map.values(), test: () => true, size: map.size };
    const effective = this.opts.lowercaseFilterRule ? this.rules.exactFilter(rt, node) : node;
    const pred = compileFilter(effective, rt);
    const test = readsComputed(effective)
      ? (e: Entry) => pred(this.representationOf(rt, e))
      : (e: Entry) => pred(e.data);
    let best: readonly Entry[] | undefined;
    for (const union of equalityLookups(node, rt)) {
      const c = this.indexed(rt, union, best?.length ?? map.size);
      if (c && (!best || c.length < best.length)) best = c;
    }
    return { candidates: best ?? map.values(), test };
  }

  /**
   * The entries the indexes hold for any of these lookups, each once, or undefined when a lookup has no index
   * or the union would pass `limit` entries (the caller has something smaller, or scans): an OR of many
   * terms costs at most `limit` steps, never more than the scan it replaces.
   */
  private indexed(rt: ResourceTypeName, union: readonly EqualityLookup[], limit: number): readonly Entry[] | undefined {
    if (union.length === 1) return this.store.candidates(rt, union[0]!.path, union[0]!.value);
    const seen = new Set<Entry>();
    for (const { path, value } of union) {
      const c = this.store.candidates(rt, path, value);
      if (!c) return undefined;
      for (const e of c) {
        seen.add(e);
        if (seen.size > limit) return undefined;
      }
    }
    return [...seen];
  }

  // ---------------------------------------------------------------------------------------------------
  // Writes

  private nextRecordBase(): { seq: number; at: string } {
    return { seq: this.store.seq + 1, at: isoTime() };
  }

  /**
   * Applies a record to memory now and resolves when it is in the data file. `dataJson`, when given, is
   * JSON.stringify(rec.data), already made by the caller.
   */
  private commit(rec: DirectoryRecord, dataJson?: string): Promise<void> {
    this.store.apply(rec);
    if (!this.journal) return RESOLVED;
    let line: string;
    if (dataJson === undefined) {
      line = JSON.stringify(rec);
    } else {
      const head = JSON.stringify({ ...rec, data: undefined });
      line = `${head.slice(0, -1)},"data":${dataJson}}`;
    }
    const saved = this.journal.append(rec.seq, line).catch((e: unknown) => {
      // RFC 4918 §11.5: 507 Insufficient Storage, "unable to store the representation needed to complete the request".
      throw e instanceof StorageError ? new ScimError(507, undefined, e.message) : e;
    });
    // Callers that start many writes (seed) await only the last; an earlier failure must not go unhandled.
    saved.catch(() => undefined);
    return saved;
  }

  /**
   * A write to the data file failed: memory is replaced by what the file holds, so the changes of the failed
   * batch (already applied in memory, see commit) are undone, and views are told to read everything again.
   */
  private rollBack(error: StorageError): void {
    this.store.clear();
    this.store.seq = 0;
    this.store.seq = Math.max(this.store.seq, (this.journal as Journal).reload());
    this.emit('warning', error);
    this.emitChange({ type: 'reloaded' });
  }

  /** Stores a user record and caches the user's JSON, both from one serialisation of its data. */
  private commitUser(rec: UserRecord): Promise<void> {
    const dataJson = JSON.stringify(rec.data);
    const done = this.commit(rec, dataJson);
    const e = this.store.users.get(rec.id) as UserEntry;
    this.cacheJson('User', e, dataJson);
    return done;
  }

  private checkIfMatch(e: Entry, cond: WriteConditions | undefined): void {
    if (cond?.ifMatch !== undefined && !etagMatches(cond.ifMatch, versionOf(e))) {
      throw new ScimError(412, undefined, `The resource changed: its version is ${versionOf(e)}, the request's If-Match is ${cond.ifMatch}. Read it again and retry.`);
    }
  }

  private checkUserNameFree(userName: unknown, self: string | undefined): void {
    if (typeof userName !== 'string') return;
    const other = this.store.userByUserName(userName);
    if (other && other.id !== self) {
      throw new ScimError(409, 'uniqueness', `userName ${JSON.stringify(userName)} is already taken (user ${other.id}); userName is unique, compared case-insensitively. Match the existing user instead of creating one.`);
    }
  }

  private checkDisplayNameFree(displayName: unknown, self: string | undefined): void {
    if (typeof displayName !== 'string') return;
    const other = this.store.groupByDisplayName(displayName);
    if (other && other.id !== self) {
      throw new ScimError(409, 'uniqueness', `A group (workspace) named ${JSON.stringify(displayName)} already exists (group ${other.id}); MURAL group names are unique. Match it with filter=displayName eq "…".`);
    }
  }

  /** Stored data: `schemas` and `id` first, without readOnly/computed attributes nor never-returned ones (password). */
  private storedData(rt: ResourceTypeName, id: string, res: Resource): Resource {
    const { schemas, id: _id, meta: _meta, groups: _groups, members: _members, ...rest } = res;
    return { schemas, id, ...withoutNeverReturned(rt, rest) };
  }

  /** The member ids of a group body's `members`, checked: each must be an existing user. */
  private memberIds(members: unknown): string[] {
    if (members === undefined || members === null) return [];
    if (!Array.isArray(members)) throw new ScimError(400, 'invalidValue', 'members must be an array of {"value": "<user id>"} objects.');
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const m of members) {
      const value = isObject(m) ? m.value : undefined;
      if (typeof value !== 'string' || value === '') {
        throw new ScimError(400, 'invalidValue', `Each member needs a "value" with a user id; got ${JSON.stringify(m)}.`);
      }
      const type = isObject(m) ? m.type : undefined;
      if (typeof type === 'string' && type.toLowerCase() !== 'user') {
        throw new ScimError(400, 'invalidValue', `Member ${JSON.stringify(value)} has type ${JSON.stringify(type)}: MURAL workspaces hold users only.`);
      }
      const user = this.findUser(value);
      if (!user) throw new ScimError(400, 'invalidValue', `Member ${JSON.stringify(value)} is not a user in this directory: provision the user before adding it to a group.`);
      if (!seen.has(user.id)) { seen.add(user.id); ids.push(user.id); }
    }
    return ids;
  }

  /** A POST/PUT body typed and cleaned against the schemas, with MURAL's rules applied. */
  private validated(rt: ResourceTypeName, body: unknown): Resource {
    const res = normalizeResource(rt, body, { coerceBooleanStrings: this.opts.coerceBooleanStrings });
    checkRequired(rt, res);
    if (rt === 'User') checkNotGuest(res);
    return this.rules.apply(rt, res);
  }

  /** POST: validates, applies MURAL's rules, checks uniqueness, stores. */
  async create(rt: ResourceTypeName, body: unknown): Promise<ResourceView> {
    const res = this.validated(rt, body);
    const id = newId(rt);
    const { seq, at } = this.nextRecordBase();
    let done: Promise<void>;
    if (rt === 'User') {
      this.checkUserNameFree(res.userName, undefined);
      done = this.commitUser({ t: 'U', seq, at, id, created: at, data: this.storedData(rt, id, res) });
    } else {
      this.checkDisplayNameFree(res.displayName, undefined);
      const members = this.memberIds(res.members);
      done = this.commit({ t: 'G', seq, at, id, created: at, data: this.storedData(rt, id, res), ...(members.length > 0 ? { members } : {}) });
    }
    const e = this.entry(rt, id);
    this.emitChange({ type: 'created', resourceType: rt, id, display: this.display(rt, e) });
    if (rt === 'Group' && (e as GroupEntry).members.size > 0) {
      this.emitChange({ type: 'membersAdded', resourceType: 'Group', id, display: this.display(rt, e), userIds: [...(e as GroupEntry).members] });
    }
    await done;
    return new ResourceView(this, rt, e);
  }

  /** PUT: replaces the resource's attributes (a group's members too: absent members means none). */
  async replace(rt: ResourceTypeName, idOrEmail: string, body: unknown, cond?: WriteConditions): Promise<ResourceView> {
    const e = this.entry(rt, idOrEmail);
    this.checkIfMatch(e, cond);
    const res = this.validated(rt, body);
    const data = this.storedData(rt, e.id, res);
    if (rt === 'User') return this.updateUser(e as UserEntry, data);
    return this.updateGroup(e as GroupEntry, data, this.memberIds(res.members));
  }

  /** PATCH (RFC 7644 §3.5.2), atomic; a PATCH that changes nothing writes nothing. */
  async patch(rt: ResourceTypeName, idOrEmail: string, body: unknown, cond?: WriteConditions): Promise<ResourceView> {
    const e = this.entry(rt, idOrEmail);
    this.checkIfMatch(e, cond);
    if (rt === 'Group' && !this.opts.multipleMembersPerOp) this.checkOneMemberPerOp(body);
    if (rt === 'Group') this.checkAddedMembers(body);
    const current = rt === 'User' ? e.data : { ...e.data, members: [...(e as GroupEntry).members].map((value) => ({ value })) };
    const { resource, changed } = applyPatch(rt, current, body, {
      coerceBooleanStrings: this.opts.coerceBooleanStrings,
      strictMemberRemoval: this.opts.strictMemberRemoval,
    });
    if (!changed) return new ResourceView(this, rt, e);
    if (rt === 'User') checkNotGuest(resource);
    const res = this.rules.apply(rt, resource);
    const data = this.storedData(rt, e.id, res);
    if (rt === 'User') return this.updateUser(e as UserEntry, data);
    return this.updateGroup(e as GroupEntry, data, this.memberIds(res.members));
  }

  /** The members a group PATCH adds are checked first: an unknown user id fails the PATCH before any work. */
  private checkAddedMembers(body: unknown): void {
    const ops = isObject(body) ? getProp(body, 'Operations') : undefined;
    if (!Array.isArray(ops)) return;
    for (const op of ops) {
      if (!isObject(op)) continue;
      const kind = getProp(op, 'op');
      if (typeof kind !== 'string' || kind.toLowerCase() === 'remove') continue;
      const path = getProp(op, 'path');
      const value = getProp(op, 'value');
      const at = typeof path === 'string' ? path.trim().toLowerCase() : undefined;
      const list = at === 'members' || at === `${URN.Group.toLowerCase()}:members` ? value
        : at === undefined && isObject(value) ? getProp(value, 'members') : undefined;
      if (list !== undefined && list !== null) this.memberIds(Array.isArray(list) ? list : [list]);
    }
  }

  private checkOneMemberPerOp(body: unknown): void {
    const ops = isObject(body) && Array.isArray(body.Operations) ? body.Operations : [];
    for (const op of ops) {
      if (!isObject(op)) continue;
      const value = op.value;
      const path = typeof op.path === 'string' ? op.path.trim().toLowerCase() : undefined;
      const list = path === 'members' ? value : path === undefined && isObject(value) ? value.members : undefined;
      if (Array.isArray(list) && list.length > 1) {
        throw new ScimError(400, 'invalidValue', `This server accepts one member per PATCH operation (multipleMembersPerOp is off), but an operation lists ${list.length}.`);
      }
    }
  }

  private async updateUser(e: UserEntry, data: Resource): Promise<ResourceView> {
    if (deepEqual(e.data, data)) return new ResourceView(this, 'User', e);
    this.checkUserNameFree(data.userName, e.id);
    const wasActive = e.data.active !== false;
    const deactivating = wasActive && data.active === false;
    if (deactivating) this.checkNotLastAdmin(e, 'suspend');
    const { seq, at } = this.nextRecordBase();
    const lost: LostWorkspace[] = deactivating
      ? [...(e.groups ?? [])].map((gid) => ({ id: gid, displayName: String(this.store.groups.get(gid)?.data.displayName ?? ''), at }))
      : [];
    const done = this.commitUser({ t: 'U', seq, at, id: e.id, created: e.created, data, ...(lost.length > 0 ? { lost } : {}) });
    const display = userDisplay(data);
    this.emitChange({ type: 'updated', resourceType: 'User', id: e.id, display });
    if (deactivating) this.emitChange({ type: 'deactivated', resourceType: 'User', id: e.id, display, lostWorkspaces: lost });
    else if (!wasActive && data.active !== false) this.emitChange({ type: 'reactivated', resourceType: 'User', id: e.id, display });
    for (const l of lost) this.emitChange({ type: 'membersRemoved', resourceType: 'Group', id: l.id, display: l.displayName, userIds: [e.id] });
    await done;
    return new ResourceView(this, 'User', e);
  }

  private async updateGroup(g: GroupEntry, data: Resource, members: string[]): Promise<ResourceView> {
    const dataChanged = !deepEqual(g.data, data);
    if (dataChanged) this.checkDisplayNameFree(data.displayName, g.id);
    const keep = new Set(members);
    const remove = [...g.members].filter((id) => !keep.has(id));
    const add = members.filter((id) => !g.members.has(id));
    if (!dataChanged && add.length === 0 && remove.length === 0) return new ResourceView(this, 'Group', g);
    const { seq, at } = this.nextRecordBase();
    const rec: GroupRecord = {
      t: 'G', seq, at, id: g.id, created: g.created,
      ...(dataChanged ? { data } : {}), ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}),
    };
    const done = this.commit(rec);
    const display = this.display('Group', g);
    if (dataChanged) this.emitChange({ type: 'updated', resourceType: 'Group', id: g.id, display });
    if (remove.length > 0) this.emitChange({ type: 'membersRemoved', resourceType: 'Group', id: g.id, display, userIds: remove });
    if (add.length > 0) this.emitChange({ type: 'membersAdded', resourceType: 'Group', id: g.id, display, userIds: add });
    await done;
    return new ResourceView(this, 'Group', g);
  }

  /** DELETE: a hard delete; a user's memberships go with it. */
  async delete(rt: ResourceTypeName, idOrEmail: string, cond?: WriteConditions): Promise<void> {
    const e = this.entry(rt, idOrEmail);
    this.checkIfMatch(e, cond);
    if (rt === 'User') this.checkNotLastAdmin(e as UserEntry, 'delete');
    const display = this.display(rt, e);
    const { seq, at } = this.nextRecordBase();
    const done = this.commit({ t: 'D', seq, at, rt, id: e.id });
    this.emitChange({ type: 'deleted', resourceType: rt, id: e.id, display });
    await done;
  }

  private display(rt: ResourceTypeName, e: Entry): string {
    return rt === 'User' ? userDisplay(e.data) : String(e.data.displayName ?? '');
  }

  /** A listener that throws (a bug in a view) must not fail a change that is already made: it becomes a warning. */
  private emitChange(ev: ChangeEvent): void {
    if (this.listenerCount('change') === 0) return;
    try {
      this.emit('change', ev);
    } catch (e) {
      this.emit('warning', e instanceof Error ? e : new Error(String(e)));
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // The extension's conveniences (plain resources in and out)

  listUsers(q: ListQuery = {}): ListPage {
    return this.page('User', q);
  }

  listGroups(q: ListQuery = {}): ListPage {
    return this.page('Group', q);
  }

  private page(rt: ResourceTypeName, q: ListQuery): ListPage {
    const r = this.query(rt, q);
    const projected = q.attributes !== undefined || q.excludedAttributes !== undefined;
    return { totalResults: r.totalResults, startIndex: r.startIndex, resources: r.views.map((v) => (projected ? structuredClone(v.project(q)) : v.resource())) };
  }

  /**
   * Users `startIndex` (1-based) to `startIndex + count - 1` of those matching `filter` (refused as a list
   * request's would be) in the order the Directory shows them (src/scim/displayOrder.ts), and how many match,
   * where MURAL's API has no order to ask for. Unfiltered, the page is read from the store's order index:
   * O(n / 512 + count) for n users, whatever the page. Filtered, the matches are listed in order once per change of
   * the directory (from the indexed candidates when the filter has an indexed equality, else by testing every
   * user in order) and each page is a slice of that list.
   */
  usersInDisplayOrder(startIndex: number, count: number, filter?: string): { totalResults: number; resources: Resource[] } {
    const [users] = this.filterSources('User', filter === undefined ? {} : { filter });
    const { candidates, test, size } = users as { candidates: Iterable<Entry>; test: (e: Entry) => boolean; size?: number };
    const from = Math.max(0, startIndex - 1);
    // Unfiltered, how many match is the directory's size: a count alone (a collapsed Users node) needs no order.
    if (size !== undefined && count <= 0) return { totalResults: size, resources: [] };
    const order = this.store.userOrder();
    if (size !== undefined) return { totalResults: size, resources: this.userResources(order.slice(from, count)) };
    const memo = this.matchesInOrder;
    let matches: readonly Entry[];
    if (memo && memo.order === order && memo.seq === this.store.seq && memo.options === this.opts && memo.filter === filter) {
      matches = memo.matches;
    } else {
      // An indexed equality (userName eq "…") narrows the candidates to an array: sort those few, not all users.
      matches = Array.isArray(candidates)
        ? (candidates as Entry[]).filter(test).sort((a, b) => compareKeys(userOrderKey(a.data), userOrderKey(b.data)))
        : inOrder(order, test);
      this.matchesInOrder = { order, seq: this.store.seq, options: this.opts, filter, matches };
    }
    return { totalResults: matches.length, resources: this.userResources(matches.slice(from, from + count)) };
  }

  /**
   * Members `startIndex` (1-based) to `startIndex + count - 1` of a group in the order the Directory shows them
   * (src/scim/displayOrder.ts: a user by userOrderKey, a member that is no user by its id), each with its user's
   * stored data (to read, never to change), and how many members the group has; ScimError 404 for no such group.
   * For the k members a page needs of a group of m among n users: a group large enough that the walk is expected
   * to find them within m users (k·n ≤ m²: "All users" of a workspace) is read from the store's user order,
   * keeping the members, about k·n / m steps and no key to compute; a smaller group, or one whose members the
   * walk does not find within 2m users (they sort last), is ordered from its members (firstInOrder over their
   * cached keys: m look-ups).
   */
  membersInDisplayOrder(groupId: string, startIndex: number, count: number): { totalResults: number; members: MemberOfGroup[] } {
    const g = this.entry('Group', groupId) as GroupEntry;
    const users = this.store.users;
    const m = g.members.size;
    const from = Math.max(0, startIndex - 1);
    const need = Math.min(m, from + Math.max(0, count));
    if (need <= from) return { totalResults: m, members: [] };
    const first = (need * users.size <= m * m ? this.membersFromUserOrder(g, need) : undefined)
      ?? firstInOrder(g.members, need, (id) => memberOrderKey(users.get(id), id), compareKeys);
    return { totalResults: m, members: first.slice(from).map((id) => ({ value: id, user: users.get(id)?.data })) };
  }

  /** The first `need` member ids of `g` in order, walking the users' order; undefined when 2m users did not hold them. */
  private membersFromUserOrder(g: GroupEntry, need: number): string[] | undefined {
    const users = this.store.users;
    const found: string[] = [];
    let budget = 2 * g.members.size;
    for (const u of this.store.userOrder()) {
      if (budget-- === 0) return undefined;
      if (g.members.has(u.id) && found.push(u.id) === need) break;
    }
    // Members that are no user are not in the users' order: only a data file's strays can be (see GroupEntry).
    const strays = [...(g.strays ?? [])].filter((id) => g.members.has(id) && !users.has(id));
    if (strays.length === 0) return found;
    return firstInOrder([...found, ...strays], need, (id) => memberOrderKey(users.get(id), id), compareKeys);
  }

  private userResources(entries: readonly Entry[]): Resource[] {
    return entries.map((e) => new ResourceView(this, 'User', e).resource());
  }

  getUser(idOrEmail: string): Resource {
    return this.read('User', idOrEmail).resource();
  }

  getGroup(id: string): Resource {
    return this.read('Group', id).resource();
  }

  async createUser(body: Resource): Promise<Resource> {
    return (await this.create('User', body)).resource();
  }

  async createGroup(body: Resource): Promise<Resource> {
    return (await this.create('Group', body)).resource();
  }

  /** `operations` is a PatchOp body or just its Operations array. */
  async patchUser(idOrEmail: string, operations: unknown): Promise<Resource> {
    return (await this.patch('User', idOrEmail, Array.isArray(operations) ? { schemas: [URN.PatchOp], Operations: operations } : operations)).resource();
  }

  async patchGroup(id: string, operations: unknown): Promise<Resource> {
    return (await this.patch('Group', id, Array.isArray(operations) ? { schemas: [URN.PatchOp], Operations: operations } : operations)).resource();
  }

  /** active=false: MURAL's soft delete; the user loses every workspace. */
  deactivateUser(idOrEmail: string): Promise<Resource> {
    return this.setActive(idOrEmail, false);
  }

  /** active=true: the user can sign in again, but lost workspaces are NOT restored (reactivation must be requested). */
  reactivateUser(idOrEmail: string): Promise<Resource> {
    return this.setActive(idOrEmail, true);
  }

  private async setActive(idOrEmail: string, active: boolean): Promise<Resource> {
    const e = this.entry('User', idOrEmail) as UserEntry;
    return (await this.updateUser(e, { ...e.data, active })).resource();
  }

  deleteUser(idOrEmail: string): Promise<void> {
    return this.delete('User', idOrEmail);
  }

  deleteGroup(id: string): Promise<void> {
    return this.delete('Group', id);
  }

  /** Adds users to a group (workspace); users already in it are skipped. */
  async addMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    const g = this.entry('Group', groupId) as GroupEntry;
    const ids = this.memberIds(userIds.map((value) => ({ value })));
    await this.updateGroup(g, g.data, [...g.members, ...ids.filter((id) => !g.members.has(id))]);
  }

  async removeMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    const g = this.entry('Group', groupId) as GroupEntry;
    const drop = new Set(userIds);
    await this.updateGroup(g, g.data, [...g.members].filter((id) => !drop.has(id)));
  }

  /** The ids of a workspace's admins (members who administer it in MURAL's app; SCIM neither shows nor sets them). */
  workspaceAdmins(groupId: string): string[] {
    const g = this.entry('Group', groupId) as GroupEntry;
    return g.admins ? [...g.admins] : [];
  }

  /**
   * Makes a member an admin of the workspace, or no longer one (what a MURAL admin does in MURAL's app, outside
   * SCIM). Throws ScimError 400 when the user is not a member.
   */
  async setWorkspaceAdmin(groupId: string, userIdOrEmail: string, admin: boolean): Promise<void> {
    const g = this.entry('Group', groupId) as GroupEntry;
    const u = this.entry('User', userIdOrEmail) as UserEntry;
    if (!g.members.has(u.id)) {
      throw new ScimError(400, 'invalidValue', `${userDisplay(u.data)} is not a member of the workspace "${String(g.data.displayName)}": add the user to it first; only members administer a workspace.`);
    }
    if (admin === (g.admins?.has(u.id) ?? false)) return;
    const admins = admin ? [...(g.admins ?? []), u.id] : [...(g.admins ?? [])].filter((id) => id !== u.id);
    const { seq, at } = this.nextRecordBase();
    const done = this.commit({ t: 'G', seq, at, id: g.id, created: g.created, admins });
    this.emitChange({ type: 'updated', resourceType: 'Group', id: g.id, display: this.display('Group', g) });
    await done;
  }

  /** MURAL refuses to suspend (or delete) the last admin of a workspace: 409 naming the workspace. */
  private checkNotLastAdmin(u: UserEntry, action: 'suspend' | 'delete'): void {
    for (const gid of u.groups ?? []) {
      const g = this.store.groups.get(gid);
      if (g?.admins?.size !== 1 || !g.admins.has(u.id)) continue;
      const name = String(g.data.displayName ?? g.id);
      throw new ScimError(409, undefined, `${userDisplay(u.data) || u.id} is the last admin of the workspace "${name}" (group ${g.id}), and ` +
        `MURAL does not ${action} the last admin of a workspace. Make another member an admin of "${name}" in MURAL first ` +
        '(in the mock: the Directory\'s Make Workspace Admin); until then Entra records this change as failed and retries it each cycle.');
    }
  }

  /** The workspaces a user lost when deactivated and has not been added back to. */
  lostWorkspaces(idOrEmail: string): LostWorkspace[] {
    const e = this.entry('User', idOrEmail) as UserEntry;
    return e.lost ? [...e.lost.values()] : [];
  }

  stats(): DirectoryStats {
    let active = 0;
    let memberships = 0;
    for (const u of this.store.users.values()) if (u.data.active !== false) active++;
    for (const g of this.store.groups.values()) memberships += g.members.size;
    return { users: this.store.users.size, activeUsers: active, groups: this.store.groups.size, memberships };
  }

  /** Empties the directory. */
  async reset(): Promise<void> {
    const { seq, at } = this.nextRecordBase();
    const done = this.commit({ t: 'R', seq, at });
    this.emitChange({ type: 'reset' });
    await done;
  }

  /**
   * Adds `count` generated users (valid for MURAL's rules) and some workspaces with members, in chunks so the
   * event loop keeps serving; stops early (keeping what was added) when `signal` aborts.
   */
  async seed(count: number, options: SeedOptions = {}): Promise<SeedResult> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('The number of users to seed must be a whole number, 0 or more.');
    const groupCount = options.groups ?? Math.min(64, Math.max(1, Math.ceil(count / 40)));
    if (!Number.isInteger(groupCount) || groupCount < 0 || groupCount > MAX_SEED_GROUPS) {
      throw new RangeError(`The number of workspaces to seed must be a whole number from 0 to ${MAX_SEED_GROUPS}.`);
    }
    const gen = new UserGenerator((u) => this.store.userByUserName(u) !== undefined, options.domain);
    const groupIds: string[] = [];
    let last: Promise<void> = RESOLVED;
    for (let i = 0; groupIds.length < groupCount; i++) {
      const displayName = workspaceName(i);
      if (this.store.groupByDisplayName(displayName)) continue;
      const id = newId('Group');
      const { seq, at } = this.nextRecordBase();
      last = this.commit({ t: 'G', seq, at, id, created: at, data: { schemas: [URN.Group], id, displayName } });
      groupIds.push(id);
    }
    const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    const chunk = 1000;
    let done = 0;
    let cancelled = false;
    while (done < count) {
      if (options.signal?.aborted) { cancelled = true; break; }
      const end = Math.min(count, done + chunk);
      for (; done < end; done++) {
        const id = newId('User');
        const data = this.storedData('User', id, this.rules.apply('User', gen.next()));
        const { seq, at } = this.nextRecordBase();
        last = this.commit({ t: 'U', seq, at, id, created: at, data });
        if (groupIds.length > 0) {
          (members.get(groupIds[done % groupIds.length] as string) as string[]).push(id);
          if (groupIds.length > 1 && done % 3 === 0) (members.get(groupIds[(done * 7 + 1) % groupIds.length] as string) as string[]).push(id);
        }
      }
      options.onProgress?.(done, count);
      await new Promise<void>((res) => setImmediate(res));
    }
    let withAdmins = 0;
    for (const [id, add] of members) {
      const list = [...new Set(add)];
      if (list.length === 0) continue;
      const g = this.store.groups.get(id) as GroupEntry;
      const { seq, at } = this.nextRecordBase();
      // Every workspace gets an admin, every other one two (so a seeded admin can be suspended in one and not in the other).
      const admins = list.slice(0, withAdmins++ % 2 === 0 ? 1 : 2);
      last = this.commit({ t: 'G', seq, at, id, created: g.created, add: list, admins });
    }
    this.emitChange({ type: 'seeded', users: done, groups: groupIds.length });
    // Batches are written in order, so the last one settling means all have.
    await last;
    return { users: done, groups: groupIds.length, cancelled };
  }

  // ---------------------------------------------------------------------------------------------------
  // Lifecycle

  /** Writes what is pending to the data file and closes it. */
  async close(): Promise<void> {
    await this.journal?.close();
  }

  /** Closes as synchronously as possible (VS Code's deactivate). */
  dispose(): void {
    this.journal?.dispose();
  }

  /** Rewrites the data file as a compact snapshot now (it also happens by itself as the file grows). */
  async compact(): Promise<void> {
    await this.journal?.compact();
  }
}

/** A member's place in the Directory's order: its user's, or for an id that is no user, the id's. */
function memberOrderKey(user: UserEntry | undefined, id: string): string {
  return user ? userOrderKey(user.data) : orderKey(id, '', id);
}

function inOrder(order: Iterable<Entry>, test: (e: Entry) => boolean): Entry[] {
  const out: Entry[] = [];
  for (const e of order) if (test(e)) out.push(e);
  return out;
}
