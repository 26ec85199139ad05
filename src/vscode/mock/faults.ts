// "SCIM: Inject Faults into the Mock Server…": presets of the fault-injection switches, written to the
// workspace settings (so they show in Settings and survive a reload) and applied to a running server at once.
import * as vscode from 'vscode';
import type { MockOptions } from '../../mock/options';
import { DEFAULT_OPTIONS, MOCK_OPTION_TABLE } from '../../mock/options';
import type { Commands } from '../commands';
import { MOCK_SECTION, readMockConfig, writeMockSwitches } from '../config';

type FaultKey = 'rateLimitPerSecond' | 'throttleShare' | 'retryAfterSeconds' | 'latencyMs' | 'faultShare' | 'faultStatus' | 'faultBurst';
const FAULT_KEYS: readonly FaultKey[] = ['rateLimitPerSecond', 'throttleShare', 'retryAfterSeconds', 'latencyMs', 'faultShare', 'faultStatus', 'faultBurst'];

export interface FaultPreset {
  readonly label: string;
  readonly detail: string;
  /** The switches it sets; every other fault switch goes back to its default. */
  readonly values: Partial<Pick<MockOptions, FaultKey>>;
}

export const FAULT_PRESETS: readonly FaultPreset[] = [
  { label: 'No faults', detail: 'Answer every request at once, as MURAL does on a good day.', values: {} },
  { label: 'Slow answers (800 ms)', detail: 'Adds 800 ms before every answer: see how long a cycle takes and whether your client times out.', values: { latencyMs: 800 } },
  { label: 'Rate limit at 25 requests/second', detail: 'The rate Entra gallery apps must sustain; above it the mock answers 429 with Retry-After.', values: { rateLimitPerSecond: 25, retryAfterSeconds: 1 } },
  { label: 'Throttle 20% of requests', detail: '429 with Retry-After: 5 at random: Entra retries these requests in a later cycle.', values: { throttleShare: 0.2, retryAfterSeconds: 5 } },
  { label: 'Outage bursts (503)', detail: '10% of requests start a burst of 20 answers 503 with Retry-After: rehearse Entra\'s retries and quarantine.', values: { faultShare: 0.1, faultStatus: 503, faultBurst: 20, retryAfterSeconds: 30 } },
  { label: 'Server errors (500)', detail: '5% of requests answer 500: if most requests fail, Entra puts the job in quarantine.', values: { faultShare: 0.05, faultStatus: 500, faultBurst: 1 } },
];

/** The preset matching the current settings, if any. */
export function currentPreset(): FaultPreset | undefined {
  const { options } = readMockConfig();
  return FAULT_PRESETS.find((p) => FAULT_KEYS.every((k) => (options[k] ?? DEFAULT_OPTIONS[k]) === (p.values[k] ?? DEFAULT_OPTIONS[k])));
}

export async function applyFaultPreset(preset: FaultPreset): Promise<void> {
  // A switch the preset leaves at its default loses its setting.
  await writeMockSwitches(Object.fromEntries(FAULT_KEYS.map((k) => [k, preset.values[k] === DEFAULT_OPTIONS[k] ? undefined : preset.values[k]])));
}

export function registerFaultCommand(commands: Commands): void {
  commands.register('scimWorkbench.mock.injectFaults', async (presetLabel?: string) => {
    let preset = FAULT_PRESETS.find((p) => p.label === presetLabel);
    if (!preset) {
      const active = currentPreset();
      type Item = vscode.QuickPickItem & { preset?: FaultPreset };
      const items: Item[] = [
        ...FAULT_PRESETS.map((p) => ({ label: p === active ? `$(check) ${p.label}` : p.label, detail: p.detail, preset: p })),
        { label: '$(settings-gear) Custom…', detail: `Set each switch yourself: ${MOCK_OPTION_TABLE.filter((s) => (FAULT_KEYS as readonly string[]).includes(s.key)).map((s) => s.key).join(', ')}.` },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Inject Faults into the Mock SCIM Server', placeHolder: active ? `Now: ${active.label}` : 'Now: custom settings', matchOnDetail: true });
      if (!pick) return;
      if (!pick.preset) {
        await vscode.commands.executeCommand('workbench.action.openSettings', MOCK_SECTION);
        return;
      }
      preset = pick.preset;
    }
    await applyFaultPreset(preset);
    // The switches are settings: say where they went, since .vscode/settings.json may get committed.
    const where = vscode.workspace.workspaceFolders ? 'this workspace\'s .vscode/settings.json' : 'your user settings';
    void vscode.window.showInformationMessage(Object.keys(preset.values).length
      ? `Mock server faults: ${preset.label}. Saved in ${where}; "No faults" removes them.`
      : `Mock server faults off: the fault switches were removed from ${where}.`);
  });
}
