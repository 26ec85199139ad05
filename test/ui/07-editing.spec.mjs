// Editing what goes to the server: a request file's JSON body and a mock user opened as JSON are checked with
// the payload rules as a *.scim.json file is, and the user's document offers "Save to Server". Around them: the
// response's status-bar item lives as long as its editor, New Request File opens a named file, the Directory
// lists users by name, and the stopped Directory offers one Start button and no actions that need a server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default async function (ui, step) {
  const { page } = ui;
  await step('a .http body sent to /Users: the digit in givenName is underlined before anything is sent', async () => {
    writeFileSync(join(ui.folder, 'requests', 'new-hire.http'), [
      '### Create a user as Entra does',
      'POST {{tenantUrl}}/Users',
      'Content-Type: application/scim+json',
      '',
      '{',
      '  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],',
      '  "userName": "alan.turing@contoso.com",',
      '  "emails": [{ "type": "work", "primary": true, "value": "alan.turing@contoso.com" }],',
      '  "name": { "givenName": "Alan2", "familyName": "Turing" }',
      '}',
      '',
    ].join('\n'));
    await ui.quickOpen('new-hire.http');
    await page.locator('.editor-group-container .squiggly-error').first().waitFor({ state: 'visible' });
    const rows = await ui.problems();
    await rows.filter({ hasText: 'Alan2' }).first().waitFor({ state: 'visible' });
  });
  await step('Ctrl+Alt+R in the request (REST Client\'s keys) sends it: MURAL\'s 400 opens beside', async () => {
    await page.locator('.editor-group-container .view-line', { hasText: 'POST {{tenantUrl}}/Users' }).first().click();
    await page.keyboard.press('Control+Alt+R');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Mock MURAL server' }).first().waitFor({ state: 'visible' });
    await ui.pick('Mock MURAL server');
    await page.locator('.editor-group-container .monaco-editor', { hasText: '400' }).last().waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'givenName' }).last().waitFor({ state: 'visible' });
    await ui.statusBarItem('400 Bad Request').waitFor({ state: 'visible' });
  });
  await step('closing the response editor takes its status-bar item away', async () => {
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'givenName' }).last().click();
    await ui.command('View: Close Editor');
    await ui.statusBarItem('400 Bad Request').waitFor({ state: 'hidden' });
  });
  await step('SCIM: New Request File opens scim-requests.http, not an untitled tab', async () => {
    await ui.command('SCIM: New Request File');
    await page.locator('.tabs-container .tab.active', { hasText: 'scim-requests.http' }).waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .view-line', { hasText: '# SCIM request file' }).first().waitFor({ state: 'visible' });
  });
  await ui.command('View: Revert and Close Editor');
  await step('a mock user opened as JSON: the tab named by userName, MURAL\'s rule underlined, Save to Server in the title bar', async () => {
    await ui.command('View: Close All Editors');
    await ui.openContainer();
    await ui.contextMenu(ui.sidebarRow('Ada Lovelace'), 'Open as JSON');
    await page.locator('.tabs-container .tab.active', { hasText: 'ada.lovelace@contoso.com.json' }).waitFor({ state: 'visible' });
    const editor = page.locator('.editor-group-container .monaco-editor').first();
    await editor.locator('.view-line', { hasText: '"familyName"' }).first().waitFor({ state: 'visible' });
    await editor.locator('.view-line', { hasText: '"familyName"' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('2');
    await editor.locator('.squiggly-error').first().waitFor({ state: 'visible' });
    await page.locator('.editor-actions .action-label[aria-label*="Save to Server"]').first().waitFor({ state: 'visible' });
    const rows = await ui.problems();
    await rows.filter({ hasText: 'familyName' }).first().waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .monaco-editor').first().click();
  });
  await ui.command('View: Revert and Close Editor');
  await step('Inject Faults… → Outage bursts: the status bar turns to a warning and names the preset', async () => {
    await ui.command('SCIM: Inject Faults into the Mock Server…');
    await ui.pick('Outage bursts (503)');
    const item = page.locator('.part.statusbar .statusbar-item.warning-kind', { hasText: 'SCIM mock :' }).first();
    await item.waitFor({ state: 'visible' });
    await ui.notification('Saved in this workspace\'s .vscode/settings.json');
    await page.keyboard.press('Escape');
    await item.hover();
    await page.locator('.monaco-hover', { hasText: 'Faults on: Outage bursts (503)' }).first().waitFor({ state: 'visible' });
  });
  await ui.command('SCIM: Inject Faults into the Mock Server…');
  await ui.pick('No faults');
  await step('Seed Sample Users… (25): the Directory lists users by name, then userName', async () => {
    await ui.command('Notifications: Clear All Notifications');
    await ui.command('SCIM: Seed Sample Users…');
    await ui.answer('25');
    await ui.openContainer();
    const directory = ui.view('Directory');
    // The users the view shows (it renders the rows in sight): at level 3, below Users.
    const names = await ui.until('the users in sight', async () => {
      const rows = await directory.locator('.monaco-list-row[aria-level="3"] .label-name').allInnerTexts();
      return rows.length >= 5 ? rows : undefined;
    });
    const sorted = [...names].sort(new Intl.Collator('en', { sensitivity: 'base', numeric: true }).compare);
    if (names.join('|') !== sorted.join('|')) throw new Error(`users not in name order: ${names.join(', ')}`);
  });
  await step('Stop: the stopped Directory has one Start button and no Filter or Refresh', async () => {
    await ui.command('SCIM: Stop Mock SCIM Server');
    const sidebar = page.locator('.part.sidebar');
    await sidebar.locator('.welcome-view-content .monaco-button', { hasText: 'Start Mock SCIM Server' }).first().waitFor({ state: 'visible' });
    await ui.until('one Start button in the sidebar', async () =>
      (await sidebar.locator('.welcome-view-content .monaco-button', { hasText: 'Start Mock SCIM Server' }).count()) === 1);
    // The title bar follows a context key, which reaches the workbench a moment after the welcome does.
    const title = ui.view('Directory').locator('.pane-header .actions');
    await ui.until('no Filter or Refresh in the stopped Directory\'s title bar', async () =>
      (await title.locator('.action-label[aria-label*="Filter"], .action-label[aria-label*="Refresh"]').count()) === 0);
  });
  await ui.command('SCIM: Start Mock SCIM Server');
}
