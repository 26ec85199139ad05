// The mock MURAL SCIM server inside the extension host: the same ScimService + MockServer the CLI runs,
// started on the configured port with the token from SecretStorage and the directory persisted in the
// extension's workspace storage. It owns both and closes them synchronously on dispose (deactivate may be cut short).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MockServer } from '../../mock/server';
import { ScimService, type ChangeEvent } from '../../mock/service';
import { RingBuffer, type RequestLogEntry } from '../../mock/requestLog';
import { readMockConfig, type MockConfig } from '../config';
import { MockToken, type TokenStorage } from './token';

export type MockState =
  | { readonly status: 'stopped' }
  /** dataFile: the saved directory being loaded, of `bytes`. */
  | { readonly status: 'starting'; readonly dataFile?: string; readonly bytes: number }
  | { readonly status: 'running'; readonly port: number; readonly url: string; readonly dataFile?: string }
  | { readonly status: 'error'; readonly message: string };

export type StartResult =
  | { readonly ok: true; readonly port: number; readonly url: string }
  | { readonly ok: false; readonly reason: 'portInUse'; readonly port: number; readonly host: string; readonly message: string }
  | { readonly ok: false; readonly reason: 'failed'; readonly message: string };

const DATA_FILE_NAME = 'mock-directory.jsonl';
/** The 401 advice in VS Code: where the token is, in the words of the palette and the status bar. */
export const TOKEN_ADVICE = 'in VS Code run "SCIM: Copy Secret Token" (or click the SCIM mock status bar item) and paste that token into the client.';

export class MockServerController implements vscode.Disposable {
  private server: MockServer | undefined;
  private svc: ScimService | undefined;
  private current: MockState = { status: 'stopped' };
  private transition: Promise<unknown> = Promise.resolve();
  private readonly stateEmitter = new vscode.EventEmitter<MockState>();
  private readonly changeEmitter = new vscode.EventEmitter<ChangeEvent>();
  private readonly requestEmitter = new vscode.EventEmitter<RequestLogEntry>();
  /** Outlives each server so the provisioning log survives a stop or restart. */
  private requestLog: RingBuffer<RequestLogEntry> | undefined;

  /** Fires on every state change (stopped, starting, running, error). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** What changed in the directory (from HTTP requests and from the extension's own actions). */
  readonly onDidChangeDirectory = this.changeEmitter.event;
  /** One entry per request the server answered. */
  readonly onDidRequest = this.requestEmitter.event;

  private readonly secret: MockToken;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    this.secret = new MockToken(context, log);
  }

  get state(): MockState {
    return this.current;
  }

  /** The running directory, or undefined when the server is stopped. */
  get service(): ScimService | undefined {
    return this.svc;
  }

  /** The running HTTP server, or undefined. */
  get httpServer(): MockServer | undefined {
    return this.server;
  }

  /** Requests served since the extension started (bounded by the requestLogSize setting), oldest first. */
  requests(): RequestLogEntry[] {
    return this.requestLog?.toArray() ?? [];
  }

  /** How many requests the log holds now. */
  get requestCount(): number {
    return this.requestLog?.size ?? 0;
  }

  clearRequests(): void {
    this.requestLog?.clear();
  }

  /** The log for the next server: the one kept so far, resized to the setting. */
  private logFor(size: number): RingBuffer<RequestLogEntry> {
    this.requestLog ??= new RingBuffer<RequestLogEntry>(size);
    this.requestLog.resize(size);
    return this.requestLog;
  }

  /** Applies the requestLogSize setting at once (the running server shares the log): keeps the newest entries. */
  resizeRequestLog(size: number): void {
    this.logFor(size);
  }

  /** The secret clients must send; generated on first use and kept across reloads (see token.ts). */
  token(): Promise<string> {
    return this.secret.get();
  }

  /** Where the token is kept, and a sentence saying so to the user. */
  get tokenStorage(): TokenStorage & { readonly description: string } {
    return { ...this.secret.storage, description: this.secret.describeStorage() };
  }

  /** Replaces the token; a running server rejects the old one from now on. */
  async regenerateToken(): Promise<string> {
    const fresh = await this.secret.regenerate();
    this.server?.setToken(fresh);
    return fresh;
  }

  /** Where the directory is saved under the current settings (undefined: in memory only). */
  dataFile(config: MockConfig = readMockConfig()): string | undefined {
    if (!config.persist) return undefined;
    if (config.dataFile) {
      if (path.isAbsolute(config.dataFile)) return config.dataFile;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      return folder ? path.join(folder, config.dataFile) : undefined;
    }
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    return path.join(storage.fsPath, DATA_FILE_NAME);
  }

  /**
   * Starts the server with the current settings; `port` overrides the setting (0 picks a free port).
   * Never throws: the result says why it did not start (a taken port is reported, not retried silently).
   */
  start(port?: number): Promise<StartResult> {
    return this.serialize(() => this.doStart(port));
  }

  /**
   * The running server once a start under way has settled (commands wait for it instead of saying the
   * server is not running); undefined when it is stopped or failed to start.
   */
  async ready(): Promise<Extract<MockState, { status: 'running' }> | undefined> {
    if (this.current.status === 'starting') await this.transition;
    return this.current.status === 'running' ? this.current : undefined;
  }

  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  /** Applies the compatibility switches to a running server (they need no restart). */
  applySwitches(): void {
    this.svc?.configure(readMockConfig().options);
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.transition.then(fn, fn);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private setState(state: MockState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private async doStart(portOverride: number | undefined): Promise<StartResult> {
    if (this.current.status === 'running') {
      return { ok: true, port: this.current.port, url: this.current.url };
    }
    const config = readMockConfig();
    const port = portOverride ?? config.port;
    const dataFile = this.dataFile(config);
    let bytes = 0;
    try {
      if (dataFile) bytes = fs.statSync(dataFile).size;
    } catch {
      // A new data file: nothing to load.
    }
    this.setState({ status: 'starting', ...(dataFile ? { dataFile } : {}), bytes });
    let service: ScimService | undefined;
    try {
      if (dataFile) await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(dataFile)));
      service = await ScimService.open({ dataFile, options: config.options });
      const server = new MockServer(service, { token: await this.token(), host: config.host, port, requestLog: this.logFor(config.requestLogSize), tokenAdvice: TOKEN_ADVICE });
      const { port: actual, url } = await server.start();
      service.on('change', (e) => this.changeEmitter.fire(e));
      service.on('warning', (e) => this.log.warn(`Mock directory: ${e.message}`));
      server.on('request', (entry) => this.requestEmitter.fire(entry));
      this.svc = service;
      this.server = server;
      this.log.info(`Mock SCIM server listening at ${url}${dataFile ? ` (directory saved in ${dataFile})` : ' (directory in memory only)'}`);
      this.setState({ status: 'running', port: actual, url, ...(dataFile ? { dataFile } : {}) });
      return { ok: true, port: actual, url };
    } catch (e) {
      service?.dispose();
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') {
        const message = `Port ${port} on ${config.host} is already in use — by another VS Code window's mock server or another program.`;
        this.log.warn(message);
        this.setState({ status: 'error', message });
        return { ok: false, reason: 'portInUse', port, host: config.host, message };
      }
      const message = err.code === 'EACCES'
        ? `Not allowed to listen on ${config.host}:${port}: ports below 1024 need administrator rights. Choose a port above 1024 in the "scimWorkbench.mock.port" setting.`
        : err.code === 'EADDRNOTAVAIL'
          ? `${config.host} is not an address of this machine. Fix the "scimWorkbench.mock.host" setting (127.0.0.1 is the usual choice).`
          : `The mock server could not start: ${err.message}`;
      this.log.error(message);
      this.setState({ status: 'error', message });
      return { ok: false, reason: 'failed', message };
    }
  }

  private async doStop(): Promise<void> {
    const server = this.server;
    const service = this.svc;
    this.server = undefined;
    this.svc = undefined;
    if (server) await server.stop();
    if (service) await service.close();
    if (server || service) this.log.info('Mock SCIM server stopped');
    if (this.current.status !== 'stopped') this.setState({ status: 'stopped' });
  }

  dispose(): void {
    this.server?.dispose();
    this.svc?.dispose();
    this.server = undefined;
    this.svc = undefined;
    this.stateEmitter.dispose();
    this.changeEmitter.dispose();
    this.requestEmitter.dispose();
  }
}
