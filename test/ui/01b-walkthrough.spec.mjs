// The walkthrough "Connect Microsoft Entra" ticks its steps from what the user did, whichever way they did it:
// here the server is started from the status-bar menu and the token copied from the start notification's
// button — the paths on which no step ever ticked — then a client connects and creates a user. Runs before
// 02-mock-server, while the mock has never run in this workbench.
export default async function (ui, step) {
  const { page } = ui;
  const steps = ['start', 'credentials', 'entra', 'watch'];
  const checkbox = (id) => page.locator(`.getting-started-step[data-step-id$="#connectEntra#${id}"] .codicon[data-done-step-id]`).first();
  const ticked = async (id) => /\bcomplete\b/.test((await checkbox(id).getAttribute('class')) ?? '');
  const openWalkthrough = async () => {
    await ui.command('SCIM: How to Connect Microsoft Entra');
    await checkbox('watch').waitFor({ state: 'visible' });
  };
  const waitTicked = (ids) => ui.until(`steps ${ids.join(', ')} ticked`, async () => (await Promise.all(ids.map(ticked))).every(Boolean));
  let port;
  let token;

  await step('walkthrough: short titles shown whole, no step ticked yet', async () => {
    await openWalkthrough();
    for (const id of steps) if (await ticked(id)) throw new Error(`step ${id} is ticked before anything happened`);
    const cut = await page.evaluate(() => [...document.querySelectorAll('.gettingStartedSlideDetails :is(h2, h3, .description)')]
      .filter((e) => e.offsetParent !== null && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)).map((e) => e.textContent));
    if (cut.length) throw new Error(`titles cut off: ${cut.join(' | ')}`);
  });
  await step('status-bar menu → Start: "Start the mock server" ticks', async () => {
    await ui.statusBarItem('SCIM mock').click();
    await ui.pick('Start Mock SCIM Server');
    const item = ui.statusBarItem('SCIM mock :');
    await item.waitFor({ state: 'visible' });
    port = Number(/:(\d+)/.exec(await item.innerText())[1]);
    await waitTicked(['start']);
  });
  await step('start notification: two short buttons shown whole, and a link to the walkthrough', async () => {
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Mock SCIM server running' }).first();
    await toast.waitFor({ state: 'visible' });
    await toast.locator('a', { hasText: 'how to connect Microsoft Entra' }).waitFor({ state: 'visible' });
    const buttons = await toast.locator('.monaco-button').evaluateAll((bs) => bs.map((b) => ({ text: b.textContent, cut: b.scrollWidth > b.clientWidth + 1 })));
    if (buttons.map((b) => b.text).join(',') !== 'Copy URL,Copy Token') throw new Error(`buttons: ${JSON.stringify(buttons)}`);
    if (buttons.some((b) => b.cut)) throw new Error(`a button is cut off: ${JSON.stringify(buttons)}`);
  });
  await step('notification → Copy Token: "Copy the URL and token" ticks', async () => {
    await page.locator('.notifications-toasts .notification-list-item .monaco-button', { hasText: 'Copy Token' }).first().click();
    await waitTicked(['start', 'credentials']);
    token = await ui.pastedToken();
  });
  await step('a client with the token, then a user created: every step ticked', async () => {
    const base = `http://127.0.0.1:${port}/enterprise/v1/scim`;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
    await openWalkthrough();
    const probe = await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "walkthrough@contoso.com"')}`, { headers });
    if (probe.status !== 200) throw new Error(`the probe answered ${probe.status}`);
    await waitTicked(['start', 'credentials', 'entra']);
    if (await ticked('watch')) throw new Error('"Watch users arrive" ticked before a user arrived');
    const created = await fetch(`${base}/Users`, {
      method: 'POST', headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'walkthrough@contoso.com', emails: [{ type: 'work', primary: true, value: 'walkthrough@contoso.com' }] }),
    });
    if (created.status !== 201) throw new Error(`POST /Users answered ${created.status}`);
    await waitTicked(steps);
    await fetch(`${base}/Users/${(await created.json()).id}`, { method: 'DELETE', headers });
  });
  await ui.command('SCIM: Stop Mock SCIM Server');
}
