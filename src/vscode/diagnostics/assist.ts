// Hover and completion on SCIM payloads, from the validator's describeAttributeAt and completionsAt, with the
// mapping table the document is checked against. Both act only where the diagnostics act.
import * as vscode from 'vscode';
import { rangeOf } from '../ranges';
import { completionsAt, describeAttributeAt } from '../../validation';
import type { PayloadLinter } from './linter';

export const COMPLETION_TRIGGERS = ['"'];

export class PayloadHoverProvider implements vscode.HoverProvider {
  constructor(private readonly linter: PayloadLinter) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.linter.acts(doc)) return undefined;
    const info = describeAttributeAt(doc.getText(), doc.offsetAt(position), { mapping: this.linter.tableFor(doc) });
    if (!info) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(info.contents), rangeOf(doc, info.offset, info.length));
  }
}

export class PayloadCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly linter: PayloadLinter) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    if (!this.linter.acts(doc)) return undefined;
    const text = doc.getText();
    const result = completionsAt(text, doc.offsetAt(position), { mapping: this.linter.tableFor(doc) });
    if (result.items.length === 0) return undefined;
    const range = rangeOf(doc, result.offset, result.length);
    // A key typed from scratch gets its colon; one that already has it (renaming a key) does not.
    const needsColon = !/^\s*:/.test(text.slice(result.offset + result.length, result.offset + result.length + 200));
    return result.items.map((c) => {
      const item = new vscode.CompletionItem(c.label, c.kind === 'property' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.Value);
      item.insertText = c.kind === 'property' && needsColon ? new vscode.SnippetString().appendText(`${c.insertText}: `).appendTabstop(0) : c.insertText;
      // The range starts at the opening quote, so the typed text VS Code filters by includes it.
      item.filterText = c.insertText;
      item.range = range;
      item.sortText = c.sortText;
      if (c.detail) item.detail = c.detail;
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      return item;
    });
  }
}
