// A user replays Entra's provisioning cycle against the mock: the palette command, the two quick picks, the
// progress notification, the report rendered beside the editor, and its Markdown source on request.
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
  await step('the report opens rendered, with every step passed, and a notification says so once', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Preview entra-check-mock-mural-server.md' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await preview.locator('table td a', { hasText: 'Remove a member (legacy value list)' }).waitFor({ state: 'visible' });
    await preview.locator('strong', { hasText: /^Passed: \d+ passed, 0 failed/ }).first().waitFor({ state: 'visible' });
    await preview.locator('table').first().scrollIntoViewIfNeeded();
    await page.locator('.notifications-toasts .notification-list-item', { hasText: /passed: the endpoint answers all \d+ steps as Entra expects/ })
      .first().waitFor({ state: 'visible' });
  });
  await step('Show Source opens the Markdown itself in a tab of its own', async () => {
    await page.locator('.notifications-toasts .notification-list-item .monaco-button', { hasText: 'Show Source' }).first().click();
    await page.locator('.tabs-container .tab', { hasText: /^entra-check-mock-mural-server\.md/ }).first().waitFor({ state: 'visible' });
    await page.locator('.editor-group-container .monaco-editor', { hasText: 'Entra provisioning check: Mock MURAL server' }).first().waitFor({ state: 'visible' });
  });
  await step('a step link in the table jumps to that step\'s section with its requests and responses', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Preview entra-check-mock-mural-server.md' }).first().click();
    const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await preview.locator('table td a', { hasText: 'Remove a member (legacy value list)' }).click();
    const heading = preview.locator('h2', { hasText: /^\d+\. Remove a member \(legacy value list\)$/ });
    await ui.until('the section scrolled into view', () => heading.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight / 2;
    }));
    await preview.locator('h2', { hasText: /^\d+\. Remove a member \(filtered path\)$/ }).waitFor({ state: 'visible' });
  });
}
