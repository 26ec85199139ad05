// Shared by the mock server tests: a server on 127.0.0.1:0 and an undici client that speaks to it.
import * as fc from 'fast-check';
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

/** A change to the users that the order property tests apply in turn; indexes pick among the users there are. */
export type UserChange =
  | { readonly create: readonly [given: string, family: string] }
  | { readonly rename: number; readonly given: string }
  | { readonly userName: number }
  | { readonly deactivate: number }
  | { readonly remove: number };

/** Weighted user changes for fc.oneof, names drawn from `name` (names that tie once folded make the order work). */
export function userChanges(name: fc.Arbitrary<string>): fc.WeightedArbitrary<UserChange>[] {
  return [
    { arbitrary: fc.record({ create: fc.tuple(name, name) }), weight: 4 },
    { arbitrary: fc.record({ rename: fc.nat(), given: name }), weight: 2 },
    { arbitrary: fc.record({ userName: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ deactivate: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ remove: fc.nat() }), weight: 1 },
  ];
}

export function isUserChange(o: object): o is UserChange {
  return ['create', 'rename', 'userName', 'deactivate', 'remove'].some((k) => k in o);
}

/**
 * Applies `change` to `svc`; `serial` numbers new userNames (u1@x.com, r2@x.com, …). Returns the id of a created
 * user. A change that names a user when there is none does nothing.
 */
export async function applyUserChange(svc: ScimService, change: UserChange, serial: () => number): Promise<string | undefined> {
  if ('create' in change) return (await svc.createUser(entraUser(`u${serial()}@x.com`, change.create[0], change.create[1]))).id as string;
  const ids = [...svc.store.users.keys()];
  const index = 'rename' in change ? change.rename : 'userName' in change ? change.userName : 'deactivate' in change ? change.deactivate : change.remove;
  const id = ids.length === 0 ? undefined : ids[index % ids.length];
  if (!id) return undefined;
  if ('rename' in change) await svc.patchUser(id, [{ op: 'replace', path: 'name.givenName', value: change.given }]);
  else if ('userName' in change) await svc.patchUser(id, [{ op: 'replace', path: 'userName', value: `r${serial()}@x.com` }]);
  else if ('deactivate' in change) await svc.deactivateUser(id);
  else await svc.deleteUser(id);
  return undefined;
}
