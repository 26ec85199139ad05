#!/usr/bin/env node
// Extension-side benchmarks for issue 8 (npm run bench:extension), measured on the production build:
//   (a) validatePayload on a 1 MB ListResponse of realistic users (what the editor checks while you type);
//   (b) loading dist/extension.js, and activate() against a stub `vscode` module, in fresh node processes;
//   (c) the sizes of dist/extension.js and dist/cli.js;
//   (d) the Directory view's pages at 100k users: the in-memory ScimService, queried as the tree queries it.
// Prints a table and writes it into docs/benchmarks.md between the extension-side markers (the rest of the
// file belongs to `npm run bench`). Uses only the repository root's modules, bundled by its esbuild.
//   node bench/extension.mjs [--runs N] [--users N] [--no-docs]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esbuild = require(join(root, 'node_modules', 'esbuild'));

const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : fallback; };
const RUNS = opt('--runs', 60);
const USERS = opt('--users', 100_000);
const WRITE_DOCS = !argv.includes('--no-docs');
const ACTIVATION_PROCESSES = 15;
const BEGIN = '<!-- extension-side:begin -->';
const END = '<!-- extension-side:end -->';
const docsFile = join(root, 'docs', 'benchmarks.md');
const progress = (s) => process.stderr.write(`${s}\n`);
const loadAtStart = loadavg()[0].toFixed(2);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

const ms = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/** Times fn `runs` times after `warmup` untimed calls. */
function measure(fn, runs, warmup = 10) {
  for (let i = 0; i < warmup; i++) fn();
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return stats(out);
}

// ---------------------------------------------------------------------------------------------------------
// Build: the production bundles (as packaged), and the two pure modules this script drives.

progress('bench:extension: production build (node esbuild.mjs --production)');
if (spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  throw new Error('node esbuild.mjs --production failed');
}
const bundles = ['extension', 'cli'].map((name) => {
  const file = join(root, 'dist', `${name}.js`);
  return { name: `dist/${name}.js`, bytes: statSync(file).size, gzip: gzipSync(readFileSync(file)).length };
});

const work = mkdtempSync(join(tmpdir(), 'scim-workbench-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const libFile = join(work, 'lib.cjs');
await esbuild.build({
  stdin: { contents: "export { validatePayload } from './src/validation'; export { ScimService } from './src/mock/service';", resolveDir: root, loader: 'ts' },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], minify: true, logLevel: 'warning', outfile: libFile,
});
const { validatePayload, ScimService } = require(libFile);

// ---------------------------------------------------------------------------------------------------------
// (d) The directory at 100k users, queried as the Directory view does: the total (count 0), then pages of 200.

/** Seeds the directory, times its pages, and returns them with a 1 MB ListResponse of its users (the service is dropped). */
async function directoryBench() {
  progress(`bench:extension: seeding ${USERS} users into an in-memory ScimService`);
  const svc = await ScimService.open();
  let t0 = performance.now();
  await svc.seed(USERS);
  const seedMs = performance.now() - t0;
  const lastStart = Math.max(1, USERS - PAGE + 1);
  t0 = performance.now();
  const firstTotal = svc.listUsers({ startIndex: 1, count: 0 }).totalResults;
  const firstPage = svc.listUsers({ startIndex: 1, count: PAGE });
  const coldFirstMs = performance.now() - t0;
  if (firstTotal !== USERS || firstPage.resources.length !== PAGE) throw new Error(`the directory answered ${firstTotal} users, ${firstPage.resources.length} on the first page`);
  const tree = [
    ['first page (total, then users 1–200)', measure(() => { svc.listUsers({ startIndex: 1, count: 0 }); svc.listUsers({ startIndex: 1, count: PAGE }); }, RUNS)],
    ['second page (users 201–400)', measure(() => svc.listUsers({ startIndex: PAGE + 1, count: PAGE }), RUNS)],
    [`last page (users ${lastStart}–${USERS})`, measure(() => svc.listUsers({ startIndex: lastStart, count: PAGE }), RUNS)],
  ];
  // (a)'s payload: the directory's users as MURAL returns them, in a ListResponse of 1 MB.
  const resources = [];
  let size = 0;
  for (let start = 1; size < 1024 * 1024; start += PAGE) {
    for (const r of svc.listUsers({ startIndex: start, count: PAGE }).resources) {
      if (size >= 1024 * 1024) break;
      resources.push(r);
      size += JSON.stringify(r, null, 2).length + 4;
    }
  }
  await svc.close();
  const listResponse = (users) => JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: USERS, startIndex: 1, itemsPerPage: users.length, Resources: users,
  }, null, 2);
  // The estimate above ignores the nesting's indentation: trim to 1 MiB by the measured size per user.
  const perUser = listResponse(resources).length / resources.length;
  const users = resources.slice(0, Math.floor((1024 * 1024 - 200) / perUser));
  return { seedMs, coldFirstMs, tree, payload: listResponse(users), users: users.length };
}

const PAGE = 200;
const { seedMs, coldFirstMs, tree, payload, users: payloadUsers } = await directoryBench();

// ---------------------------------------------------------------------------------------------------------
// (a) The 1 MB ListResponse validated as the editor does.

const check = validatePayload(payload);
if (check.kind !== 'ListResponse' || check.problems.some((p) => p.severity === 'error')) {
  throw new Error(`the generated ListResponse is not clean: ${check.kind}, ${check.problems.slice(0, 3).map((p) => `${p.code} ${p.message}`).join('; ')}`);
}
progress(`bench:extension: validatePayload on ${kib(payload.length)} (${payloadUsers} users), ${RUNS} runs`);
const validation = measure(() => validatePayload(payload), RUNS);

// ---------------------------------------------------------------------------------------------------------
// (b) Loading the bundle in fresh processes: require() of dist/extension.js (parse + top-level evaluation, what
// VS Code pays before calling activate) with `vscode` resolved to a stub; then activate() against that stub,
// which answers every call with itself, so it measures the extension's own set-up work and no VS Code API work.

const stubFile = join(work, 'vscode-stub.cjs');
writeFileSync(stubFile, `
const handler = {
  get(_t, key) {
    if (key === Symbol.iterator) return function* () {};
    if (key === Symbol.toPrimitive) return () => 0;
    if (key === 'then') return undefined;
    return stub;
  },
  // esbuild's import interop copies a module's own properties onto an object whose prototype is the module's
  // prototype: answering with the stub makes every named import (vscode.Range…) resolve to the stub too.
  getPrototypeOf() { return stub; },
  set() { return true; },
  apply() { return stub; },
  construct() { return stub; },
};
const stub = new Proxy(function () {}, handler);
module.exports = stub;
`);
const childFile = join(work, 'activate.cjs');
writeFileSync(childFile, `
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? ${JSON.stringify(stubFile)} : resolveFilename.call(this, request, ...rest);
};
const t0 = performance.now();
const ext = require(${JSON.stringify(join(root, 'dist', 'extension.js'))});
const loadMs = performance.now() - t0;
const stub = require(${JSON.stringify(stubFile)});
const context = {
  subscriptions: [], extensionUri: stub, extensionPath: ${JSON.stringify(root)}, storageUri: undefined, globalStorageUri: stub,
  secrets: stub, workspaceState: stub, globalState: stub, extension: { packageJSON: { version: '0' } }, logUri: stub,
};
let activateMs = null;
let error = null;
try {
  const t1 = performance.now();
  ext.activate(context);
  activateMs = performance.now() - t1;
} catch (e) {
  error = String(e && e.message || e).split('\\n')[0];
}
process.stdout.write(JSON.stringify({ loadMs, activateMs, error }));
process.exit(0);
`);
progress(`bench:extension: loading and activating dist/extension.js in ${ACTIVATION_PROCESSES} fresh processes`);
const loads = [];
const activations = [];
let activationError = null;
for (let i = 0; i < ACTIVATION_PROCESSES + 2; i++) {
  const r = spawnSync(process.execPath, [childFile], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`the activation probe failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  if (i < 2) continue; // the first processes warm the OS file cache
  loads.push(res.loadMs);
  if (res.activateMs !== null) activations.push(res.activateMs);
  else activationError = res.error;
}
const loadStats = stats(loads);
const activateStats = activations.length ? stats(activations) : null;

// Leave dist/ as the development build the tests and the debugger expect.
spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });

// ---------------------------------------------------------------------------------------------------------
// Report

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
const load = loadavg()[0].toFixed(2);
const row = (what, s, note = '') => `| ${what} | ${ms(s.median)} | ${ms(s.p95)} | ${s.n} | ${note} |`;
const lines = [
  BEGIN,
  '## Extension side',
  '',
  '<!-- Generated by `npm run bench:extension` (bench/extension.mjs); `npm run bench` keeps this section. -->',
  '',
  `Command: \`npm run bench:extension\`  `,
  `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (commit ${commit})  `,
  `Machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average ${loadAtStart} at the start, ${load} at the end  `,
  'Build: `node esbuild.mjs --production` (minified, as packaged). Times are wall-clock in this process after warm-up; other processes on the machine add to them.',
  '',
  '| measurement | median | p95 | runs | note |',
  '|---|---|---|---|---|',
  row(`validatePayload, ${kib(payload.length)} ListResponse of ${payloadUsers} users`, validation, `goal: well under 50 ms (issue 5); ${check.problems.length} problems found`),
  row('load dist/extension.js (require with a stub `vscode`)', loadStats, 'parse and top-level evaluation in a fresh process, before activate()'),
  ...(activateStats
    ? [row('activate() against a stub `vscode`', activateStats, 'the extension\'s own set-up; the stub does no VS Code API work')]
    : [`| activate() against a stub \`vscode\` | n/a | n/a | 0 | the stub was not enough: ${activationError} |`]),
  `| seed ${USERS.toLocaleString('en-US')} users (in memory) | ${ms(seedMs)} | | 1 | ScimService.seed, once |`,
  `| Directory first page at ${USERS.toLocaleString('en-US')} users, first call | ${ms(coldFirstMs)} | | 1 | right after seeding |`,
  ...tree.map(([what, s]) => row(`Directory ${what}, ${USERS.toLocaleString('en-US')} users`, s, 'ScimService.listUsers in memory, as the tree asks')),
  '',
  '| bundle | size | gzip |',
  '|---|---|---|',
  ...bundles.map((b) => `| ${b.name} | ${kib(b.bytes)} | ${kib(b.gzip)} |`),
  '',
  'The activation figures are what the bundle costs in node; VS Code adds its own extension-host work (reading',
  'package.json contributions, the API objects, the views). The validator runs on the extension host\'s thread on',
  'every check (300 ms after the last keystroke), so its median is the pause a 1 MB payload file adds.',
  END,
];
const section = lines.join('\n');
process.stdout.write(`\n${section}\n`);

if (WRITE_DOCS) {
  const previous = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
  const begin = previous.indexOf(BEGIN);
  const end = previous.indexOf(END);
  const next = begin >= 0 && end > begin
    ? previous.slice(0, begin) + section + previous.slice(end + END.length)
    : previous
      ? `${previous.replace(/\s*$/, '')}\n\n${section}\n`
      : `# Benchmarks\n\n${section}\n`;
  writeFileSync(docsFile, next);
  progress(`bench:extension: wrote the Extension side section of ${relative(root, docsFile)}`);
}
