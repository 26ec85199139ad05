// `scim-workbench serve` as a user runs it: a child process on the transpiled CLI (out/src/cli/main.js).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { ScimService } from '../../../src/mock/service';
import { entraUser } from './helpers';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SCIM_WORKBENCH_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until stdout shows the tenant URL and token; fails with the output if the process exits first. */
async function started(r: Running): Promise<{ url: string; token: string }> {
  for (;;) {
    const url = /Tenant URL\s+(\S+)/.exec(r.stdout())?.[1];
    const token = /Secret Token\s+(\S+)/.exec(r.stdout())?.[1];
    if (url && token && r.stdout().includes('Ctrl-C')) return { url, token };
    const done = await Promise.race([r.exited.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), 20))]);
    if (done) throw new Error(`serve exited early:\n${r.stdout()}\n${r.stderr()}`);
  }
}

describe('scim-workbench serve', function () {
  this.timeout(30_000);
  let agent: Agent;
  let dir: string;
  before(() => {
    agent = new Agent();
    dir = mkdtempSync(join(tmpdir(), 'scim-serve-'));
  });
  after(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a seeded directory on port 0, logs each request and stops cleanly on SIGTERM', async () => {
    const r = run(['serve', '--port', '0', '--seed', '20', '--token', 'cli-token']);
    const { url, token } = await started(r);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim$/);
    assert.equal(token, 'the');
    assert.match(r.stdout(), /Secret Token {2}the one given with --token\n/);
    assert.ok(!r.stdout().includes('cli-token'), 'a given token is not printed');
    assert.match(r.stdout(), /Seeded 20 users and 1 workspace in/);
    assert.match(r.stdout(), /Entra: .*Tenant URL and Secret Token/);
    const res = await request(`${url}/Users?count=0`, { headers: { authorization: 'Bearer cli-token' }, dispatcher: agent });
    assert.equal(res.statusCode, 200);
    assert.equal(((await res.body.json()) as { totalResults: number }).totalResults, 20);
    r.child.kill('SIGTERM');
    const { code } = await r.exited;
    assert.equal(code, 0);
    assert.match(r.stdout(), /\d\d:\d\d:\d\d\.\d{3} GET \/enterprise\/v1\/scim\/Users\?count=0 200 \d+\.\d ms/);
    assert.match(r.stdout(), /Stopped\.\n$/);
  });

  it('takes the token from SCIM_WORKBENCH_TOKEN, or generates and prints one', async () => {
    const fromEnv = run(['serve', '--port', '0', '--quiet'], { SCIM_WORKBENCH_TOKEN: 'env-token' });
    const envStarted = await started(fromEnv);
    assert.match(fromEnv.stdout(), /Secret Token {2}the one given with \$SCIM_WORKBENCH_TOKEN\n/);
    assert.ok(!fromEnv.stdout().includes('env-token'), 'a given token is not printed');
    const withEnvToken = await request(`${envStarted.url}/ServiceProviderConfig`, { headers: { authorization: 'Bearer env-token' }, dispatcher: agent });
    assert.equal(withEnvToken.statusCode, 200);
    await withEnvToken.body.dump();
    fromEnv.child.kill('SIGINT');
    assert.equal((await fromEnv.exited).code, 0);
    const generated = run(['serve', '--port', '0', '--quiet']);
    const { url, token } = await started(generated);
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    const res = await request(`${url}/ServiceProviderConfig`, { headers: { authorization: `apikey ${token}` }, dispatcher: agent });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    generated.child.kill('SIGTERM');
    assert.equal((await generated.exited).code, 0);
  });

  it('refuses an empty, spaced or non-ASCII token with a usage error (exit 2), not a stack trace', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--token', ''], {}, /--token is empty/],
      [['--token', 'two words'], {}, /contains spaces/],
      [['--token', 'clé'], {}, /contains "é".*printable ASCII/],
      [[], { SCIM_WORKBENCH_TOKEN: 'tökén' }, /The token in \$SCIM_WORKBENCH_TOKEN contains "ö"/],
    ];
    for (const [args, env, message] of cases) {
      const r = run(['serve', '--port', '0', ...args], env);
      assert.equal((await r.exited).code, 2, r.stderr());
      assert.match(r.stderr(), message);
      assert.ok(!/\n\s+at /.test(r.stderr()), `a stack trace: ${r.stderr()}`);
    }
  });

  it('names the busy port and suggests --port 0 on EADDRINUSE', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(['serve', '--port', String(port), '--token', 't']);
      const { code } = await r.exited;
      assert.equal(code, 1);
      assert.match(r.stderr(), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port 0`));
    } finally {
      await new Promise<void>((res) => blocker.close(() => res()));
    }
  });

  it('rejects bad options with exit code 2 and lists the switches in --help', async () => {
    const bad = run(['serve', '--fault-share', 'lots']);
    assert.equal((await bad.exited).code, 2);
    assert.match(bad.stderr(), /--fault-share/);
    const unknown = run(['serve', '--nope']);
    assert.equal((await unknown.exited).code, 2);
    const both = run(['serve', '--strict-member-removal', '--no-strict-member-removal']);
    assert.equal((await both.exited).code, 2);
    const help = run(['serve', '--help']);
    assert.equal((await help.exited).code, 0);
    for (const flag of ['--port', '--data', '--seed', '--[no-]coerce-boolean-strings', '--[no-]strict-member-removal', '--fault-share', '--rate-limit', '--latency']) {
      assert.ok(help.stdout().includes(flag), `help lists ${flag}`);
    }
  });

  it('takes the slow-client limits as flags: a stalled request gets 408 after --headers-timeout, extra connections are closed', async () => {
    const bad = run(['serve', '--port', '0', '--headers-timeout', '0']);
    assert.equal((await bad.exited).code, 2);
    assert.match(bad.stderr(), /--headers-timeout must be a whole number from 1 to 3600, not "0"/);
    const r = run(['serve', '--port', '0', '--quiet', '--token', 't', '--headers-timeout', '1', '--max-connections', '2']);
    const { url } = await started(r);
    const { hostname, port } = new URL(url);
    const open = () => new Promise<Socket>((res, rej) => { const s = connect(Number(port), hostname, () => res(s)); s.once('error', rej); });
    const answer = (s: Socket) => new Promise<{ text: string; ms: number }>((res) => {
      const t0 = Date.now();
      let text = '';
      s.on('data', (d: Buffer) => { text += d.toString(); });
      s.on('close', () => res({ text, ms: Date.now() - t0 }));
    });
    try {
      const stalled = await open();
      const stalledAnswer = answer(stalled);
      stalled.write('GET /enterprise/v1/scim/Users HTTP/1.1\r\nHost: x\r\n');
      const second = await open();
      const third = await open();
      const thirdAnswer = answer(third);
      const closed = await Promise.race([thirdAnswer, new Promise<undefined>((res) => setTimeout(() => res(undefined), 5000))]);
      assert.ok(closed && closed.text === '', 'the connection over --max-connections is closed without an answer');
      second.destroy();
      const { text, ms } = await stalledAnswer;
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.match(text, /headers within 1 s/);
      assert.ok(ms < 10_000, `408 after ${ms} ms`);
    } finally {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  });

  it('loses no acknowledged write when killed with SIGKILL in the middle of a write burst', async () => {
    const file = join(dir, 'crash.jsonl');
    const r = run(['serve', '--port', '0', '--quiet', '--token', 'crash', '--data', file]);
    const { url } = await started(r);
    const acked: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const userName = `user.${next++}@example.com`;
        try {
          const res = await request(`${url}/Users`, {
            method: 'POST',
            headers: { authorization: 'Bearer crash', 'content-type': 'application/scim+json' },
            body: JSON.stringify(entraUser(userName, 'Crash', 'Test')),
            dispatcher: agent,
          });
          await res.body.dump();
          if (res.statusCode === 201) acked.push(userName);
          if (acked.length >= 200 && !killed) { killed = true; r.child.kill('SIGKILL'); }
        } catch {
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.equal((await r.exited).signal, 'SIGKILL');
    const svc = await ScimService.open({ dataFile: file });
    try {
      const missing = acked.filter((u) => !svc.store.userByUserName(u));
      assert.deepEqual(missing, []);
      assert.ok(svc.stats().users >= acked.length);
    } finally {
      await svc.close();
    }
  });
});
