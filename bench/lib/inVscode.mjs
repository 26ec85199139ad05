// The mock inside VS Code against the headless CLI, with the same load in one run (npm run bench:extension):
// bursts of Entra-shaped POST /Users over 32 keep-alive connections, taking turns between `scim-workbench serve`
// and the extension's mock in the real workbench (VS Code server 1.100.3 + Chromium, the SCIM views open), where
// extensionProbe.cjs measures from inside the extension host: a SCIM command's latency, how far the
// Directory's Users count trails the server, the event loop's longest stall; then memory at 100k users and
// the longest stall while a restart loads them from disk.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchBrowser, workbenchUrl } from '../../scripts/harness/browser.mjs';
import { ensureServer, startServer as startVscodeServer } from '../../scripts/harness/server.mjs';
import { TOKEN, startServer, stopServer } from './servers.mjs';

const CONNECTIONS = 32;
const runTag = Date.now().toString(36);
let serial = 0;

function entraUser() {
  const n = ++serial;
  const userName = `burst-${runTag}-${n}@contoso.com`;
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `burst${n}`, userName, active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    roles: [],
  });
}

/** POSTs `count` new users as fast as 32 connections allow; requests per second and statuses. */
export async function postBurst(tenantUrl, token, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const statuses = new Map();
  let issued = 0;
  const post = () => new Promise((done, failed) => {
    const body = Buffer.from(entraUser());
    const req = request(`${tenantUrl}/Users`, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'content-length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => { statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1); done(); });
      res.on('error', failed);
    });
    req.on('error', failed);
    req.end(body);
  });
  const worker = async () => { while (issued < count) { issued++; await post(); } };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const ms = performance.now() - t0;
  agent.destroy();
  const created = statuses.get(201) ?? 0;
  if (created !== count) throw new Error(`POST burst: ${created} of ${count} created; statuses ${JSON.stringify([...statuses])}`);
  return { rps: count / (ms / 1000), ms };
}

/**
 * CPU time (ms) used so far by each process of the machine, with its role: this process's descendants by what
 * they are, everything else "other processes" (Linux /proc). Compare two with coresBetween().
 */
export function cpuByRole() {
  const tick = 1000 / 100; // USER_HZ
  const rows = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      rows.push({ pid: Number(name), ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * tick, cmd });
    } catch {
      // The process ended meanwhile.
    }
  }
  const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
  const mine = (pid) => { for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === process.pid) return true; return false; };
  const byPid = new Map();
  for (const r of rows) {
    const role = r.pid === process.pid ? 'load driver (this process)'
      : !mine(r.pid) ? 'other processes'
        : /extensionHost/.test(r.cmd) ? 'extension host'
          : /server-main\.js|bootstrap-fork|ptyHost|fileWatcher/.test(r.cmd) ? 'VS Code server'
            : /chrom/i.test(r.cmd) ? 'Chromium'
              : /cli\.js serve/.test(r.cmd) ? 'headless mock' : 'other processes';
    byPid.set(r.pid, { role, ms: r.ms });
  }
  return byPid;
}

/**
 * CPU time (ms) each role used between two cpuByRole() snapshots, added to `into`: per process, so that one that
 * ended meanwhile takes nothing away and one that started counts whole.
 */
function cpuBetween(before, after, into) {
  for (const [pid, { role, ms: used }] of after) into.set(role, (into.get(role) ?? 0) + used - (before.get(pid)?.ms ?? 0));
}

/** CPU time by role over `ms` of wall-clock time, as cores. */
function coresText(byRole, ms) {
  return [...byRole].map(([k, v]) => [k, v / ms]).filter(([, c]) => c >= 0.005)
    .map(([k, c]) => `${k} ${c.toFixed(2)}`).join(', ');
}

/**
 * The same POST bursts against each server, taking turns after a warm-up of each (a b, b a, a b…): the other
 * engineers' load on a shared machine comes and goes over minutes, and bursts run one server after the other
 * would give one of them the quiet minute. Per server: the median run's requests per second, every run's, and
 * the CPU by role over its own runs.
 */
export async function alternatingBursts(servers, { warmup, count, runs }) {
  for (const s of servers) await postBurst(s.url, s.token, warmup);
  const results = servers.map(() => ({ all: [], ms: 0, cpu: new Map() }));
  for (let i = 0; i < runs; i++) {
    const order = servers.map((_, j) => (i % 2 === 0 ? j : servers.length - 1 - j));
    for (const j of order) {
      const before = cpuByRole();
      const r = await postBurst(servers[j].url, servers[j].token, count);
      cpuBetween(before, cpuByRole(), results[j].cpu);
      results[j].all.push(r.rps);
      results[j].ms += r.ms;
    }
  }
  return results.map(({ all, ms, cpu }) => {
    const sorted = [...all].sort((a, b) => a - b);
    return { rps: sorted[Math.floor((sorted.length - 1) / 2)], all, cores: coresText(cpu, ms) };
  });
}

/** The headless mock (`scim-workbench serve --data`) for alternatingBursts; stop() ends it. */
export async function startHeadless() {
  const server = await startServer('mock');
  return { url: `${server.origin}${server.basePath}`, token: TOKEN, stop: () => stopServer(server) };
}

/**
 * Opens the workbench with the probe, runs `fn(control)` with a function that calls the probe's handlers, and
 * ends the session. `root` is the repository (the extension under development).
 */
export async function withWorkbench(root, fn) {
  const state = mkdtempSync(join(tmpdir(), 'scim-workbench-bench-vscode-'));
  const controlFile = join(state, 'control-port');
  const folder = join(state, 'workspace');
  mkdirSync(folder);
  const server = await startVscodeServer({ vscodeDir: ensureServer(), extraEnv: { SCIM_WORKBENCH_BENCH_CONTROL: controlFile }, log: () => undefined });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.exposeFunction('codeAutomationExit', () => undefined);
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.goto(await workbenchUrl(server, { folder, extensionPath: root, testsPath: join(root, 'bench', 'lib', 'extensionProbe.cjs') }));
    const deadline = Date.now() + 120_000;
    while (!existsSync(controlFile)) {
      if (Date.now() > deadline) throw new Error(`the probe did not start in the extension host within 120 s (server log: ${server.logFile})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const port = Number(readFileSync(controlFile, 'utf8'));
    const control = async (name) => {
      const res = await fetch(`http://127.0.0.1:${port}/${name}`, { signal: AbortSignal.timeout(600_000) });
      const body = await res.json();
      if (!res.ok) throw new Error(`probe ${name}: ${body.error}`);
      return body;
    };
    try {
      return await fn(control);
    } finally {
      await control('finish').catch(() => undefined);
    }
  } finally {
    await browser.close();
    server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
