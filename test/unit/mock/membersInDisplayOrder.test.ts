// A group's members in the Directory's order, a page at a time (ScimService.membersInDisplayOrder), against the
// order the Directory gave them before: every member of the group's representation, labelled as the Directory
// labels it, sorted in full.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { JOURNAL_FORMAT, JOURNAL_VERSION } from '../../../src/mock/journal';
import { ScimService } from '../../../src/mock/service';
import { compareKeys, orderKey, userLabel } from '../../../src/scim/displayOrder';
import { ScimError } from '../../../src/scim/errors';
import { URN } from '../../../src/scim/schemas';
import { applyUserChange, entraGroup, entraUser, isUserChange, userChanges } from './helpers';

/** The member ids of a group by a full sort, keyed as the Directory keyed its members: label (else id), userName, id. */
function fullSort(svc: ScimService, groupId: string): string[] {
  const members = svc.getGroup(groupId).members as { value: string }[] | undefined;
  const keyed = (members ?? []).map((m) => {
    const user = svc.store.users.get(m.value)?.data;
    const label = user ? userLabel(user) : '';
    return { id: m.value, key: orderKey(label || m.value, typeof user?.userName === 'string' ? user.userName : '', m.value) };
  });
  return keyed.sort((a, b) => compareKeys(a.key, b.key)).map((m) => m.id);
}

/** Every page of `pageSize`, concatenated, is the full sort; each says how many members there are. */
function assertPagedInOrder(svc: ScimService, groupId: string, pageSize: number): void {
  const expected = fullSort(svc, groupId);
  const got: string[] = [];
  for (let start = 1; start <= expected.length + 1; start += pageSize) {
    const page = svc.membersInDisplayOrder(groupId, start, pageSize);
    assert.equal(page.totalResults, expected.length);
    for (const m of page.members) {
      assert.equal(m.user, svc.store.users.get(m.value)?.data, 'each member comes with its stored user');
      got.push(m.value);
    }
  }
  assert.deepEqual(got, expected, `pages of ${pageSize}`);
  // What the tree asks for: everything shown, from the first, in one call.
  assert.deepEqual(svc.membersInDisplayOrder(groupId, 1, expected.length + 3).members.map((m) => m.value), expected);
}

describe('ScimService.membersInDisplayOrder', () => {
  it('pages random groups, small and large against the directory, through adds, removals, renames, deactivations, deletions and resets', async () => {
    // Names that tie once folded (MURAL refuses digits in names): the userName and the id decide.
    const name = fc.constantFrom('Émile', 'emile', 'Zoë', 'zoe', 'Ann', 'ann', 'Bob');
    const op = fc.oneof(
      ...userChanges(name),
      { arbitrary: fc.record({ create: fc.tuple(name, name), join: fc.constant(true as const) }), weight: 2 },
      { arbitrary: fc.record({ add: fc.array(fc.nat(), { maxLength: 12 }) }), weight: 2 },
      { arbitrary: fc.record({ drop: fc.array(fc.nat(), { maxLength: 6 }) }), weight: 2 },
      { arbitrary: fc.constant({ reset: true as const }), weight: 1 },
      { arbitrary: fc.record({ read: fc.integer({ min: 1, max: 9 }) }), weight: 3 },
    );
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 9 }),
      async (users, share, ops, pageSize) => {
        const svc = await ScimService.open();
        let n = 0;
        const userIds = () => [...svc.store.users.keys()];
        const pick = (i: number): string | undefined => { const ids = userIds(); return ids.length === 0 ? undefined : ids[i % ids.length]; };
        let group = '';
        const newGroup = async () => {
          const ids = userIds();
          // A share of the users, spread over the directory: from a few members to all of them.
          const members = ids.filter((_, i) => (i * 7919) % 100 < share * 100).map((value) => ({ value }));
          group = (await svc.createGroup({ ...entraGroup(`Group ${String.fromCharCode(97 + (n++ % 26))}${n}`), members })).id as string;
        };
        try {
          for (let i = 0; i < users; i++) await svc.createUser(entraUser(`u${n++}@x.com`, ['Ann', 'Zoë', 'emile', 'Bob'][i % 4] as string, ['Ann', 'Zoë', 'emile'][i % 3] as string));
          await newGroup();
          for (const o of ops) {
            if ('join' in o) {
              const id = await applyUserChange(svc, o, () => n++);
              if (id) await svc.addMembers(group, [id]);
            } else if (isUserChange(o)) {
              await applyUserChange(svc, o, () => n++);
            } else if ('add' in o) {
              const ids = o.add.map(pick).filter((id): id is string => id !== undefined);
              await svc.addMembers(group, [...new Set(ids)]);
            } else if ('drop' in o) {
              const members = [...(svc.store.groups.get(group)?.members ?? [])];
              if (members.length > 0) await svc.removeMembers(group, o.drop.map((i) => members[i % members.length] as string));
            } else if ('reset' in o) {
              await svc.reset();
              await newGroup();
            } else {
              // Reading builds the users' order index, so the changes after it are the ones it keeps up with.
              assertPagedInOrder(svc, group, o.read);
            }
          }
          assertPagedInOrder(svc, group, pageSize);
        } finally {
          await svc.close();
        }
      }), { numRuns: 80 });
  });

  it('orders a large group whose members all sort after the other users (the walk gives up, the members are sorted)', async () => {
    const svc = await ScimService.open();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) ids.push((await svc.createUser(entraUser(`m${i}@x.com`, i < 80 ? 'Ann' : 'Zoë', `Last${String.fromCharCode(97 + (i % 26))}`))).id as string);
      const group = (await svc.createGroup({ ...entraGroup('Zoes'), members: ids.slice(80).map((value) => ({ value })) })).id as string;
      // 2 members of 20 among 100 users: the walk is tried (2 × 100 ≤ 20²) and meets none in its 40 steps.
      assert.deepEqual(svc.membersInDisplayOrder(group, 2, 1).members.map((m) => m.value), fullSort(svc, group).slice(1, 2));
      assertPagedInOrder(svc, group, 1);
      assertPagedInOrder(svc, group, 6);
    } finally {
      await svc.close();
    }
  });

  it('answers 404 for an unknown group, and an empty page past the members or for a count of 0', async () => {
    const svc = await ScimService.open();
    try {
      assert.throws(() => svc.membersInDisplayOrder('nope', 1, 10), (e) => e instanceof ScimError && e.status === 404);
      const a = (await svc.createUser(entraUser('a@x.com', 'Ann', 'Lee'))).id as string;
      const group = (await svc.createGroup({ ...entraGroup('One'), members: [{ value: a }] })).id as string;
      assert.deepEqual(svc.membersInDisplayOrder(group, 1, 0), { totalResults: 1, members: [] });
      assert.deepEqual(svc.membersInDisplayOrder(group, 2, 10), { totalResults: 1, members: [] });
      const empty = (await svc.createGroup(entraGroup('None'))).id as string;
      assert.deepEqual(svc.membersInDisplayOrder(empty, 1, 10), { totalResults: 0, members: [] });
    } finally {
      await svc.close();
    }
  });

  it('places a data file\'s user with no name at all (userName "") where the Users list does: first, not by its id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-members-'));
    const file = join(dir, 'directory.jsonl');
    const at = '2026-01-01T00:00:00.000Z';
    const user = (id: string, userName: string) => ({ t: 'SU', seq: 1, at, id, created: at, groups: ['g'], data: { schemas: [URN.User], id, userName, active: true } });
    const records = [
      { t: 'H', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, seq: 0 },
      user('a-user', 'ann@x.com'), user('zz-nameless', ''),
      { t: 'SG', seq: 2, at, id: 'g', created: at, data: { schemas: [URN.Group], id: 'g', displayName: 'Both' }, members: ['a-user', 'zz-nameless'] },
    ];
    writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      const svc = await ScimService.open({ dataFile: file });
      try {
        // The Directory keyed such a member by its id (its label is empty, the tree shows the id); a member that is a
        // user now takes the user's key, so the group lists it where the Users list does.
        assert.deepEqual(svc.usersInDisplayOrder(1, 10).resources.map((u) => u.id), ['zz-nameless', 'a-user']);
        assert.deepEqual(svc.membersInDisplayOrder('g', 1, 10).members.map((m) => m.value), ['zz-nameless', 'a-user']);
        assert.deepEqual(fullSort(svc, 'g'), ['a-user', 'zz-nameless'], 'the order before');
      } finally {
        await svc.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a data file\'s members that are no user, or whose user leaves the group out, in their place as the user goes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-members-'));
    const file = join(dir, 'directory.jsonl');
    const at = '2026-01-01T00:00:00.000Z';
    const user = (id: string, given: string, groups: string[]) => ({
      t: 'SU', seq: 1, at, id, created: at, ...(groups.length ? { groups } : {}),
      data: { schemas: [URN.User], id, userName: `${id}@x.com`, active: true, name: { givenName: given, familyName: 'Lee' } },
    });
    const ids = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const records = [
      { t: 'H', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, seq: 0 },
      ...ids.map((id, i) => user(id, ['Ann', 'Bob', 'Zoë'][i % 3] as string, id === 'u05' ? [] : ['g'])),
      // u05 is listed by the group without listing it; "00-ghost" and "zz-ghost" are no users; "u29" comes back after the group.
      { t: 'SG', seq: 2, at, id: 'g', created: at, data: { schemas: [URN.Group], id: 'g', displayName: 'Everyone' }, members: [...ids, '00-ghost', 'zz-ghost', 'late'] },
      user('late', 'Cy', []),
      { t: 'SU', seq: 3, at, id: 'u07', created: at, data: { schemas: [URN.User], id: 'u07', userName: 'u07@x.com', active: true, name: { givenName: 'Ann', familyName: 'Lee' } } },
    ];
    writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      const svc = await ScimService.open({ dataFile: file });
      try {
        assert.equal(svc.membersInDisplayOrder('g', 1, 100).totalResults, 33);
        for (const pageSize of [1, 4, 100]) assertPagedInOrder(svc, 'g', pageSize);
        assert.deepEqual(svc.membersInDisplayOrder('g', 1, 1).members, [{ value: '00-ghost', user: undefined }], 'a member that is no user sorts by its id');
        // Deleting the users who left the group out of their groups (u05 in the file; u07, replaced by a record without
        // it; "late", restored after the group) leaves them members that are no user, as before.
        for (const id of ['u05', 'u07', 'late']) await svc.deleteUser(id);
        assert.ok(['u05', 'u07', 'late'].every((id) => svc.store.groups.get('g')?.members.has(id)));
        for (const pageSize of [1, 4, 100]) assertPagedInOrder(svc, 'g', pageSize);
        await svc.deleteUser('u00');
        assertPagedInOrder(svc, 'g', 3);
      } finally {
        await svc.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
