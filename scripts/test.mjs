#!/usr/bin/env node
// npm test: type-check, build, unit tests in plain node, then the extension-host suite and the UI
// end-to-end tests inside a real VS Code (1.100.3 server + Debian Chromium, installed on first use).
//   node scripts/test.mjs [--only typecheck|unit|vscode|ui] [--grep TEXT]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './harness/system.mjs';
import { ensureServer, startServer } from './harness/server.mjs';
import { runExtensionTests } from './harness/ext-tests.mjs';
import { runUiTests } from './harness/ui.mjs';
import { checkInstalledVsix, packageVsix } from './harness/vsix.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const only = opt('--only');
const grep = opt('--grep');
const timings = [];
/** What failed, repeated after the summary: CI logs often keep only their tail. */
const failures = [];
let failed = false;
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { for (const s of running) s.stop(); process.exit(130); });

async function phase(name, fn, always = false) {
  if (only && !always && !name.startsWith(only)) return;
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  let ok = false;
  let error = '';
  const noted = failures.length;
  try { ok = await fn(); } catch (e) { error = e instanceof Error ? e.message : String(e); console.error(`[${name}] ${error}`); }
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${ok ? 'pass' : 'FAIL'}  ${name.padEnd(28)} ${s.padStart(6)} s`);
  if (!ok) failed = true;
  // A phase that failed without naming a test or step (typecheck, a build, the vsix, a throw) is named itself.
  if (!ok && failures.length === noted) failures.push(`${name}${error ? `: ${error.split('\n')[0]}` : ''}`);
  return ok;
}

const sh = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;

/** An extension-host suite's result: passed or not, its failing tests noted for the summary. */
function extensionTests({ code, result }) {
  for (const f of result?.failures ?? []) failures.push(`${f.title}: ${f.error.split('\n')[0]}`);
  return code === 0;
}

function freshWorkspace(fixture = 'workspace') {
  const ws = mkdtempSync(join(tmpdir(), 'scim-workbench-ws-'));
  cpSync(join(root, 'test', 'fixtures', fixture), ws, { recursive: true });
  return ws;
}

async function withServer(vscodeDir, extraEnv, fn, workspaceTrust = false) {
  const server = await startServer({ vscodeDir, extraEnv, workspaceTrust });
  running.add(server);
  try { return await fn(server); } finally { server.stop(); running.delete(server); rmSync(server.state, { recursive: true, force: true }); }
}

await phase('typecheck (tsc --noEmit)', () => sh(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']));
const built = await phase('build (esbuild)', () => sh(process.execPath, ['esbuild.mjs']) && sh(process.execPath, ['esbuild.mjs', '--tests']), true);
await phase('unit tests (mocha, node)', () => sh(process.execPath, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', '.mocharc.json', ...(grep ? ['--grep', grep] : [])]));

let vscodeDir;
if (built && (!only || ['vscode', 'ui', 'vsix'].some((p) => only.startsWith(p)))) {
  await phase('vscode server (install/cache)', () => { ensureSystemPackages(); vscodeDir = ensureServer(); return true; }, true);
}
if (vscodeDir) {
  await phase('vscode extension-host tests', async () => {
    const resultFile = join(root, 'test-results', 'extension-tests.json');
    rmSync(resultFile, { force: true });
    const ws = freshWorkspace();
    const env = { SCIM_WORKBENCH_TEST_RESULT: resultFile, SCIM_WORKBENCH_TEST_WORKSPACE: ws, ...(grep ? { SCIM_WORKBENCH_TEST_GREP: grep } : {}) };
    return extensionTests(await withServer(vscodeDir, env, (server) => runExtensionTests({ server, root, folder: ws, resultFile })));
  });
  await phase('vscode untrusted workspace', async () => {
    const resultFile = join(root, 'test-results', 'extension-tests-untrusted.json');
    rmSync(resultFile, { force: true });
    const ws = freshWorkspace('untrusted-workspace');
    const env = { SCIM_WORKBENCH_TEST_RESULT: resultFile, SCIM_WORKBENCH_TEST_SUITE: 'untrusted', ...(grep ? { SCIM_WORKBENCH_TEST_GREP: grep } : {}) };
    return extensionTests(await withServer(vscodeDir, env, (server) => runExtensionTests({ server, root, folder: ws, resultFile }), true));
  });
  await phase('vscode reload window', async () => {
    const resultFile = join(root, 'test-results', 'extension-tests-reload.json');
    rmSync(resultFile, { force: true });
    const ws = freshWorkspace();
    const env = { SCIM_WORKBENCH_TEST_RESULT: resultFile, SCIM_WORKBENCH_TEST_SUITE: 'reload' };
    return extensionTests(await withServer(vscodeDir, env, (server) => runExtensionTests({ server, root, folder: ws, resultFile })));
  });
  await phase('ui end-to-end (chromium)', async () => {
    const ws = freshWorkspace();
    const { code, failures: steps } = await withServer(vscodeDir, {}, (server) => runUiTests({ server, root, folder: ws, shots: join(root, 'test-results', 'screenshots'), grep }));
    failures.push(...steps);
    return code === 0;
  });
  await phase('vsix (package, install, activate)', async () => {
    const vsix = packageVsix(root);
    const ws = freshWorkspace();
    const code = await withServer(vscodeDir, {}, (server) => checkInstalledVsix({ server, vsix, folder: ws, shots: join(root, 'test-results', 'screenshots') }));
    return code === 0;
  });
}

console.log(`\n=== summary\n${timings.join('\n')}`);
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ✘ ${f}`).join('\n')}`);
process.exit(failed ? 1 : 0);
