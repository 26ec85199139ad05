// The directory's in-memory state: users and groups by id, the indexes that answer equality filters without a
// scan, the users in the Directory's order (built when first asked for), the membership index in both directions,
// and each user's record of workspaces lost on deactivation.
//
// Every change is a record (see DirectoryRecord) applied by apply(): the service applies a record when it
// handles a request, and the journal replays the same records on load, so the two cannot drift apart.
// Records set values (they never increment), so the state after replay is the state that was acknowledged.
import { userOrderKey } from '../scim/displayOrder';
import { normalizeResource, type Resource } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schemas';
import type { Snapshot } from './journal';
import { OrderedIndex } from './orderedIndex';

/** A workspace (group) a user lost when deactivated; reactivation does not restore it. */
export interface LostWorkspace {
  readonly id: string;
  readonly displayName: string;
  /** ISO time of the deactivation. */
  readonly at: string;
}

interface EntryBase {
  readonly id: string;
  /** Stored attributes: schemas, id and everything the client may set; never meta, groups or members. Never mutated. */
  data: Resource;
  created: string;
  modified: string;
  /** Sequence number of the last change to this resource's representation: its version. */
  seq: number;
  /** The cached JSON of the full representation; cleared whenever it changes. */
  json: string | undefined;
  /**
   * When `json` begins with the stored data's JSON (its closing brace replaced by a comma, the computed
   * attributes following), that JSON's length, so a snapshot can take the data's JSON from it.
   */
  dataJsonLength: number | undefined;
}

export interface UserEntry extends EntryBase {
  /** Ids of the groups the user is a member of, in the order the memberships were made. */
  groups: Set<string> | undefined;
  lost: Map<string, LostWorkspace> | undefined;
}

export interface GroupEntry extends EntryBase {
  /** Ids of the member users, in the order they were added. */
  members: Set<string>;
  /** Ids of the members who administer the workspace (set in MURAL's app, not through SCIM); always members. */
  admins: Set<string> | undefined;
  /**
   * Member ids a data file gave the group that no user joined it through: no such user, or one whose groups leave
   * this group out (a hand-edited file). Only those can be members that are not users, now or after the user's
   * deletion (which leaves the groups its own `groups` names): a superset of them, so that the Directory's member
   * pages (ScimService.membersInDisplayOrder) need not test every member. Undefined when there are none.
   */
  strays: Set<string> | undefined;
}

export type Entry = UserEntry | GroupEntry;

/** A user created or replaced; `lost` lists the workspaces taken away when this change deactivated the user. */
export interface UserRecord { t: 'U'; seq: number; at: string; id: string; created: string; data: Resource; lost?: LostWorkspace[] }
/**
 * A group created or changed: `data` when its attributes changed, `members` to replace the members, `add`/`remove` to change
 * some, `admins` to replace its admins (applied after the members; a user who is not a member is not an admin).
 */
export interface GroupRecord { t: 'G'; seq: number; at: string; id: string; created: string; data?: Resource; members?: string[]; add?: string[]; remove?: string[]; admins?: string[] }
export interface DeleteRecord { t: 'D'; seq: number; at: string; rt: ResourceTypeName; id: string }
export interface ResetRecord { t: 'R'; seq: number; at: string }
/** Snapshot records (compaction): a user or group exactly as it was, memberships included. */
export interface SnapshotUserRecord { t: 'SU'; seq: number; at: string; id: string; created: string; data: Resource; groups?: string[]; lost?: LostWorkspace[] }
export interface SnapshotGroupRecord { t: 'SG'; seq: number; at: string; id: string; created: string; data: Resource; members: string[]; admins?: string[] }

export type DirectoryRecord = UserRecord | GroupRecord | DeleteRecord | ResetRecord | SnapshotUserRecord | SnapshotGroupRecord;

/** string → one or more values, without allocating an array for the common single value. */
class MultiIndex<T> {
  private readonly map = new Map<string, T | T[]>();

  add(key: string, value: T): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, value);
    else if (Array.isArray(cur)) { if (!cur.includes(value)) cur.push(value); }
    else if (cur !== value) this.map.set(key, [cur, value]);
  }

  delete(key: string, value: T): void {
    const cur = this.map.get(key);
    if (cur === undefined) return;
    if (Array.isArray(cur)) {
      const rest = cur.filter((v) => v !== value);
      if (rest.length === 0) this.map.delete(key);
      else this.map.set(key, rest.length === 1 ? (rest[0] as T) : rest);
    } else if (cur === value) {
      this.map.delete(key);
    }
  }

  get(key: string): readonly T[] {
    const cur = this.map.get(key);
    return cur === undefined ? [] : Array.isArray(cur) ? cur : [cur];
  }

  clear(): void {
    this.map.clear();
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A user's place in the Directory's order: the key cached for its (never mutated) data. */
const orderKeyOf = (e: UserEntry): string => userOrderKey(e.data);

function emailValues(data: Resource): string[] {
  const emails = data.emails;
  if (!Array.isArray(emails)) return [];
  const out: string[] = [];
  for (const e of emails) {
    const v = typeof e === 'object' && e !== null ? (e as Record<string, unknown>).value : undefined;
    if (typeof v === 'string') out.push(v.toLowerCase());
  }
  return out;
}

/** The name shown for a user in group members and events. */
export function userDisplay(data: Resource): string {
  const name = data.name as Record<string, unknown> | undefined;
  return str(data.displayName) ?? str(name?.formatted) ?? str(data.userName) ?? '';
}

/** The admins a record names that are members of `g` (undefined when none). */
function adminSet(g: GroupEntry, ids: readonly string[]): Set<string> | undefined {
  const admins = new Set(ids.filter((id) => g.members.has(id)));
  return admins.size > 0 ? admins : undefined;
}

export class DirectoryStore {
  readonly users = new Map<string, UserEntry>();
  readonly groups = new Map<string, GroupEntry>();
  private readonly userByName = new Map<string, UserEntry>();
  private readonly userByExternalId = new MultiIndex<UserEntry>();
  private readonly userByEmail = new MultiIndex<UserEntry>();
  private readonly groupByName = new Map<string, GroupEntry>();
  private readonly groupByExternalId = new MultiIndex<GroupEntry>();
  private readonly schemaLists = new Map<string, readonly unknown[]>();
  /** The shared arrays themselves: data that already holds one (a PATCH keeps `schemas`) needs no look-up. */
  private readonly sharedSchemaLists = new WeakSet<readonly unknown[]>();
  /**
   * The users in the Directory's order (src/scim/displayOrder.ts), or undefined until someone asks for it
   * (userOrder): a server nobody views (the CLI) never computes the keys, and loading a data file does not
   * insert 100k users one by one but leaves one sort to the first view. Kept up to date once built; clear()
   * drops it.
   */
  private order: OrderedIndex<UserEntry> | undefined;
  /** Highest sequence number applied. */
  seq = 0;

  // ---------------------------------------------------------------------------------------------------
  // Look-ups

  userByUserName(userName: string): UserEntry | undefined {
    return this.userByName.get(userName.toLowerCase());
  }

  groupByDisplayName(displayName: string): GroupEntry | undefined {
    return this.groupByName.get(displayName.toLowerCase());
  }

  usersByEmail(email: string): readonly UserEntry[] {
    return this.userByEmail.get(email.toLowerCase());
  }

  /** The users in the Directory's order: sorted once on the first call after a load or clear(), then kept. */
  userOrder(): OrderedIndex<UserEntry> {
    return (this.order ??= new OrderedIndex(orderKeyOf, this.users.values()));
  }

  /**
   * The entries an indexed attribute can narrow an `attr eq value` filter to (a superset of the matches:
   * the caller checks the whole filter), or undefined when `path` has no index.
   */
  candidates(rt: ResourceTypeName, path: string, value: unknown): readonly Entry[] | undefined {
    if (typeof value !== 'string') return undefined;
    if (rt === 'User') {
      switch (path) {
        case 'id': { const e = this.users.get(value); return e ? [e] : []; }
        case 'userName': { const e = this.userByName.get(value.toLowerCase()); return e ? [e] : []; }
        case 'externalId': return this.userByExternalId.get(value);
        case 'emails.value': return this.userByEmail.get(value.toLowerCase());
        default: return undefined;
      }
    }
    switch (path) {
      case 'id': { const e = this.groups.get(value); return e ? [e] : []; }
      case 'displayName': { const e = this.groupByName.get(value.toLowerCase()); return e ? [e] : []; }
      case 'externalId': return this.groupByExternalId.get(value);
      case 'members.value': {
        const ids = this.users.get(value)?.groups;
        return ids ? [...ids].map((id) => this.groups.get(id) as GroupEntry) : [];
      }
      default: return undefined;
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Applying records

  apply(rec: DirectoryRecord): void {
    if (rec.t !== 'D' && rec.t !== 'R' && rec.data) this.internSchemas(rec.data);
    switch (rec.t) {
      case 'U': this.putUser(rec.id, rec.data, rec.created, rec.at, rec.seq, rec.lost); break;
      case 'G': this.applyGroup(rec); break;
      case 'D': if (rec.rt === 'User') this.deleteUser(rec.id, rec); else this.deleteGroup(rec.id, rec); break;
      case 'R': this.clear(); break;
      case 'SU': this.restoreUser(rec); break;
      case 'SG': this.restoreGroup(rec); break;
    }
    if (rec.seq > this.seq) this.seq = rec.seq;
  }

  /** One shared, frozen `schemas` array per distinct list: 100k users then hold one copy, not 100k. */
  private internSchemas(data: Resource): void {
    const schemas = data.schemas;
    if (!Array.isArray(schemas) || this.sharedSchemaLists.has(schemas)) return;
    const key = schemas.join(' ');
    let shared = this.schemaLists.get(key);
    if (!shared) {
      this.schemaLists.set(key, (shared = Object.freeze([...schemas])));
      this.sharedSchemaLists.add(shared);
    }
    data.schemas = shared;
  }

  private touch(e: Entry, seq: number, at: string): void {
    e.seq = seq;
    e.modified = at;
    e.json = undefined;
    e.dataJsonLength = undefined;
  }

  private indexUser(e: UserEntry): void {
    const userName = str(e.data.userName);
    if (userName !== undefined) this.userByName.set(userName.toLowerCase(), e);
    const ext = str(e.data.externalId);
    if (ext !== undefined) this.userByExternalId.add(ext, e);
    for (const m of emailValues(e.data)) this.userByEmail.add(m, e);
  }

  private unindexUser(e: UserEntry): void {
    const userName = str(e.data.userName);
    if (userName !== undefined && this.userByName.get(userName.toLowerCase()) === e) this.userByName.delete(userName.toLowerCase());
    const ext = str(e.data.externalId);
    if (ext !== undefined) this.userByExternalId.delete(ext, e);
    for (const m of emailValues(e.data)) this.userByEmail.delete(m, e);
  }

  private indexGroup(e: GroupEntry): void {
    const name = str(e.data.displayName);
    if (name !== undefined) this.groupByName.set(name.toLowerCase(), e);
    const ext = str(e.data.externalId);
    if (ext !== undefined) this.groupByExternalId.add(ext, e);
  }

  private unindexGroup(e: GroupEntry): void {
    const name = str(e.data.displayName);
    if (name !== undefined && this.groupByName.get(name.toLowerCase()) === e) this.groupByName.delete(name.toLowerCase());
    const ext = str(e.data.externalId);
    if (ext !== undefined) this.groupByExternalId.delete(ext, e);
  }

  private putUser(id: string, data: Resource, created: string, at: string, seq: number, lost: readonly LostWorkspace[] | undefined): void {
    let e = this.users.get(id);
    if (e) {
      const old = e.data;
      const displayChanged = userDisplay(old) !== userDisplay(data);
      // The indexed attributes are usually untouched (a PATCH shares unchanged values with the old data).
      const reindex = old.userName !== data.userName || old.externalId !== data.externalId || old.emails !== data.emails;
      if (reindex) this.unindexUser(e);
      // Out of the order under its old key, back in under the new one, when the change moves it.
      const moved = this.order !== undefined && userOrderKey(old) !== userOrderKey(data) && this.order.remove(e);
      e.data = data;
      if (reindex) this.indexUser(e);
      if (moved) this.order?.insert(e);
      if (displayChanged && e.groups) for (const gid of e.groups) { const g = this.groups.get(gid); if (g) this.touch(g, seq, at); }
    } else {
      e = { id, data, created, modified: at, seq, json: undefined, dataJsonLength: undefined, groups: undefined, lost: undefined };
      this.users.set(id, e);
      this.indexUser(e);
      this.order?.insert(e);
    }
    this.touch(e, seq, at);
    for (const l of lost ?? []) {
      const g = this.groups.get(l.id);
      if (g) this.unlink(g, e, seq, at);
      (e.lost ??= new Map()).set(l.id, l);
    }
  }

  private link(g: GroupEntry, u: UserEntry, seq: number, at: string): void {
    if (g.members.has(u.id)) return;
    g.members.add(u.id);
    (u.groups ??= new Set()).add(g.id);
    u.lost?.delete(g.id);
    this.touch(g, seq, at);
    this.touch(u, seq, at);
  }

  private unlink(g: GroupEntry, u: UserEntry, seq: number, at: string): void {
    if (!g.members.delete(u.id)) return;
    g.admins?.delete(u.id);
    u.groups?.delete(g.id);
    this.touch(g, seq, at);
    this.touch(u, seq, at);
  }

  private applyGroup(rec: GroupRecord): void {
    let g = this.groups.get(rec.id);
    if (!g) {
      if (!rec.data) throw new Error(`group ${rec.id} changes before it was created`);
      g = { id: rec.id, data: rec.data, created: rec.created, modified: rec.at, seq: rec.seq, json: undefined, dataJsonLength: undefined, members: new Set(), admins: undefined, strays: undefined };
      this.groups.set(rec.id, g);
      this.indexGroup(g);
    } else if (rec.data) {
      const renamed = str(g.data.displayName) !== str(rec.data.displayName);
      this.unindexGroup(g);
      g.data = rec.data;
      this.indexGroup(g);
      if (renamed) for (const uid of g.members) { const u = this.users.get(uid); if (u) this.touch(u, rec.seq, rec.at); }
    }
    this.touch(g, rec.seq, rec.at);
    if (rec.members) {
      const keep = new Set(rec.members);
      for (const uid of [...g.members]) if (!keep.has(uid)) { const u = this.users.get(uid); if (u) this.unlink(g, u, rec.seq, rec.at); else g.members.delete(uid); }
      for (const uid of rec.members) { const u = this.users.get(uid); if (u) this.link(g, u, rec.seq, rec.at); }
    }
    for (const uid of rec.remove ?? []) { const u = this.users.get(uid); if (u) this.unlink(g, u, rec.seq, rec.at); }
    for (const uid of rec.add ?? []) { const u = this.users.get(uid); if (u) this.link(g, u, rec.seq, rec.at); }
    if (rec.admins) g.admins = adminSet(g, rec.admins);
  }

  private deleteUser(id: string, rec: DeleteRecord): void {
    const u = this.users.get(id);
    if (!u) return;
    for (const gid of u.groups ?? []) {
      const g = this.groups.get(gid);
      if (g) { g.members.delete(id); g.admins?.delete(id); this.touch(g, rec.seq, rec.at); }
    }
    this.unindexUser(u);
    this.order?.remove(u);
    this.users.delete(id);
  }

  private deleteGroup(id: string, rec: DeleteRecord): void {
    const g = this.groups.get(id);
    if (!g) return;
    for (const uid of g.members) {
      const u = this.users.get(uid);
      if (u) { u.groups?.delete(id); this.touch(u, rec.seq, rec.at); }
    }
    this.unindexGroup(g);
    this.groups.delete(id);
  }

  private restoreUser(rec: SnapshotUserRecord): void {
    const e: UserEntry = {
      id: rec.id, data: rec.data, created: rec.created, modified: rec.at, seq: rec.seq, json: undefined, dataJsonLength: undefined,
      groups: rec.groups && rec.groups.length > 0 ? new Set(rec.groups) : undefined,
      lost: rec.lost && rec.lost.length > 0 ? new Map(rec.lost.map((l) => [l.id, l])) : undefined,
    };
    const replaced = this.users.get(rec.id);
    if (this.order) {
      if (replaced) this.order.remove(replaced);
      this.order.insert(e);
    }
    // A group that listed the user it replaces, and that this record's groups leave out, now holds a stray.
    for (const gid of replaced?.groups ?? []) {
      const g = this.groups.get(gid);
      if (g?.members.has(rec.id) && !e.groups?.has(gid)) (g.strays ??= new Set()).add(rec.id);
    }
    this.users.set(rec.id, e);
    this.indexUser(e);
  }

  private restoreGroup(rec: SnapshotGroupRecord): void {
    const g: GroupEntry = { id: rec.id, data: rec.data, created: rec.created, modified: rec.at, seq: rec.seq, json: undefined, dataJsonLength: undefined, members: new Set(rec.members), admins: undefined, strays: undefined };
    for (const uid of g.members) if (!this.users.get(uid)?.groups?.has(g.id)) (g.strays ??= new Set()).add(uid);
    if (rec.admins) g.admins = adminSet(g, rec.admins);
    this.groups.set(rec.id, g);
    this.indexGroup(g);
  }

  clear(): void {
    this.users.clear();
    this.groups.clear();
    this.userByName.clear();
    this.userByExternalId.clear();
    this.userByEmail.clear();
    this.groupByName.clear();
    this.groupByExternalId.clear();
    this.order = undefined;
  }

  /** Drops every cached representation (the base URL they contain changed). */
  invalidateAll(): void {
    for (const e of this.users.values()) { e.json = undefined; e.dataJsonLength = undefined; }
    for (const e of this.groups.values()) { e.json = undefined; e.dataJsonLength = undefined; }
  }

  /**
   * Captures the directory synchronously — references to the immutable data, the few mutable fields, copies of
   * the membership sets, in flat arrays so that 100k users take milliseconds — and serialises it lazily,
   * `perChunk` records at a time, for compaction.
   */
  snapshot(perChunk = 250): Snapshot {
    const users = [...this.users.values()];
    const n = users.length;
    const data = new Array<Resource>(n);
    const seqs = new Array<number>(n);
    const modified = new Array<string>(n);
    const groups = new Array<string[] | undefined>(n);
    const lost = new Array<LostWorkspace[] | undefined>(n);
    // The cached answer JSON, when it starts with the data's JSON, spares serialising the data again.
    const answerJsons = new Array<string | undefined>(n);
    const dataJsonLengths = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const u = users[i] as UserEntry;
      data[i] = u.data;
      seqs[i] = u.seq;
      modified[i] = u.modified;
      if (u.json !== undefined && u.dataJsonLength !== undefined) {
        answerJsons[i] = u.json;
        dataJsonLengths[i] = u.dataJsonLength;
      }
      if (u.groups !== undefined && u.groups.size > 0) groups[i] = [...u.groups];
      if (u.lost !== undefined && u.lost.size > 0) lost[i] = [...u.lost.values()];
    }
    const groupRecords: SnapshotGroupRecord[] = [];
    for (const g of this.groups.values()) {
      groupRecords.push({ t: 'SG', seq: g.seq, at: g.modified, id: g.id, created: g.created, data: g.data, members: [...g.members], ...(g.admins?.size ? { admins: [...g.admins] } : {}) });
    }
    function* chunks(): Generator<string> {
      for (let i = 0; i < n; i += perChunk) {
        let text = '';
        const end = Math.min(n, i + perChunk);
        for (let j = i; j < end; j++) {
          const u = users[j] as UserEntry;
          const head = JSON.stringify({ t: 'SU', seq: seqs[j], at: modified[j], id: u.id, created: u.created });
          const answer = answerJsons[j];
          const dataJson = answer === undefined ? JSON.stringify(data[j]) : `${answer.slice(0, (dataJsonLengths[j] as number) - 1)}}`;
          text += `${head.slice(0, -1)},"data":${dataJson}`;
          if (groups[j]) text += `,"groups":${JSON.stringify(groups[j])}`;
          if (lost[j]) text += `,"lost":${JSON.stringify(lost[j])}`;
          text += '}\n';
        }
        yield text;
      }
      for (let i = 0; i < groupRecords.length; i += perChunk) {
        yield groupRecords.slice(i, i + perChunk).map((r) => JSON.stringify(r) + '\n').join('');
      }
    }
    return { seq: this.seq, chunks: chunks() };
  }
}

const RECORD_TYPES = new Set(['U', 'G', 'D', 'R', 'SU', 'SG']);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Checks a record read from a data file — its fields' types, and its resource data against the schemas (the
 * types the server itself stores) — and throws an Error that says what is wrong. A hand-edited file with a
 * wrongly typed value is refused with its line number instead of loading and then failing requests.
 */
export function checkRecord(rec: Record<string, unknown>): DirectoryRecord {
  const t = rec.t;
  if (typeof t !== 'string' || !RECORD_TYPES.has(t)) throw new Error(`unknown record type ${JSON.stringify(t)}`);
  if (typeof rec.seq !== 'number' || !Number.isSafeInteger(rec.seq) || rec.seq < 0) throw new Error(`"seq" must be a whole number, not ${JSON.stringify(rec.seq)}`);
  if (typeof rec.at !== 'string') throw new Error('a record needs "at", an ISO time string');
  if (t === 'R') return rec as unknown as DirectoryRecord;
  if (typeof rec.id !== 'string' || rec.id === '') throw new Error('a record needs an "id" string');
  if (t === 'D') {
    if (rec.rt !== 'User' && rec.rt !== 'Group') throw new Error('a delete record needs "rt": "User" or "Group"');
    return rec as unknown as DirectoryRecord;
  }
  const rt: ResourceTypeName = t === 'U' || t === 'SU' ? 'User' : 'Group';
  if (rec.data !== undefined || t !== 'G') {
    const data = rec.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('a record needs "data", a JSON object');
    if ((data as Resource).id !== rec.id) throw new Error(`"data.id" must be the record's id ${JSON.stringify(rec.id)}`);
    try {
      normalizeResource(rt, data, { coerceBooleanStrings: false });
    } catch (e) {
      throw new Error(`its ${rt} data is not valid: ${(e as Error & { detail?: string }).detail ?? (e as Error).message}`);
    }
  }
  if (typeof rec.created !== 'string') throw new Error('a record needs "created", an ISO time string');
  for (const key of ['members', 'add', 'remove', 'groups'] as const) {
    if (rec[key] !== undefined && !isStringArray(rec[key])) throw new Error(`"${key}" must be an array of id strings`);
  }
  if (t === 'SG' && rec.members === undefined) throw new Error('a group snapshot needs "members"');
  if (rec.lost !== undefined && !(Array.isArray(rec.lost) && rec.lost.every((l) =>
    typeof l === 'object' && l !== null && typeof l.id === 'string' && typeof l.displayName === 'string' && typeof l.at === 'string'))) {
    throw new Error('"lost" must be an array of {"id", "displayName", "at"} strings');
  }
  return rec as unknown as DirectoryRecord;
}
