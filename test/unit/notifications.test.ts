// Notifications offer at most two short buttons: VS Code cuts longer labels ("Copy Tenant U…") and a third
// button leaves each less room. Modal dialogs are not notifications and may say more. This reads the calls in
// src/vscode; a button given as an expression (`...actions`) counts as one, and its code keeps it to two.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'vscode');
const MAX_BUTTONS = 2;
const MAX_LABEL = 22;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The top-level arguments of the call whose '(' is just before `start`, as source text. */
function callArguments(text: string, start: number): string[] {
  const args: string[] = [];
  let depth = 1;
  let quote: string | undefined;
  let current = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      current += c;
      if (c === '\\') current += text[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '\'' || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0) break;
    if (c === ',' && depth === 1) {
      args.push(current.trim());
      current = '';
    } else current += c;
  }
  args.push(current.trim());
  return args.filter((a) => a !== '');
}

describe('notifications', () => {
  it(`offer at most ${MAX_BUTTONS} buttons of at most ${MAX_LABEL} characters`, () => {
    const calls: string[] = [];
    const bad: string[] = [];
    for (const file of tsFiles(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/window\.show(?:Information|Warning|Error)Message\(/g)) {
        const [, ...rest] = callArguments(text, m.index + m[0].length);
        if (rest.some((a) => /modal:\s*true/.test(a))) continue;
        const where = `${path.relative(SRC, file)}:${text.slice(0, m.index).split('\n').length}`;
        calls.push(where);
        const buttons = rest.filter((a) => !a.startsWith('{'));
        if (buttons.length > MAX_BUTTONS) bad.push(`${where}: ${buttons.length} buttons (${buttons.join(', ')})`);
        for (const b of buttons) {
          const label = /^'([^']*)'$/.exec(b)?.[1];
          if (label !== undefined && label.length > MAX_LABEL) bad.push(`${where}: "${label}" is longer than ${MAX_LABEL} characters`);
        }
      }
    }
    assert.ok(calls.length > 20, `only ${calls.length} notifications found: the scan is broken`);
    assert.deepEqual(bad, []);
  });
});
