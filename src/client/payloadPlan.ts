// What "Send Payload…" offers for a `*.scim.json` payload, best guess first: POST for a new resource, PUT
// for a full resource that carries its id, PATCH /{id} for a PatchOp (Users or Groups read from its paths).
// A response (ListResponse, Error) is refused: there is nothing to send.
import type { ResourceKind } from './scim';
import { URN } from '../scim/schemas';
import { counted } from '../scim/text';

export interface PayloadOption {
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly kind: ResourceKind;
  /** The URL needs a resource id. */
  readonly needsId: boolean;
  /** The id the payload itself carries (a full resource for PUT). */
  readonly id?: string;
  /** One line for the quick pick. */
  readonly detail: string;
}

export type PayloadPlan = { readonly options: readonly PayloadOption[] } | { readonly problem: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const GROUP_PATHS = /^(members|displayName$|externalId$)/i;
const USER_PATHS = /^(userName|active|emails|name\b|name\.|phoneNumbers|addresses|title|nickName|roles|preferredLanguage|locale|timezone|urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User)/i;

/** Users or Groups for a PatchOp: members → Groups, user attributes → Users, else the file name decides. */
function patchKind(ops: readonly unknown[], fileName: string): ResourceKind {
  let users = 0;
  let groups = 0;
  for (const op of ops) {
    if (!isObject(op)) continue;
    const paths = typeof op.path === 'string' ? [op.path] : isObject(op.value) ? Object.keys(op.value) : [];
    for (const p of paths) {
      if (/^members/i.test(p)) groups += 2;
      else if (USER_PATHS.test(p)) users += 2;
      else if (GROUP_PATHS.test(p)) groups += 1;
    }
  }
  if (users !== groups) return users > groups ? 'Users' : 'Groups';
  return /group|workspace/i.test(fileName) ? 'Groups' : 'Users';
}

const other = (kind: ResourceKind): ResourceKind => (kind === 'Users' ? 'Groups' : 'Users');

/** The requests that make sense for `payload` (parsed JSON) of the file `fileName`, most likely first. */
export function planPayload(payload: unknown, fileName: string): PayloadPlan {
  if (!isObject(payload)) return { problem: 'The payload is not a JSON object: a SCIM request body is an object with "schemas".' };
  const schemas = Array.isArray(payload.schemas) ? payload.schemas.filter((s): s is string => typeof s === 'string') : [];
  const has = (urn: string) => schemas.some((s) => s.toLowerCase() === urn.toLowerCase());
  if (has(URN.ListResponse) || has(URN.Error)) {
    return { problem: `This is a SCIM ${has(URN.Error) ? 'error' : 'ListResponse'} — an answer a server sends, not a request: there is nothing to send.` };
  }
  if (has(URN.PatchOp)) {
    const ops = Array.isArray(payload.Operations) ? payload.Operations : [];
    const kind = patchKind(ops, fileName);
    return {
      options: [
        { method: 'PATCH', kind, needsId: true, detail: `Change one ${kind === 'Users' ? 'user' : 'group'} with these ${counted(ops.length, 'operation')} (as Entra sends updates)` },
        { method: 'PATCH', kind: other(kind), needsId: true, detail: `The same PatchOp on a ${kind === 'Users' ? 'group' : 'user'}` },
      ],
    };
  }
  const kind: ResourceKind | undefined = has(URN.User) || has(URN.EnterpriseUser) ? 'Users' : has(URN.Group) || has(URN.EntraGroup) ? 'Groups' : undefined;
  const id = typeof payload.id === 'string' && payload.id ? payload.id : undefined;
  const noun = (k: ResourceKind) => (k === 'Users' ? 'user' : 'group');
  const post = (k: ResourceKind): PayloadOption => ({ method: 'POST', kind: k, needsId: false, detail: `Create the ${noun(k)} (as Entra provisions a new ${noun(k)})` });
  const put = (k: ResourceKind): PayloadOption => ({
    method: 'PUT', kind: k, needsId: true, ...(id ? { id } : {}),
    detail: `Replace the whole ${noun(k)}${id ? ` ${id}` : ''} with this payload${k === 'Groups' ? ' (MURAL has no PUT on /Groups)' : ''}`,
  });
  if (!kind) {
    return { options: [post('Users'), post('Groups'), put('Users'), put('Groups')] };
  }
  return { options: id ? [put(kind), post(kind)] : [post(kind), put(kind)] };
}
