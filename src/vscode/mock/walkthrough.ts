// The walkthrough "Connect Microsoft Entra" (package.json contributes.walkthroughs) ticks its steps from what
// happened, through the context keys its completionEvents name (`onContext:<key>`). VS Code's `onCommand`
// events see only commands run from its own UI (palette, links), not those the extension runs — the start
// notification's "Copy Token" button, the status-bar menu — and `onView` misses a view that was already open,
// so in real use no step ever ticked.
import * as vscode from 'vscode';
import type { RequestLogEntry } from '../../mock/requestLog';
import type { MockServerController } from './controller';

export const WALKTHROUGH_ID = 'scim-workbench.scim-workbench#connectEntra';

/** Context keys of the steps after "start" (which uses scimWorkbench.mockRunning). */
export const WALKTHROUGH_CONTEXT = {
  /** The mock's secret token was copied. */
  tokenCopied: 'scimWorkbench.walkthrough.tokenCopied',
  /** A client reached /Users or /Groups with the right token (Entra's Test Connection does). */
  clientConnected: 'scimWorkbench.walkthrough.clientConnected',
  /** A client created a user or group. */
  provisioned: 'scimWorkbench.walkthrough.provisioned',
} as const;

const RESOURCE_PATH = /\/(Users|Groups)(\/|\?|$)/;

export class WalkthroughProgress implements vscode.Disposable {
  private readonly done = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(mock: MockServerController) {
    this.subscription = mock.onDidRequest((e) => this.onRequest(e));
  }

  tokenCopied(): void {
    this.set(WALKTHROUGH_CONTEXT.tokenCopied);
  }

  private onRequest(e: RequestLogEntry): void {
    if (!RESOURCE_PATH.test(e.path)) return;
    if (e.status !== 401 && e.status !== 403) this.set(WALKTHROUGH_CONTEXT.clientConnected);
    if (e.method === 'POST' && e.status === 201) this.set(WALKTHROUGH_CONTEXT.provisioned);
  }

  private set(key: string): void {
    if (this.done.has(key)) return;
    this.done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
