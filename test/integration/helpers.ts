// Shared helpers of the extension-host tests: the extension's API, stubs for dialogs, polling, HTTP.
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { ScimWorkbenchApi } from '../../src/extension';

export const EXTENSION_ID = 'scim-workbench.scim-workbench';

export async function api(): Promise<ScimWorkbenchApi> {
  const ext = vscode.extensions.getExtension<ScimWorkbenchApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Replaces a property (a vscode.window dialog, say) until the returned function is called. */
export function stub<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const original = target[key];
  (target as Record<K, T[K]>)[key] = value;
  return () => { (target as Record<K, T[K]>)[key] = original; };
}

/** Stubs that answer dialogs in order; each call takes the next answer. Restored by restoreAll(). */
const restorers: (() => void)[] = [];
export function answer<K extends keyof typeof vscode.window>(key: K, ...answers: unknown[]): { calls: unknown[][] } {
  const record = { calls: [] as unknown[][] };
  restorers.push(stub(vscode.window, key, ((...args: unknown[]) => {
    record.calls.push(args);
    return Promise.resolve(answers.shift());
  }) as never));
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

/** The body Entra POSTs to create a user (reference §2). */
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
