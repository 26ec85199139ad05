#!/usr/bin/env node
// Regenerates docs/images/workbench.png, README.md's hero image, from the real extension in VS Code 1.100.3
// (the harness of `npm test`): a workspace named like a user's, the mock server started from the palette,
// 25 sample users seeded, Entra's requests — one of them refused by MURAL's name rule (400) — in the
// Provisioning Log, and the same mistake underlined in a payload file with its diagnostic in Problems.
//   node scripts/hero.mjs            (builds the extension first)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, workbenchUrl } from './harness/browser.mjs';
import { ensureServer, startServer } from './harness/server.mjs';
import { ensureSystemPackages } from './harness/system.mjs';
import { createUi } from './harness/ui.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'images', 'workbench.png');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const NEW_HIRE = {
  schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: 'grace.hopper',
  userName: 'grace.hopper@contoso.com',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'grace.hopper@contoso.com' }],
  name: { formatted: 'Grace Hopper', givenName: 'Grace2', familyName: 'Hopper' },
};

function workspace() {
  const parent = mkdtempSync(join(tmpdir(), 'scim-workbench-hero-'));
  const ws = join(parent, 'contoso-provisioning');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  mkdirSync(join(ws, 'payloads'));
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'scimWorkbench.mock.port': 0 }, null, 2));
  writeFileSync(join(ws, 'payloads', 'grace-hopper.scim.json'), `${JSON.stringify(NEW_HIRE, null, 2)}\n`);
  return { parent, ws };
}

if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
ensureSystemPackages();
const server = await startServer({ vscodeDir: ensureServer() });
const { parent, ws } = workspace();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.setDefaultTimeout(30_000);
  await page.goto(await workbenchUrl(server, { folder: ws, extensionPath: root }));
  await page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
  const ui = createUi(page, { server, folder: ws });

  await ui.command('SCIM: Start Mock SCIM Server');
  const port = Number(/:(\d+)/.exec(await ui.statusBarItem('SCIM mock :').innerText())[1]);
  await ui.command('SCIM: Copy Secret Token');
  const token = await ui.pastedToken();
  await ui.command('Notifications: Clear All Notifications');

  await ui.openContainer();
  await ui.command('SCIM: Seed Sample Users…');
  await page.locator('.quick-input-widget', { hasText: 'How many' }).waitFor({ state: 'visible' });
  await ui.answer('25');
  await ui.view('Directory').locator('.monaco-list-row', { hasText: /^Users\s*25/ }).first().waitFor({ state: 'visible' });
  await ui.command('Notifications: Clear All Notifications');

  // What Entra sends for a new hire: the probe, then the create that MURAL refuses for the digit in the name.
  const base = `http://127.0.0.1:${port}/enterprise/v1/scim`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
  await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "grace.hopper@contoso.com"')}`, { headers });
  const refused = await fetch(`${base}/Users`, { method: 'POST', headers, body: JSON.stringify(NEW_HIRE) });
  if (refused.status !== 400) throw new Error(`the mock answered ${refused.status} to a name with a digit`);
  await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "katherine.johnson@contoso.com"')}`, { headers });
  const created = await fetch(`${base}/Users`, { method: 'POST', headers, body: JSON.stringify({ ...NEW_HIRE, externalId: 'kj', userName: 'katherine.johnson@contoso.com', emails: [{ primary: true, type: 'work', value: 'katherine.johnson@contoso.com' }], name: { givenName: 'Katherine', familyName: 'Johnson' } }) });
  if (created.status !== 201) throw new Error(`POST /Users answered ${created.status}`);

  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('grace-hopper.scim.json');
  await ui.pick('grace-hopper.scim.json');
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible' });
  const users = ui.view('Directory').locator('.monaco-list-row', { hasText: /^Users/ }).first();
  await users.waitFor({ state: 'visible' });
  if ((await users.getAttribute('aria-expanded')) !== 'true') await users.locator('.monaco-tl-twistie').click();
  await ui.view('Provisioning Log').locator('.monaco-list-row', { hasText: '400' }).first().waitFor({ state: 'visible' });
  await ui.command('Problems: Focus on Problems View');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'Grace2' }).first().waitFor({ state: 'visible' });
  // The cursor on the refused name, its hover open: MURAL's rule and the light bulb.
  await page.locator('.editor-group-container .view-line', { hasText: 'givenName' }).first().click();
  const squiggle = await page.locator('.editor-group-container .squiggly-error').first().boundingBox();
  await page.mouse.move(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
  await page.locator('.monaco-hover', { hasText: 'SCIM022' }).first().waitFor({ state: 'visible' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} catch (e) {
  const shot = join(tmpdir(), 'scim-workbench-hero-FAILED.png');
  await browser.contexts()[0]?.pages()[0]?.screenshot({ path: shot }).catch(() => {});
  console.error(`hero screenshot failed (${shot}): ${e?.message ?? e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  server.stop();
  rmSync(server.state, { recursive: true, force: true });
  rmSync(parent, { recursive: true, force: true });
}
