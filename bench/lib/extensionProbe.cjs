// Loaded by the VS Code workbench as the extension-tests entry (bench/extension.mjs opens the workbench with it):
// inside the real extension host, next to the extension, it answers the benchmark's control requests on
// 127.0.0.1 (the port goes to the file named by SCIM_WORKBENCH_BENCH_CONTROL) and measures what only the
// extension host can see: a SCIM command's latency, how far the Directory's Users count trails the server, the
// event loop's longest stall, memory. run() settles when the benchmark asks /finish, which ends the session.
const http = require('node:http');
const fs = require('node:fs');
const inspector = require('node:inspector');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const v8 = require('node:v8');
const vm = require('node:vm');
const vscode = require('vscode');

const EXTENSION_ID = 'scim-workbench.scim-workbench';
const SAMPLE_MS = 100;

/**
 * Longest gap between 5-ms ticks while it runs (how long the event loop was held at a time), and the CPU time
 * the process used within that gap: on a loaded machine most of a gap can be time the process waited for a core.
 */
function stallWatch() {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let longest = 0;
  let cpuMs = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (now - last > longest) { longest = now - last; cpuMs = (cpu.user + cpu.system) / 1000; }
    last = now;
    lastCpu = process.cpuUsage();
  };
  const timer = setInterval(tick, 5);
  return { stop: () => { clearInterval(timer); tick(); return { ms: longest, cpuMs }; } };
}

exports.run = async function run() {
  const api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
  const mock = api.mock;

  // The Users count the Directory handed to VS Code last (the collection's description), with its time.
  let shownUsers;
  const tree = api.directory;
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getTreeItem = async (node) => {
    const item = await getTreeItem(node);
    if (node.type === 'collection' && node.kind === 'Users' && typeof item.description === 'string') {
      shownUsers = Number(item.description.replace(/\D/g, ''));
    }
    return item;
  };

  let sampling;
  let profiler;
  function startSampling() {
    const history = []; // [time, users on the server]
    const commandMs = [];
    const lagMs = [];
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const stalls = stallWatch();
    let busy = false;
    const timer = setInterval(async () => {
      const now = performance.now();
      const users = mock.service ? mock.service.store.users.size : 0; // stats() walks every user
      history.push([now, users]);
      if (shownUsers !== undefined) {
        // Behind by how long: since when has the server had more users than the Directory shows?
        let since = now;
        for (let i = history.length - 1; i >= 0 && history[i][1] > shownUsers; i--) since = history[i][0];
        lagMs.push(now - since);
      }
      if (busy) return;
      busy = true;
      const t0 = performance.now();
      await vscode.commands.executeCommand('scimWorkbench.mock.copyTenantUrl');
      commandMs.push(performance.now() - t0);
      busy = false;
    }, SAMPLE_MS);
    sampling = { stop() {
      clearInterval(timer);
      delay.disable();
      return { commandMs, lagMs, loopP99Ms: delay.percentile(99) / 1e6, loopMaxMs: delay.max / 1e6, stallMs: stalls.stop() };
    } };
  }

  const handlers = {
    async start() {
      await vscode.commands.executeCommand('workbench.view.extension.scimWorkbench');
      const r = await mock.start(0);
      if (!r.ok) throw new Error(r.message);
      return { url: r.url, token: await mock.token() };
    },
    async 'sample/start'() {
      startSampling();
      return {};
    },
    async 'sample/stop'() {
      const s = sampling.stop();
      sampling = undefined;
      return s;
    },
    async seed(q) {
      const want = Number(q.get('users'));
      const t0 = performance.now();
      const have = mock.service.stats().users;
      if (want > have) await mock.service.seed(want - have);
      return { users: mock.service.stats().users, ms: performance.now() - t0 };
    },
    // Live memory: a full garbage collection first (the extension host runs without --expose-gc; the flag set at
    // run time gives a fresh context the gc function).
    async memory() {
      v8.setFlagsFromString('--expose-gc');
      vm.runInNewContext('gc')();
      return { ...process.memoryUsage(), users: mock.service.stats().users };
    },
    // A new, empty directory (server stopped, its data file removed, started again), so that memory and the
    // restart are measured at the size asked, whatever the bursts created and the data file kept of them.
    async fresh() {
      const file = mock.dataFile();
      await mock.stop();
      if (file) fs.rmSync(file, { force: true });
      const r = await mock.start(0);
      if (!r.ok) throw new Error(r.message);
      return { users: mock.service.stats().users };
    },
    // A CPU profile of the extension host (node:inspector), written where the benchmark says (--profile FILE).
    async 'profile/start'() {
      profiler = new inspector.Session();
      profiler.connect();
      const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      profiler.stopTo = async (file) => { const { profile } = await post('Profiler.stop'); fs.writeFileSync(file, JSON.stringify(profile)); profiler.disconnect(); };
      return {};
    },
    async 'profile/stop'(q) {
      await profiler.stopTo(q.get('file'));
      profiler = undefined;
      return {};
    },
    async restart(q) {
      await mock.stop();
      if (q.get('profile')) await handlers['profile/start']();
      const stalls = stallWatch();
      const t0 = performance.now();
      const r = await mock.start(0);
      const ms = performance.now() - t0;
      if (q.get('profile')) await handlers['profile/stop'](new URLSearchParams({ file: q.get('profile') }));
      if (!r.ok) throw new Error(r.message);
      return { ms, stallMs: stalls.stop(), url: r.url, users: mock.service.stats().users };
    },
  };

  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://probe');
    const name = url.pathname.slice(1);
    const answer = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (name === 'finish') {
      answer(200, {});
      setTimeout(() => finish(), 100);
      return;
    }
    const handler = handlers[name];
    if (!handler) return answer(404, { error: `no ${name}` });
    handler(url.searchParams).then((body) => answer(200, body), (e) => answer(500, { error: String(e && e.stack || e) }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fs.writeFileSync(process.env.SCIM_WORKBENCH_BENCH_CONTROL, String(server.address().port));
  await finished;
  await mock.stop();
  server.close();
};
