// The VS Code server (1.100.3, from the code-server@4.100.3 npm package) on the system Node 20:
// installed once into a git-ignored cache folder, then started per test run on 127.0.0.1 with a
// free port and a fresh state folder; stop() kills its whole process group.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.SCIM_WORKBENCH_VSCODE_CACHE || join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const VSCODE = join(CACHE, 'node_modules', 'code-server', 'lib', 'vscode');
const MARKER = join(CACHE, '.installed');
const NATIVE_MODULES = ['@vscode/spdlog', 'native-watchdog', 'node-pty', '@vscode/deviceid', 'kerberos'];

function run(cmd, args, cwd, log) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: '/usr', npm_config_audit: 'false', npm_config_fund: 'false' } });
  if (r.status !== 0) {
    log((r.stdout || '') + (r.stderr || ''));
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
  }
  return r.stdout;
}

/** Installs the VS Code server into the cache on first use; returns the folder holding out/server-main.js. */
export function ensureServer(log = console.log) {
  if (existsSync(MARKER) && existsSync(join(VSCODE, 'out', 'server-main.js'))) return VSCODE;
  const t0 = Date.now();
  log(`[harness] installing VS Code server (code-server@${CODE_SERVER_VERSION}) into ${CACHE} — first run only, about a minute`);
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ name: 'vscode-server-cache', private: true }));
  // Scripts skipped: code-server's postinstall refuses root and would download ripgrep from GitHub.
  run('npm', ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`], CACHE, log);
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], VSCODE, log);
  const gyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  for (const m of NATIVE_MODULES) {
    const dir = join(VSCODE, 'node_modules', m);
    if (!existsSync(dir)) continue;
    run(process.execPath, [gyp, 'rebuild', '-j', '2'], dir, log);
  }
  const rgDir = join(VSCODE, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  cpSync('/usr/bin/rg', join(rgDir, 'rg'));
  run('npm', ['install', '--omit=dev'], join(VSCODE, 'extensions'), log);
  writeFileSync(MARKER, new Date().toISOString());
  log(`[harness] VS Code server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return VSCODE;
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/**
 * Starts the server with a fresh state folder. Returns {port, base, state, stop()}.
 * extraEnv reaches the extension host (it inherits the server's environment). Workspace trust is off unless
 * workspaceTrust is set; then a folder opened in the workbench starts untrusted (restricted mode).
 */
export async function startServer({ vscodeDir, extraEnv = {}, workspaceTrust = false, log = console.log }) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'scim-workbench-vscode-'));
  for (const d of ['ud', 'sd', 'ext', 'logs']) mkdirSync(join(state, d));
  const logFile = join(state, 'server.log');
  const args = [join(vscodeDir, 'out', 'server-main.js'), '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-telemetry',
    '--user-data-dir', join(state, 'ud'), '--server-data-dir', join(state, 'sd'),
    '--extensions-dir', join(state, 'ext'), '--logsPath', join(state, 'logs')];
  const { openSync } = await import('node:fs');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...extraEnv } });
  const stop = () => {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  const base = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`VS Code server exited (${child.exitCode}):\n${readFileSync(logFile, 'utf8')}`);
    const ready = readFileSync(logFile, 'utf8').includes('Web UI available at') &&
      await fetch(base).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) { stop(); throw new Error(`VS Code server not ready after 60 s; log: ${logFile}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, base, state, logFile, stop, installExtension: (vsix) => run(process.execPath, [args[0], '--install-extension', vsix, '--extensions-dir', join(state, 'ext'), '--force'], state, log) };
}
