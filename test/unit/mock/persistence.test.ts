// The data file: every acknowledged write survives a reload, a torn last line is dropped, damage elsewhere is
// reported, compaction keeps everything while writes continue.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalError } from '../../../src/mock/journal';
import { ScimService } from '../../../src/mock/service';
import { URN } from '../../../src/scim/schemas';
import { entraGroup, entraUser } from './helpers';

/** Every user and group as JSON text (full representations, versions included), and each group's admins, by id. */
function dump(svc: ScimService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of svc.store.users.keys()) out[id] = svc.read('User', id).json();
  for (const id of svc.store.groups.keys()) out[id] = `${svc.read('Group', id).json()} admins ${svc.workspaceAdmins(id).join(',')}`;
  return out;
}

describe('persistence', () => {
  let dir: string;
  let file: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'scim-mock-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });
  let n = 0;
  beforeEach(() => { file = join(dir, `directory-${++n}.jsonl`); });

  async function populate(svc: ScimService): Promise<{ ada: string; alan: string; eng: string }> {
    const ada = (await svc.createUser(entraUser('Ada@Example.com', 'Ada', 'Lovelace'))).id as string;
    const alan = (await svc.createUser(entraUser('alan@example.com', 'Alan', 'Turing'))).id as string;
    const eng = (await svc.createGroup(entraGroup('Engineering'))).id as string;
    const design = (await svc.createGroup(entraGroup('Design'))).id as string;
    await svc.patchGroup(eng, [{ op: 'Add', path: 'members', value: [{ value: ada }, { value: alan }] }]);
    await svc.setWorkspaceAdmin(eng, alan, true);
    await svc.addMembers(design, [ada]);
    await svc.patchUser(alan, [{ op: 'Replace', path: 'name.givenName', value: 'Alan Mathison' }]);
    await svc.deactivateUser(ada);
    await svc.reactivateUser(ada);
    await svc.patchGroup(eng, [{ op: 'Replace', path: 'displayName', value: 'Engineering EMEA' }]);
    await svc.deleteGroup(design);
    return { ada, alan, eng };
  }

  it('starts empty on a new file and reloads every change, versions and lost workspaces included', async () => {
    const svc = await ScimService.open({ dataFile: file });
    assert.equal(svc.stats().users, 0);
    const { ada, alan, eng } = await populate(svc);
    const before = dump(svc);
    const lost = svc.lostWorkspaces(ada);
    await svc.close();

    const again = await ScimService.open({ dataFile: file });
    assert.deepEqual(dump(again), before);
    assert.deepEqual(again.workspaceAdmins(eng), [alan]);
    assert.deepEqual(again.lostWorkspaces(ada), lost);
    assert.equal(again.store.seq, svc.store.seq);
    const next = await again.createUser(entraUser('grace@example.com', 'Grace', 'Hopper'));
    assert.match((next.meta as { version: string }).version, new RegExp(`W/"${svc.store.seq + 1}"`));
    await again.close();
  });

  it('drops a torn last line (a write cut short by a crash) and appends after it cleanly', async () => {
    const svc = await ScimService.open({ dataFile: file });
    await populate(svc);
    const before = dump(svc);
    await svc.close();
    const size = statSync(file).size;
    appendFileSync(file, '{"t":"U","seq":999,"at":"2026-01-01T00:00:00.000Z","id":"u1","created":"2026-01-01T00:00:00.000Z","data":{"schemas":["urn:');

    const again = await ScimService.open({ dataFile: file });
    assert.deepEqual(dump(again), before);
    assert.equal(statSync(file).size, size);
    const g = (await again.createUser(entraUser('after@example.com', 'After', 'Crash'))).id as string;
    await again.close();
    const third = await ScimService.open({ dataFile: file });
    assert.equal(third.getUser(g).userName, 'after@example.com');
    assert.equal(third.stats().users, 3);
    await third.close();
  });

  it('refuses a file damaged in the middle, naming the line, and a file that is not a data file', async () => {
    const svc = await ScimService.open({ dataFile: file });
    await populate(svc);
    await svc.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = '{"t":"U", this is not json';
    writeFileSync(file, lines.join('\n'));
    await assert.rejects(ScimService.open({ dataFile: file }), (e: unknown) => e instanceof JournalError && /line 3 is damaged/.test(e.message));
    assert.throws(() => statSync(`${file}.lock`), /ENOENT/);

    const foreign = join(dir, 'notes.txt');
    writeFileSync(foreign, 'shopping list\nmilk\n');
    await assert.rejects(ScimService.open({ dataFile: foreign }), (e: unknown) => e instanceof JournalError && /not a SCIM Workbench data file/.test(e.message));
    writeFileSync(foreign, 'no newline at all');
    await assert.rejects(ScimService.open({ dataFile: foreign }), JournalError);
    assert.equal(readFileSync(foreign, 'utf8'), 'no newline at all');
  });

  it('compacts into a snapshot while writes keep coming, losing none', async () => {
    const svc = await ScimService.open({ dataFile: file, compactAfterBytes: 4096 });
    const warnings: Error[] = [];
    svc.on('warning', (e) => warnings.push(e));
    await svc.seed(300, { groups: 5 });
    const ids = [...svc.store.users.keys()];
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 5; round++) {
      for (const id of ids.slice(0, 60)) writes.push(svc.patchUser(id, [{ op: 'Replace', path: 'title', value: `Title ${round}` }]));
      writes.push(svc.compact());
    }
    writes.push(svc.createUser(entraUser('during@example.com', 'During', 'Compaction')));
    await Promise.all(writes);
    const before = dump(svc);
    await svc.close();
    assert.deepEqual(warnings, []);

    const text = readFileSync(file, 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { t: string; seq: number };
    assert.equal(header.t, 'H');
    assert.ok(header.seq > 300, `snapshot at seq ${header.seq}`);
    assert.ok(text.split('\n').filter((l) => l.startsWith('{"t":"SU"')).length >= 300);
    const again = await ScimService.open({ dataFile: file });
    assert.deepEqual(dump(again), before);
    assert.ok([...again.store.groups.keys()].every((g) => again.workspaceAdmins(g).length >= 1), 'the seeded admins survive compaction');
    assert.equal((again.getUser(ids[0] as string).title), 'Title 4');
    await again.close();
  });

  it('compacts users whose answers are cached (their data JSON taken from the answer) exactly like the others', async () => {
    const svc = await ScimService.open({ dataFile: file });
    svc.baseUrl = 'http://127.0.0.1:1/scim/v2';
    const { ada, alan, eng } = await populate(svc);
    await svc.patchGroup(eng, [{ op: 'Add', path: 'members', value: [{ value: ada }] }]);
    await svc.setWorkspaceAdmin(eng, ada, true);
    await svc.deactivateUser(alan);
    const quote = (await svc.createUser({ ...entraUser('quote@example.com', 'Q', 'Uote'), nickName: 'say "hi" \\ ü 😀' })).id as string;
    for (const id of [ada, alan, quote]) svc.read('User', id).json();
    const before = dump(svc);
    await svc.compact();
    await svc.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"t":"SU"'));
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const rec = JSON.parse(line) as { id: string; data: unknown; groups?: string[]; lost?: unknown[] };
      assert.deepEqual(rec.data, svc.store.users.get(rec.id)?.data);
    }
    const again = await ScimService.open({ dataFile: file });
    again.baseUrl = 'http://127.0.0.1:1/scim/v2';
    assert.deepEqual(dump(again), before);
    assert.deepEqual(again.lostWorkspaces(alan), svc.lostWorkspaces(alan));
    await again.close();
  });

  it('locks the data file against a second server, takes over a stale lock, and creates missing folders', async () => {
    const nested = join(dir, 'new', 'folder', 'directory.jsonl');
    const svc = await ScimService.open({ dataFile: nested });
    assert.equal(readFileSync(`${nested}.lock`, 'utf8'), String(process.pid));
    await assert.rejects(ScimService.open({ dataFile: nested }), (e: unknown) => e instanceof JournalError && /in use by another SCIM Workbench server/.test(e.message));
    await svc.close();
    assert.throws(() => statSync(`${nested}.lock`), /ENOENT/);
    writeFileSync(`${nested}.lock`, '2147483646');
    const again = await ScimService.open({ dataFile: nested });
    assert.equal(readFileSync(`${nested}.lock`, 'utf8'), String(process.pid));
    again.dispose();
    assert.throws(() => statSync(`${nested}.lock`), /ENOENT/);
  });

  it('writes what was acknowledged when disposed synchronously', async () => {
    const svc = await ScimService.open({ dataFile: file });
    const id = (await svc.createUser(entraUser('sync@example.com', 'Sync', 'Close'))).id as string;
    svc.dispose();
    await assert.rejects(svc.createUser(entraUser('late@example.com', 'Late', 'Write')), JournalError);
    const again = await ScimService.open({ dataFile: file });
    assert.equal(again.getUser(id).userName, 'sync@example.com');
    await again.close();
  });

  it('keeps resources written with extension attributes and reset records', async () => {
    const svc = await ScimService.open({ dataFile: file });
    await svc.seed(5);
    await svc.reset();
    const u = await svc.createUser({ ...entraUser('ext@example.com', 'Ex', 'Tension'), [URN.EnterpriseUser]: { department: 'Research', manager: { value: 'u1' } } });
    await svc.close();
    const again = await ScimService.open({ dataFile: file });
    assert.equal(again.stats().users, 1);
    assert.deepEqual(again.getUser(u.id as string)[URN.EnterpriseUser], { department: 'Research', manager: { value: 'u1' } });
    await again.close();
  });

  it('refuses a well-formed but wrongly typed record, naming its line, instead of loading it', async () => {
    const svc = await ScimService.open({ dataFile: file });
    await svc.createUser(entraUser('ada@example.com', 'Ada', 'Lovelace'));
    await svc.createGroup(entraGroup('Engineering'));
    await svc.close();
    const good = readFileSync(file, 'utf8').trimEnd().split('\n');
    const edits: [number, (rec: any) => void, RegExp][] = [
      [1, (r) => { r.data.userName = 42; }, /line 2 cannot be applied: its User data is not valid: "userName" must be a string/],
      [1, (r) => { r.data.active = 'yes'; }, /line 2 .*"active" must be a boolean/],
      [1, (r) => { r.data.emails = { value: 'x@example.com' }; }, /line 2 .*"emails" must be an array/],
      [1, (r) => { r.data.id = 'someone-else'; }, /line 2 .*"data\.id" must be the record's id/],
      [1, (r) => { r.seq = '2'; }, /line 2 .*"seq" must be a whole number/],
      [2, (r) => { r.members = [7]; }, /line 3 .*"members" must be an array of id strings/],
      [2, (r) => { r.data = ['Engineering']; }, /line 3 .*"data", a JSON object/],
    ];
    for (const [line, edit, message] of edits) {
      const lines = good.slice();
      const rec = JSON.parse(lines[line] as string);
      edit(rec);
      lines[line] = JSON.stringify(rec);
      writeFileSync(file, `${lines.join('\n')}\n`);
      await assert.rejects(ScimService.open({ dataFile: file }), (e: unknown) => e instanceof JournalError && message.test(e.message), String(message));
    }
  });
});
