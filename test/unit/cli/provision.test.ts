// `scim-workbench provision`: the initial cycle then an incremental one through a --state file, the three
// formats, --output, exit codes 0/1/2 and the usage errors, against the mock server.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckIo } from '../../../src/cli/check';
import { CliError } from '../../../src/cli/command';
import { createProvisionCommand } from '../../../src/cli/provision';
import { muralDefaultConfiguration } from '../../../src/entra';
import { sampleDirectory } from '../../../src/entra/directory/sample';
import { startServer, TOKEN, type Harness } from '../mock/helpers';

function capture(cwd: string): { io: CheckIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, env: { SCIM_WORKBENCH_TOKEN: TOKEN }, cwd },
    out: () => out,
    err: () => err,
  };
}

describe('cli/provision', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    h = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'scim-provision-'));
    await writeFile(join(dir, 'd.entra-directory.json'), JSON.stringify(sampleDirectory({ users: 10, groups: 2 })));
    const clean = (upn: string) => JSON.stringify({
      users: [{ id: 'u1', userPrincipalName: upn, mail: 'ada.lovelace@contoso.com', givenName: 'Ada', surname: 'Lovelace' }],
      appRoleAssignedTo: [{ principalId: 'u1' }],
    });
    await writeFile(join(dir, 'clean.entra-directory.json'), clean('ada.lovelace@contoso.com'));
    await writeFile(join(dir, 'caps.entra-directory.json'), clean('Ada.Lovelace@Contoso.com'));
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the initial cycle, then an incremental one from the --state file; JSON shaped as the issue says', async () => {
    const c = capture(dir);
    const cmd = createProvisionCommand(c.io);
    const args = ['--directory', 'd.entra-directory.json', '--url', h.url, '--state', 'job.json', '--format', 'json'];
    assert.equal(await cmd.run(args), 1, 'the sample has users MURAL refuses');
    const first = JSON.parse(c.out());
    assert.deepEqual(Object.keys(first), ['cycles', 'entries']);
    assert.equal(first.cycles.length, 1);
    assert.equal(first.cycles[0].kind, 'initial');
    for (const k of ['id', 'started', 'ended', 'stats']) assert.ok(k in first.cycles[0], k);
    assert.ok(first.entries.some((e: any) => e.provisioningAction === 'create' && e.provisioningStatusInfo.status === 'success'));
    assert.match(c.err(), /^Initial cycle .*: users: \d+ created/m);
    const saved = JSON.parse(await readFile(join(dir, 'job.json'), 'utf8'));
    assert.equal(saved.cycles, 1);

    const c2 = capture(dir);
    assert.equal(await createProvisionCommand(c2.io).run(args), 1);
    const second = JSON.parse(c2.out());
    assert.equal(second.cycles[0].kind, 'incremental');
    assert.ok(second.entries.every((e: any) => e.provisioningStatusInfo.status === 'failure'), 'only the escrowed failures come back');
    assert.ok(Date.parse(second.cycles[0].started) - Date.parse(first.cycles[0].started) >= 40 * 60 * 1000, 'the next cycle is 40 simulated minutes later');
  });

  it('on a terminal, with the log going to --output, shows how far the cycle is on stderr and clears it before the cycle lines', async () => {
    const c = capture(dir);
    const tty: CheckIo = { ...c.io, stderr: { write: c.io.stderr.write, isTTY: true } };
    await createProvisionCommand(tty).run(['--directory', 'd.entra-directory.json', '--url', h.url, '--output', 'log.csv', '--format', 'csv']);
    assert.match(c.err(), /^\rUsers: \d+ of 10\x1b\[K/);
    assert.match(c.err(), /\rGroups: \d+ of \d+\x1b\[K/);
    assert.match(c.err(), /\r\x1b\[KInitial cycle .*\n/, 'the progress line is cleared before the cycle line');

    const piped = capture(dir);
    await createProvisionCommand(piped.io).run(['--directory', 'd.entra-directory.json', '--url', h.url, '--output', 'log2.csv', '--format', 'csv']);
    assert.doesNotMatch(piped.err(), /\r/, 'no progress line where stderr is not a terminal (a CI log)');
    const text = capture(dir);
    await createProvisionCommand({ ...text.io, stderr: { write: text.io.stderr.write, isTTY: true } }).run(['--directory', 'd.entra-directory.json', '--url', h.url]);
    assert.doesNotMatch(text.err(), /\r/, 'none when the log itself goes to the terminal');
  });

  it('exits 0 when nothing failed; text on stdout, or CSV to --output with one line on stdout', async () => {
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url]), 0);
    assert.match(c.out(), /^Create {3}Success {2}User  ada\.lovelace@contoso\.com → u[0-9a-f]+\n(?: {4}.*\n)+Initial cycle .*users: 1 created; groups: no change; 2 requests\.\nNext cycle at /);
    // Without a state file the next run is initial again: the user is matched, not created twice.
    const csv = capture(dir);
    assert.equal(await createProvisionCommand(csv.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--format', 'csv', '--output', 'log.csv', '--cycles', '2']), 0);
    assert.equal(csv.out(), '1 log entry written to log.csv.\n');
    const lines = (await readFile(join(dir, 'log.csv'), 'utf8')).trimEnd().split('\r\n');
    assert.equal(lines[0], 'Date (UTC),Cycle ID,Change ID,Job ID,Action,Status,Identity type,Source ID,Display name,Target ID,Error code,Reason,Modified properties,Duration (ms)');
    assert.equal(lines.length, 2, 'the second cycle has nothing to do');
    assert.match(lines[1], /,Other,Skipped,User,u1,ada\.lovelace@contoso\.com,u[0-9a-f]+,RedundantExport,The state of the user in both/);
  });

  it('a capitalised UPN matches nothing in MURAL: without the state\'s link the second run conflicts (409)', async () => {
    assert.equal(await createProvisionCommand(capture(dir).io).run(['--directory', 'caps.entra-directory.json', '--url', h.url]), 0);
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'caps.entra-directory.json', '--url', h.url]), 1);
    assert.match(c.out(), /Create {3}Failure {2}User {2}Ada\.Lovelace@Contoso\.com\n {4}MURALIdentityEntryConflict: Message: MURAL Identity returned an error response with the HTTP status code 409\./);
  });

  it('--config: a provisioning configuration file drives the mappings', async () => {
    const file = muralDefaultConfiguration() as any;
    const given = file.synchronizationRules[0].objectMappings[0].attributeMappings.find((a: any) => a.targetAttributeName === 'name.givenName');
    given.source = { expression: 'Append([givenName], "X")', type: 'Function', name: 'Append', parameters: [] };
    await writeFile(join(dir, 'mine.provisioning.json'), JSON.stringify(file));
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--config', 'mine.provisioning.json', '--format', 'json']), 0);
    const post = JSON.parse(c.out()).entries[0].exchanges[1].request.body;
    assert.equal(JSON.parse(post).name.givenName, 'AdaX');
  });

  it('rehearses quarantine: cycles back to back on the simulated clock against injected 500s', async () => {
    h.service.configure({ faultShare: 1, faultStatus: 500 });
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--state', 'q.json', '--cycles', '3', '--output', 'q.log']), 1);
    const lines = c.err().trimEnd().split('\n');
    assert.equal(lines.length, 6, 'two lines per cycle');
    assert.match(lines[1], /^Next cycle at .* \(simulated; Entra runs a cycle about every 40 minutes\)\.$/);
    assert.match(lines[3], /^Quarantined \(EncounteredQuarantineException\): Every call to the target failed in 2 cycles in a row\. Next attempt at .* \(in 6 h; attempt 1 of the series/);
    assert.match(lines[5], /\(in 6 h; attempt 2 of the series/, '12 h after the first failure');
    h.service.configure({ faultShare: 0 });
    const healed = capture(dir);
    assert.equal(await createProvisionCommand(healed.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--state', 'q.json']), 0);
    assert.match(healed.err(), /users: 1 created/);
    assert.match(healed.err(), /Next cycle at/);
  });

  it('--max-retry-after: throttled requests are sent again after a short Retry-After, or not at all with 0', async () => {
    h.service.configure({ throttleShare: 1, retryAfterSeconds: 0 });
    const waited = capture(dir);
    assert.equal(await createProvisionCommand(waited.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--format', 'json']), 1);
    const once = capture(dir);
    assert.equal(await createProvisionCommand(once.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--format', 'json', '--max-retry-after', '0']), 1);
    const requests = (c: ReturnType<typeof capture>) => JSON.parse(c.out()).cycles[0].stats.requests;
    assert.equal(requests(waited), 4 * requests(once), 'each request sent 4 times');
    assert.match(JSON.parse(waited.out()).entries[0].provisioningStatusInfo.errorInformation.reason, /sent 4 times, each after the Retry-After of 0 s/);
    h.service.configure({ throttleShare: 0 });
  });

  it('--exchanges failures keeps the requests of failed entries only; --concurrency 1 keeps the directory\'s order', async () => {
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'd.entra-directory.json', '--url', h.url, '--format', 'json', '--exchanges', 'failures', '--concurrency', '1']), 1);
    const { entries } = JSON.parse(c.out());
    assert.ok(entries.some((e: any) => e.provisioningStatusInfo.status === 'failure'));
    for (const e of entries) assert.equal(e.exchanges.length > 0, e.provisioningStatusInfo.status === 'failure', e.sourceIdentity.displayName);
    const users = sampleDirectory({ users: 10, groups: 2 }) as any;
    const order = [...users.users, ...users.deletedUsers].map((u: any) => u.userPrincipalName);
    assert.deepEqual(entries.filter((e: any) => e.sourceIdentity.identityType === 'User').map((e: any) => e.sourceIdentity.displayName), order);
  });

  it('--on-demand provisions the one user named', async () => {
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'd.entra-directory.json', '--url', h.url, '--on-demand', (sampleDirectory({ users: 10, groups: 2 }) as any).users[7].userPrincipalName]), 0);
    assert.match(c.out(), /^Provision on demand .*users: 1 created; groups: no change; 2 requests\./m);
    assert.match(c.out(), /The job's schedule is unchanged/);
  });

  it('--dry-run sends no writes', async () => {
    const c = capture(dir);
    assert.equal(await createProvisionCommand(c.io).run(['--directory', 'clean.entra-directory.json', '--url', h.url, '--dry-run']), 0);
    assert.match(c.out(), /dry run: nothing written/);
    assert.match(c.out(), /POST .*\/Users \(not sent\)/);
    assert.equal((await h.call('GET', '/enterprise/v1/scim/Users')).json.totalResults, 0);
  });

  it('exits 2 on usage errors, saying what to fix', async () => {
    await writeFile(join(dir, 'bad.json'), '{"users": [{"id": "x"}]}');
    const broken = muralDefaultConfiguration() as any;
    broken.synchronizationRules[0].objectMappings[0].attributeMappings[0].source = { expression: 'Join(" ", [givenName]', type: 'Function', name: 'Join', parameters: [] };
    await writeFile(join(dir, 'broken.provisioning.json'), JSON.stringify(broken));
    await writeFile(join(dir, 'other-state.json'), JSON.stringify({ version: 1, jobId: 'j', tenantUrl: 'https://other.example.com/scim', configuration: '', cycles: 1, clock: '2026-01-01T00:00:00Z', users: {}, groups: {} }));
    const cases: [string[], RegExp][] = [
      [['--url', h.url], /--directory/],
      [['--directory', 'd.entra-directory.json'], /--url/],
      [['--directory', 'd.entra-directory.json', '--url', 'ftp://x'], /--url: The tenant URL must start with https/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--format', 'xml'], /--format must be text, json or csv/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--cycles', '0'], /--cycles must be a whole number from 1 to 100/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--deletion-threshold', 'x'], /--deletion-threshold must be a whole number/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--exchanges', 'some'], /--exchanges must be all, failures or none/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--on-demand', 'ghost'], /--on-demand: No user or group of the directory file/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--on-demand', 'x', '--cycles', '2'], /--on-demand provisions one object once/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--concurrency', '999'], /--concurrency must be a whole number from 1 to 256/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--max-retry-after', 'soon'], /--max-retry-after must be a whole number from 0 to 3600/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--dry-run', '--cycles', '2'], /--dry-run runs one cycle/],
      [['--directory', 'bad.json', '--url', h.url], /bad\.json: users\[0\]\.userPrincipalName: missing/],
      [['--directory', 'missing.json', '--url', h.url], /missing\.json: no such file/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--state', 'other-state.json'], /belongs to https:\/\/other\.example\.com\/scim/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--state', 'no/dir/s.json'], /--state no\/dir\/s\.json: its directory does not exist/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--config', 'none.json'], /Cannot read the configuration .*none\.json: no such file/],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--config', 'bad.json'], /bad\.json is not a provisioning configuration|bad\.json: /],
      [['--directory', 'd.entra-directory.json', '--url', h.url, '--config', 'broken.provisioning.json'], /broken\.provisioning\.json: synchronizationRules\[0\]\.objectMappings\[0\]\.attributeMappings\[0\]/],
    ];
    for (const [args, message] of cases) {
      await assert.rejects(createProvisionCommand(capture(dir).io).run(args), (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message), args.join(' '));
    }
    const noToken = capture(dir);
    await assert.rejects(createProvisionCommand({ ...noToken.io, env: {} }).run(['--directory', 'd.entra-directory.json', '--url', h.url]), /SCIM_WORKBENCH_TOKEN/);
  });
});
