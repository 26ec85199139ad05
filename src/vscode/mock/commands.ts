// The mock server's feature: its controller, palette commands, status-bar item, quick menu and fault presets.
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, MOCK_OPTION_TABLE } from '../../mock/options';
import type { Commands } from '../commands';
import { MOCK_SECTION, RESTART_KEYS, readMockConfig, settingId } from '../config';
import { MockServerController, type MockState, type StartResult } from './controller';
import { currentPreset, registerFaultCommand } from './faults';
import { WALKTHROUGH_ID, WalkthroughProgress } from './walkthrough';

/** Starts the server and tells the user what happened; a taken port offers a free one instead of failing silently. */
export async function startWithFeedback(mock: MockServerController, port?: number): Promise<StartResult> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Starting the mock SCIM server' },
    () => mock.start(port),
  );
  if (result.ok) return result;
  if (result.reason === 'portInUse') {
    const choice = await vscode.window.showErrorMessage(result.message, 'Use Free Port', 'Change Port');
    if (choice === 'Use Free Port') {
      const retry = await mock.start(0);
      if (retry.ok) {
        void vscode.window.showInformationMessage(`Mock SCIM server started on port ${retry.port} (port ${result.port} was taken): ${retry.url}`);
      } else {
        void vscode.window.showErrorMessage(retry.message);
      }
      return retry;
    }
    if (choice === 'Change Port') {
      await vscode.commands.executeCommand('workbench.action.openSettings', settingId('mock.port'));
    }
    return result;
  }
  void vscode.window.showErrorMessage(result.message, 'Open Log').then((c) => {
    if (c) void vscode.commands.executeCommand('scimWorkbench.output.show');
  });
  return result;
}

const TOKEN_FILE_TOLD_KEY = 'scimWorkbench.mock.tokenFileTold';

/**
 * Tells the user once per file that the token is kept in a file (SecretStorage keeps it in memory only here),
 * so that where a secret lives is never a surprise: when they copy the token, or when a start finds that the
 * secret store lost it (the token then came from the file). The output log and the status bar tooltip say it too.
 */
async function tellTokenStorage(context: vscode.ExtensionContext, mock: MockServerController, onlyIfLost: boolean): Promise<void> {
  await mock.token();
  const where = mock.tokenStorage;
  if (where.kind !== 'file' || (onlyIfLost && !where.observed) || context.globalState.get(TOKEN_FILE_TOLD_KEY) === where.file) return;
  await context.globalState.update(TOKEN_FILE_TOLD_KEY, where.file);
  void vscode.window.showInformationMessage(where.description);
}

/** Waits for a start under way (loading a big directory takes seconds), showing it in the status bar. */
export async function whenStarted(mock: MockServerController): Promise<Extract<MockState, { status: 'running' }> | undefined> {
  if (mock.state.status !== 'starting') return mock.ready();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Waiting for the mock SCIM server to start' }, () => mock.ready());
}

/** The tenant URL of the running server (after a start under way), or undefined after telling the user to start it. */
async function runningUrl(mock: MockServerController): Promise<string | undefined> {
  const s = await whenStarted(mock);
  if (s) return s.url;
  const choice = await vscode.window.showWarningMessage('The mock SCIM server is not running.', 'Start Mock SCIM Server');
  if (choice) {
    const r = await startWithFeedback(mock);
    return r.ok ? r.url : undefined;
  }
  return undefined;
}

/** Builds the mock server's controller and registers everything that drives it; the controller is what the other features use. */
export function registerMock(context: vscode.ExtensionContext, commands: Commands, output: vscode.LogOutputChannel): MockServerController {
  const mock = new MockServerController(context, output);
  const walkthrough = new WalkthroughProgress(mock);
  context.subscriptions.push(mock, walkthrough);
  const statusBar = vscode.window.createStatusBarItem('scimWorkbench.mockServer', vscode.StatusBarAlignment.Left, 50);
  statusBar.name = 'SCIM Mock Server';
  statusBar.command = 'scimWorkbench.mock.menu';
  const render = (s: MockState) => {
    statusBar.backgroundColor = undefined;
    switch (s.status) {
      case 'running': {
        const faults = activeFaults();
        statusBar.text = `$(radio-tower) SCIM mock :${s.port}${faults.length ? ' $(zap)' : ''}`;
        // Fault mode is obvious: the warning background and the preset's name, not its switches, in the tooltip.
        if (faults.length) statusBar.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        const preset = faults.length ? currentPreset()?.label ?? `custom faults (${faults.join(', ')})` : undefined;
        const token = mock.tokenStorage;
        statusBar.tooltip = new vscode.MarkdownString(`**Mock MURAL SCIM server** running\n\nTenant URL: \`${s.url}\`\n\n${s.dataFile ? `Directory saved in \`${s.dataFile}\`` : 'Directory in memory only'}${token.kind === 'file' ? `\n\nToken kept in \`${token.file}\`` : ''}${preset ? `\n\n$(zap) **Faults on: ${preset}** — *Inject Faults…* → *No faults* turns them off` : ''}\n\nClick for the server menu.`, true);
        break;
      }
      case 'starting':
        statusBar.text = '$(loading~spin) SCIM mock: starting…';
        statusBar.tooltip = s.dataFile ? `Starting the mock SCIM server: loading the saved directory (${s.dataFile})…` : 'Starting the mock SCIM server…';
        break;
      case 'error':
        statusBar.text = '$(error) SCIM mock';
        statusBar.tooltip = `Mock SCIM server: ${s.message}\n\nClick for the server menu.`;
        statusBar.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      default:
        statusBar.text = '$(circle-slash) SCIM mock: stopped';
        statusBar.tooltip = 'The mock SCIM server is stopped. Click to start it or for more actions.';
    }
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.mockRunning', s.status === 'running');
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.mockStarting', s.status === 'starting');
  };
  render(mock.state);
  statusBar.show();

  /** Fault-injection switches that differ from their defaults, as `name=value`. */
  function activeFaults(): string[] {
    const { options } = readMockConfig();
    return MOCK_OPTION_TABLE
      .filter((spec) => ['rateLimitPerSecond', 'throttleShare', 'latencyMs', 'faultShare'].includes(spec.key))
      .filter((spec) => options[spec.key] !== undefined && options[spec.key] !== DEFAULT_OPTIONS[spec.key])
      .map((spec) => `${spec.key}=${String(options[spec.key])}`);
  }

  const copy = async (what: string, value: string | undefined) => {
    if (value === undefined) return;
    await vscode.env.clipboard.writeText(value);
    vscode.window.setStatusBarMessage(`$(copy) ${what} copied to the clipboard`, 3000);
  };

  context.subscriptions.push(
    statusBar,
    mock.onDidChangeState(render),
    mock.onDidChangeState((s) => { if (s.status === 'running') void tellTokenStorage(context, mock, true); }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(MOCK_SECTION)) return;
      if (mock.state.status !== 'running') return;
      render(mock.state);
      try {
        mock.resizeRequestLog(readMockConfig().requestLogSize);
        mock.applySwitches();
      } catch (err) {
        void vscode.window.showErrorMessage(`Mock server setting not applied: ${(err as Error).message}`);
      }
      if (RESTART_KEYS.some((k) => e.affectsConfiguration(k))) {
        void vscode.window.showInformationMessage('Restart the mock SCIM server to use the changed port, host or data file.', 'Restart').then((c) => {
          if (c) void vscode.commands.executeCommand('scimWorkbench.mock.restart');
        });
      }
    }),
  );
  commands.register('scimWorkbench.mock.start', async () => {
    if (mock.state.status === 'running') {
      void vscode.window.showInformationMessage(`The mock SCIM server is already running at ${mock.state.url}`);
      return;
    }
    const r = await startWithFeedback(mock);
    if (r.ok) {
      const message = `Mock SCIM server running at ${r.url} — [how to connect Microsoft Entra](command:scimWorkbench.mock.connectEntra)`;
      void vscode.window.showInformationMessage(message, 'Copy URL', 'Copy Token').then((c) => {
        if (c === 'Copy URL') void vscode.commands.executeCommand('scimWorkbench.mock.copyTenantUrl');
        if (c === 'Copy Token') void vscode.commands.executeCommand('scimWorkbench.mock.copySecretToken');
      });
    }
  });
  commands.register('scimWorkbench.mock.stop', async () => {
    if (!(await whenStarted(mock))) {
      void vscode.window.showInformationMessage('The mock SCIM server is not running.');
      return;
    }
    await mock.stop();
    vscode.window.setStatusBarMessage('$(circle-slash) Mock SCIM server stopped', 3000);
  });
  commands.register('scimWorkbench.mock.restart', async () => {
    await mock.stop();
    const r = await startWithFeedback(mock);
    if (r.ok) vscode.window.setStatusBarMessage(`$(radio-tower) Mock SCIM server restarted at ${r.url}`, 3000);
  });
  commands.register('scimWorkbench.mock.copyTenantUrl', async () => copy('Tenant URL', await runningUrl(mock)));
  commands.register('scimWorkbench.mock.copySecretToken', async () => {
    await copy('Secret token', await mock.token());
    walkthrough.tokenCopied();
    await tellTokenStorage(context, mock, false);
  });
  commands.register('scimWorkbench.mock.regenerateSecretToken', async () => {
    const ok = await vscode.window.showWarningMessage(
      'Generate a new secret token for the mock server? Clients using the old token (Entra, request files) get 401 until you give them the new one.',
      { modal: true }, 'Generate New Token');
    if (!ok) return;
    await copy('New secret token', await mock.regenerateToken());
  });
  commands.register('scimWorkbench.mock.connectEntra', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));
  commands.register('scimWorkbench.mock.menu', async () => {
    const running = mock.state.status === 'running' || mock.state.status === 'starting';
    type Item = vscode.QuickPickItem & { command?: string };
    const items: Item[] = [
      ...(running
        ? [
          { label: '$(debug-stop) Stop Mock SCIM Server', command: 'scimWorkbench.mock.stop' },
          { label: '$(debug-restart) Restart Mock SCIM Server', command: 'scimWorkbench.mock.restart' },
          { label: '$(link) Copy Tenant URL', description: mock.state.status === 'running' ? mock.state.url : '', command: 'scimWorkbench.mock.copyTenantUrl' },
        ]
        : [{ label: '$(play) Start Mock SCIM Server', description: `port ${readMockConfig().port}`, command: 'scimWorkbench.mock.start' }]),
      { label: '$(key) Copy Secret Token', command: 'scimWorkbench.mock.copySecretToken' },
      { label: '$(zap) Inject Faults…', description: activeFaults().join(', '), command: 'scimWorkbench.mock.injectFaults' },
      { label: '$(output) Open Provisioning Log', command: 'scimWorkbench.log.focus' },
      { label: '$(book) How to Connect Microsoft Entra', command: 'scimWorkbench.mock.connectEntra' },
      { label: '$(settings-gear) Mock Server Settings', command: 'workbench.action.openSettings' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Mock SCIM Server', placeHolder: mock.state.status === 'running' ? `Running on port ${mock.state.port}` : running ? 'Starting…' : 'Stopped' });
    if (!pick?.command) return;
    if (pick.command === 'workbench.action.openSettings') await vscode.commands.executeCommand(pick.command, MOCK_SECTION);
    else await vscode.commands.executeCommand(pick.command);
  });
  registerFaultCommand(commands);
  if (readMockConfig().startOnOpen) void startWithFeedback(mock);
  return mock;
}
