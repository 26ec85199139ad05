// A user replays Entra's provisioning cycle against the mock: the palette command, the two quick picks, the
// progress notification, the Markdown report beside the editor and its rendered preview.
export default async function (ui, step) {
  const { page } = ui;
  await step('palette: SCIM: Run Entra Provisioning Check… offers the mock, saved connections and a one-off URL', async () => {
    await page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await ui.command('Notifications: Clear All Notifications');
    await ui.command('SCIM: Run Entra Provisioning Check…');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'Mock MURAL server' }).first().waitFor({ state: 'visible' });
    await rows.filter({ hasText: 'Enter a Tenant URL and Token…' }).first().waitFor({ state: 'visible' });
  });
  await step('pick the mock, then MURAL rules (offered first for the mock)', async () => {
    await ui.pick('Mock MURAL server');
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    await first.filter({ hasText: 'MURAL' }).filter({ hasText: 'documented rules' }).waitFor({ state: 'visible' });
    await ui.pick('documented rules');
  });
  await step('the report opens beside with every step passed, and a notification says so', async () => {
    const report = page.locator('.editor-group-container .monaco-editor', { hasText: 'Entra provisioning check: Mock MURAL server' }).first();
    await report.waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'entra-check-mock-mural-server.md' }).first().waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'Passed: 28 passed, 0 failed' }).first().waitFor({ state: 'visible' });
    await page.locator('.notifications-toasts .notification-list-item', { hasText: 'passed: the endpoint answers every step as Entra expects' })
      .first().waitFor({ state: 'visible' });
  });
  await step('Open Preview renders the summary table with a link per step', async () => {
    await page.locator('.notifications-toasts .notification-list-item .monaco-button', { hasText: 'Open Preview' }).first().click();
    const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await preview.locator('table td a', { hasText: 'Remove a member (legacy value list)' }).waitFor({ state: 'visible' });
    await preview.locator('strong', { hasText: 'Passed: 28 passed, 0 failed' }).first().waitFor({ state: 'visible' });
    await preview.locator('table').first().scrollIntoViewIfNeeded();
  });
  await step('a step link in the table jumps to that step\'s section with its requests and responses', async () => {
    const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await preview.locator('table td a', { hasText: 'Remove a member (legacy value list)' }).click();
    const heading = preview.locator('h2', { hasText: '14. Remove a member (legacy value list)' });
    await ui.until('the section scrolled into view', () => heading.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight / 2;
    }));
    await preview.locator('h2', { hasText: '15. Remove a member (filtered path)' }).waitFor({ state: 'visible' });
  });
}
