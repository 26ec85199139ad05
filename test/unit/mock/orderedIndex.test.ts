// The store's ordered index (src/mock/orderedIndex.ts): always the full sort of what it holds, read a page at a time.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { OrderedIndex } from '../../../src/mock/orderedIndex';

interface Item { key: string }

const byKey = (a: Item, b: Item) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Every page of `size` items, from start to end, concatenated. */
function pages(index: OrderedIndex<Item>, size: number): Item[] {
  const out: Item[] = [];
  for (let start = 0; start < index.size + size; start += size) out.push(...index.slice(start, size));
  return out;
}

describe('OrderedIndex', () => {
  it('holds the full sort of what was built, inserted and removed, whatever the chunk size, read whole or by pages', () => {
    const op = fc.oneof(
      fc.record({ insert: fc.string({ maxLength: 4 }) }),
      fc.record({ remove: fc.nat() }),
      fc.record({ removeAbsent: fc.string({ maxLength: 4 }) }),
    );
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 60 }), fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }),
      (initial, ops, chunkSize, pageSize) => {
        // Keys are unique, as a user's (it ends with the id): the position makes them so.
        let n = 0;
        const item = (s: string): Item => ({ key: `${s}\u0000${n++}` });
        const held = initial.map(item);
        const index = new OrderedIndex<Item>((x) => x.key, held, chunkSize);
        for (const o of ops) {
          if ('insert' in o) {
            const x = item(o.insert);
            held.push(x);
            index.insert(x);
          } else if ('remove' in o) {
            if (held.length === 0) continue;
            const [x] = held.splice(o.remove % held.length, 1);
            assert.equal(index.remove(x as Item), true);
          } else {
            assert.equal(index.remove({ key: `${o.removeAbsent}\u0000absent` }), false, 'an item that was never inserted');
          }
        }
        const sorted = held.slice().sort(byKey);
        assert.equal(index.size, held.length);
        assert.deepEqual([...index], sorted);
        assert.deepEqual(pages(index, pageSize), sorted);
        assert.deepEqual(index.slice(held.length, 5), []);
      }), { numRuns: 300 });
  });

  it('does not remove an item with the same key that is not the one inserted', () => {
    const a = { key: 'a' };
    const index = new OrderedIndex<Item>((x) => x.key, [a]);
    assert.equal(index.remove({ key: 'a' }), false);
    assert.deepEqual([...index], [a]);
  });

  it('reads a page without comparing keys, and places an item with a binary search (log n keys, not n)', () => {
    let calls = 0;
    const n = 100_000;
    const items = Array.from({ length: n }, (_, i) => ({ key: `k${String(i * 2).padStart(7, '0')}` }));
    const index = new OrderedIndex<Item>((x) => { calls++; return x.key; }, items.slice().reverse());
    assert.equal(calls, n, 'the build computes each key once');
    calls = 0;
    assert.deepEqual(index.slice(n - 3, 10).map((x) => x.key), ['k0199994', 'k0199996', 'k0199998']);
    assert.equal(calls, 0);
    const middle = { key: 'k0100001' };
    index.insert(middle);
    assert.ok(calls <= 2 + Math.ceil(Math.log2(2 * 512)) + 1, `${calls} keys read to insert into 100k`);
    assert.deepEqual(index.slice(50_000, 3).map((x) => x.key), ['k0100000', 'k0100001', 'k0100002']);
    calls = 0;
    assert.equal(index.remove(middle), true);
    assert.ok(calls <= 2 + Math.ceil(Math.log2(2 * 512)) + 1, `${calls} keys read to remove from 100k`);
    assert.equal(index.size, n);
  });
});
