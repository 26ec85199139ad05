// Headless Debian Chromium driven by playwright-core, pointed at the VS Code server's web workbench.
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** The workbench URL for a folder, loading this repository as the extension under development. */
export async function workbenchUrl(server, { folder, extensionPath, testsPath }) {
  const html = await (await fetch(server.base)).text();
  if (!/enableSmokeTestDriver&quot;:true/.test(html)) throw new Error('VS Code server runs without --enable-smoke-test-driver: the test payload would be ignored');
  const authority = (/remoteAuthority&quot;:&quot;([^&]*)&quot;/.exec(html) || [])[1] || `127.0.0.1:${server.port}`;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
  return `${server.base}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
