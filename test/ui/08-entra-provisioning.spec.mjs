// Entra's provisioning engine as a user meets it in VS Code: the Entra Provisioning view's welcome, a sample
// directory, Start Provisioning against the mock (the target asked once), the status, statistics and log, the
// failures shown from the notification, one rendered as the portal shows it, Provision on Demand… with its steps,
// and Run Next Cycle. Every branch of the commands is tested in the extension host
// (test/integration/provisioning-engine.test.ts).
export default async function (ui, step) {
  const { page } = ui;
  const view = () => ui.view('Entra Provisioning');
  const row = (text) => view().locator('.monaco-list-row', { hasText: text }).first();
  // A key press that lands while focus moves out of a closing editor opens nothing: wait until the tabs are gone.
  const closeEditors = async () => {
    await ui.command('View: Close All Editors');
    await ui.until('the editors closed', async () => (await page.locator('.tabs-container .tab').count()) === 0);
    await page.waitForTimeout(300);
  };
  const preview = () => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');

  await step('the Entra Provisioning view welcomes with New Sample Entra Directory and Choose a Directory File', async () => {
    await ui.openContainer();
    // Room for the view, as a user makes it: the other views collapsed, the side bar dragged wider.
    for (const title of ['Directory', 'Connections', 'Provisioning Log']) {
      const header = page.locator('.part.sidebar .pane-header', { has: page.locator('.title', { hasText: new RegExp(`^${title}$`, 'i') }) }).first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    const bar = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(bar.x + bar.width + 1, bar.y + 300);
    await page.mouse.down();
    await page.mouse.move(bar.x + 620, bar.y + 300, { steps: 5 });
    await page.mouse.up();
    await ui.command('SCIM Workbench: Focus on Entra Provisioning View');
    await view().locator('.welcome-view-content', { hasText: 'Run Microsoft Entra\'s provisioning engine offline' }).waitFor({ state: 'visible' });
    await view().locator('.welcome-view-content a.monaco-button', { hasText: 'Choose a Directory File' }).waitFor({ state: 'visible' });
  });

  await step('New Sample Entra Directory: 20 users → the file opens and becomes the job\'s directory', async () => {
    await view().locator('.welcome-view-content a.monaco-button', { hasText: 'New Sample Entra Directory' }).click();
    await ui.answer('20');
    await page.locator('.tabs-container .tab.active', { hasText: 'sample.entra-directory.json' }).waitFor({ state: 'visible' });
    await row('Not started').waitFor({ state: 'visible' });
  });

  await step('SCIM: Start Provisioning asks for the target once: the mock MURAL server', async () => {
    await closeEditors();
    await ui.command('SCIM: Start Provisioning');
    await ui.pick('Mock MURAL server');
  });

  await step('the initial cycle ends: Idle until the next simulated cycle, the statistics, the log by cycle, one notification', async () => {
    await row(/^Idle/).waitFor({ state: 'visible', timeout: 60_000 });
    await row('Cycle 1 · initial').waitFor({ state: 'visible' });
    await row(/^Users.*created/).waitFor({ state: 'visible' });
    await page.locator('.notifications-toasts .notification-list-item', { hasText: /Initial cycle 1: users .* failed; groups .*\./ }).first().waitFor({ state: 'visible' });
  });

  await step('Show Failures on the notification filters the log to the failures', async () => {
    await page.locator('.notifications-toasts .notification-list-item .monaco-button', { hasText: 'Show Failures' }).first().click();
    await view().locator('.message', { hasText: 'Log filtered: Failure' }).waitFor({ state: 'visible' });
    await row('Create · Failure · SystemForCrossDomainIdentityManagementBadRequest').waitFor({ state: 'visible' });
    await ui.until('only failures listed', async () => (await view().locator('.monaco-list-row', { hasText: /· (Success|Skipped)/ }).count()) === 0);
  });

  await step('a failed entry opens rendered: steps, error code and MURAL\'s reason, modified properties', async () => {
    await row('irina.stroustrup@contoso.com').click();
    await page.locator('.tabs-container .tab', { hasText: 'Preview Provisioning log entry.md' }).first().waitFor({ state: 'visible' });
    await preview().locator('h3', { hasText: 'Determine if user is in scope' }).waitFor({ state: 'visible' });
    await preview().locator('code', { hasText: 'SystemForCrossDomainIdentityManagementBadRequest' }).first().waitFor({ state: 'visible' });
    await preview().locator('h2', { hasText: 'Troubleshooting & Recommendations' }).waitFor({ state: 'visible' });
  });

  await step('further down the same entry: its HTTP exchanges, the POST and MURAL\'s 400', async () => {
    const exchange = preview().locator('h3', { hasText: /POST .*\/Users.* → 400/ });
    await exchange.waitFor({ state: 'visible' });
    await exchange.scrollIntoViewIfNeeded();
  });

  await step('SCIM: Provision on Demand… offers the directory\'s users and groups', async () => {
    // Keys pressed in the preview go to its webview: focus the view first, as a user's click does.
    await row(/^Idle/).click();
    await ui.command('SCIM: Clear Entra Provisioning Log Filter');
    await view().locator('.message', { hasText: 'Log filtered' }).waitFor({ state: 'hidden' });
    await closeEditors();
    await ui.command('SCIM: Provision on Demand…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Elijah Lovelace' }).first().waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input').fill('ananya');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ananya.smith@contoso.com' }).first().waitFor({ state: 'visible' });
  });

  await step('…the user\'s steps open rendered: import, scope, match, perform action', async () => {
    await ui.pick('ananya.smith@contoso.com');
    await page.locator('.tabs-container .tab', { hasText: 'Preview Provision on demand.md' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await preview().locator('h1', { hasText: 'Provision on demand: User \'ananya.smith@contoso.com\'' }).waitFor({ state: 'visible' });
    await preview().locator('h4', { hasText: 'Match user between source and target system' }).waitFor({ state: 'visible' });
  });

  await step('SCIM: Run Next Cycle → an incremental cycle 2 retries the failures; the status is Idle again', async () => {
    await closeEditors();
    await ui.command('SCIM: Run Next Cycle');
    await row('Cycle 2 · incremental').waitFor({ state: 'visible', timeout: 60_000 });
    await row(/^Idle/).waitFor({ state: 'visible' });
  });
}
