// UI end-to-end tests in the real VS Code web workbench: every test/ui/*.spec.mjs runs in one workbench
// page, step by step; each step ends with a screenshot in test-results/screenshots/ (git-ignored) so a
// person can look at what a user would see.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, workbenchUrl } from './browser.mjs';

export async function runUiTests({ server, root, folder, shots, grep, log = console.log }) {
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const specs = readdirSync(join(root, 'test', 'ui')).filter((f) => f.endsWith('.spec.mjs')).sort();
  const browser = await launchBrowser();
  let passed = 0, failed = 0, shot = 0;
  const failures = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    await page.goto(await workbenchUrl(server, { folder, extensionPath: root }));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    // The extension's contributions (its container, its commands) are known once its icon shows.
    await page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    const ui = createUi(page, { server, folder });
    for (const file of specs) {
      const spec = await import(pathToFileURL(join(root, 'test', 'ui', file)).href);
      if (grep && !file.includes(grep)) continue;
      log(`[ui] ${file}`);
      let skipRest = false;
      const step = async (name, fn) => {
        const png = join(shots, `${String(++shot).padStart(2, '0')}-${file.replace('.spec.mjs', '')}-${name.replace(/\W+/g, '-').toLowerCase()}.png`);
        if (skipRest) { log(`  - ${name} (skipped after an earlier failure)`); return; }
        const t0 = Date.now();
        try {
          await fn();
          await page.screenshot({ path: png });
          passed++;
          log(`  ✔ ${name} (${Date.now() - t0} ms)`);
        } catch (e) {
          failed++;
          skipRest = true;
          failures.push(`${file}: ${name}: ${String(e?.message ?? e).split('\n')[0]}`);
          await page.screenshot({ path: png.replace(/\.png$/, '-FAILED.png') }).catch(() => {});
          log(`  ✘ ${name}: ${String(e?.message ?? e).split('\n').slice(0, 4).join('\n      ')}`);
        }
      };
      await spec.default(ui, step);
      await ui.reset();
    }
  } finally {
    await browser.close();
  }
  log(`[ui] ${passed} passing, ${failed} failing; screenshots in ${shots}`);
  return { code: failed === 0 && passed > 0 ? 0 : 1, passed, failed, failures };
}

/** What the specs (and scripts/hero.mjs) use to drive the workbench like a user. */
export function createUi(page, { server, folder }) {
  const quickInput = page.locator('.quick-input-widget');
  const ui = {
    page,
    folder,
    server,
    /** Runs a palette command by its title (category included, e.g. "SCIM: Start Mock SCIM Server"). */
    async command(title) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = quickInput.locator('input');
      await input.waitFor({ state: 'visible' });
      await input.fill('>' + title);
      const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      const row = quickInput.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
      await row.waitFor({ state: 'visible' });
      await row.click();
      // The palette and the command's own prompt are the same widget: wait until it no longer shows the palette,
      // or an answer typed next would land in the palette.
      await ui.until(`the palette to close after ${title}`, async () => !(await quickInput.isVisible()) || !(await input.inputValue()).startsWith('>'));
    },
    /**
     * Opens a workspace file with Quick Open (Ctrl+P) as a user does. Tries again until the file is listed: the
     * workbench's file search finds a file written behind its back only once its watcher has seen it, and a
     * key press that lands while focus is moving (an editor or webview just closed) opens nothing.
     */
    async quickOpen(name) {
      await ui.until(`${name} in Quick Open`, async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+P');
        const input = quickInput.locator('input');
        await input.waitFor({ state: 'visible', timeout: 2000 });
        await input.fill(name);
        const row = quickInput.locator('.monaco-list-row', { hasText: name }).first();
        await row.waitFor({ state: 'visible', timeout: 3000 });
        await row.click();
        return true;
      }, 40_000);
    },
    /** Pastes the clipboard into a scratch editor and returns it (a copied token: at least 32 characters). */
    async pastedToken() {
      await ui.command('File: New Untitled Text File');
      const editor = page.locator('.editor-group-container .monaco-editor').first();
      await editor.waitFor({ state: 'visible' });
      await editor.click();
      await page.keyboard.press('Control+V');
      const token = await ui.until('the pasted token', async () => {
        const text = (await editor.locator('.view-lines').innerText()).trim();
        return text.length >= 32 ? text : undefined;
      });
      await ui.command('View: Revert and Close Editor');
      return token;
    },
    /** Polls fn until it returns a truthy value (or throws after 20 s). */
    async until(what, fn, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await fn().catch(() => undefined);
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await page.waitForTimeout(100);
      }
    },
    /**
     * Answers an open quick pick or input box: types text (optional) and presses Enter. With `title`, waits for
     * the prompt of that title first: after Enter a multi-step flow keeps the widget open while the next prompt
     * comes, and text typed meanwhile goes to the old one and is replaced by the new prompt's default value.
     */
    async answer(text, title) {
      if (title !== undefined) await quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
      const input = quickInput.locator('input');
      await input.waitFor({ state: 'visible' });
      if (text !== undefined) {
        await input.fill(text);
        await ui.until(`"${text}" in the input`, async () => (await input.inputValue()) === text);
      }
      await page.keyboard.press('Enter');
    },
    /** Picks the quick-pick row containing text. */
    async pick(text) {
      await quickInput.locator('.monaco-list-row', { hasText: text }).first().click();
    },
    async openContainer() {
      const button = page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first();
      await button.waitFor({ state: 'visible' });
      if (!(await page.locator('.part.sidebar .composite.title', { hasText: /SCIM Workbench/i }).isVisible())) await button.click();
      await page.locator('.part.sidebar .composite.title', { hasText: /SCIM Workbench/i }).waitFor({ state: 'visible' });
    },
    sidebarRow(text) {
      return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
    },
    view(title) {
      return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
    },
    async contextMenu(row, item) {
      await row.click({ button: 'right' });
      const entry = page.locator('.context-view .action-item', { hasText: item }).first();
      await entry.waitFor({ state: 'visible' });
      // The menu ignores a mouse-up that comes right after it opened.
      await page.waitForTimeout(300);
      await entry.hover();
      await page.mouse.down();
      await page.mouse.up();
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
    },
    statusBarItem(text) {
      return page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
    },
    async notification(text) {
      await ui.command('Notifications: Show Notifications');
      await page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor({ state: 'visible' });
    },
    async problems() {
      await ui.command('Problems: Focus on Problems View');
      return page.locator('.markers-panel .monaco-list-row');
    },
    /** Closes editors, panels and notifications between specs. */
    async reset() {
      await page.keyboard.press('Escape');
      await ui.command('View: Close All Editors').catch(() => {});
      await ui.command('Notifications: Clear All Notifications').catch(() => {});
    },
  };
  return ui;
}
