// The Settings editor shows SCIM Workbench's settings by category, not as one flat list.
export default async function (ui, step) {
  const { page } = ui;
  await step('Settings (UI), @ext filter → six categories in the table of contents', async () => {
    await ui.command('Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .settings-header .monaco-editor').first();
    await search.waitFor({ state: 'visible' });
    await search.click();
    await page.keyboard.type('@ext:scim-workbench.scim-workbench');
    for (const title of ['Mock Server', 'Mock Rules', 'Mock Faults', 'Payload Rules', 'Directory', 'Requests']) {
      await page.locator('.settings-toc-container .monaco-list-row', { hasText: new RegExp(`^${title}\\s*\\(\\d+\\)$`) }).first().waitFor({ state: 'visible' });
    }
    await page.locator('.settings-tree-container .setting-item-contents', { hasText: 'Port of the mock SCIM server' }).first().waitFor({ state: 'visible' });
  });
  await step('a category of the table of contents → only its settings', async () => {
    await page.locator('.settings-toc-container .monaco-list-row', { hasText: /^Mock Faults/ }).first().click();
    const items = page.locator('.settings-tree-container .setting-item-contents');
    await items.filter({ hasText: 'Answer 429 with Retry-After above' }).first().waitFor({ state: 'visible' });
    await ui.until('the other categories to be hidden', async () => (await items.filter({ hasText: 'Port of the mock SCIM server' }).count()) === 0);
  });
}
