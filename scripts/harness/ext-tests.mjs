// Runs the mocha suite (out/test/integration) inside the real VS Code extension host: the workbench loads
// it through the payload's extensionTestsPath and calls window.codeAutomationExit(code) when run() settles.
import { existsSync, readFileSync } from 'node:fs';
import { launchBrowser, workbenchUrl } from './browser.mjs';

export async function runExtensionTests({ server, root, folder, resultFile, timeoutMs = 300_000, log = console.log }) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish;
    const done = new Promise((r) => (finish = r));
    const timer = setTimeout(() => finish({ code: 2, why: `no result after ${timeoutMs / 1000} s` }), timeoutMs);
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
    await page.exposeFunction('codeAutomationLog', () => {});
    page.on('pageerror', (e) => log(`[workbench] ${String(e).slice(0, 300)}`));
    await page.goto(await workbenchUrl(server, { folder, extensionPath: root, testsPath: `${root}/out/test/integration/index.js` }));
    const res = await done;
    clearTimeout(timer);
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
    if (result) {
      log(`[ext-tests] VS Code ${result.vscode} extension host`);
      for (const p of result.passes) log(`  ✔ ${p.title} (${p.ms} ms)`);
      for (const p of result.pending) log(`  - ${p}`);
      for (const f of result.failures) log(`  ✘ ${f.title}\n      ${f.error.split('\n').slice(0, 6).join('\n      ')}`);
      log(`[ext-tests] ${result.passes.length} passing, ${result.failures.length} failing`);
    } else {
      log(`[ext-tests] no result file (${res.why ?? 'the runner did not start — see the server log'})`);
    }
    return { code: res.code === 0 && result && result.failures.length === 0 ? 0 : 1, result };
  } finally {
    await browser.close();
  }
}
