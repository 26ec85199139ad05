// Baseline "replay" for bench/provision.mjs: the requests of Entra's initial and incremental cycles for a
// directory file, sent by the leanest client we can write (undici's Pool, one promise per request, no
// decisions, no log, no state) at the same concurrency against its own fresh mock. Its time is what the mock
// and loopback HTTP cost by themselves: the floor under any provisioning engine on this machine.
//
//   node bench/baselines/entraReplay.mjs --url <tenant URL> --token T --directory FILE [--concurrency 16]
//     [--member-batch 25] [--changed 1000]
// Prints one JSON line: {initial: {wall, cpu, requests}, incremental: {wall, cpu, requests}} (seconds).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, token: { type: 'string' }, directory: { type: 'string' },
    concurrency: { type: 'string', default: '16' }, 'member-batch': { type: 'string', default: '25' }, changed: { type: 'string', default: '1000' },
  },
});
const base = new URL(values.url);
const prefix = base.pathname.replace(/\/$/, '');
const pool = new Pool(base.origin, { connections: Number(values.concurrency) });
const headers = { authorization: `Bearer ${values.token}`, accept: 'application/scim+json', 'content-type': 'application/scim+json' };
const directory = JSON.parse(readFileSync(values.directory, 'utf8'));
let requests = 0;

async function call(method, path, body) {
  requests++;
  const res = await pool.request({ method, path: `${prefix}${path}`, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300 && res.statusCode !== 404) return { status: res.statusCode };
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

/** Runs `work` for each item, `concurrency` at a time. */
async function each(items, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
}

const filter = (attr, value) => `filter=${encodeURIComponent(`${attr} eq ${JSON.stringify(value)}`).replace(/%20/g, '+')}`;
const targetIds = new Map();

async function measure(run) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const before = requests;
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, requests: requests - before };
}

const initial = await measure(async () => {
  await each(directory.users, async (u) => {
    await call('GET', `/Users?${filter('userName', u.userPrincipalName)}`);
    const created = await call('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      userName: u.userPrincipalName, active: u.accountEnabled !== false, displayName: u.displayName,
      emails: [{ primary: true, type: 'work', value: u.mail ?? u.userPrincipalName }],
      name: { givenName: u.givenName, familyName: u.surname }, externalId: u.mailNickname ?? u.id, meta: { resourceType: 'User' }, roles: [],
    });
    if (created.json?.id) targetIds.set(u.id, created.json.id);
  });
  await each(directory.groups, async (g) => {
    await call('GET', `/Groups?excludedAttributes=members&${filter('displayName', g.displayName)}`);
    const created = await call('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: g.displayName, externalId: g.id, meta: { resourceType: 'Group' },
    });
    if (created.json?.id) targetIds.set(g.id, created.json.id);
  });
  const size = Number(values['member-batch']);
  await each(directory.groups, async (g) => {
    const group = targetIds.get(g.id);
    const members = (g.members ?? []).map((m) => targetIds.get(typeof m === 'string' ? m : m.id)).filter(Boolean);
    for (let i = 0; group && i < members.length; i += size) {
      await call('PATCH', `/Groups/${group}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'members', value: members.slice(i, i + size).map((value) => ({ $ref: null, value })) }],
      });
    }
  });
});

const changed = directory.users.slice(6, 6 + Number(values.changed)).filter((u) => targetIds.has(u.id));
const incremental = await measure(async () => {
  await each(changed, async (u) => {
    const id = targetIds.get(u.id);
    await call('GET', `/Users/${id}`);
    await call('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'name.givenName', value: `${u.givenName}a` }],
    });
  });
});

await pool.close();
process.stdout.write(`${JSON.stringify({ initial, incremental })}\n`);
