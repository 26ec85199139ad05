// The payloads Entra sends (the examples of
// https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups)
// validate with exactly the problems a careful MURAL/Entra engineer would point out; each bad fixture shows its
// rule; every fix removes what it fixes.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyFix, validatePayload } from '../../../src/validation';

const DIR = join(process.cwd(), 'test', 'fixtures', 'payloads');

function read(sub: string, name: string): string {
  return readFileSync(join(DIR, sub, name), 'utf8');
}

function found(text: string): [string, string][] {
  return validatePayload(text).problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]);
}

const EMPLOYEE_NUMBER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber';

/** Per Entra fixture: the problems expected, and why a careful engineer would point each out. */
const ENTRA: Record<string, { kind: string; expected: [string, string][]; why: string }> = {
  'user-create.scim.json': {
    kind: 'User',
    expected: [['SCIM026', '"meta"'], ['SCIM024', '"formatted"']],
    why: 'meta.resourceType is read-only and ignored (a hint only); MURAL does not map name.formatted (information).',
  },
  'user-lookup-empty.scim.json': { kind: 'ListResponse', expected: [], why: 'Entra\'s expected empty look-up answer.' },
  'user-patch-legacy.scim.json': {
    kind: 'PatchOp',
    expected: [['SCIM042', 'Replace'], ['SCIM042', 'Replace'], ['SCIM042', 'Add'], ['SCIM024', 'nickName'], ['SCIM042', 'Replace'], ['SCIM024', EMPLOYEE_NUMBER]],
    why: 'Capitalised ops are Entra\'s legacy form (hints); MURAL ignores nickName and employeeNumber (information).',
  },
  'user-patch-aadoptscim062020.scim.json': {
    kind: 'PatchOp',
    expected: [['SCIM024', '"displayName"'], ['SCIM024', `"${EMPLOYEE_NUMBER}"`]],
    why: 'MURAL maps neither a user\'s displayName nor employeeNumber (information).',
  },
  'user-disable-legacy.scim.json': {
    kind: 'PatchOp',
    expected: [['SCIM042', 'Replace'], ['SCIM021', 'False']],
    why: 'Entra\'s legacy "False" is a string: MURAL accepts it, strict servers do not — the warning with a fix is right.',
  },
  'user-disable-aadoptscim062020.scim.json': { kind: 'PatchOp', expected: [], why: 'The flag sends a boolean.' },
  'user-disable-lowercase-string.scim.json': {
    kind: 'PatchOp',
    expected: [['SCIM021', 'false']],
    why: '"false" as a string, seen in the wild: the same warning as "False".',
  },
  'user-disable-add.scim.json': { kind: 'PatchOp', expected: [['SCIM042', 'Add']], why: '"Add" on active (seen in the wild) is a replace; only the op case is noted.' },
  'group-create.scim.json': { kind: 'Group', expected: [['SCIM026', '"meta"']], why: 'meta.resourceType is harmless (a hint).' },
  'group-rename.scim.json': { kind: 'PatchOp', expected: [['SCIM042', 'Replace']], why: 'Legacy op case only; displayName is a group rename MURAL maps.' },
  'group-add-members.scim.json': { kind: 'PatchOp', expected: [['SCIM042', 'Add']], why: 'Several members per op and "$ref": null are Entra\'s and fine.' },
  'group-remove-members-legacy.scim.json': { kind: 'PatchOp', expected: [['SCIM042', 'Remove']], why: 'A value list removes only the listed members.' },
  'group-remove-members-aadoptscim062020.scim.json': { kind: 'PatchOp', expected: [], why: 'The flag\'s filtered path.' },
  'mural-user-list.scim.json': { kind: 'ListResponse', expected: [], why: 'MURAL\'s own user shape as a response.' },
  'error-not-found.scim.json': { kind: 'Error', expected: [], why: 'status as a string.' },
  'error-uniqueness.scim.json': { kind: 'Error', expected: [], why: '409 uniqueness, as Entra expects for conflicts.' },
};

/** Bad fixtures whose problems go beyond the one rule in their name. */
const BAD_EXTRA: Record<string, string[]> = {
  'SCIM023-capitals.scim.json': ['SCIM023', 'SCIM023'],
  'SCIM030-wrong-type.scim.json': ['SCIM020', 'SCIM030'],
  'SCIM050-total-missing.scim.json': ['SCIM050', 'SCIM050'],
};

describe('fixtures: payloads as Entra sends them', () => {
  it('every fixture is listed here', () => {
    assert.deepEqual(readdirSync(join(DIR, 'entra')).sort(), Object.keys(ENTRA).sort());
  });

  for (const [name, { kind, expected, why }] of Object.entries(ENTRA)) {
    it(`${name}: ${expected.length === 0 ? 'no problems' : expected.map((e) => e[0]).join(', ')} — ${why}`, () => {
      const text = read('entra', name);
      assert.equal(validatePayload(text).kind, kind);
      assert.deepEqual(found(text), expected);
    });
  }

  it('nothing Entra sends is an error', () => {
    for (const name of Object.keys(ENTRA)) {
      assert.deepEqual(validatePayload(read('entra', name)).problems.filter((p) => p.severity === 'error'), [], name);
    }
  });
});

describe('fixtures: one bad payload per rule', () => {
  const names = readdirSync(join(DIR, 'bad')).sort();

  for (const name of names) {
    const code = name.slice(0, 7);
    it(`${name} shows ${code}`, () => {
      assert.deepEqual(validatePayload(read('bad', name)).problems.map((p) => p.code), BAD_EXTRA[name] ?? [code]);
    });
  }
});

describe('fixtures: messages', () => {
  it('every message is one short sentence: what is wrong, without the why, which the rule\'s section of docs/diagnostics.md and the hover give', () => {
    for (const sub of ['bad', 'entra']) {
      for (const name of readdirSync(join(DIR, sub))) {
        for (const p of validatePayload(read(sub, name)).problems) {
          // Quoted text ("…", `…`) may hold anything; outside it no sentence ends before the last character.
          const bare = p.message.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/`[^`]*`/g, '``');
          assert.ok(p.message.length <= 180 && !/[.!?]\s+\S/.test(bare), `${sub}/${name} ${p.code}: ${p.message}`);
        }
      }
    }
  });
});

describe('fixtures: every fix fixes what it claims', () => {
  it('applying a fix leaves valid JSON and one problem fewer of its code', () => {
    let fixes = 0;
    for (const [sub, list] of [['entra', Object.keys(ENTRA)], ['bad', readdirSync(join(DIR, 'bad'))]] as const) {
      for (const name of list) {
        const text = read(sub, name);
        const before = validatePayload(text).problems;
        for (const p of before) {
          for (const fix of p.fixes ?? []) {
            fixes++;
            const after = validatePayload(applyFix(text, fix)).problems;
            const count = (ps: typeof before) => ps.filter((q) => q.code === p.code).length;
            assert.equal(count(after), count(before) - 1, `${name}: "${fix.title}"`);
            if (p.code !== 'SCIM001') assert.deepEqual(after.filter((q) => q.code === 'SCIM001'), [], `${name}: "${fix.title}" keeps the JSON valid`);
          }
        }
      }
    }
    assert.ok(fixes >= 10, `${fixes} fixes exercised`);
  });
});
