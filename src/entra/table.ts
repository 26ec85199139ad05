// A provisioning configuration as the mapping table the payload validator and the mock use (src/scim/mapping.ts):
// what the workspace's own Entra mappings send to MURAL. Each attribute mapping of an enabled object mapping that
// targets MURAL's SCIM User or Group becomes an entry: its target, the type and "required" of the target
// attribute's definition in the file, and what MURAL itself contributes — whether it can filter on the attribute
// and its value rules (lower case, no digits) — from MURAL's table, since those are MURAL's, not Entra's.
import { findEntry, MURAL_MAPPING, type MappingEntry, type MappingTable } from '../scim/mapping';
import type { ResourceTypeName } from '../scim/schemas';
import { findObject, type ProvisioningConfiguration } from './config';
import { TARGET_OBJECTS } from './muralDefault';

/** Target object names that stand for MURAL's SCIM User and Group (a gallery app's plain "User" is its own). */
const RESOURCE_OF: ReadonlyMap<string, ResourceTypeName> = new Map([
  [TARGET_OBJECTS.User, 'User'],
  ['urn:ietf:params:scim:schemas:core:2.0:User', 'User'],
  [TARGET_OBJECTS.Group, 'Group'],
]);

const TYPES: ReadonlySet<string> = new Set(['String', 'Boolean', 'Reference']);

/** The table, or why the configuration gives none. */
export function mappingTableFromConfiguration(config: ProvisioningConfiguration, name: string): { table?: MappingTable; reason?: string } {
  const entries: MappingEntry[] = [];
  for (const rule of config.rules) {
    for (const om of rule.objectMappings) {
      const resource = RESOURCE_OF.get(om.targetObjectName);
      if (!om.enabled || !resource) continue;
      const target = findObject(config, rule.targetDirectoryName, om.targetObjectName);
      for (const m of om.attributeMappings) {
        const def = target?.attributes.find((a) => a.name === m.targetAttributeName);
        const mural = findEntry(MURAL_MAPPING, resource, m.targetAttributeName);
        const type = def && TYPES.has(def.type) ? def.type as MappingEntry['type'] : mural?.type ?? 'String';
        entries.push({
          resource,
          target: m.targetAttributeName,
          type,
          filterable: mural?.filterable ?? false,
          required: def?.required ?? mural?.required ?? false,
          ...(m.source ? { source: m.source.text } : {}),
          ...(mural?.rules ? { rules: mural.rules } : {}),
        });
      }
    }
  }
  if (entries.length === 0) {
    return { reason: `No enabled object mapping targets MURAL's SCIM User or Group (targetObjectName ${[...RESOURCE_OF.keys()].map((k) => `"${k}"`).join(', ')}).` };
  }
  return { table: { name, entries } };
}
