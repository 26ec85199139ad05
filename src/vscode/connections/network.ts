// One HttpClient for every request the extension sends to an endpoint, built from VS Code's network settings:
// http.proxy (or, when it is empty, the https_proxy/http_proxy environment variables, as VS Code itself
// does), http.noProxy (plus no_proxy), http.proxyStrictSSL and scimWorkbench.network.extraCaCertificates.
// It is rebuilt when one of them changes; the old client finishes what it is sending before it closes.
import * as vscode from 'vscode';
import { HttpClient } from '../../client/http';
import { isHttpError } from '../../client/httpError';
import { NETWORK_SETTINGS, SECTION, extraCaCertificatesFile, readNetworkOptions, settingId } from '../config';

export class NetworkClient implements vscode.Disposable {
  private current: Promise<HttpClient> | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the settings changed and the next request gets a new client. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!NETWORK_SETTINGS.some((key) => e.affectsConfiguration(key))) return;
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

  /**
   * The client for `what` ("Test Connection", say), or undefined after saying why it cannot be built (a proxy URL
   * or CA file the settings name) with "Open Settings" at the setting to fix.
   */
  async clientFor(what: string): Promise<HttpClient | undefined> {
    try {
      return await this.client();
    } catch (e) {
      void vscode.window.showErrorMessage(`${what} could not start: ${(e as Error).message}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', isHttpError(e) ? 'http.proxy' : `${SECTION}.network`);
      });
      return undefined;
    }
  }

  private async build(): Promise<HttpClient> {
    const options = readNetworkOptions();
    const file = extraCaCertificatesFile();
    let ca: string | undefined;
    if (file) {
      try {
        ca = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
      } catch (e) {
        throw new Error(`Cannot read the CA certificates in ${file} (the "${settingId('network.extraCaCertificates')}" setting): ${(e as Error).message}. Fix the path or clear the setting.`);
      }
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`${file} (the "${settingId('network.extraCaCertificates')}" setting) holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Point it to the CA certificate in PEM format.`);
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
