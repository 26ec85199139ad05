// The requests sent from request files, payloads and this history, newest first, in workspaceState: method,
// URL, headers and body as the client reported them (redacted: an Authorization header keeps only its scheme),
// status, time and connection name — never a token. Bounded by scimWorkbench.requests.historySize.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { historySize, settingId } from '../config';

export const HISTORY_KEY = 'scimWorkbench.requestHistory';
/** Larger bodies are not kept: the entry then cannot be re-sent (send it from its file again). */
export const MAX_KEPT_BODY = 64 * 1024;

export interface HistoryEntry {
  readonly id: string;
  /** ISO 8601. */
  readonly at: string;
  readonly connectionId?: string;
  readonly connectionName?: string;
  /** The request's name in its file (`### name` or `# @name`). */
  readonly name?: string;
  readonly method: string;
  /** Absolute and redacted. */
  readonly url: string;
  /** The URL relative to the connection's tenant URL, so a re-send follows the connection (a mock on another port). */
  readonly path?: string;
  /** Redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** Redacted; absent when the request had none or it was larger than MAX_KEPT_BODY. */
  readonly body?: string;
  readonly bodyOmitted?: boolean;
  readonly status?: number;
  readonly statusText?: string;
  /** Why no HTTP answer came. */
  readonly error?: string;
  readonly durationMs?: number;
  /** The file it was sent from. */
  readonly source?: string;
}

export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'at'>;

export class RequestHistory implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(settingId('requests.historySize'))) void this.trim();
    });
  }

  /** Newest first. */
  entries(): readonly HistoryEntry[] {
    return this.state.get<HistoryEntry[]>(HISTORY_KEY, []);
  }

  get(id: string): HistoryEntry | undefined {
    return this.entries().find((e) => e.id === id);
  }

  async add(entry: NewHistoryEntry, at = new Date()): Promise<HistoryEntry | undefined> {
    const size = historySize();
    if (size === 0) return undefined;
    const tooLarge = entry.body !== undefined && entry.body.length > MAX_KEPT_BODY;
    const { body, ...rest } = entry;
    const full: HistoryEntry = {
      ...rest,
      ...(body !== undefined && !tooLarge ? { body } : {}),
      ...(tooLarge ? { bodyOmitted: true } : {}),
      id: randomBytes(6).toString('hex'),
      at: at.toISOString(),
    };
    await this.state.update(HISTORY_KEY, [full, ...this.entries()].slice(0, size));
    this.emitter.fire();
    return full;
  }

  async clear(): Promise<void> {
    await this.state.update(HISTORY_KEY, []);
    this.emitter.fire();
  }

  private async trim(): Promise<void> {
    const all = this.entries();
    if (all.length <= historySize()) return;
    await this.state.update(HISTORY_KEY, all.slice(0, historySize()));
    this.emitter.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/**
 * The request of a history entry, ready to send again: relative to the connection when it was, the
 * Authorization header's scheme kept and its credential filled from `token` (dropped without one).
 */
export function requestOf(entry: HistoryEntry, token: string | undefined, viaConnection: boolean): { method: string; url: string; headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      const scheme = /^\s*([A-Za-z][\w.+-]*)\s+\*\*\*$/.exec(value)?.[1];
      if (scheme && token) headers[name] = `${scheme} ${token}`;
      continue;
    }
    if (lower === 'cookie' || lower === 'proxy-authorization') continue;
    headers[name] = value;
  }
  return {
    method: entry.method,
    url: viaConnection && entry.path !== undefined ? entry.path : entry.url,
    headers,
    ...(entry.body !== undefined ? { body: entry.body } : {}),
  };
}
