// Shared helpers of the extension-host tests: the extension's API, stubs for dialogs, polling, HTTP.
import * as http from 'node:http';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { ScimWorkbenchApi } from '../../src/extension';

export const EXTENSION_ID = 'scim-workbench.scim-workbench';

export async function api(): Promise<ScimWorkbenchApi> {
  const ext = vscode.extensions.getExtension<ScimWorkbenchApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

const restorers: (() => void)[] = [];

/**
 * Replaces a property (a vscode.window dialog, say) until the returned function is called or restoreAll()
 * runs, whichever comes first: a stub a test forgets to restore cannot leak into the tests after it.
 */
export function stub<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const original = target[key];
  (target as Record<K, T[K]>)[key] = value;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    (target as Record<K, T[K]>)[key] = original;
  };
  restorers.push(restore);
  return restore;
}

/** Stubs that answer dialogs in order; each call takes the next answer. Restored by restoreAll(). */
export function answer<K extends keyof typeof vscode.window>(key: K, ...answers: unknown[]): { calls: unknown[][] } {
  const record = { calls: [] as unknown[][] };
  stub(vscode.window, key, ((...args: unknown[]) => {
    record.calls.push(args);
    return Promise.resolve(answers.shift());
  }) as never);
  return record;
}
export function restoreAll(): void {
  while (restorers.length) restorers.pop()?.();
}

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The mock's port in the test workspaces' settings: 0, the OS picks (other servers may hold 8319). Tests that set another put this back. */
export const FIXTURE_PORT = 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  const i = key.lastIndexOf('.');
  await vscode.workspace.getConfiguration(key.slice(0, i)).update(key.slice(i + 1), value, vscode.ConfigurationTarget.Workspace);
}

/** A request to the running mock server, authenticated with its token. */
export async function scim(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const a = await api();
  const s = a.mock.state;
  if (s.status !== 'running') throw new Error('mock server not running');
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await a.mock.token()}`, ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The body Entra POSTs to create a user (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups). */
export function entraUser(email: string, given = 'Ada', family = 'Lovelace'): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: email.split('@')[0],
    userName: email,
    active: true,
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    roles: [],
  };
}

/** Every message shown by recordMessages() stubs in this run, to scan for secrets. */
export const shownMessages: string[] = [];

/**
 * Stubs the three notification kinds: records every message (with its buttons) in `messages` and in
 * shownMessages, and answers from the queues given (undefined when a queue is empty). Restored by restoreAll().
 */
export function recordMessages(answers: Partial<Record<'info' | 'warning' | 'error', unknown[]>> = {}): { messages: { kind: string; text: string; items: unknown[] }[] } {
  const record = { messages: [] as { kind: string; text: string; items: unknown[] }[] };
  const kinds = { info: 'showInformationMessage', warning: 'showWarningMessage', error: 'showErrorMessage' } as const;
  for (const [kind, key] of Object.entries(kinds) as [keyof typeof kinds, (typeof kinds)[keyof typeof kinds]][]) {
    const queue = [...(answers[kind] ?? [])];
    stub(vscode.window, key, ((text: string, ...rest: unknown[]) => {
      const items = rest.filter((r) => typeof r === 'string' || (typeof r === 'object' && r !== null && 'title' in r));
      const options = rest.find((r) => typeof r === 'object' && r !== null && !('title' in r)) as { detail?: string } | undefined;
      record.messages.push({ kind, text, items });
      shownMessages.push(text, ...(options?.detail ? [options.detail] : []));
      return Promise.resolve(queue.shift());
    }) as never);
  }
  return record;
}

/**
 * Stubs showQuickPick: each call resolves its items and returns the first item the next predicate accepts
 * (undefined when none does or the predicates ran out). `calls` keeps each call's items and options.
 */
export function choose(...predicates: ((item: any) => boolean)[]): { calls: { items: any[]; options: vscode.QuickPickOptions | undefined }[] } {
  const record = { calls: [] as { items: any[]; options: vscode.QuickPickOptions | undefined }[] };
  stub(vscode.window, 'showQuickPick', (async (items: unknown, options?: vscode.QuickPickOptions) => {
    const list = (await items) as any[];
    record.calls.push({ items: list, options });
    const accept = predicates.shift();
    return accept ? list.find((i) => accept(i)) : undefined;
  }) as never);
  return record;
}

/** A plain HTTP server on 127.0.0.1:0 for one test; close() ends its connections too. */
export async function stubServer(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<{ url: string; requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Where `secret` occurs among the texts given: a list of places, empty when nowhere. */
export function placesHolding(secret: string, texts: Record<string, string>): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  return Object.entries(texts).filter(([, text]) => forms.some((f) => text.includes(f))).map(([where]) => where);
}

/**
 * The text of the extension's output channel, once it shows `expected` (shown, so that VS Code hands its
 * document to extensions; the document fills in asynchronously).
 */
export async function outputText(expected: RegExp): Promise<string> {
  await vscode.commands.executeCommand('scimWorkbench.output.show');
  const doc = await waitFor(`the output channel to show ${expected}`, () =>
    vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes('SCIM Workbench') && expected.test(d.getText())));
  return doc.getText();
}
