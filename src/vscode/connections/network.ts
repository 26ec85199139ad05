// One HttpClient for every request the extension sends to an endpoint, built from VS Code's network settings:
// http.proxy (or, when it is empty, the https_proxy/http_proxy environment variables, as VS Code itself
// does), http.noProxy (plus no_proxy), http.proxyStrictSSL and scimWorkbench.network.extraCaCertificates.
// It is rebuilt when one of them changes; the old client finishes what it is sending before it closes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HttpClient, type NetworkOptions } from '../../client/http';
import { SECTION } from '../config';

const CA_SETTING = `${SECTION}.network.extraCaCertificates`;
const WATCHED = ['http.proxy', 'http.noProxy', 'http.proxyStrictSSL', CA_SETTING];

/** VS Code's proxy settings with the environment as fallback; the CA file is read separately. */
export function readNetworkOptions(env: NodeJS.ProcessEnv = process.env): NetworkOptions {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy', '').trim() || env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY || '';
  const noProxy = [...http.get<string[]>('noProxy', []), ...(env.no_proxy ?? env.NO_PROXY ?? '').split(',')]
    .map((h) => h.trim())
    .filter(Boolean);
  return {
    ...(proxy ? { proxy } : {}),
    ...(noProxy.length ? { noProxy } : {}),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
  };
}

/** The configured CA file's absolute path, or undefined; a relative path is resolved against the first workspace folder. */
function caFile(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('network.extraCaCertificates', '').trim();
  if (!value) return undefined;
  if (path.isAbsolute(value)) return value;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? path.join(folder, value) : value;
}

export class NetworkClient implements vscode.Disposable {
  private current: Promise<HttpClient> | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the settings changed and the next request gets a new client. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!WATCHED.some((key) => e.affectsConfiguration(key))) return;
      this.reset();
      this.emitter.fire();
    });
  }

  /**
   * The client for the current settings. Rejects with an HttpError ('invalidUrl') when the proxy setting is
   * not a usable URL, or with an Error when the CA file cannot be read: both say which setting to fix.
   */
  client(): Promise<HttpClient> {
    if (!this.current) {
      const build = this.build();
      // A failure is not cached: the next call reads the settings (and the CA file) again.
      build.catch(() => { if (this.current === build) this.current = undefined; });
      this.current = build;
    }
    return this.current;
  }

  private async build(): Promise<HttpClient> {
    const options = readNetworkOptions();
    const file = caFile();
    let ca: string | undefined;
    if (file) {
      try {
        ca = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
      } catch (e) {
        throw new Error(`Cannot read the CA certificates in ${file} (the "${CA_SETTING}" setting): ${(e as Error).message}. Fix the path or clear the setting.`);
      }
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`${file} (the "${CA_SETTING}" setting) holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Point it to the CA certificate in PEM format.`);
      }
    }
    return new HttpClient({ ...options, ...(ca ? { ca } : {}) });
  }

  private reset(): void {
    const old = this.current;
    this.current = undefined;
    void old?.then((c) => c.close(), () => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
    this.reset();
  }
}
