// Read-only documents whose text the extension made (Test Connection reports, responses): a content
// provider per URI scheme that keeps the text of the last few documents, forgets a document when its editor
// closes and can replace a document's text in place.
import * as vscode from 'vscode';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Documents whose language show() is setting: VS Code closes and reopens them, which is no editor closing. */
  private readonly relabelling = new Set<string>();

  /** `keep`: how many documents' texts are kept while their editors are closed. */
  constructor(readonly scheme: string, private readonly keep = 30) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(scheme, this),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === scheme && !this.relabelling.has(doc.uri.toString())) this.texts.delete(doc.uri.toString());
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString())
      ?? 'This document is no longer available: run the command that made it again.';
  }

  has(uri: vscode.Uri): boolean {
    return this.texts.has(uri.toString());
  }

  /** Sets the text of `uri` (an open editor shows the new text). */
  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    this.texts.delete(key);
    this.texts.set(key, text);
    const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === this.scheme).map((d) => d.uri.toString()));
    for (const k of this.texts.keys()) {
      if (this.texts.size <= this.keep) break;
      if (k !== key && !open.has(k)) this.texts.delete(k);
    }
    this.emitter.fire(uri);
  }

  /** Shows `uri` as a read-only editor in the language given. */
  async show(uri: vscode.Uri, language: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== language) {
      this.relabelling.add(uri.toString());
      try {
        doc = await vscode.languages.setTextDocumentLanguage(doc, language);
      } finally {
        this.relabelling.delete(uri.toString());
      }
    }
    return vscode.window.showTextDocument(doc, options);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.texts.clear();
  }
}
