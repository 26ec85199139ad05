// Payload diagnostics, after VS Code's own extension-editing linter: one class owns the DiagnosticCollection;
// opened and changed documents go into a Set and are checked after a debounce; closed documents are dropped
// and their diagnostics deleted. A document is checked when it is JSON/JSONC and either matches the include
// globs or mentions a SCIM URN near its top and turns out to be a payload (its `schemas` names a kind).
// "Closed" also means its last editor tab closed: VS Code keeps a TextDocument alive for a while after that
// (onDidCloseTextDocument comes late), and the diagnostics of a file the user closed should not linger.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MappingTable } from '../../scim/mapping';
import { isProvisioningConfiguration, loadMappingTable, validatePayload, validateProvisioningConfiguration, type PayloadKind, type Problem } from '../../validation';
import { positionsOf } from '../ranges';
import { SOURCE, editorDiagnostics, toDiagnostic } from './convert';
import type { MappingInfo, WorkspaceMappings } from './mappings';
import type { RuleDocs } from './ruleDocs';
import { DIAGNOSTICS_SETTINGS, readDiagnosticsConfig } from '../config';

export const DEBOUNCE_MS = 300;
/** How much of a document is searched for a SCIM URN to decide whether to check it at all. */
const SNIFF_CHARS = 4096;
const SCIM_URN = /urn:ietf:params:scim:/i;
const LANGUAGES: ReadonlySet<string> = new Set(['json', 'jsonc']);
/** Documents a user edits, the mock's resources opened as JSON (`scim-mock:`) included; not git's. */
const SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-remote', 'scim-mock']);
/** In a resource the server sent, its read-only attributes (id, meta, groups) are its own: a PUT may carry them. */
const SERVER_DOCUMENT_SKIPS: ReadonlySet<string> = new Set(['SCIM025']);

/** What a document is to this feature. */
type Role = 'none' | 'mapping' | 'payload' | 'candidate' | 'provisioning';

/** The result of the last check of a document version. */
export interface LintState {
  readonly version: number;
  /** Whether the document is treated as a SCIM payload (diagnostics, hover, completion, code actions). */
  readonly payload: boolean;
  /** Whether the document is a provisioning configuration (Entra's synchronizationSchema, docs/entra-expressions.md). */
  readonly provisioning?: boolean;
  readonly kind?: PayloadKind;
  readonly problems: readonly Problem[];
  readonly mapping: MappingInfo;
}

export class PayloadLinter implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('scim-workbench');
  private readonly pending = new Set<vscode.TextDocument>();
  private timer: NodeJS.Timeout | undefined;
  private readonly states = new Map<string, LintState>();
  private readonly emitter = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires after a document was checked (whatever the outcome). */
  readonly onDidLint = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly ready: Promise<unknown>;
  /** Documents shown in a tab at the last tab change. */
  private tabbed = tabbed();
  /** Documents still alive whose last tab closed: treated as closed until they are shown again. */
  private readonly untabbed = new Set<string>();

  constructor(private readonly mappings: WorkspaceMappings, private readonly docs: RuleDocs) {
    this.ready = Promise.all([mappings.ready, docs.ready]);
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => { this.untabbed.delete(doc.uri.toString()); this.schedule(doc); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) this.schedule(e.document); }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      vscode.window.tabGroups.onDidChangeTabs(() => this.followTabs()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (DIAGNOSTICS_SETTINGS.some((k) => e.affectsConfiguration(k))) this.lintAll(); }),
      mappings.onDidChange(() => this.lintAll()),
    ];
    this.lintAll();
  }

  /** Queues a document; the queue is checked DEBOUNCE_MS after the last change. */
  schedule(doc: vscode.TextDocument): void {
    if (!SCHEMES.has(doc.uri.scheme)) return;
    this.pending.add(doc);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.flush(); }, DEBOUNCE_MS);
  }

  /** Re-checks every open document and shows the problems of mapping files that are not open. */
  lintAll(): void {
    this.states.clear();
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
    void this.ready.then(() => this.showClosedMappingFiles());
  }

  private async flush(): Promise<void> {
    await this.ready;
    const docs = [...this.pending];
    this.pending.clear();
    for (const doc of docs) this.lint(doc);
  }

  /** The last check of the document's current version, checking it now if it changed since. */
  stateOf(doc: vscode.TextDocument): LintState | undefined {
    const known = this.states.get(doc.uri.toString());
    if (known && known.version === doc.version) return known;
    return this.lint(doc);
  }

  /** Whether hover, completion and code actions should act on the document (cheap: never validates). */
  acts(doc: vscode.TextDocument): boolean {
    const known = this.states.get(doc.uri.toString());
    if (known && known.version === doc.version) return known.payload;
    const role = this.role(doc);
    if (role === 'payload') return true;
    // A candidate being typed: what the last check said, or (first time) that it mentions a SCIM URN.
    return role === 'candidate' && (known ? known.payload : true);
  }

  /** Resolves once the document's current version has been checked (for tests and commands). */
  async whenLinted(doc: vscode.TextDocument): Promise<LintState | undefined> {
    await this.ready;
    const known = this.states.get(doc.uri.toString());
    if (known && known.version === doc.version) return known;
    if (!this.pending.has(doc)) return this.stateOf(doc);
    return new Promise((resolve) => {
      const sub = this.onDidLint((d) => {
        if (d !== doc || this.pending.has(doc)) return;
        sub.dispose();
        resolve(this.states.get(doc.uri.toString()));
      });
    });
  }

  private role(doc: vscode.TextDocument): Role {
    if (doc.isClosed || !SCHEMES.has(doc.uri.scheme) || this.untabbed.has(doc.uri.toString())) return 'none';
    if (this.mappings.isMappingFile(doc.uri)) return 'mapping';
    if (!LANGUAGES.has(doc.languageId)) return 'none';
    const config = readDiagnosticsConfig(doc.uri);
    if (!config.enabled) return 'none';
    if (isProvisioningConfiguration(doc.fileName, doc.getText())) return 'provisioning';
    if (this.included(doc, config.include)) return 'payload';
    const head = doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(SNIFF_CHARS)));
    return SCIM_URN.test(head) ? 'candidate' : 'none';
  }

  private included(doc: vscode.TextDocument, globs: readonly string[]): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    return globs.some((glob) => {
      const pattern = folder && !glob.startsWith('**') && !path.isAbsolute(glob) ? new vscode.RelativePattern(folder, glob) : glob;
      return vscode.languages.match({ pattern }, doc) > 0;
    });
  }

  private lint(doc: vscode.TextDocument): LintState | undefined {
    const key = doc.uri.toString();
    const role = this.role(doc);
    const mapping = this.mappings.infoFor(doc.uri);
    let state: LintState | undefined;
    if (role === 'mapping') {
      this.lintMappingFile(doc);
    } else if (role === 'provisioning') {
      state = this.lintProvisioning(doc, mapping);
    } else if (role === 'none') {
      this.collection.delete(doc.uri);
      state = { version: doc.version, payload: false, problems: [], mapping };
    } else {
      state = this.lintPayload(doc, role, mapping);
    }
    if (state) this.states.set(key, state);
    else this.states.delete(key);
    this.emitter.fire(doc);
    return state;
  }

  /** Over the size checked while typing: one note instead of diagnostics. */
  private tooLarge(doc: vscode.TextDocument): boolean {
    const { maxFileSizeKB } = readDiagnosticsConfig(doc.uri);
    const size = doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
    if (size <= maxFileSizeKB * 1024) return false;
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0),
      `This file is ${formatSize(size)}, over the ${formatSize(maxFileSizeKB * 1024)} that SCIM Workbench checks while you type (setting scimWorkbench.diagnostics.maxFileSizeKB). `
      + 'Raise the setting, or check it once with `scim-workbench lint <file>`.',
      vscode.DiagnosticSeverity.Information);
    d.source = SOURCE;
    this.collection.set(doc.uri, [d]);
    return true;
  }

  private lintProvisioning(doc: vscode.TextDocument, mapping: MappingInfo): LintState {
    if (this.tooLarge(doc)) return { version: doc.version, payload: false, provisioning: true, problems: [], mapping };
    const { problems } = validateProvisioningConfiguration(doc.getText());
    this.collection.set(doc.uri, editorDiagnostics(problems, doc, this.docs));
    return { version: doc.version, payload: false, provisioning: true, problems, mapping };
  }

  private lintPayload(doc: vscode.TextDocument, role: 'payload' | 'candidate', mapping: MappingInfo): LintState {
    if (this.tooLarge(doc)) return { version: doc.version, payload: false, problems: [], mapping };
    const validated = validatePayload(doc.getText(), { mapping: mapping.table });
    const result = doc.uri.scheme === 'scim-mock' ? { ...validated, problems: validated.problems.filter((p) => !SERVER_DOCUMENT_SKIPS.has(p.code)) } : validated;
    const payload = role === 'payload' || isPayload(result.kind, result.problems);
    this.collection.set(doc.uri, payload ? editorDiagnostics(result.problems, doc, this.docs, mapping) : []);
    return { version: doc.version, payload, kind: result.kind, problems: payload ? result.problems : [], mapping };
  }

  private lintMappingFile(doc: vscode.TextDocument): void {
    if (!readDiagnosticsConfig(doc.uri).enabled) {
      this.collection.delete(doc.uri);
      return;
    }
    const { problems } = loadMappingTable(doc.getText());
    this.collection.set(doc.uri, editorDiagnostics(problems, doc, this.docs));
  }

  /** Problems of mapping files as read from disk, for the ones no editor has open. */
  private showClosedMappingFiles(): void {
    const open = new Set(vscode.workspace.textDocuments.filter((d) => !this.untabbed.has(d.uri.toString())).map((d) => d.uri.toString()));
    for (const uri of this.mappings.files()) {
      if (!open.has(uri.toString())) this.collection.delete(uri);
    }
    for (const { uri, text, problems } of this.mappings.diskProblems()) {
      if (open.has(uri.toString()) || !readDiagnosticsConfig(uri).enabled) continue;
      const at = positionsOf(text);
      this.collection.set(uri, problems.map((p) => toDiagnostic(p, at, this.docs)));
    }
  }

  /** Drops documents whose last tab closed; checks those shown again. */
  private followTabs(): void {
    const now = tabbed();
    const before = this.tabbed;
    this.tabbed = now;
    for (const key of before) {
      if (now.has(key)) continue;
      this.untabbed.add(key);
      this.forget(vscode.Uri.parse(key));
    }
    for (const doc of vscode.workspace.textDocuments) {
      const key = doc.uri.toString();
      if (now.has(key) && !before.has(key) && this.untabbed.delete(key)) this.schedule(doc);
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    for (const doc of this.pending) if (doc.uri.toString() === key) this.pending.delete(doc);
    this.states.delete(key);
    this.collection.delete(uri);
    if (this.mappings.isMappingFile(uri)) this.showClosedMappingFiles();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc) this.emitter.fire(doc);
  }

  /** The table a document is checked against. */
  tableFor(doc: vscode.TextDocument): MappingTable {
    return this.mappings.infoFor(doc.uri).table;
  }

  /** The workspace folder whose mapping file applies to a document. */
  folderOf(doc: vscode.TextDocument): vscode.WorkspaceFolder | undefined {
    return this.mappings.folderOf(doc.uri);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.pending.clear();
    for (const d of this.subscriptions) d.dispose();
    this.collection.dispose();
    this.emitter.dispose();
  }
}

/**
 * Whether a JSON document that mentions a SCIM URN is a payload: its kind is known (from `schemas`, or
 * guessed from its keys) and it has a `schemas` (no SCIM010), so a JSON file that merely quotes a URN
 * somewhere gets no diagnostics.
 */
export function isPayload(kind: PayloadKind, problems: readonly Problem[]): boolean {
  return kind !== 'unknown' && !problems.some((p) => p.code === 'SCIM010');
}

/** The documents shown in an editor tab (text editors and both sides of diffs), as Uri strings. */
function tabbed(): Set<string> {
  const out = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputText) out.add(input.uri.toString());
      else if (input instanceof vscode.TabInputTextDiff) {
        out.add(input.original.toString());
        out.add(input.modified.toString());
      }
    }
  }
  return out;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}
