// Renders the extension icon, media/icon.svg → media/icon.png (256×256, transparent corners), with the Chromium
// the UI tests use: `node scripts/icon.mjs` after changing the SVG. The Marketplace and VS Code want a PNG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './harness/browser.mjs';

const media = join(import.meta.dirname, '..', 'media');
const svg = readFileSync(join(media, 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 256, height: 256 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(media, 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
