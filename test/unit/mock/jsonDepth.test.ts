// The server's guard against deeply nested JSON bodies, checked against the depth of the parsed value.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonDepthExceeds } from '../../../src/mock/server';

/** Nesting depth of a JSON value (objects and arrays count one level each), without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d + 1);
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

/** `inner` wrapped in `levels` arrays and objects, alternating. */
function nest(levels: number, inner: string): string {
  let text = inner;
  for (let i = 0; i < levels; i++) text = i % 2 === 0 ? `[${text}]` : `{"k[{":${text}}`;
  return text;
}

describe('jsonDepthExceeds', () => {
  it('agrees with the depth of the parsed value, brackets inside strings included', () => {
    const brackety = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, brackety, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(brackety, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 8 }), (v, limit) => {
      const text = JSON.stringify(v);
      assert.equal(jsonDepthExceeds(text, limit), depthOf(v) > limit, text);
    }), { numRuns: 10_000 });
  });

  it('finds nesting just past the limit and accepts nesting at it, with many brackets in strings around', () => {
    const noise = `"${'[{'.repeat(100)}"`;
    for (const levels of [63, 64, 65, 66, 200]) {
      const text = nest(levels, noise);
      assert.equal(depthOf(JSON.parse(text)), levels);
      assert.equal(jsonDepthExceeds(text, 64), levels > 64, `${levels} levels`);
    }
  });
});
