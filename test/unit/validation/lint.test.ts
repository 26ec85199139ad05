import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGlob, createLintCommand, type LintRecord } from '../../../src/cli/lint';
import { CliError } from '../../../src/cli/command';
import { URNS } from './helpers';

const CLEAN = `{"schemas": ["${URNS.Group}"], "displayName": "Engineering"}\n`;
// The work email is missing (an error at "schemas", line 2 col 3); the userName has capitals (a warning, line 3 col 16).
const BAD_USER = `{\n  "schemas": ["${URNS.User}"],\n  "userName": "Bob@Contoso.com"\n}\n`;
const LEGACY = `{"schemas": ["${URNS.PatchOp}"], "Operations": [{"op": "Replace", "path": "active", "value": false}]}`;
const MAPPING = JSON.stringify({ entries: [{ resource: 'User', target: 'userName', type: 'String', required: true }] });

async function lint(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const cmd = createLintCommand({ cwd, stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } } });
  const code = await cmd.run(args);
  return { code, out, err };
}

async function usageError(cwd: string, ...args: string[]): Promise<CliError> {
  try {
    await lint(cwd, ...args);
  } catch (e) {
    assert.ok(e instanceof CliError, String(e));
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail('expected a usage error');
}

describe('lint command', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-lint-'));
    mkdirSync(join(dir, 'fixtures', 'users'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'fixtures', 'group.scim.json'), CLEAN);
    writeFileSync(join(dir, 'fixtures', 'users', 'bob.scim.json'), BAD_USER);
    writeFileSync(join(dir, 'fixtures', 'legacy.json'), LEGACY);
    writeFileSync(join(dir, 'node_modules', 'x', 'dep.scim.json'), '[]');
    writeFileSync(join(dir, 'mapping.json'), MAPPING);
    writeFileSync(join(dir, 'bad-mapping.json'), '{"entries": [{"resource": "Users"}]}');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('globs: *, ?, ** (zero or more directories), {a,b}, [classes]', () => {
    const cases: [string, string, boolean][] = [
      ['*.json', 'a.json', true], ['*.json', 'd/a.json', false], ['**/*.json', 'a.json', true], ['**/*.json', 'd/e/a.json', true],
      ['d/**', 'd/e/f', true], ['?.json', 'ab.json', false], ['{a,b}.json', 'b.json', true], ['[ab].json', 'c.json', false],
      ['[!ab].json', 'c.json', true], ['a.b', 'axb', false], ['d/**/x.json', 'd/x.json', true],
    ];
    for (const [glob, path, expected] of cases) assert.equal(compileGlob(glob).test(path), expected, `${glob} ~ ${path}`);
  });

  it('text output: file:line:col severity code message, exit 1 on errors', async () => {
    const { code, out, err } = await lint(dir, 'fixtures/users/bob.scim.json');
    assert.equal(code, 1);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^fixtures\/users\/bob\.scim\.json:2:3 error SCIM020 MURAL requires emails\[type eq "work"\]\.value/);
    assert.match(lines[1], /^fixtures\/users\/bob\.scim\.json:3:16 warning SCIM023 /);
    assert.match(err, /1 file checked: 1 error, 1 warning/);
  });

  it('JSON output: 1-based positions with end positions', async () => {
    const { code, out } = await lint(dir, '--format', 'json', 'fixtures/users/bob.scim.json');
    assert.equal(code, 1);
    const records = JSON.parse(out) as LintRecord[];
    assert.deepEqual(records.map(({ message: _m, ...r }) => r), [
      { file: 'fixtures/users/bob.scim.json', line: 2, column: 3, endLine: 2, endColumn: 12, severity: 'error', code: 'SCIM020' },
      { file: 'fixtures/users/bob.scim.json', line: 3, column: 16, endLine: 3, endColumn: 31, severity: 'warning', code: 'SCIM023' },
    ]);
  });

  it('counts lines as editors do: CR-only and CRLF files get the same positions as LF files', async () => {
    const eol = mkdtempSync(join(tmpdir(), 'scim-lint-eol-'));
    try {
      writeFileSync(join(eol, 'cr.scim.json'), BAD_USER.replace(/\n/g, '\r'));
      writeFileSync(join(eol, 'crlf.scim.json'), BAD_USER.replace(/\n/g, '\r\n'));
      for (const file of ['cr.scim.json', 'crlf.scim.json']) {
        const { out } = await lint(eol, '--format', 'json', file);
        const records = JSON.parse(out) as LintRecord[];
        assert.deepEqual(records.map((r) => [r.line, r.column, r.endLine, r.endColumn]), [[2, 3, 2, 12], [3, 16, 3, 31]], file);
      }
    } finally {
      rmSync(eol, { recursive: true, force: true });
    }
  });

  it('directories stand for their *.scim.json files (node_modules skipped); globs are expanded; exit 0 without errors', async () => {
    const all = await lint(dir, '--format', 'json', '.');
    assert.deepEqual([...new Set((JSON.parse(all.out) as LintRecord[]).map((r) => r.file))], ['fixtures/users/bob.scim.json']);
    const clean = await lint(dir, 'fixtures/*.json');
    assert.equal(clean.code, 0);
    assert.equal(clean.out, '', 'the legacy op is only a hint, below the default severity');
    assert.match(clean.err, /2 files checked: 0 errors, 0 warnings/);
    const hints = await lint(dir, '--severity', 'hint', 'fixtures/legacy.json');
    assert.match(hints.out, /^fixtures\/legacy\.json:1:\d+ hint SCIM042 /);
    assert.equal(hints.code, 0);
  });

  it('--mapping checks against a custom table', async () => {
    const { code, out } = await lint(dir, '--mapping', 'mapping.json', '--format', 'json', 'fixtures/users/bob.scim.json');
    assert.equal(code, 0);
    assert.deepEqual((JSON.parse(out) as LintRecord[]).map((r) => r.code), [], 'the custom table requires no work email and no lower case');
  });

  it('usage errors exit 2 with a message that says what to do', async () => {
    assert.match((await usageError(dir, 'nothing/**/*.json')).message, /No file matches "nothing\/\*\*\/\*\.json"/);
    assert.match((await usageError(dir)).message, /Name the payload files/);
    assert.match((await usageError(dir, '--format', 'xml', '.')).message, /--format must be text or json/);
    assert.match((await usageError(dir, '--severity', 'all', '.')).message, /--severity must be one of/);
    assert.match((await usageError(dir, '--bogus', '.')).message, /lint --help/);
    assert.match((await usageError(dir, '--mapping', 'missing.json', '.')).message, /does not exist/);
    assert.match((await usageError(dir, '--mapping', 'bad-mapping.json', '.')).message, /bad-mapping\.json:1:\d+ "resource" must be "User" or "Group"/);
  });

  describe('hostile input', () => {
    let hostile: string;
    before(() => {
      hostile = mkdtempSync(join(tmpdir(), 'scim-lint-hostile-'));
      writeFileSync(join(hostile, `${'a'.repeat(200)}.json`), CLEAN);
    });
    after(() => rmSync(hostile, { recursive: true, force: true }));

    it('reports a file with 130,000 duplicate keys instead of overflowing the stack', async () => {
      writeFileSync(join(hostile, 'dups.scim.json'), `{"schemas":["${URNS.Group}"],"displayName":"x"${',"displayName":"x"'.repeat(130_000)}}`);
      const { code, out, err } = await lint(hostile, '--format', 'json', 'dups.scim.json');
      assert.equal(code, 0);
      assert.ok((JSON.parse(out) as LintRecord[]).filter((r) => r.code === 'SCIM002').length >= 130_000);
      assert.equal(err, '');
    });

    it('matches a glob with many stars against a long name without backtracking', async () => {
      assert.equal(compileGlob('*a*a*a*a*a*a*a*a*a*a*a*a*b').test('a'.repeat(5000)), false);
      const { code, err } = await lint(hostile, '*a*a*a*a*a*a*a*a*a*a*a*a*.json');
      assert.equal(code, 0);
      assert.match(err, /1 file checked/);
    });

    it('refuses a backwards class, an unclosed one and too many alternatives as usage errors (exit 2)', async () => {
      assert.match((await usageError(hostile, '[z-a]*.json')).message, /range "z-a", which runs backwards/);
      assert.match((await usageError(hostile, '[ab*.json')).message, /"\[" without its "\]"/);
      assert.match((await usageError(hostile, `${'{a,b}'.repeat(11)}.json`)).message, /more than 1024/);
    });

    it('follows symbolic links to files and folders, and not round a loop', async () => {
      mkdirSync(join(hostile, 'real'));
      writeFileSync(join(hostile, 'real', 'u.scim.json'), BAD_USER);
      mkdirSync(join(hostile, 'tree'));
      symlinkSync(join(hostile, 'real'), join(hostile, 'tree', 'linked-folder'));
      symlinkSync(join(hostile, 'real', 'u.scim.json'), join(hostile, 'tree', 'linked.scim.json'));
      symlinkSync(join(hostile, 'tree'), join(hostile, 'tree', 'loop'));
      const { code, out } = await lint(hostile, 'tree');
      assert.equal(code, 1);
      const files = [...new Set((out.trimEnd().split('\n')).map((l) => l.split(':')[0]))].sort();
      assert.deepEqual(files, ['tree/linked-folder/u.scim.json', 'tree/linked.scim.json']);
    });
  });
});
