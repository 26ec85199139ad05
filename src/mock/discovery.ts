// The discovery endpoints (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes and /Schemas, built from the
// schemas-as-data in src/scim/schemas.ts so they always describe what the mock actually does.
import { RESOURCE_TYPES, SCHEMAS, URN, resourceTypeResource, schemaFor, schemaResource } from '../scim/schemas';

/**
 * `muralQueries`: the mock answers queries as MURAL does (one eq filter per endpoint, no sorting), so sort is
 * not supported; filtering is, within MURAL's limits.
 */
export function serviceProviderConfig(baseUrl: string | undefined, maxResults: number, muralQueries: boolean): Record<string, unknown> {
  return {
    schemas: [URN.ServiceProviderConfig],
    documentationUri: 'https://developers.mural.co/enterprise/docs/about-the-scim-api',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: !muralQueries },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'Send "Authorization: Bearer <token>" (Entra\'s Secret Token) or MURAL\'s "Authorization: apikey <token>".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', ...(baseUrl ? { location: `${baseUrl}/ServiceProviderConfig` } : {}) },
  };
}

export function resourceTypes(baseUrl: string | undefined): Record<string, unknown>[] {
  return Object.values(RESOURCE_TYPES).map((t) => resourceTypeResource(t, baseUrl));
}

/** A resource type by id (case-insensitive), or undefined. */
export function resourceType(id: string, baseUrl: string | undefined): Record<string, unknown> | undefined {
  const t = Object.values(RESOURCE_TYPES).find((r) => r.id.toLowerCase() === id.toLowerCase());
  return t ? resourceTypeResource(t, baseUrl) : undefined;
}

export function schemas(baseUrl: string | undefined): Record<string, unknown>[] {
  return SCHEMAS.map((s) => schemaResource(s, baseUrl));
}

/** A schema by URN (case-insensitive), or undefined. */
export function schema(urn: string, baseUrl: string | undefined): Record<string, unknown> | undefined {
  const s = schemaFor(urn);
  return s ? schemaResource(s, baseUrl) : undefined;
}
