// Writes dist/README.md, the README the .vsix carries (`vsce package --readme-path`): README.md with its
// repository images inlined as data: URIs. VS Code's extension page renders the README in a webview that
// loads images from https: and data: URLs (its Content-Security-Policy); a relative path reaches nothing there
// (vsce rewrites relative links to a published repository's URLs, and this extension names none), so the
// picture showed as its alt text. The vsix phase of scripts/test.mjs checks that it loads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const types = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml' };

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const inlined = readme.replace(/(!\[[^\]]*\]\()([^)\s]+)(\))/g, (whole, open, target, close) => {
  if (/^[a-z]+:/i.test(target)) return whole;
  const type = types[extname(target).toLowerCase()];
  if (!type) throw new Error(`README.md shows ${target}, which is not an image type the vsix README can inline`);
  return `${open}data:${type};base64,${readFileSync(join(root, target)).toString('base64')}${close}`;
});
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'README.md'), inlined);
