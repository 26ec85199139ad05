// Runs the SAME extension-host suite (test/integration) in desktop VS Code downloaded by
// @vscode/test-electron — for machines with internet access. `npm run test:electron`.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-workbench-ws-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { SCIM_WORKBENCH_TEST_RESULT: path.join(root, 'test-results', 'electron-result.json') },
  });
}

main().catch((err) => {
  process.stderr.write(`Extension tests failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
