// The activity-bar container, its views and their welcome messages; the palette.
export default async function (ui, step) {
  await step('activity bar shows the SCIM Workbench container', async () => {
    await ui.page.locator('.part.activitybar [aria-label*="SCIM Workbench"]').first().waitFor({ state: 'visible', timeout: 60_000 });
  });
  await step('palette opens the sidebar with its four views', async () => {
    await ui.command('View: Show SCIM Workbench');
    for (const title of ['Directory', 'Connections', 'Provisioning Log', 'Entra Provisioning']) {
      await ui.page.locator('.part.sidebar .pane-header', { hasText: title }).first().waitFor({ state: 'visible' });
    }
  });
}
