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
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill('>View: Show Extensions');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'View: Show Extensions' }).first().click();
    const item = page.locator('.extension-list-item', { hasText: 'SCIM Workbench' }).first();
    await item.waitFor({ state: 'visible' });
    const icon = item.locator('img.icon');
    await icon.waitFor({ state: 'visible' });
    if (!/icon\.png/.test(await icon.getAttribute('src') ?? '')) throw new Error('the Extensions view shows no icon for the extension');
    await item.click();
    await page.locator('.extension-editor .header img.icon[src*="icon.png"]').first().waitFor({ state: 'visible' });
    // The Details tab is README.md in a webview: the user guide comes first.
    const details = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await details.locator('h2', { hasText: 'Get started' }).first().waitFor({ state: 'visible' });
    // The hero picture loaded (a broken image shows its alt text, 0 pixels wide).
    const hero = details.locator('img[alt^="SCIM Workbench in VS Code"]').first();
    await hero.waitFor({ state: 'visible' });
    const width = await hero.evaluate((img) => img.complete ? img.naturalWidth : 0);
    if (!(width > 0)) throw new Error('the extension page shows README\'s picture broken');
    await page.screenshot({ path: join(shots, 'vsix-installed-extension-page.png') });
    log('  ✔ the Extensions view and the extension\'s page show its icon, README\'s picture and its user guide');
    return 0;
  } catch (e) {
    log(`  ✘ ${String(e?.message ?? e).split('\n')[0]}`);
    await page?.screenshot({ path: join(shots, 'vsix-FAILED.png') }).catch(() => {});
    return 1;
  } finally {
    await browser.close();
  }
}
