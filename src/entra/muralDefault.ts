// The default provisioning configuration of Entra's MURAL Identity gallery app, as a synchronizationSchema —
// what an admin sees under Provisioning → Mappings before changing anything. It is derived from MURAL's
// mapping table (src/scim/mapping.ts, the one source of truth: targets, types, required, filterable and
// Entra's default sources), so the mock server, the payload validator and this file cannot disagree.
// Inferred (no real MURAL download is public): the target directory's name, the user mapping's
// targetObjectName and the rule name follow the SCIM templates of Graph's synchronizationSchema (https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationschema).
import { MURAL_MAPPING, type MappingEntry, type MappingTable } from '../scim/mapping';
import type { ResourceTypeName } from '../scim/schemas';
import { parseExpression } from './parser';
import { toMappingSource, type AttributeMappingSource } from './stored';

export const ENTRA_DIRECTORY = 'Microsoft Entra ID';
export const MURAL_DIRECTORY = 'MURAL Identity';
export const TARGET_OBJECTS: Readonly<Record<ResourceTypeName, string>> = {
  User: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
};

type AttrType = 'String' | 'Boolean' | 'Reference' | 'DateTime' | 'Integer' | 'Binary';

/** Entra's user and group attributes a mapping commonly reads (name, type, multi-valued). */
const ENTRA_ATTRIBUTES: Readonly<Record<'User' | 'Group', readonly [string, AttrType, boolean?][]>> = {
  User: [
    ['objectId', 'String'], ['IsSoftDeleted', 'Boolean'], ['accountEnabled', 'Boolean'], ['userPrincipalName', 'String'],
    ['originalUserPrincipalName', 'String'], ['mail', 'String'], ['mailNickname', 'String'], ['givenName', 'String'],
    ['surname', 'String'], ['displayName', 'String'], ['jobTitle', 'String'], ['department', 'String'],
    ['companyName', 'String'], ['employeeId', 'String'], ['employeeHireDate', 'DateTime'], ['userType', 'String'],
    ['preferredLanguage', 'String'], ['usageLocation', 'String'], ['streetAddress', 'String'], ['city', 'String'],
    ['state', 'String'], ['postalCode', 'String'], ['country', 'String'], ['physicalDeliveryOfficeName', 'String'],
    ['telephoneNumber', 'String'], ['mobile', 'String'], ['facsimileTelephoneNumber', 'String'], ['manager', 'Reference'],
    ['proxyAddresses', 'String', true], ['otherMails', 'String', true], ['appRoleAssignments', 'String', true],
    ...Array.from({ length: 15 }, (_, i): [string, AttrType] => [`extensionAttribute${i + 1}`, 'String']),
  ],
  Group: [
    ['objectId', 'String'], ['displayName', 'String'], ['description', 'String'], ['mail', 'String'],
    ['mailNickname', 'String'], ['mailEnabled', 'Boolean'], ['securityEnabled', 'Boolean'], ['members', 'Reference', true],
    ['proxyAddresses', 'String', true],
  ],
};

function attributeDefinition(name: string, type: AttrType, options: { multivalued?: boolean; required?: boolean; anchor?: boolean } = {}) {
  return {
    anchor: options.anchor ?? false,
    caseExact: false,
    defaultValue: null,
    metadata: [],
    multivalued: options.multivalued ?? false,
    mutability: 'ReadWrite',
    name,
    referencedObjects: type === 'Reference' ? [{ referencedObjectName: name === 'members' ? 'Group' : 'User', referencedProperty: null }] : [],
    required: options.required ?? false,
    type,
  };
}

/** The stored source of a mapping table entry: a bare name is a Direct mapping, anything else an expression. */
export function entrySource(e: MappingEntry): AttributeMappingSource | null {
  if (e.source === undefined) return null;
  const text = /^[A-Za-z_][\w-]*$/.test(e.source) ? `[${e.source}]` : e.source;
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(`MURAL's mapping table has an unreadable source for ${e.target}: ${parsed.error.message}`);
  const tree = toMappingSource(parsed.expr, text);
  if (!tree.ok) throw new Error(`MURAL's mapping table source for ${e.target} has no stored form: ${tree.error.message}`);
  return tree.value;
}

function objectMapping(table: MappingTable, rt: ResourceTypeName) {
  const entries = table.entries.filter((e) => e.resource === rt);
  const plural = rt === 'User' ? 'Users' : 'Groups';
  return {
    attributeMappings: entries.map((e) => ({
      defaultValue: null,
      exportMissingReferences: false,
      flowBehavior: 'FlowWhenChanged',
      flowType: 'Always',
      // The filterable, required attribute is what Entra matches on (userName, displayName).
      matchingPriority: e.filterable && e.required ? 1 : 0,
      source: entrySource(e),
      targetAttributeName: e.target,
    })),
    enabled: true,
    flowTypes: 'Add, Update, Delete',
    metadata: [],
    name: `Provision ${ENTRA_DIRECTORY} ${plural}`,
    scope: null,
    sourceObjectName: rt,
    targetObjectName: TARGET_OBJECTS[rt],
  };
}

/** The synchronizationSchema of MURAL Identity's default mappings, derived from a mapping table. */
export function muralDefaultConfiguration(table: MappingTable = MURAL_MAPPING): object {
  const entra = (rt: 'User' | 'Group') => ({
    attributes: ENTRA_ATTRIBUTES[rt].map(([name, type, multivalued]) => attributeDefinition(name, type, { multivalued, anchor: name === 'objectId' })),
    metadata: [],
    name: rt,
  });
  const target = (rt: ResourceTypeName) => ({
    attributes: table.entries
      .filter((e) => e.resource === rt)
      .map((e) => attributeDefinition(e.target, e.type, { required: e.required, multivalued: e.target === 'members' })),
    metadata: [],
    name: TARGET_OBJECTS[rt],
  });
  return {
    directories: [
      { id: '66e4a8cc-1b7b-435e-95f8-f06cea133828', name: ENTRA_DIRECTORY, objects: [entra('User'), entra('Group')] },
      { name: MURAL_DIRECTORY, objects: [target('User'), target('Group')] },
    ],
    synchronizationRules: [
      {
        editable: true,
        id: 'muralIdentity.users.groups',
        metadata: [],
        name: 'USERGROUP_OUTBOUND_USERGROUP',
        objectMappings: [objectMapping(table, 'User'), objectMapping(table, 'Group')],
        priority: 1,
        sourceDirectoryName: ENTRA_DIRECTORY,
        targetDirectoryName: MURAL_DIRECTORY,
      },
    ],
    version: '1.0',
  };
}

/** The default configuration as file text (two-space JSON, newline at the end). */
export function muralDefaultConfigurationText(): string {
  return JSON.stringify(muralDefaultConfiguration(), null, 2) + '\n';
}
