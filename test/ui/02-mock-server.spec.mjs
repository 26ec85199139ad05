// The whole loop a user does: start the mock from the palette, provision a user over HTTP as Entra would,
// see it in the Directory, deactivate it from the context menu, and find the requests in the log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default async function (ui, step) {
  const { page } = ui;
  // Written now, so that the workbench has read it long before the deactivation below.
  const settings = join(ui.folder, '.vscode', 'settings.json');
  writeFileSync(settings, readFileSync(settings, 'utf8').replace(/\}\s*$/, ',\n  "scimWorkbench.directory.confirmDeactivate": false\n}\n'));
  let port;
  let token;
  await step('palette: SCIM: Start Mock SCIM Server → status bar shows the port', async () => {
    await ui.command('SCIM: Start Mock SCIM Server');
    const item = ui.statusBarItem('SCIM mock :');
    await item.waitFor({ state: 'visible' });
    port = Number(/:(\d+)/.exec(await item.innerText())[1]);
    if (!(port > 0)) throw new Error('no port in the status bar');
  });
  await step('palette: SCIM: Copy Secret Token → paste it into an editor', async () => {
    await ui.command('SCIM: Copy Secret Token');
    token = await ui.pastedToken();
  });
  await step('a user provisioned over HTTP appears in the Directory', async () => {
    const base = `http://127.0.0.1:${port}/enterprise/v1/scim`;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
    const probe = await fetch(`${base}/Users?filter=userName+eq+%22ada.lovelace%40contoso.com%22`, { headers });
    if (probe.status !== 200) throw new Error(`probe answered ${probe.status}`);
    const res = await fetch(`${base}/Users`, {
      method: 'POST', headers,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        externalId: 'ada', userName: 'ada.lovelace@contoso.com', active: true,
        emails: [{ primary: true, type: 'work', value: 'ada.lovelace@contoso.com' }],
        name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
      }),
    });
    if (res.status !== 201) throw new Error(`POST /Users answered ${res.status}`);
    const group = await fetch(`${base}/Groups`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Analytical Engines' }) });
    const gid = (await group.json()).id;
    const uid = (await res.json()).id;
    await fetch(`${base}/Groups/${gid}`, { method: 'PATCH', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: uid }] }] }) });
    await ui.openContainer();
    const users = ui.view('Directory').locator('.monaco-list-row', { hasText: /^Users/ }).first();
    await users.waitFor({ state: 'visible' });
    await users.locator('.monaco-tl-twistie').click();
    await ui.sidebarRow('Ada Lovelace').waitFor({ state: 'visible' });
    await ui.sidebarRow('ada.lovelace@contoso.com').waitFor({ state: 'visible' });
    // The counts follow: the one user, the one workspace.
    const groups = ui.view('Directory').locator('.monaco-list-row', { hasText: /^Groups/ }).first();
    await ui.until('the Users and Groups rows to count 1 each', async () =>
      /^Users\s*1$/.test((await users.innerText()).trim()) && /^Groups\s*1$/.test((await groups.innerText()).trim()));
  });
  await step('context menu: Deactivate User (confirmation off) → the icon changes and the lost workspace shows', async () => {
    // The smoke-test workbench refuses modal dialogs ("refused to show dialog in tests"): the confirmation and its
    // words are tested in the extension host (test/integration/mock.test.ts); here its setting is off (see above).
    const row = ui.sidebarRow('Ada Lovelace');
    if (!(await row.locator('.codicon-account').count())) throw new Error('an active user shows the account icon');
    await ui.contextMenu(row, 'Deactivate User');
    await ui.sidebarRow('deactivated · ada.lovelace@contoso.com').waitFor({ state: 'visible' });
    await row.locator('.codicon-circle-slash').waitFor({ state: 'visible' });
    await row.click();
    await page.keyboard.press('ArrowRight');
    await ui.sidebarRow('reactivation must be requested').waitFor({ state: 'visible' });
  });
  await step('the Provisioning Log lists the requests, newest first', async () => {
    const log = ui.view('Provisioning Log');
    await log.locator('.monaco-list-row', { hasText: 'PATCH /Groups/' }).first().waitFor({ state: 'visible' });
    await log.locator('.monaco-list-row', { hasText: 'POST /Users' }).first().waitFor({ state: 'visible' });
    await log.locator('.monaco-list-row', { hasText: 'POST /Users' }).first().click();
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'Bearer [redacted]' }).first().waitFor({ state: 'visible' });
  });
  await step('palette: SCIM: How to Connect Microsoft Entra opens the walkthrough', async () => {
    await ui.command('SCIM: How to Connect Microsoft Entra');
    await page.locator('.gettingStartedContainer', { hasText: 'Connect Microsoft Entra' }).first().waitFor({ state: 'visible' });
    await page.locator('.gettingStartedContainer', { hasText: 'Copy the URL and token' }).first().waitFor({ state: 'visible' });
  });
}
