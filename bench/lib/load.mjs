// The workload: autocannon request lists for the three scenarios, one measurement (warm-up, measured run,
// latency percentiles, wrong answers, CPU taken by other processes), and filling a directory with users.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { assertAlive, call, coresUsed, cpuTicks, TOKEN } from './servers.mjs';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Other processes may use this much CPU during a measurement before it is marked as disturbed. */
export const DISTURBED_CORES = 0.25;
/** A server using less CPU than this without load is idle. */
const SERVER_IDLE_CORES = 0.05;

/**
 * @typedef {object} Measurement
 * @property {number} rps responses per second, every request of the mix
 * @property {number} p50 latency in ms
 * @property {number} p99 latency in ms
 * @property {number} count responses measured
 * @property {number} errors connection errors and timeouts
 * @property {Map<number, number>} badStatuses non-2xx answers by status
 * @property {number} wrong 2xx answers with the wrong content (a hit that found nothing)
 * @property {string|undefined} firstProblem the first bad answer, shortened
 * @property {number|undefined} otherCores CPU used by other processes during the run, in cores
 * @property {number|undefined} serverCores CPU the server used during the run, in cores
 * @property {number|undefined} driverCores CPU the load driver (this process) used during the run, in cores
 */

/** Latencies of one run, for exact percentiles (a run has at most a few hundred thousand). */
class Samples {
  constructor() {
    this.values = new Float64Array(1 << 16);
    this.length = 0;
  }

  add(value) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** Nearest-rank percentiles. */
  percentiles(...ps) {
    const sorted = this.values.subarray(0, this.length).sort();
    return ps.map((p) => (this.length ? sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length) - 1))] : NaN));
  }
}

/**
 * Measures one scenario: waits for other processes to leave the CPU alone (up to quietWaitMs), loads the server for
 * `warmup` seconds unmeasured, then for `duration` seconds measured, then waits until the server has worked off
 * the requests the driver abandoned. `requests` entries may carry `check(status, body)` returning why a 2xx
 * answer is wrong.
 * @param {import('./servers.mjs').Server} server
 * @param {{duration: number, warmup: number, connections: number, quietWaitMs: number}} settings
 * @param {object[]} requests autocannon request list
 * @param {(text: string) => void} progress
 * @returns {Promise<Measurement>}
 */
export async function measure(server, settings, requests, progress) {
  assertAlive(server);
  /** @type {Measurement} */
  const m = {
    rps: NaN, p50: NaN, p99: NaN, count: 0, errors: 0, badStatuses: new Map(), wrong: 0, firstProblem: undefined,
    otherCores: undefined, serverCores: undefined, driverCores: undefined,
  };
  let recording = false;
  const checked = requests.map((r) => ({
    ...r,
    onResponse(status, body, context, headers) {
      r.onResponse?.(status, body, context, headers);
      if (!recording) return;
      const ok = status >= 200 && status < 300;
      const why = ok ? r.check?.(body) : `status ${status}`;
      if (why === undefined) return;
      if (ok) m.wrong++;
      else m.badStatuses.set(status, (m.badStatuses.get(status) ?? 0) + 1);
      m.firstProblem ??= `${r.method ?? 'GET'} → ${why}: ${body.slice(0, 200).replace(/\s+/g, ' ')}`;
    },
  }));
  const run = (seconds) => autocannon({
    url: server.origin,
    connections: settings.connections,
    duration: seconds,
    // SCIMMY's filter at 20k users queues answers for seconds: slowness to measure, not lost requests.
    timeout: 60,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: checked,
  });

  await waitForQuiet(server, settings.quietWaitMs, progress);
  if (settings.warmup > 0) await run(settings.warmup);
  const samples = new Samples();
  recording = true;
  const cpuBefore = cpuTicks(server.pid);
  const instance = run(settings.duration);
  instance.on('response', (_client, _status, _bytes, responseTime) => samples.add(responseTime));
  const result = await instance;
  const used = coresUsed(cpuBefore, cpuTicks(server.pid));
  m.otherCores = used?.others;
  m.serverCores = used?.server;
  m.driverCores = used?.driver;
  recording = false;
  [m.p50, m.p99] = samples.percentiles(50, 99);
  m.count = samples.length;
  m.rps = samples.length / result.duration;
  m.errors = result.errors + result.timeouts;
  await settle(server);
  return m;
}

/** Waits until the server has answered what the driver abandoned at the end of a run; says so if it died. */
async function settle(server) {
  try {
    await call(server, 'GET', `${server.basePath}/Users?filter=${encodeURIComponent('userName eq "settle@contoso.com"')}`);
  } catch (e) {
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 1000))]);
    assertAlive(server);
    throw e;
  }
}

/**
 * Waits until the server is idle (work left over from its start, such as writing a snapshot after seeding)
 * and, for at most `maxOthersMs`, until other processes leave the CPU alone. Resolves to the milliseconds the
 * server itself was still busy.
 */
export async function waitForQuiet(server, maxOthersMs, progress) {
  const started = performance.now();
  const serverDeadline = started + 120_000;
  let serverBusyMs = 0;
  let announced = false;
  for (;;) {
    const before = cpuTicks(server.pid);
    await new Promise((r) => setTimeout(r, 250));
    const used = coresUsed(before, cpuTicks(server.pid));
    if (!used) return 0;
    const now = performance.now();
    if (used.server >= SERVER_IDLE_CORES && now < serverDeadline) {
      serverBusyMs = now - started;
      continue;
    }
    if (used.others < DISTURBED_CORES || now > started + serverBusyMs + maxOthersMs) return serverBusyMs;
    if (!announced) progress(`(other processes use ${used.others.toFixed(1)} cores; waiting up to ${maxOthersMs / 1000} s) `);
    announced = true;
  }
}

/** What went wrong in a measurement, or '' when every answer was right. */
export function describeProblems(m) {
  const parts = [...m.badStatuses].map(([status, n]) => `${n} × ${status}`);
  if (m.wrong) parts.push(`${m.wrong} wrong answers`);
  if (m.errors) parts.push(`${m.errors} connection errors/timeouts`);
  return parts.length ? `${parts.join(', ')}${m.firstProblem ? ` (first: ${m.firstProblem})` : ''}` : '';
}

/** Why a measurement is suspect because other processes took CPU, or ''. */
export function describeDisturbance(m) {
  return m.otherCores !== undefined && m.otherCores >= DISTURBED_CORES
    ? `other processes used ${m.otherCores.toFixed(2)} of ${cpus().length} cores`
    : '';
}

// ---------------------------------------------------------------------------------------------------------
// Users and scenarios

const runTag = randomUUID().slice(0, 8);
let userSerial = 0;

/** A userName no server has seen in this run. */
function nextUser() {
  const n = ++userSerial;
  return { n, userName: `bench-${runTag}-${n}@contoso.com` };
}

/** The body Entra ID posts to create a user (enterprise extension included; no digits in names, MURAL's rule). */
function entraUser(userName, n) {
  return {
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: `bench${n}`,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    roles: [],
    [ENTERPRISE_USER]: { employeeNumber: String(n), department: 'Engineering' },
  };
}

/**
 * Creates `count` users through POST /Users, 32 requests at a time.
 * @returns {Promise<{id: string, userName: string}[]>}
 */
export async function postUsers(server, count) {
  const created = [];
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      const { n, userName } = nextUser();
      const res = await call(server, 'POST', `${server.basePath}/Users`, entraUser(userName, n));
      if (res.status !== 201) throw new Error(`${server.kind}: POST /Users answered ${res.status} while preloading: ${res.body.slice(0, 300)}`);
      created.push({ id: JSON.parse(res.body).id, userName });
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, count) }, worker));
  return created;
}

/**
 * About 256 users spread across a directory the server filled itself (the mock's --seed), read back by paging;
 * fails unless the directory holds exactly `population` users.
 * @returns {Promise<{id: string, userName: string}[]>}
 */
export async function sampleUsers(server, population) {
  const list = async (startIndex, count) => {
    const res = await call(server, 'GET', `${server.basePath}/Users?startIndex=${startIndex}&count=${count}`);
    if (res.status !== 200) throw new Error(`${server.kind}: GET /Users?startIndex=${startIndex}&count=${count} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body);
  };
  const { totalResults } = await list(1, 1);
  if (totalResults !== population) throw new Error(`${server.kind}: --seed ${population} left ${totalResults} users in the directory, expected ${population}.`);
  const pages = 8;
  const perPage = 32;
  const users = [];
  for (let p = 0; p < pages; p++) {
    const page = await list(1 + Math.floor((p * Math.max(0, population - perPage)) / (pages - 1)), perPage);
    for (const r of page.Resources ?? []) users.push({ id: r.id, userName: r.userName });
  }
  if (users.length === 0) throw new Error(`${server.kind}: paging through /Users returned no users.`);
  return users;
}

/** Every `step`-th element, so lookups spread over the whole directory. */
export function spread(users, about) {
  const step = Math.max(1, Math.floor(users.length / about));
  return users.filter((_, i) => i % step === 0);
}

const eqFilter = (userName) => `filter=userName+eq+%22${encodeURIComponent(userName)}%22`;
const totalIs = (n) => (body) => (new RegExp(`"totalResults"\\s*:\\s*${n}\\b`).test(body) ? undefined : `expected totalResults ${n}`);

/** Scenario 1: the same GET for the whole run, one request buffer built once. */
export function getOne(server, id) {
  return [{ method: 'GET', path: `${server.basePath}/Users/${id}` }];
}

/**
 * Scenario 2: Entra's cycle for one new user per loop of each connection: GUID probe, POST, PATCH
 * name.givenName (legacy capitalised op), PATCH active. The created id travels in the connection's context.
 * @param {string|boolean} activeFalse what the disabling PATCH sends: Entra's "False", or false for SCIMMY
 */
export function entraCycle(server, activeFalse) {
  const base = server.basePath;
  const headers = { 'content-type': 'application/scim+json' };
  const patch = (operation) => JSON.stringify({ schemas: [PATCH_OP], Operations: [operation] });
  const givenNames = ['Grace', 'Barbara'].map((value) => patch({ op: 'Replace', path: 'name.givenName', value }));
  const disable = patch({ op: 'Replace', path: 'active', value: activeFalse });
  const patchCreated = (body) => (req, context) => {
    if (!context.id) return null; // the POST failed (counted); start the next user
    req.path = `${base}/Users/${context.id}`;
    req.body = body(context);
    return req;
  };
  return [
    {
      method: 'GET',
      setupRequest(req, context) {
        Object.assign(context, nextUser());
        req.path = `${base}/Users?filter=userName+eq+%22${randomUUID()}%22`;
        return req;
      },
      check: totalIs(0),
    },
    {
      method: 'POST',
      path: `${base}/Users`,
      headers,
      setupRequest(req, context) {
        req.body = JSON.stringify(entraUser(context.userName, context.n));
        return req;
      },
      onResponse(status, body, context) {
        if (status === 201) context.id = JSON.parse(body).id;
      },
    },
    { method: 'PATCH', headers, setupRequest: patchCreated((context) => givenNames[context.n % 2]) },
    { method: 'PATCH', headers, setupRequest: patchCreated(() => disable) },
  ];
}

// Scenario 3 lists one fixed request per user (or GUID): autocannon builds each request's bytes once and cycles
// through them, so the load driver spends its CPU on sending, not on building requests.

/** Scenario 3: GET by id, rotating over `users`. */
export function getRotating(server, users) {
  return users.map((u) => ({ method: 'GET', path: `${server.basePath}/Users/${u.id}` }));
}

/** Scenario 3: `userName eq` for existing users (each must find exactly one), rotating. */
export function eqHits(server, users) {
  const check = totalIs(1);
  return users.map((u) => ({ method: 'GET', path: `${server.basePath}/Users?${eqFilter(u.userName)}`, check }));
}

/** Scenario 3: `userName eq` for GUIDs no user has, as Entra probes (each must find nothing), rotating. */
export function eqMisses(server, count = 256) {
  const check = totalIs(0);
  return Array.from({ length: count }, () => ({ method: 'GET', path: `${server.basePath}/Users?${eqFilter(randomUUID())}`, check }));
}
