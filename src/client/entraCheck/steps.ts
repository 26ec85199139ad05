// The steps of the Entra provisioning check, in the order Entra sends its requests
// (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups),
// each judging the answer as Entra would and explaining what Entra does with it. A step needs what earlier
// steps provide (the user's id, the group's members as expected); the runner skips it, naming the step that
// could not provide it, when that is missing.
import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '../http';
import { HttpError } from '../httpError';
import { scimErrorInfo } from '../scim';
import {
  activePatch, attributesPatch, GROUP_PROJECTION, lookupPath, membersAddPatch, membersRemovePatch, resourcePath,
} from '../entraRequests';
import { testConnection, type ProbeReport } from '../testConnection';
import { MURAL_MAPPING } from '../../scim/mapping';
import { filterableTargets } from '../../scim/muralQuery';
import { URN } from '../../scim/schemas';
import { findKey, getProp, isObject, type JsonObject } from '../../scim/values';
import {
  groupBody, lowercased, userBody, userTargetsWith, valuesAt, withValue, type Names,
} from './names';
import {
  fail, isOutcome, listIn, pass, quoted, resourceIn, serverSaid, skip, unexpected, warn,
  type Outcome, type Session,
} from './session';
import type { CheckStep, EntraCheckOptions, Exchange, RuleSet, StepId } from './types';

/** What a step can need from earlier ones. */
export type Need = 'user' | 'members' | 'group' | 'membership' | 'deactivated' | 'reactivated' | 'workspaceLost';

export const NEED_TEXT: Readonly<Record<Need, string>> = {
  user: 'the id of the created user',
  members: 'the ids of the two member users',
  group: 'the id of the created group',
  membership: 'the group\'s members as the earlier steps left them',
  deactivated: 'a deactivated user',
  reactivated: 'a reactivated user',
  workspaceLost: 'the membership MURAL removed on deactivation',
};

/** A resource the run created (or tried to), for the cleanup. */
export interface Tracked {
  readonly kind: 'Users' | 'Groups';
  /** userName or displayName values it may carry (a rename adds one). */
  readonly names: string[];
  id?: string;
  /** Deleted (or known never to have existed). */
  gone: boolean;
}

export interface RunState {
  readonly have: Set<Need>;
  /** The step whose failure (or skip) left a need unmet. */
  readonly lostBy: Map<Need, StepId>;
  user?: Tracked;
  readonly members: Tracked[];
  group?: Tracked;
  /** Everything to clean up, in creation order. */
  readonly created: Tracked[];
  /** Set when later steps are pointless (the endpoint refused the token, stopped answering). */
  halt?: string;
  /** The steps run so far. */
  readonly steps: CheckStep[];
}

export interface StepContext {
  readonly session: Session;
  readonly rules: RuleSet;
  readonly names: Names;
  readonly state: RunState;
  readonly timeoutMs?: number;
  readonly workspaceAdmin?: EntraCheckOptions['workspaceAdmin'];
}

export interface StepDef {
  readonly id: StepId;
  readonly title: string;
  /** The Entra behaviour the step replays. */
  readonly entra: string;
  /** Only with MURAL's rules. */
  readonly mural?: true;
  readonly needs?: readonly Need[];
  /** What a successful run of the step provides; when it does not, later steps that need it are skipped. */
  readonly provides?: readonly Need[];
  /** Runs even after the run was halted. */
  readonly always?: true;
  run(ctx: StepContext): Promise<Outcome>;
}

export function newState(): RunState {
  return { have: new Set(), lostBy: new Map(), members: [], created: [], steps: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function track(state: RunState, kind: Tracked['kind'], name: string): Tracked {
  const t: Tracked = { kind, names: [name], gone: false };
  state.created.push(t);
  return t;
}

function lose(ctx: StepContext, need: Need, by: StepId): void {
  ctx.state.have.delete(need);
  ctx.state.lostBy.set(need, by);
}

const accepted = (res: HttpResponse) => res.status === 200 || res.status === 204;

function idOf(t: Tracked | undefined): string {
  if (!t?.id) throw new Error('A step ran without the id it needs.');
  return t.id;
}

function memberValues(group: JsonObject): string[] {
  const members = getProp(group, 'members');
  if (!Array.isArray(members)) return [];
  return members.filter(isObject).map((m) => getProp(m, 'value')).filter((v): v is string => typeof v === 'string');
}

/** GET /Users/{id} or /Groups/{id}: the resource, or a fail explaining why it could not be read. */
async function read(ctx: StepContext, kind: Tracked['kind'], id: string, query: string, consequence: string): Promise<JsonObject | Outcome> {
  const res = await ctx.session.send('GET', resourcePath(kind, id, query));
  if (res.status !== 200) return unexpected(ctx.session, res, `200 with the ${kind === 'Users' ? 'user' : 'group'}`, consequence);
  const resource = resourceIn(res);
  if (!resource) return fail(`${ctx.session.line(res)}, but the body is not a SCIM resource with an "id".`, consequence);
  return resource;
}

/** The ids of the test group's members, as a GET of the group shows them. */
async function groupMembers(ctx: StepContext): Promise<string[] | Outcome> {
  const group = await read(ctx, 'Groups', idOf(ctx.state.group), '', 'The check reads the group to see its members.');
  return isOutcome(group) ? group : memberValues(group);
}

/** Judges a POST's answer: the new id, or a fail saying what Entra does without it; warnings for SCIM deviations. */
function judgeCreated(ctx: StepContext, res: HttpResponse, noun: 'user' | 'group', consequence: string): { id: string; warnings: string[] } | Outcome {
  const s = ctx.session;
  if (res.status !== 201 && res.status !== 200) return unexpected(s, res, `201 Created with the new ${noun}`, consequence);
  if (!res.body.trim()) {
    return fail(`${s.line(res)} with an empty body.`,
      `Entra treats a ${res.status} with an empty body on POST as a failure and retries in the next cycle: it needs the created ${noun}, ` +
      `with its "id", in the answer. Return the created resource (RFC 7644 §3.3).`);
  }
  const created = resourceIn(res);
  if (!created) {
    return fail(`${s.line(res)}, but the answer has no "id".`,
      `Entra keeps the id from this answer for every later call to the ${noun}; without one it treats the POST as failed and retries in the next cycle.`);
  }
  const warnings: string[] = [];
  if (res.status === 200) warnings.push('The endpoint answered 200; SCIM specifies 201 Created for a new resource (RFC 7644 §3.3).');
  const location = res.headers.location;
  if (!location) warnings.push(`There is no Location header: RFC 7644 §3.3 requires one with the new ${noun}'s URL (Entra itself reads the id from the body).`);
  else if (!location.includes(created.id)) warnings.push(`The Location header (${location}) does not name the new id ${created.id}.`);
  return { id: created.id, warnings };
}

/** Compares stored values with the ones sent: exactly, or — MURAL's lowercase targets with MURAL's rules — ignoring case. */
function differences(ctx: StepContext, stored: JsonObject, expected: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const [target, value] of expected) {
    const got = valuesAt(stored, target);
    const same = (v: unknown) => v === value
      || (ctx.rules === 'mural' && lowercased(target) && typeof v === 'string' && v.toLowerCase() === value.toLowerCase());
    if (got.length > 1 && got.some(same)) out.push(`${target} now holds ${got.length} values (${quoted(got)}): the new one was added beside the old instead of replacing it`);
    else if (got.length !== 1 || !same(got[0])) out.push(`${target} is ${quoted(got)}, not ${JSON.stringify(value)}`);
  }
  return out;
}

const STRING_BOOLEANS =
  'Entra\'s default PATCH sends active as a STRING ("False" to disable, "True" to enable); with ?aadOptscim062020 it sends a boolean. ' +
  'The endpoint must accept both and store a boolean.';

function probeExchange(p: ProbeReport): Exchange {
  return {
    request: p.request,
    ...(p.response ? {
      response: {
        status: p.response.status, statusText: p.response.statusText, headers: p.response.headers,
        body: p.response.body, durationMs: p.response.durationMs,
      },
    } : {}),
    ...(p.error ? { error: { kind: p.error.kind, message: p.error.message } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The steps

const testConnectionStep: StepDef = {
  id: 'test-connection',
  title: 'Test Connection',
  entra: 'Entra\'s Test Connection button (the same probes recur during cycles): GET /Users?filter=userName eq "<random GUID>", ' +
    'then GET /Groups?excludedAttributes=members&filter=displayName eq "<random GUID>"; both must answer 200 with an empty ListResponse.',
  async run(ctx) {
    const s = ctx.session;
    const result = await testConnection(s.connection, {
      client: s.client,
      ...(s.signal ? { signal: s.signal } : {}),
      ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
    });
    for (const p of result.probes) if (!p.skipped) s.record(probeExchange(p));
    if (result.probes.some((p) => p.error?.kind === 'aborted')) throw new HttpError('aborted', 'The check was cancelled.', '');
    const summary = result.probes.filter((p) => !p.skipped).map((p) => p.summary).join(' ');
    if (result.ok) {
      return result.warnings.length
        ? warn(summary, `Test Connection passes, but: ${result.warnings.join(' ')}`)
        : pass(summary, 'Entra\'s Test Connection passes: Entra can save these credentials and start provisioning.');
    }
    const users = result.probes.find((p) => p.name === 'Users');
    if (!users || users.error || users.response?.status === 401 || users.response?.status === 403) {
      ctx.state.halt = 'Not run: the endpoint did not accept Entra\'s first request (see "Test Connection"), so every later call would fail the same way.';
    }
    const failed = result.probes.find((p) => !p.ok && !p.skipped);
    return fail(summary || result.summary, `${failed?.explanation ?? result.summary} Entra's Test Connection fails with this answer.`);
  },
};

const matchUser: StepDef = {
  id: 'match-user',
  title: 'Match the user before creating it',
  entra: 'Before creating a user Entra looks it up by its matching attribute: GET /Users?filter=userName eq "<userName>".',
  async run(ctx) {
    const s = ctx.session;
    const res = await s.send('GET', lookupPath('Users', 'userName', ctx.names.user.userName));
    const list = listIn(s, res, 'Entra cannot tell whether the user exists, so it does not provision the user and retries every cycle.');
    if (isOutcome(list)) return list;
    if (list.total > 0 || list.resources.length > 0) {
      return fail(`${s.line(res)} with ${Math.max(list.total, list.resources.length)} result(s) for a userName that cannot exist.`,
        'The check\'s userName is unique to this run, so the endpoint ignores or misapplies the filter. Entra would take a result as ' +
        'the match and update that user instead of creating a new one: apply the userName eq filter.');
    }
    return pass(`${s.line(res)} with an empty ListResponse.`, 'No match, so Entra creates the user next.');
  },
};

const createUser: StepDef = {
  id: 'create-user',
  title: 'Create the user',
  entra: 'No match: Entra POSTs the user with the core and enterprise User schemas, externalId, active:true, a work email and ' +
    'name, and keeps the id of the answer for every later call.',
  provides: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const planned = ctx.names.user;
    ctx.state.user = track(ctx.state, 'Users', planned.userName);
    const res = await s.send('POST', '/Users', userBody(planned, ctx.rules));
    const judged = judgeCreated(ctx, res, 'user', 'Entra records the user as failed in its provisioning log and tries to create it again in the next cycle.');
    if (isOutcome(judged)) return judged;
    ctx.state.user.id = judged.id;
    ctx.state.have.add('user');
    const echoed = getProp(res.json as JsonObject, 'userName');
    if (ctx.rules === 'scim' && echoed !== planned.userName) {
      judged.warnings.push(`The answer's userName is ${JSON.stringify(echoed)}, not ${JSON.stringify(planned.userName)} as sent: Entra expects values stored as sent.`);
    }
    const summary = `${s.line(res)} with id ${judged.id}.`;
    return judged.warnings.length
      ? warn(summary, `Entra keeps the id and goes on, but: ${judged.warnings.join(' ')}`)
      : pass(summary, `Entra keeps the id ${judged.id} for every later call to this user.`);
  },
};

const muralLowercase: StepDef = {
  id: 'mural-lowercase',
  title: 'MURAL: userName and emails stored lower case',
  entra: 'Entra sends userName and the work email as they are in the directory, capitals included; MURAL lowercases them ' +
    '(the lowercase rule of its mapping table).',
  mural: true,
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const user = await read(ctx, 'Users', idOf(ctx.state.user), '', 'Entra reads users by the id the POST returned.');
    if (isOutcome(user)) return user;
    const sentBody = userBody(ctx.names.user, ctx.rules);
    const kept: string[] = [];
    const lowered: string[] = [];
    for (const entry of userTargetsWith('lowercase')) {
      const sent = valuesAt(sentBody, entry.target).filter((v): v is string => typeof v === 'string');
      const stored = valuesAt(user, entry.target);
      const expected = sent.map((v) => v.toLowerCase());
      if (stored.length !== expected.length || expected.some((v, i) => stored[i] !== v)) kept.push(`${entry.target}: sent ${quoted(sent)}, stored ${quoted(stored)}`);
      else lowered.push(`${entry.target} ${quoted(stored)}`);
    }
    if (kept.length) {
      return fail(`GET ${s.shortUrl(resourcePath('Users', idOf(ctx.state.user)))}: not stored lower case — ${kept.join('; ')}.`,
        'MURAL stores these attributes lower case (its mapping table\'s lowercase rule), so this endpoint does not behave like MURAL: ' +
        'filters and matches that work here can fail against MURAL.');
    }
    return pass(`Stored lower case, as MURAL does: ${lowered.join(', ')}.`,
      'MURAL keeps the lower-case value, so Entra\'s later matches must use it: if your userPrincipalNames have capitals, map ' +
      'userName with ToLower([userPrincipalName]) in Entra (see the next MURAL step).');
  },
};

const rematchUser: StepDef = {
  id: 'rematch-user',
  title: 'Match the user again',
  entra: 'In later cycles Entra finds the user with the same userName eq filter and updates it instead of creating it again.',
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const id = idOf(ctx.state.user);
    const planned = ctx.names.user.userName;
    const userName = ctx.rules === 'mural' && lowercased('userName') ? planned.toLowerCase() : planned;
    const res = await s.send('GET', lookupPath('Users', 'userName', userName));
    const list = listIn(s, res, 'Entra cannot find the user it created: it tries to create it again in the next cycle and gets a conflict.');
    if (isOutcome(list)) return list;
    const ids = list.resources.map((r) => getProp(r, 'id'));
    if (ids.length === 0) {
      return fail(`${s.line(res)} with an empty ListResponse: the user created a moment ago is not found.`,
        'Entra would not find the user it created: in the next cycle it POSTs the user again, gets a conflict, and the user stays in error. ' +
        'The userName eq filter must find the stored user.');
    }
    if (ids.length > 1 || ids[0] !== id) {
      return fail(`${s.line(res)} with ${quoted(ids)}, not only the created user ${id}.`,
        'Entra needs exactly one match: with another user or several in the answer it would update the wrong user or stop with a matching error.');
    }
    return pass(`${s.line(res)} with the created user ${id}.`, 'Entra\'s next cycle finds the user and updates it instead of creating a duplicate.');
  },
};

const muralFilterCase: StepDef = {
  id: 'mural-filter-case',
  title: 'MURAL: a userName filter with capitals finds nothing',
  entra: 'Entra matches with the userName as Entra holds it; MURAL compares filters with the stored lower-case value.',
  mural: true,
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const userName = ctx.names.user.userName;
    const res = await s.send('GET', lookupPath('Users', 'userName', userName));
    const list = listIn(s, res, 'Entra\'s match needs a ListResponse, even an empty one.');
    if (isOutcome(list)) return list;
    if (list.total === 0 && list.resources.length === 0) {
      return pass(`${s.line(res)} with an empty ListResponse, as MURAL documents.`,
        `MURAL finds nothing for "${userName}" although the user exists as "${userName.toLowerCase()}". When a userPrincipalName has capitals, ` +
        'Entra\'s match finds nothing, Entra POSTs the user again and gets a conflict every cycle: map userName with ' +
        'ToLower([userPrincipalName]) (and the work email with ToLower([mail])) in Entra\'s attribute mappings.');
    }
    return fail(`${s.line(res)} found the user: this endpoint compares userName ignoring case.`,
      'MURAL documents that a userName filter with capitals returns an empty list, because it stores emails lower case. This endpoint finds ' +
      'the user, so it does not behave like MURAL: Entra\'s matching works here but can fail against MURAL.');
  },
};

/** The attribute the mapping table marks filterable for `rt` (MURAL: userName, displayName), for explanations. */
function matchingAttribute(rt: 'User' | 'Group'): string {
  return filterableTargets(MURAL_MAPPING, rt).join(' or ') || 'none';
}

const muralFilterSupport: StepDef = {
  id: 'mural-filter-support',
  title: 'MURAL: only userName and displayName can be matching attributes',
  entra: 'When an admin changes Entra\'s matching attribute (to externalId, say), Entra looks users and groups up by it: ' +
    'GET /Users?filter=externalId eq "<value>". MURAL answers only userName eq on /Users and displayName eq on /Groups.',
  mural: true,
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const served: string[] = [];
    const refused: string[] = [];
    for (const [kind, value] of [['Users', ctx.names.user.externalId], ['Groups', `${ctx.names.suffix}-no-such-group`]] as const) {
      const res = await s.send('GET', lookupPath(kind, 'externalId', value));
      if (res.status === 200) served.push(`${s.line(res)} for externalId eq ${JSON.stringify(value)}`);
      else if (res.status === 400) refused.push(`${s.line(res)}${scimErrorInfo(res)?.scimType ? ` ${scimErrorInfo(res)?.scimType}` : ''}`);
      else return unexpected(s, res, '400 invalidFilter, as MURAL answers a filter it does not support', 'MURAL refuses filters on other attributes.');
    }
    if (served.length) {
      return fail(`The endpoint answers filters MURAL does not support: ${served.join('; ')}.`,
        `MURAL filters users only with ${matchingAttribute('User')} eq and groups only with ${matchingAttribute('Group')} eq. A matching ` +
        'attribute that works here (externalId, say) fails against MURAL: Entra will fail to match every user and retry each cycle, ' +
        'so none is created or updated. Test against an endpoint that refuses such filters, as the mock does with its muralFilters switch on.');
    }
    return pass(`Refused, as MURAL does: ${refused.join('; ')}.`,
      `Keep ${matchingAttribute('User')} (users) and ${matchingAttribute('Group')} (groups) as Entra's matching attributes: with any other, ` +
      'MURAL refuses Entra\'s look-up, and Entra will fail to match every user and retry each cycle, so nothing is created or updated.');
  },
};

const muralDigits: StepDef = {
  id: 'mural-digits',
  title: 'MURAL: digits in names are refused',
  entra: 'Entra sends names as they are in the directory; MURAL refuses digits in the attributes its mapping table marks noDigits.',
  mural: true,
  async run(ctx) {
    const s = ctx.session;
    const accepted: string[] = [];
    const refused: string[] = [];
    const base = userBody(ctx.names.digits, ctx.rules);
    const targets = userTargetsWith('noDigits');
    for (const [i, entry] of targets.entries()) {
      const sent = valuesAt(base, entry.target)[0];
      // One user per target (…digits.a@, …digits.b@), so each refusal can only be for that target's digit.
      const userName = ctx.names.digits.userName.replace('@', `.${String.fromCharCode(97 + i)}@`);
      const body = withValue({ ...base, userName, emails: [{ primary: true, type: 'work', value: userName }] },
        entry.target, `${typeof sent === 'string' ? sent : 'Name'}2`);
      if (!body) continue;
      const tracked = track(ctx.state, 'Users', userName);
      const res = await s.send('POST', '/Users', body);
      if (res.status >= 200 && res.status < 300) {
        const created = resourceIn(res);
        if (created) tracked.id = created.id;
        accepted.push(`${entry.target} → ${res.status}`);
        continue;
      }
      if (res.status !== 400) return unexpected(s, res, '400 (invalidValue) for a name with a digit', 'MURAL refuses such users with 400.');
      tracked.gone = true;
      refused.push(`${entry.target} → 400${scimErrorInfo(res)?.scimType ? ` ${scimErrorInfo(res)?.scimType}` : ''}`);
    }
    if (accepted.length) {
      return fail(`Accepted names with a digit: ${accepted.join(', ')}.`,
        'MURAL refuses digits in these attributes (400 invalidValue), so this endpoint does not behave like MURAL: users that provision here ' +
        'fail against MURAL.');
    }
    return pass(`Refused a digit in ${refused.join(', ')}.`,
      'As in MURAL: Entra records such users as failed in its provisioning log and retries them every cycle. Map a source attribute ' +
      'without digits, or strip them with an expression in Entra\'s attribute mapping.');
  },
};

const updateLegacy: StepDef = {
  id: 'update-user-legacy',
  title: 'Update attributes (Entra\'s default PATCH)',
  entra: 'Without ?aadOptscim062020 Entra capitalises ops ("Replace", "Add"), sends one operation per attribute, and addresses the ' +
    'work email with the filtered path emails[type eq "work"].value.',
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const id = idOf(ctx.state.user);
    const { movedEmail, legacyName } = ctx.names;
    const expected: [string, string][] = [
      ['emails[type eq "work"].value', movedEmail],
      ['name.givenName', legacyName.givenName],
      ['name.familyName', legacyName.familyName],
      ...(ctx.rules === 'scim' ? [['nickName', 'Checky'], [`${URN.EnterpriseUser}:employeeNumber`, '1001']] as [string, string][] : []),
    ];
    const changes = expected.map(([target, value]) => ({ target, value, added: target === 'nickName' }));
    const res = await s.send('PATCH', resourcePath('Users', id), attributesPatch(changes, false));
    if (!accepted(res)) {
      return unexpected(s, res, '200 with the user, or 204',
        'Entra\'s default PATCH capitalises "op" (RFC 7644 makes op case-insensitive), sends one operation per attribute and a filtered path ' +
        'for the work email. Entra records the update as failed and sends it again every cycle; the user\'s attributes never change in the app.');
    }
    const user = await read(ctx, 'Users', id, '', 'Entra reads users by id.');
    if (isOutcome(user)) return user;
    const wrong = differences(ctx, user, expected);
    if (wrong.length) {
      return fail(`${s.line(res)}, but ${wrong.join('; ')}.`,
        'The endpoint acknowledged the PATCH without storing it. Entra considers the change made and sends it again only when the ' +
        'attribute changes in Entra, so the app keeps stale data.');
    }
    return pass(`${s.line(res)}; GET shows the ${expected.length} attributes changed.`, 'Entra\'s attribute updates reach the app.');
  },
};

const updateModern: StepDef = {
  id: 'update-user-aadopt',
  title: 'Update attributes (aadOptscim062020 PATCH)',
  entra: 'With ?aadOptscim062020 on the tenant URL Entra sends lower-case ops and one path-less replace whose value has dotted keys ' +
    '(name.givenName) and URN-prefixed keys.',
  needs: ['user'],
  async run(ctx) {
    const s = ctx.session;
    const id = idOf(ctx.state.user);
    const { modernName } = ctx.names;
    const expected: [string, string][] = [
      ['name.givenName', modernName.givenName],
      ['name.familyName', modernName.familyName],
      ...(ctx.rules === 'scim' ? [['displayName', 'Modern Check'], [`${URN.EnterpriseUser}:employeeNumber`, '1002']] as [string, string][] : []),
    ];
    const res = await s.send('PATCH', resourcePath('Users', id), attributesPatch(expected.map(([target, value]) => ({ target, value })), true));
    if (!accepted(res)) {
      return unexpected(s, res, '200 with the user, or 204',
        'With ?aadOptscim062020 Entra sends a replace without a path whose value holds dotted keys such as "name.givenName" and ' +
        'URN-prefixed keys; the endpoint must read each key as an attribute path. Entra records the update as failed and retries every cycle.');
    }
    const user = await read(ctx, 'Users', id, '', 'Entra reads users by id.');
    if (isOutcome(user)) return user;
    const literalKeys = expected.map(([k]) => k).filter((k) => k.includes('.') && !k.startsWith('urn:') && findKey(user, k) !== undefined);
    if (literalKeys.length) {
      return fail(`${s.line(res)}, but the user now has an attribute literally named ${quoted(literalKeys)}.`,
        'The endpoint stored the dotted key as a new attribute instead of setting the sub-attribute it names. Read "name.givenName" in a ' +
        'path-less value as the path name.givenName (RFC 7644 §3.5.2).');
    }
    const wrong = differences(ctx, user, expected);
    if (wrong.length) {
      return fail(`${s.line(res)}, but ${wrong.join('; ')}.`,
        'The endpoint acknowledged the PATCH without applying the dotted keys. Entra considers the change made; the app keeps stale data.');
    }
    return pass(`${s.line(res)}; GET shows the ${expected.length} attributes changed.`, 'Entra\'s RFC-style updates reach the app too.');
  },
};

const createMembers: StepDef = {
  id: 'create-member-users',
  title: 'Create two more users for the group',
  entra: 'Entra provisions a group\'s members as users before it adds them to the group.',
  provides: ['members'],
  async run(ctx) {
    const s = ctx.session;
    const ids: string[] = [];
    const warnings: string[] = [];
    const lines: string[] = [];
    for (const planned of ctx.names.members) {
      const t = track(ctx.state, 'Users', planned.userName);
      ctx.state.members.push(t);
      const res = await s.send('POST', '/Users', userBody(planned, ctx.rules));
      const judged = judgeCreated(ctx, res, 'user', 'Entra records the user as failed and retries it every cycle; it is not added to groups meanwhile.');
      if (isOutcome(judged)) return judged;
      t.id = judged.id;
      ids.push(judged.id);
      lines.push(s.line(res));
      for (const w of judged.warnings) if (!warnings.includes(w)) warnings.push(w);
    }
    ctx.state.have.add('members');
    const summary = `${lines.join('; ')} — ids ${quoted(ids)}.`;
    return warnings.length ? warn(summary, warnings.join(' ')) : pass(summary, 'Entra can add them to the group.');
  },
};

const matchGroup: StepDef = {
  id: 'match-group',
  title: 'Match the group before creating it',
  entra: 'Entra looks a group up by displayName and never needs its members for that: ' +
    'GET /Groups?excludedAttributes=members&filter=displayName eq "<name>".',
  async run(ctx) {
    const s = ctx.session;
    const res = await s.send('GET', lookupPath('Groups', 'displayName', ctx.names.group.displayName));
    const list = listIn(s, res,
      'Entra cannot tell whether the group exists, so neither the group nor its memberships are provisioned (retried every cycle). ' +
      'The endpoint must accept excludedAttributes=members (ignoring it is allowed).');
    if (isOutcome(list)) return list;
    if (list.total > 0 || list.resources.length > 0) {
      return fail(`${s.line(res)} with ${Math.max(list.total, list.resources.length)} result(s) for a displayName that cannot exist.`,
        'The endpoint ignores or misapplies the displayName filter: Entra would take another group for this one and change its members.');
    }
    return pass(`${s.line(res)} with an empty ListResponse.`, 'No match, so Entra creates the group next.');
  },
};

const createGroup: StepDef = {
  id: 'create-group',
  title: 'Create the group',
  entra: 'POST /Groups with the core Group schema and Entra\'s own group schema, externalId and displayName, without members.',
  provides: ['group'],
  async run(ctx) {
    const s = ctx.session;
    ctx.state.group = track(ctx.state, 'Groups', ctx.names.group.displayName);
    const res = await s.send('POST', '/Groups', groupBody(ctx.names.group));
    const judged = judgeCreated(ctx, res, 'group',
      'Entra records the group as failed and retries it every cycle; none of its memberships are provisioned.' +
      (res.status === 400 ? ` Entra sends its own schema "${URN.EntraGroup}" beside the core Group schema: the endpoint must accept it (ignoring it is fine).` : ''));
    if (isOutcome(judged)) return judged;
    ctx.state.group.id = judged.id;
    ctx.state.have.add('group');
    const summary = `${s.line(res)} with id ${judged.id}.`;
    return judged.warnings.length
      ? warn(summary, `Entra keeps the id and goes on, but: ${judged.warnings.join(' ')}`)
      : pass(summary, `Entra keeps the id ${judged.id} for the group's membership changes.`);
  },
};

const addMembers: StepDef = {
  id: 'add-members',
  title: 'Add members, several per operation',
  entra: 'Entra adds members in batches: one "Add" operation on members whose value lists several users, ' +
    '{"op":"Add","path":"members","value":[{"$ref":null,"value":"<id>"},…]}.',
  needs: ['user', 'members', 'group'],
  provides: ['membership'],
  async run(ctx) {
    const s = ctx.session;
    const gid = idOf(ctx.state.group);
    const ids = [idOf(ctx.state.user), ...ctx.state.members.map(idOf)];
    const res = await s.send('PATCH', resourcePath('Groups', gid), membersAddPatch(ids));
    if (!accepted(res)) {
      return unexpected(s, res, '204 No Content (or 200)',
        'Entra puts several members in one Add operation; an endpoint that accepts one member per operation, or none, leaves the group ' +
        'empty in the app while Entra retries every cycle.');
    }
    const members = await groupMembers(ctx);
    if (isOutcome(members)) return members;
    const missing = ids.filter((id) => !members.includes(id));
    if (missing.length) {
      return fail(`${s.line(res)}, but ${missing.length} of the ${ids.length} users are not members afterwards (${quoted(missing)}).`,
        'Entra considers them added and will not send them again, so they never get access through this group. Add every member listed ' +
        'in one operation\'s value.');
    }
    ctx.state.have.add('membership');
    return pass(`${s.line(res)}; GET shows all ${ids.length} members.`, 'Entra\'s batched membership changes reach the app.');
  },
};

const removeLegacy: StepDef = {
  id: 'remove-member-legacy',
  title: 'Remove a member (legacy value list)',
  entra: 'Entra\'s default removal lists the member in value: {"op":"Remove","path":"members","value":[{"$ref":null,"value":"<id>"}]}. ' +
    'Only the listed member may go.',
  needs: ['membership'],
  async run(ctx) {
    const s = ctx.session;
    const gid = idOf(ctx.state.group);
    const [one, two] = ctx.state.members.map(idOf);
    const keep = [idOf(ctx.state.user), two];
    const res = await s.send('PATCH', resourcePath('Groups', gid), membersRemovePatch([one], false));
    if (!accepted(res)) {
      lose(ctx, 'membership', 'remove-member-legacy');
      return unexpected(s, res, '204 No Content (or 200)',
        'This is how Entra removes members by default: if it fails, users who leave the group in Entra keep their access in the app, ' +
        'and Entra retries every cycle.');
    }
    const members = await groupMembers(ctx);
    if (isOutcome(members)) {
      lose(ctx, 'membership', 'remove-member-legacy');
      return members;
    }
    if (members.length === 0) {
      lose(ctx, 'membership', 'remove-member-legacy');
      return fail(`${s.line(res)}, but the group has NO members left: all ${keep.length + 1} were removed, not only ${one}.`,
        'A strict RFC reading removed ALL members on Entra\'s legacy remove (a "remove" on "members" with a value list): every membership ' +
        'would be wiped each time one user leaves the group in Entra, and Entra would not notice. Remove only the members listed in "value".');
    }
    const wronglyRemoved = keep.filter((id) => !members.includes(id));
    if (members.includes(one) || wronglyRemoved.length) {
      lose(ctx, 'membership', 'remove-member-legacy');
      return fail(`${s.line(res)}, but ${members.includes(one) ? `${one} is still a member` : `${quoted(wronglyRemoved)} were removed too`}.`,
        members.includes(one)
          ? 'Entra considers the user removed and will not send the removal again: the user keeps access through this group.'
          : 'Only the members listed in "value" may be removed: the others lose access although they are still in the group in Entra.');
    }
    return pass(`${s.line(res)}; only ${one} was removed, ${quoted(members)} remain.`,
      'Users who leave the group in Entra lose access to it in the app, and nobody else does.');
  },
};

const removeFiltered: StepDef = {
  id: 'remove-member-filtered',
  title: 'Remove a member (filtered path)',
  entra: 'With ?aadOptscim062020 Entra names the member in a filtered path: {"op":"remove","path":"members[value eq \\"<id>\\"]"}.',
  needs: ['membership'],
  async run(ctx) {
    const s = ctx.session;
    const gid = idOf(ctx.state.group);
    const two = idOf(ctx.state.members[1]);
    const keep = idOf(ctx.state.user);
    const res = await s.send('PATCH', resourcePath('Groups', gid), membersRemovePatch([two], true));
    if (!accepted(res)) {
      lose(ctx, 'membership', 'remove-member-filtered');
      return unexpected(s, res, '204 No Content (or 200)',
        'With ?aadOptscim062020 this is how Entra removes members: if it fails, users who leave the group keep their access in the app.');
    }
    const members = await groupMembers(ctx);
    if (isOutcome(members)) {
      lose(ctx, 'membership', 'remove-member-filtered');
      return members;
    }
    if (members.includes(two) || !members.includes(keep)) {
      lose(ctx, 'membership', 'remove-member-filtered');
      return fail(`${s.line(res)}, but the members are now ${quoted(members)} (expected only ${keep}).`,
        members.includes(two)
          ? 'The filter was not applied: Entra considers the user removed, but the user keeps access through this group.'
          : 'Members the filter does not name were removed: they lose access although they are still in the group in Entra.');
    }
    return pass(`${s.line(res)}; only ${two} was removed.`, 'RFC-style removals work too.');
  },
};

const renameGroup: StepDef = {
  id: 'rename-group',
  title: 'Rename the group',
  entra: 'Entra renames with {"op":"Replace","path":"displayName","value":"<new name>"} and reads groups with ' +
    'GET /Groups/{id}?excludedAttributes=members.',
  needs: ['group'],
  async run(ctx) {
    const s = ctx.session;
    const group = ctx.state.group as Tracked;
    const gid = idOf(group);
    const name = ctx.names.renamedGroup;
    group.names.push(name);
    const res = await s.send('PATCH', resourcePath('Groups', gid), attributesPatch([{ target: 'displayName', value: name }], false));
    if (!accepted(res)) {
      return unexpected(s, res, '204 No Content (or 200)', 'Entra sends the rename again every cycle; the group keeps its old name in the app.');
    }
    const renamed = await read(ctx, 'Groups', gid, `?${GROUP_PROJECTION}`, 'Entra reads groups by id with excludedAttributes=members.');
    if (isOutcome(renamed)) return renamed;
    const shown = getProp(renamed, 'displayName');
    if (shown !== name) {
      return fail(`${s.line(res)}, but displayName is ${JSON.stringify(shown)}, not ${JSON.stringify(name)}.`,
        'The endpoint acknowledged the rename without storing it: Entra considers the group renamed; the app shows the old name.');
    }
    return pass(`${s.line(res)}; GET shows the new name.`, 'Entra\'s renames reach the app.');
  },
};

const muralLastAdmin: StepDef = {
  id: 'mural-last-admin',
  title: 'MURAL: the last admin of a workspace cannot be deactivated',
  entra: 'Entra disables a user who leaves scope with active "False", whatever the user\'s role in the app; MURAL refuses to ' +
    'suspend the last admin of a workspace (409). Admins are made in MURAL\'s app, not through SCIM.',
  mural: true,
  needs: ['membership'],
  async run(ctx) {
    const s = ctx.session;
    const setAdmin = ctx.workspaceAdmin;
    if (!setAdmin) {
      return skip('Not run: SCIM has no request that makes a user a workspace admin (MURAL sets admins in its app), and this run has no other way.',
        'Run the check from VS Code against the mock server, which makes the test user the workspace\'s only admin for this step.');
    }
    const gid = idOf(ctx.state.group);
    const uid = idOf(ctx.state.user);
    await setAdmin(gid, uid, true);
    try {
      const res = await s.send('PATCH', resourcePath('Users', uid), activePatch(false, false));
      if (accepted(res)) {
        return fail(`${s.line(res)}: the endpoint suspended the only admin of the workspace.`,
          'MURAL answers 409 when Entra deactivates the last admin of a workspace, so this endpoint does not behave like MURAL: a ' +
          'deactivation that works here fails against MURAL.');
      }
      if (res.status !== 409) return unexpected(s, res, '409 Conflict, as MURAL answers for the last admin', 'MURAL refuses to suspend the last admin of a workspace.');
      const user = await read(ctx, 'Users', uid, '', 'Entra reads users by id.');
      if (isOutcome(user)) return user;
      if (getProp(user, 'active') !== true) {
        return fail(`${s.line(res)}, but GET shows "active": ${JSON.stringify(getProp(user, 'active'))}.`, 'A refused deactivation must leave the user active.');
      }
      return pass(`${s.line(res)}; the user stays active.${serverSaid(res)}`,
        'Entra records the deactivation as failed in its provisioning log and retries it each cycle; the user keeps access until another ' +
        'member is made an admin of the workspace in MURAL.');
    } finally {
      await setAdmin(gid, uid, false);
    }
  },
};

const deactivate: StepDef = {
  id: 'deactivate-user',
  title: 'Deactivate the user with "False"',
  entra: 'Entra disables a user who is unassigned, leaves scope, is disabled or soft-deleted with ' +
    '{"op":"Replace","path":"active","value":"False"} — a string.',
  needs: ['user'],
  provides: ['deactivated'],
  async run(ctx) {
    const s = ctx.session;
    const res = await s.send('PATCH', resourcePath('Users', idOf(ctx.state.user)), activePatch(false, false));
    if (!accepted(res)) {
      return unexpected(s, res, '200 with the user, or 204',
        `${res.status === 400 ? `${STRING_BOOLEANS} ` : ''}Otherwise users who leave scope or are disabled in Entra keep their access in the ` +
        'app, and Entra retries every cycle.');
    }
    ctx.state.have.add('deactivated');
    return pass(`${s.line(res)}.`, ctx.rules === 'mural'
      ? 'MURAL soft-deletes the user: the user can no longer sign in and loses every workspace.'
      : 'Entra now considers the user disabled in the app.');
  },
};

const verifyDeactivated: StepDef = {
  id: 'verify-deactivated',
  title: 'The deactivated user is still returned, with active false',
  entra: 'Entra expects a soft-deleted user to stay readable with "active": false (a boolean), so it can enable the same user later.',
  needs: ['deactivated'],
  async run(ctx) {
    const s = ctx.session;
    const res = await s.send('GET', resourcePath('Users', idOf(ctx.state.user)));
    if (res.status === 404) {
      return fail(`${s.line(res)}: the deactivated user is gone.`,
        'Entra expects inactive users to still be returned by GET: it enables the same user when it comes back into scope. A 404 makes ' +
        'Entra think the user was deleted; it would create the user again and get a conflict while the userName is still taken.');
    }
    if (res.status !== 200) return unexpected(s, res, '200 with the inactive user', 'Entra cannot read the inactive user.');
    const user = resourceIn(res);
    if (!user) return fail(`${s.line(res)}, but the body is not a SCIM resource with an "id".`, 'Entra cannot read the inactive user.');
    const active = getProp(user, 'active');
    if (active === false) {
      return pass(`${s.line(res)} with "active": false.`, 'The user is still there, disabled, as Entra expects; Entra can enable this same user later.');
    }
    if (typeof active === 'string') {
      return fail(`${s.line(res)}, but "active" is the string ${JSON.stringify(active)}, not the boolean false.`,
        'The endpoint stored Entra\'s string "False" as it came instead of a boolean. SCIM\'s active is a boolean (RFC 7643 §4.1.1): clients ' +
        'that read it as one see a non-empty string — true in JavaScript and many JSON libraries — and take the user for active. ' +
        `${STRING_BOOLEANS}`);
    }
    if (active === true) {
      return fail(`${s.line(res)}, but the user is still active.`,
        'The PATCH was acknowledged but not applied: users who leave scope or are disabled in Entra keep their access in the app.');
    }
    return fail(`${s.line(res)}, but the user has no "active" attribute.`,
      'Entra disables users through "active"; return it as a boolean so Entra (and admins) can see that the user is disabled.');
  },
};

/**
 * A MURAL rule step that reads the test group and expects the test user NOT to be a member (deactivation removed
 * it; reactivation must not bring it back). `provides` is recorded only when the rule holds.
 */
function muralNotMemberStep(def: Pick<StepDef, 'id' | 'title' | 'entra' | 'needs' | 'provides'> & {
  readonly isMember: string; readonly whyFail: string; readonly notMember: string; readonly whyPass: string;
}): StepDef {
  const { isMember, whyFail, notMember, whyPass, ...step } = def;
  return {
    ...step,
    mural: true,
    async run(ctx) {
      const at = `GET ${ctx.session.shortUrl(resourcePath('Groups', idOf(ctx.state.group)))}`;
      const members = await groupMembers(ctx);
      if (isOutcome(members)) return members;
      if (members.includes(idOf(ctx.state.user))) return fail(`${at}: ${isMember}`, whyFail);
      for (const need of def.provides ?? []) ctx.state.have.add(need);
      return pass(`${at}: ${notMember}`, whyPass);
    },
  };
}

const muralWorkspaceLoss = muralNotMemberStep({
  id: 'mural-workspace-loss',
  title: 'MURAL: deactivation removes the user from its workspaces',
  entra: 'Entra only sends active false; MURAL documents that a deactivated user loses access to all workspaces (groups).',
  needs: ['deactivated', 'membership'],
  provides: ['workspaceLost'],
  isMember: 'the deactivated user is still a member.',
  whyFail: 'MURAL documents that a deactivated user loses access to all their workspaces; this endpoint kept the membership, so it does not ' +
    'behave like MURAL.',
  notMember: 'the deactivated user is no longer a member, as MURAL documents.',
  whyPass: 'Entra is not told: it still counts the user as a member of the group and sends no membership change.',
});

const reactivate: StepDef = {
  id: 'reactivate-user',
  title: 'Reactivate the user with "True"',
  entra: 'Entra enables a user who is back in scope with {"op":"Replace","path":"active","value":"True"} — a string.',
  needs: ['deactivated'],
  provides: ['reactivated'],
  async run(ctx) {
    const s = ctx.session;
    const id = idOf(ctx.state.user);
    const res = await s.send('PATCH', resourcePath('Users', id), activePatch(true, false));
    if (!accepted(res)) {
      return unexpected(s, res, '200 with the user, or 204',
        `${res.status === 400 ? `${STRING_BOOLEANS} ` : ''}Otherwise users who come back into scope stay disabled in the app.`);
    }
    const user = await read(ctx, 'Users', id, '', 'Entra reads users by id.');
    if (isOutcome(user)) return user;
    const active = getProp(user, 'active');
    if (active !== true) {
      return fail(`${s.line(res)}, but GET shows "active": ${JSON.stringify(active)}.`,
        `The user stays disabled although Entra enabled it. ${typeof active === 'string' ? STRING_BOOLEANS : ''}`.trim());
    }
    ctx.state.have.add('reactivated');
    return pass(`${s.line(res)}; GET shows "active": true.`, 'Users who come back into scope can sign in again.');
  },
};

const muralNoRestore = muralNotMemberStep({
  id: 'mural-no-restore',
  title: 'MURAL: reactivation does not restore workspaces',
  entra: 'Entra only sends active true; MURAL documents that the workspaces lost on deactivation are not given back.',
  needs: ['reactivated', 'workspaceLost'],
  isMember: 'the reactivated user is a member again.',
  whyFail: 'MURAL documents that reactivation does NOT restore lost workspaces (the user must request reactivation, which a workspace admin ' +
    'approves); this endpoint restored the membership, so it does not behave like MURAL.',
  notMember: 'the reactivated user is still not a member, as MURAL documents.',
  whyPass: 'The user sees "You\'ve been deactivated from this workspace" and must request reactivation, which a workspace admin approves. ' +
    'Entra still counts the user as a member, so it sends no Add: to restore the membership through provisioning, remove the user from ' +
    'the group in Entra and add them again.',
});

function deleteStep(id: 'delete-user' | 'delete-group', kind: Tracked['kind']): StepDef {
  const noun = kind === 'Users' ? 'user' : 'group';
  return {
    id,
    title: `Delete the ${noun}`,
    entra: kind === 'Users'
      ? 'Entra deletes a user (DELETE /Users/{id}) when it is deleted in Entra or the app has no soft delete, and forgets its id.'
      : 'Entra deletes a group (DELETE /Groups/{id}) when it is deleted in Entra or leaves scope.',
    needs: [kind === 'Users' ? 'user' : 'group'],
    async run(ctx) {
      const s = ctx.session;
      const t = (kind === 'Users' ? ctx.state.user : ctx.state.group) as Tracked;
      const res = await s.send('DELETE', resourcePath(kind, idOf(t)));
      if (res.status === 204 || res.status === 200) {
        t.gone = true;
        return res.status === 204
          ? pass(`${s.line(res)}.`, `Entra considers the ${noun} deleted and forgets its id.`)
          : warn(`${s.line(res)}.`, 'SCIM specifies 204 No Content for a DELETE (RFC 7644 §3.6).');
      }
      return unexpected(s, res, '204 No Content', `Entra records the deletion as failed and retries it every cycle; the ${noun} stays in the app.`);
    },
  };
}

const verifyDeleted: StepDef = {
  id: 'verify-deleted',
  title: 'Deleted resources answer 404',
  entra: 'After a DELETE Entra expects the resource to be gone: GET by id answers 404.',
  async run(ctx) {
    const s = ctx.session;
    const deleted = [ctx.state.user, ctx.state.group].filter((t): t is Tracked => !!t?.gone && !!t.id);
    if (deleted.length === 0) return skip('Not run: neither the user nor the group was deleted.', '');
    const lines: string[] = [];
    const still: string[] = [];
    for (const t of deleted) {
      const res = await s.send('GET', resourcePath(t.kind, idOf(t)));
      lines.push(s.line(res));
      if (res.status !== 404) {
        still.push(s.line(res));
        if (res.status === 200) t.gone = false;
      }
    }
    if (still.length) {
      return fail(`After DELETE answered success: ${still.join('; ')}.`,
        'Entra considers the resource deleted and forgets its id; a user the endpoint keeps keeps its access without Entra managing it, ' +
        'and creating it again later conflicts. A DELETE must remove the resource (GET answers 404).');
    }
    return pass(`${lines.join('; ')}.`, 'The deleted resources are gone, as Entra expects.');
  },
};

const duplicateUser: StepDef = {
  id: 'duplicate-user',
  title: 'A duplicate userName is refused with 409',
  entra: 'When Entra\'s match misses an existing user (a userName with capitals on an endpoint that lowercases, for instance), it POSTs ' +
    'the user again and relies on 409 Conflict with scimType uniqueness.',
  needs: ['members'],
  async run(ctx) {
    const s = ctx.session;
    const planned = ctx.names.members[0];
    const res = await s.send('POST', '/Users', userBody({ ...planned, externalId: `${planned.externalId}.duplicate` }, ctx.rules));
    if (res.status >= 200 && res.status < 300) {
      const created = resourceIn(res);
      ctx.state.created.push({ kind: 'Users', names: [planned.userName], ...(created ? { id: created.id } : {}), gone: false });
      return fail(`${s.line(res)}: the endpoint created a second user with the same userName.`,
        'userName must be unique (RFC 7643 §4.1.1). With two users answering Entra\'s userName eq filter, Entra cannot tell which one it ' +
        'manages. Answer 409 with scimType "uniqueness".');
    }
    if (res.status !== 409) {
      return unexpected(s, res, '409 Conflict with scimType "uniqueness"',
        'Entra relies on 409 to learn that a user with this userName already exists; any other answer is a generic failure retried every cycle.');
    }
    const scimType = scimErrorInfo(res)?.scimType;
    if (scimType !== 'uniqueness') {
      return warn(`${s.line(res)} without scimType "uniqueness"${scimType ? ` (scimType ${JSON.stringify(scimType)})` : ''}.`,
        'RFC 7644 §3.3 answers a duplicate with a SCIM error whose scimType is "uniqueness"; Entra shows it in the provisioning log.');
    }
    return pass(`${s.line(res)} (uniqueness).${serverSaid(res)}`,
      'Entra records the conflict for that user in its provisioning log; fix the matching (see the MURAL steps on case) rather than the endpoint.');
  },
};

const unknownId: StepDef = {
  id: 'unknown-id',
  title: 'An unknown id answers 404 with a SCIM error',
  entra: 'Entra reads 404 for an id as "this resource is gone" and expects the SCIM error body ' +
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"…"}, status as a string.',
  async run(ctx) {
    const s = ctx.session;
    const res = await s.send('GET', resourcePath('Users', randomUUID()));
    if (res.status !== 404) {
      return unexpected(s, res, '404 Not Found with a SCIM error',
        `Entra treats 404 as "the user is gone"; ${res.status === 200 ? 'a 200 makes Entra believe a user exists that does not' : 'any other answer is an error Entra retries every cycle'}.`);
    }
    const body = res.json;
    const problems: string[] = [];
    if (!isObject(body)) {
      problems.push(res.body.trim() ? `the body is not JSON (${res.headers['content-type'] ?? 'no Content-Type'})` : 'the body is empty');
    } else {
      if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.Error)) problems.push(`"schemas" lacks ${URN.Error}`);
      if (typeof body.status === 'number') problems.push(`"status" is the number ${body.status}, not the string "${body.status}"`);
      else if (body.status === undefined) problems.push('"status" is missing');
      else if (body.status !== '404') problems.push(`"status" is ${JSON.stringify(body.status)}, not "404"`);
    }
    if (problems.length) {
      return fail(`${s.line(res)}, but it is not a SCIM error: ${problems.join('; ')}.`,
        'Entra reads error answers as SCIM errors, with "status" as a string (RFC 7644 §3.12); with another body the provisioning log has ' +
        'no usable reason and strict SCIM clients reject the answer. Answer every error with the SCIM error body.');
    }
    return pass(`${s.line(res)} with a SCIM error ("status": "404").`, 'Entra reads it as "this user no longer exists in the app".');
  },
};

const contentType: StepDef = {
  id: 'content-type',
  title: 'Responses are application/scim+json',
  entra: 'Entra expects every SCIM answer as application/scim+json (RFC 7644 §3.1), errors included.',
  always: true,
  async run(ctx) {
    const s = ctx.session;
    const bodies = ctx.state.steps.flatMap((step) => step.exchanges)
      .filter((e): e is Exchange & { response: NonNullable<Exchange['response']> } => !!e.response && e.response.body.trim() !== '');
    if (bodies.length === 0) return skip('Not run: no answer with a body to judge.', '');
    const describe = (e: (typeof bodies)[number]) =>
      `${e.request.method} ${s.shortUrl(e.request.url)} → ${e.response.status} (${e.response.headers['content-type'] || 'no Content-Type'})`;
    const type = (e: (typeof bodies)[number]) => (e.response.headers['content-type'] ?? '').toLowerCase();
    const foreign = bodies.filter((e) => !type(e).includes('json'));
    const plainJson = bodies.filter((e) => type(e).includes('json') && !type(e).includes('application/scim+json'));
    const list = (es: typeof bodies) => `${es.slice(0, 5).map(describe).join('; ')}${es.length > 5 ? `; and ${es.length - 5} more` : ''}`;
    if (foreign.length) {
      return fail(`${foreign.length} of ${bodies.length} answers with a body are not JSON: ${list(foreign)}.`,
        'Entra cannot read such an answer (an HTML error page, plain text) as SCIM, so its provisioning log cannot say what went wrong. ' +
        'Answer every request, errors included, with application/scim+json.');
    }
    if (plainJson.length) {
      return warn(`${plainJson.length} of ${bodies.length} answers with a body are application/json: ${list(plainJson)}.`,
        'SCIM (RFC 7644 §3.1) and Entra\'s documentation specify application/scim+json; application/json is widely tolerated but not what Entra documents.');
    }
    return pass(`All ${bodies.length} answers with a body are application/scim+json.`, 'As Entra expects.');
  },
};

const cleanup: StepDef = {
  id: 'cleanup',
  title: 'Clean up',
  entra: 'Not an Entra request: the check deletes every user and group it created, whatever happened before.',
  always: true,
  async run(ctx) {
    const s = ctx.session;
    const deleted: string[] = [];
    const left: string[] = [];
    const deletedIds = new Set<string>();
    const remove = async (t: Tracked, id: string) => {
      if (deletedIds.has(`${t.kind}/${id}`)) return;
      const res = await s.send('DELETE', resourcePath(t.kind, id), undefined, { cancellable: false });
      if (res.status === 204 || res.status === 200 || res.status === 404) {
        deletedIds.add(`${t.kind}/${id}`);
        if (res.status !== 404) deleted.push(`${t.kind === 'Users' ? 'user' : 'group'} ${t.names[0]} (${id})`);
      } else {
        left.push(`${t.kind === 'Users' ? 'user' : 'group'} ${t.names[0]} (${id}): ${s.line(res)}${serverSaid(res)}`);
      }
    };
    // Groups first, so no membership outlives its user; then users, in creation order.
    const pending = [...ctx.state.created.filter((t) => t.kind === 'Groups'), ...ctx.state.created.filter((t) => t.kind === 'Users')]
      .filter((t) => !t.gone);
    for (const t of pending) {
      try {
        if (t.id) {
          await remove(t, t.id);
          continue;
        }
        // The id never came back (an empty POST answer, say): find what the endpoint made by its unique name.
        const attribute = t.kind === 'Users' ? 'userName' : 'displayName';
        const tried = new Set<string>();
        for (const name of t.names.flatMap((n) => [n, n.toLowerCase()])) {
          if (tried.has(name)) continue;
          tried.add(name);
          const q = t.kind === 'Users' ? lookupPath('Users', 'userName', name) : lookupPath('Groups', 'displayName', name);
          const res = await s.send('GET', q, undefined, { cancellable: false });
          const list = listIn(s, res, '');
          if (isOutcome(list)) {
            left.push(`${t.kind === 'Users' ? 'user' : 'group'} ${name} (id unknown; the look-up answered ${res.status})`);
            break;
          }
          for (const r of list.resources) {
            const value = getProp(r, attribute);
            const id = getProp(r, 'id');
            if (typeof id === 'string' && typeof value === 'string' && value.toLowerCase() === name.toLowerCase()) await remove(t, id);
          }
        }
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        left.push(`${t.kind === 'Users' ? 'user' : 'group'} ${t.names[0]}${t.id ? ` (${t.id})` : ''}: ${e.summary}`);
      }
    }
    if (left.length) {
      return fail(`Could not delete ${left.length} test resource(s): ${left.join('; ')}.`,
        `They are left on the endpoint: delete them by hand (their names contain "${ctx.names.suffix}").`);
    }
    return deleted.length
      ? pass(`Deleted ${deleted.length} test resource(s): ${deleted.join(', ')}.`, 'The endpoint is as it was before the check.')
      : pass('Nothing left to delete.', 'The check\'s own steps already deleted what it created.');
  },
};

/** Every step in Entra's order; the runner drops the MURAL ones for generic SCIM targets. */
export const STEPS: readonly StepDef[] = [
  testConnectionStep,
  matchUser,
  createUser,
  muralLowercase,
  rematchUser,
  muralFilterCase,
  muralFilterSupport,
  muralDigits,
  updateLegacy,
  updateModern,
  createMembers,
  matchGroup,
  createGroup,
  addMembers,
  removeLegacy,
  removeFiltered,
  renameGroup,
  muralLastAdmin,
  deactivate,
  verifyDeactivated,
  muralWorkspaceLoss,
  reactivate,
  muralNoRestore,
  deleteStep('delete-user', 'Users'),
  deleteStep('delete-group', 'Groups'),
  verifyDeleted,
  duplicateUser,
  unknownId,
  contentType,
  cleanup,
];
