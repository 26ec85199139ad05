// Worst cases of one ~1 MB request against the mock service: how long a single request holds the event loop
// (nothing else is served meanwhile). Runs the service in-process, from the test build (out/).
//   node esbuild.mjs --tests && node bench/worstcase.mjs [scale]
// `scale` (default 1) multiplies every list length: 0.2 shows a quadratic cost without waiting minutes for it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ScimService } = require(join(root, 'out', 'src', 'mock', 'service.js'));

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const user = (i) => ({ schemas: [USER_URN], userName: `u${i}@example.com`, name: { givenName: 'A', familyName: 'B' }, emails: [{ type: 'work', primary: true, value: `u${i}@example.com` }] });
const patch = (...Operations) => ({ schemas: [PATCH_URN], Operations });
const size = (v) => `${(JSON.stringify(v).length / 1024).toFixed(0)} KiB`;

async function time(name, body, fn) {
  const t0 = performance.now();
  let outcome = 'ok';
  try { await fn(); } catch (e) { outcome = `${e.status ?? ''} ${String(e.message).slice(0, 60)}`; }
  console.log(`${name.padEnd(58)} ${size(body).padStart(8)} ${(performance.now() - t0).toFixed(0).padStart(7)} ms  ${outcome}`);
}

const scale = Number(process.argv[2] ?? 1);
const n = (count) => Math.round(count * scale);
// MURAL does not sort (the mock's muralFilters switch); the sorting case below measures the RFC 7644 mode.
const svc = await ScimService.open({ options: { muralFilters: false } });
const ids = [];
for (let i = 0; i < n(5000); i++) ids.push((await svc.createUser(user(i))).id);
const group = await svc.createGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Big', members: ids.map((value) => ({ value })) });
const someone = ids[0];

const emails = patch({ op: 'add', path: 'emails', value: Array.from({ length: n(25_000) }, (_, i) => ({ type: 'other', value: `alias${i}@example.com` })) });
await time(`PATCH add ${n(25_000)} emails on a user`, emails, () => svc.patch('User', someone, emails));
const ghosts = patch({ op: 'add', path: 'members', value: Array.from({ length: n(20_000) }, (_, i) => ({ value: `u${String(i).padStart(24, '0')}` })) });
await time(`PATCH add ${n(20_000)} non-existent members`, ghosts, () => svc.patch('Group', group.id, ghosts));
const drop = patch({ op: 'remove', path: 'members', value: [...ids, ...Array.from({ length: n(15_000) }, (_, i) => `x${i}`)].map((value) => ({ value })) });
await time(`PATCH remove ${n(20_000)} listed members of a ${n(5000)}-member group`, drop, () => svc.patch('Group', group.id, drop));
const perOp = patch(...ids.slice(0, n(10_000)).concat(ids).slice(0, n(10_000)).map((value) => ({ op: 'add', path: 'members', value: [{ value }] })));
await time(`PATCH with ${perOp.Operations.length} one-member add operations`, perOp, () => svc.patch('Group', group.id, perOp));
const perOpRemove = patch(...ids.map((value) => ({ op: 'remove', path: `members[value eq "${value}"]` })));
await time(`PATCH with ${perOpRemove.Operations.length} one-member remove operations (filter)`, perOpRemove, () => svc.patch('Group', group.id, perOpRemove));
const attributes = Array.from({ length: n(60_000) }, (_, i) => (i % 2 ? `name.givenName` : `emails.value`));
const q = { attributes, count: n(1000) };
await time(`list ${n(1000)} users with a ${n(60_000)}-name attributes list`, q, () => svc.listUsers(q));
await time(`list ${n(1000)} of ${n(5000)} users sorted by userName`, {}, () => svc.listUsers({ sortBy: 'userName', count: n(1000) }));
await svc.close();
