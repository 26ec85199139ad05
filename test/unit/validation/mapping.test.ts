import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMappingTable, validatePayload } from '../../../src/validation';
import { MURAL_MAPPING, parseMappingTable } from '../../../src/scim/mapping';
import { rangeOf, URNS } from './helpers';

const SCHEMA_FILE = join(process.cwd(), 'schemas', 'scim-mapping.schema.json');

describe('validation: custom mapping files', () => {
  it('loads a valid file (comments and trailing commas allowed, as in .vscode files) and the diagnostics follow it', () => {
    const text = `{
  // our tenant maps title and requires it
  "name": "Contoso",
  "entries": [
    { "resource": "User", "target": "userName", "type": "String", "filterable": true, "required": true, "rules": ["lowercase"] },
    { "resource": "User", "target": "title", "type": "String", "required": true },
  ],
}`;
    const { table, problems } = loadMappingTable(text);
    assert.deepEqual(problems, []);
    assert.equal(table?.name, 'Contoso');
    const user = `{"schemas": ["${URNS.User}"], "userName": "a@contoso.com"}`;
    assert.deepEqual(validatePayload(user).problems.map((p) => p.code), ['SCIM020'], 'MURAL: the work email is missing');
    const custom = validatePayload(user, { mapping: table }).problems;
    assert.deepEqual(custom.map((p) => p.code), ['SCIM020']);
    assert.match(custom[0].message, /title/);
  });

  it('SCIM001: syntax errors, and no table', () => {
    const text = '{"entries": [}';
    const r = loadMappingTable(text);
    assert.equal(r.table, undefined);
    assert.ok(r.problems.length > 0 && r.problems.every((p) => p.code === 'SCIM001'));
    assert.equal(r.problems[0].offset, text.indexOf('}'));
    assert.match(r.problems[0].message, /default table/);
  });

  it('SCIM080: each problem parseMappingTable finds, placed on the offending value', () => {
    const text = '{"entries": [{"resource": "Users", "target": "userName", "type": "String"}, {"resource": "User", "target": "userName", "type": "Text", "rules": ["upper"]}, {"target": "x"}]}';
    const r = loadMappingTable(text);
    assert.equal(r.table, undefined);
    assert.deepEqual(r.problems.map((p) => [p.code, text.slice(p.offset, p.offset + p.length)]), [
      ['SCIM080', 'Users'],
      ['SCIM080', 'Text'],
      ['SCIM080', '["upper"]'],
      ['SCIM080', '{'],
      ['SCIM080', '{'],
    ]);
    assert.equal(r.problems[3].offset, text.indexOf('{"target": "x"}'));
    assert.match(r.problems[0].message, /MURAL's default table/);
    const notObject = loadMappingTable('[]');
    assert.deepEqual(notObject.problems.map((p) => [p.code, p.offset]), [['SCIM080', 0]]);
  });

  it('SCIM081: targets that do not resolve, and repeated targets; the table stays usable', () => {
    const text = '{"entries": [{"resource": "User", "target": "name.firstName", "type": "String"}, {"resource": "User", "target": "emails[type eq", "type": "String"}, {"resource": "Group", "target": "displayName", "type": "String"}, {"resource": "Group", "target": "DisplayName", "type": "String"}]}';
    const r = loadMappingTable(text);
    assert.ok(r.table);
    assert.deepEqual(r.problems.map((p) => ({ code: p.code, offset: p.offset, length: p.length })), [
      { code: 'SCIM081', ...rangeOf(text, 'name.firstName') },
      { code: 'SCIM081', ...rangeOf(text, 'emails[type eq') },
      { code: 'SCIM081', ...rangeOf(text, 'DisplayName') },
    ]);
  });

  it('the JSON schema and parseMappingTable agree on the shape', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
      required: string[];
      definitions: { entry: { required: string[]; properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> } };
    };
    assert.deepEqual(schema.required, ['entries']);
    const entry = schema.definitions.entry;
    const base = { resource: 'User', target: 'userName', type: 'String' };
    for (const k of entry.required) {
      const without: Record<string, unknown> = { ...base };
      delete without[k];
      assert.ok(parseMappingTable({ entries: [without] }).problems.length > 0, `${k} is required by both`);
    }
    for (const resource of entry.properties.resource.enum ?? []) assert.deepEqual(parseMappingTable({ entries: [{ ...base, resource }] }).problems, []);
    for (const type of entry.properties.type.enum ?? []) assert.deepEqual(parseMappingTable({ entries: [{ ...base, type }] }).problems, []);
    for (const rule of entry.properties.rules.items?.enum ?? []) assert.deepEqual(parseMappingTable({ entries: [{ ...base, rules: [rule] }] }).problems, []);
    assert.ok(parseMappingTable({ entries: [{ ...base, type: 'Integer' }] }).problems.length > 0);
    assert.deepEqual(Object.keys(entry.properties).sort(), ['filterable', 'required', 'resource', 'rules', 'source', 'target', 'type']);
  });

  it('MURAL\'s own table, written as a mapping file, loads without problems', () => {
    const text = JSON.stringify({ name: MURAL_MAPPING.name, entries: MURAL_MAPPING.entries }, null, 2);
    const r = loadMappingTable(text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.table, MURAL_MAPPING);
  });
});
