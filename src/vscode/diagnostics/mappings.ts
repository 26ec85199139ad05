// Each workspace folder's attribute-mapping table: `.vscode/scim-mapping.json` (setting
// scimWorkbench.mappingFile), read with workspace.fs, watched, and checked by loadMappingTable. A valid file
// replaces MURAL's table for the folder's payloads; an invalid one leaves MURAL's table in force, with its
// problems shown on the file and one warning when it turns invalid. An untrusted workspace's file is not read.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MURAL_MAPPING, type MappingTable } from '../../scim/mapping';
import { loadMappingTable, type Problem } from '../../validation';
import { MAPPING_FILE_SETTING, readMappingFileSetting } from '../config';

export type MappingSource =
  /** No mapping file (or it cannot be read as a file): MURAL's table. */
  | 'default'
  /** The folder's mapping file, valid. */
  | 'workspace'
  /** The folder's mapping file has problems: MURAL's table until they are fixed. */
  | 'invalid'
  /** Untrusted workspace: the mapping file is not read. */
  | 'untrusted';

export interface MappingInfo {
  readonly table: MappingTable;
  readonly source: MappingSource;
  /** The mapping file the folder's setting names (whether or not it exists). */
  readonly uri?: vscode.Uri;
}

/** What was read from a folder's mapping file on disk. */
interface FolderState {
  readonly folder: vscode.WorkspaceFolder;
  readonly uri: vscode.Uri;
  readonly watcher: vscode.FileSystemWatcher;
  source: MappingSource;
  table?: MappingTable;
  /** The file's text and problems as last read (for diagnostics while the file is not open). */
  disk?: { text: string; problems: Problem[] };
  /** Increases with every load; a load that finishes after a newer one started is dropped. */
  generation: number;
}

export class WorkspaceMappings implements vscode.Disposable {
  private readonly folders = new Map<string, FolderState>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when any folder's table, source or mapping-file problems change. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(MAPPING_FILE_SETTING)) this.rebuild(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.rebuild()),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const state = this.stateOfFile(doc.uri);
        if (state) void this.reload(state);
      }),
    ];
    this.rebuild();
  }

  /** Settles when the mapping files known now have been read. */
  get ready(): Promise<void> {
    return this.loading;
  }

  /** The folder whose mapping applies to a document: its own, or the first folder's for untitled documents. */
  folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.getWorkspaceFolder(uri) ?? (uri.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0] : undefined);
  }

  /** The mapping file a folder's setting names. */
  mappingUri(folder: vscode.WorkspaceFolder): vscode.Uri {
    const setting = readMappingFileSetting(folder);
    return path.isAbsolute(setting) ? vscode.Uri.file(setting) : vscode.Uri.joinPath(folder.uri, ...setting.split(/[\\/]+/));
  }

  /** The table that applies to a document, and where it comes from. */
  infoFor(uri: vscode.Uri): MappingInfo {
    const folder = this.folderOf(uri);
    const state = folder ? this.folders.get(folder.uri.toString()) : undefined;
    if (!state) return { table: MURAL_MAPPING, source: vscode.workspace.isTrusted ? 'default' : 'untrusted' };
    return { table: state.table ?? MURAL_MAPPING, source: state.source, uri: state.uri };
  }

  /** Whether the document is a folder's mapping file (in a trusted workspace). */
  isMappingFile(uri: vscode.Uri): boolean {
    return this.stateOfFile(uri) !== undefined;
  }

  /** Mapping files with problems as last read from disk, for diagnostics while they are not open. */
  *diskProblems(): Iterable<{ uri: vscode.Uri; text: string; problems: readonly Problem[] }> {
    for (const s of this.folders.values()) {
      if (s.disk && s.disk.problems.length > 0) yield { uri: s.uri, ...s.disk };
    }
  }

  /** Every mapping file this workspace reads (for clearing their diagnostics). */
  files(): vscode.Uri[] {
    return [...this.folders.values()].map((s) => s.uri);
  }

  /** Reads a folder's mapping file again (after the create command wrote it, say). */
  reloadFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    const state = this.folders.get(folder.uri.toString());
    return state ? this.reload(state) : Promise.resolve();
  }

  private stateOfFile(uri: vscode.Uri): FolderState | undefined {
    const key = uri.toString();
    for (const s of this.folders.values()) if (s.uri.toString() === key) return s;
    return undefined;
  }

  /** Watches and reads every folder's mapping file anew (folders, the setting or trust changed). */
  private rebuild(): void {
    for (const s of this.folders.values()) s.watcher.dispose();
    this.folders.clear();
    if (!vscode.workspace.isTrusted) {
      this.loading = Promise.resolve();
      this.emitter.fire();
      return;
    }
    const loads: Promise<void>[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = this.mappingUri(folder);
      const setting = readMappingFileSetting(folder);
      // A relative path is watched from the folder itself, which the workspace watcher already covers.
      const pattern = path.isAbsolute(setting)
        ? new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), path.posix.basename(uri.path))
        : new vscode.RelativePattern(folder, setting.split(/[\\/]+/).join('/'));
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const state: FolderState = { folder, uri, watcher, source: 'default', generation: 0 };
      const reload = () => { void this.reload(state); };
      watcher.onDidCreate(reload);
      watcher.onDidChange(reload);
      watcher.onDidDelete(reload);
      this.folders.set(folder.uri.toString(), state);
      loads.push(this.reload(state));
    }
    this.loading = Promise.all(loads).then(() => undefined);
  }

  private async reload(state: FolderState): Promise<void> {
    const generation = ++state.generation;
    const before = state.source;
    let text: string | undefined;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(state.uri)).toString('utf8');
    } catch (e) {
      if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) {
        this.log.warn(`Could not read the attribute mapping file ${state.uri.fsPath}: ${(e as Error).message}. Payloads are checked against MURAL's table.`);
      }
    }
    if (generation !== state.generation || this.folders.get(state.folder.uri.toString()) !== state) return;
    if (text === undefined) {
      state.source = 'default';
      delete state.table;
      delete state.disk;
    } else {
      const loaded = loadMappingTable(text);
      state.disk = { text, problems: loaded.problems };
      if (loaded.table) {
        state.source = 'workspace';
        state.table = loaded.table;
      } else {
        state.source = 'invalid';
        delete state.table;
      }
    }
    this.log.info(`Attribute mapping for ${state.folder.name}: ${describeSource(state.source, state.uri)}.`);
    if (state.source === 'invalid' && before !== 'invalid') this.warnInvalid(state);
    this.emitter.fire();
  }

  private warnInvalid(state: FolderState): void {
    const count = state.disk?.problems.filter((p) => p.severity === 'error').length ?? 0;
    const name = vscode.workspace.asRelativePath(state.uri);
    void vscode.window.showWarningMessage(
      `The attribute mapping file ${name} has ${count === 1 ? 'a problem' : `${count} problems`}, so SCIM payloads are checked against MURAL's default table until ${count === 1 ? 'it is' : 'they are'} fixed.`,
      'Open Mapping File',
    ).then((choice) => {
      if (choice) void vscode.window.showTextDocument(state.uri);
    });
  }

  dispose(): void {
    for (const s of this.folders.values()) s.watcher.dispose();
    this.folders.clear();
    for (const d of this.subscriptions) d.dispose();
    this.emitter.dispose();
  }
}

export function describeSource(source: MappingSource, uri?: vscode.Uri): string {
  const name = uri ? vscode.workspace.asRelativePath(uri) : 'the mapping file';
  switch (source) {
    case 'workspace': return `the workspace's own table from ${name}`;
    case 'invalid': return `MURAL's table, because ${name} has problems`;
    case 'untrusted': return 'MURAL\'s table (the workspace is not trusted, so no mapping file is read)';
    default: return 'MURAL\'s table';
  }
}
