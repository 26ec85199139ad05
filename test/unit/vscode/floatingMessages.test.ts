// Every command goes through one registration helper, and un-awaited notifications are marked `void` (as vscode-eslint does), so a forgotten `await` on a dialog whose
// answer matters stands out. This reads the VS Code glue's syntax trees instead of a lint rule: the project has no
// linter, and the check needs only the TypeScript compiler it already has.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const NOTIFICATION = /^vscode\.window\.show(Information|Warning|Error)Message$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line` of every notification whose promise is dropped: a call (or its `.then(…)` chain) used as a statement. */
export function floatingNotifications(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && NOTIFICATION.test(node.expression.getText(source))) {
      let outer: ts.Node = node;
      // showXMessage(…).then(…) is the same promise, one step later.
      while (ts.isPropertyAccessExpression(outer.parent) && ts.isCallExpression(outer.parent.parent)) outer = outer.parent.parent;
      if (ts.isExpressionStatement(outer.parent)) found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('VS Code glue style', () => {
  it('finds a dropped notification, and a voided, awaited or returned one is fine', () => {
    const text = [
      'vscode.window.showInformationMessage("a");',
      'vscode.window.showErrorMessage("b", "Open").then((c) => c);',
      'void vscode.window.showWarningMessage("c");',
      'const d = await vscode.window.showWarningMessage("d");',
      'const e = () => vscode.window.showInformationMessage("e");',
    ].join('\n');
    assert.deepEqual(floatingNotifications(path.join(ROOT, 'x.ts'), text), ['x.ts:1', 'x.ts:2']);
  });

  it('marks every un-awaited show*Message in src/vscode with void', () => {
    const files = [...sourceFiles(path.join(ROOT, 'src', 'vscode')), path.join(ROOT, 'src', 'extension.ts')];
    assert.ok(files.length > 30);
    assert.deepEqual(files.flatMap((f) => floatingNotifications(f, fs.readFileSync(f, 'utf8'))), []);
  });

  it('registers every command through the shared helper (src/vscode/commands.ts), which reports what a command throws', () => {
    const direct = sourceFiles(path.join(ROOT, 'src'))
      .filter((f) => !f.endsWith(path.join('vscode', 'commands.ts')) && fs.readFileSync(f, 'utf8').includes('commands.registerCommand('));
    assert.deepEqual(direct.map((f) => path.relative(ROOT, f)), []);
  });
});
