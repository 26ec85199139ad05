// The packaged extension as a user installs it: `npm run package` builds the .vsix, the VS Code server
// installs it into a fresh extensions folder, and the workbench (without any development payload)
// activates it — proven by starting the mock server from the palette and reading the status bar.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

export function packageVsix(root) {
  const out = join(root, 'scim-workbench.vsix');
  rmSync(out, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

export async function checkInstalledVsix({ server, vsix, folder, shots, log = console.log }) {
  server.installExtension(vsix);
  mkdirSync(shots, { recursive: true });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(`${server.base}?folder=${encodeURIComponent(folder)}`);
    await page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    log('  ✔ the installed extension contributes its activity-bar container');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>SCIM: Start Mock SCIM Server');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Start Mock SCIM Server' }).first().click();
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'SCIM mock :' }).first().waitFor({ state: 'visible' });
    await page.screenshot({ path: join(shots, 'vsix-installed-mock-running.png') });
    log('  ✔ it activates from the palette and starts the mock server');
    return 0;
  } catch (e) {
    log(`  ✘ ${String(e?.message ?? e).split('\n')[0]}`);
    return 1;
  } finally {
    await browser.close();
  }
}
