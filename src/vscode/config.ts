// Reading SCIM Workbench's settings. The mock server's switches come from MOCK_OPTION_TABLE (one table for
// the CLI flags, these settings and the docs); package.json declares them under the same keys.
import * as vscode from 'vscode';
import { MOCK_OPTION_TABLE, type MockOptions } from '../mock/options';
import { DEFAULT_PORT } from '../mock/server';

export const SECTION = 'scimWorkbench';

export interface MockConfig {
  readonly port: number;
  readonly host: string;
  readonly persist: boolean;
  /** Empty: the extension's workspace storage. */
  readonly dataFile: string;
  readonly requestLogSize: number;
  readonly startOnOpen: boolean;
  readonly options: Partial<MockOptions>;
}

/** Settings whose change needs a restart of a running server (switches apply live). */
export const RESTART_KEYS = ['port', 'host', 'persist', 'dataFile', 'requestLogSize'].map((k) => `${SECTION}.mock.${k}`);

export function optionSettingKey(key: keyof MockOptions): string {
  return `${SECTION}.mock.${key}`;
}

export function readMockConfig(): MockConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const options: Record<string, unknown> = {};
  for (const spec of MOCK_OPTION_TABLE) {
    const v = c.get(`mock.${spec.key}`);
    if (v !== undefined) options[spec.key] = v;
  }
  return {
    port: c.get<number>('mock.port', DEFAULT_PORT),
    host: c.get<string>('mock.host', '127.0.0.1').trim() || '127.0.0.1',
    persist: c.get<boolean>('mock.persist', true),
    dataFile: c.get<string>('mock.dataFile', '').trim(),
    requestLogSize: c.get<number>('mock.requestLogSize', 500),
    startOnOpen: c.get<boolean>('mock.startOnOpen', false),
    options: options as Partial<MockOptions>,
  };
}
