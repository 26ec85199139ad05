// Shared helpers for the validation tests: ranges computed from the input text, never hard-coded offsets.
import * as assert from 'node:assert/strict';
import { validatePayload, applyFix, type Problem, type ValidateOptions } from '../../../src/validation';

/** The range of the `nth` occurrence of `needle` in `text` (fails the test when absent). */
export function rangeOf(text: string, needle: string, nth = 0): { offset: number; length: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (occurrence ${nth}) not found in the test text`);
  }
  return { offset: at, length: needle.length };
}

/** The problems of a payload with the given code. */
export function withCode(text: string, code: string, options: ValidateOptions = {}): Problem[] {
  return validatePayload(text, options).problems.filter((p) => p.code === code);
}

/** Asserts exactly one problem with `code`, at the range of `needle`, and returns it. */
export function expectOne(text: string, code: string, needle: string, nth = 0, options: ValidateOptions = {}): Problem {
  const found = withCode(text, code, options);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(validatePayload(text, options).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]))}`);
  const [p] = found;
  assert.deepEqual({ offset: p.offset, length: p.length }, rangeOf(text, needle, nth));
  return p;
}

/** The codes of all problems, in document order. */
export function codes(text: string, options: ValidateOptions = {}): string[] {
  return validatePayload(text, options).problems.map((p) => p.code);
}

/** Applies the problem's only fix (asserting there is exactly one). */
export function fixed(text: string, p: Problem): string {
  assert.equal(p.fixes?.length, 1, `expected one fix on ${p.code}`);
  return applyFix(text, (p.fixes ?? [])[0]);
}

export const URNS = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  EntraGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
  PatchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  ListResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  Error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  SearchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
} as const;

/** A User request body with MURAL's required attributes, plus `extra` properties (JSON text, no braces). */
export function user(extra = '', userName = 'alice@contoso.com'): string {
  return `{
  "schemas": ["${URNS.User}"],
  "userName": "${userName}",
  "emails": [{ "primary": true, "type": "work", "value": "alice@contoso.com" }]${extra ? `,\n  ${extra}` : ''}
}`;
}

/** A PatchOp with the given operations (JSON text of the array's elements). */
export function patch(ops: string): string {
  return `{
  "schemas": ["${URNS.PatchOp}"],
  "Operations": [
    ${ops}
  ]
}`;
}
