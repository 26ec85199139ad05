// A user moves from the mock to "a real endpoint": adds a connection (here the mock's URL over HTTP, with its
// token pasted into a password box), tests it from the Connections view, opens a request file, clicks its
// "Send Request" CodeLens and reads the 201 in the response editor beside it.
export default async function (ui, step) {
  const { page } = ui;
  let url;
  await step('the Connections view lists the running mock server with its URL', async () => {
    await page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await ui.command('SCIM: Start Mock SCIM Server');
    const item = ui.statusBarItem('SCIM mock :');
    await item.waitFor({ state: 'visible' });
    const port = Number(/:(\d+)/.exec(await item.innerText())[1]);
    url = `http://127.0.0.1:${port}/enterprise/v1/scim`;
    await ui.command('Notifications: Clear All Notifications');
    await ui.openContainer();
    const connections = ui.view('Connections');
    await connections.locator('.monaco-list-row', { hasText: 'Mock MURAL server' }).waitFor({ state: 'visible' });
    await connections.locator('.monaco-list-row', { hasText: `running · ${url}` }).waitFor({ state: 'visible' });
  });
  await step('palette: SCIM: Add Connection… → tenant URL, name, scheme, token pasted into a password box', async () => {
    await ui.command('SCIM: Copy Secret Token');
    await ui.command('SCIM: Add Connection…');
    await ui.answer(url, 'Add Connection (1/4)');
    await ui.answer('Mock over HTTP', 'Add Connection (2/4)');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Bearer' }).first().waitFor({ state: 'visible' });
    await ui.answer(undefined, 'Add Connection (3/4)');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible' });
    await input.focus();
    await page.keyboard.press('Control+V');
    await ui.until('the pasted token', async () => (await input.inputValue()).length >= 32);
  });
  await step('Enter stores the connection: it appears under the mock server', async () => {
    await page.keyboard.press('Enter');
    await ui.view('Connections').locator('.monaco-list-row', { hasText: 'Mock over HTTP' }).waitFor({ state: 'visible' });
  });
  await step('inline Test Connection on the new connection → passed', async () => {
    const row = ui.view('Connections').locator('.monaco-list-row', { hasText: 'Mock over HTTP' }).first();
    // Selected, the row keeps its inline actions shown even if a tooltip or a refresh takes the hover away.
    await row.click();
    await row.hover();
    await row.locator('.action-label[aria-label="Test Connection"]').click();
    await ui.view('Connections').locator('.monaco-list-row', { hasText: 'Mock over HTTP' }).filter({ hasText: 'passed' }).waitFor({ state: 'visible' });
    await row.locator('.codicon-pass').waitFor({ state: 'visible' });
    await ui.notification('Test Connection passed for "Mock over HTTP"');
  });
  await step('Quick Open: provisioning.http shows a Send Request CodeLens above each request', async () => {
    await ui.quickOpen('provisioning.http');
    const lenses = page.locator('.editor-group-container .codelens-decoration a', { hasText: 'Send Request' });
    await lenses.first().waitFor({ state: 'visible' });
    await ui.until('three Send Request lenses', async () => (await lenses.count()) === 3);
    await page.locator('.editor-group-container .codelens-decoration a', { hasText: 'Choose connection' }).first().waitFor({ state: 'visible' });
  });
  await step('click Send Request → choose the connection → the response beside shows 201 Created', async () => {
    await page.locator('.editor-group-container .codelens-decoration a', { hasText: 'Send Request' }).first().click();
    await ui.pick('Mock over HTTP');
    const response = page.locator('.editor-group-container .monaco-editor', { hasText: '201 Created' }).first();
    await response.waitFor({ state: 'visible' });
    await ui.until('two editor groups', async () => (await page.locator('.editor-group-container').count()) === 2);
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'dorothy.vaughan@contoso.com' }).last().waitFor({ state: 'visible' });
    await ui.statusBarItem('201 Created').waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .codelens-decoration a', { hasText: 'Mock over HTTP' }).first().waitFor({ state: 'visible' });
  });
  await step('Send Request again → 409: the SCIM error is summarised on top of the response', async () => {
    await page.locator('.editor-group-container .codelens-decoration a', { hasText: 'Send Request' }).first().click();
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'SCIM error: 409 Conflict' }).first().waitFor({ state: 'visible' });
    await ui.statusBarItem('409 Conflict').waitFor({ state: 'visible' });
  });
  await step('the History in the Connections view lists both requests, newest first', async () => {
    const connections = ui.view('Connections');
    await connections.locator('.monaco-list-row', { hasText: 'History' }).click();
    await connections.locator('.monaco-list-row', { hasText: '409 POST /Users' }).waitFor({ state: 'visible' });
    await connections.locator('.monaco-list-row', { hasText: '201 POST /Users' }).waitFor({ state: 'visible' });
  });
  await step('context menu: Show Test Connection Report → rendered, every probe, token shown as ***', async () => {
    const row = ui.view('Connections').locator('.monaco-list-row', { hasText: 'Mock over HTTP' }).first();
    await ui.contextMenu(row, 'Show Test Connection Report');
    await page.locator('.tabs-container .tab', { hasText: 'Preview Test Connection – Mock over HTTP.md' }).first().waitFor({ state: 'visible' });
    const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await preview.locator('h1', { hasText: 'Test Connection: Mock over HTTP' }).waitFor({ state: 'visible' });
    await preview.getByText('Authorization: Bearer ***').first().waitFor({ state: 'visible' });
  });
  await step('context menu: Browse in Directory → the endpoint is listed read-only, its users read over HTTP', async () => {
    const row = ui.view('Connections').locator('.monaco-list-row', { hasText: 'Mock over HTTP' }).first();
    await ui.contextMenu(row, 'Browse in Directory');
    const directory = ui.view('Directory');
    await directory.locator('.monaco-list-row', { hasText: 'read-only' }).waitFor({ state: 'visible' });
    const users = directory.locator('.monaco-list-row', { hasText: 'Users' }).last();
    await users.click();
    await directory.locator('.monaco-list-row', { hasText: 'Dorothy Vaughan' }).last().waitFor({ state: 'visible' });
    await ui.view('Provisioning Log').locator('.monaco-list-row', { hasText: 'GET /Users?startIndex=1' }).first().waitFor({ state: 'visible' });
  });
  await step('context menu on the endpoint: Stop Browsing → the Directory lists the mock alone again', async () => {
    const directory = ui.view('Directory');
    await ui.contextMenu(directory.locator('.monaco-list-row', { hasText: 'read-only' }).first(), 'Stop Browsing');
    await directory.locator('.monaco-list-row', { hasText: 'read-only' }).waitFor({ state: 'detached' });
    await directory.locator('.monaco-list-row', { hasText: 'Mock MURAL server' }).first().waitFor({ state: 'visible' });
  });
}
