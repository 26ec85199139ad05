// package.json is written by hand; these checks keep it in step with the code it describes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MOCK_OPTION_TABLE } from '../../src/mock/options';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;

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

  it('keeps engines.vscode and @types/vscode equal, as vsce requires', () => {
    assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
  });
});
