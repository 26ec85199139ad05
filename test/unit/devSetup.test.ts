// .vscode/launch.json and tasks.json are what F5 runs on a fresh clone: these checks keep them pointing at real
// npm scripts and at the bundles esbuild.mjs writes, and run the watch build to prove the problem matcher
// reads what it prints.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';

const root = path.join(__dirname, '..', '..', '..');

function readJsonc(file: string): any {
  const errors: ParseError[] = [];
  const value = parse(fs.readFileSync(path.join(root, file), 'utf8'), errors, { allowTrailingComma: false });
  assert.deepEqual(errors, [], `${file} does not parse`);
  return value;
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const launch = readJsonc('.vscode/launch.json');
const tasks = readJsonc('.vscode/tasks.json').tasks as any[];
const watchTask = tasks.find((t) => t.group?.kind === 'build' && t.group?.isDefault);

/** Runs esbuild.mjs --watch in `dir` until its first build finishes, stops it and waits for its exit; returns what it printed. */
function firstWatchBuild(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that esbuild's service process, which writes the bundles, ends with it.
    const child = spawn(process.execPath, ['esbuild.mjs', '--watch'], { cwd: dir, detached: true });
    const stop = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
    let out = '';
    let ended = false;
    const timer = setTimeout(stop, 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      // Both bundles (extension and CLI) build at once: stop when each has ended, not while one is still writing.
      if (!ended && (out.match(new RegExp(watchTask.problemMatcher.background.endsPattern, 'gm')) ?? []).length >= 2) {
        ended = true;
        stop();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      if (ended) resolve(out.split('\n'));
      else reject(new Error(`esbuild.mjs --watch stopped before the end of its first build:\n${out}`));
    });
  });
}

describe('the development setup in .vscode/', () => {
  it('launches the extension from the bundle esbuild.mjs writes, after the default build task', () => {
    const run = launch.configurations.find((c: any) => c.name === 'Run Extension');
    assert.equal(run.type, 'extensionHost');
    assert.deepEqual(run.args, ['--extensionDevelopmentPath=${workspaceFolder}']);
    assert.equal(run.preLaunchTask, '${defaultBuildTask}');
    assert.equal(manifest.main, './dist/extension.js');
    assert.deepEqual(run.outFiles, ['${workspaceFolder}/dist/**/*.js']);
    assert.ok(watchTask, 'tasks.json has no default build task');
    assert.equal(tasks.filter((t) => t.group?.isDefault).length, 1);
  });

  it('names only npm scripts that package.json defines, and labels them as VS Code does', () => {
    for (const t of tasks) {
      assert.equal(t.type, 'npm', t.label);
      assert.ok(manifest.scripts[t.script], `npm script "${t.script}" does not exist`);
      assert.equal(t.label, `npm: ${t.script}`);
    }
    assert.equal(manifest.scripts[watchTask.script], 'node esbuild.mjs --watch');
  });

  it('recognises the start, the end and the errors of a watch build', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-workbench-watch-'));
    try {
      fs.copyFileSync(path.join(root, 'esbuild.mjs'), path.join(dir, 'esbuild.mjs'));
      fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      fs.mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', 'extension.ts'), 'export const ok = 1;\nexport const broken = ;\n');
      fs.writeFileSync(path.join(dir, 'src', 'cli', 'main.ts'), 'console.log(1);\n');
      const lines = await firstWatchBuild(dir);
      const { beginsPattern, endsPattern } = watchTask.problemMatcher.background;
      assert.ok(lines.some((l) => new RegExp(beginsPattern).test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => new RegExp(endsPattern).test(l)), lines.join('\n'));
      const [first, second] = watchTask.problemMatcher.pattern;
      const at = lines.findIndex((l) => new RegExp(first.regexp).test(l));
      assert.ok(at >= 0, `no error line in:\n${lines.join('\n')}`);
      const message = new RegExp(first.regexp).exec(lines[at])![first.message];
      const where = new RegExp(second.regexp).exec(lines[at + 1]);
      assert.ok(where, `no location after the error: ${lines[at + 1]}`);
      assert.match(message, /Unexpected ";"/);
      assert.deepEqual([where[second.file], where[second.line], where[second.column]], ['src/extension.ts', '2', '23']);
      assert.equal(watchTask.problemMatcher.fileLocation, 'relative', 'esbuild prints paths relative to the folder');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
  });
});
