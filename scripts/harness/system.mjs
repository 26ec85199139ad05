// Debian packages the offline VS Code test run needs. Installed with apt-get when running as root,
// otherwise the exact install command is printed and the run stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const REQUIRED = [
  { pkg: 'chromium', present: () => existsSync(process.env.CHROMIUM || '/usr/bin/chromium'), why: 'drives the VS Code workbench' },
  { pkg: 'ripgrep', present: () => existsSync('/usr/bin/rg'), why: 'VS Code search (replaces the GitHub download of @vscode/ripgrep)' },
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'), why: 'headers for VS Code server\'s kerberos module' },
];

export function ensureSystemPackages(log = console.log) {
  const missing = REQUIRED.filter((r) => !r.present());
  if (missing.length === 0) return;
  const names = missing.map((m) => m.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    const detail = missing.map((m) => `  ${m.pkg}: ${m.why}`).join('\n');
    throw new Error(`Missing Debian packages:\n${detail}\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`);
  }
  log(`[harness] installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`apt-get install ${names.join(' ')} failed with exit code ${r.status}`);
}
