// The Directory's order (src/scim/displayOrder.ts) and the mock service's first page in it.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { ScimService } from '../../../src/mock/service';
import { compareKeys, firstInOrder, foldForOrder, userLabel, userOrderKey } from '../../../src/scim/displayOrder';
import { ScimError } from '../../../src/scim/errors';
import { entraUser } from '../mock/helpers';

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
      const first = svc.usersInDisplayOrder(3);
      assert.equal(first.totalResults, 4);
      assert.deepEqual(first.resources.map((u) => u.userName), ['ann@x.com', 'bob1@x.com', 'bob2@x.com']);
      assert.equal((first.resources[0]?.meta as { resourceType?: string }).resourceType, 'User', 'full representations, meta included');
      const one = svc.usersInDisplayOrder(10, 'userName eq "zoe@x.com"');
      assert.deepEqual([one.totalResults, one.resources.map((u) => u.userName)], [1, ['zoe@x.com']]);
      assert.throws(() => svc.usersInDisplayOrder(10, 'name.givenName sw "B"'), (e) => e instanceof ScimError && e.scimType === 'invalidFilter', 'MURAL\'s query rules apply');
      svc.configure({ muralFilters: false });
      assert.deepEqual(svc.usersInDisplayOrder(10, 'name.givenName sw "B"').resources.map((u) => u.userName), ['bob1@x.com', 'bob2@x.com']);
    });
  });
});
