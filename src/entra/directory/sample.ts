// A realistic Entra directory file for trying the provisioning engine: people with common names, department
// groups assigned to the app, and — first, so that even a small sample has them — the people MURAL turns
// away or Entra skips, so the first run already teaches something. Seeded: the same options give the same file.
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, workspaceName } from '../../mock/seed';

export interface SampleOptions {
  readonly users: number;
  readonly groups: number;
  /** Same seed, same file. Default 1. */
  readonly seed?: number;
  /** Members per group at most. Default 50. */
  readonly membersPerGroup?: number;
  /** Default contoso.com. */
  readonly domain?: string;
}

export const MAX_SAMPLE_USERS = 1_000_000;
export const MAX_SAMPLE_GROUPS = 100_000;

/** What the first users of a sample demonstrate, in order (a sample of N users has the first N of them). */
export const SAMPLE_CASES = [
  'capitals in the userPrincipalName and mail (MURAL stores them lower case)',
  'a digit in the surname (MURAL refuses digits in names: 400)',
  'no mail (MURAL requires a work email: 400)',
  'disabled in Entra (accountEnabled false): not provisioned',
  'not assigned to the app: skipped as NotEffectivelyEntitled',
  'soft-deleted (in the recycle bin): not provisioned',
] as const;

/** mulberry32: small, fast, good enough to vary names. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A GUID from the generator, shaped like Entra's object ids (version 4, RFC 4122 variant). */
function guid(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

function localPart(name: string): string {
  return name.toLowerCase().replace(/[^a-z-]/g, '');
}

const TITLES = ['Engineer', 'Designer', 'Manager', 'Analyst', 'Consultant', 'Specialist', 'Director', 'Coordinator'];

function checkCount(name: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${n}.`);
}

/** The directory file's JSON value (see schemas/entra-directory.schema.json). */
export function sampleDirectory(options: SampleOptions): Record<string, unknown> {
  checkCount('users', options.users, 0, MAX_SAMPLE_USERS);
  checkCount('groups', options.groups, 0, MAX_SAMPLE_GROUPS);
  const perGroup = options.membersPerGroup ?? 50;
  checkCount('membersPerGroup', perGroup, 0, 10_000);
  const random = prng(options.seed ?? 1);
  const domain = options.domain ?? 'contoso.com';
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  const taken = new Map<string, number>();
  const users: Record<string, unknown>[] = [];
  const deletedUsers: Record<string, unknown>[] = [];
  let unassignedId: string | undefined;
  for (let i = 0; i < options.users; i++) {
    const givenName = pick(FIRST_NAMES);
    const surname = pick(LAST_NAMES);
    const base = `${localPart(givenName)}.${localPart(surname)}`;
    const n = taken.get(base) ?? 0;
    taken.set(base, n + 1);
    const nick = n === 0 ? base : `${base}${n + 1}`;
    const department = pick(DEPARTMENTS);
    const id = guid(random);
    const user: Record<string, unknown> = {
      id,
      userPrincipalName: `${nick}@${domain}`,
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      mail: `${nick}@${domain}`,
      mailNickname: nick,
      accountEnabled: true,
      department,
      jobTitle: `${department} ${pick(TITLES)}`,
      employeeId: String(100000 + i),
    };
    switch (i) {
      case 0: {
        const upper = `${givenName}.${surname.replace(/[^A-Za-z-]/g, '')}${n === 0 ? '' : n + 1}@${domain[0].toUpperCase()}${domain.slice(1)}`;
        user.userPrincipalName = upper;
        user.mail = upper;
        break;
      }
      case 1: user.surname = `${surname}2`; user.displayName = `${givenName} ${surname}2`; break;
      case 2: user.mail = null; break;
      case 3: user.accountEnabled = false; break;
      case 4: unassignedId = id; break;
      case 5: user.deletedDateTime = '2026-01-05T09:30:00Z'; deletedUsers.push(user); continue;
    }
    users.push(user);
  }
  // Cases 0–3 are assigned like everyone else, so Entra decides on them for their own reason.
  const assignable = users.map((u) => u.id as string).filter((id) => id !== unassignedId);

  const groups: Record<string, unknown>[] = [];
  const assignedGroups: string[] = [];
  const inAssignedGroup = new Set<string>();
  for (let g = 0; g < options.groups; g++) {
    const id = guid(random);
    const name = workspaceName(g);
    // The last group (of two or more) is not assigned: Entra does not provision it.
    const assigned = options.groups < 2 || g < options.groups - 1;
    const pool = assigned ? assignable : users.map((u) => u.id as string);
    const members = new Set<string>();
    const want = Math.min(perGroup, pool.length);
    for (let tries = 0; members.size < want && tries < want * 4; tries++) members.add(pick(pool));
    if (assigned) {
      assignedGroups.push(id);
      for (const m of members) inAssignedGroup.add(m);
    }
    groups.push({
      id,
      displayName: name,
      description: `Everyone in ${name}`,
      mailNickname: name.toLowerCase().replace(/[^a-z]+/g, '-'),
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      members: [...members],
    });
  }
  // Whoever no assigned group reaches is assigned directly; so is the soft-deleted user, who was assigned before.
  const appRoleAssignedTo: Record<string, unknown>[] = [];
  for (const id of [...assignable, ...deletedUsers.map((u) => u.id as string)]) {
    if (!inAssignedGroup.has(id)) appRoleAssignedTo.push({ principalId: id, principalType: 'User' });
  }
  for (const id of assignedGroups) appRoleAssignedTo.push({ principalId: id, principalType: 'Group' });
  return { scope: 'assigned', users, deletedUsers, groups, appRoleAssignedTo };
}
