// Reload Window keeps the Entra provisioning job: the first run (before reload.test.ts reloads the window) runs an
// initial cycle against the mock and notes what the job holds; the reloaded workbench runs this again and finds the
// same job id, cycle count, next cycle and log in the workspace storage.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sampleDirectory } from '../../../src/entra/directory/sample';
import type { CycleResult } from '../../../src/entra/engine/cycle';
import { api } from '../helpers';

interface BeforeReload { jobId: string; cycles: number; clock: string; entries: number; directoryFile: string }

describe('Reload Window: the Entra provisioning job', function () {
  this.timeout(120_000);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const note = folder ? path.join(folder, 'provisioning-before-reload.json') : '';

  it('keeps the state, the job\'s files and the log in the workspace storage', async () => {
    assert.ok(folder, 'the suite runs with a workspace folder');
    const a = await api();
    const { job } = a.provisioning;
    if (!fs.existsSync(note)) {
      const started = await a.mock.start();
      assert.ok(started.ok);
      const file = path.join(folder, 'reload.entra-directory.json');
      fs.writeFileSync(file, JSON.stringify(sampleDirectory({ users: 8, groups: 2 })));
      await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseDirectory', vscode.Uri.file(file));
      await vscode.commands.executeCommand('scimWorkbench.provisioning.chooseTarget', 'mock');
      const result = await vscode.commands.executeCommand<CycleResult>('scimWorkbench.provisioning.start');
      assert.equal(result.cycle.kind, 'initial');
      const state = job.state;
      assert.ok(state);
      fs.writeFileSync(note, JSON.stringify({ jobId: state.jobId, cycles: state.cycles, clock: state.clock, entries: result.entries.length, directoryFile: file } satisfies BeforeReload));
      // reload.test.ts reloads the window; its mock server is its own.
      await a.mock.stop();
      return;
    }
    const before = JSON.parse(fs.readFileSync(note, 'utf8')) as BeforeReload;
    await job.load();
    assert.equal(job.settings.directoryFile, before.directoryFile);
    assert.equal(job.settings.targetId, 'mock');
    assert.equal(job.state?.jobId, before.jobId);
    assert.equal(job.state?.cycles, before.cycles);
    assert.equal(job.state?.clock, before.clock);
    assert.deepEqual(job.status(), { kind: 'idle', nextCycle: before.clock });
    const logged = job.cycles();
    assert.equal(logged.length, 1);
    assert.equal(logged[0].entries.length, before.entries);
    assert.equal(logged[0].total, before.entries);
    assert.equal(logged[0].summary?.kind, 'initial');
    assert.equal(logged[0].number, 1);
  });
});
