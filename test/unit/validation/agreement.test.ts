// The validator and the SCIM core (which the mock MURAL runs) must not contradict each other: what the validator
// passes without errors the core applies, and what it reports as a request error the core rejects.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch } from '../../../src/scim/patch';
import { normalizeResource } from '../../../src/scim/resource';
import { isScimError } from '../../../src/scim/errors';
import { validatePayload } from '../../../src/validation';

const DIR = join(process.cwd(), 'test', 'fixtures', 'payloads');
const USER = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'alice@contoso.com', emails: [{ type: 'work', value: 'alice@contoso.com' }], active: true };
const GROUP = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng', members: [{ value: 'udf4297df66b9aa4b6a856182' }] };

/** Rules about MURAL's own policies or about strictness beyond what the core enforces (the mock applies those elsewhere). */
const BEYOND_CORE = new Set(['SCIM020', 'SCIM022', 'SCIM032', 'SCIM048']);

function outcome(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (e) {
    assert.ok(isScimError(e), String(e));
    assert.equal(e.status, 400);
    return 'rejected';
  }
}

describe('validation agrees with the SCIM core', () => {
  const files = ['entra', 'bad'].flatMap((sub) => readdirSync(join(DIR, sub)).map((name) => ({ sub, name, text: readFileSync(join(DIR, sub, name), 'utf8') })));

  for (const { sub, name, text } of files) {
    const { kind, problems } = validatePayload(text);
    if (problems.some((p) => p.code === 'SCIM001') || !['User', 'Group', 'PatchOp'].includes(kind)) continue;
    const errors = problems.filter((p) => p.severity === 'error' && !BEYOND_CORE.has(p.code)).map((p) => p.code);
    const expected = errors.length > 0 ? 'rejected' : 'accepted';
    it(`${sub}/${name}: ${expected} by the core${errors.length ? ` (${errors.join(', ')})` : ''}`, () => {
      const body: unknown = JSON.parse(text);
      if (kind === 'PatchOp') {
        // The payload does not say which resource it patches: accepted means by one of them, rejected by both.
        const outcomes = [outcome(() => applyPatch('User', USER, body)), outcome(() => applyPatch('Group', GROUP, body))];
        assert.equal(outcomes.includes('accepted') ? 'accepted' : 'rejected', expected);
      } else {
        assert.equal(outcome(() => normalizeResource(kind as 'User' | 'Group', body)), expected);
      }
    });
  }
});
