// The order a directory is shown in: users (and group members) by the name shown for them, then by userName,
// ignoring case and accents, with numbers compared by value ("User 2" before "User 10"). MURAL's API returns
// users in no documented order and ignores sortBy, so whoever shows a list sorts it; a directory of a million
// users is ordered one page at a time (firstInOrder), never sorted whole.
import type { Resource } from './resource';

/** What a user is called: displayName, else given + family name, else userName, else the id. */
export function userLabel(user: Resource): string {
  if (typeof user.displayName === 'string' && user.displayName.trim()) return user.displayName;
  const name = user.name as { givenName?: unknown; familyName?: unknown } | undefined;
  const parts = [name?.givenName, name?.familyName].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length > 0) return parts.join(' ');
  return typeof user.userName === 'string' ? user.userName : String(user.id);
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** A user's place in the order: its label, its userName, and its id so that the order is total. */
export interface UserOrderKey {
  readonly label: string;
  readonly userName: string;
  readonly id: string;
}

export function userOrderKey(user: Resource): UserOrderKey {
  return { label: userLabel(user), userName: typeof user.userName === 'string' ? user.userName : '', id: String(user.id ?? '') };
}

export function compareUserKeys(a: UserOrderKey, b: UserOrderKey): number {
  return collator.compare(a.label, b.label) || collator.compare(a.userName, b.userName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The first `k` of `items` in the order `compare` gives their keys, in that order. Each key is computed once;
 * a bounded max-heap keeps the k smallest, so n items cost O(n log k) time and O(k) memory whatever order
 * they come in.
 */
export function firstInOrder<T, K>(items: Iterable<T>, k: number, key: (item: T) => K, compare: (a: K, b: K) => number): T[] {
  if (k <= 0) return [];
  const heap: { item: T; key: K }[] = [];
  // Max-heap: heap[0] is the largest of the k kept.
  const above = (i: number, j: number) => compare((heap[i] as { key: K }).key, (heap[j] as { key: K }).key) > 0;
  const swap = (i: number, j: number) => { const t = heap[i] as { item: T; key: K }; heap[i] = heap[j] as { item: T; key: K }; heap[j] = t; };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && above(l, top)) top = l;
      if (r < heap.length && above(r, top)) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };
  for (const item of items) {
    const kv = { item, key: key(item) };
    if (heap.length < k) {
      heap.push(kv);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!above(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (compare(kv.key, (heap[0] as { key: K }).key) < 0) {
      heap[0] = kv;
      down(0);
    }
  }
  return heap.sort((a, b) => compare(a.key, b.key)).map((kv) => kv.item);
}
