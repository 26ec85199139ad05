// Mocha runner for the extension host. Both runners load it: the offline one (VS Code server + Chromium,
// scripts/harness) through the workbench's extensionTestsPath, and @vscode/test-electron (test/runElectron.ts).
// It writes a JSON result file (SCIM_WORKBENCH_TEST_RESULT) because the workbench relays console output
// with raw format placeholders, and resolves/rejects so VS Code reports exit code 0/1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Result {
  started: string;
  finished?: string;
  vscode: string;
  passes: { title: string; ms: number }[];
  failures: { title: string; error: string }[];
  pending: string[];
}

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof import('vscode');
  const resultFile = process.env.SCIM_WORKBENCH_TEST_RESULT;
  const grep = process.env.SCIM_WORKBENCH_TEST_GREP;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { restoreAll } = require('./helpers') as typeof import('./helpers');
  // Every stub and dialog answer ends with its test, whatever the suite's own hooks do.
  const rootHooks = { afterEach: restoreAll };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, rootHooks, ...(grep ? { grep } : {}) });
  // SCIM_WORKBENCH_TEST_SUITE=untrusted runs the suite of untrusted/ instead (its own workspace, trust on);
  // =reload the suite of reload/ (it reloads the window and runs again).
  const suite = process.env.SCIM_WORKBENCH_TEST_SUITE;
  const dir = suite === 'untrusted' || suite === 'reload' ? path.join(__dirname, suite) : __dirname;
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  }
  const result: Result = { started: new Date().toISOString(), vscode: vscode.version, passes: [], failures: [], pending: [] };
  const write = () => {
    if (!resultFile) return;
    fs.mkdirSync(path.dirname(resultFile), { recursive: true });
    fs.writeFileSync(resultFile, JSON.stringify(result, null, 2));
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        result.finished = new Date().toISOString();
        write();
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed.`));
        else resolve();
      });
      runner.on('pass', (t) => result.passes.push({ title: t.fullTitle(), ms: t.duration ?? 0 }));
      runner.on('fail', (t, err: Error) => result.failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
      runner.on('pending', (t) => result.pending.push(t.fullTitle()));
    } catch (err) {
      result.failures.push({ title: 'loading the test files', error: String((err as Error)?.stack ?? err) });
      write();
      reject(err);
    }
  });
}
