// Runs the SAME extension-host suites (test/integration, then test/integration/untrusted) in desktop VS Code
// downloaded by @vscode/test-electron — for machines with internet access. `npm run test:electron`.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { runTests } from '@vscode/test-electron';

function freshWorkspace(root: string, fixture: string): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-workbench-ws-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', fixture), workspace, { recursive: true });
  return workspace;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const common = {
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
  };
  await runTests({
    ...common,
    launchArgs: [freshWorkspace(root, 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { SCIM_WORKBENCH_TEST_RESULT: path.join(root, 'test-results', 'electron-result.json') },
  });
  // The untrusted-workspace suite: workspace trust on, so its folder opens in restricted mode.
  await runTests({
    ...common,
    launchArgs: [freshWorkspace(root, 'untrusted-workspace'), '--disable-extensions'],
    extensionTestsEnv: {
      SCIM_WORKBENCH_TEST_RESULT: path.join(root, 'test-results', 'electron-result-untrusted.json'),
      SCIM_WORKBENCH_TEST_SUITE: 'untrusted',
    },
  });
}

main().catch((err) => {
  process.stderr.write(`Extension tests failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
