// package.json is written by hand; these checks keep it in step with the code it describes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MOCK_OPTION_TABLE } from '../../src/mock/options';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
/** The Settings editor's categories (contributes.configuration is a list, one entry per category). */
const categories = manifest.contributes.configuration as { id: string; title: string; order: number; properties: Record<string, Record<string, unknown>> }[];
const properties: Record<string, Record<string, unknown>> = Object.assign({}, ...categories.map((c) => c.properties));

describe('package.json', () => {
  it('declares one setting per mock server switch, with the switch table\'s default, bounds and description', () => {
    for (const spec of MOCK_OPTION_TABLE) {
      const p = properties[`scimWorkbench.mock.${spec.key}`];
      assert.ok(p, `scimWorkbench.mock.${spec.key} is missing`);
      assert.equal(p.default, spec.default, spec.key);
      assert.equal(p.markdownDescription, spec.description, spec.key);
      assert.equal(p.type, spec.kind === 'boolean' ? 'boolean' : spec.integer || spec.values ? 'integer' : 'number', spec.key);
      assert.equal(p.minimum, spec.min, spec.key);
      assert.equal(p.maximum, spec.max, spec.key);
      assert.deepEqual(p.enum, spec.values ? [...spec.values] : undefined, spec.key);
    }
  });

  it('describes every setting in markdown and puts every command in the SCIM category', () => {
    for (const [key, p] of Object.entries(properties)) assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 20, key);
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'SCIM', c.command);
  });

  it('groups the settings into titled categories, each setting in one, the mock server\'s switches with the server', () => {
    assert.ok(Array.isArray(categories) && categories.length > 1, 'one flat list of settings');
    assert.equal(new Set(categories.map((c) => c.title)).size, categories.length);
    assert.deepEqual(categories.map((c) => c.order), categories.map((_, i) => i + 1));
    const keys = categories.flatMap((c) => Object.keys(c.properties));
    assert.equal(keys.length, new Set(keys).size, 'a setting is declared in two categories');
    for (const c of categories) {
      assert.ok(Object.keys(c.properties).length > 0, `${c.title} is empty`);
      for (const key of Object.keys(c.properties)) assert.equal(key.startsWith('scimWorkbench.mock.'), c.id.startsWith('scimWorkbench.mock'), `${key} in ${c.title}`);
    }
  });

  it('keeps engines.vscode and @types/vscode equal, as vsce requires', () => {
    assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
  });
});
