#!/usr/bin/env node
// Benchmarks of Entra's expression language (src/entra), with baselines measured in the same run:
//   (a) evaluating MURAL Identity's default user mappings (docs/examples/mural-identity.provisioning.json) for
//       one user: µs per user, against the same six values computed by hand-written JavaScript;
//   (b) a 1 MB real-shaped schema file (the Salesforce download grown to 1 MB): loading it and parsing every
//       expression, and the full diagnostics the editor and lint run on it, against JSON.parse of the same text.
// Goal (docs/entra-expressions.md): all mappings of a user in < 20 µs.
//   npm run bench:entra [-- --users N --runs N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esbuild = require(join(root, 'node_modules', 'esbuild'));
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : fallback; };
const USERS = opt('--users', 100_000);
const RUNS = opt('--runs', 15);

const dir = mkdtempSync(join(tmpdir(), 'scim-bench-entra-'));
const out = join(dir, 'entra.cjs');
await esbuild.build({
  stdin: { contents: "export * from './src/entra'; export { validateProvisioningConfiguration } from './src/validation';", resolveDir: root, loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, mainFields: ['module', 'main'], logLevel: 'warning',
});
const entra = require(out);
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// (a) --------------------------------------------------------------------------------------------------------
const config = entra.loadConfigurationText(readFileSync(join(root, 'docs/examples/mural-identity.provisioning.json'), 'utf8')).config;
const om = entra.objectMappingFor(config, 'User');
const users = Array.from({ length: 1000 }, (_, i) => ({
  userPrincipalName: `User${i}@Contoso.com`, mail: `user${i}@contoso.com`, givenName: `Given${i}`, surname: `Sur${i}`,
  mailNickname: `user${i}`, IsSoftDeleted: i % 7 === 0, department: 'Sales', objectId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
}));
const options = { create: true };

function hand(u) {
  const str = (v) => (v === undefined || v === null ? null : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  const soft = str(u.IsSoftDeleted) ?? '';
  return [str(u.userPrincipalName), str(u.mail), soft === 'False' ? 'True' : soft === 'True' ? 'False' : null, str(u.givenName), str(u.surname), str(u.mailNickname)];
}

function timeUsers(fn) {
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < USERS; i++) sink += fn(users[i % users.length]) ? 1 : 0;
  const us = ((performance.now() - t0) * 1000) / USERS;
  if (sink < 0) throw new Error('unreachable');
  return us;
}

const engine = (u) => entra.evaluateObjectMapping(om, u, options).attributes.length;
const parseEach = (u) => om.attributeMappings.map((m) => entra.evaluate(entra.parseExpression(m.source.text).expr, u)).length;
const check = entra.evaluateObjectMapping(om, users[0], options).attributes.map((a) => a.outcome.value ?? null);
if (JSON.stringify(check) !== JSON.stringify(hand(users[0]))) throw new Error(`the engine and the hand-written baseline disagree: ${JSON.stringify(check)}`);

for (let i = 0; i < 3; i++) { timeUsers(engine); timeUsers(hand); timeUsers(parseEach); }
const a = { engine: [], hand: [], parseEach: [] };
for (let r = 0; r < RUNS; r++) {
  a.engine.push(timeUsers(engine));
  a.hand.push(timeUsers(hand));
  a.parseEach.push(timeUsers(parseEach));
}

// (b) --------------------------------------------------------------------------------------------------------
const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/entra/entra-schema-salesforce-sample.json'), 'utf8'));
const user = schema.synchronizationRules[0].objectMappings[0];
const templates = user.attributeMappings.filter((m) => m.source && m.source.type === 'Function');
for (let i = 0; JSON.stringify(schema, null, 2).length < 1_000_000;) {
  for (const end = i + 50; i < end; i++) user.attributeMappings.push({ ...templates[i % templates.length], targetAttributeName: `Extra${i}` });
}
const text = JSON.stringify(schema, null, 2);
const expressions = entra.loadConfigurationText(text).config.rules.flatMap((r) => r.objectMappings.flatMap((m) => m.attributeMappings)).filter((m) => m.source).length;
const b = { parse: [], load: [], lint: [] };
for (let r = 0; r < RUNS; r++) {
  let t = performance.now();
  JSON.parse(text);
  b.parse.push(performance.now() - t);
  t = performance.now();
  entra.loadConfigurationText(text);
  b.load.push(performance.now() - t);
  t = performance.now();
  entra.validateProvisioningConfiguration(text);
  b.lint.push(performance.now() - t);
}

const rows = [
  ['(a) default MURAL user mappings, 6 attributes, per user', `${median(a.engine).toFixed(2)} µs`, `hand-written JS ${median(a.hand).toFixed(3)} µs`, `${(median(a.engine) / median(a.hand)).toFixed(0)}×`],
  ['(a) same, parsing each expression every time', `${median(a.parseEach).toFixed(2)} µs`, '', ''],
  [`(b) load a ${(text.length / 1e6).toFixed(2)} MB schema (${expressions} expressions parsed)`, `${median(b.load).toFixed(1)} ms`, `JSON.parse ${median(b.parse).toFixed(1)} ms`, `${(median(b.load) / median(b.parse)).toFixed(1)}×`],
  ['(b) same, full diagnostics (editor / lint)', `${median(b.lint).toFixed(1)} ms`, '', `${(median(b.lint) / median(b.parse)).toFixed(1)}×`],
];
process.stdout.write(`Entra expressions — median of ${RUNS} runs, ${USERS.toLocaleString('en-US')} users per run, node ${process.version}\n\n`);
process.stdout.write('| Scenario | Time | Baseline (same run) | Ratio |\n|---|---|---|---|\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
const goal = median(a.engine) < 20;
process.stdout.write(`\nGoal: all mappings of a user in < 20 µs — ${goal ? 'met' : 'MISSED'} (${median(a.engine).toFixed(2)} µs).\n`);
