// Payload diagnostics as a user meets them: open a bad payload with Quick Open, read its problems in the
// Problems panel, follow a rule's code to its docs section, apply a quick fix from the lightbulb menu, and ask
// for help (Ctrl+.) where there is nothing to fix and so no lightbulb.
export default async function (ui, step) {
  const { page } = ui;
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'Ada.Lovelace' }).first();
  const problemRow = (text) => page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
  /**
   * Clicks `text` in the editor, waits for the lightbulb (or, with `lightbulb` false, sees that none shows: help
   * that fixes nothing does not light it) and opens the menu with Ctrl+. until `action` is the focused row.
   * VS Code cancels a pending request when diagnostics are republished (any extension's) and then says "No code
   * actions available"; a user presses Ctrl+. again, and so does this.
   */
  const quickFixMenu = async (text, action, lightbulb = true) => {
    await editor.locator('.view-line span', { hasText: text }).first().click();
    if (lightbulb) await editor.locator('.lightBulbWidget').waitFor({ state: 'visible' });
    else {
      await page.waitForTimeout(1500);
      if (await editor.locator('.lightBulbWidget').isVisible()) throw new Error(`a lightbulb at "${text}", where there is only help`);
    }
    const row = page.locator('.action-widget .monaco-list-row.focused', { hasText: action });
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      const shown = await ui.until(`the quick fix menu or its "none" message`, async () =>
        (await row.isVisible()) ? 'menu' : (await page.getByText('No code actions available').isVisible()) ? 'none' : undefined);
      if (shown === 'menu') return;
      if (attempt === 3) throw new Error(`no code actions at "${text}" after ${attempt} tries`);
      await page.keyboard.press('Escape');
    }
  };

  await step('Quick Open: bad-user.scim.json → the payload opens with squiggles', async () => {
    await ui.quickOpen('bad-user.scim.json');
    await editor.waitFor({ state: 'visible' });
    await editor.locator('.squiggly-error').first().waitFor({ state: 'visible' });
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'visible' });
  });

  await step('Problems: Focus on Problems View → rows show the SCIM codes and what MURAL does', async () => {
    const rows = await ui.problems();
    await rows.first().waitFor({ state: 'visible' });
    for (const [code, text] of [
      ['SCIM022', 'MURAL rejects digits in name.givenName'],
      ['SCIM023', 'MURAL stores userName in lower case'],
      ['SCIM021', 'active is a boolean, not the string "True"'],
      ['SCIM025', 'id is read-only'],
    ]) {
      const row = problemRow(code);
      await row.waitFor({ state: 'visible' });
      const rowText = await row.innerText();
      if (!rowText.includes(text)) throw new Error(`the ${code} row reads "${rowText}"`);
      if (!rowText.includes('SCIM Workbench')) throw new Error(`the ${code} row does not name its source: "${rowText}"`);
    }
  });

  await step('the SCIM022 code links to its section of docs/diagnostics.md', async () => {
    const link = problemRow('SCIM022').locator('.monaco-link', { hasText: 'SCIM022' }).first();
    await link.waitFor({ state: 'visible' });
    await link.click();
    const docs = page.locator('.editor-group-container .monaco-editor', { hasText: '## SCIM022 Digits in a name' }).first();
    await docs.waitFor({ state: 'visible' });
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'diagnostics.md' });
    await tab.waitFor({ state: 'visible' });
  });

  await step('lightbulb on the upper-case userName → Lowercase quick fix rewrites it', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'bad-user.scim.json' }).first().click();
    // The only fix is focused, as a user sees it; Enter applies it.
    await quickFixMenu('Ada.Lovelace@Contoso.com', 'Lowercase to "ada.lovelace@contoso.com"');
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container .monaco-editor .view-line', { hasText: '"userName": "ada.lovelace@contoso.com"' }).first().waitFor({ state: 'visible' });
    await ui.until('the SCIM023 row to go', async () => (await problemRow('SCIM023').count()) === 0);
    await problemRow('SCIM022').waitFor({ state: 'visible' });
  });

  await step('hover on "userName" shows its schema characteristics and MURAL\'s rule', async () => {
    const key = page.locator('.editor-group-container .monaco-editor .view-line span', { hasText: /^"userName"$/ }).first();
    await key.hover();
    const hover = page.locator('.monaco-hover', { hasText: 'MURAL' }).first();
    await hover.waitFor({ state: 'visible' });
    const text = await hover.innerText();
    if (!/userName/.test(text) || !/required/.test(text)) throw new Error(`hover reads "${text}"`);
  });

  await step('Undo puts the upper case back, and its problem', async () => {
    await page.keyboard.press('Escape');
    await editor.locator('.view-line span', { hasText: 'ada.lovelace@contoso.com' }).first().click();
    await page.keyboard.press('Control+Z');
    await editor.locator('.view-line', { hasText: '"userName": "Ada.Lovelace@Contoso.com"' }).waitFor({ state: 'visible' });
    await problemRow('SCIM023').waitFor({ state: 'visible' });
  });

  await step('no lightbulb on the digits in "Ada2"; Ctrl+. → Learn about MURAL\'s name rule opens the rendered rules at its section', async () => {
    await quickFixMenu('Ada2', 'Learn about MURAL\'s name rule', false);
    await page.locator('.action-widget .monaco-list-row', { hasText: 'Customise the attribute mapping for this workspace' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'Preview diagnostics.md' }).waitFor({ state: 'visible' });
    const heading = page.frameLocator('iframe.webview').frameLocator('iframe').locator('h2', { hasText: 'SCIM022 Digits in a name' });
    await heading.waitFor({ state: 'visible' });
    await ui.until('the preview to scroll to the SCIM022 section', async () => {
      const box = await heading.boundingBox();
      return box && box.y >= 0 && box.y < 300;
    });
  });
}
