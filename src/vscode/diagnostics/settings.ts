// The payload diagnostics' settings (package.json declares them under the same keys), read per resource so a
// folder of a multi-root workspace can have its own include globs and mapping file.
import * as vscode from 'vscode';
import { SECTION } from '../config';

export const DEFAULT_INCLUDE = ['**/*.scim.json'];
export const DEFAULT_MAPPING_FILE = '.vscode/scim-mapping.json';
export const DEFAULT_MAX_FILE_SIZE_KB = 2048;

/** The settings this feature reads; a change to any of them re-checks the open documents. */
export const DIAGNOSTICS_KEYS = ['diagnostics.enabled', 'diagnostics.include', 'diagnostics.maxFileSizeKB'].map((k) => `${SECTION}.${k}`);
export const MAPPING_FILE_KEY = `${SECTION}.mappingFile`;

export interface DiagnosticsConfig {
  readonly enabled: boolean;
  /** Globs: `**`-prefixed and absolute ones match anywhere, others are relative to the document's workspace folder. */
  readonly include: readonly string[];
  readonly maxFileSizeKB: number;
}

export function readDiagnosticsConfig(scope?: vscode.Uri): DiagnosticsConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const include = c.get<unknown>('diagnostics.include', DEFAULT_INCLUDE);
  const maxFileSizeKB = c.get<number>('diagnostics.maxFileSizeKB', DEFAULT_MAX_FILE_SIZE_KB);
  return {
    enabled: c.get<boolean>('diagnostics.enabled', true),
    include: Array.isArray(include) ? include.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim()) : DEFAULT_INCLUDE,
    maxFileSizeKB: Number.isFinite(maxFileSizeKB) && maxFileSizeKB > 0 ? maxFileSizeKB : DEFAULT_MAX_FILE_SIZE_KB,
  };
}

/** The mapping file's path as set for a workspace folder (relative to it, or absolute). */
export function readMappingFileSetting(folder: vscode.WorkspaceFolder): string {
  const v = vscode.workspace.getConfiguration(SECTION, folder.uri).get<string>('mappingFile', DEFAULT_MAPPING_FILE);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : DEFAULT_MAPPING_FILE;
}
