// PATCH on long multi-valued lists: values are found through an index and runs of one-value operations are
// applied as one, so the result must be exactly what applying the operations one by one gives.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPatch } from '../../../src/scim/patch';
import type { Resource } from '../../../src/scim/resource';
import { URN } from '../../../src/scim/schemas';

const patch = (...Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

function user(emails: unknown[]): Resource {
  return { schemas: [URN.User], id: 'u1', userName: 'a@example.com', emails };
}

/** Applies each operation in its own PATCH, in order. */
function oneByOne(start: Resource, ops: unknown[]): Resource {
  return ops.reduce<Resource>((r, op) => applyPatch('User', r, patch(op)).resource, start);
}

const email = fc.record({
  value: fc.constantFrom('a@x.com', 'A@x.com', 'b@x.com', 'c@x.com'),
  type: fc.option(fc.constantFrom('work', 'Work', 'home', 'other'), { nil: undefined }),
  primary: fc.option(fc.boolean(), { nil: undefined }),
  display: fc.option(fc.constantFrom('one', 'two'), { nil: undefined }),
}, { requiredKeys: ['value'] }).map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);

const op = fc.oneof(
  fc.array(email, { minLength: 1, maxLength: 3 }).map((value) => ({ op: 'add', path: 'emails', value })),
  email.map((value) => ({ op: 'Add', path: 'emails', value })),
  fc.constantFrom('a@x.com', 'B@x.com', 'c@x.com').map((v) => ({ op: 'remove', path: `emails[value eq "${v}"]` })),
  fc.array(fc.constantFrom('a@x.com', 'b@X.com', 'zz@x.com'), { minLength: 1, maxLength: 2 }).map((vs) => ({ op: 'remove', path: 'emails', value: vs.map((value) => ({ value })) })),
);

describe('PATCH on long lists', () => {
  it('gives the same result all at once as one operation at a time (adds merged, types, primary, removals)', () => {
    fc.assert(fc.property(fc.array(email, { maxLength: 4 }), fc.array(op, { minLength: 1, maxLength: 8 }), (start, ops) => {
      const initial = user(start);
      let together: Resource | undefined;
      let failed: unknown;
      try { together = applyPatch('User', initial, patch(...ops)).resource; } catch (e) { failed = e; }
      let separately: Resource | undefined;
      try { separately = oneByOne(initial, ops); } catch (e) { assert.ok(failed, `one by one failed (${(e as Error).message}) but together did not`); return; }
      assert.equal(failed, undefined);
      assert.deepEqual(together, separately);
    }), { numRuns: 400 });
  });

  it('keeps one primary value when many added values say primary', () => {
    const value = Array.from({ length: 1000 }, (_, i) => ({ value: `p${i}@x.com`, primary: true }));
    const added = applyPatch('User', user([{ value: 'a@x.com', primary: true }]), patch({ op: 'add', path: 'emails', value })).resource.emails as { value: string; primary?: boolean }[];
    assert.deepEqual(added.filter((e) => e.primary).map((e) => e.value), ['p999@x.com']);
    const replaced = applyPatch('User', user([]), patch({ op: 'replace', path: 'emails', value })).resource.emails as { value: string; primary?: boolean }[];
    assert.deepEqual(replaced.filter((e) => e.primary).map((e) => e.value), ['p999@x.com']);
  });

  it('names the run of operations that failed', () => {
    assert.throws(
      () => applyPatch('User', user([]), patch({ op: 'add', path: 'emails', value: { value: 'a@x.com' } }, { op: 'add', path: 'emails', value: { value: 5 } })),
      (e: Error & { detail?: string }) => /^Operations\[0–1\] \(add emails\): "emails\[1\]\.value" must be a string/.test(e.message),
    );
  });
});
