// Users and groups of the mock server as JSON documents (`scim-mock:/Users/<id>/<userName>.json`, so the tab is
// named as the user is, and `/Groups/<id>/<displayName>.json`). Opening reads the
// resource; an explicit save (Ctrl+S) or "Save to Server" sends a real PUT to the running server — with If-Match,
// so a change made meanwhile (by Entra, say) is not overwritten — after asking when the payload rules find errors
// in it, and says what the server changed or dropped. Auto-save sends nothing: it keeps the edits as a draft. Open editors follow changes on the server
// (batched, and only for open documents: see ResourceFileSystem).
import * as vscode from 'vscode';
import { HttpClient } from '../../client/http';
import { resourceChanges } from '../../client/resourceChanges';
import { scimErrorInfo } from '../../client/scim';
import type { ChangeEvent } from '../../mock/service';
import type { MockServerController } from '../mock/controller';
import { tabName } from './source';

export const RESOURCE_SCHEME = 'scim-mock';

type Kind = 'Users' | 'Groups';

/**
 * A resource document's URI: the id locates the resource, the last segment (its userName or displayName, the
 * id when it has none) only names the tab; a rename on the server leaves an open tab's name as it was.
 */
export function resourceUri(kind: Kind, id: string, name?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/${kind}/${encodeURIComponent(id)}/${tabName(name, id)}.json` });
}

/** The resource a document shows, or undefined when the URI is not a resource document's. */
export function resourceOf(uri: vscode.Uri): { kind: Kind; id: string } | undefined {
  const m = uri.scheme === RESOURCE_SCHEME ? /^\/(Users|Groups)\/([^/]+)\/[^/]+\.json$/.exec(uri.path) : null;
  return m ? { kind: m[1] as Kind, id: decodeURIComponent(m[2] as string) } : undefined;
}

function parse(uri: vscode.Uri): { kind: Kind; id: string } {
  const r = resourceOf(uri);
  if (!r) throw vscode.FileSystemError.FileNotFound(uri);
  return r;
}

/** How long changes to open documents are gathered before the workbench hears of them. */
export const CHANGE_BATCH_MS = 100;

/** The resource documents a directory change touches: the resource itself and the other side of memberships. */
function touched(e: ChangeEvent): { kind: Kind; id: string; deleted: boolean }[] {
  if (e.type === 'reset' || e.type === 'seeded' || e.type === 'reloaded') return [];
  const self = { kind: e.resourceType === 'User' ? 'Users' as const : 'Groups' as const, id: e.id, deleted: e.type === 'deleted' };
  if (e.type === 'membersAdded' || e.type === 'membersRemoved') return [self, ...e.userIds.map((id) => ({ kind: 'Users' as const, id, deleted: false }))];
  if (e.type === 'deactivated') return [self, ...e.lostWorkspaces.map((w) => ({ kind: 'Groups' as const, id: w.id, deleted: false }))];
  return [self];
}

/**
 * Change events go to the workbench only for resource documents that are open, gathered for CHANGE_BATCH_MS
 * into one event: a provisioning burst writes thousands of users a second, and an event per write (each a
 * message to the workbench) kept the extension host and the browser busy for nothing.
 */
export class ResourceFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** The version each open document was read at, sent as If-Match on save. */
  private readonly versions = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly http = new HttpClient();
  /** Open resource documents, by kind and id (`Users/<id>`). */
  private readonly open = new Map<string, vscode.Uri>();
  /** Changes of open documents not yet sent, by kind and id. */
  private readonly pending = new Map<string, vscode.FileChangeEvent>();
  private timer: NodeJS.Timeout | undefined;
  /** Why each resource document is being saved (set just before writeFile). */
  private readonly saveReasons = new Map<string, vscode.TextDocumentSaveReason>();
  /** Edits kept by auto-save and not sent, by URI text: what readFile returns until they are sent. */
  private readonly drafts = new Map<string, string>();

  constructor(private readonly mock: MockServerController) {
    const track = (doc: vscode.TextDocument, opened: boolean) => {
      const r = resourceOf(doc.uri);
      if (!r) return;
      if (opened) this.open.set(`${r.kind}/${r.id}`, doc.uri);
      else if (this.open.get(`${r.kind}/${r.id}`)?.toString() === doc.uri.toString()) this.open.delete(`${r.kind}/${r.id}`);
    };
    for (const doc of vscode.workspace.textDocuments) track(doc, true);
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => track(d, true)),
      vscode.workspace.onDidCloseTextDocument((d) => track(d, false)),
      mock.onDidChangeDirectory((e) => this.changed(e)),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document.uri.scheme === RESOURCE_SCHEME) this.saveReasons.set(e.document.uri.toString(), e.reason);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.drafts.delete(d.uri.toString())),
    ];
  }

  private changed(e: ChangeEvent): void {
    if (this.open.size === 0) return;
    if (e.type === 'reset') {
      for (const [key, uri] of this.open) this.pending.set(key, { type: vscode.FileChangeType.Deleted, uri });
    }
    if (e.type === 'reloaded') {
      for (const [key, uri] of this.open) this.pending.set(key, { type: vscode.FileChangeType.Changed, uri });
    }
    for (const t of touched(e)) {
      const key = `${t.kind}/${t.id}`;
      const uri = this.open.get(key);
      if (uri) this.pending.set(key, { type: t.deleted ? vscode.FileChangeType.Deleted : vscode.FileChangeType.Changed, uri });
    }
    if (this.pending.size > 0 && !this.timer) this.timer = setTimeout(() => this.flush(), CHANGE_BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const events = [...this.pending.values()];
    this.pending.clear();
    if (events.length > 0) this.emitter.fire(events);
  }

  private read(uri: vscode.Uri) {
    const svc = this.mock.service;
    if (!svc) throw vscode.FileSystemError.Unavailable('The mock SCIM server is not running: start it to open its users and groups.');
    const { kind, id } = parse(uri);
    try {
      return svc.read(kind === 'Users' ? 'User' : 'Group', id);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const view = this.read(uri);
    const meta = view.resource().meta as { created?: string; lastModified?: string };
    return {
      type: vscode.FileType.File,
      ctime: Date.parse(meta.created ?? '') || 0,
      mtime: Date.parse(meta.lastModified ?? '') || 0,
      size: Buffer.byteLength(view.json()),
    };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const draft = this.drafts.get(uri.toString());
    if (draft !== undefined) return Buffer.from(draft, 'utf8');
    const view = this.read(uri);
    this.versions.set(uri.toString(), view.version);
    return Buffer.from(JSON.stringify(view.resource(), null, 2) + '\n', 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const key = uri.toString();
    const reason = this.saveReasons.get(key);
    this.saveReasons.delete(key);
    const text = Buffer.from(content).toString('utf8');
    if (reason !== undefined && reason !== vscode.TextDocumentSaveReason.Manual) {
      this.drafts.set(key, text);
      vscode.window.setStatusBarMessage('$(info) Auto-save does not send to the mock server: use "Save to Server" (or Ctrl+S while editing) to send the PUT.', 8000);
      return;
    }
    await this.send(uri, text);
  }

  /** The URI to open a resource at: its open document's, else a new one named by `name`. */
  uriFor(kind: Kind, id: string, name: string | undefined): vscode.Uri {
    return this.open.get(`${kind}/${id}`) ?? resourceUri(kind, id, name);
  }

  /** Sends the document's text as a PUT (after asking, when the payload rules find errors) and reports the answer. */
  async send(uri: vscode.Uri, text: string): Promise<boolean> {
    const { kind, id } = parse(uri);
    const state = this.mock.state;
    if (state.status !== 'running') throw vscode.FileSystemError.Unavailable('The mock SCIM server is not running: start it, then save again.');
    try {
      JSON.parse(text);
    } catch (e) {
      throw new Error(`Not sent: the document is not valid JSON (${(e as Error).message}).`);
    }
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    if (errors.length > 0) {
      const send = 'Send Anyway';
      const choice = await vscode.window.showWarningMessage(`Send PUT /${kind}/${id} with ${errors.length === 1 ? 'an error' : `${errors.length} errors`}?`, {
        modal: true,
        detail: `Line ${(errors[0] as vscode.Diagnostic).range.start.line + 1}: ${(errors[0] as vscode.Diagnostic).message}${errors.length > 1 ? ` (and ${errors.length - 1} more, in Problems)` : ''}`,
      }, send);
      if (choice !== send) throw new Error(`Not sent: PUT /${kind}/${id} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`} (see Problems).`);
    }
    const version = this.versions.get(uri.toString());
    const response = await this.http.send(
      { method: 'PUT', url: `/${kind}/${encodeURIComponent(id)}`, headers: version ? { 'If-Match': version } : {}, body: text },
      { connection: { tenantUrl: state.url, token: await this.mock.token(), authScheme: 'Bearer' } },
    );
    const error = scimErrorInfo(response);
    if (error) {
      const hint = response.status === 412
        ? ' The resource changed on the server after you opened it (Entra or another client wrote to it). Copy your edits, reopen it, and apply them again.'
        : '';
      throw new Error(`PUT /${kind}/${id} answered ${error.summary}.${hint}`);
    }
    const etag = response.headers.etag;
    if (etag) this.versions.set(uri.toString(), etag);
    this.drafts.delete(uri.toString());
    const done = `PUT /${kind}/${id} → ${response.status} ${response.statusText} (${Math.round(response.durationMs)} ms)`;
    const { dropped, changed } = resourceChanges(JSON.parse(text), response.json);
    if (dropped.length || changed.length) {
      const parts = [...(dropped.length ? [`dropped ${dropped.join(', ')}`] : []), ...(changed.length ? [`changed ${changed.join(', ')}`] : [])];
      void vscode.window.showWarningMessage(`${done}: the server ${parts.join(' and ')}; the editor now shows what it kept.`);
    } else {
      vscode.window.setStatusBarMessage(`$(check) ${done}`, 5000);
    }
    return true;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions) d.dispose();
    this.emitter.dispose();
    void this.http.close();
  }
}
