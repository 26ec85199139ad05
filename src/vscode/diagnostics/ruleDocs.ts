// Links from diagnostics to their rule's section of docs/diagnostics.md, which ships in the .vsix.
//
// A diagnostic's `code.target` must be a Uri the workbench opens itself (a `command:` Uri is not allowed
// there), and the repository has no public docs site, so the target is the packaged markdown file. The
// workbench opens a `file:` Uri in a text editor and reads a fragment only as a selection (`#L137`): a
// heading-slug fragment would be dropped and the file would open at its top. So the target carries the
// line of the rule's heading, read once from the file. The code actions' "Learn about …" go one better: the
// markdown preview, which scrolls to a heading-slug fragment.
import * as vscode from 'vscode';
import { RULES, type RuleCode } from '../../validation';

export class RuleDocs {
  readonly uri: vscode.Uri;
  /** Line (1-based) of each rule's heading; empty until loaded or if the file cannot be read. */
  private lines = new Map<string, number>();
  readonly ready: Promise<void>;

  constructor(extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    this.uri = vscode.Uri.joinPath(extensionUri, 'docs', 'diagnostics.md');
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(this.uri)).toString('utf8');
      text.split(/\r?\n/).forEach((line, i) => {
        const m = /^## (SCIM\d{3}) /.exec(line);
        if (m) this.lines.set(m[1] as string, i + 1);
      });
    } catch (e) {
      this.log.warn(`Could not read ${this.uri.toString()}: diagnostics link to the top of the rules page. ${(e as Error).message}`);
    }
  }

  /** The Uri the Problems panel and hovers link a diagnostic's code to. */
  target(code: RuleCode): vscode.Uri {
    const line = this.lines.get(code);
    return line ? this.uri.with({ fragment: `L${line}` }) : this.uri;
  }

  /** Opens the rules page (at a rule's section) rendered; falls back to the text at the heading's line. */
  async open(code?: RuleCode): Promise<void> {
    await this.ready;
    const fragment = code ? RULES[code].docsAnchor : undefined;
    try {
      await vscode.commands.executeCommand('markdown.showPreview', fragment ? this.uri.with({ fragment }) : this.uri);
    } catch {
      await vscode.commands.executeCommand('vscode.open', code ? this.target(code) : this.uri);
    }
  }
}
