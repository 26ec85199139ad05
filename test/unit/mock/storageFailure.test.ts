// A write whose data-file append fails (disk full) is not applied: the client gets 507 with a SCIM error that
// says storage failed, the operator a warning, and the server saves again once the disk has room.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScimService, type ChangeEvent } from '../../../src/mock/service';
import { URN } from '../../../src/scim/schemas';
import { entraUser, filterQuery, startServer, type Harness } from './helpers';

// The real module object (not a bundler's copy), so that replacing writeSync reaches the journal's calls.
const fsModule = require('node:fs') as typeof import('node:fs') & { writeSync: (...a: unknown[]) => number };
const BASE = '/enterprise/v1/scim';

/** Makes writes to files (fd > 2) fail with ENOSPC until restored; `partial` writes a few bytes first, as a full disk can. */
function diskFull(partial: boolean): () => void {
  const real = fsModule.writeSync;
  fsModule.writeSync = (...args: unknown[]) => {
    if ((args[0] as number) <= 2) return real(...(args as Parameters<typeof real>));
    if (partial && typeof args[1] === 'string') real(args[0] as number, (args[1] as string).slice(0, 7));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  return () => { fsModule.writeSync = real; };
}

describe('a failed write to the data file', () => {
  let dir: string;
  let h: Harness | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'scim-full-')); });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const partial of [false, true]) {
    it(`is not applied, answers 507, warns, and the server recovers when space returns${partial ? ' (torn write cut off)' : ''}`, async () => {
      const file = join(dir, 'd.jsonl');
      h = await startServer({ dataFile: file });
      const warnings: Error[] = [];
      const events: ChangeEvent[] = [];
      h.service.on('warning', (e) => warnings.push(e));
      h.service.on('change', (e) => events.push(e));
      assert.equal((await h.call('POST', `${BASE}/Users`, entraUser('ada@example.com', 'Ada', 'Lovelace'))).status, 201);

      const restore = diskFull(partial);
      let failed;
      try {
        failed = await h.call('POST', `${BASE}/Users`, entraUser('grace@example.com', 'Grace', 'Hopper'));
      } finally {
        restore();
      }
      assert.equal(failed.status, 507, failed.text);
      assert.deepEqual(failed.json.schemas, [URN.Error]);
      assert.equal(failed.json.status, '507');
      assert.match(failed.json.detail, /Storage failed.*ENOSPC.*not saved nor applied/);
      assert.match(warnings[0]?.message ?? '', /Storage failed/);
      assert.ok(events.some((e) => e.type === 'reloaded'));
      assert.equal((await h.call('GET', `${BASE}/Users?${filterQuery('userName eq "grace@example.com"')}`)).json.totalResults, 0);
      assert.equal(h.service.stats().users, 1);

      // Space is back: the same request succeeds (no 409 for a user that was never saved).
      const again = await h.call('POST', `${BASE}/Users`, entraUser('grace@example.com', 'Grace', 'Hopper'));
      assert.equal(again.status, 201, again.text);
      await h.close();
      h = undefined;
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      for (const line of lines) JSON.parse(line);
      const svc = await ScimService.open({ dataFile: file });
      assert.deepEqual(svc.listUsers().resources.map((u) => u.userName).sort(), ['ada@example.com', 'grace@example.com']);
      await svc.close();
    });
  }
});
