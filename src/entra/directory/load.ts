// Reads an Entra directory file (schemas/entra-directory.schema.json): users and groups as Microsoft Graph
// returns them, the app's role assignments, the scope setting and soft-deleted users — or one of Graph's own
// list answers ({"value":[…]} from GET /users or GET /groups?$expand=members) pasted as is. Every problem is
// reported with the file, the JSON path and what was expected; the checks use indexes, so a 100 MB file costs
// one JSON.parse and a few linear passes.
import { readFile, stat } from 'node:fs/promises';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { counted, LineIndex } from '../../scim/text';
import { isObject, type JsonObject } from '../../scim/values';
import { DIRECTORY_SCOPES, type DirectoryScope, type EntraDirectory, type SourceGroup, type SourceUser } from './model';

/** Larger files are refused before reading: V8 cannot hold much more as one string. */
export const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

/** Problems listed in an error message; the rest are counted. */
const LISTED = 20;

export interface DirectoryProblem {
  /** JSON path such as `users[3].userPrincipalName`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** The file cannot be used; `problems` holds each reason, `message` lists them one per line. */
export class DirectoryFileError extends Error {
  constructor(readonly file: string, readonly problems: readonly DirectoryProblem[]) {
    const lines = problems.slice(0, LISTED).map((p) => `${file}${p.path ? `: ${p.path}` : ''}: ${p.message}`);
    if (problems.length > LISTED) lines.push(`… and ${counted(problems.length - LISTED, 'more problem')}.`);
    super(lines.join('\n'));
    this.name = 'DirectoryFileError';
  }
}

const GRAPH_USER = 'a user as Microsoft Graph returns it ({"id": …, "userPrincipalName": …})';
const GRAPH_GROUP = 'a group as Microsoft Graph returns it ({"id": …, "displayName": …, "members": […]})';
const SECTIONS = ['users', 'groups', 'appRoleAssignedTo', 'deletedUsers'] as const;
type Section = typeof SECTIONS[number];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v === '' ? 'an empty string' : `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

class Reader {
  readonly problems: DirectoryProblem[] = [];
  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** A section's items: an array, or a Graph list answer {"value": […]} (paged answers: paste each page's value). */
  items(value: unknown, path: string, what: string): unknown[] {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    if (isObject(value) && Array.isArray(value.value)) {
      if (typeof value['@odata.nextLink'] === 'string') {
        this.problem(`${path}.@odata.nextLink`, 'this is one page of a longer Graph answer: follow the nextLink and add the other pages\' items, or Entra would see only part of the tenant.');
      }
      return value.value;
    }
    this.problem(path, `expected an array of ${what}, or Graph's list answer {"value": […]}; found ${describe(value)}.`);
    return [];
  }

  /** A required non-empty string property. */
  text(obj: JsonObject, key: string, path: string, hint: string): string | undefined {
    const v = obj[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.problem(`${path}.${key}`, v === undefined ? `missing; expected ${hint}.` : `expected ${hint}; found ${describe(v)}.`);
    return undefined;
  }
}

function isGraphUser(item: JsonObject): boolean {
  return 'userPrincipalName' in item || item['@odata.type'] === '#microsoft.graph.user';
}

/** A top-level Graph list answer: which section its items belong to, from @odata.context or the items themselves. */
function sectionOfList(answer: JsonObject): 'users' | 'groups' | 'mixed' {
  const context = typeof answer['@odata.context'] === 'string' ? answer['@odata.context'] : '';
  if (/#users\b/i.test(context)) return 'users';
  if (/#groups\b/i.test(context)) return 'groups';
  return 'mixed';
}

type MutableUser = { -readonly [K in keyof SourceUser]: SourceUser[K] };

interface RawUser { readonly item: JsonObject; readonly path: string; readonly deleted: boolean }

/** Builds the directory from parsed JSON; throws DirectoryFileError listing every problem. */
export function readDirectory(value: unknown, file: string): EntraDirectory {
  const r = new Reader();
  const notes: string[] = [];
  let scope: DirectoryScope = 'assigned';
  const rawUsers: RawUser[] = [];
  const rawGroups: { item: JsonObject; path: string }[] = [];
  let assignments: { value: unknown; path: string }[] = [];

  if (!isObject(value)) {
    throw new DirectoryFileError(file, [{ path: '', message: `expected a JSON object (an Entra directory file, or Graph's {"value": […]} answer); found ${describe(value)}.` }]);
  }
  const sectioned = SECTIONS.some((s) => s in value) || 'scope' in value;
  if (!sectioned && Array.isArray(value.value)) {
    // Graph's own answer to GET /users or GET /groups?$expand=members: no assignments, so "Sync all".
    const kind = sectionOfList(value);
    r.items(value, '', 'users or groups').forEach((item, i) => {
      const path = `value[${i}]`;
      if (!isObject(item)) return r.problem(path, `expected ${kind === 'groups' ? GRAPH_GROUP : GRAPH_USER}; found ${describe(item)}.`);
      if (kind === 'users' || (kind === 'mixed' && isGraphUser(item))) rawUsers.push({ item, path, deleted: false });
      else rawGroups.push({ item, path });
    });
    scope = 'all';
    notes.push('The file is a Graph list answer without app assignments, so the scope is "Sync all users and groups".');
  } else {
    for (const key of Object.keys(value)) {
      if (key !== '$schema' && key !== 'scope' && !(SECTIONS as readonly string[]).includes(key)) {
        r.problem(key, `unknown property; an Entra directory file has ${['scope', ...SECTIONS].map((s) => `"${s}"`).join(', ')}.`);
      }
    }
    if (value.scope !== undefined) {
      if (DIRECTORY_SCOPES.includes(value.scope as DirectoryScope)) scope = value.scope as DirectoryScope;
      else r.problem('scope', `expected "assigned" (Sync only assigned users and groups) or "all" (Sync all users and groups); found ${describe(value.scope)}.`);
    }
    const collect = (section: Section, what: string, take: (item: JsonObject, path: string) => void) => {
      r.items(value[section], section, what).forEach((item, i) => {
        const path = `${section}[${i}]`;
        if (isObject(item)) take(item, path);
        else r.problem(path, `expected ${what}; found ${describe(item)}.`);
      });
    };
    collect('users', GRAPH_USER, (item, path) => rawUsers.push({ item, path, deleted: false }));
    collect('deletedUsers', GRAPH_USER, (item, path) => rawUsers.push({ item, path, deleted: true }));
    collect('groups', GRAPH_GROUP, (item, path) => rawGroups.push({ item, path }));
    assignments = r.items(value.appRoleAssignedTo, 'appRoleAssignedTo', 'app role assignments')
      .map((v, i) => ({ value: v, path: `appRoleAssignedTo[${i}]` }));
  }

  // Ids are unique across users and groups in Entra; UPNs are unique ignoring case.
  const idAt = new Map<string, string>();
  const upnAt = new Map<string, string>();
  const claimId = (id: string, path: string): boolean => {
    const first = idAt.get(id);
    if (first !== undefined) {
      r.problem(`${path}.id`, `"${id}" is also the id of ${first}; Entra object ids are unique.`);
      return false;
    }
    idAt.set(id, path);
    return true;
  };

  const directAssignments = new Set<string>();
  // The users as the directory will hold them (directlyAssigned set once the assignments are read): one
  // object and one index entry per user, which matters at 100k users.
  const users: MutableUser[] = [];
  const userById = new Map<string, MutableUser>();
  for (const { item, path, deleted } of rawUsers) {
    const id = r.text(item, 'id', path, 'the user\'s object id (a GUID)');
    const upn = r.text(item, 'userPrincipalName', path, 'the user\'s sign-in name, e.g. ada@contoso.com');
    if (item.accountEnabled !== undefined && item.accountEnabled !== null && typeof item.accountEnabled !== 'boolean') {
      r.problem(`${path}.accountEnabled`, `expected true or false; found ${describe(item.accountEnabled)}.`);
    }
    if (id === undefined || upn === undefined || !claimId(id, path)) continue;
    const key = upn.toLowerCase();
    const firstUpn = upnAt.get(key);
    if (firstUpn !== undefined) {
      r.problem(`${path}.userPrincipalName`, `"${upn}" is also the userPrincipalName of ${firstUpn}; Entra user principal names are unique (ignoring case).`);
      continue;
    }
    upnAt.set(key, path);
    const user = {
      id, userPrincipalName: upn, attributes: item, location: path,
      accountEnabled: item.accountEnabled !== false,
      softDeleted: deleted || (typeof item.deletedDateTime === 'string' && item.deletedDateTime !== ''),
      directlyAssigned: false,
    };
    users.push(user);
    userById.set(id, user);
  }

  const groupDrafts: Omit<SourceGroup, 'directlyAssigned'>[] = [];
  for (const { item, path } of rawGroups) {
    const id = r.text(item, 'id', path, 'the group\'s object id (a GUID)');
    const displayName = r.text(item, 'displayName', path, 'the group\'s name (Entra matches groups on it)');
    if (id === undefined || displayName === undefined || !claimId(id, path)) continue;
    const memberIds: string[] = [];
    const nested: string[] = [];
    const { members, ...attributes } = item;
    r.items(members, `${path}.members`, 'member ids or member objects').forEach((m, i) => {
      const mPath = `${path}.members[${i}]`;
      const memberId = typeof m === 'string' ? m : isObject(m) && typeof m.id === 'string' ? m.id : undefined;
      if (memberId === undefined || memberId === '') {
        return r.problem(mPath, `expected a member's object id, or an object with "id" as $expand=members returns it; found ${describe(m)}.`);
      }
      const type = isObject(m) && typeof m['@odata.type'] === 'string' ? m['@odata.type'] : undefined;
      if (type === '#microsoft.graph.group') nested.push(memberId);
      // Devices, service principals and contacts are members Entra never provisions.
      else if (type === undefined || type === '#microsoft.graph.user') memberIds.push(memberId);
    });
    groupDrafts.push({ id, displayName, attributes, memberIds, nestedGroupIds: nested, location: path });
  }
  const groupIds = new Set(groupDrafts.map((g) => g.id));

  for (const g of groupDrafts) {
    const seen = new Set<string>();
    const mine = [...g.memberIds, ...g.nestedGroupIds];
    mine.forEach((m) => {
      if (seen.has(m)) r.problem(`${g.location}.members`, `"${m}" is listed twice.`);
      seen.add(m);
    });
    const dangling = mine.filter((m) => !userById.has(m) && !groupIds.has(m));
    for (const m of dangling) {
      r.problem(`${g.location}.members`, `"${m}" is neither a user nor a group of this file; add it to "users" (or "groups"), or remove it from the members.`);
    }
  }

  for (const { value: a, path } of assignments) {
    if (!isObject(a)) {
      r.problem(path, `expected an app role assignment ({"principalId": …, "principalType": "User" | "Group"}); found ${describe(a)}.`);
      continue;
    }
    const principal = r.text(a, 'principalId', path, 'the object id of the assigned user or group');
    if (principal === undefined) continue;
    if (!userById.has(principal) && !groupIds.has(principal)) {
      r.problem(`${path}.principalId`, `"${principal}" is neither a user nor a group of this file.`);
      continue;
    }
    const type = a.principalType;
    const actual = userById.has(principal) ? 'User' : 'Group';
    if (type !== undefined && type !== actual) {
      r.problem(`${path}.principalType`, `"${String(type)}" does not fit: ${principal} is a ${actual.toLowerCase()} of this file.`);
      continue;
    }
    directAssignments.add(principal);
  }

  if (r.problems.length) throw new DirectoryFileError(file, r.problems);

  for (const id of directAssignments) {
    const user = userById.get(id);
    if (user) user.directlyAssigned = true;
  }
  // A member id typed as a user that names a group is a nested group all the same.
  const groups = groupDrafts.map((g): SourceGroup => {
    const asGroups = g.memberIds.filter((m) => groupIds.has(m));
    return {
      ...g,
      memberIds: asGroups.length ? g.memberIds.filter((m) => !groupIds.has(m)) : g.memberIds,
      nestedGroupIds: asGroups.length ? [...g.nestedGroupIds, ...asGroups] : g.nestedGroupIds,
      directlyAssigned: directAssignments.has(g.id),
    };
  });
  const assignedUserIds = new Set<string>();
  for (const u of users) if (u.directlyAssigned) assignedUserIds.add(u.id);
  for (const g of groups) if (g.directlyAssigned) for (const m of g.memberIds) assignedUserIds.add(m);
  return {
    scope, users, groups, notes, assignedUserIds,
    userById,
    groupById: new Map(groups.map((g) => [g.id, g])),
  };
}

/** Parses the text of a directory file (`file` names it in messages). */
export function parseDirectory(text: string, file: string): EntraDirectory {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // Only on failure: the tolerant parser says where (JSON.parse's message may not).
    const errors: ParseError[] = [];
    parseJsonc(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = first ? new LineIndex(body).position(first.offset) : undefined;
    const what = first ? printParseErrorCode(first.error) : 'not valid JSON';
    throw new DirectoryFileError(file, [{ path: '', message: `${where ? `line ${where.line + 1}, column ${where.column + 1}: ` : ''}not valid JSON (${what}).` }]);
  }
  return readDirectory(value, file);
}

/** Reads and parses a directory file; throws DirectoryFileError for a file too large, unreadable or wrong. */
export async function loadDirectory(file: string, maxBytes = MAX_DIRECTORY_BYTES): Promise<EntraDirectory> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new DirectoryFileError(file, [{ path: '', message: e.code === 'ENOENT' ? 'no such file.' : `cannot be read (${e.message}).` }]);
  });
  if (!info.isFile()) throw new DirectoryFileError(file, [{ path: '', message: 'is not a file.' }]);
  if (info.size > maxBytes) {
    throw new DirectoryFileError(file, [{
      path: '',
      message: `${(info.size / 1024 / 1024).toFixed(0)} MiB is more than the ${maxBytes / 1024 / 1024} MiB a directory file may have; split the tenant by scope, or keep only the users and groups assigned to the app.`,
    }]);
  }
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new DirectoryFileError(file, [{ path: '', message: `cannot be read (${e.message}).` }]);
  });
  return parseDirectory(text, file);
}
