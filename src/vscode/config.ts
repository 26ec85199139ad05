// Every SCIM Workbench setting is read (and the fault switches written) here, as restclient reads its settings in
// one class (https://github.com/Huachao/vscode-restclient/blob/master/src/models/configurationSettings.ts).
// Defaults live in package.json only: VS Code returns a setting's declared default when nobody set it, and a value
// of the wrong type or out of range falls back to that same declared default. The keys are listed in
// contributions.ts; the mock server's switches come from MOCK_OPTION_TABLE (one table for the CLI flags, these
// settings and the docs).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetworkOptions } from '../client/http';
import { MOCK_OPTION_TABLE, type MockOptions } from '../mock/options';
import type { SettingKey } from './contributions';

export const SECTION = 'scimWorkbench';

/** The full id of a setting, for affectsConfiguration and "Open Settings". */
export function settingId(key: SettingKey): string {
  return `${SECTION}.${key}`;
}

/** A setting's value; its package.json default when unset or when `valid` rejects what was set. */
function read<T>(key: SettingKey, valid: (v: unknown) => v is T, scope?: vscode.ConfigurationScope): T {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const v = c.get<unknown>(key);
  if (valid(v)) return v;
  const fallback = c.inspect<unknown>(key)?.defaultValue;
  if (valid(fallback)) return fallback;
  throw new Error(`The setting ${settingId(key)} has no valid default in package.json.`);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const atLeast = (min: number) => (v: unknown): v is number => isNumber(v) && v >= min;
const isString = (v: unknown): v is string => typeof v === 'string';
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

// ── Mock server ────────────────────────────────────────────────────────────────────────────────────────────

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
export const RESTART_KEYS = (['mock.port', 'mock.host', 'mock.persist', 'mock.dataFile'] as const).map(settingId);

/** The settings section of the mock server's switches. */
export const MOCK_SECTION = `${SECTION}.mock`;

export function readMockConfig(): MockConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const options: Record<string, unknown> = {};
  for (const spec of MOCK_OPTION_TABLE) {
    const v = c.get(`mock.${spec.key}`);
    if (v !== undefined) options[spec.key] = v;
  }
  return {
    port: read('mock.port', atLeast(0)),
    host: read('mock.host', isText).trim(),
    persist: read('mock.persist', isBoolean),
    dataFile: read('mock.dataFile', isString).trim(),
    requestLogSize: read('mock.requestLogSize', atLeast(1)),
    startOnOpen: read('mock.startOnOpen', isBoolean),
    options: options as Partial<MockOptions>,
  };
}

/**
 * Sets mock server switches in the workspace settings (user settings without a folder), so they show in
 * Settings and survive a reload; undefined removes a switch's setting, so it returns to its default.
 */
export async function writeMockSwitches(values: Partial<Record<keyof MockOptions, MockOptions[keyof MockOptions] | undefined>>): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  for (const [key, value] of Object.entries(values)) await c.update(`mock.${key}`, value, target);
}

// ── Directory, requests, network ───────────────────────────────────────────────────────────────────────────

/** Users or groups per page of the Directory view (at least 10). */
export function directoryPageSize(): number {
  return Math.max(10, read('directory.pageSize', isNumber));
}

/** Whether deactivating a mock user from the Directory asks first (MURAL's workspaces are lost for good). */
export function confirmDeactivate(): boolean {
  return read('directory.confirmDeactivate', isBoolean);
}

/** Stops asking before deactivating a mock user, for every workspace (the "don't ask again" answer). */
export async function stopConfirmingDeactivate(): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('directory.confirmDeactivate', false, vscode.ConfigurationTarget.Global);
}

/** Entra's accidental-deletion threshold for provisioning jobs; undefined when off (0). */
export function provisioningDeletionThreshold(): number | undefined {
  const n = Math.floor(read('provisioning.deletionThreshold', atLeast(0)));
  return n > 0 ? n : undefined;
}

/** How long a request to an endpoint may take. */
export function requestTimeoutMs(): number {
  return Math.max(1, read('requests.timeoutSeconds', isNumber)) * 1000;
}

/** Requests kept in the history (0 keeps none). */
export function historySize(): number {
  return Math.max(0, read('requests.historySize', isNumber));
}

export function codeLensEnabled(): boolean {
  return read('requests.codeLens', isBoolean);
}

/** The settings a change of which rebuilds the HTTP client: VS Code's proxy settings and the CA file. */
export const NETWORK_SETTINGS = ['http.proxy', 'http.noProxy', 'http.proxyStrictSSL', settingId('network.extraCaCertificates')];

/** VS Code's proxy settings (its own defaults), with the environment as fallback, as VS Code itself does. */
export function readNetworkOptions(env: NodeJS.ProcessEnv = process.env): NetworkOptions {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy') ?? '').trim() || env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY || '';
  const noProxy = [...(http.get<string[]>('noProxy') ?? []), ...(env.no_proxy ?? env.NO_PROXY ?? '').split(',')]
    .map((h) => h.trim())
    .filter(Boolean);
  return {
    ...(proxy ? { proxy } : {}),
    ...(noProxy.length ? { noProxy } : {}),
    strictSSL: http.get<boolean>('proxyStrictSSL') !== false,
  };
}

/** The configured CA file's absolute path, or undefined; a relative path is resolved against the first workspace folder. */
export function extraCaCertificatesFile(): string | undefined {
  const value = read('network.extraCaCertificates', isString).trim();
  if (!value) return undefined;
  if (path.isAbsolute(value)) return value;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? path.join(folder, value) : value;
}

// ── Payload diagnostics (per resource, so a folder of a multi-root workspace can have its own) ─────────────

/** The settings the diagnostics read; a change to any of them re-checks the open documents. */
export const DIAGNOSTICS_SETTINGS = (['diagnostics.enabled', 'diagnostics.include', 'diagnostics.maxFileSizeKB'] as const).map(settingId);
export const MAPPING_FILE_SETTING = settingId('mappingFile');

export interface DiagnosticsConfig {
  readonly enabled: boolean;
  /** Globs: `**`-prefixed and absolute ones match anywhere, others are relative to the document's workspace folder. */
  readonly include: readonly string[];
  readonly maxFileSizeKB: number;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

export function readDiagnosticsConfig(scope?: vscode.Uri): DiagnosticsConfig {
  return {
    enabled: read('diagnostics.enabled', isBoolean, scope),
    include: read('diagnostics.include', isList, scope).filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim()),
    maxFileSizeKB: read('diagnostics.maxFileSizeKB', (v): v is number => isNumber(v) && v > 0, scope),
  };
}

/** Whether VS Code's own JSON language service reports syntax errors (its json.validate.enable, on by default). */
export function vscodeValidatesJson(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('json', scope).get<boolean>('validate.enable') !== false;
}

/** The mapping file's path as set for a workspace folder (relative to it, or absolute). */
export function readMappingFileSetting(folder: vscode.WorkspaceFolder): string {
  return read('mappingFile', isText, folder.uri).trim();
}
