// Builds the extension and CLI bundles (dist/) and, with --tests, transpiles src/ and test/ to out/
// for mocha (plain node unit tests and the extension-host suite).
//   node esbuild.mjs                 dist/extension.js + dist/cli.js (development: sourcemaps)
//   node esbuild.mjs --production    minified bundles, no sourcemaps (vsce package)
//   node esbuild.mjs --cli           dist/cli.js only (npm start)
//   node esbuild.mjs --tests         out/**.js, one file per source, for mocha
//   node esbuild.mjs --watch         rebuild the bundles on change (npm run watch, the default build task of
//                                    .vscode/tasks.json, whose problem matcher reads the lines watchReport prints)
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD "main" breaks under bundling ("Cannot find module './impl/format'")
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { VERSION: JSON.stringify(version) },
};

const bundles = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

/** Marks each watch build's start and end and prints its errors as "✘ [ERROR] message" + "    file:line:column:". */
const watchReport = {
  name: 'watch-report',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column + 1}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [...tsFiles('src'), ...tsFiles('test')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    define: common.define,
  });
} else {
  const selected = args.has('--cli') ? bundles.slice(1) : bundles;
  if (args.has('--watch')) {
    for (const b of selected) await (await esbuild.context({ ...common, ...b, logLevel: 'silent', plugins: [watchReport] })).watch();
  } else {
    await Promise.all(selected.map((b) => esbuild.build({ ...common, ...b })));
  }
}
