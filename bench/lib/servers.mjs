// The servers under test as child processes on 127.0.0.1: start one and read its URL from its output, stop
// it, and make sure none outlives the benchmark. Also what /proc tells about them (memory, CPU) and a small
// HTTP client for setup requests made outside the measurements.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(benchDir, '..');
export const cliFile = join(repoDir, 'dist', 'cli.js');
export const TOKEN = 'bench-token';

export const SERVER_INFO = {
  bare: { name: 'bare', label: 'bare node:http, fixed 200-byte JSON' },
  scimmy: { name: 'SCIMMY', label: 'SCIMMY 1.3.5 + scimmy-routers 1.3.2 + express 4, in-memory Map' },
  mock: { name: 'mock', label: 'scim-workbench mock, persistence on' },
};

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Set<string>} */
const tempDirs = new Set();

/** Kills every server still running and removes the mock's data directories; synchronous, for exit paths. */
export function cleanUpNow() {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * @typedef {object} Server
 * @property {'bare'|'scimmy'|'mock'} kind
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<{code: number|null, signal: string|null}>} exited
 * @property {() => string} output the last lines the server printed
 * @property {number} pid
 * @property {string} origin http://127.0.0.1:<port>
 * @property {string} basePath path of the SCIM base URL ("" for bare)
 * @property {number} startMs from spawn until the URL was printed
 * @property {string} [dataDir] the mock's temporary directory for its data file
 */

/**
 * Starts one server and resolves once it has printed its URL.
 * @param {'bare'|'scimmy'|'mock'} kind
 * @param {number} [seed] users the mock creates at start (serve --seed)
 * @returns {Promise<Server>}
 */
export function startServer(kind, seed) {
  let args;
  let dataDir;
  if (kind === 'bare') args = [join(benchDir, 'baselines', 'bare.mjs'), '--port', '0'];
  else if (kind === 'scimmy') args = [join(benchDir, 'baselines', 'scimmy.mjs'), '--port', '0', '--token', TOKEN];
  else {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-workbench-bench-'));
    tempDirs.add(dataDir);
    args = [cliFile, 'serve', '--host', '127.0.0.1', '--port', '0', '--token', TOKEN, '--data', join(dataDir, 'directory.json')];
    if (seed) args.push('--seed', String(seed));
  }
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: repoDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SCIM_WORKBENCH_TOKEN: TOKEN },
  });
  children.add(child);
  // The mock logs a line per request: keep its last chunks undecoded, so draining the pipe costs the driver little.
  /** @type {Buffer[]} */
  const recent = [];
  const keep = (chunk) => {
    recent.push(chunk);
    if (recent.length > 8) recent.shift();
  };
  const output = () => Buffer.concat(recent).toString('utf8').split('\n').slice(-30).join('\n');
  child.stderr.on('data', keep);
  const exited = new Promise((done) => child.once('exit', (code, signal) => {
    children.delete(child);
    done({ code, signal });
  }));

  return new Promise((resolveStart, rejectStart) => {
    const timeoutMs = seed ? 120_000 : 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`${kind} printed no URL within ${timeoutMs / 1000} s. Its output:\n${output()}`));
    }, timeoutMs);
    let printed = '';
    const onData = (chunk) => {
      keep(chunk);
      printed += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:(\d+)(\/[^\s"'`]*)?/.exec(printed);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.on('data', keep);
      resolveStart({
        kind,
        child,
        exited,
        output,
        pid: /** @type {number} */ (child.pid),
        origin: `http://127.0.0.1:${match[1]}`,
        basePath: (match[2] ?? '').replace(/[.,;)]+$/, '').replace(/\/$/, ''),
        startMs: performance.now() - started,
        dataDir,
      });
    };
    child.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rejectStart(new Error(`${kind} exited (${signal ?? `code ${code}`}) before printing its URL. Its output:\n${output()}`));
    });
  });
}

/** SIGTERM, then SIGKILL if the server has not exited 5 s later; then its data file goes. */
export async function stopServer(server) {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
    await server.exited;
    clearTimeout(timer);
  }
  if (server.dataDir) {
    rmSync(server.dataDir, { recursive: true, force: true });
    tempDirs.delete(server.dataDir);
  }
}

export function assertAlive(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    const how = server.child.signalCode ?? `exit code ${server.child.exitCode}`;
    throw new Error(`${server.kind} died (${how}) during the benchmark. The last lines it printed:\n${server.output().split('\n').slice(-10).join('\n')}`);
  }
}

/** Resident memory of a process in bytes, from /proc (Linux); undefined elsewhere. */
export function residentBytes(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU ticks a process has used, from /proc/<pid>/stat. */
function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Machine-wide CPU ticks (all, busy) and those of this process and of the server (Linux /proc), to tell how
 * much the server works and how much other processes (a test run, a compiler) compete with a measurement.
 * @returns {{total: number, busy: number, self: number, server: number} | undefined}
 */
export function cpuTicks(serverPid) {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { total, busy: total - fields[3] - fields[4], self: processTicks('self'), server: processTicks(serverPid) };
  } catch {
    return undefined;
  }
}

/**
 * Cores' worth of CPU used between two cpuTicks snapshots by the server, by this process (the load driver) and
 * by every other process; undefined without /proc.
 */
export function coresUsed(before, after) {
  if (!before || !after || after.total <= before.total) return undefined;
  const perTick = cpus().length / (after.total - before.total);
  const server = after.server - before.server;
  const others = after.busy - before.busy - server - (after.self - before.self);
  return { server: server * perTick, driver: (after.self - before.self) * perTick, others: Math.max(0, others) * perTick };
}

const setupAgent = new Agent({ keepAlive: true, maxSockets: 32 });

export function closeSetupClient() {
  setupAgent.destroy();
}

/**
 * One request outside the measurements (preloading, sampling, settling).
 * @returns {Promise<{status: number, body: string}>}
 */
export function call(server, method, path, body) {
  return new Promise((done, failed) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(`${server.origin}${path}`, {
      method,
      agent: setupAgent,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(payload ? { 'content-type': 'application/scim+json', 'content-length': payload.length } : {}),
      },
      timeout: 120_000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', failed);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} got no answer within 120 s`)));
    req.on('error', failed);
    req.end(payload);
  });
}
