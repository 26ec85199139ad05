// Users and groups of the mock server as JSON documents (`scim-mock:/Users/<id>.json`). Opening reads the
// resource; saving sends a real PUT to the running server — with If-Match, so a change made meanwhile (by
// Entra, say) is not overwritten — and reports the server's answer. Open editors follow changes on the server.
import * as vscode from 'vscode';
import { HttpClient } from '../../client/http';
import { scimErrorInfo } from '../../client/scim';
import type { MockServerController } from '../mock/controller';

export const RESOURCE_SCHEME = 'scim-mock';

type Kind = 'Users' | 'Groups';

export function resourceUri(kind: Kind, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/${kind}/${encodeURIComponent(id)}.json` });
}

function parse(uri: vscode.Uri): { kind: Kind; id: string } {
  const m = /^\/(Users|Groups)\/([^/]+)\.json$/.exec(uri.path);
  if (!m) throw vscode.FileSystemError.FileNotFound(uri);
  return { kind: m[1] as Kind, id: decodeURIComponent(m[2] as string) };
}

export class ResourceFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** The version each open document was read at, sent as If-Match on save. */
  private readonly versions = new Map<string, string>();
  private readonly subscription: vscode.Disposable;
  private readonly http = new HttpClient();

  constructor(private readonly mock: MockServerController) {
    this.subscription = mock.onDidChangeDirectory((e) => {
      if (e.type === 'reset' || e.type === 'seeded') return;
      const uri = resourceUri(e.resourceType === 'User' ? 'Users' : 'Groups', e.id);
      this.emitter.fire([{ type: e.type === 'deleted' ? vscode.FileChangeType.Deleted : vscode.FileChangeType.Changed, uri }]);
    });
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
    const view = this.read(uri);
    this.versions.set(uri.toString(), view.version);
    return Buffer.from(JSON.stringify(view.resource(), null, 2) + '\n', 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { kind, id } = parse(uri);
    const state = this.mock.state;
    if (state.status !== 'running') throw vscode.FileSystemError.Unavailable('The mock SCIM server is not running: start it, then save again.');
    const text = Buffer.from(content).toString('utf8');
    try {
      JSON.parse(text);
    } catch (e) {
      throw new Error(`Not sent: the document is not valid JSON (${(e as Error).message}).`);
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
    vscode.window.setStatusBarMessage(`$(check) PUT /${kind}/${id} → ${response.status} ${response.statusText} (${Math.round(response.durationMs)} ms)`, 5000);
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
    this.subscription.dispose();
    this.emitter.dispose();
    void this.http.close();
  }
}
