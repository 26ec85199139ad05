// Editing what goes to the server: a request file's JSON body and a mock user opened as JSON are checked with
// the payload rules as a *.scim.json file is, and the user's document offers "Save to Server".
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
  });
  await step('a mock user opened as JSON: MURAL\'s rule underlined, Save to Server in the title bar', async () => {
    await ui.command('View: Close All Editors');
    await ui.openContainer();
    await ui.contextMenu(ui.sidebarRow('Ada Lovelace'), 'Open as JSON');
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
}
