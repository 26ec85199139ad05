// Saved SCIM endpoints, and the mock server, as connections. What describes a connection (name, tenant URL
// with its ?aadOptscim062020 flag, auth scheme) and its last Test Connection result live in globalState, so
// every window and workspace sees the same endpoints (the mock server's result, like the mock, belongs to the
// workspace); the token lives ONLY in SecretStorage, under one key per connection. Nothing written to state
// here can hold a token: the state's types have no place for one.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AuthScheme, Connection } from '../../client/http';
import type { TestConnectionResult } from '../../client/testConnection';
import { parseTenantUrl } from '../../client/tenantUrl';
import type { MockServerController } from '../mock/controller';

export const MOCK_CONNECTION_ID = 'mock';
export const MOCK_CONNECTION_NAME = 'Mock MURAL server';

/** State keys this store writes: connections in globalState; tests there too, the mock's in workspaceState. */
export const STATE_KEYS = { connections: 'scimWorkbench.connections', tests: 'scimWorkbench.connectionTests' } as const;

export interface SavedConnection {
  readonly id: string;
  readonly name: string;
  /** As parseTenantUrl normalises it: no trailing slash, Entra's ?aadOptscim062020 flag kept. */
  readonly tenantUrl: string;
  readonly authScheme: AuthScheme;
}

/** The last Test Connection of a connection, as the Connections view shows it. */
export interface TestSummary {
  readonly ok: boolean;
  readonly summary: string;
  /** ISO 8601. */
  readonly at: string;
  readonly durationMs: number;
  readonly warnings: number;
}

/** A connection as the views list it: the mock server or a saved endpoint. */
export interface ConnectionInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: 'mock' | 'saved';
  /** Undefined for the mock server while it is not running. */
  readonly tenantUrl?: string;
  readonly authScheme: AuthScheme;
  readonly lastTest?: TestSummary;
}

export type ConnectionChanges = Partial<Pick<SavedConnection, 'name' | 'tenantUrl' | 'authScheme'>>;

function secretKey(id: string): string {
  return `scimWorkbench.connection.${id}.token`;
}

export class ConnectionStore implements vscode.Disposable {
  /** Tokens read from SecretStorage (undefined: none stored); cleared when the secret changes. */
  private readonly tokens = new Map<string, string | undefined>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a connection, its token or its last test changed, or the mock server started or stopped. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly context: vscode.ExtensionContext, private readonly mock: MockServerController) {
    this.subscriptions = [
      context.secrets.onDidChange((e) => {
        const id = /^scimWorkbench\.connection\.(.+)\.token$/.exec(e.key)?.[1];
        if (id === undefined) return;
        this.tokens.delete(id);
        this.emitter.fire();
      }),
      mock.onDidChangeState(() => this.emitter.fire()),
    ];
  }

  /** Saved connections in the order they were added. */
  saved(): readonly SavedConnection[] {
    return this.context.globalState.get<SavedConnection[]>(STATE_KEYS.connections, []);
  }

  get(id: string): SavedConnection | undefined {
    return this.saved().find((c) => c.id === id);
  }

  /** The mock server first, then the saved connections by name. */
  all(): ConnectionInfo[] {
    const saved = [...this.saved()].sort((a, b) => a.name.localeCompare(b.name));
    return [this.info(MOCK_CONNECTION_ID) as ConnectionInfo, ...saved.map((c) => this.info(c.id) as ConnectionInfo)];
  }

  info(id: string): ConnectionInfo | undefined {
    const lastTest = this.lastTest(id);
    if (id === MOCK_CONNECTION_ID) {
      const s = this.mock.state;
      return {
        id, name: MOCK_CONNECTION_NAME, kind: 'mock', authScheme: 'Bearer',
        ...(s.status === 'running' ? { tenantUrl: s.url } : {}),
        ...(lastTest ? { lastTest } : {}),
      };
    }
    const c = this.get(id);
    return c ? { ...c, kind: 'saved', ...(lastTest ? { lastTest } : {}) } : undefined;
  }

  /** Why `name` cannot name a new (or the renamed `exceptId`) connection, or undefined. */
  nameProblem(name: string, exceptId?: string): string | undefined {
    const n = name.trim();
    if (!n) return 'Give the connection a name, e.g. "MURAL staging".';
    if (n.toLowerCase() === MOCK_CONNECTION_NAME.toLowerCase()) return `"${MOCK_CONNECTION_NAME}" is the built-in mock server: choose another name.`;
    if (this.saved().some((c) => c.id !== exceptId && c.name.toLowerCase() === n.toLowerCase())) return `A connection named "${n}" exists already: choose another name.`;
    return undefined;
  }

  async add(spec: { name: string; tenantUrl: string; authScheme: AuthScheme; token?: string }): Promise<SavedConnection> {
    const connection: SavedConnection = {
      id: `c${randomBytes(6).toString('hex')}`,
      name: spec.name.trim(),
      tenantUrl: parseTenantUrl(spec.tenantUrl).normalized,
      authScheme: spec.authScheme,
    };
    if (spec.token) await this.storeToken(connection.id, spec.token);
    await this.context.globalState.update(STATE_KEYS.connections, [...this.saved(), connection]);
    this.emitter.fire();
    return connection;
  }

  async update(id: string, changes: ConnectionChanges): Promise<SavedConnection> {
    const current = this.get(id);
    if (!current) throw new Error('This connection no longer exists: it was removed, perhaps in another window.');
    const next: SavedConnection = {
      ...current,
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      ...(changes.tenantUrl !== undefined ? { tenantUrl: parseTenantUrl(changes.tenantUrl).normalized } : {}),
      ...(changes.authScheme !== undefined ? { authScheme: changes.authScheme } : {}),
    };
    await this.context.globalState.update(STATE_KEYS.connections, this.saved().map((c) => (c.id === id ? next : c)));
    // A test of another URL or scheme says nothing about this one.
    if (next.tenantUrl !== current.tenantUrl || next.authScheme !== current.authScheme) await this.forgetTest(id);
    this.emitter.fire();
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.context.globalState.update(STATE_KEYS.connections, this.saved().filter((c) => c.id !== id));
    await this.context.secrets.delete(secretKey(id));
    this.tokens.delete(id);
    await this.forgetTest(id);
    this.emitter.fire();
  }

  /** Stores (or, with an empty token, deletes) the connection's secret token. */
  async setToken(id: string, token: string | undefined): Promise<void> {
    if (id === MOCK_CONNECTION_ID) throw new Error('The mock server\'s token is generated: use "SCIM: Generate New Secret Token for the Mock Server".');
    if (token) await this.storeToken(id, token);
    else {
      await this.context.secrets.delete(secretKey(id));
      this.tokens.set(id, undefined);
    }
    await this.forgetTest(id);
    this.emitter.fire();
  }

  private async storeToken(id: string, token: string): Promise<void> {
    await this.context.secrets.store(secretKey(id), token);
    this.tokens.set(id, token);
  }

  /** The connection's token from SecretStorage (the mock's generated one for the mock server). */
  async token(id: string): Promise<string | undefined> {
    if (id === MOCK_CONNECTION_ID) return this.mock.token();
    if (!this.tokens.has(id)) this.tokens.set(id, await this.context.secrets.get(secretKey(id)));
    return this.tokens.get(id);
  }

  /** What the HTTP client needs; undefined for an unknown connection or the mock server while it is stopped. */
  async connection(id: string): Promise<Connection | undefined> {
    const info = this.info(id);
    if (!info?.tenantUrl) return undefined;
    const token = await this.token(id);
    return { tenantUrl: info.tenantUrl, authScheme: info.authScheme, ...(token ? { token } : {}) };
  }

  /** The mock server's tests belong to this workspace (its mock); saved endpoints' tests to every window. */
  private testState(id: string): vscode.Memento {
    return id === MOCK_CONNECTION_ID ? this.context.workspaceState : this.context.globalState;
  }

  lastTest(id: string): TestSummary | undefined {
    return this.testState(id).get<Record<string, TestSummary>>(STATE_KEYS.tests, {})[id];
  }

  async recordTest(id: string, result: TestConnectionResult, at = new Date()): Promise<TestSummary> {
    const summary: TestSummary = {
      ok: result.ok, summary: result.summary, at: at.toISOString(),
      durationMs: Math.round(result.durationMs), warnings: result.warnings.length,
    };
    const state = this.testState(id);
    await state.update(STATE_KEYS.tests, { ...state.get<Record<string, TestSummary>>(STATE_KEYS.tests, {}), [id]: summary });
    this.emitter.fire();
    return summary;
  }

  private async forgetTest(id: string): Promise<void> {
    const state = this.testState(id);
    const tests = { ...state.get<Record<string, TestSummary>>(STATE_KEYS.tests, {}) };
    if (!(id in tests)) return;
    delete tests[id];
    await state.update(STATE_KEYS.tests, tests);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
