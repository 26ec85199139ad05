// The users and groups one check run creates — names unique to the run, on a reserved email domain, so no
// real user is ever matched or changed — the bodies Entra sends for them, and MURAL's rules read from its
// mapping table (src/scim/mapping.ts), never hard-coded.
import { randomInt, randomUUID } from 'node:crypto';
import { compileValueFilter } from '../../scim/filter';
import { createBody, targetPath } from '../entraRequests';
import { MURAL_MAPPING, type MappingEntry } from '../../scim/mapping';
import { parsePath } from '../../scim/path';
import { URN } from '../../scim/schemas';
import { getProp, isObject, isPresent, type JsonObject } from '../../scim/values';
import type { RuleSet } from './types';

export interface PlannedUser {
  readonly userName: string;
  readonly email: string;
  readonly externalId: string;
  readonly givenName: string;
  readonly familyName: string;
}

export interface Names {
  readonly suffix: string;
  /** The user the run follows through its life: created, updated, disabled, enabled, deleted. */
  readonly user: PlannedUser;
  /** The work email the legacy PATCH moves it to. */
  readonly movedEmail: string;
  readonly legacyName: { readonly givenName: string; readonly familyName: string };
  readonly modernName: { readonly givenName: string; readonly familyName: string };
  /** Two more users for the group. */
  readonly members: readonly [PlannedUser, PlannedUser];
  /** Base of the users MURAL must refuse (a digit in a name). */
  readonly digits: PlannedUser;
  readonly group: { readonly displayName: string; readonly externalId: string };
  readonly renamedGroup: string;
}

/** Letters only: MURAL refuses digits in names, and the suffix goes into names. */
export function randomSuffix(length = 10): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(97 + randomInt(26));
  return s;
}

const SUFFIX = /^[a-z]{4,32}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** Why `domain` cannot be the test users' email domain, or undefined. */
export function emailDomainProblem(domain: string): string | undefined {
  return DOMAIN.test(domain) ? undefined : `"${domain}" is not an email domain such as example.com.`;
}

export function makeNames(rules: RuleSet, suffix: string, domain: string): Names {
  if (!SUFFIX.test(suffix)) throw new RangeError(`The name suffix must be 4 to 32 lower-case letters (names may hold no digits), not "${suffix}".`);
  const problem = emailDomainProblem(domain);
  if (problem) throw new RangeError(problem);
  const cap = suffix[0].toUpperCase() + suffix.slice(1);
  // With MURAL's rules the main user is sent with capitals, to see MURAL lowercase it.
  const mixed = (local: string) => (rules === 'mural' ? `${local}@${domain}` : `${local}@${domain}`.toLowerCase());
  const plain = (local: string, givenName: string, familyName: string): PlannedUser => {
    const email = `${local}@${domain}`.toLowerCase();
    return { userName: email, email, externalId: local.toLowerCase(), givenName, familyName };
  };
  const main = mixed(`Entra.Check.${cap}`);
  return {
    suffix,
    user: { userName: main, email: main, externalId: `entra.check.${suffix}`, givenName: 'Entra', familyName: `Check${cap}` },
    movedEmail: mixed(`Entra.Check.${cap}.Moved`),
    legacyName: { givenName: 'Legacy', familyName: `Patched${cap}` },
    modernName: { givenName: 'Modern', familyName: `Replaced${cap}` },
    members: [
      plain(`entra.check.${suffix}.member.one`, 'Member', `One${cap}`),
      plain(`entra.check.${suffix}.member.two`, 'Member', `Two${cap}`),
    ],
    digits: plain(`entra.check.${suffix}.digits`, 'Digits', `Check${cap}`),
    group: { displayName: `Entra Check ${cap}`, externalId: randomUUID() },
    renamedGroup: `Entra Check ${cap} Renamed`,
  };
}

/**
 * The body Entra POSTs to create a user (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
 * Generic SCIM targets also get enterprise attributes.
 */
export function userBody(u: PlannedUser, rules: RuleSet): JsonObject {
  return createBody('Users', [
    ['externalId', u.externalId],
    ['userName', u.userName],
    ['active', true],
    ['emails[type eq "work"].value', u.email],
    ['name.formatted', `${u.givenName} ${u.familyName}`],
    ['name.familyName', u.familyName],
    ['name.givenName', u.givenName],
    ...(rules === 'scim' ? [[`${URN.EnterpriseUser}:employeeNumber`, '1000'], [`${URN.EnterpriseUser}:department`, 'Provisioning check']] as const : []),
  ]);
}

/** The body Entra POSTs to create a group: its own group schema beside the core one, no members. */
export function groupBody(g: Names['group']): JsonObject {
  return createBody('Groups', [['externalId', g.externalId], ['displayName', g.displayName]]);
}

/** MURAL's User mapping entries carrying `rule`. */
export function userTargetsWith(rule: 'lowercase' | 'noDigits'): readonly MappingEntry[] {
  return MURAL_MAPPING.entries.filter((e) => e.resource === 'User' && e.rules?.includes(rule));
}

/** Whether MURAL stores `target` lower case. */
export function lowercased(target: string): boolean {
  return userTargetsWith('lowercase').some((e) => e.target.toLowerCase() === target.toLowerCase());
}

/**
 * The values a mapping target (`userName`, `name.givenName`, `emails[type eq "work"].value`, an enterprise URN
 * path) denotes in a user. A filtered target that matches no value takes the values that lack the filtered
 * attribute, as MURAL reads an email sent without a type.
 */
export function valuesAt(user: JsonObject, target: string): unknown[] {
  const p = targetPath(target);
  const container = p.attr.urn ? getProp(user, p.attr.urn) : user;
  if (!isObject(container)) return [];
  const top = getProp(container, p.attr.name);
  const sub = p.subAttr ?? p.attr.subAttr;
  if (Array.isArray(top)) {
    let elements = top.filter(isObject);
    if (p.filter) {
      const test = compileValueFilter(p.filter, 'User', p.attr);
      const matched = elements.filter(test);
      const tested = p.filter.kind === 'compare' || p.filter.kind === 'present' ? p.filter.attr.name : undefined;
      elements = matched.length > 0 || tested === undefined ? matched : elements.filter((el) => !isPresent(getProp(el, tested)));
    }
    return elements.map((el) => (sub ? getProp(el, sub) : el)).filter((v) => v !== undefined);
  }
  if (sub) return isObject(top) ? [getProp(top, sub)].filter((v) => v !== undefined) : [];
  return top === undefined ? [] : [top];
}

/** A copy of `body` with `target` (a plain or dotted path, no filter) set to `value`; undefined for filtered targets. */
export function withValue(body: JsonObject, target: string, value: string): JsonObject | undefined {
  const p = parsePath(target);
  if (p.filter) return undefined;
  const sub = p.subAttr ?? p.attr.subAttr;
  const set = (obj: JsonObject): JsonObject => {
    if (!sub) return { ...obj, [p.attr.name]: value };
    const inner = getProp(obj, p.attr.name);
    return { ...obj, [p.attr.name]: { ...(isObject(inner) ? inner : {}), [sub]: value } };
  };
  if (!p.attr.urn) return set(body);
  const ext = getProp(body, p.attr.urn);
  return { ...body, [p.attr.urn]: set(isObject(ext) ? ext : {}) };
}
