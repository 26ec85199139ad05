// Load benchmarks of the mock MURAL SCIM server against two baselines measured in the same run (goals in docs/benchmarks.md):
// bare node:http (this machine's ceiling) and SCIMMY + scimmy-routers + express 4 (what a Node developer would
// build instead). Every server runs as a child process on 127.0.0.1 and gets the same scenarios, driven over
// loopback by autocannon:
//   (1) GET /Users/{id} of one preloaded user;
//   (2) Entra's provisioning cycle per virtual user: GUID `userName eq` probe, POST user, PATCH name.givenName,
//       PATCH active false;
//   (3) GET by id, `userName eq` hit and `userName eq` miss with 1k, 20k and 100k users preloaded.
// Prints the tables and the goal ratios; a full run also rewrites docs/benchmarks.md.
//
//   npm run bench [-- options]            (builds dist/cli.js first)
//   node bench/run.mjs [options]
//     --duration S     seconds measured per scenario (default 10, env BENCH_DURATION)
//     --warmup S       seconds of unmeasured load before each measurement (default 2, env BENCH_WARMUP)
//     --connections N  concurrent connections (default 32, env BENCH_CONNECTIONS)
//     --servers LIST   comma-separated subset of bare,scimmy,mock (default all three)
//     --quick          smoke run of the harness (under a minute): 1 s runs, small directories, docs/benchmarks.md untouched
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, cleanUpNow, cliFile, closeSetupClient, repoDir, residentBytes, SERVER_INFO, startServer, stopServer } from './lib/servers.mjs';

const docsFile = join(repoDir, 'docs', 'benchmarks.md');
const EXTENSION_BEGIN = '<!-- extension-side:begin -->';
const EXTENSION_END = '<!-- extension-side:end -->';
const USAGE = 'Usage: node bench/run.mjs [--duration S] [--warmup S] [--connections N] [--servers bare,scimmy,mock] [--quick]';

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function numberOption(name, text, min) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) fail(`--${name} must be a number ≥ ${min}, got "${text}".\n${USAGE}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Options

let options;
try {
  options = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      servers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  fail(`${e.message}\n${USAGE}`);
}
if (options.help) {
  process.stdout.write(`${USAGE}\nThe comment at the top of bench/run.mjs says what each scenario does.\n`);
  process.exit(0);
}

const quick = options.quick;
const settings = {
  duration: numberOption('duration', options.duration ?? process.env.BENCH_DURATION ?? (quick ? '1' : '10'), 0.5),
  warmup: numberOption('warmup', options.warmup ?? process.env.BENCH_WARMUP ?? (quick ? '0.5' : '2'), 0),
  connections: Math.round(numberOption('connections', options.connections ?? process.env.BENCH_CONNECTIONS ?? '32', 1)),
  quietWaitMs: quick ? 2000 : 10_000,
};
/** Runs of the Entra cycle per server; the goals use the run with the median p99. */
const CYCLE_RUNS = quick ? 1 : 3;
const kinds = (options.servers ?? 'bare,scimmy,mock').split(',').map((s) => s.trim()).filter(Boolean);
for (const kind of kinds) {
  if (!(kind in SERVER_INFO)) fail(`unknown server "${kind}" in --servers: use bare, scimmy and/or mock.`);
}
const plan = {
  kinds: ['bare', 'scimmy', 'mock'].filter((k) => kinds.includes(k)),
  mockPopulations: quick ? [1000, 5000] : [1000, 20_000, 100_000],
  // SCIMMY scans every user on each filter request: at 100k one request takes seconds, so it stops at 20k.
  scimmyPopulations: quick ? [500, 1000] : [1000, 20_000],
};
const fullRun = !quick && plan.kinds.length === 3;

// ---------------------------------------------------------------------------------------------------------
// bench/ is its own npm project; the mock comes from the CLI bundle

if (!existsSync(join(benchDir, 'node_modules', 'autocannon', 'package.json'))) {
  process.stderr.write('bench: bench/node_modules is missing; installing the benchmark dependencies with "npm ci --prefix bench"…\n');
  const npm = spawnSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (npm.status !== 0) fail('"npm ci --prefix bench" failed (see above); fix that, then run the benchmark again.');
}
const load = await import('./lib/load.mjs');
const { buildReport, fmtBytes, fmtCount, fmtMs, fmtRps, fmtSeconds } = await import('./lib/report.mjs');
const autocannonVersion = JSON.parse(readFileSync(join(benchDir, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version;

if (plan.kinds.includes('mock')) {
  const help = spawnSync(process.execPath, [cliFile, 'serve', '--help'], { cwd: repoDir, encoding: 'utf8' });
  if (help.status !== 0) {
    fail(existsSync(cliFile)
      ? `dist/cli.js has no working "serve" command (exit ${help.status}: ${(help.stderr || help.stdout).trim().split('\n')[0]}). ` +
        'Rebuild it with "node esbuild.mjs", or leave the mock out with --servers bare,scimmy.'
      : 'dist/cli.js is missing: build it with "node esbuild.mjs" (npm run bench does), or leave the mock out with --servers bare,scimmy.');
  }
}

process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}: stopping the servers.\n`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The run: a fresh server for each directory size

const progress = (text) => process.stderr.write(text);
const results = { bare: {}, scimmy: { populations: {} }, mock: { populations: {} } };
const ACTIVE_FALSE = { scimmy: false, mock: 'False' };

async function measure(server, name, requests) {
  progress(`  ${name} … `);
  const m = await load.measure(server, settings, requests, progress);
  const notes = [load.describeProblems(m), load.describeDisturbance(m)].filter(Boolean).join('; ');
  progress(`${fmtRps(m.rps)} req/s, p50 ${fmtMs(m.p50)}, p99 ${fmtMs(m.p99)}${notes ? ` — ${notes}` : ''}\n`);
  return m;
}

async function withServer(kind, seed, body) {
  const server = await startServer(kind, seed);
  try {
    await body(server);
  } finally {
    await stopServer(server);
  }
}

/** Scenarios 1 and 2 on a server holding one user (bare: scenario 1 only, any path). */
async function basics(kind) {
  progress(`${SERVER_INFO[kind].label}\n`);
  await withServer(kind, undefined, async (server) => {
    if (kind === 'bare') {
      results.bare.getById = await measure(server, 'GET /Users/{id}', load.getOne(server, 'b4b1e2c0a9f14d7e8c3a'));
      return;
    }
    const [user] = await load.postUsers(server, 1);
    results[kind].getById = await measure(server, 'GET /Users/{id}', load.getOne(server, user.id));
    // The cycle's tail moves with whatever else the host runs: measure it CYCLE_RUNS times and report the run with
    // the median p99 (the others are listed beside it). Each run adds users to the same server, as Entra's cycles do.
    const runs = [];
    for (let i = 1; i <= CYCLE_RUNS; i++) {
      runs.push(await measure(server, `Entra cycle mix${CYCLE_RUNS > 1 ? `, run ${i} of ${CYCLE_RUNS}` : ''}`, load.entraCycle(server, ACTIVE_FALSE[kind])));
    }
    const byP99 = [...runs].sort((a, b) => a.p99 - b.p99);
    results[kind].cycle = byP99[(byP99.length - 1) >> 1];
    results[kind].cycleRuns = runs;
  });
}

/** Scenario 3 on a server holding `population` users: the mock seeds them itself, SCIMMY gets POSTs. */
async function lookups(kind, population) {
  progress(`${SERVER_INFO[kind].label}, ${fmtCount(population)} users\n`);
  await withServer(kind, kind === 'mock' ? population : undefined, async (server) => {
    const entry = {};
    let users;
    if (kind === 'mock') {
      entry.seedMs = server.startMs;
      entry.busyAfterStartMs = await load.waitForQuiet(server, 0, progress);
      entry.rssAfterSeed = residentBytes(server.pid);
      progress(`  serve --seed ${population}: URL printed after ${fmtSeconds(entry.seedMs)}, then busy ${fmtSeconds(entry.busyAfterStartMs)} more; ` +
        `RSS ${fmtBytes(entry.rssAfterSeed)}\n`);
      users = await load.sampleUsers(server, population);
    } else {
      const t0 = performance.now();
      users = load.spread(await load.postUsers(server, population), 256);
      entry.preloadMs = performance.now() - t0;
      progress(`  ${population} users through POST /Users in ${fmtSeconds(entry.preloadMs)}\n`);
    }
    entry.byId = await measure(server, 'GET by id', load.getRotating(server, users));
    entry.hit = await measure(server, 'userName eq hit', load.eqHits(server, users));
    entry.miss = await measure(server, 'userName eq miss', load.eqMisses(server));
    entry.rssAfterLoad = residentBytes(server.pid);
    results[kind].populations[population] = entry;
  });
}

const runs = (plan.kinds.includes('bare') ? 1 : 0) +
  (plan.kinds.includes('scimmy') ? 2 + 3 * plan.scimmyPopulations.length : 0) +
  (plan.kinds.includes('mock') ? 2 + 3 * plan.mockPopulations.length : 0);
const preloadSeconds = plan.kinds.includes('scimmy') ? plan.scimmyPopulations.reduce((a, b) => a + b, 0) / 500 : 0;
const estimate = Math.ceil((runs * (settings.duration + settings.warmup + 1.5) + preloadSeconds + 20) / 60);
const startedAt = new Date();
const loadBefore = loadavg()[0];
progress(`bench: ${settings.connections} connections, ${settings.duration} s after ${settings.warmup} s warm-up per scenario; ` +
  `servers: ${plan.kinds.join(', ')}; about ${estimate} min${quick ? ' (quick smoke run)' : ''}.\n`);

try {
  if (plan.kinds.includes('bare')) await basics('bare');
  for (const kind of ['scimmy', 'mock']) {
    if (!plan.kinds.includes(kind)) continue;
    await basics(kind);
    for (const population of kind === 'mock' ? plan.mockPopulations : plan.scimmyPopulations) await lookups(kind, population);
  }
} catch (e) {
  progress(`\nbench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
} finally {
  closeSetupClient();
}

// ---------------------------------------------------------------------------------------------------------
// Report

const report = buildReport(results, plan);
const cpuInfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
const cpuModel = (/model name\s*:\s*(.+)/.exec(cpuInfo)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU').trim();
const machine = `${cpuModel}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
  `${process.platform} ${release()}, Node ${process.version}`;
const args = process.argv.slice(2);
const command = process.env.npm_lifecycle_event === 'bench'
  ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
  : `node bench/run.mjs${args.length ? ` ${args.join(' ')}` : ''}`;
const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoDir, encoding: 'utf8' });
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { cwd: repoDir, encoding: 'utf8' });
const commit = git.status === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() ? ', with uncommitted changes in src/' : ''}` : 'unknown';

const body = [
  `Command: \`${command}\`  `,
  `Date: ${startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC (commit ${commit})  `,
  `Machine: ${machine}; load average ${loadBefore.toFixed(2)} at the start  `,
  `Load: autocannon ${autocannonVersion}, ${settings.connections} connections over loopback, ${settings.duration} s measured after ` +
    `${settings.warmup} s warm-up per scenario. The load driver shares the machine with the server, so bare node:http's ` +
    'figure is this machine\'s ceiling.',
  '',
  '## Goals',
  '',
  ...report.goals,
  '',
  '⚠ marks runs with failed or wrong answers, † runs during which other processes used a quarter of a core or more.',
  '',
  ...report.sections,
  '',
  '## What each scenario does',
  '',
  '- **GET /Users/{id}**: one user created with POST, then the same GET for the whole run (bare answers any path).',
  '- **Entra cycle mix**: each connection loops over Entra\'s requests for one new user: the GUID probe ' +
    '`GET /Users?filter=userName+eq+"<guid>"` (must find nothing), `POST /Users` with Entra\'s body and the enterprise ' +
    'extension (a new userName each time), `PATCH` `{"op":"Replace","path":"name.givenName",…}` and `PATCH` ' +
    '`{"op":"Replace","path":"active","value":"False"}` (SCIMMY rejects the string, so it gets boolean `false`). ' +
    (CYCLE_RUNS > 1 ? `The mix runs ${CYCLE_RUNS} times per server, one after the other on the same server; tables and goals use the run with the median p99. ` : '') +
    'Requests/second counts every request of the mix; latencies are over all of them.',
  '- **Lookups by directory size**: the mock starts with `serve --seed N --data <temp file>`; SCIMMY is filled through ' +
    '`POST /Users`. GET by id and `userName eq` hits rotate over about 256 users spread across the directory (a hit must ' +
    'answer `totalResults` 1); misses rotate over 256 GUIDs no user has, like Entra\'s probe (must answer 0). Each ' +
    'request is built once, so the driver only sends.',
  '- Every server is a fresh child process per directory size; the mock always runs with persistence on (`--data`). ' +
    'Before each measurement the driver waits until the server is idle (after seeding, the mock writes a snapshot of ' +
    `its directory in the background) and up to ${settings.quietWaitMs / 1000} s for other processes to leave the CPU alone.`,
  ...(report.problems.length ? ['', '## Problems in this run', '', 'These runs had failed or wrong answers; their figures are not trustworthy:', '', ...report.problems] : []),
  ...(report.disturbed.length ? ['', '## Disturbed runs', '', 'Other processes competed for the CPU during these runs:', '', ...report.disturbed] : []),
];

const heading = quick ? '# Benchmarks (QUICK SMOKE RUN: 1 s runs, small directories; figures not comparable)' : '# Benchmarks';
process.stdout.write(`\n${heading}\n\n${body.join('\n')}\n`);

if (fullRun) {
  const previous = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
  const begin = previous.indexOf(EXTENSION_BEGIN);
  const end = previous.indexOf(EXTENSION_END);
  const extension = begin >= 0 && end > begin
    ? previous.slice(begin, end + EXTENSION_END.length)
    : [
      EXTENSION_BEGIN,
      '## Extension side',
      '',
      '_Not measured yet. This section, between its two marker comments, belongs to the extension-side benchmark script ' +
        '(activation time of the bundle, bundle size, diagnostics time on a 1 MB payload file, first page of the tree at ' +
        '100k users); `npm run bench` keeps whatever is written here._',
      EXTENSION_END,
    ].join('\n');
  writeFileSync(docsFile, [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.mjs). A full run rewrites this file except the Extension side section between its markers. -->',
    '',
    ...body,
    '',
    extension,
    '',
  ].join('\n'));
  progress(`\nbench: wrote ${relative(repoDir, docsFile)}\n`);
} else {
  progress(`\nbench: ${quick ? 'quick run' : 'not all three servers ran'}, so docs/benchmarks.md was left as it is.\n`);
}
if (report.problems.length) {
  progress(`bench: ${report.problems.length} run(s) had failed or wrong answers; see "Problems in this run".\n`);
  process.exitCode = 1;
}
