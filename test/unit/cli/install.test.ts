// How a user gets the command line without cloning the tools: `npm pack` in the repository, then
// `npm install -g scim-workbench-<version>.tgz` (README.md, "Command line"). The package holds the bundled CLI
// only and has no dependencies, so the install works offline and the command runs without node_modules.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the command-line package (npm pack, npm install -g)', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-workbench-pack-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('packs the bundled CLI and nothing of the extension, and needs no dependencies', function () {
    this.timeout(60_000);
    assert.equal(manifest.dependencies, undefined, 'the bundles include every module: dependencies would be downloaded for nothing');
    assert.equal(manifest.bin['scim-workbench'], './dist/cli.js');
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--pack-destination', dir, '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.deepEqual(packed.files.map((f: { path: string }) => f.path).sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'package.json']);
    assert.equal(packed.filename, `scim-workbench-${manifest.version}.tgz`);
  });

  it('installs globally offline and answers as `scim-workbench`', function () {
    this.timeout(60_000);
    const prefix = path.join(dir, 'prefix');
    execFileSync(npm, ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', path.join(dir, `scim-workbench-${manifest.version}.tgz`)], { stdio: 'ignore' });
    const bin = process.platform === 'win32' ? path.join(prefix, 'scim-workbench.cmd') : path.join(prefix, 'bin', 'scim-workbench');
    const help = execFileSync(bin, ['--help'], { cwd: os.tmpdir(), encoding: 'utf8' });
    assert.match(help, /^Usage: scim-workbench <command>/);
    for (const command of ['serve', 'lint', 'check']) assert.match(help, new RegExp(`^  ${command}\\s`, 'm'));
  });
});
