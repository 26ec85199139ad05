// `scim-workbench check`: exit codes 0/1/2, the report formats on stdout or in a file, progress on stderr,
// the token from the environment, Ctrl-C cancelling with cleanup — through run() with captured streams, and
// once as a real process.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckCommand, TOKEN_ENV, type CheckIo } from '../../../src/cli/check';
import { CliError } from '../../../src/cli/command';
import { startServer, TOKEN, type Harness } from '../mock/helpers';

/** out/test/unit/cli → out/src/cli/main.js, the CLI as tests build it. */
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');

interface Captured {
  readonly io: CheckIo;
  readonly out: () => string;
  readonly err: () => string;
  /** The cancel function the command registered for Ctrl-C, while registered. */
  readonly interrupt: { cancel?: () => void };
}

function capture(env: NodeJS.ProcessEnv = {}, cwd = process.cwd(), onErr?: (line: string, interrupt: Captured['interrupt']) => void): Captured {
  let out = '';
  let err = '';
  const interrupt: Captured['interrupt'] = {};
  const io: CheckIo = {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; onErr?.(s, interrupt); } },
    env,
    cwd,
    onInterrupt: (cancel) => {
      interrupt.cancel = cancel;
      return () => { interrupt.cancel = undefined; };
    },
  };
  return { io, out: () => out, err: () => err, interrupt };
}

async function usageError(c: Captured, args: string[], message: RegExp): Promise<void> {
  await assert.rejects(createCheckCommand(c.io).run(args), (e: unknown) => {
    assert.ok(e instanceof CliError, String(e));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, message);
    return true;
  });
}

describe('cli/check', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    h = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'scim-check-'));
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 when every step passes: the text report on stdout, a progress line per step on stderr', async () => {
    const c = capture();
    const code = await createCheckCommand(c.io).run(['--url', h.url, '--token', TOKEN]);
    assert.equal(code, 0);
    assert.match(c.out(), /^Entra provisioning check of http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim \(MURAL rules\)\n/);
    // The last-admin step needs a way to make a workspace admin, which SCIM (and so the command line) does not have.
    assert.match(c.out(), /\nPassed: 29 passed, 0 failed, 0 warnings, 1 skipped of 30 steps in /);
    const progress = c.err().trimEnd().split('\n');
    assert.equal(progress.length, 30);
    assert.equal(progress[0], '[ 1/30] ✔ Test Connection');
    assert.match(progress.find((l) => l.includes('last admin')) ?? '', /^\[\d+\/30\] - MURAL: the last admin of a workspace cannot be deactivated — Not run: SCIM has no request that makes a user a workspace admin/);
    assert.equal(progress[29], '[30/30] ✔ Clean up');
    assert.ok(!c.out().includes(TOKEN) && !c.err().includes(TOKEN));
    assert.equal(c.interrupt.cancel, undefined, 'the Ctrl-C handler is removed after the run');
  });

  it('takes the token from SCIM_WORKBENCH_TOKEN, and the rules, auth scheme and format from options', async () => {
    const c = capture({ [TOKEN_ENV]: TOKEN });
    const code = await createCheckCommand(c.io).run(['--url', h.url, '--rules', 'scim', '--auth', 'apikey', '--format', 'json', '--timeout', '5000']);
    const report = JSON.parse(c.out());
    assert.equal(report.rules, 'scim');
    assert.equal(report.steps.length, 23);
    // MURAL's "apikey" scheme works, but Test Connection warns that Entra sends Bearer.
    assert.equal(report.steps[0].verdict, 'warn');
    assert.match(report.steps[0].explanation, /Entra always sends "Bearer"/);
    assert.equal(report.steps[1].exchanges[0].request.headers.Authorization, 'apikey ***');
    assert.equal(code, 0, 'warnings do not fail');
  });

  it('writes JUnit XML, Markdown or JSON to --output and one summary line to stdout', async () => {
    for (const [format, start] of [['junit', '<?xml version="1.0"'], ['markdown', '# Entra provisioning check:'], ['json', '{']] as const) {
      const c = capture({ [TOKEN_ENV]: TOKEN }, dir);
      const code = await createCheckCommand(c.io).run(['--url', h.url, '--rules', 'scim', '--format', format, '--output', `report.${format}`]);
      assert.equal(code, 0);
      const text = await readFile(join(dir, `report.${format}`), 'utf8');
      assert.ok(text.startsWith(start), `${format} starts with ${start}`);
      assert.ok(!text.includes(TOKEN));
      assert.match(c.out(), new RegExp(`^Passed: 23 passed, .* Report written to report\\.${format}\\.\\n$`));
    }
  });

  it('exits 1 when a step fails, with the failure explained in the report and on stderr', async () => {
    await h.close();
    h = await startServer({ options: { strictMemberRemoval: true } });
    const c = capture({ [TOKEN_ENV]: TOKEN });
    const code = await createCheckCommand(c.io).run(['--url', h.url]);
    assert.equal(code, 1);
    assert.match(c.out(), /\n✘ 15\. Remove a member \(legacy value list\) \(\d+ ms\)\n {4}PATCH .* NO members left/);
    assert.match(c.out(), /every membership would be wiped/);
    assert.match(c.err(), /\[15\/30\] ✘ Remove a member \(legacy value list\) — PATCH/);
    assert.match(c.err(), /\[16\/30\] - Remove a member \(filtered path\) — Not run/);
  });

  it('Ctrl-C cancels: exit 1, the rest skipped, what was created deleted', async () => {
    const c = capture({ [TOKEN_ENV]: TOKEN }, dir, (line, interrupt) => {
      if (line.startsWith('[ 5/30]')) interrupt.cancel?.();
    });
    const code = await createCheckCommand(c.io).run(['--url', h.url, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(c.out());
    assert.equal(report.cancelled, true);
    assert.match(c.err(), /Interrupted: cancelling and deleting what the check created/);
    assert.equal(report.steps[5].verdict, 'skip');
    assert.equal(report.steps.at(-1).verdict, 'pass');
    assert.equal(h.service.stats().users, 0);
  });

  it('exits 2 on usage errors, saying what to fix, before sending anything', async () => {
    const c = capture({ [TOKEN_ENV]: TOKEN });
    await usageError(c, [], /Give the tenant URL with --url/);
    await usageError(c, ['--url', 'http://scim.example.com/scim'], /--url: Use https:\/\/ for scim\.example\.com/);
    await usageError(capture(), ['--url', h.url], /set SCIM_WORKBENCH_TOKEN .* or pass --token/);
    await usageError(c, ['--url', h.url, '--format', 'xml'], /--format must be text, json, junit or markdown, not "xml"/);
    await usageError(c, ['--url', h.url, '--rules', 'ldap'], /--rules must be mural or scim/);
    await usageError(c, ['--url', h.url, '--auth', 'basic'], /--auth must be bearer or apikey/);
    await usageError(c, ['--url', h.url, '--timeout', 'soon'], /--timeout must be a number of milliseconds/);
    await usageError(c, ['--url', h.url, '--email-domain', 'nodot'], /--email-domain: "nodot" is not an email domain/);
    await usageError(c, ['--url', h.url, '--verbose'], /Unknown option '--verbose'[\s\S]*scim-workbench check --help/);
    await usageError(c, ['--url', h.url, '--output', join(dir, 'missing', 'r.txt')], /Cannot write the report to .*: its directory does not exist/);
    assert.equal(h.server.requests().length, 0);
  });

  it('as a process: exit code 0 with the token from the environment, 2 for a usage error', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) => new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const ok = await run(['check', '--url', h.url, '--rules', 'scim', '--format', 'junit'], { [TOKEN_ENV]: TOKEN });
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="Entra provisioning check" tests="23" failures="0"/);
    assert.equal(ok.err.trimEnd().split('\n').length, 23);
    const bad = await run(['check', '--url', h.url], { [TOKEN_ENV]: '' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^scim-workbench: Give the secret token/);
    const help = await run(['check', '--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.out, /SCIM_WORKBENCH_TOKEN instead, so the token stays\s+out of your shell history/);
  });
});
