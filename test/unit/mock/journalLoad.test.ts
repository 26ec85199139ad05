// Loading a big data file gives the event loop turns while its lines are applied (in the extension host, a
// synchronous load of 100k users held VS Code's messages for seconds), and still loads every line.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../../src/mock/journal';
import { ScimService } from '../../../src/mock/service';

describe('journal load', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'scim-journal-load-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it('applies the lines in slices, letting the event loop run between them, and applies all of them', async () => {
    const file = join(dir, 'directory.jsonl');
    const seeded = await ScimService.open({ dataFile: file });
    await seeded.seed(3000, { groups: 10 });
    const expected = seeded.stats();
    await seeded.close();

    let applied = 0;
    const seenBetween: number[] = [];
    let ticking = true;
    const tick = () => { seenBetween.push(applied); if (ticking) setImmediate(tick); };
    setImmediate(tick);
    const { journal } = await Journal.open(file, {
      onRecord: () => { applied++; },
      snapshot: () => ({ seq: 0, chunks: [] }),
      loadSliceMs: 0,
    });
    ticking = false;
    await journal.close();
    assert.ok(applied >= 3000, `${applied} lines applied`);
    const partial = seenBetween.filter((n) => n > 0 && n < applied);
    assert.ok(partial.length >= 5, `the event loop ran ${partial.length} times while lines were being applied`);

    const reloaded = await ScimService.open({ dataFile: file });
    assert.deepEqual(reloaded.stats(), expected);
    await reloaded.close();
  });
});
