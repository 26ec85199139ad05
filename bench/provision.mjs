// The provisioning engine at scale (goals in docs/benchmarks.md): an initial cycle of a sample directory
// (default 100,000 users and 1,000 groups of ~50 members) from `scim-workbench provision` against the headless
// mock on the same machine over loopback, then an incremental cycle after some users changed. Both are child
// processes; /usr/bin/time gives the engine's wall time, CPU and peak RSS, /proc the mock's CPU.
//
//   node esbuild.mjs --cli && node bench/provision.mjs [--users N] [--groups G] [--changed K] [--concurrency C]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliFile, repoDir, startServer, stopServer, TOKEN } from './lib/servers.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '1000' },
    changed: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const users = Number(values.users);
const groups = Number(values.groups);
const changed = Math.min(Number(values.changed), users);
const dir = mkdtempSync(join(tmpdir(), 'scim-provision-bench-'));
const directoryFile = join(dir, 'bench.entra-directory.json');
const stateFile = join(dir, 'state.json');

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function run(args) {
  const out = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, cliFile, ...args], {
    cwd: repoDir, encoding: 'utf8', env: { ...process.env, SCIM_WORKBENCH_TOKEN: TOKEN }, maxBuffer: 64 * 1024 * 1024,
  });
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(out.stderr);
  if (!time) throw new Error(`provision printed no timing (exit ${out.status}):\n${out.stderr.slice(-2000)}`);
  const [, wall, user, sys, maxKb] = time.map(Number);
  const requests = Number(/; (\d+) requests\./.exec(out.stderr)?.[1] ?? 0);
  return { wall, cpu: user + sys, rssMiB: maxKb / 1024, requests, summary: out.stderr.split('\n').filter((l) => /cycle/.test(l)).join('\n'), status: out.status };
}

const sample = spawnSync(process.execPath, [cliFile, 'sample-directory', '--users', String(users), '--groups', String(groups), '--output', directoryFile], { encoding: 'utf8' });
if (sample.status !== 0) throw new Error(sample.stderr);
const server = await startServer('mock');
try {
  const url = `${server.origin}${server.basePath}`;
  const args = ['provision', '--directory', directoryFile, '--url', url, '--state', stateFile, '--exchanges', 'none',
    '--concurrency', values.concurrency, '--format', 'csv', '--output', join(dir, 'log.csv')];
  const mock0 = cpuSeconds(server.pid);
  const initial = run(args);
  const mock1 = cpuSeconds(server.pid);

  const directory = JSON.parse(readFileSync(directoryFile, 'utf8'));
  for (const u of directory.users.slice(6, 6 + changed)) u.jobTitle = `${u.jobTitle} (changed)`, u.givenName = `${u.givenName}a`;
  writeFileSync(directoryFile, JSON.stringify(directory));
  const incremental = run(args);
  const mock2 = cpuSeconds(server.pid);

  const objects = users + groups;
  const line = (name, r, mockCpu, n) => `${name.padEnd(12)} ${r.wall.toFixed(1).padStart(7)} s  ${(n / r.wall).toFixed(0).padStart(7)} objects/s  ` +
    `${(r.requests / r.wall).toFixed(0).padStart(6)} req/s  engine CPU ${((r.cpu / n) * 1e6).toFixed(0).padStart(5)} µs/object  ` +
    `engine ${r.cpu.toFixed(1)} s / mock ${mockCpu.toFixed(1)} s CPU  peak RSS ${r.rssMiB.toFixed(0)} MiB`;
  process.stdout.write(`${users} users, ${groups} groups, concurrency ${values.concurrency}; ${changed} users changed for the incremental cycle\n`);
  process.stdout.write(`${line('initial', initial, mock1 - mock0, objects)}\n${line('incremental', incremental, mock2 - mock1, changed)}\n`);
  process.stdout.write(`${initial.summary}\n${incremental.summary}\n`);
} finally {
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
