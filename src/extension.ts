// Composition root: builds the services and registers every command, view and provider. Everything
// registered is a Disposable on context.subscriptions; the mock server closes synchronously on dispose.
import * as vscode from 'vscode';
import { registerEntraCheck } from './vscode/check/register';
import { registerConnections, type ConnectionsFeature } from './vscode/connections/register';
import { registerPayloadDiagnostics, type PayloadDiagnostics } from './vscode/diagnostics/register';
import { registerDirectory } from './vscode/directory/register';
import type { DirectoryTreeProvider } from './vscode/directory/tree';
import type { ResourceFileSystem } from './vscode/directory/resourceFs';
import { registerProvisioningLog, type ProvisioningLogProvider } from './vscode/log/logView';
import { registerMockCommands } from './vscode/mock/commands';
import { registerFaultCommand } from './vscode/mock/faults';
import { MockServerController } from './vscode/mock/controller';
import { registerRequests, type RequestsFeature } from './vscode/requests/register';

/** What activate() returns: used by the extension-host tests and by other extensions. */
export interface ScimWorkbenchApi {
  readonly version: string;
  readonly mock: MockServerController;
  readonly directory: DirectoryTreeProvider;
  readonly resources: ResourceFileSystem;
  readonly log: ProvisioningLogProvider;
  readonly connections: ConnectionsFeature;
  readonly requests: RequestsFeature;
  readonly diagnostics: PayloadDiagnostics;
}

export function activate(context: vscode.ExtensionContext): ScimWorkbenchApi {
  const output = vscode.window.createOutputChannel('SCIM Workbench', { log: true });
  const mock = new MockServerController(context, output);
  context.subscriptions.push(output, mock);
  registerMockCommands(context, mock, output);
  registerFaultCommand(context);
  const { tree: directory, resources } = registerDirectory(context, mock);
  const log = registerProvisioningLog(context, mock);
  const connections = registerConnections(context, mock, directory, output);
  registerEntraCheck(context, connections.service);
  const requests = registerRequests(context, connections, output);
  const diagnostics = registerPayloadDiagnostics(context, output);
  return { version: String(context.extension.packageJSON.version), mock, directory, resources, log, connections, requests, diagnostics };
}

export function deactivate(): void {}
