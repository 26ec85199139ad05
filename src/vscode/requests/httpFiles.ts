// Request files (`.http`/`.rest`, language id `http`): a "Send Request" CodeLens above each request with the
// file's connection beside it, and the file's problems as diagnostics — syntax, variables that cannot be filled
// in, credentials written into the file, and the payload rules' errors on JSON bodies sent to /Users or
// /Groups (the workspace's mapping table, as for *.scim.json files) — with exact ranges, linted 300 ms after
// the last change — and a hover on a request's filter saying what MURAL does with it. Each file parse is cached
// per document version. The connection chosen for a file is remembered per workspace.
import * as vscode from 'vscode';
import { parseHttpFile, resolveRequest, type HttpFile, type HttpFileProblem, type HttpFileRequest, type TextPart } from '../../client/httpFile';
import { describeQueryAt } from '../../validation';
import { codeLensEnabled, settingId } from '../config';
import { rangeOf } from '../ranges';
import type { ConnectionService } from '../connections/service';
import { requestBodyProblems } from '../../client/requestBody';
import { toDiagnostic } from '../diagnostics/convert';
import type { PayloadDiagnostics } from '../diagnostics/register';

export const HTTP_LANGUAGE = 'http';
/** Request files on disk and unsaved ones; never the response documents, which are `http` too. */
export const HTTP_FILES: vscode.DocumentSelector = [{ language: HTTP_LANGUAGE, scheme: 'file' }, { language: HTTP_LANGUAGE, scheme: 'untitled' }];
const FILE_CONNECTIONS_KEY = 'scimWorkbench.requests.fileConnections';
/** At most this many files remember their connection (the oldest choices are forgotten first). */
const MAX_REMEMBERED = 200;
const LINT_DEBOUNCE_MS = 300;
/** Stand-ins for the connection's variables while linting: only what no connection can fill is reported. */
const LINT_CONTEXT = { tenantUrl: 'https://tenant.invalid/scim', token: 'token' };

export function isRequestFile(doc: vscode.TextDocument): boolean {
  return doc.languageId === HTTP_LANGUAGE && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
}

/** The request uses the connection: its URL is relative or it (or a file variable) refers to {{tenantUrl}} or {{token}}. */
export function needsConnection(file: HttpFile, request: HttpFileRequest): boolean {
  if (!/^\s*(https?:\/\/|\{\{)/i.test(request.url)) return true;
  const texts = [
    ...request.urlParts.map((p) => p.text),
    ...request.headers.map((h) => h.value),
    request.body?.text ?? '',
    ...[...file.variables.values()].map((v) => v.value),
  ];
  return texts.some((t) => /\{\{\s*(tenantUrl|token)\s*\}\}/.test(t));
}

/** The request's problems that no connection can fix (syntax, undefined variables): checked before asking for one. */
export function problemsWithoutConnection(file: HttpFile, request: HttpFileRequest): readonly HttpFileProblem[] {
  return resolveRequest(file, request, LINT_CONTEXT).problems;
}

/** Problems of the whole file: syntax, unresolvable variables, credentials in plain text. */
export function fileProblems(file: HttpFile): HttpFileProblem[] {
  const out = [...file.problems];
  const seen = new Set(out.map((p) => `${p.offset}:${p.message}`));
  const push = (p: HttpFileProblem) => {
    const key = `${p.offset}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const request of file.requests) {
    for (const p of resolveRequest(file, request, LINT_CONTEXT).problems) push(p);
    for (const h of request.headers) {
      if (!/^(proxy-)?authorization$/i.test(h.name) || h.value.includes('{{') || !h.value.trim()) continue;
      push({
        message: `A credential in plain text: write "${h.name}: Bearer {{token}}" to take it from the connection's secret storage.`,
        severity: 'warning', offset: h.valueOffset, length: h.value.length, ...file.lines.position(h.valueOffset),
      });
    }
  }
  return out;
}

export class RequestFiles implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('scim-requests');
  private readonly parsed = new Map<string, { version: number; file: HttpFile }>();
  private readonly dirty = new Set<vscode.TextDocument>();
  private timer: NodeJS.Timeout | undefined;
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly state: vscode.Memento, private readonly service: ConnectionService, private readonly payloads: Pick<PayloadDiagnostics, 'mappings' | 'docs'>) {
    this.subscriptions = [
      payloads.mappings.onDidChange(() => { for (const d of vscode.workspace.textDocuments) this.lint(d); }),
      vscode.workspace.onDidOpenTextDocument((d) => this.lint(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isRequestFile(e.document)) return;
        this.dirty.add(e.document);
        if (!this.timer) this.timer = setTimeout(() => this.flush(), LINT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.diagnostics.delete(d.uri);
        this.parsed.delete(d.uri.toString());
        this.dirty.delete(d);
      }),
      service.store.onDidChange(() => this.lensEmitter.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.lensEmitter.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId('requests.codeLens'))) this.lensEmitter.fire();
      }),
    ];
    for (const d of vscode.workspace.textDocuments) this.lint(d);
  }

  /** The document's parse, cached per version. */
  parse(doc: vscode.TextDocument): HttpFile {
    const key = doc.uri.toString();
    const cached = this.parsed.get(key);
    if (cached?.version === doc.version) return cached.file;
    const file = parseHttpFile(doc.getText());
    this.parsed.set(key, { version: doc.version, file });
    return file;
  }

  private flush(): void {
    this.timer = undefined;
    const docs = [...this.dirty];
    this.dirty.clear();
    for (const d of docs) if (!d.isClosed) this.lint(d);
  }

  /** Sets the diagnostics of a request file now. */
  lint(doc: vscode.TextDocument): void {
    if (!isRequestFile(doc)) return;
    const diagnostics = fileProblems(this.parse(doc)).map((p) => {
      const d = new vscode.Diagnostic(
        rangeOf(doc, p.offset, p.length),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'SCIM Workbench';
      return d;
    });
    const mapping = this.payloads.mappings.infoFor(doc.uri);
    for (const request of this.parse(doc).requests) {
      for (const p of requestBodyProblems(request, { mapping: mapping.table })) {
        // Only what the server would refuse: a request file mimics Entra, whose own forms ("Replace", "False")
        // MURAL accepts; payload files get those warnings and notes.
        if (p.severity === 'error') diagnostics.push(toDiagnostic(p, doc, this.payloads.docs, mapping));
      }
    }
    this.diagnostics.set(doc.uri, diagnostics);
  }

  /** The connection remembered for `uri`, if it still exists. */
  connectionFor(uri: vscode.Uri): string | undefined {
    const id = this.state.get<Record<string, string>>(FILE_CONNECTIONS_KEY, {})[uri.toString()];
    return id && this.service.store.info(id) ? id : undefined;
  }

  async remember(uri: vscode.Uri, connectionId: string): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(FILE_CONNECTIONS_KEY, {}) };
    delete all[uri.toString()];
    all[uri.toString()] = connectionId;
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED))) delete all[k];
    await this.state.update(FILE_CONNECTIONS_KEY, all);
    this.lensEmitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isRequestFile(doc) || !codeLensEnabled()) return [];
    const file = this.parse(doc);
    const trusted = vscode.workspace.isTrusted;
    const remembered = this.connectionFor(doc.uri);
    const connectionName = remembered ? this.service.store.info(remembered)?.name : undefined;
    const lenses: vscode.CodeLens[] = [];
    for (const r of file.requests) {
      const range = new vscode.Range(r.requestLine, 0, r.requestLine, 0);
      lenses.push(new vscode.CodeLens(range, trusted
        ? { title: '$(play) Send Request', tooltip: `Send ${r.method}${r.name ? ` "${r.name}"` : ''}${connectionName ? ` to ${connectionName}` : ''}`, command: 'scimWorkbench.requests.send', arguments: [doc.uri, r.requestLine] }
        : { title: '$(shield) Send Request: trust this workspace first', tooltip: 'Requests are not sent from files of an untrusted workspace.', command: 'workbench.trust.manage' }));
      lenses.push(new vscode.CodeLens(range, {
        title: `$(plug) ${connectionName ?? 'Choose connection'}`,
        tooltip: 'The connection {{tenantUrl}} and {{token}} come from — click to change it for this file',
        command: 'scimWorkbench.requests.chooseConnection',
        arguments: [doc.uri],
      }));
    }
    return lenses;
  }

  /** On a request line's `filter` or `sortBy`: what MURAL does with it (src/validation/queryHover.ts). */
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = doc.offsetAt(position);
    const request = this.parse(doc).requests.find((r) => position.line >= r.startLine && position.line <= r.endLine);
    if (!request) return undefined;
    // Offsets in the joined URL ↔ offsets in the document, part by part (continuation lines).
    let before = 0;
    const starts = request.urlParts.map((p) => { const at = before; before += p.text.length; return at; });
    const i = request.urlParts.findIndex((p) => offset >= p.offset && offset < p.offset + p.text.length);
    if (i < 0) return undefined;
    const part = request.urlParts[i] as TextPart;
    const info = describeQueryAt(request.url, (starts[i] as number) + offset - part.offset, this.payloads.mappings.infoFor(doc.uri).table);
    if (!info) return undefined;
    let j = starts.length - 1;
    while (j > 0 && (starts[j] as number) > info.offset) j--;
    const host = request.urlParts[j] as TextPart;
    const start = host.offset + info.offset - (starts[j] as number);
    const end = Math.min(start + info.length, host.offset + host.text.length);
    return new vscode.Hover(new vscode.MarkdownString(info.contents), rangeOf(doc, start, end - start));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
    this.lensEmitter.dispose();
  }
}
