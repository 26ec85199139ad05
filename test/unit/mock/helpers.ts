// Shared by the mock server tests: a server on 127.0.0.1:0 and an undici client that speaks to it.
import { Agent, request } from 'undici';
import { MockServer, type ServerOptions } from '../../../src/mock/server';
import { ScimService, type ServiceOptions } from '../../../src/mock/service';
import { URN } from '../../../src/scim/schemas';

export const TOKEN = 'test-token-3f9a';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body; undefined when empty. */
  json: any;
}

export interface Harness {
  service: ScimService;
  server: MockServer;
  /** The tenant URL (origin + /enterprise/v1/scim). */
  url: string;
  /** Requests take paths from the origin, e.g. /enterprise/v1/scim/Users. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  raw(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function startServer(serviceOptions: ServiceOptions = {}, serverOptions: Partial<ServerOptions> = {}): Promise<Harness> {
  const service = await ScimService.open(serviceOptions);
  const server = new MockServer(service, { token: TOKEN, port: 0, ...serverOptions });
  const { url } = await server.start();
  const agent = new Agent({ connections: 8 });
  const origin = new URL(url).origin;
  const raw = async (method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<Reply> => {
    const res = await request(origin + path, { method: method as 'GET', body, headers, dispatcher: agent });
    const text = await res.body.text();
    let json: unknown;
    if (text !== '') json = JSON.parse(text);
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  return {
    service,
    server,
    url,
    raw,
    call: (method, path, body, headers = {}) => raw(
      method, path,
      body === undefined ? undefined : JSON.stringify(body),
      { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    ),
    close: async () => {
      await agent.close();
      await server.stop();
      await service.close();
    },
  };
}

/** The body Entra sends to create a user (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups). */
export function entraUser(email: string, givenName: string, familyName: string, externalId = email.split('@')[0] as string): Record<string, unknown> {
  return {
    schemas: [URN.User, URN.EnterpriseUser],
    externalId,
    userName: email,
    active: true,
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: `${givenName} ${familyName}`, familyName, givenName },
    roles: [],
  };
}

/** The body Entra sends to create a group. */
export function entraGroup(displayName: string, externalId = `00000000-0000-0000-0000-${displayName.length.toString().padStart(12, '0')}`): Record<string, unknown> {
  return {
    schemas: [URN.Group, URN.EntraGroup],
    externalId,
    displayName,
    meta: { resourceType: 'Group' },
  };
}

export function patchOp(...operations: Record<string, unknown>[]): Record<string, unknown> {
  return { schemas: [URN.PatchOp], Operations: operations };
}

/** ?filter=<text> encoded the way Entra encodes it (spaces as +). */
export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter).replace(/%20/g, '+')}`;
}
