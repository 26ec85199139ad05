import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateObjectMapping, evaluateScope, findOperator, inScope, loadConfiguration, loadConfigurationText, mappingSourceToText,
  muralDefaultConfiguration, muralDefaultConfigurationText, objectMappingFor, OPERATORS, parseExpression, toMappingSource,
  type FilterClause, type ProvisioningConfiguration,
} from '../../../src/entra';
import { MURAL_MAPPING } from '../../../src/scim/mapping';

const ROOT = join(__dirname, '../../../..');
const SAMPLE = join(ROOT, 'test/fixtures/entra/entra-schema-salesforce-sample.json');

function tree(text: string) {
  const p = parseExpression(text);
  if (!p.ok) assert.fail(p.error.message);
  const t = toMappingSource(p.expr, text);
  if (!t.ok) assert.fail(t.error.message);
  return t.value;
}

function text(t: unknown): string {
  const r = mappingSourceToText(t);
  if (!r.ok) assert.fail(`${r.error.message} at ${r.error.path.join('.')}`);
  return r.value;
}

function load(value: unknown): ProvisioningConfiguration {
  const l = loadConfiguration(value);
  assert.deepEqual(l.problems.filter((p) => p.severity === 'error'), []);
  assert.ok(l.config);
  return l.config;
}

/** Every attributeMappingSource in a schema JSON value. */
function sources(schema: { synchronizationRules: { objectMappings: { attributeMappings: { source: unknown }[] }[] }[] }): Record<string, unknown>[] {
  return schema.synchronizationRules.flatMap((r) => r.objectMappings.flatMap((om) => om.attributeMappings.map((am) => am.source)))
    .filter((s): s is Record<string, unknown> => s !== null);
}

describe('entra stored form (attributeMappingSource)', () => {
  it('stores attributes, constants and numbers as Graph does', () => {
    assert.deepEqual(tree('[mail]'), { expression: '[mail]', name: 'mail', parameters: [], type: 'Attribute' });
    assert.deepEqual(tree('Mid([userPrincipalName], 1, 8)'), {
      expression: 'Mid([userPrincipalName], 1, 8)', name: 'Mid', type: 'Function',
      parameters: [
        { key: 'source', value: { expression: '[userPrincipalName]', name: 'userPrincipalName', parameters: [], type: 'Attribute' } },
        { key: 'start', value: { expression: '"1"', name: '1', parameters: [], type: 'Constant' } },
        { key: 'length', value: { expression: '"8"', name: '8', parameters: [], type: 'Constant' } },
      ],
    });
  });

  it('drops omitted arguments and keys the rest by parameter name', () => {
    const t = tree('Replace([preferredLanguage], "-", , , "_", , )');
    assert.deepEqual(t.parameters.map((p) => p.key), ['source', 'Find', 'Replacement']);
    assert.equal(text(t), 'Replace([preferredLanguage], "-", , , "_", , )');
  });

  it('repeats the key of repeating parameters and uses IIF\'s one…five', () => {
    assert.deepEqual(tree('Join("@", [sAMAccountName], %DomainFQDN%)').parameters.map((p) => [p.key, p.value.expression]), [['separator', '"@"'], ['source', '[sAMAccountName]'], ['source', '%DomainFQDN%']]);
    const iif = tree('IIF(BitAnd([userAccountControl], 2)="0", "True", "False")');
    assert.deepEqual(iif.parameters.map((p) => [p.key, p.value.name]), [['one', 'BitAnd'], ['two', '='], ['three', '0'], ['four', 'True'], ['five', 'False']]);
    assert.equal(text(iif), 'IIF(BitAnd([userAccountControl], 2)="0", "True", "False")');
    const present = tree('IIF(IsPresent([pwdLastSet]), FormatDateTime([pwdLastSet], , "yyyy", "yyyy"), )');
    assert.deepEqual(present.parameters.map((p) => p.key), ['one', 'four']);
    const sw = tree('Switch([IsSoftDeleted], , "False", "True", "True", "False")');
    assert.deepEqual(sw.parameters.map((p) => p.key), ['source', 'switchValue', 'switchValue', 'switchValue', 'switchValue']);
    assert.equal(text(sw), 'Switch([IsSoftDeleted], , "False", "True", "True", "False")');
  });

  it('round-trips text → tree → text → tree for every grammar corner', () => {
    for (const t of [
      'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
      'Replace([mail], "@contoso.com", , , "", , )',
      'BitAnd(&HF, &HF7)',
      'InStr("repEated", "e", 3, vbBinaryCompare)',
      'DateAdd("d", -10, CDate([StatusHireDate]))',
      'Join("", "Company name: \\"Contoso\\"", "a\\\\b")',
      'IIF([country]="USA", IIF([state]<>"CA", "True", "False"), "False")',
      'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
      'Coalesce([mail], [userPrincipalName], "")',
      'Now()',
    ]) {
      const t1 = tree(t);
      const again = text(t1);
      assert.equal(again, t, 'canonical text');
      assert.deepEqual(tree(again), t1);
    }
  });

  it('says which node of a bad tree is wrong', () => {
    const bad = { type: 'Function', name: 'Replace', parameters: [{ key: 'source', value: { type: 'Attribute', name: 'mail' } }, { key: 'Needle', value: { type: 'Constant', name: 'x' } }] };
    const r = mappingSourceToText(bad);
    assert.ok(!r.ok);
    assert.deepEqual(r.error.path, ['parameters', 1, 'key']);
    assert.match(r.error.message, /"Needle" is not a parameter of Replace/);
    const unknown = mappingSourceToText({ type: 'Function', name: 'Frob', parameters: [] });
    assert.ok(!unknown.ok && /Unknown function Frob/.test(unknown.error.message));
    const cmp = parseExpression('CBool([a] = [b])');
    assert.ok(cmp.ok);
    const stored = toMappingSource(cmp.expr);
    assert.ok(!stored.ok && /only as IIF's condition/.test(stored.error.message));
  });

  it('the real Salesforce download: every expression parses and its tree round-trips', () => {
    const schema = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    const all = sources(schema);
    assert.equal(all.length, 12);
    for (const s of all) {
      const fromText = tree(s.expression as string);
      assert.deepEqual({ ...fromText, expression: '' }, { ...s, expression: '' }, s.expression as string);
      assert.deepEqual(tree(text(s)), { ...fromText, expression: text(s) });
    }
  });
});

describe('entra provisioning configuration file', () => {
  it('loads the real Salesforce download', () => {
    const config = load(JSON.parse(readFileSync(SAMPLE, 'utf8')));
    assert.equal(config.rules.length, 2);
    const om = objectMappingFor(config, 'User');
    assert.ok(om);
    assert.equal(om.targetObjectName, 'User');
    assert.deepEqual([...om.flowTypes], ['Add', 'Update', 'Delete']);
    const byTarget = new Map(om.attributeMappings.map((m) => [m.targetAttributeName, m]));
    assert.equal(byTarget.get('Username')?.matchingPriority, 1);
    assert.equal(byTarget.get('Email')?.type, 'Direct');
    assert.equal(byTarget.get('IsActive')?.type, 'Expression');
    assert.equal(byTarget.get('EmailEncodingKey')?.type, 'None');
    const result = evaluateObjectMapping(om, { userPrincipalName: 'ada.lovelace@contoso.com', mail: 'ada@contoso.com', IsSoftDeleted: false, preferredLanguage: 'en-GB' }, { create: true });
    const values = Object.fromEntries(result.attributes.map((a) => [a.target, a.outcome.flow === 'value' ? a.outcome.value : a.outcome.flow]));
    assert.equal(values.IsActive, 'True');
    assert.equal(values.Alias, 'ada.love');
    assert.equal(values.LocaleSidKey, 'en_GB');
    assert.equal(values.EmailEncodingKey, 'ISO-8859-1');
    assert.equal(values.LastName, '.');
    assert.equal(values.ProfileName, 'Chatter Free User');
    assert.deepEqual(result.matching, [{ target: 'Username', priority: 1, value: 'ada.lovelace@contoso.com' }]);
    const update = evaluateObjectMapping(om, { userPrincipalName: 'a@b.c' }, { create: false });
    assert.equal(update.attributes.find((a) => a.target === 'EmailEncodingKey')?.outcome.flow, 'none');
  });

  it('reports malformed files with the JSON path and what was expected', () => {
    assert.match(loadConfiguration([]).problems[0].message, /Expected a synchronizationSchema object/);
    const notSchema = loadConfiguration({ users: [] });
    assert.equal(notSchema.config, undefined);
    assert.deepEqual(notSchema.problems[0].path, ['synchronizationRules']);
    const bad = loadConfiguration({
      directories: [{ name: 'Entra', objects: [] }],
      synchronizationRules: [{
        sourceDirectoryName: 'Entra', targetDirectoryName: 'Nowhere',
        objectMappings: [{
          sourceObjectName: 'User', targetObjectName: 'User', flowTypes: 'Add,Upsert',
          attributeMappings: [
            { targetAttributeName: 'userName', flowType: 'Sometimes', matchingPriority: 'first', source: { type: 'Function', name: 'ToLower', expression: 'ToLower([upn]', parameters: [] } },
            { source: null },
          ],
          scope: { groups: [{ name: 'g', clauses: [{ operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: { values: [1] } }] }] },
        }],
      }],
    });
    const at = (path: string) => bad.problems.find((p) => p.path.join('.') === path);
    assert.match(at('synchronizationRules.0.targetDirectoryName')!.message, /"Nowhere" is not a directory of this file; "directories" names "Entra"/);
    assert.match(at('synchronizationRules.0.objectMappings.0.flowTypes')!.message, /"Upsert" is not a flow type/);
    assert.match(at('synchronizationRules.0.objectMappings.0.attributeMappings.0.flowType')!.message, /one of Always, ObjectAddOnly/);
    assert.match(at('synchronizationRules.0.objectMappings.0.attributeMappings.0.matchingPriority')!.message, /whole number, found the string "first"/);
    const expr = at('synchronizationRules.0.objectMappings.0.attributeMappings.0.source.expression')!;
    assert.match(expr.message, /Missing "\)" to close ToLower\(/);
    assert.deepEqual(expr.inExpression, { offset: 7, length: 1 });
    assert.match(at('synchronizationRules.0.objectMappings.0.attributeMappings.1.targetAttributeName')!.message, /is missing/);
    assert.match(at('synchronizationRules.0.objectMappings.0.scope.groups.0.clauses.0.targetOperand.values.0')!.message, /Expected a string, found number 1/);
    const syntax = loadConfigurationText('{"synchronizationRules": [}');
    assert.ok(syntax.syntaxError);
    assert.match(syntax.problems[0].message, /not valid JSON/);
  });

  it('warns when a stored tree and its expression text disagree', () => {
    const l = loadConfiguration({
      synchronizationRules: [{ sourceDirectoryName: 'a', targetDirectoryName: 'b', objectMappings: [{ sourceObjectName: 'User', targetObjectName: 'User', attributeMappings: [
        { targetAttributeName: 'x', source: { type: 'Function', name: 'ToLower', expression: 'ToLower([mail])', parameters: [{ key: 'source', value: { type: 'Attribute', name: 'upn', expression: '[upn]', parameters: [] } }] } },
      ] }] }],
    });
    assert.equal(l.problems.length, 1);
    assert.equal(l.problems[0].severity, 'warning');
    assert.match(l.problems[0].message, /ToLower\(\[upn\]\), which differs from the expression/);
  });

  it('loads a 1 MB schema without trouble', () => {
    const schema = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    const om = schema.synchronizationRules[0].objectMappings[0];
    for (let i = 0; i < 2_500; i++) om.attributeMappings.push({ ...om.attributeMappings[1], targetAttributeName: `Alias${i}` });
    const textOf = JSON.stringify(schema);
    assert.ok(textOf.length > 1_000_000);
    const l = loadConfigurationText(textOf);
    assert.deepEqual(l.problems, []);
    assert.equal(l.config!.rules[0].objectMappings[0].attributeMappings.length, 2_514);
  });
});

describe('entra MURAL Identity default configuration', () => {
  it('loads cleanly and agrees with MURAL\'s mapping table (src/scim/mapping.ts)', () => {
    const config = load(muralDefaultConfiguration());
    for (const rt of ['User', 'Group'] as const) {
      const om = objectMappingFor(config, rt)!;
      const entries = MURAL_MAPPING.entries.filter((e) => e.resource === rt);
      assert.deepEqual(om.attributeMappings.map((m) => m.targetAttributeName), entries.map((e) => e.target));
      for (const e of entries) {
        const m = om.attributeMappings.find((x) => x.targetAttributeName === e.target)!;
        assert.equal(m.source?.text, /^\w+$/.test(e.source!) ? `[${e.source}]` : e.source);
        assert.equal(m.matchingPriority > 0, e.filterable && e.required, e.target);
      }
    }
  });

  it('evaluates the seed tutorial\'s user the way MURAL expects it', () => {
    const config = load(muralDefaultConfiguration());
    const om = objectMappingFor(config, 'User')!;
    const r = evaluateObjectMapping(om, { userPrincipalName: 'Ada@Contoso.com', mail: 'ada@contoso.com', givenName: 'Ada', surname: 'Lovelace', mailNickname: 'ada', IsSoftDeleted: false }, { create: true });
    assert.deepEqual(Object.fromEntries(r.attributes.map((a) => [a.target, a.outcome.flow === 'value' ? a.outcome.value : a.outcome.flow])), {
      userName: 'Ada@Contoso.com', 'emails[type eq "work"].value': 'ada@contoso.com', active: 'True', 'name.givenName': 'Ada', 'name.familyName': 'Lovelace', externalId: 'ada',
    });
    const soft = evaluateObjectMapping(om, { userPrincipalName: 'x@y.z', IsSoftDeleted: true }, { create: false });
    assert.deepEqual(soft.attributes.find((a) => a.target === 'active')?.outcome, { flow: 'value', value: 'False', redacted: false });
    assert.equal(soft.attributes.find((a) => a.target === 'name.givenName')?.outcome.flow, 'none');
  });

  it('the shipped file is the generated one', () => {
    assert.equal(readFileSync(join(ROOT, 'docs/examples/mural-identity.provisioning.json'), 'utf8'), muralDefaultConfigurationText());
  });
});

describe('entra scoping filters', () => {
  const clause = (operatorName: string, sourceOperandName: string, ...values: string[]): FilterClause =>
    ({ operatorName, sourceOperandName, targetOperand: values.length ? { values } : null });
  const passes = (c: FilterClause, source: Record<string, unknown>) => evaluateScope({ groups: [{ name: 'g', clauses: [c] }], inputFilterGroups: [], categoryFilterGroups: [] }, source).inScope;

  it('knows every documented operator, spelled as files spell them', () => {
    assert.deepEqual(OPERATORS.map((o) => o.name), ['EQUALS', 'NOT EQUALS', 'IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL', 'REGEX MATCH', 'NOT REGEX MATCH', 'Greater_Than', 'Greater_Than_OR_EQUALS', 'Includes', 'ENDS_WITH', '&', '!&']);
    assert.equal(findOperator('is not null')?.name, 'IS NOT NULL');
    assert.equal(findOperator('GREATER_THAN')?.name, 'Greater_Than');
    assert.equal(findOperator('Greater Than')?.name, 'Greater_Than');
    assert.equal(findOperator('LIKE'), undefined);
  });

  it('the documented examples', () => {
    assert.equal(passes(clause('REGEX MATCH', 'userPrincipalName', '.*\\@domain.com'), { userPrincipalName: 'ada@domain.com' }), true);
    assert.equal(passes(clause('REGEX MATCH', 'userPrincipalName', '.*\\@domain.com'), { userPrincipalName: 'ada@other.com' }), false);
    assert.equal(passes(clause('NOT REGEX MATCH', 'userPrincipalName', '.*\\@domain.com'), { userPrincipalName: 'ada@other.com' }), true);
    assert.equal(passes(clause('EQUALS', 'department', 'sales'), { department: 'sales' }), true);
    assert.equal(passes(clause('EQUALS', 'department', 'sales'), { department: 'Sales' }), false);
    const worker = clause('REGEX MATCH', 'workerID', '(1[0-9][0-9][0-9][0-9][0-9][0-9])');
    assert.equal(passes(worker, { workerID: '1500000' }), true);
    assert.equal(passes(worker, { workerID: '999999' }), false);
    const fourClauses = { groups: [{ name: 'NY engineers', clauses: [clause('EQUALS', 'city', 'New York'), clause('EQUALS', 'department', 'Engineering'), worker, clause('IS NOT NULL', 'jobTitle')] }], inputFilterGroups: [], categoryFilterGroups: [] };
    assert.equal(evaluateScope(fourClauses, { city: 'New York', department: 'Engineering', workerID: 1234567, jobTitle: 'Dev' }).inScope, true);
    const r = evaluateScope(fourClauses, { city: 'New York', department: 'Engineering', workerID: 1234567, jobTitle: '' });
    assert.equal(r.inScope, false);
    assert.equal(r.groups[0].clauses[3].reason, 'jobTitle null IS NOT NULL: false');
  });

  it('every operator, and false on null or empty for every binary operator', () => {
    const cases: [FilterClause, Record<string, unknown>, boolean][] = [
      [clause('NOT EQUALS', 'd', 'x'), { d: 'y' }, true],
      [clause('NOT EQUALS', 'd', 'x'), {}, false],
      [clause('NOT REGEX MATCH', 'd', 'x'), { d: '' }, false],
      [clause('IS TRUE', 'a'), { a: true }, true],
      [clause('IS TRUE', 'a'), { a: 'TRUE' }, true],
      [clause('IS TRUE', 'a'), {}, false],
      [clause('IS FALSE', 'a'), { a: 'False' }, true],
      [clause('IS FALSE', 'a'), { a: true }, false],
      [clause('IS NULL', 'a'), {}, true],
      [clause('IS NULL', 'a'), { a: '' }, true],
      [clause('IS NULL', 'a'), { a: 'x' }, false],
      [clause('Greater_Than', 'n', '10'), { n: 11 }, true],
      [clause('Greater_Than', 'n', '10'), { n: '10' }, false],
      [clause('Greater_Than_OR_EQUALS', 'n', '10'), { n: '10' }, true],
      [clause('Greater_Than', 'n', '10'), { n: '10.5' }, false],
      [clause('Includes', 'd', 'ale'), { d: 'Sales' }, true],
      [clause('Includes', 'd', 'ALE'), { d: 'Sales' }, false],
      [clause('ENDS_WITH', 'upn', '@contoso.com'), { upn: 'a@contoso.com' }, true],
      [clause('ENDS_WITH', 'upn', '@contoso.com'), { upn: 'a@Contoso.com' }, false],
      [clause('&', 'msExchRecipientTypeDetails', '566259712'), { msExchRecipientTypeDetails: '536870912' }, true],
      [clause('!&', 'msExchRecipientTypeDetails', '566259712'), { msExchRecipientTypeDetails: '1' }, true],
      [clause('&', 'c', 'US,CA,MX'), { c: 'CA' }, true],
      [clause('!&', 'c', 'US,CA,MX'), { c: 'FR' }, true],
      [clause('EQUALS', 'd', 'a', 'b'), { d: 'b' }, true],
      [clause('NOT EQUALS', 'd', 'a', 'b'), { d: 'b' }, false],
      [clause('EQUALS', 'proxyAddresses', 'x'), { proxyAddresses: ['x'] }, false],
      [clause('EQUALS', 'd'), { d: 'x' }, false],
      [clause('LIKE', 'd', 'x'), { d: 'x' }, false],
    ];
    for (const [c, s, expected] of cases) assert.equal(passes(c, s), expected, `${c.sourceOperandName} ${c.operatorName} ${JSON.stringify(c.targetOperand)} on ${JSON.stringify(s)}`);
  });

  it('OR of groups, AND of clauses; no scope or no groups means in scope', () => {
    const scope = { groups: [{ name: 'sales', clauses: [clause('EQUALS', 'department', 'Sales')] }, { name: 'us', clauses: [clause('EQUALS', 'country', 'US'), clause('IS NOT NULL', 'mail')] }], inputFilterGroups: [], categoryFilterGroups: [] };
    assert.equal(evaluateScope(scope, { department: 'Sales' }).inScope, true);
    assert.equal(evaluateScope(scope, { country: 'US', mail: 'a@b' }).inScope, true);
    assert.equal(evaluateScope(scope, { country: 'US' }).inScope, false);
    assert.equal(evaluateScope(null, {}).inScope, true);
    assert.equal(evaluateScope({ groups: [], inputFilterGroups: [], categoryFilterGroups: [] }, {}).inScope, true);
  });

  it('a catastrophic REGEX MATCH is stopped and fails the clause with the reason', () => {
    const r = evaluateScope({ groups: [{ name: 'g', clauses: [clause('REGEX MATCH', 'a', '(a+)+$')] }], inputFilterGroups: [], categoryFilterGroups: [] }, { a: 'a'.repeat(40) + 'b' }, { regexTimeoutMs: 30 });
    assert.equal(r.inScope, false);
    assert.match(r.groups[0].clauses[0].reason, /longer than 30 ms/);
  });

  it('inScope reads an object mapping\'s scope from a file', () => {
    const schema = muralDefaultConfiguration() as { synchronizationRules: { objectMappings: { scope: unknown }[] }[] };
    schema.synchronizationRules[0].objectMappings[0].scope = { groups: [{ name: 'Sales only', clauses: [{ operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: { values: ['Sales'] } }] }], inputFilterGroups: [], categoryFilterGroups: [] };
    const om = objectMappingFor(load(schema), 'User')!;
    assert.equal(inScope(om, { department: 'Sales' }).inScope, true);
    assert.equal(inScope(om, { department: 'HR' }).inScope, false);
  });
});
