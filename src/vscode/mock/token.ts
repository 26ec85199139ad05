// The mock server's secret token. It lives in VS Code's SecretStorage, except where that store keeps secrets
// in memory only and a Reload Window would hand every client (Entra included) a new token and 401s: VS Code's
// web workbench on a remote host has no secret-storage provider (code-server, `code serve-web`, the VS Code
// server's web UI) and keeps extension secrets in the page's memory. There — and wherever a token issued
// earlier is found missing from SecretStorage — the token is also kept in a file of the extension's global
// storage on the machine running the extension host, readable only by the user's account, and the user is told
// where. A desktop VS Code whose SecretStorage keeps its secrets never gets that file.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const SECRET_KEY = 'scimWorkbench.mock.token';
/** globalState: a token was issued here once (not the token: only that SecretStorage should still hold one). */
const ISSUED_KEY = 'scimWorkbench.mock.tokenIssued';
/** globalState: SecretStorage was seen losing the token, so it keeps secrets in memory only. */
const LOST_KEY = 'scimWorkbench.mock.secretsLost';
const TOKEN_FILE = 'mock-token';

export type TokenStorage =
  | { readonly kind: 'secretStorage' }
  /** `observed`: SecretStorage lost a token issued earlier; otherwise the host is known to keep secrets in memory. */
  | { readonly kind: 'file'; readonly file: string; readonly observed: boolean };

const fresh = () => randomBytes(24).toString('base64url');
const wellFormed = (t: string | undefined): t is string => t !== undefined && /^[A-Za-z0-9_-]{32,}$/.test(t);

export class MockToken {
  private loading: Promise<string> | undefined;
  private where: TokenStorage = { kind: 'secretStorage' };

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {}

  /** Where the token is kept (known once get() resolved). */
  get storage(): TokenStorage {
    return this.where;
  }

  /** A sentence for the user about where the token is kept. */
  describeStorage(): string {
    const w = this.where;
    if (w.kind === 'secretStorage') return 'The token is kept in VS Code\'s secret storage.';
    const why = w.observed
      ? 'VS Code\'s secret storage here did not keep it across a restart'
      : 'this VS Code (web workbench) keeps extension secrets in the browser page\'s memory only';
    return `The token is kept in ${w.file} (readable only by your account) because ${why}; it stays the same across Reload Window.`;
  }

  /** The token; generated on first use. */
  get(): Promise<string> {
    if (!this.loading) {
      this.loading = this.load();
      this.loading.catch(() => { this.loading = undefined; });
    }
    return this.loading;
  }

  /** A new token, kept where the current one was. */
  async regenerate(): Promise<string> {
    await this.get();
    const token = fresh();
    await this.keep(token);
    this.loading = Promise.resolve(token);
    return token;
  }

  private get file(): string {
    return path.join(this.context.globalStorageUri.fsPath, TOKEN_FILE);
  }

  private async load(): Promise<string> {
    const secret = await this.context.secrets.get(SECRET_KEY);
    const kept = (await fs.promises.readFile(this.file, 'utf8').catch(() => undefined))?.trim();
    const issued = this.context.globalState.get<boolean>(ISSUED_KEY) === true;
    const lost = !wellFormed(secret) && (issued || wellFormed(kept));
    if (lost) await this.context.globalState.update(LOST_KEY, true);
    const observed = lost || this.context.globalState.get<boolean>(LOST_KEY) === true;
    const inMemory = observed || vscode.env.uiKind === vscode.UIKind.Web;
    this.where = inMemory ? { kind: 'file', file: this.file, observed } : { kind: 'secretStorage' };
    const token = wellFormed(secret) ? secret : inMemory && wellFormed(kept) ? kept : fresh();
    if (token !== secret || (inMemory && token !== kept)) await this.keep(token);
    if (!issued) await this.context.globalState.update(ISSUED_KEY, true);
    if (inMemory) this.log.info(`Mock server token: ${this.describeStorage()}`);
    if (lost && token !== kept) {
      this.log.warn('The mock server\'s token issued earlier was not in VS Code\'s secret storage any more: a new one was generated. Give it to your clients (SCIM: Copy Secret Token).');
    }
    return token;
  }

  private async keep(token: string): Promise<void> {
    await this.context.secrets.store(SECRET_KEY, token);
    if (this.where.kind !== 'file') return;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    // Written aside and renamed, so a crash never leaves half a token; 0600 from creation.
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, `${token}\n`, { mode: 0o600 });
    await fs.promises.rename(temp, this.file);
  }
}
