// Diagnostics of a provisioning configuration file (Entra's synchronizationSchema): the loader's and the
// linter's problems (src/entra) placed in the text — at the JSON value of their path, or inside an
// expression string at the exact characters (escapes counted). Shared by the editor and `scim-workbench lint`.
import { findNodeAtLocation, getNodeValue, type JSONPath } from 'jsonc-parser';
import { isSynchronizationSchema, loadConfiguration } from '../entra';
import { lintConfiguration } from '../entra/lint';
import { rangeAtPath as rangeAt, rangeInString, Reporter, valueRange } from './json';
import type { Problem } from './rules';
import { syntaxProblems } from './syntax';
import { readTree } from './tree';

/** File names that are provisioning configuration files whatever their content. */
export const PROVISIONING_FILE = /\.provisioning\.json$/i;

/** Is this file a provisioning configuration: by name, or by content (a top-level "synchronizationRules")? */
export function isProvisioningConfiguration(fileName: string, text: string): boolean {
  if (PROVISIONING_FILE.test(fileName)) return true;
  // Cheap pre-check before parsing a possibly large JSON file.
  if (!text.includes('"synchronizationRules"')) return false;
  const { root } = readTree(text, { allowTrailingComma: true });
  return root !== undefined && root.type === 'object' && root.children?.some((p) => p.children?.[0]?.value === 'synchronizationRules') === true;
}

export function validateProvisioningConfiguration(text: string): { problems: Problem[] } {
  const { root, errors, tooDeep } = readTree(text, { allowTrailingComma: false });
  const r = new Reporter(text, errors.length > 0);
  syntaxProblems(r, errors, 'Until the file is valid JSON its mappings are not checked.');
  if (tooDeep) r.report('SCIM090', { offset: 0, length: 0 }, 'The file nests too deeply to be read.');
  if (!root || errors.length > 0 || tooDeep) return { problems: r.problems };
  let value: unknown;
  try {
    value = getNodeValue(root);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    r.report('SCIM090', { offset: 0, length: 0 }, 'The file nests too deeply to be read.');
    return { problems: r.problems };
  }
  if (!isSynchronizationSchema(value) && !(typeof value === 'object' && value !== null && !Array.isArray(value))) {
    r.report('SCIM090', valueRange(root), 'A provisioning configuration is a JSON object with "directories" and "synchronizationRules" (Entra\'s synchronizationSchema).');
    return { problems: r.problems };
  }
  for (const p of lintConfiguration(loadConfiguration(value))) {
    let range = rangeAt(root, p.path as JSONPath);
    const node = findNodeAtLocation(root, p.path as JSONPath);
    if (p.inExpression && node?.type === 'string') range = rangeInString(text, node, p.inExpression.offset, p.inExpression.length);
    const fixes = p.replacement !== undefined && node
      ? [{ title: `Write ${p.replacement}`, kind: 'quickfix' as const, edits: [p.inExpression && node.type === 'string'
        ? { ...range, newText: JSON.stringify(p.replacement).slice(1, -1) }
        : { offset: node.offset, length: node.length, newText: JSON.stringify(p.replacement) }] }]
      : undefined;
    r.report(p.code, range, p.message, fixes);
    const last = r.problems.length - 1;
    if (r.problems[last].severity !== p.severity) r.problems[last] = { ...r.problems[last], severity: p.severity };
  }
  return { problems: r.problems };
}
