import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../../src/cli/command';
import { createExpressionCommand } from '../../../src/cli/expression';
import { createLintCommand } from '../../../src/cli/lint';
import { muralDefaultConfiguration } from '../../../src/entra';
import { applyFix, isProvisioningConfiguration, loadMappingTable, mappingAt, mappingLocations, provisioningCompletionsAt, provisioningHoverAt, validatePayload, validateProvisioningConfiguration } from '../../../src/validation';
import { MURAL_MAPPING } from '../../../src/scim/mapping';

const ROOT = join(__dirname, '../../../..');

async function cli(make: typeof createLintCommand, cwd: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await make({ cwd, stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } } }).run(args);
  return { code, out, err };
}

/** The default configuration with edits applied to the user mapping, as file text. */
function configText(edit: (user: { attributeMappings: Record<string, unknown>[]; scope: unknown }) => void): string {
  const schema = muralDefaultConfiguration() as { synchronizationRules: { objectMappings: { attributeMappings: Record<string, unknown>[]; scope: unknown }[] }[] };
  edit(schema.synchronizationRules[0].objectMappings[0]);
  return JSON.stringify(schema, null, 2);
}

function problemsOf(text: string) {
  return validateProvisioningConfiguration(text).problems.map((p) => ({ ...p, text: text.slice(p.offset, p.offset + p.length) }));
}

describe('provisioning configuration diagnostics', () => {
  it('the shipped default and the real Salesforce download are clean', () => {
    assert.deepEqual(validateProvisioningConfiguration(readFileSync(join(ROOT, 'docs/examples/mural-identity.provisioning.json'), 'utf8')).problems, []);
    const sf = readFileSync(join(ROOT, 'test/fixtures/entra/entra-schema-salesforce-sample.json'), 'utf8');
    assert.deepEqual(validateProvisioningConfiguration(sf).problems.map((p) => p.message), []);
  });

  it('recognises files by name or by content', () => {
    assert.ok(isProvisioningConfiguration('x/mural.provisioning.json', '{}'));
    assert.ok(isProvisioningConfiguration('schema.json', '{"synchronizationRules": []}'));
    assert.ok(!isProvisioningConfiguration('user.scim.json', '{"schemas": []}'));
    assert.ok(!isProvisioningConfiguration('x.json', '{"a": {"synchronizationRules": []}}'));
  });

  it('underlines inside expression strings at the exact characters, escapes counted', () => {
    const text = configText((u) => {
      u.attributeMappings[1].source = { type: 'Function', name: 'Join', expression: 'Join("\\"", [mial], Frobnicate([mail]))', parameters: [] };
      u.attributeMappings[2].source = { type: 'Function', name: 'Switch', expression: 'switch([IsSoftDeleted], , "False", "True", "True"', parameters: [] };
    });
    const p = problemsOf(text);
    const attr = p.find((x) => x.code === 'SCIM093')!;
    assert.equal(attr.text, 'mial');
    assert.match(attr.message, /Did you mean \[mail\]/);
    const fn = p.find((x) => x.code === 'SCIM092')!;
    assert.equal(fn.text, 'Frobnicate');
    const syntax = p.find((x) => x.code === 'SCIM091')!;
    assert.match(syntax.message, /Missing "\)" to close switch\(/);
    assert.equal(syntax.text, '(');
  });

  it('case fixes are quick fixes; unknown targets, matching and scoping problems are reported', () => {
    const text = configText((u) => {
      u.attributeMappings[0].source = { type: 'Function', name: 'ToLower', expression: 'toLower([UserPrincipalName])', parameters: [] };
      u.attributeMappings[3].targetAttributeName = 'name.givenname';
      u.attributeMappings[1].matchingPriority = 2;
      u.scope = { groups: [{ name: 'g', clauses: [
        { operatorName: 'equals', sourceOperandName: 'department', targetOperand: { values: ['Sales'] } },
        { operatorName: 'REGEX MATCH', sourceOperandName: 'mail', targetOperand: { values: ['(unclosed'] } },
        { operatorName: 'Greater_Than', sourceOperandName: 'employeeId', targetOperand: null },
        { operatorName: 'LIKE', sourceOperandName: 'departmnt', targetOperand: { values: ['x'] } },
        { operatorName: 'IS NULL', sourceOperandName: 'proxyAddresses', targetOperand: null },
      ] }], inputFilterGroups: [], categoryFilterGroups: [] };
    });
    const p = problemsOf(text);
    const byCode = (c: string) => p.filter((x) => x.code === c);
    const caseFix = byCode('SCIM098').find((x) => x.text === 'toLower')!;
    assert.equal(caseFix.severity, 'warning');
    const fixed = applyFix(text, caseFix.fixes![0]);
    assert.ok(fixed.includes('"ToLower([UserPrincipalName])"'));
    const attr = byCode('SCIM093').find((x) => x.text === 'UserPrincipalName')!;
    assert.match(attr.message, /case-sensitive: \[userPrincipalName\]/);
    assert.ok(applyFix(text, attr.fixes![0]).includes('"toLower([userPrincipalName])"'));
    assert.match(byCode('SCIM094')[0].message, /has no attribute name\.givenname\. Did you mean name\.givenName/);
    assert.match(byCode('SCIM095')[0].message, /MURAL cannot filter Users on emails\[type eq "work"\]\.value.*match on userName/);
    assert.equal(byCode('SCIM098').find((x) => x.text === 'equals')?.fixes?.[0].edits[0].newText, '"EQUALS"');
    assert.equal(byCode('SCIM097').length, 1);
    assert.ok(byCode('SCIM096').some((x) => /Greater_Than needs a value/.test(x.message)));
    assert.ok(byCode('SCIM096').some((x) => /"LIKE" is not a scoping operator/.test(x.message)));
    assert.ok(byCode('SCIM096').some((x) => /proxyAddresses is multi-valued/.test(x.message)));
  });

  it('shape problems land on their JSON value; syntax errors are reported as such', () => {
    const text = configText((u) => { u.attributeMappings[0].flowType = 'Sometimes'; });
    const p = problemsOf(text);
    assert.equal(p[0].code, 'SCIM090');
    assert.equal(p[0].text, 'Sometimes');
    assert.equal(problemsOf('{"synchronizationRules": [,]}')[0].code, 'SCIM001');
  });
});

describe('scim-workbench lint on provisioning configurations', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-prov-'));
    writeFileSync(join(dir, 'ok.provisioning.json'), readFileSync(join(ROOT, 'docs/examples/mural-identity.provisioning.json')));
    writeFileSync(join(dir, 'bad.provisioning.json'), configText((u) => { u.attributeMappings[0].source = { type: 'Function', name: 'x', expression: 'ToLower([upn]', parameters: [] }; }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the same problems as the editor, with line and column', async () => {
    const ok = await cli(createLintCommand, dir, 'ok.provisioning.json');
    assert.equal(ok.code, 0);
    const bad = await cli(createLintCommand, dir, 'bad.provisioning.json');
    assert.equal(bad.code, 1);
    assert.match(bad.out, /^bad\.provisioning\.json:\d+:\d+ error SCIM091 Missing "\)" to close ToLower\(/m);
  });
});

describe('scim-workbench expression', () => {
  const run = (...args: string[]) => cli(createExpressionCommand as typeof createLintCommand, process.cwd(), ...args);

  it('evaluates with --input and prints json with the stored tree', async () => {
    const r = await run('Switch([IsSoftDeleted], , "False", "True", "True", "False")', '--input', '{"IsSoftDeleted":false}', '--format', 'json');
    assert.equal(r.code, 0);
    const out = JSON.parse(r.out);
    assert.equal(out.ok, true);
    assert.equal(out.value, 'True');
    assert.equal(out.flow, 'value');
    assert.equal(out.parsed.name, 'Switch');
    const none = JSON.parse((await run('[mail]', '--format', 'json')).out);
    assert.deepEqual([none.value, none.flow], [null, 'none']);
    const text = await run('ToLower([userPrincipalName])', '--input', '{"userPrincipalName":"Ada@Contoso.com"}');
    assert.equal(text.out, 'ada@contoso.com\n');
    assert.equal(text.err, 'flow: value\n');
    const ignore = await run('IgnoreFlowIfNullOrEmpty([department])');
    assert.match(ignore.err, /flow: ignoreAttribute/);
  });

  it('reads --input from a file and uses --now', async () => {
    const d = mkdtempSync(join(tmpdir(), 'scim-expr-'));
    try {
      writeFileSync(join(d, 'user.json'), '{"givenName":"Ada","surname":"Lovelace"}');
      const r = await cli(createExpressionCommand as typeof createLintCommand, d, 'Join(" ", [givenName], [surname])', '--input', '@user.json');
      assert.equal(r.out, 'Ada Lovelace\n');
      const now = await run('Now()', '--now', '2021-07-02T15:33:38Z');
      assert.equal(now.out, '7/2/2021 3:33:38 PM\n');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('exit 1 with the error and its offset on parse and evaluation errors', async () => {
    const r = await run('Switch([a], "x"', '--format', 'json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), { ok: false, error: { message: 'Missing ")" to close Switch( opened at column 1: the expression ends first.', offset: 6, length: 1 } });
    const t = await run('Left([a], "x")', '--input', '{"a":"abc"}');
    assert.equal(t.code, 1);
    assert.match(t.err, /error at offset 10: Left's NumChars must be a whole number; got "x"\.\n  Left\(\[a\], "x"\)\n {12}\^\^\^\n/);
  });

  it('exit 2 on usage errors', async () => {
    for (const args of [[], ['a', 'b'], ['[a]', '--input', '{bad'], ['[a]', '--input', '[1]'], ['[a]', '--format', 'xml'], ['[a]', '--now', 'yesterday'], ['[a]', '--input', '@missing.json']]) {
      await assert.rejects(run(...args), (e: unknown) => e instanceof CliError && e.exitCode === 2, JSON.stringify(args));
    }
  });
});

describe('provisioning configuration hover, completion and mapping positions', () => {
  const text = readFileSync(join(ROOT, 'docs/examples/mural-identity.provisioning.json'), 'utf8');
  const at = (needle: string, delta = 0) => text.indexOf(needle) + delta;

  it('hovers functions and attributes inside expression strings', () => {
    const fn = provisioningHoverAt(text, at('Switch([IsSoftDeleted]', 2))!;
    assert.match(fn.contents, /\*\*Switch\(source, defaultValue, key1, value1/);
    assert.equal(text.slice(fn.offset, fn.offset + fn.length), 'Switch');
    const attr = provisioningHoverAt(text, at('Switch([IsSoftDeleted]', 10))!;
    assert.match(attr.contents, /\[IsSoftDeleted\]\*\* — Boolean attribute of User/);
    assert.equal(text.slice(attr.offset, attr.offset + attr.length), '[IsSoftDeleted]');
    assert.equal(provisioningHoverAt(text, at('"targetAttributeName"')), undefined);
  });

  it('completes [attributes] after "[" and functions elsewhere', () => {
    const edited = text.replace('"expression": "[mail]"', '"expression": "Join(\\" \\", [gi"');
    const offset = edited.indexOf('[gi"') + 3;
    const c = provisioningCompletionsAt(edited, offset)!;
    assert.ok(c.items.some((i) => i.label === 'givenName' && i.insertText === 'givenName]'));
    assert.equal(edited.slice(c.offset, c.offset + c.length), 'gi');
    const f = provisioningCompletionsAt(edited, edited.indexOf('Join(') + 2)!;
    assert.ok(f.items.some((i) => i.label === 'Join' && i.insertText === 'Join('));
    assert.equal(edited.slice(f.offset, f.offset + f.length), 'Jo');
  });

  it('lists every mapping of the enabled object mappings, and finds one by path', () => {
    const locations = mappingLocations(text);
    assert.deepEqual(locations.map((l) => l.targetAttributeName), ['userName', 'emails[type eq "work"].value', 'active', 'name.givenName', 'name.familyName', 'externalId', 'displayName', 'members', 'externalId']);
    assert.equal(text[locations[0].offset], '{');
    assert.equal(mappingAt(text, locations[2].path)?.source?.text, 'Switch([IsSoftDeleted], , "False", "True", "True", "False")');
  });
});

describe('a provisioning configuration as the workspace mapping table', () => {
  const defaults = readFileSync(join(ROOT, 'docs/examples/mural-identity.provisioning.json'), 'utf8');
  const user = (extra: Record<string, unknown>) => JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.com', ...extra });

  it('MURAL Identity\'s default configuration gives MURAL\'s table', () => {
    const loaded = loadMappingTable(defaults);
    assert.deepEqual(loaded.problems, []);
    const strip = (e: object) => ({ ...e, source: undefined });
    assert.deepEqual(loaded.table!.entries.map(strip), MURAL_MAPPING.entries.map(strip));
  });

  it('follows the file: an unmapped attribute is not checked, a target made optional is not required', () => {
    const schema = JSON.parse(defaults);
    const om = schema.synchronizationRules[0].objectMappings[0];
    om.attributeMappings = om.attributeMappings.filter((m: { targetAttributeName: string }) => m.targetAttributeName !== 'name.givenName');
    const targetUser = schema.directories[1].objects[0];
    targetUser.attributes.find((a: { name: string }) => a.name === 'emails[type eq "work"].value').required = false;
    const loaded = loadMappingTable(JSON.stringify(schema, null, 2));
    assert.ok(loaded.table);
    const withDefaults = validatePayload(user({ name: { givenName: 'Ada2' } })).problems.map((p) => p.code);
    assert.ok(withDefaults.includes('SCIM022') && withDefaults.includes('SCIM020'));
    const withFile = validatePayload(user({ name: { givenName: 'Ada2' } }), { mapping: loaded.table }).problems.map((p) => p.code);
    assert.ok(!withFile.includes('SCIM022') && !withFile.includes('SCIM020'), withFile.join(' '));
    assert.ok(withFile.includes('SCIM024'), 'name.givenName is now an attribute MURAL does not get from Entra');
  });

  it('a configuration that sends nothing to MURAL leaves MURAL\'s table in force, and says why', () => {
    const loaded = loadMappingTable(readFileSync(join(ROOT, 'test/fixtures/entra/entra-schema-salesforce-sample.json'), 'utf8'));
    assert.equal(loaded.table, undefined);
    assert.match(loaded.problems.find((p) => p.code === 'SCIM080')!.message, /No enabled object mapping targets MURAL's SCIM User or Group/);
  });
});
