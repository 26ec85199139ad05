// package.json is written by hand; these checks keep it in step with the code it describes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MOCK_OPTION_TABLE } from '../../src/mock/options';
import { COMMAND_IDS, SETTING_KEYS } from '../../src/vscode/contributions';

const root = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** The Settings editor's categories (contributes.configuration is a list, one entry per category). */
const categories = manifest.contributes.configuration as { id: string; title: string; order: number; properties: Record<string, Record<string, unknown>> }[];
const properties: Record<string, Record<string, unknown>> = Object.assign({}, ...categories.map((c) => c.properties));
const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command);
const views = Object.values(manifest.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** A command another command, a menu or a link may run: ours, or the focus command VS Code adds per view. */
function runnable(id: string): boolean {
  return (COMMAND_IDS as readonly string[]).includes(id) || views.some((v) => id === `${v}.focus`);
}

describe('package.json', () => {
  it('declares one setting per mock server switch, with the switch table\'s default, bounds and description', () => {
    for (const spec of MOCK_OPTION_TABLE) {
      const p = properties[`scimWorkbench.mock.${spec.key}`];
      assert.ok(p, `scimWorkbench.mock.${spec.key} is missing`);
      assert.equal(p.default, spec.default, spec.key);
      assert.equal(p.markdownDescription, spec.description, spec.key);
      assert.equal(p.type, spec.kind === 'boolean' ? 'boolean' : spec.integer || spec.values ? 'integer' : 'number', spec.key);
      assert.equal(p.minimum, spec.min, spec.key);
      assert.equal(p.maximum, spec.max, spec.key);
      assert.deepEqual(p.enum, spec.values ? [...spec.values] : undefined, spec.key);
    }
  });

  it('describes every setting in markdown and puts every command in the SCIM category', () => {
    for (const [key, p] of Object.entries(properties)) assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 20, key);
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'SCIM', c.command);
  });

  it('groups the settings into titled categories, each setting in one, the mock server\'s switches with the server', () => {
    assert.ok(Array.isArray(categories) && categories.length > 1, 'one flat list of settings');
    assert.equal(new Set(categories.map((c) => c.title)).size, categories.length);
    assert.deepEqual(categories.map((c) => c.order), categories.map((_, i) => i + 1));
    const keys = categories.flatMap((c) => Object.keys(c.properties));
    assert.equal(keys.length, new Set(keys).size, 'a setting is declared in two categories');
    for (const c of categories) {
      assert.ok(Object.keys(c.properties).length > 0, `${c.title} is empty`);
      for (const key of Object.keys(c.properties)) assert.equal(key.startsWith('scimWorkbench.mock.'), c.id.startsWith('scimWorkbench.mock'), `${key} in ${c.title}`);
    }
  });

  it('contributes exactly the commands the code registers, each named scimWorkbench.<area>.<verb>', () => {
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    assert.equal(new Set(contributed).size, contributed.length, 'no command is contributed twice');
    for (const id of COMMAND_IDS) assert.match(id, /^scimWorkbench\.[a-z]+\.[a-z][A-Za-z]*$/);
  });

  it('gives every command a title of its own, so the palette never offers two alike', () => {
    const titles = (manifest.contributes.commands as { title: string }[]).map((c) => c.title);
    assert.deepEqual(titles.filter((t, i) => titles.indexOf(t) !== i), []);
  });

  it('runs only existing commands from menus, welcome views, walkthroughs and the code', () => {
    const menus = Object.values(manifest.contributes.menus as Record<string, { command: string }[]>).flat().map((m) => m.command);
    const links = [...JSON.stringify(manifest.contributes).matchAll(/\(command:([\w.]+)/g)].map((m) => m[1] as string);
    const inCode = sourceFiles(path.join(root, 'src')).flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/(?:executeCommand(?:<[^>]*>)?\(|register\(|command: )'(scimWorkbench\.[\w.]+)'/g)].map((m) => m[1] as string));
    assert.ok(links.length > 3 && inCode.length > 20);
    assert.deepEqual([...menus, ...links, ...inCode].filter((id) => id.startsWith('scimWorkbench.') && !runnable(id)), []);
  });

  it('declares, with a default, exactly the settings src/vscode/config.ts reads', () => {
    assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((k) => `scimWorkbench.${k}`).sort());
    for (const [key, p] of Object.entries(properties)) assert.ok('default' in p, `${key} has no default`);
  });

  it('keeps engines.vscode and @types/vscode equal, as vsce requires', () => {
    assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
  });

  it('has the fields the Marketplace shows: a PNG icon of at least 128 px, a banner, categories, keywords', () => {
    const png = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'the icon is smaller than 128×128');
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    const known = ['Azure', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization', 'Other'];
    for (const c of manifest.categories) assert.ok(known.includes(c), c);
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30);
    assert.doesNotMatch(fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), /see README/i, 'the CHANGELOG must say what changed');
  });

  it('packages exactly what the installed extension refers to (vsce ls)', async function () {
    this.timeout(30_000);
    // README.md (vsce always lists it) is packed from dist/README.md, its pictures inlined (scripts/vsix-readme.mjs):
    // the pictures are not packed, the documents it links are.
    assert.match(manifest.scripts.package, /node scripts\/vsix-readme\.mjs && vsce package .*--readme-path dist\/README\.md/);
    const needed = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'docs/diagnostics.md' /* src/vscode/diagnostics/ruleDocs.ts */]);
    const add = (file: string) => needed.add(path.posix.normalize(file));
    add(manifest.main);
    add(manifest.icon);
    const visit = (v: unknown): void => {
      if (typeof v === 'string') { if (/^(\.\/)?[\w-]+\/[\w./-]+\.\w+$/.test(v) && fs.existsSync(path.join(root, v))) add(v); }
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    visit(manifest.contributes);
    // Markdown shown by VS Code (README, walkthrough pages) and the relative links and images in it (README's inlined).
    for (const md of [...needed].filter((f) => f.endsWith('.md') && f !== 'docs/diagnostics.md')) {
      for (const [, bang, target] of fs.readFileSync(path.join(root, md), 'utf8').matchAll(/(!?)\[[^\]]*\]\(([^)\s#]+)[^)]*\)/g)) {
        if (md === 'README.md' && bang) continue;
        if (!/^[a-z]+:/i.test(target)) add(path.posix.join(path.posix.dirname(md), target));
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { listFiles } = require('@vscode/vsce') as { listFiles(o: { cwd: string; packageManager: number }): Promise<string[]> };
    const listed = new Set((await listFiles({ cwd: root, packageManager: 2 /* None: bundled */ })).map((f) => f.replace(/\\/g, '/')));
    if (!fs.existsSync(path.join(root, manifest.main))) needed.delete(path.posix.normalize(manifest.main));
    assert.deepEqual([...listed].sort(), [...needed].sort());
  });

  it('binds Send Request to REST Client\'s keys in request files only, and leaves them to REST Client when it is installed', () => {
    const [binding] = manifest.contributes.keybindings;
    assert.deepEqual([binding.command, binding.key, binding.mac], ['scimWorkbench.requests.send', 'ctrl+alt+r', 'cmd+alt+r']);
    assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === binding.command));
    for (const clause of ['editorLangId == http', 'resourceScheme != scim-response', '!scimWorkbench.restClientInstalled']) assert.ok(binding.when.includes(clause), clause);
  });

  it('shows one Start button while the mock is stopped, and no Directory title action that needs something listed', () => {
    const stopped = manifest.contributes.viewsWelcome.filter((w: { when?: string }) => w.when === '!scimWorkbench.mockRunning && !scimWorkbench.mockStarting');
    // A link alone on its line is drawn as a button; inside a sentence it is a link.
    const buttons = stopped.flatMap((w: { contents: string }) => w.contents.split('\n').filter((line) => /^\[[^\]]+\]\(command:[^)]+\)$/.test(line.trim())));
    assert.deepEqual(buttons, ['[Start Mock SCIM Server](command:scimWorkbench.mock.start)']);
    const title = manifest.contributes.menus['view/title'].filter((m: { when: string }) => m.when.startsWith('view == scimWorkbench.directory'));
    for (const command of ['scimWorkbench.directory.filter', 'scimWorkbench.directory.refresh']) {
      assert.match(title.find((m: { command: string }) => m.command === command).when, /&& scimWorkbench\.directoryShown$/, command);
    }
  });
});
