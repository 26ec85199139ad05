// The one way SCIM Workbench registers a command. A command that throws is logged to the SCIM Workbench
// output channel (with its stack) and shown once as "<title> failed: <why>" with "Show Output"; a cancelled
// command stays silent. Like vscode-docker's callWithTelemetryAndErrorHandling
// (https://github.com/microsoft/vscode-docker/blob/9a7d150/src/commands/registerCommands.ts), without telemetry.
import * as vscode from 'vscode';
import { isHttpError } from '../client/httpError';
import { isScimError } from '../scim/errors';
import type { CommandId } from './contributions';

/** A thrown value in words: a SCIM error with its status and scimType, an Error by its message. */
export function errorText(e: unknown): string {
  if (isScimError(e)) return `${e.status}${e.scimType ? ` ${e.scimType}` : ''}: ${e.detail}`;
  return e instanceof Error ? e.message : String(e);
}

/** Whether a thrown value means the user (or VS Code) cancelled: nothing to report. */
export function isCancellation(e: unknown): boolean {
  if (e instanceof vscode.CancellationError) return true;
  if (isHttpError(e)) return e.kind === 'aborted';
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'Canceled');
}

export class Commands {
  private readonly titles: ReadonlyMap<string, string>;

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.LogOutputChannel) {
    const contributed = (context.extension.packageJSON.contributes?.commands ?? []) as { command: string; title: string }[];
    this.titles = new Map(contributed.map((c) => [c.command, c.title.replace(/…$/, '')]));
  }

  /** Registers `handler` under `id` (disposed with the extension); it returns what the handler returns, or undefined when it threw. */
  register(id: CommandId, handler: (...args: never[]) => unknown): void {
    this.context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        if (!isCancellation(e)) this.report(id, e);
        return undefined;
      }
    }));
  }

  private report(id: CommandId, e: unknown): void {
    const title = this.titles.get(id) ?? id;
    this.output.error(`${title} (${id}) failed:`, e instanceof Error ? e : String(e));
    void vscode.window.showErrorMessage(`${title} failed: ${errorText(e)}`, 'Show Output').then((choice) => {
      if (choice) this.output.show(true);
    });
  }
}
