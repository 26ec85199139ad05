// Composition root: builds the services and registers every command, view and provider. Everything
// registered is a Disposable on context.subscriptions; the mock server closes synchronously on dispose.
import * as vscode from 'vscode';
import { registerEntraCheck } from './vscode/check/register';
import { Commands } from './vscode/commands';
import { registerConnections, type ConnectionsFeature } from './vscode/connections/register';
import { registerPayloadDiagnostics, type PayloadDiagnostics } from './vscode/diagnostics/register';
import { registerDirectory } from './vscode/directory/register';
import { registerEntraProvisioning, type ProvisioningFeature } from './vscode/entra/provisioning';
import { registerProvisioningConfigurations } from './vscode/entra/register';
import { registerSampleDirectory } from './vscode/entra/sampleDirectory';
import type { DirectoryTreeProvider } from './vscode/directory/tree';
import type { ResourceFileSystem } from './vscode/directory/resourceFs';
import { registerProvisioningLog, type ProvisioningLogProvider } from './vscode/log/logView';
import { registerMock } from './vscode/mock/commands';
import type { MockServerController } from './vscode/mock/controller';
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
  readonly provisioning: ProvisioningFeature;
}

export function activate(context: vscode.ExtensionContext): ScimWorkbenchApi {
  const output = vscode.window.createOutputChannel('SCIM Workbench', { log: true });
  context.subscriptions.push(output);
  const commands = new Commands(context, output);
  commands.register('scimWorkbench.output.show', () => output.show(true));
  const mock = registerMock(context, commands, output);
  const { tree: directory, resources } = registerDirectory(context, commands, mock);
  const log = registerProvisioningLog(context, commands, mock);
  const connections = registerConnections(context, commands, mock, directory, output);
  registerEntraCheck(context, commands, connections.service);
  const diagnostics = registerPayloadDiagnostics(context, commands, output);
  registerProvisioningConfigurations(context, commands, diagnostics.linter);
  const provisioning = registerEntraProvisioning(context, commands, connections.service, output);
  registerSampleDirectory(commands, async (uri) => {
    if (!provisioning.job.settings.directoryFile) await provisioning.job.update({ directoryFile: uri.fsPath });
  });
  const requests = registerRequests(context, commands, connections, diagnostics, output);
  return { version: String(context.extension.packageJSON.version), mock, directory, resources, log, connections, requests, diagnostics, provisioning };
}

export function deactivate(): void {}
