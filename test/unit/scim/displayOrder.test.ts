// The Directory's order (src/scim/displayOrder.ts) and the mock service's pages in it (the store's order index).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimService } from '../../../src/mock/service';
import { compareKeys, firstInOrder, foldForOrder, userLabel, userOrderKey } from '../../../src/scim/displayOrder';
import { ScimError } from '../../../src/scim/errors';
import type { Resource } from '../../../src/scim/resource';
import { applyUserChange, entraUser, isUserChange, userChanges } from '../mock/helpers';

describe('display order', () => {
  it('labels a user by displayName, else given and family name, else userName, else id', () => {
    assert.equal(userLabel({ id: '1', userName: 'a@x.com', displayName: 'Ada L', name: { givenName: 'Ada', familyName: 'Lovelace' } }), 'Ada L');
    assert.equal(userLabel({ id: '1', userName: 'a@x.com', displayName: ' ', name: { givenName: 'Ada', familyName: 'Lovelace' } }), 'Ada Lovelace');
    assert.equal(userLabel({ id: '1', userName: 'a@x.com', name: {} }), 'a@x.com');
    assert.equal(userLabel({ id: '1' }), '1');
  });

  it('orders by label ignoring case and accents, numbers by value, then by userName, then by id', () => {
    const users = [
      { id: '5', userName: 'user10@x.com', displayName: 'User 10' },
      { id: '4', userName: 'b@x.com', displayName: 'émile' },
      { id: '3', userName: 'user2@x.com', displayName: 'User 2' },
      { id: '2', userName: 'a@x.com', displayName: 'Emile' },
      { id: '1', userName: 'a@x.com', displayName: 'emile' },
      { id: '0', userName: 'zed@x.com', name: { givenName: 'Ada', familyName: 'Zed' } },
    ];
    const sorted = users.slice().sort((a, b) => compareKeys(userOrderKey(a), userOrderKey(b))).map((u) => u.id);
    assert.deepEqual(sorted, ['0', '1', '2', '4', '3', '5']);
  });

  it('folds case, accents and leading zeros, and pads numbers so that string order compares them by value', () => {
    assert.equal(foldForOrder('Émile Zoë'), foldForOrder('emile zoe'));
    assert.equal(foldForOrder('User 007'), foldForOrder('user 7'));
    const names = ['User 10', 'user 9', 'User 100', 'Ünal', 'Uma', 'user 0'];
    assert.deepEqual(names.sort((a, b) => compareKeys(foldForOrder(a), foldForOrder(b))), ['Uma', 'Ünal', 'user 0', 'user 9', 'User 10', 'User 100']);
  });

  it('firstInOrder returns the first k of a full sort, whatever the input order and k', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), fc.integer({ min: 0, max: 250 }), (values, k) => {
      const items = values.map((v, i) => ({ v, i }));
      const key = (x: { v: number; i: number }) => x;
      const cmp = (a: { v: number; i: number }, b: { v: number; i: number }) => a.v - b.v || a.i - b.i;
      assert.deepEqual(firstInOrder(items, k, key, cmp), items.slice().sort(cmp).slice(0, k));
    }));
  });

  it('firstInOrder computes each key once and keeps the input in reverse order bounded (n log k comparisons)', () => {
    const n = 20_000;
    let keys = 0;
    let comparisons = 0;
    const out = firstInOrder(Array.from({ length: n }, (_, i) => n - i), 10, (x) => { keys++; return x; }, (a, b) => { comparisons++; return a - b; });
    assert.deepEqual(out, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(keys, n);
    assert.ok(comparisons < n * 10, `${comparisons} comparisons for ${n} items and k = 10`);
  });

  describe('ScimService.usersInDisplayOrder', () => {
    let svc: ScimService;
    beforeEach(async () => { svc = await ScimService.open(); });
    afterEach(async () => { await svc.close(); });

    it('answers the first users by name then userName, with the number that match, filtered as a list request is', async () => {
      for (const [mail, given, family] of [['zoe@x.com', 'Zoe', 'Adams'], ['bob2@x.com', 'bob', 'Brown'], ['ann@x.com', 'Ann', 'Clark'], ['bob1@x.com', 'Bob', 'Brown']]) {
        await svc.createUser(entraUser(mail as string, given as string, family as string));
      }
      const first = svc.usersInDisplayOrder(1, 3);
      assert.equal(first.totalResults, 4);
      assert.deepEqual(first.resources.map((u) => u.userName), ['ann@x.com', 'bob1@x.com', 'bob2@x.com']);
      assert.equal((first.resources[0]?.meta as { resourceType?: string }).resourceType, 'User', 'full representations, meta included');
      const one = svc.usersInDisplayOrder(1, 10, 'userName eq "zoe@x.com"');
      assert.deepEqual([one.totalResults, one.resources.map((u) => u.userName)], [1, ['zoe@x.com']]);
      assert.throws(() => svc.usersInDisplayOrder(1, 10, 'name.givenName sw "B"'), (e) => e instanceof ScimError && e.scimType === 'invalidFilter', 'MURAL\'s query rules apply');
      svc.configure({ muralFilters: false });
      assert.deepEqual(svc.usersInDisplayOrder(1, 10, 'name.givenName sw "B"').resources.map((u) => u.userName), ['bob1@x.com', 'bob2@x.com']);
    });

    it('counts an unfiltered directory (count 0: a collapsed Users node) without ordering it', async () => {
      for (const mail of ['b@x.com', 'a@x.com']) await svc.createUser(entraUser(mail, 'Some', 'One'));
      const store = svc.store;
      const userOrder = store.userOrder.bind(store);
      let asked = 0;
      store.userOrder = () => { asked++; return userOrder(); };
      assert.deepEqual(svc.usersInDisplayOrder(1, 0), { totalResults: 2, resources: [] });
      assert.equal(asked, 0, 'no order index for a count');
      assert.deepEqual(svc.usersInDisplayOrder(1, 5).resources.map((u) => u.userName), ['a@x.com', 'b@x.com']);
      assert.equal(asked, 1);
    });

    it('pages through every change — creations, renames, deactivations, deletions, resets — as a full sort would order them', async () => {
      // Names that tie once folded (case, accents; MURAL refuses digits in names), so the userName (whose
      // numbers compare by value) and the id decide.
      const names = ['Émile', 'emile', 'EMILE', 'Zoë', 'zoe', 'Ann', 'ann'];
      const name = fc.constantFrom(...names);
      const op = fc.oneof(
        ...userChanges(name),
        { arbitrary: fc.constant({ reset: true as const }), weight: 1 },
        { arbitrary: fc.record({ read: fc.integer({ min: 1, max: 7 }) }), weight: 2 },
      );
      await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (ops, pageSize) => {
        const service = await ScimService.open();
        let n = 0;
        try {
          for (const o of ops) {
            if (isUserChange(o)) {
              await applyUserChange(service, o, () => n++);
            } else if ('reset' in o) {
              await service.reset();
            } else {
              // Reading builds the index, so the changes after it are the ones it keeps up with.
              assertPagedInOrder(service, o.read);
            }
          }
          assertPagedInOrder(service, pageSize);
        } finally {
          await service.close();
        }
      }), { numRuns: 60 });
    });

    it('pages in order after loading a data file, whether it holds changes or a compacted snapshot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'scim-order-'));
      try {
        const file = join(dir, 'directory.jsonl');
        const first = await ScimService.open({ dataFile: file });
        await first.seed(300, { groups: 3 });
        assertPagedInOrder(first, 50);
        // MURAL keeps a workspace's last admin: the changes leave the admins alone.
        const admins = new Set([...first.store.groups.keys()].flatMap((g) => first.workspaceAdmins(g)));
        const ids = [...first.store.users.keys()].filter((id) => !admins.has(id));
        const letter = (i: number) => String.fromCharCode(97 + (i % 26));
        for (let i = 0; i < 60; i++) await first.patchUser(ids[i * 3] as string, [{ op: 'replace', path: 'name.givenName', value: `Renamed ${letter(i)}${letter(i * 7)}` }]);
        for (let i = 0; i < 40; i++) await first.deleteUser(ids[i * 5 + 1] as string);
        const expected = inOrder(first);
        await first.close();

        const replayed = await ScimService.open({ dataFile: file });
        assert.deepEqual(inOrder(replayed), expected);
        assertPagedInOrder(replayed, 64);
        await replayed.compact();
        await replayed.close();

        const compacted = await ScimService.open({ dataFile: file });
        assert.deepEqual(inOrder(compacted), expected);
        assertPagedInOrder(compacted, 33);
        await compacted.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('pages a filtered directory in order, and sees a change on the next call', async () => {
      svc.configure({ muralFilters: false });
      await svc.seed(200, { groups: 0 });
      const ids = [...svc.store.users.keys()];
      for (let i = 0; i < 200; i += 3) await svc.deactivateUser(ids[i] as string);
      const matching = (u: Resource) => u.active === false;
      const filter = 'active eq false';
      assertPagedInOrder(svc, 10, filter, matching);
      await svc.deactivateUser(ids[1] as string);
      await svc.deleteUser(ids[3] as string);
      assert.deepEqual(svc.usersInDisplayOrder(1, 0, filter), { totalResults: inOrder(svc, matching).length, resources: [] }, 'count 0: only how many match');
      assertPagedInOrder(svc, 9, filter, matching);
      // An indexed equality reads its candidates, not every user.
      const userName = svc.getUser(ids[1] as string).userName as string;
      assert.deepEqual(svc.usersInDisplayOrder(1, 5, `userName eq "${userName}"`).resources.map((u) => u.id), [ids[1]]);
      assert.deepEqual(svc.usersInDisplayOrder(2, 5, `userName eq "${userName}"`), { totalResults: 1, resources: [] });
    });
  });
});

/** The ids of the users `filter` keeps, by a full sort of their keys. */
function inOrder(service: ScimService, matching: (u: Resource) => boolean = () => true): string[] {
  const all = service.listUsers({ startIndex: 1, count: 1000 }).resources.filter(matching);
  return all.sort((a, b) => compareKeys(userOrderKey(a), userOrderKey(b))).map((u) => u.id as string);
}

/** Every page of `pageSize` in display order, concatenated, is the full sort; each says how many match. */
function assertPagedInOrder(service: ScimService, pageSize: number, filter?: string, matching?: (u: Resource) => boolean): void {
  const expected = inOrder(service, matching);
  const got: string[] = [];
  for (let start = 1; start <= expected.length + 1; start += pageSize) {
    const page = service.usersInDisplayOrder(start, pageSize, filter);
    assert.equal(page.totalResults, expected.length);
    got.push(...page.resources.map((u) => u.id as string));
  }
  assert.deepEqual(got, expected);
}
