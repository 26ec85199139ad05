// A workspace's own attribute-mapping table (.vscode/scim-mapping.json, schema in
// schemas/scim-mapping.schema.json), the way an admin edits Entra's attribute mappings: checked by the core's
// parseMappingTable, with each problem placed in the file.
import { normalizeTarget, parseMappingTable, type MappingTable } from '../scim/mapping';
import { rangeAtPath as rangeAt, Reporter } from './json';
import { syntaxProblems } from './syntax';
import type { Problem } from './rules';
import { mappingView } from './targets';
import { readTree, treeValue } from './tree';
import { isSynchronizationSchema } from '../entra';
import { provisioningMappingTable } from './provisioning';

export interface LoadedMapping {
  /** The table, when the file is usable (warnings aside). */
  readonly table?: MappingTable;
  readonly problems: Problem[];
}

/** Parses and checks a mapping file's text. */
export function loadMappingTable(text: string): LoadedMapping {
  const { root, errors, tooDeep } = readTree(text, { allowTrailingComma: true });
  const r = new Reporter(text, errors.length > 0);
  syntaxProblems(r, errors, 'Until the mapping file is valid JSON the workbench uses MURAL\'s default table.');
  if (tooDeep) r.report('SCIM080', { offset: 0, length: 0 }, 'The mapping file nests too deeply to be read; it is a list of flat entries.');
  if (!root || errors.length > 0) return { problems: r.problems };
  const read = treeValue(root);
  if (!read) {
    r.report('SCIM080', { offset: 0, length: 0 }, 'The mapping file nests too deeply to be read; it is a list of flat entries.');
    return { problems: r.problems };
  }
  const value = read.value;
  // A provisioning configuration (Entra's synchronizationSchema) serves as a mapping table too.
  if (isSynchronizationSchema(value)) return provisioningMappingTable(text, value);
  const parsed = parseMappingTable(value);
  for (const p of parsed.problems) {
    r.report('SCIM080', rangeAt(root, p.path), `${p.message} Until this is fixed the workbench checks payloads against MURAL's default table.`);
  }
  const table = parsed.table;
  if (!table) return { problems: r.problems };
  const view = mappingView(table);
  for (const u of view.unresolved) {
    r.report('SCIM081', rangeAt(root, ['entries', u.index, 'target']), `${u.message} This entry is ignored.`);
  }
  const seen = new Map<string, number>();
  table.entries.forEach((e, i) => {
    const key = `${e.resource}|${normalizeTarget(e.target)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      r.report('SCIM081', rangeAt(root, ['entries', i, 'target']), `${e.resource} ${e.target} is already mapped by entry ${first + 1}; both apply, so their rules add up. Keep one.`);
    } else {
      seen.set(key, i);
    }
  });
  return { table, problems: r.problems };
}
