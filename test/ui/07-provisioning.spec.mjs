// Provisioning configuration files as a user meets them: a typo in an expression underlined at the word, its
// problem in the Problems panel, a function's hover, the Evaluate CodeLens with a typed source object, and
// New Provisioning Configuration.
export default async function (ui, step) {
  const { page } = ui;
  const editor = page.locator('.editor-group-container .monaco-editor').first();

  await step('Quick Open: broken.provisioning.json → the typo [mial] is underlined', async () => {
    await ui.quickOpen('broken.provisioning.json');
    await editor.waitFor({ state: 'visible' });
    await ui.command('Go to Line/Column...');
    await ui.answer(':852');
    await editor.locator('.squiggly-error').first().waitFor({ state: 'visible' });
  });

  await step('Problems: the SCIM093 row says the attribute is unknown and suggests [mail]', async () => {
    const rows = await ui.problems();
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'SCIM093' }).first();
    await row.waitFor({ state: 'visible' });
    const text = await row.innerText();
    if (!text.includes('[mial] is not an attribute') || !text.includes('Did you mean [mail]')) throw new Error(`the SCIM093 row reads "${text}"`);
    if ((await rows.count()) < 1) throw new Error('no problem rows');
  });

  await step('hover on ToLower shows its signature and documentation', async () => {
    // The JSON string is one token: put the cursor on its first letters, "To", and ask for the hover there
    // (as Ctrl+K Ctrl+I does), so a pointer left elsewhere by an earlier spec cannot decide what shows.
    const word = editor.locator('.view-line span span', { hasText: /^"ToLower/ }).first();
    await word.click({ position: { x: 14, y: 6 } });
    await ui.command('Show or Focus Hover');
    const hover = page.locator('.monaco-hover', { hasText: 'ToLower(source, culture)' }).first();
    await hover.waitFor({ state: 'visible' });
  });

  await step('the Evaluate active CodeLens asks for a source object (JSON: no directory file here) and shows the result', async () => {
    await page.keyboard.press('Escape');
    await ui.command('Go to Line/Column...');
    await ui.answer(':866');
    const lens = page.locator('.contentWidgets .codelens-decoration a, .codelens-decoration a', { hasText: 'Evaluate active' }).first();
    await lens.waitFor({ state: 'visible' });
    await lens.click();
    await ui.answer('{"userPrincipalName":"Ada@Contoso.com","IsSoftDeleted":false}');
    await page.locator('.notifications-toasts .notification-list-item', { hasText: 'active ← "True"' }).first().waitFor({ state: 'visible' });
    // Let the toast finish sliding in, for the screenshot.
    await page.waitForTimeout(500);
  });

  await step('SCIM: New Provisioning Configuration opens MURAL Identity\'s default mappings', async () => {
    await ui.command('SCIM: New Provisioning Configuration');
    await page.locator('.tabs-container .tab.active', { hasText: 'mural-identity.provisioning.json' }).waitFor({ state: 'visible' });
    await ui.command('Go to Line/Column...');
    await ui.answer(':840');
    await page.locator('.codelens-decoration a', { hasText: 'Evaluate userName' }).first().waitFor({ state: 'visible' });
  });
}
