// Commands of the Connections view: add, edit and remove a connection, set its token, test it, show its report,
// copy its URL, browse it in the Directory view. Each takes a tree item, a connection id, or nothing (palette:
// it asks which connection).
import * as vscode from 'vscode';
import type { AuthScheme } from '../../client/http';
import { AAD_OPT_FLAG, MURAL_TENANT_URL, parseTenantUrl, TenantUrlError } from '../../client/tenantUrl';
import type { Commands } from '../commands';
import type { DirectoryNode } from '../directory/tree';
import { RemoteDirectorySource, type RemoteBrowsing } from './remote';
import type { ConnectionService } from './service';
import { MOCK_CONNECTION_ID, type SavedConnection } from './store';
import type { ConnectionNode } from './tree';

type Arg = ConnectionNode | DirectoryNode | string | undefined;

/** The connection id a command was given: from a Connections item, a browsed source in the Directory, or as is. */
export function connectionIdOf(arg: Arg): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg?.type === 'connection') return arg.id;
  if (arg?.type === 'source' && arg.source instanceof RemoteDirectorySource) return arg.source.connectionId;
  return undefined;
}

/** Input box validation of a tenant URL: errors block, the URL's warnings and the aadOptscim062020 flag inform. */
export function validateTenantUrlInput(value: string): string | vscode.InputBoxValidationMessage | undefined {
  try {
    const t = parseTenantUrl(value);
    if (t.warnings.length) return { message: t.warnings.join(' '), severity: vscode.InputBoxValidationSeverity.Warning };
    if (t.aadOptscim062020) {
      return { message: `Entra's ?${AAD_OPT_FLAG} flag is kept: with it Entra sends RFC-compliant PATCH requests. Requests go to ${t.base}.`, severity: vscode.InputBoxValidationSeverity.Info };
    }
    return undefined;
  } catch (e) {
    if (e instanceof TenantUrlError) return e.message;
    throw e;
  }
}

function tokenProblem(value: string): string | undefined {
  const t = value.trim();
  if (/^(bearer|apikey)\s+\S/i.test(t)) return 'Paste only the token, without "Bearer " or "apikey ": the auth scheme is set separately.';
  if (/\s/.test(t)) return 'A token has no spaces or line breaks: paste it again.';
  return undefined;
}

const SCHEMES: (vscode.QuickPickItem & { scheme: AuthScheme })[] = [
  { label: 'Bearer', description: 'Authorization: Bearer <token>', detail: 'What Microsoft Entra sends: choose it to test what Entra will see.', scheme: 'Bearer' },
  { label: 'apikey', description: 'Authorization: apikey <token>', detail: 'What MURAL\'s own API examples send.', scheme: 'apikey' },
];

async function askScheme(title: string, current?: AuthScheme): Promise<AuthScheme | undefined> {
  const items = current ? [...SCHEMES.filter((s) => s.scheme === current), ...SCHEMES.filter((s) => s.scheme !== current)] : SCHEMES;
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'How the token is sent' });
  return pick?.scheme;
}

async function askToken(title: string, hasToken: boolean): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: hasToken
      ? 'The new secret token. It is kept only in VS Code\'s secret storage. Leave empty to delete the stored token.'
      : 'The secret token (Entra\'s "Secret Token" field). It is kept only in VS Code\'s secret storage — never in settings, files or logs. Leave empty to set it later.',
    password: true,
    ignoreFocusOut: true,
    validateInput: tokenProblem,
  });
}

function defaultName(tenantUrl: string): string {
  const t = parseTenantUrl(tenantUrl);
  const host = new URL(t.base).host;
  return /(^|\.)mural\.co$/i.test(new URL(t.base).hostname) ? `MURAL (${host})` : host;
}

export function registerConnectionCommands(commands: Commands, service: ConnectionService, browsing: RemoteBrowsing): void {
  const store = service.store;
  /** The saved connection an edit applies to (asking when the palette gave none); the mock cannot be edited. */
  const savedFrom = async (arg: Arg, title: string): Promise<SavedConnection | undefined> => {
    let id = connectionIdOf(arg);
    if (!id) {
      const saved = store.saved();
      if (saved.length === 0) {
        void vscode.window.showInformationMessage('There are no saved connections yet: add one first.', 'Add Connection…').then((c) => {
          if (c) void vscode.commands.executeCommand('scimWorkbench.connections.add');
        });
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(saved.map((c) => ({ label: c.name, description: c.tenantUrl, id: c.id })), { title, placeHolder: 'Which connection?' });
      id = pick?.id;
      if (!id) return undefined;
    }
    if (id === MOCK_CONNECTION_ID) {
      void vscode.window.showInformationMessage('The mock server\'s connection follows the server: change its port and token with the mock server\'s commands and settings.');
      return undefined;
    }
    const c = store.get(id);
    if (!c) void vscode.window.showWarningMessage('That connection no longer exists (removed in another window?).');
    return c;
  };
  const anyFrom = async (arg: Arg, title: string): Promise<string | undefined> =>
    connectionIdOf(arg) ?? service.pick({ title });

  const add = async (): Promise<string | undefined> => {
    const url = await vscode.window.showInputBox({
      title: 'Add Connection (1/4): Tenant URL',
      prompt: 'The SCIM base URL, as in Entra\'s "Tenant URL" field (https; plain http only for this machine). Keep ?aadOptscim062020 at the end if your Entra app uses it.',
      placeHolder: MURAL_TENANT_URL,
      ignoreFocusOut: true,
      validateInput: validateTenantUrlInput,
    });
    if (url === undefined) return undefined;
    const name = await vscode.window.showInputBox({
      title: 'Add Connection (2/4): Name',
      prompt: 'What to call this endpoint in lists and history',
      value: defaultName(url),
      ignoreFocusOut: true,
      validateInput: (v) => store.nameProblem(v),
    });
    if (name === undefined) return undefined;
    const authScheme = await askScheme('Add Connection (3/4): Auth scheme');
    if (!authScheme) return undefined;
    const token = await askToken('Add Connection (4/4): Secret token', false);
    if (token === undefined) return undefined;
    const saved = await store.add({ name, tenantUrl: url, authScheme, ...(token.trim() ? { token: token.trim() } : {}) });
    void vscode.window.showInformationMessage(
      `Connection "${saved.name}" added${token.trim() ? '' : ' without a token (set it with Set Secret Token…)'}.`, 'Test Connection', 'Browse').then((c) => {
      if (c === 'Test Connection') void service.test(saved.id);
      if (c === 'Browse') void browsing.browse(saved.id);
    });
    return saved.id;
  };

  commands.register('scimWorkbench.connections.add', add);
  commands.register('scimWorkbench.connections.edit', async (arg: Arg) => {
    const c = await savedFrom(arg, 'Edit Connection');
    if (!c) return;
    const field = await vscode.window.showQuickPick([
      { label: 'Name', description: c.name, field: 'name' as const },
      { label: 'Tenant URL', description: c.tenantUrl, field: 'tenantUrl' as const },
      { label: 'Auth scheme', description: c.authScheme, field: 'authScheme' as const },
      { label: 'Secret token', description: (await store.token(c.id)) ? 'stored' : 'none', field: 'token' as const },
    ], { title: `Edit Connection "${c.name}"`, placeHolder: 'What to change?' });
    if (!field) return;
    if (field.field === 'name') {
      const name = await vscode.window.showInputBox({ title: `Rename "${c.name}"`, value: c.name, validateInput: (v) => store.nameProblem(v, c.id) });
      if (name !== undefined) await store.update(c.id, { name });
    } else if (field.field === 'tenantUrl') {
      const tenantUrl = await vscode.window.showInputBox({ title: `Tenant URL of "${c.name}"`, value: c.tenantUrl, ignoreFocusOut: true, validateInput: validateTenantUrlInput });
      if (tenantUrl !== undefined) await store.update(c.id, { tenantUrl });
    } else if (field.field === 'authScheme') {
      const authScheme = await askScheme(`Auth scheme of "${c.name}"`, c.authScheme);
      if (authScheme) await store.update(c.id, { authScheme });
    } else {
      await vscode.commands.executeCommand('scimWorkbench.connections.setToken', c.id);
    }
  });
  commands.register('scimWorkbench.connections.remove', async (arg: Arg) => {
    const c = await savedFrom(arg, 'Remove Connection');
    if (!c) return;
    const ok = await vscode.window.showWarningMessage(`Remove the connection "${c.name}"?`,
      { modal: true, detail: `${c.tenantUrl}\n\nIts secret token is deleted from VS Code's secret storage. Request files are not changed.` }, 'Remove');
    if (ok !== 'Remove') return;
    await browsing.stop(c.id);
    await store.remove(c.id);
  });
  commands.register('scimWorkbench.connections.setToken', async (arg: Arg) => {
    const c = await savedFrom(arg, 'Set Secret Token');
    if (!c) return;
    const had = Boolean(await store.token(c.id));
    const token = await askToken(`Secret token of "${c.name}"`, had);
    if (token === undefined) return;
    await store.setToken(c.id, token.trim() || undefined);
    vscode.window.setStatusBarMessage(token.trim() ? `$(key) Token of "${c.name}" stored in secret storage` : `$(key) Token of "${c.name}" deleted`, 4000);
  });
  commands.register('scimWorkbench.connections.test', async (arg: Arg) => {
    const id = await anyFrom(arg, 'Test Connection');
    return id ? service.test(id) : undefined;
  });
  commands.register('scimWorkbench.connections.showReport', async (arg: Arg) => {
    const id = await anyFrom(arg, 'Show Test Connection Report');
    if (id) await service.showReport(id);
  });
  commands.register('scimWorkbench.connections.copyTenantUrl', async (arg: Arg) => {
    const id = await anyFrom(arg, 'Copy Tenant URL');
    if (!id) return;
    const url = store.info(id)?.tenantUrl;
    if (!url) {
      void vscode.window.showInformationMessage('The mock SCIM server is not running, so it has no tenant URL yet.');
      return;
    }
    await vscode.env.clipboard.writeText(url);
    vscode.window.setStatusBarMessage('$(copy) Tenant URL copied to the clipboard', 3000);
  });
  commands.register('scimWorkbench.connections.browse', async (arg: Arg) => {
    const id = await anyFrom(arg, 'Browse in Directory');
    if (!id) return undefined;
    return browsing.browse(id);
  });
  commands.register('scimWorkbench.connections.stopBrowsing', async (arg: Arg) => {
    let id = connectionIdOf(arg);
    if (!id) {
      const browsed = browsing.browsed().map((b) => ({ label: store.info(b)?.name ?? b, description: store.info(b)?.tenantUrl, id: b }));
      if (browsed.length === 0) {
        void vscode.window.showInformationMessage('No connection is browsed in the Directory view.');
        return;
      }
      id = (await vscode.window.showQuickPick(browsed, { title: 'Stop Browsing', placeHolder: 'Remove which connection from the Directory view?' }))?.id;
    }
    if (id) await browsing.stop(id);
  });
}
