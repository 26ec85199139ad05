// SCIM schemas as data (RFC 7643 §4, §7, §8.7): the attribute characteristics every other module reads —
// the mock server (mutability, returned, caseExact, uniqueness), the payload validator (types, unknown
// attributes) and the discovery endpoints (/Schemas, /ResourceTypes).

export const URN = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  EnterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  /** Entra adds this schema to every group it creates; it defines no attributes MURAL reads. */
  EntraGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
  ListResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  PatchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  SearchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  Error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  BulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  ServiceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  ResourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  Schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDef[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

export type ResourceTypeName = 'User' | 'Group';

export interface ResourceTypeDef {
  readonly id: ResourceTypeName;
  readonly name: ResourceTypeName;
  readonly endpoint: '/Users' | '/Groups';
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
}

type AttrOptions = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, o: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description,
    required: o.required ?? false,
    caseExact: o.caseExact ?? false,
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
    ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
  };
}

/** The value/display/type/primary sub-attributes shared by emails, phoneNumbers, ims, photos, … */
function multiValuedStrings(name: string, description: string, types: readonly string[], valueType: AttributeType = 'string'): AttributeDef {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', valueType, `The ${name} value.`, valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      attr('type', 'string', `A label indicating the attribute's function, e.g. ${types.map((t) => `"${t}"`).join(', ')}.`, { canonicalValues: types }),
      attr('primary', 'boolean', 'Indicates the primary or preferred value; true at most once.'),
    ],
  });
}

/** id, externalId and meta (RFC 7643 §3.1): part of every resource, not of any schema's attribute list. */
export const COMMON_ATTRIBUTES: readonly AttributeDef[] = [
  attr('id', 'string', 'Unique identifier of the resource, issued by the service provider.', {
    caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server',
  }),
  attr('externalId', 'string', 'Identifier of the resource as defined by the provisioning client (Entra sets it).', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', 'Name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'URI of the resource.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attr('version', 'string', 'Version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export const USER_SCHEMA: SchemaDef = {
  id: URN.User,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the user, used to sign in. MURAL: the user\'s email, stored lower case.', {
      required: true, uniqueness: 'server',
    }),
    attr('name', 'complex', 'The components of the user\'s real name.', {
      subAttributes: [
        attr('formatted', 'string', 'The full name, formatted for display.'),
        attr('familyName', 'string', 'The family name (last name). MURAL: no digits.'),
        attr('givenName', 'string', 'The given name (first name). MURAL: no digits.'),
        attr('middleName', 'string', 'The middle name(s).'),
        attr('honorificPrefix', 'string', 'Honorific prefix, e.g. "Ms.".'),
        attr('honorificSuffix', 'string', 'Honorific suffix, e.g. "III".'),
      ],
    }),
    attr('displayName', 'string', 'The name of the user, suitable for display.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', 'A URI of the user\'s online profile.', { referenceTypes: ['external'] }),
    attr('title', 'string', 'The user\'s title, e.g. "Vice President".'),
    attr('userType', 'string', 'The relationship between the organization and the user, e.g. "Employee".'),
    attr('preferredLanguage', 'string', 'Preferred written or spoken language, e.g. "en-US".'),
    attr('locale', 'string', 'Default location for localizing, e.g. "en-US".'),
    attr('timezone', 'string', 'Time zone in IANA format, e.g. "America/Los_Angeles".'),
    attr('active', 'boolean', 'Administrative status. MURAL: false is a soft delete that removes the user from every workspace.'),
    attr('password', 'string', 'The user\'s clear-text password; never returned.', { mutability: 'writeOnly', returned: 'never' }),
    attr('emails', 'complex', 'Email addresses. MURAL: a work email is required and is stored lower case.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'Email address, canonicalized per RFC 5321.'),
        attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
        attr('type', 'string', 'A label indicating the email\'s function, e.g. "work" or "home".', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'Indicates the primary email; true at most once.'),
      ],
    }),
    multiValuedStrings('phoneNumbers', 'Phone numbers.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValuedStrings('ims', 'Instant messaging addresses.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValuedStrings('photos', 'URLs of images of the user.', ['photo', 'thumbnail'], 'reference'),
    attr('addresses', 'complex', 'Physical mailing addresses.', {
      multiValued: true,
      subAttributes: [
        attr('formatted', 'string', 'The full mailing address, formatted for display.'),
        attr('streetAddress', 'string', 'The full street address component.'),
        attr('locality', 'string', 'The city or locality component.'),
        attr('region', 'string', 'The state or region component.'),
        attr('postalCode', 'string', 'The zip code or postal code component.'),
        attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        attr('type', 'string', 'A label indicating the address\'s function.', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'Indicates the primary address.'),
      ],
    }),
    attr('groups', 'complex', 'Groups the user belongs to; managed through the Group resource.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        attr('display', 'string', 'The displayName of the group.', { mutability: 'readOnly' }),
        attr('type', 'string', 'How the membership was derived: "direct" or "indirect".', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValuedStrings('entitlements', 'Entitlements of the user.', []),
    multiValuedStrings('roles', 'Roles of the user (Entra sends "roles": []).', []),
    attr('x509Certificates', 'complex', 'X.509 certificates of the user.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'binary', 'The certificate, base64 DER.'),
        attr('display', 'string', 'A human-readable name.'),
        attr('type', 'string', 'A label indicating the certificate\'s function.'),
        attr('primary', 'boolean', 'Indicates the primary certificate.'),
      ],
    }),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDef = {
  id: URN.EnterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Identifier of the user assigned by the organization.'),
    attr('costCenter', 'string', 'Name of a cost center.'),
    attr('organization', 'string', 'Name of an organization.'),
    attr('division', 'string', 'Name of a division.'),
    attr('department', 'string', 'Name of a department.'),
    attr('manager', 'complex', 'The user\'s manager.', {
      subAttributes: [
        attr('value', 'string', 'The id of the manager\'s User resource.'),
        attr('$ref', 'reference', 'The URI of the manager\'s User resource.', { referenceTypes: ['User'] }),
        attr('displayName', 'string', 'The displayName of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const GROUP_SCHEMA: SchemaDef = {
  id: URN.Group,
  name: 'Group',
  description: 'Group. MURAL: a workspace.',
  attributes: [
    attr('displayName', 'string', 'A human-readable name for the group. MURAL: required and unique.', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', 'The members of the group.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'Identifier of the member (a user id).', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member resource (Entra sends null).', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attr('display', 'string', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        attr('type', 'string', 'The type of the member: "User" or "Group".', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    }),
  ],
};

export const SCHEMAS: readonly SchemaDef[] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA];

export const RESOURCE_TYPES: Readonly<Record<ResourceTypeName, ResourceTypeDef>> = {
  User: {
    id: 'User', name: 'User', endpoint: '/Users', description: 'User Account', schema: URN.User,
    schemaExtensions: [{ schema: URN.EnterpriseUser, required: false }],
  },
  Group: {
    id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group (MURAL workspace)', schema: URN.Group,
    schemaExtensions: [],
  },
};

/** Schemas a client may list in a resource's `schemas` besides the core one (accepted, not modelled). */
export const ACCEPTED_EXTRA_SCHEMAS: Readonly<Record<ResourceTypeName, readonly string[]>> = {
  User: [URN.EnterpriseUser],
  Group: [URN.EntraGroup],
};

const schemaById = new Map<string, SchemaDef>(SCHEMAS.map((s) => [s.id.toLowerCase(), s]));

export function schemaFor(urn: string): SchemaDef | undefined {
  return schemaById.get(urn.toLowerCase());
}

/** A resolved attribute: where it lives (schema URN, or undefined for id/externalId/meta) and its definition. */
export interface ResolvedAttribute {
  /** URN of the extension schema holding it, or undefined for core/common attributes (stored at top level). */
  readonly extension?: string;
  readonly def: AttributeDef;
  /** Definition of the parent when this is a sub-attribute. */
  readonly parent?: AttributeDef;
}

const byLowerName = new WeakMap<readonly AttributeDef[], ReadonlyMap<string, AttributeDef>>();

/** The attribute of `list` named `name`, case-insensitively (the first, should two differ only in case). */
export function findAttribute(list: readonly AttributeDef[], name: string): AttributeDef | undefined {
  let m = byLowerName.get(list);
  if (!m) {
    const built = new Map<string, AttributeDef>();
    for (const a of list) if (!built.has(a.name.toLowerCase())) built.set(a.name.toLowerCase(), a);
    byLowerName.set(list, (m = built));
  }
  return m.get(name.toLowerCase());
}

/** What name look-ups need of a resource type, worked out once: the schemas are constants. */
interface TypeLookup {
  /** id, externalId, meta and the core schema's attributes. */
  readonly coreAttributes: readonly AttributeDef[];
  /** The core schema URN and the extension URNs, with their lower-case forms. */
  readonly schemas: readonly { readonly urn: string; readonly lower: string; readonly attributes: readonly AttributeDef[] }[];
}

const lookups = new Map<ResourceTypeName, TypeLookup>();

function lookup(rt: ResourceTypeName): TypeLookup {
  let l = lookups.get(rt);
  if (!l) {
    const type = RESOURCE_TYPES[rt];
    const schemas = [type.schema, ...type.schemaExtensions.map((e) => e.schema)]
      .map((urn) => ({ urn, lower: urn.toLowerCase(), attributes: schemaFor(urn)?.attributes ?? [] }));
    l = { coreAttributes: [...COMMON_ATTRIBUTES, ...(schemas[0]?.attributes ?? [])], schemas };
    lookups.set(rt, l);
  }
  return l;
}

/**
 * Looks up an attribute by name for a resource type: `userName`, `name.givenName`, `emails.value`, or
 * URN-qualified (`urn:…:enterprise:2.0:User:manager.value`, `urn:…:core:2.0:User:userName`).
 * Names are case-insensitive (RFC 7643 §2.1). Returns undefined for unknown attributes.
 */
export function resolveAttribute(rt: ResourceTypeName, path: string): ResolvedAttribute | undefined {
  const { urn, rest } = splitUrn(rt, path);
  const l = lookup(rt);
  let extension: string | undefined;
  let attrs: readonly AttributeDef[];
  const urnLower = urn?.toLowerCase();
  if (urnLower === undefined || urnLower === l.schemas[0]?.lower) {
    attrs = l.coreAttributes;
  } else {
    const ext = l.schemas.find((e, i) => i > 0 && e.lower === urnLower);
    if (!ext) return undefined;
    extension = ext.urn;
    attrs = ext.attributes;
  }
  const dot = rest.indexOf('.');
  const head = dot < 0 ? rest : rest.slice(0, dot);
  const def = findAttribute(attrs, head);
  if (!def) return undefined;
  if (dot < 0) return { extension, def };
  const sub = def.subAttributes && findAttribute(def.subAttributes, rest.slice(dot + 1));
  return sub ? { extension, def: sub, parent: def } : undefined;
}

/**
 * Splits a possibly URN-qualified attribute path into the schema URN and the attribute path.
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` →
 * { urn: '…:enterprise:2.0:User', rest: 'manager.value' }. A bare URN naming a known schema of the
 * resource type (e.g. the enterprise extension itself) gives rest ''.
 */
export function splitUrn(rt: ResourceTypeName, path: string): { urn?: string; rest: string } {
  if (!/^urn:/i.test(path)) return { rest: path };
  const lower = path.toLowerCase();
  for (const { urn, lower: sl } of lookup(rt).schemas) {
    if (lower === sl) return { urn, rest: '' };
    if (lower.startsWith(sl) && lower.charCodeAt(sl.length) === 58) return { urn, rest: path.slice(urn.length + 1) };
  }
  // Unknown schema: the attribute name is what follows the last colon (RFC 7644 §3.10).
  const i = path.lastIndexOf(':');
  return { urn: path.slice(0, i), rest: path.slice(i + 1) };
}

/** The `/Schemas` representation of a schema (RFC 7643 §7). */
export function schemaResource(s: SchemaDef, baseUrl?: string): Record<string, unknown> {
  return {
    schemas: [URN.Schema],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', ...(baseUrl ? { location: `${baseUrl}/Schemas/${s.id}` } : {}) },
  };
}

/** The `/ResourceTypes` representation of a resource type (RFC 7643 §6). */
export function resourceTypeResource(t: ResourceTypeDef, baseUrl?: string): Record<string, unknown> {
  return {
    schemas: [URN.ResourceType],
    id: t.id,
    name: t.name,
    endpoint: t.endpoint,
    description: t.description,
    schema: t.schema,
    schemaExtensions: t.schemaExtensions,
    meta: { resourceType: 'ResourceType', ...(baseUrl ? { location: `${baseUrl}/ResourceTypes/${t.id}` } : {}) },
  };
}
