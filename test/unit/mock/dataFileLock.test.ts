// The data-file lock follows the file, not the spelling of its path: a symlink reaches the same lock, a file
// with hard links is refused, a stale lock is taken over by one server only, and compaction keeps a symlinked
// data file a link to the file that gets the writes.
import * as assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalError } from '../../../src/mock/journal';
import { ScimService } from '../../../src/mock/service';
import { entraUser } from './helpers';

const inUse = (e: unknown) => e instanceof JournalError && /in use by another SCIM Workbench server/.test(e.message);

describe('data-file lock', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'scim-lock-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('is the same through a symlink, and compaction keeps the link pointing at the file that gets the writes', async () => {
    const real = join(dir, 'real.jsonl');
    const link = join(dir, 'link.jsonl');
    symlinkSync(real, link);
    const svc = await ScimService.open({ dataFile: link });
    await assert.rejects(ScimService.open({ dataFile: real }), inUse);
    await svc.createUser(entraUser('ada@example.com', 'Ada', 'Lovelace'));
    await svc.compact();
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link became a regular file');
    await svc.createUser(entraUser('alan@example.com', 'Alan', 'Turing'));
    await svc.close();
    assert.match(readFileSync(real, 'utf8'), /alan@example\.com/);
    const again = await ScimService.open({ dataFile: real });
    assert.equal(again.stats().users, 2);
    await again.close();
  });

  it('refuses a data file with hard links, naming the reason', async () => {
    const file = join(dir, 'd.jsonl');
    await (await ScimService.open({ dataFile: file })).close();
    linkSync(file, join(dir, 'other-name.jsonl'));
    await assert.rejects(ScimService.open({ dataFile: file }), (e: unknown) => e instanceof JournalError && /hard links/.test(e.message));
  });

  it('lets exactly one of six servers started together take over a stale lock', async () => {
    const file = join(dir, 'd.jsonl');
    writeFileSync(`${file}.lock`, '2147483646');
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ScimService.open({ dataFile: file })));
    const opened = results.filter((r): r is PromiseFulfilledResult<ScimService> => r.status === 'fulfilled');
    assert.equal(opened.length, 1, results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'opened')).join('\n'));
    for (const r of results) if (r.status === 'rejected') assert.ok(inUse(r.reason), String(r.reason));
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
    await opened[0]?.value.close();
  });
});
