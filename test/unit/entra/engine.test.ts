// The provisioning engine against the mock MURAL server over HTTP: an initial and incremental cycles of a
// sample directory, each decision of the pipeline (create, RedundantExport, update of only what changed,
// disable through IsSoftDeleted in both PATCH shapes, delete, NotEffectivelyEntitled, MURAL's 400s, member
// references), the state kept between cycles, restart, dry run, refused credentials; and the shared builders
// of Entra's requests.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../../../src/client/http';
import {
  activePatch, attributesPatch, createBody, lookupPath, membersAddPatch, membersRemovePatch,
} from '../../../src/client/entraRequests';
import { readDirectory } from '../../../src/entra/directory/load';
import { sampleDirectory } from '../../../src/entra/directory/sample';
import { loadConfiguration, muralDefaultConfiguration } from '../../../src/entra';
import { fromEntraConfiguration, muralDefaultEngineConfiguration, type ProvisioningConfiguration } from '../../../src/entra/engine/config';
import { addOnly, runCycle, type CycleProgress, type CycleResult, type CycleTarget } from '../../../src/entra/engine/cycle';
import { outcomesText } from '../../../src/entra/engine/format';
import { userFingerprint } from '../../../src/entra/engine/source';
import type { ProvisioningLogEntry } from '../../../src/entra/engine/log';
import { onDemandSubject } from '../../../src/entra/engine/onDemand';
import { ENTRA_THRESHOLDS, judge, nextAttempt } from '../../../src/entra/engine/quarantine';
import { allowStagedDeletions, newState, parseState, restartState, saveState, stateChunks, type EngineState } from '../../../src/entra/engine/state';
import { httpTarget } from '../../../src/entra/engine/target';
import { URN } from '../../../src/scim/schemas';
import { filterQuery, startServer, TOKEN, type Harness } from '../mock/helpers';

const BASE = '/enterprise/v1/scim';
const HOUR = 3600_000;
type Dir = { users: Record<string, any>[]; deletedUsers: Record<string, any>[]; groups: Record<string, any>[]; appRoleAssignedTo: Record<string, any>[] };

function entryFor(result: CycleResult, name: string, membership = false): ProvisioningLogEntry | undefined {
  return result.entries.find((e) => e.sourceIdentity.displayName === name && (e.provisioningAction === 'update' && e.modifiedProperties.some((p) => p.displayName === 'members')) === membership);
}

function opsOf(e: ProvisioningLogEntry, method: string): any[] {
  const x = e.exchanges.find((ex) => ex.request.method === method);
  assert.ok(x?.request.body, `${method} in ${e.sourceIdentity.displayName}'s exchanges`);
  return JSON.parse(x.request.body).Operations;
}

describe('entra/requests: Entra\'s request shapes, shared by the check and the engine', () => {
  it('builds the create bodies Entra sends', () => {
    assert.deepEqual(createBody('Users', [
      ['userName', 'Ada@Contoso.com'], ['emails[type eq "work"].value', 'ada@contoso.com'], ['active', true],
      ['name.givenName', 'Ada'], [`${URN.EnterpriseUser}:department`, 'Eng'], ['phoneNumbers[type eq "mobile"].value', '+1 555'],
    ]), {
      schemas: [URN.User, URN.EnterpriseUser],
      userName: 'Ada@Contoso.com',
      emails: [{ primary: true, type: 'work', value: 'ada@contoso.com' }],
      active: true,
      name: { givenName: 'Ada' },
      [URN.EnterpriseUser]: { department: 'Eng' },
      phoneNumbers: [{ type: 'mobile', value: '+1 555' }],
      meta: { resourceType: 'User' },
      roles: [],
    });
    assert.deepEqual(createBody('Groups', [['displayName', 'Eng'], ['externalId', 'g1']]), {
      schemas: [URN.Group, URN.EntraGroup], displayName: 'Eng', externalId: 'g1', meta: { resourceType: 'Group' },
    });
  });

  it('builds both PATCH shapes, the disable, member adds and removes, and the match queries', () => {
    const changes = [{ target: 'name.givenName', value: 'Ada' }, { target: 'nickName', value: 'A', added: true }, { target: 'active', value: true }];
    assert.deepEqual(attributesPatch(changes, false).Operations, [
      { op: 'Replace', path: 'name.givenName', value: 'Ada' }, { op: 'Add', path: 'nickName', value: 'A' }, { op: 'Replace', path: 'active', value: 'True' },
    ]);
    assert.deepEqual(attributesPatch(changes, true).Operations, [{ op: 'replace', value: { 'name.givenName': 'Ada', nickName: 'A', active: true } }]);
    assert.deepEqual(activePatch(false, false).Operations, [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.deepEqual(activePatch(false, true).Operations, [{ op: 'replace', path: 'active', value: false }]);
    assert.deepEqual(membersAddPatch(['u1', 'u2']).Operations, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }]);
    assert.deepEqual(membersRemovePatch(['u1', 'u2'], false).Operations, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }]);
    assert.deepEqual(membersRemovePatch(['u1', 'u2'], true).Operations, [{ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'remove', path: 'members[value eq "u2"]' }]);
    assert.equal(lookupPath('Users', 'userName', 'a b@x'), '/Users?filter=userName+eq+%22a+b%40x%22');
    assert.equal(lookupPath('Groups', 'displayName', 'Eng'), '/Groups?excludedAttributes=members&filter=displayName+eq+%22Eng%22');
  });
});

describe('entra/engine: cycles against the mock MURAL server', () => {
  let h: Harness;
  let client: HttpClient;
  let dir: Dir;
  let state: EngineState;
  const cycle = (options: { url?: string; token?: string; dryRun?: boolean; configuration?: ProvisioningConfiguration; deletionThreshold?: number; onDemand?: string } = {}) => runCycle({
    directory: readDirectory(structuredClone(dir), 'dir.json'),
    configuration: options.configuration ?? muralDefaultEngineConfiguration(),
    state,
    target: httpTarget(client, { tenantUrl: options.url ?? h.url, token: options.token ?? TOKEN, authScheme: 'Bearer' }),
    memberBatchSize: 3,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.deletionThreshold !== undefined ? { deletionThreshold: options.deletionThreshold } : {}),
    ...(options.onDemand !== undefined ? { onDemand: onDemandSubject(readDirectory(structuredClone(dir), 'dir.json'), options.onDemand) } : {}),
  });
  const find = async (userName: string) => (await h.call('GET', `${BASE}/Users?${filterQuery(`userName eq "${userName}"`)}`)).json.Resources as any[];

  beforeEach(async () => {
    h = await startServer();
    client = new HttpClient();
    dir = sampleDirectory({ users: 12, groups: 3 }) as unknown as Dir;
    state = newState(h.url);
  });
  afterEach(async () => {
    await client.close();
    await h.close();
  });

  it('initial cycle: creates in Entra\'s order and logs each decision in Entra\'s words', async () => {
    const r = await cycle();
    assert.equal(r.cycle.kind, 'initial');
    assert.equal(r.cycle.stopped, undefined);
    const [caps, digit, noMail, disabled, unassigned] = dir.users;
    const deleted = dir.deletedUsers[0];

    // Capitals in the UPN: matched (MURAL finds nothing for a filter with capitals), created, stored lower case.
    const created = entryFor(r, caps.userPrincipalName)!;
    assert.equal(created.provisioningAction, 'create');
    assert.equal(created.provisioningStatusInfo.status, 'success');
    assert.deepEqual(created.exchanges.map((x) => `${x.request.method} ${x.response?.status}`), ['GET 200', 'POST 201']);
    const post = JSON.parse(created.exchanges[1].request.body!);
    assert.deepEqual(post, createBody('Users', [
      ['userName', caps.userPrincipalName], ['emails[type eq "work"].value', caps.mail], ['active', true],
      ['name.givenName', caps.givenName], ['name.familyName', caps.surname], ['externalId', caps.mailNickname],
    ]));
    const stored = await find(caps.userPrincipalName.toLowerCase());
    assert.equal(stored.length, 1);
    assert.equal(stored[0].userName, caps.userPrincipalName.toLowerCase());
    assert.equal(created.targetIdentity.id, stored[0].id);
    assert.deepEqual(created.provisioningSteps.map((s) => `${s.name}/${s.provisioningStepType}/${s.status}`), [
      'EntryImport/import/success', 'EntrySynchronizationScoping/scoping/success', 'EntrySynchronizationAdd/matching/success', 'EntryExportAdd/export/success',
    ]);
    assert.equal(created.provisioningSteps[0].description, `Retrieved User '${caps.userPrincipalName}' from Azure Active Directory`);

    // A digit in the surname: MURAL's 400, logged as a failure with MURAL's detail.
    const failed = entryFor(r, digit.userPrincipalName)!;
    assert.equal(failed.provisioningAction, 'create');
    assert.equal(failed.provisioningStatusInfo.status, 'failure');
    assert.equal(failed.provisioningStatusInfo.errorInformation?.errorCode, 'SystemForCrossDomainIdentityManagementBadRequest');
    assert.match(failed.provisioningStatusInfo.errorInformation!.reason, /HTTP status code 400.*name\.familyName must not contain digits/);
    assert.equal(failed.targetIdentity.id, '');
    // No mail: MURAL requires a work email.
    assert.match(entryFor(r, noMail.userPrincipalName)!.provisioningStatusInfo.errorInformation!.reason, /emails\[type eq "work"\]\.value is required/);
    // Disabled, unassigned and soft-deleted users: skipped, nothing sent.
    for (const [u, why] of [[disabled, /disabled in Microsoft Entra ID/], [unassigned, /not assigned to the application/], [deleted, /recycle bin/]] as const) {
      const e = entryFor(r, u.userPrincipalName)!;
      assert.equal(e.provisioningStatusInfo.status, 'skipped', u.userPrincipalName);
      assert.equal(e.provisioningStatusInfo.errorInformation?.errorCode, 'NotEffectivelyEntitled');
      assert.match(e.provisioningStatusInfo.errorInformation!.reason, why);
      assert.equal(e.exchanges.length, 0);
    }
    assert.equal(r.cycle.stats.users.create, 12 - 6 + 1);
    assert.equal(r.cycle.stats.users.failed, 2);
    assert.equal(r.cycle.stats.users.skipped, 3);

    // Groups after users, looked up without members and created without them; the unassigned group skipped.
    const [eng, design, marketing] = dir.groups;
    const g = entryFor(r, eng.displayName)!;
    assert.equal(g.provisioningAction, 'create');
    assert.match(g.exchanges[0].request.url, /\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22Engineering%22$/);
    assert.equal(JSON.parse(g.exchanges[1].request.body!).members, undefined);
    assert.equal(entryFor(r, marketing.displayName)!.provisioningStatusInfo.errorInformation?.errorCode, 'NotEffectivelyEntitled');
    const firstGroup = r.entries.findIndex((e) => e.sourceIdentity.identityType === 'Group');
    assert.ok(r.entries.slice(firstGroup).every((e) => e.sourceIdentity.identityType === 'Group'), 'users first, then groups');

    // Memberships last: several members per PATCH (batch of 3), members that failed are reference failures.
    for (const group of [eng, design]) {
      const m = entryFor(r, group.displayName, true)!;
      const failing = group.members.filter((id: string) => id === digit.id || id === noMail.id);
      const added = m.modifiedProperties.filter((p) => p.displayName === 'members').length;
      assert.equal(added, group.members.length - failing.length - (group.members.includes(disabled.id) ? 1 : 0));
      assert.ok(m.exchanges.every((x) => x.request.method === 'PATCH' && JSON.parse(x.request.body!).Operations[0].value.length <= 3));
      const stored = (await h.call('GET', `${BASE}/Groups/${state.groups[group.id].targetId}`)).json;
      assert.equal(stored.members?.length ?? 0, added);
      if (failing.length) {
        assert.equal(m.provisioningStatusInfo.errorInformation?.errorCode, 'UnableToResolveReferenceAttributeValue');
        assert.ok(m.provisioningSteps.some((s) => s.description === `We were unable to assign ${failing[0]} as the members of ${group.displayName}.`));
      }
    }
  });

  it('incremental cycles: nothing for unchanged objects, escrows retried, only changed attributes PATCHed, disable, delete', async () => {
    await cycle();
    const [caps, digit, , , , regular, other, gone] = dir.users;

    // No change: no entry for anything that succeeded; the failures are retried (escrow).
    const second = await cycle();
    assert.equal(second.cycle.kind, 'incremental');
    assert.deepEqual(second.entries.filter((e) => e.provisioningStatusInfo.status !== 'failure'), []);
    assert.ok(entryFor(second, digit.userPrincipalName));
    assert.equal(entryFor(second, caps.userPrincipalName), undefined);
    assert.equal(state.users[digit.id].escrow?.count, 2);

    // Fix the surname, rename one user, disable another, delete a third.
    digit.surname = digit.surname.replace(/\d/g, '');
    const oldGiven = regular.givenName;
    regular.givenName = 'Renamed';
    other.accountEnabled = false;
    dir.users = dir.users.filter((u) => u !== gone);
    for (const group of dir.groups) group.members = group.members.filter((id: string) => id !== gone.id);
    dir.appRoleAssignedTo = dir.appRoleAssignedTo.filter((a) => a.principalId !== gone.id);
    const third = await cycle();

    const fixed = entryFor(third, digit.userPrincipalName)!;
    assert.equal(fixed.provisioningAction, 'create');
    assert.equal(fixed.provisioningStatusInfo.status, 'success');
    assert.equal(state.users[digit.id].escrow, undefined);

    const renamed = entryFor(third, regular.userPrincipalName)!;
    assert.equal(renamed.provisioningAction, 'update');
    assert.deepEqual(renamed.exchanges.map((x) => x.request.method), ['GET', 'PATCH']);
    assert.deepEqual(opsOf(renamed, 'PATCH'), [{ op: 'Replace', path: 'name.givenName', value: 'Renamed' }]);
    assert.deepEqual(renamed.modifiedProperties, [{ displayName: 'name.givenName', oldValue: oldGiven, newValue: 'Renamed' }]);
    assert.equal((await find(regular.userPrincipalName))[0].name.givenName, 'Renamed');

    const disabled = entryFor(third, other.userPrincipalName)!;
    assert.equal(disabled.provisioningAction, 'disable');
    assert.deepEqual(opsOf(disabled, 'PATCH'), [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.equal((await find(other.userPrincipalName))[0].active, false);
    assert.deepEqual(disabled.modifiedProperties, [{ displayName: 'active', oldValue: 'True', newValue: 'False' }]);

    const deleted = entryFor(third, gone.userPrincipalName)!;
    assert.equal(deleted.provisioningAction, 'delete');
    assert.deepEqual(deleted.exchanges.map((x) => `${x.request.method} ${x.response?.status}`), ['DELETE 204']);
    assert.deepEqual(await find(gone.userPrincipalName), []);
    assert.equal(state.users[gone.id], undefined);

    // The fixed user joins the groups whose membership failed for it.
    const eng = dir.groups[0];
    if (eng.members.includes(digit.id)) {
      const m = entryFor(third, eng.displayName, true)!;
      assert.ok(m.modifiedProperties.some((p) => p.newValue === state.users[digit.id].targetId));
    }

    // Re-enabled: an update of active, memberships are not restored (MURAL dropped them on deactivation).
    other.accountEnabled = true;
    const fourth = await cycle();
    const enabled = entryFor(fourth, other.userPrincipalName)!;
    assert.equal(enabled.provisioningAction, 'update');
    assert.deepEqual(opsOf(enabled, 'PATCH'), [{ op: 'Replace', path: 'active', value: 'True' }]);
  });

  it('SkipOutOfScopeDeletions: a user leaving scope is not disabled; a hard delete still goes out', async () => {
    await cycle();
    const [, , , , , regular, other] = dir.users;
    regular.accountEnabled = false;
    dir.users = dir.users.filter((u) => u !== other);
    for (const group of dir.groups) group.members = group.members.filter((id: string) => id !== other.id);
    dir.appRoleAssignedTo = dir.appRoleAssignedTo.filter((a) => a.principalId !== other.id);
    const r = await runCycle({
      directory: readDirectory(structuredClone(dir), 'dir.json'), configuration: muralDefaultEngineConfiguration(), state,
      target: httpTarget(client, { tenantUrl: h.url, token: TOKEN, authScheme: 'Bearer' }), skipOutOfScopeDeletions: true,
    });
    const kept = entryFor(r, regular.userPrincipalName)!;
    assert.equal(kept.provisioningStatusInfo.status, 'skipped');
    assert.match(kept.provisioningStatusInfo.errorInformation!.reason, /SkipOutOfScopeDeletions is set/);
    assert.equal(kept.exchanges.length, 0);
    assert.equal((await find(regular.userPrincipalName))[0].active, true);
    assert.equal(entryFor(r, other.userPrincipalName)!.provisioningAction, 'delete');
  });

  it('the state survives serialisation, and Restart makes the next cycle initial without breaking links', async () => {
    await cycle();
    state = parseState(JSON.stringify(state), 'state.json');
    const [caps] = dir.users;
    const linked = state.users[caps.id].targetId;
    assert.ok(linked);
    restartState(state);
    const r = await cycle();
    assert.equal(r.cycle.kind, 'initial');
    const again = entryFor(r, caps.userPrincipalName)!;
    assert.equal(again.provisioningStatusInfo.errorInformation?.errorCode, 'RedundantExport');
    assert.equal(again.provisioningStatusInfo.errorInformation?.reason, `The state of the user in both the source and target systems already match. No change to the User '${caps.userPrincipalName}' currently needs to be made.`);
    assert.deepEqual(again.exchanges.map((x) => x.request.method), ['GET']);
    assert.equal(state.users[caps.id].targetId, linked);
    assert.equal(r.cycle.stats.users.create, 0);
  });

  it('escrowed failures are retried with gradually decreasing frequency: the next cycle, then every second, fourth … cycle', async () => {
    await cycle();
    const [, digit] = dir.users;
    const retried: boolean[] = [];
    for (let i = 0; i < 6; i++) retried.push(entryFor(await cycle(), digit.userPrincipalName) !== undefined);
    // Failed in cycle 1 (count 1: due 40 min later), 2 (count 2: 80 min), 4 (count 3: 160 min), then cycle 8.
    assert.deepEqual(retried, [true, false, true, false, false, false]);
    assert.equal(state.users[digit.id].escrow?.count, 3);
    assert.equal(Date.parse(state.users[digit.id].escrow!.retryAt!) - Date.parse(state.users[digit.id].escrow!.since) >= 160 * 60_000, true);
    // A change to the source retries it at once, due or not.
    digit.surname = digit.surname.replace(/\d/g, '');
    const fixed = entryFor(await cycle(), digit.userPrincipalName)!;
    assert.equal(fixed.provisioningStatusInfo.status, 'success');
    assert.equal(state.users[digit.id].escrow, undefined);
  });

  it('a state file of the earlier format (the values sent kept per link) still loads: an incremental cycle, links kept, saved lean', async () => {
    await cycle();
    const old = JSON.parse(JSON.stringify(state));
    for (const link of Object.values(old.users) as Record<string, unknown>[]) {
      if (link.targetId) link.sent = { userName: 'ada@contoso.com', active: true, 'name.givenName': 'Ada' };
    }
    state = parseState(JSON.stringify(old), 'state.json');
    assert.ok(!JSON.stringify(state).includes('"sent"'), 'the values sent are dropped on load');
    const r = await cycle();
    assert.equal(r.cycle.kind, 'incremental');
    // Only the failures of the first cycle are retried; nothing linked is created or touched again.
    assert.deepEqual(r.entries.filter((e) => e.provisioningStatusInfo.status !== 'failure'), []);
    assert.ok(r.entries.length > 0);
  });

  it('refuses a state file of an unknown version with what to do', () => {
    assert.throws(() => parseState(JSON.stringify({ ...newState('http://x'), version: 7 }), 'state.json'),
      /state\.json: not a provisioning state file of this version .*Delete it to start with an initial cycle/);
  });

  it('with ?aadOptscim062020 disables with a boolean; matching a user already in the target links it', async () => {
    const [, , , , , regular] = dir.users;
    await h.call('POST', `${BASE}/Users`, createBody('Users', [['userName', regular.userPrincipalName], ['emails[type eq "work"].value', regular.mail], ['name.givenName', 'Old']]));
    const url = `${h.url}?aadOptscim062020`;
    const first = await cycle({ url });
    const matched = entryFor(first, regular.userPrincipalName)!;
    assert.equal(matched.provisioningAction, 'update');
    assert.deepEqual(opsOf(matched, 'PATCH'), [{ op: 'replace', value: { active: true, 'name.givenName': regular.givenName, 'name.familyName': regular.surname, externalId: regular.mailNickname } }]);
    regular.accountEnabled = false;
    const second = await cycle({ url });
    assert.deepEqual(opsOf(entryFor(second, regular.userPrincipalName)!, 'PATCH'), [{ op: 'replace', path: 'active', value: false }]);
  });

  it('a dry run sends only the matching GETs and leaves the state as it was', async () => {
    const before = structuredClone(state);
    const r = await cycle({ dryRun: true });
    assert.deepEqual(state, before);
    assert.equal(r.cycle.dryRun, true);
    assert.ok(r.entries.some((e) => e.provisioningAction === 'create' && e.dryRun));
    assert.ok(r.entries.every((e) => e.exchanges.every((x) => x.request.method === 'GET' ? x.response !== undefined : x.response === undefined)));
    assert.equal((await h.call('GET', `${BASE}/Users`)).json.totalResults, 0);
  });

  it('two source objects in scope with the same matching value fail as DuplicateSourceEntries, and nothing is sent for them', async () => {
    dir.groups[1].displayName = dir.groups[0].displayName;
    const [, , , , , regular, other, disabled] = dir.users;
    other.mail = regular.mail;
    disabled.mail = regular.mail;
    disabled.accountEnabled = false;
    const file = muralDefaultConfiguration() as any;
    const [userMapping] = file.synchronizationRules[0].objectMappings;
    for (const a of userMapping.attributeMappings) a.matchingPriority = a.targetAttributeName === 'emails[type eq "work"].value' ? 1 : 0;
    const r = await cycle({ configuration: fromEntraConfiguration(loadConfiguration(file).config!) });
    for (const name of [dir.groups[0].displayName, regular.userPrincipalName, other.userPrincipalName]) {
      const e = r.entries.find((x) => x.sourceIdentity.displayName === name && x.provisioningStatusInfo.status === 'failure')!;
      assert.equal(e?.provisioningStatusInfo.errorInformation?.errorCode, 'DuplicateSourceEntries', name);
      assert.deepEqual(e.exchanges, [], 'no lookup sent');
    }
    // The disabled user with the same mail is out of scope: it is not counted.
    assert.match(entryFor(r, regular.userPrincipalName)!.provisioningStatusInfo.errorInformation!.reason, /^2 Users in scope in Azure Active Directory have emails\[type eq "work"\]\.value ".*" \(from \[mail\]\)/);
    assert.equal(r.cycle.stats.groups.failed, 2);
    assert.notEqual(entryFor(r, dir.groups[2].displayName)!.provisioningStatusInfo.errorInformation?.errorCode, 'DuplicateSourceEntries');
    const [caps] = dir.users;
    assert.equal(entryFor(r, caps.userPrincipalName)!.exchanges[0].request.method, 'GET', 'a user with its own mail is looked up');
  });

  it('flow types that only add: AttributeAddOnly leaves a value the target has, ValueAddOnly fills one it lacks', async () => {
    await cycle();
    const file = muralDefaultConfiguration() as any;
    const [userMapping] = file.synchronizationRules[0].objectMappings;
    const attr = (target: string) => userMapping.attributeMappings.find((a: any) => a.targetAttributeName === target);
    attr('name.givenName').flowType = 'AttributeAddOnly';
    attr('name.familyName').flowType = 'ValueAddOnly';
    const configuration = fromEntraConfiguration(loadConfiguration(file).config!);
    const [, , , , , regular] = dir.users;
    await h.call('PATCH', `${BASE}/Users/${state.users[regular.id].targetId}`, { schemas: [URN.PatchOp], Operations: [{ op: 'remove', path: 'name.familyName' }] });
    regular.givenName = 'Renamed';
    regular.surname = 'Newname';
    const r = await cycle({ configuration });
    const e = entryFor(r, regular.userPrincipalName)!;
    assert.deepEqual(e.modifiedProperties.map((p) => [p.displayName, p.oldValue, p.newValue]), [['name.familyName', null, 'Newname']]);
    const [user] = (await h.call('GET', `${BASE}/Users?${filterQuery(`userName eq "${regular.userPrincipalName.toLowerCase()}"`)}`)).json.Resources;
    assert.notEqual(user.name.givenName, 'Renamed', 'AttributeAddOnly does not overwrite');
    assert.equal(user.name.familyName, 'Newname');
  });

  it('follows a provisioning configuration file: scoping filters, expressions, expression errors, a disabled group mapping', async () => {
    const file = muralDefaultConfiguration() as any;
    const [userMapping, groupMapping] = file.synchronizationRules[0].objectMappings;
    const attr = (target: string) => userMapping.attributeMappings.find((a: any) => a.targetAttributeName === target);
    attr('name.givenName').source = { expression: 'ToUpper([givenName])', type: 'Function', name: 'ToUpper', parameters: [] };
    attr('externalId').source = { expression: 'IIF([department]="Design", CDate([department]), [mailNickname])', type: 'Function', name: 'IIF', parameters: [] };
    userMapping.scope = { groups: [{ name: 'Not Legal', clauses: [{ operatorName: 'NOT EQUALS', sourceOperandName: 'department', targetOperand: { values: ['Legal'] } }] }] };
    groupMapping.enabled = false;
    const { config, problems } = loadConfiguration(file);
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
    const configuration = fromEntraConfiguration(config!);
    assert.notEqual(configuration.fingerprint, muralDefaultEngineConfiguration().fingerprint);
    const [, , , , , regular, second, third] = dir.users;
    regular.department = 'Legal';
    second.department = 'Design';
    const r = await cycle({ configuration });

    const filtered = entryFor(r, regular.userPrincipalName)!;
    assert.equal(filtered.provisioningStatusInfo.errorInformation?.errorCode, 'NotEffectivelyEntitled');
    assert.match(filtered.provisioningStatusInfo.errorInformation!.reason, /did not pass a scoping filter/);
    assert.match(filtered.provisioningSteps[1].details.ScopingFilter, /Not Legal: department .*NOT EQUALS.*: false/);

    const broken = entryFor(r, second.userPrincipalName)!;
    assert.equal(broken.provisioningStatusInfo.status, 'failure');
    assert.equal(broken.provisioningStatusInfo.errorInformation?.errorCode, 'ExpressionEvaluationFailed');
    assert.match(broken.provisioningStatusInfo.errorInformation!.reason, /externalId ← IIF.*CDate: "Design" is not a date/);
    assert.deepEqual(broken.exchanges.map((x) => x.request.method), ['GET'], 'nothing is written for an object whose mappings fail');

    const upper = entryFor(r, third.userPrincipalName)!;
    assert.equal(upper.provisioningAction, 'create');
    assert.equal(JSON.parse(upper.exchanges[1].request.body!).name.givenName, third.givenName.toUpperCase());
    assert.equal(r.entries.filter((e) => e.sourceIdentity.identityType === 'Group').length, 0, 'the group mapping is disabled');

    // A mapping change makes the next cycle initial again: every object is evaluated.
    const next = await cycle();
    assert.equal(next.cycle.kind, 'initial');
    assert.equal(entryFor(next, regular.userPrincipalName)!.provisioningAction, 'create', 'no scoping filter any more');
    // "GRACE" and "Grace" differ only in case: Entra compares ignoring case unless the target is caseExact.
    assert.equal(entryFor(next, third.userPrincipalName)!.provisioningStatusInfo.errorInformation?.errorCode, 'RedundantExport');
  });

  it('refused credentials stop the cycle at once; the rest waits for the next cycle', async () => {
    const r = await cycle({ token: 'wrong-token' });
    assert.match(r.cycle.stopped ?? '', /refused the credentials \(401\)/);
    // The objects in flight (4 workers) each get the 401; skips need no request; nothing else is tried.
    const failed = r.entries.filter((e) => e.provisioningStatusInfo.status === 'failure');
    assert.ok(failed.length >= 1 && failed.length <= 4, String(failed.length));
    assert.ok(failed.every((e) => e.provisioningStatusInfo.errorInformation?.errorCode === 'Unauthorized'));
    assert.ok(r.entries.length < dir.users.length);
    assert.equal(r.entries.filter((e) => e.provisioningStatusInfo.status === 'success').length, 0);
    assert.equal(r.cycle.quarantine?.reason, 'EncounteredQuarantineException');
    assert.equal(Date.parse(r.cycle.nextCycle) - Date.parse(r.cycle.started), 6 * HOUR);
    const next = await cycle();
    assert.equal(next.cycle.stopped, undefined);
    assert.ok(next.cycle.stats.users.create > 0);
    assert.equal(next.cycle.quarantine, undefined, 'a successful retry lifts the quarantine');
    assert.equal(state.quarantine, undefined);
  });

  it('quarantine under injected 500s: the backoff on the simulated clock, lifted by a successful retry, disabled after 28 days', async () => {
    h.service.configure({ faultShare: 1, faultStatus: 500 });
    const first = await cycle();
    assert.equal(first.cycle.quarantine, undefined, 'one failed cycle is not yet "consistently"');
    assert.equal(Date.parse(first.cycle.nextCycle) - Date.parse(first.cycle.ended), 40 * 60 * 1000);
    const failure = first.entries.find((e) => e.sourceIdentity.identityType === 'User' && e.provisioningStatusInfo.status === 'failure')!;
    assert.equal(failure.provisioningStatusInfo.errorInformation?.errorCode, 'InternalServerError');
    assert.match(failure.provisioningStatusInfo.errorInformation!.reason, /HTTP status code 500\. It will be automatically retried in 40 minutes/);

    const second = await cycle();
    assert.equal(second.cycle.quarantine?.reason, 'EncounteredQuarantineException');
    assert.match(second.cycle.quarantine!.error, /Every call to the target failed in 2 cycles in a row/);
    const began = Date.parse(second.cycle.quarantine!.seriesBegan);
    assert.equal(Date.parse(second.cycle.nextCycle), began + 6 * HOUR);
    const third = await cycle();
    assert.equal(Date.parse(third.cycle.started), began + 6 * HOUR, 'the next attempt runs at the backoff time');
    assert.equal(third.cycle.quarantine?.seriesCount, 2);
    assert.equal(Date.parse(third.cycle.nextCycle), began + 12 * HOUR);

    h.service.configure({ faultShare: 0 });
    const healed = await cycle();
    assert.equal(healed.cycle.quarantine, undefined);
    assert.ok(healed.cycle.stats.users.create > 0, 'the escrowed objects are retried');
    assert.equal(Date.parse(healed.cycle.nextCycle) - Date.parse(healed.cycle.ended), 40 * 60 * 1000);

    // 28 days in quarantine disable the job; only a restart runs it again.
    h.service.configure({ faultShare: 1, faultStatus: 500 });
    dir.users[6].givenName = 'Changed';
    await cycle();
    await cycle();
    state.quarantine = { ...state.quarantine!, seriesBegan: new Date(Date.parse(state.clock) - 29 * 24 * HOUR).toISOString() };
    await cycle();
    assert.match(state.disabled ?? '', /stayed in quarantine for 28 days/);
    const off = await cycle();
    assert.match(off.cycle.stopped ?? '', /The job is disabled/);
    assert.equal(off.entries.length, 0);
    h.service.configure({ faultShare: 0 });
    restartState(state);
    assert.equal((await cycle()).cycle.stopped, undefined);
  });

  it('prevents accidental deletions: over the threshold deletions are staged and the job paused until allowed', async () => {
    await cycle({ deletionThreshold: 2 });
    const gone = dir.users.slice(5, 8);
    dir.users = dir.users.filter((u) => !gone.includes(u));
    for (const group of dir.groups) group.members = group.members.filter((id: string) => !gone.some((u) => u.id === id));
    dir.appRoleAssignedTo = dir.appRoleAssignedTo.filter((a) => !gone.some((u) => u.id === a.principalId));
    const staged = await cycle({ deletionThreshold: 2 });
    const held = staged.entries.filter((e) => e.provisioningAction === 'stagedDelete');
    assert.deepEqual(held.map((e) => e.sourceIdentity.displayName).sort(), gone.map((u) => u.userPrincipalName).sort());
    assert.ok(held.every((e) => e.exchanges.length === 0 && e.provisioningStatusInfo.errorInformation?.errorCode === 'StagedDelete'));
    assert.match(held[0].provisioningStatusInfo.errorInformation!.reason, /would disable or delete 3 objects, more than the accidental-deletion threshold of 2/);
    assert.equal(staged.cycle.quarantine?.reason, 'TooManyDeletes');
    assert.equal(staged.cycle.stats.stagedDeletes, 3);
    assert.equal((await find(gone[0].userPrincipalName)).length, 1, 'nothing was deleted');

    const still = await cycle({ deletionThreshold: 2 });
    assert.equal(still.entries.filter((e) => e.provisioningAction === 'stagedDelete').length, 3, 'held until allowed');

    allowStagedDeletions(state);
    assert.equal(state.quarantine, undefined);
    const allowed = await cycle({ deletionThreshold: 2 });
    assert.equal(allowed.entries.filter((e) => e.provisioningAction === 'delete' && e.provisioningStatusInfo.status === 'success').length, 3);
    assert.deepEqual(await find(gone[0].userPrincipalName), []);
    assert.equal(allowed.cycle.quarantine, undefined);
    assert.equal(state.allowDeletes, undefined, 'allowed once');
  });
});

describe('entra/engine: provision on demand', () => {
  let h: Harness;
  let client: HttpClient;
  beforeEach(async () => {
    h = await startServer();
    client = new HttpClient();
  });
  afterEach(async () => {
    await client.close();
    await h.close();
  });

  it('provisions one user, or a group with its members, leaving the schedule alone; Entra\'s default PATCH shape even with the flag', async () => {
    const dir = sampleDirectory({ users: 12, groups: 2 }) as unknown as Dir;
    // Group 0 gets three members, every user is assigned directly.
    dir.groups[0].members = dir.users.slice(6, 9).map((u) => u.id);
    dir.appRoleAssignedTo = [...dir.users.filter((u) => u !== dir.users[4]).map((u) => ({ principalId: u.id })), ...dir.groups.slice(0, 1).map((g) => ({ principalId: g.id }))];
    const state = newState(`${h.url}?aadOptscim062020`);
    const clock = state.clock;
    const run = (who: string) => {
      const directory = readDirectory(structuredClone(dir), 'dir.json');
      return runCycle({
        directory, configuration: muralDefaultEngineConfiguration(), state, onDemand: onDemandSubject(directory, who),
        target: httpTarget(client, { tenantUrl: `${h.url}?aadOptscim062020`, token: TOKEN, authScheme: 'Bearer' }),
      });
    };
    const one = await run(dir.users[9].userPrincipalName.toUpperCase());
    assert.equal(one.cycle.kind, 'onDemand');
    assert.deepEqual(one.entries.map((e) => `${e.provisioningAction} ${e.sourceIdentity.displayName}`), [`create ${dir.users[9].userPrincipalName}`]);
    assert.deepEqual(one.entries[0].provisioningSteps.map((s) => s.provisioningStepType), ['import', 'scoping', 'matching', 'export']);
    assert.equal(state.cycles, 0);
    assert.equal(state.clock, clock);

    const group = await run(dir.groups[0].displayName);
    assert.deepEqual(group.entries.map((e) => `${e.provisioningAction} ${e.sourceIdentity.identityType}`), ['create User', 'create User', 'create User', 'create Group', 'update Group']);
    assert.equal((await h.call('GET', `${BASE}/Groups/${state.groups[dir.groups[0].id].targetId}`)).json.members.length, 3);

    // Unassigned, then provisioned on demand: disabled with the default shape although the URL has the flag.
    dir.appRoleAssignedTo = dir.appRoleAssignedTo.filter((a) => a.principalId !== dir.users[9].id);
    for (const g of dir.groups) g.members = g.members.filter((id: string) => id !== dir.users[9].id);
    const off = await run(dir.users[9].id);
    assert.equal(off.entries[0].provisioningAction, 'disable');
    assert.deepEqual(opsOf(off.entries[0], 'PATCH'), [{ op: 'Replace', path: 'active', value: 'False' }]);
  });

  it('finds the subject as the portal\'s search does and refuses what it does not offer', () => {
    const dir = sampleDirectory({ users: 12, groups: 2 }) as unknown as Dir;
    const d = readDirectory(dir, 'dir.json');
    assert.equal(onDemandSubject(d, dir.users[7].mail).label, `User '${dir.users[7].userPrincipalName}'`);
    assert.throws(() => onDemandSubject(d, 'nobody@contoso.com'), /No user or group of the directory file has the id, userPrincipalName, mail or group name "nobody@contoso.com"/);
    assert.throws(() => onDemandSubject(d, dir.users[3].userPrincipalName), /is disabled in Entra: Entra's on-demand search does not offer such users/);
    assert.throws(() => onDemandSubject(d, dir.groups[0].displayName), /up to 5 members; Engineering has \d+/);
  });
});

describe('entra/engine: flow types that only add', () => {
  const mapping = (flowType: 'Always' | 'AttributeAddOnly' | 'ValueAddOnly' | 'MultiValueAddOnly', caseExact = false) =>
    ({ target: 'roles', source: '[roles]', evaluate: () => ({ flow: 'none' as const }), flowType, targetType: 'String' as const, caseExact });
  it('adds the values a multi-valued target lacks and never removes one; single values only into an empty target', () => {
    assert.deepEqual(addOnly(mapping('Always'), ['a'], ['b']), ['a']);
    assert.deepEqual(addOnly(mapping('MultiValueAddOnly'), ['A', 'c'], ['a', 'b']), ['a', 'b', 'c'], 'case-insensitive unless caseExact');
    assert.deepEqual(addOnly(mapping('MultiValueAddOnly', true), ['A'], ['a']), ['a', 'A']);
    assert.deepEqual(addOnly(mapping('ValueAddOnly'), ['a'], ['a', 'b']), undefined, 'nothing to add, nothing removed');
    assert.equal(addOnly(mapping('ValueAddOnly'), 'x', ['y']), undefined);
    assert.equal(addOnly(mapping('ValueAddOnly'), 'x', []), 'x');
    assert.equal(addOnly(mapping('AttributeAddOnly'), ['x'], ['y']), undefined);
    assert.deepEqual(addOnly(mapping('AttributeAddOnly'), ['x'], []), ['x']);
  });
});

describe('entra/engine: large incremental cycles', () => {
  it('a worker running through unchanged objects lets the event loop run every thousand of them', async () => {
    const dir = sampleDirectory({ users: 5000, groups: 0 }) as unknown as Dir;
    const directory = readDirectory(dir, 'dir.json');
    const configuration = muralDefaultEngineConfiguration();
    const state = newState('http://127.0.0.1:1/scim');
    state.cycles = 1;
    state.configuration = configuration.fingerprint;
    for (const u of directory.users) state.users[u.id] = { displayName: u.userPrincipalName, targetId: `t-${u.id}`, fingerprint: userFingerprint(directory, u) };
    const target: CycleTarget = { aadOptscim062020: false, session: () => assert.fail('an unchanged object sends nothing') };
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    const r = await runCycle({
      directory, configuration, state, target, concurrency: 1,
      onProgress: (p: CycleProgress) => {
        if (p.phase === 'users') seen.push(ticks);
      },
    });
    ticking = false;
    assert.equal(r.entries.length, 0);
    assert.equal(seen.length, 10, 'a report every 500 users');
    assert.ok(seen[seen.length - 1] - seen[0] >= 4, `the event loop ran during the pass (ticks seen: ${seen.join(', ')})`);
  });
});

describe('entra/engine: state file', () => {
  it('keeps the fingerprints of earlier state files: sha1 of the JSON, base64url', () => {
    const directory = readDirectory(sampleDirectory({ users: 3, groups: 1 }) as unknown as Dir, 'dir.json');
    const user = directory.users[0];
    const json = JSON.stringify([user.attributes, user.softDeleted, directory.scope, directory.assignedUserIds.has(user.id)]);
    assert.equal(userFingerprint(directory, user), createHash('sha1').update(json).digest('base64url'));
  });

  it('is written a link at a time, and the pieces make the same JSON as the whole state', async () => {
    const state = newState('http://127.0.0.1:1/scim');
    for (let i = 0; i < 50; i++) state.users[`u${i}`] = { displayName: `user "${i}"@x`, fingerprint: `f${i}`, targetId: `t${i}` };
    state.groups.g = { displayName: 'G', targetId: 'tg', members: ['u1', 'u2'], membersEscrow: { errorCode: 'E', reason: 'r', count: 1, since: state.clock } };
    const pieces = [...stateChunks(state, 200)];
    assert.ok(pieces.length > 5, 'several pieces');
    assert.deepEqual(JSON.parse(pieces.join('')), JSON.parse(JSON.stringify(state)));
    const empty = newState('http://127.0.0.1:1/scim');
    assert.deepEqual(JSON.parse([...stateChunks(empty)].join('')), JSON.parse(JSON.stringify(empty)));
    const dir = mkdtempSync(join(tmpdir(), 'engine-state-'));
    try {
      await saveState(state, join(dir, 'state.json'));
      assert.deepEqual(parseState(readFileSync(join(dir, 'state.json'), 'utf8'), 'state.json'), JSON.parse(JSON.stringify(state)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('entra/engine: quarantine rules', () => {
  it('judges Entra\'s worked cases', () => {
    const t = ENTRA_THRESHOLDS;
    const o = (failed: number, ok: number, referenceFailed = 0) => judge({ failed, referenceFailed, events: failed + ok, exported: ok, credentialsRefused: false }, 0, t)?.reason;
    assert.equal(o(45_000, 0), 'EncounteredTotalEscrowThreshold');
    assert.equal(o(30_000, 5_000), 'EncounteredEscrowProportionThreshold');
    assert.equal(o(20_000, 100_000), undefined);
    assert.equal(o(4_000, 0), undefined, 'evaluation starts at 5,000 failures');
    assert.equal(o(40_000, 100_000, 21_000), 'EncounteredTotalEscrowThreshold', '61,000 with reference failures');
    assert.equal(judge({ failed: 0, referenceFailed: 0, events: 0, exported: 0, credentialsRefused: true }, 0, t)?.reason, 'EncounteredQuarantineException');
    assert.equal(judge({ failed: 3, referenceFailed: 0, events: 3, exported: 0, credentialsRefused: false }, 2, t)?.reason, 'EncounteredQuarantineException');
  });

  it('retries 6 h after the first failure, then 12 h, 24 h and every 24 h', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => nextAttempt(0, n) / HOUR), [6, 12, 24, 48, 72]);
  });
});

describe('entra/engine: outcome counts as text', () => {
  it('lists the outcomes that happened, in order, with grouped digits, or says there was no change', () => {
    assert.equal(outcomesText([['created', 1200], ['updated', 0], ['failed', 1]]), '1,200 created, 1 failed');
    assert.equal(outcomesText([['created', 0], ['skipped', 0]]), 'no change');
    assert.equal(outcomesText([]), 'no change');
  });
});
