// The provisioning engine at scale (goals in docs/provisioning-engine.md, "Scale"): an initial cycle of a
// sample directory (default 100,000 users and 1,000 groups of ~50 members) from `scim-workbench provision`
// against the headless mock on the same machine over loopback, then an incremental cycle after some users
// changed. Both are child processes; /usr/bin/time gives the engine's wall time, CPU and peak RSS, /proc the
// mock's CPU. Baseline measured in the same run: the same requests replayed by the leanest client
// (bench/baselines/entraReplay.mjs) against a fresh mock, the floor under any engine on this machine.
//
//   npm run bench:provision [-- options]     (builds dist/cli.js first)
//   node bench/provision.mjs [--users N] [--groups G] [--changed K] [--concurrency C] [--runs R] [--quick]
//     --runs R   repeat the whole measurement R times (fresh mocks each time) and report medians
//     --quick    a smoke run of the harness: 2,000 users, 20 groups, 200 changed
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, cliFile, repoDir, startServer, stopServer, TOKEN } from './lib/servers.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    groups: { type: 'string' },
    changed: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    runs: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
  },
});
const users = Number(values.users ?? (values.quick ? 2000 : 100_000));
const groups = Number(values.groups ?? (values.quick ? 20 : 1000));
const changed = Math.min(Number(values.changed ?? (values.quick ? 200 : 1000)), users);
const runs = Math.max(1, Number(values.runs));
const GOALS = { initialSeconds: 60, incrementalSeconds: 3, rssMiB: 500 };
const dir = mkdtempSync(join(tmpdir(), 'scim-provision-bench-'));
const directoryFile = join(dir, 'bench.entra-directory.json');
const changedFile = join(dir, 'changed.entra-directory.json');

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function engine(args) {
  const out = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, cliFile, ...args], {
    cwd: repoDir, encoding: 'utf8', env: { ...process.env, SCIM_WORKBENCH_TOKEN: TOKEN }, maxBuffer: 64 * 1024 * 1024,
  });
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(out.stderr);
  if (!time) throw new Error(`provision printed no timing (exit ${out.status}):\n${out.stderr.slice(-2000)}`);
  const [, wall, user, sys, maxKb] = time.map(Number);
  const requests = Number(/; (\d+) requests\./.exec(out.stderr)?.[1] ?? 0);
  const cycle = /, (\S+) → (\S+): /.exec(out.stderr);
  const cycleWall = cycle ? (Date.parse(cycle[2]) - Date.parse(cycle[1])) / 1000 : NaN;
  return { wall, cycleWall, cpu: user + sys, rssMiB: maxKb / 1024, requests, summary: out.stderr.split('\n').filter((l) => /^(Initial|Incremental) cycle/.test(l)).join('\n') };
}

const sample = spawnSync(process.execPath, [cliFile, 'sample-directory', '--users', String(users), '--groups', String(groups), '--output', directoryFile], { encoding: 'utf8' });
if (sample.status !== 0) throw new Error(sample.stderr);
const directory = JSON.parse(readFileSync(directoryFile, 'utf8'));
for (const u of directory.users.slice(6, 6 + changed)) u.jobTitle = `${u.jobTitle} (changed)`, u.givenName = `${u.givenName}a`;
writeFileSync(changedFile, JSON.stringify(directory));

async function once() {
  const load = [loadavg()[0]];
  const stateFile = join(dir, 'state.json');
  rmSync(stateFile, { force: true });
  const server = await startServer('mock');
  let initial, incremental, mockInitial, mockIncremental;
  try {
    const url = `${server.origin}${server.basePath}`;
    const args = (file) => ['provision', '--directory', file, '--url', url, '--state', stateFile, '--exchanges', 'none',
      '--concurrency', values.concurrency, '--format', 'csv', '--output', join(dir, 'log.csv')];
    const mock0 = cpuSeconds(server.pid);
    initial = engine(args(directoryFile));
    const mock1 = cpuSeconds(server.pid);
    incremental = engine(args(changedFile));
    mockInitial = mock1 - mock0;
    mockIncremental = cpuSeconds(server.pid) - mock1;
  } finally {
    await stopServer(server);
  }
  const replayServer = await startServer('mock');
  let replay;
  try {
    const mock0 = cpuSeconds(replayServer.pid);
    const out = spawnSync(process.execPath, [join(benchDir, 'baselines', 'entraReplay.mjs'), '--url', `${replayServer.origin}${replayServer.basePath}`,
      '--token', TOKEN, '--directory', directoryFile, '--concurrency', values.concurrency, '--changed', String(changed)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) throw new Error(`the replay baseline failed:\n${out.stderr.slice(-2000)}`);
    replay = JSON.parse(out.stdout);
    replay.mockCpu = cpuSeconds(replayServer.pid) - mock0;
  } finally {
    await stopServer(replayServer);
  }
  load.push(loadavg()[0]);
  return { initial, incremental, mockInitial, mockIncremental, replay, load };
}

const results = [];
try {
  for (let i = 0; i < runs; i++) results.push(await once());
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = (pick) => median(results.map(pick));
const objects = users + groups;
const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);
const ratio = (x) => `${x.toFixed(2)}×`;
const lines = [];
lines.push(`${users} users, ${groups} groups, concurrency ${values.concurrency}; ${changed} users changed for the incremental cycle; ` +
  `${runs} run${runs === 1 ? '' : 's'}${runs > 1 ? ', medians' : ''}; load average ${results.map((r) => r.load.map(f1).join('→')).join(', ')}`);

const init = {
  wall: m((r) => r.initial.wall), cpu: m((r) => r.initial.cpu), rss: m((r) => r.initial.rssMiB), requests: m((r) => r.initial.requests),
  mock: m((r) => r.mockInitial), replayWall: m((r) => r.replay.initial.wall), replayCpu: m((r) => r.replay.initial.cpu), replayMock: m((r) => r.replay.mockCpu),
};
const incr = {
  wall: m((r) => r.incremental.wall), cycle: m((r) => r.incremental.cycleWall), cpu: m((r) => r.incremental.cpu), rss: m((r) => r.incremental.rssMiB),
  requests: m((r) => r.incremental.requests), mock: m((r) => r.mockIncremental), replayWall: m((r) => r.replay.incremental.wall), replayCpu: m((r) => r.replay.incremental.cpu),
};
lines.push('');
lines.push(`Initial cycle: ${f1(init.wall)} s, ${f0(objects / init.wall)} objects/s, ${f0(init.requests / init.wall)} requests/s; ` +
  `engine CPU ${f1(init.cpu)} s (${f0((init.cpu / objects) * 1e6)} µs/object), mock CPU ${f1(init.mock)} s ` +
  `(time in the mock ${f0((100 * init.mock) / (init.mock + init.cpu))}%, in the engine ${f0((100 * init.cpu) / (init.mock + init.cpu))}% of the CPU); engine peak RSS ${f0(init.rss)} MiB`);
lines.push(`  baseline (replay of the same requests): ${f1(init.replayWall)} s, client CPU ${f1(init.replayCpu)} s (${f0((init.replayCpu / objects) * 1e6)} µs/object); ` +
  `engine/baseline: wall ${ratio(init.wall / init.replayWall)}, client CPU ${ratio(init.cpu / init.replayCpu)}`);
lines.push(`Incremental cycle: ${f1(incr.wall)} s (the cycle itself ${f1(incr.cycle)} s), ${incr.requests} requests; engine CPU ${f1(incr.cpu)} s ` +
  `(${f0((incr.cpu / changed) * 1e6)} µs/changed user), mock CPU ${f1(incr.mock)} s; engine peak RSS ${f0(incr.rss)} MiB`);
lines.push(`  baseline (replay of the same requests): ${f1(incr.replayWall)} s, client CPU ${f1(incr.replayCpu)} s; engine/baseline: wall ${ratio(incr.wall / incr.replayWall)}`);
lines.push('');
const goal = (name, value, limit, unit) => `  ${name}: ${f1(value)} ${unit} against < ${limit} ${unit} (${ratio(value / limit)} of the goal) ${value < limit ? 'met' : 'MISSED'}`;
if (users === 100_000 && groups === 1000) {
  lines.push('Goals (docs/provisioning-engine.md, "Scale"):');
  lines.push(goal('initial cycle', init.wall, GOALS.initialSeconds, 's'));
  lines.push(goal('incremental cycle', incr.wall, GOALS.incrementalSeconds, 's'));
  lines.push(goal('engine peak RSS', Math.max(init.rss, incr.rss), GOALS.rssMiB, 'MiB'));
} else {
  lines.push('(The goals are for 100,000 users and 1,000 groups; run without --users/--groups/--quick to check them.)');
}
lines.push('', ...results.flatMap((r, i) => [`Run ${i + 1}:`, r.initial.summary, r.incremental.summary]));
process.stdout.write(`${lines.join('\n')}\n`);
