// The Entra directory file: the sectioned form and Graph's list answers, assignment through groups, soft
// deletes, every problem reported with file, JSON path and what was expected; the sample generator and
// `scim-workbench sample-directory`.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleDirectoryCommand } from '../../../src/cli/sampleDirectory';
import { CliError } from '../../../src/cli/command';
import { DirectoryFileError, loadDirectory, parseDirectory, readDirectory } from '../../../src/entra/directory/load';
import { isAssigned } from '../../../src/entra/directory/model';
import { SAMPLE_CASES, sampleDirectory } from '../../../src/entra/directory/sample';

function problems(value: unknown): string[] {
  try {
    readDirectory(value, 'dir.json');
  } catch (e) {
    assert.ok(e instanceof DirectoryFileError, String(e));
    assert.equal(e.message.split('\n')[0], `dir.json${e.problems[0].path ? `: ${e.problems[0].path}` : ''}: ${e.problems[0].message}`);
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('the directory was accepted');
}

const ada = { id: 'u-ada', userPrincipalName: 'Ada@Contoso.com', mail: 'ada@contoso.com', givenName: 'Ada', surname: 'Lovelace' };
const alan = { id: 'u-alan', userPrincipalName: 'alan@contoso.com', accountEnabled: false };
const grace = { id: 'u-grace', userPrincipalName: 'grace@contoso.com' };

describe('entra/directory: the directory file', () => {
  it('reads users, groups, assignments (direct and through a group), soft deletes and the scope', () => {
    const d = readDirectory({
      scope: 'assigned',
      users: [ada, alan, grace],
      deletedUsers: { value: [{ id: 'u-gone', userPrincipalName: 'gone@contoso.com', deletedDateTime: '2026-01-01T00:00:00Z' }] },
      groups: [
        { id: 'g-eng', displayName: 'Engineering', members: ['u-alan', { '@odata.type': '#microsoft.graph.user', id: 'u-grace' }, { '@odata.type': '#microsoft.graph.group', id: 'g-x' }, { '@odata.type': '#microsoft.graph.device', id: 'd-1' }] },
        { id: 'g-x', displayName: 'Nested', members: ['u-ada'] },
      ],
      appRoleAssignedTo: [{ principalId: 'u-ada', principalType: 'User' }, { principalId: 'g-eng', principalType: 'Group' }],
    }, 'dir.json');
    assert.equal(d.scope, 'assigned');
    assert.deepEqual(d.users.map((u) => [u.id, u.accountEnabled, u.softDeleted, u.directlyAssigned]), [
      ['u-ada', true, false, true], ['u-alan', false, false, false], ['u-grace', true, false, false], ['u-gone', true, true, false],
    ]);
    const eng = d.groupById.get('g-eng');
    assert.deepEqual(eng?.memberIds, ['u-alan', 'u-grace']);
    assert.deepEqual(eng?.nestedGroupIds, ['g-x']);
    assert.equal(eng?.directlyAssigned, true);
    assert.equal('members' in (eng?.attributes ?? {}), false, 'members are not an attribute');
    // Ada directly; Alan and Grace as direct members of Engineering; nested groups are not followed.
    assert.deepEqual([...d.assignedUserIds].sort(), ['u-ada', 'u-alan', 'u-grace']);
    assert.equal(isAssigned(d, d.userById.get('u-gone')!), false);
    assert.equal(d.userById.get('u-ada')?.attributes.surname, 'Lovelace');
  });

  it('takes Graph\'s own answers as the whole file (GET /users, GET /groups?$expand=members) as "Sync all"', () => {
    const users = readDirectory({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: [ada, grace] }, 'users.json');
    assert.equal(users.scope, 'all');
    assert.equal(users.users.length, 2);
    assert.match(users.notes[0], /Sync all/);
    const groups = readDirectory({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups(members())',
      value: [{ id: 'g1', displayName: 'Eng', members: [] }],
    }, 'groups.json');
    assert.deepEqual(groups.groups.map((g) => g.displayName), ['Eng']);
    const mixed = readDirectory({ value: [ada, { id: 'g1', displayName: 'Eng', members: ['u-ada'] }] }, 'x.json');
    assert.deepEqual([mixed.users.length, mixed.groups.length], [1, 1]);
  });

  it('reports missing required attributes and wrong types with their JSON path and what was expected', () => {
    assert.deepEqual(problems({
      scope: 'some',
      users: [{ id: 'a' }, { userPrincipalName: 'b@x' }, { id: 'c', userPrincipalName: 42 }, 'd', { id: 'e', userPrincipalName: 'e@x', accountEnabled: 'yes' }],
      groups: [{ id: 'g' }],
      extra: 1,
    }), [
      'extra: unknown property; an Entra directory file has "scope", "users", "groups", "appRoleAssignedTo", "deletedUsers".',
      'scope: expected "assigned" (Sync only assigned users and groups) or "all" (Sync all users and groups); found the string "some".',
      'users[3]: expected a user as Microsoft Graph returns it ({"id": …, "userPrincipalName": …}); found the string "d".',
      'users[0].userPrincipalName: missing; expected the user\'s sign-in name, e.g. ada@contoso.com.',
      'users[1].id: missing; expected the user\'s object id (a GUID).',
      'users[2].userPrincipalName: expected the user\'s sign-in name, e.g. ada@contoso.com; found number 42.',
      'users[4].accountEnabled: expected true or false; found the string "yes".',
      'groups[0].displayName: missing; expected the group\'s name (Entra matches groups on it).',
    ]);
    assert.deepEqual(problems([]), [': expected a JSON object (an Entra directory file, or Graph\'s {"value": […]} answer); found an array.']);
    assert.deepEqual(problems({ users: { value: 3 } }), ['users: expected an array of a user as Microsoft Graph returns it ({"id": …, "userPrincipalName": …}), or Graph\'s list answer {"value": […]}; found an object.']);
  });

  it('reports duplicate ids (across users and groups), duplicate UPNs ignoring case, dangling members and assignments', () => {
    assert.deepEqual(problems({
      users: [ada, { id: 'u-ada', userPrincipalName: 'other@contoso.com' }, { id: 'u-2', userPrincipalName: 'ADA@contoso.COM' }],
      groups: [{ id: 'u-ada', displayName: 'Clash' }, { id: 'g', displayName: 'G', members: ['u-ada', 'u-ada', 'nobody', 7] }],
      appRoleAssignedTo: [{ principalId: 'ghost' }, { principalId: 'g', principalType: 'User' }, 5],
    }), [
      'users[1].id: "u-ada" is also the id of users[0]; Entra object ids are unique.',
      'users[2].userPrincipalName: "ADA@contoso.COM" is also the userPrincipalName of users[0]; Entra user principal names are unique (ignoring case).',
      'groups[0].id: "u-ada" is also the id of users[0]; Entra object ids are unique.',
      'groups[1].members[3]: expected a member\'s object id, or an object with "id" as $expand=members returns it; found number 7.',
      'groups[1].members: "u-ada" is listed twice.',
      'groups[1].members: "nobody" is neither a user nor a group of this file; add it to "users" (or "groups"), or remove it from the members.',
      'appRoleAssignedTo[0].principalId: "ghost" is neither a user nor a group of this file.',
      'appRoleAssignedTo[1].principalType: "User" does not fit: g is a group of this file.',
      'appRoleAssignedTo[2]: expected an app role assignment ({"principalId": …, "principalType": "User" | "Group"}); found number 5.',
    ]);
  });

  it('says when a Graph answer is only one page', () => {
    assert.deepEqual(problems({ users: { value: [ada], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=x' } }), [
      'users.@odata.nextLink: this is one page of a longer Graph answer: follow the nextLink and add the other pages\' items, or Entra would see only part of the tenant.',
    ]);
  });

  it('lists at most 20 problems in the message and counts the rest', () => {
    for (const [count, last] of [[25, '… and 5 more problems.'], [21, '… and 1 more problem.']] as const) {
      const users = Array.from({ length: count }, (_, i) => ({ id: `u${i}` }));
      try {
        readDirectory({ users }, 'big.json');
        assert.fail('accepted');
      } catch (e) {
        assert.ok(e instanceof DirectoryFileError);
        assert.equal(e.problems.length, count);
        const lines = e.message.split('\n');
        assert.equal(lines.length, 21);
        assert.equal(lines[20], last);
      }
    }
  });

  it('says where a syntax error is (line and column), and refuses files over the size limit', async () => {
    assert.throws(() => parseDirectory('{\n  "users": [\n    {"id": "a",}\n  ]\n}', 'bad.json'),
      (e: unknown) => e instanceof DirectoryFileError && e.message === 'bad.json: line 3, column 16: not valid JSON (PropertyNameExpected).');
    assert.equal(parseDirectory('\ufeff{"users": []}', 'bom.json').users.length, 0);
    const dir = await mkdtemp(join(tmpdir(), 'scim-dir-'));
    try {
      const file = join(dir, 'x.entra-directory.json');
      await writeFile(file, JSON.stringify({ users: [ada] }));
      assert.equal((await loadDirectory(file)).users.length, 1);
      await assert.rejects(loadDirectory(file, 10), /x\.entra-directory\.json: 0 MiB is more than the 0\.00000\d+ MiB|more than the/);
      await assert.rejects(loadDirectory(join(dir, 'missing.json')), /missing\.json: no such file\./);
      await assert.rejects(loadDirectory(dir), /is not a file\./);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('entra/directory: the sample', () => {
  it('is realistic, loads without problems, and starts with the cases MURAL or Entra turn away', () => {
    const value = sampleDirectory({ users: 40, groups: 4 });
    const d = readDirectory(value, 'sample.json');
    assert.equal(d.users.length, 40);
    assert.equal(d.groups.length, 4);
    const [caps, digit, noMail, disabled, unassigned] = d.users.map((u) => u.attributes);
    const deleted = d.users.filter((u) => u.softDeleted);
    assert.match(caps.userPrincipalName as string, /[A-Z]/);
    assert.match(digit.surname as string, /\d/);
    assert.equal(noMail.mail, null);
    assert.equal(disabled.accountEnabled, false);
    assert.equal(d.assignedUserIds.has(unassigned.id as string), false);
    assert.equal(deleted.length, 1);
    assert.ok(deleted[0].attributes.deletedDateTime);
    assert.equal(SAMPLE_CASES.length, 6);
    // Everyone else (and the first four) is assigned, directly or through one of the first three groups.
    const others = d.users.filter((u) => u.id !== unassigned.id && !u.softDeleted);
    assert.ok(others.every((u) => isAssigned(d, u)));
    assert.deepEqual(d.groups.map((g) => g.directlyAssigned), [true, true, true, false]);
    assert.ok(d.groups.every((g) => g.memberIds.length > 0 && g.memberIds.length <= 50));
    assert.ok(d.users.slice(5, -1).every((u) => /^[a-z.-]+\d*@contoso\.com$/.test(u.userPrincipalName) && !/\d/.test(String(u.attributes.surname))));
  });

  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(sampleDirectory({ users: 10, groups: 2, seed: 7 }), sampleDirectory({ users: 10, groups: 2, seed: 7 }));
    assert.notDeepEqual(sampleDirectory({ users: 10, groups: 2, seed: 7 }), sampleDirectory({ users: 10, groups: 2, seed: 8 }));
  });

  it('handles tiny and empty directories, and refuses counts out of range', () => {
    assert.equal(readDirectory(sampleDirectory({ users: 0, groups: 0 }), 's').users.length, 0);
    assert.equal(readDirectory(sampleDirectory({ users: 2, groups: 1 }), 's').groups[0].directlyAssigned, true);
    assert.throws(() => sampleDirectory({ users: -1, groups: 0 }), /users must be a whole number from 0/);
    assert.throws(() => sampleDirectory({ users: 1, groups: 1.5 }), /groups must be a whole number/);
  });
});

describe('cli/sample-directory', () => {
  it('writes the file, or prints it; rejects bad counts with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scim-sample-'));
    try {
      let out = '';
      const cmd = createSampleDirectoryCommand({ stdout: { write: (s: string) => { out += s; } }, cwd: dir });
      assert.equal(await cmd.run(['--users', '12', '--groups', '2', '--output', 'my.entra-directory.json']), 0);
      assert.equal(out, 'Wrote 12 users and 2 groups to my.entra-directory.json.\n');
      const d = await loadDirectory(join(dir, 'my.entra-directory.json'));
      assert.equal(d.users.length, 12);
      out = '';
      assert.equal(await cmd.run(['--users', '3', '--groups', '0']), 0);
      assert.equal(JSON.parse(out).users.length, 3);
      assert.deepEqual(JSON.parse(await readFile(join(dir, 'my.entra-directory.json'), 'utf8')), sampleDirectory({ users: 12, groups: 2 }));
      for (const [args, message] of [
        [['--users', 'ten'], /--users must be a whole number from 0 to 1000000, not "ten"/],
        [['--groups', '100001'], /--groups must be a whole number from 0 to 100000/],
        [['--output', 'no/such/dir/x.json'], /its directory does not exist/],
        [['--bogus'], /Unknown option '--bogus'/],
      ] as const) {
        await assert.rejects(cmd.run([...args]), (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
