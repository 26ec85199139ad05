// Provision on demand (https://learn.microsoft.com/entra/identity/app-provisioning/provision-on-demand): one user, or one group with up to 5 members, found as
// the portal's search finds them, then run through the same pipeline as a cycle (runCycle's onDemand option).
import type { EntraDirectory } from '../directory/model';
import { counted } from '../../scim/text';

/** Entra's limit for a group provisioned on demand. */
export const ON_DEMAND_GROUP_MEMBERS = 5;

export class OnDemandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnDemandError';
  }
}

export interface OnDemandSubject {
  readonly userIds: ReadonlySet<string>;
  readonly groupIds: ReadonlySet<string>;
  /** `User 'ada@contoso.com'`, `Group 'Engineering' and its 3 members`. */
  readonly label: string;
}

/** The user or group `query` names: an object id, a userPrincipalName or mail (ignoring case), or a group's displayName. */
export function onDemandSubject(directory: EntraDirectory, query: string): OnDemandSubject {
  const q = query.trim().toLowerCase();
  const users = directory.users.filter((u) => u.id.toLowerCase() === q || u.userPrincipalName.toLowerCase() === q
    || (typeof u.attributes.mail === 'string' && u.attributes.mail.toLowerCase() === q));
  const groups = directory.groups.filter((g) => g.id.toLowerCase() === q || g.displayName.toLowerCase() === q);
  const found = users.length + groups.length;
  if (found === 0) throw new OnDemandError(`No user or group of the directory file has the id, userPrincipalName, mail or group name "${query}".`);
  if (found > 1) {
    const names = [...users.map((u) => `user ${u.userPrincipalName} (${u.id})`), ...groups.map((g) => `group ${g.displayName} (${g.id})`)];
    throw new OnDemandError(`"${query}" names ${found} objects: ${names.join(', ')}. Give the object id.`);
  }
  if (users.length) {
    const u = users[0];
    if (u.softDeleted || !u.accountEnabled) {
      throw new OnDemandError(`${u.userPrincipalName} is ${u.softDeleted ? 'deleted' : 'disabled'} in Entra: Entra's on-demand search does not offer such users. Run a cycle to disable them in the app.`);
    }
    return { userIds: new Set([u.id]), groupIds: new Set(), label: `User '${u.userPrincipalName}'` };
  }
  const g = groups[0];
  if (g.memberIds.length > ON_DEMAND_GROUP_MEMBERS) {
    throw new OnDemandError(`Provision on demand takes a group of up to ${ON_DEMAND_GROUP_MEMBERS} members; ${g.displayName} has ${g.memberIds.length}. Run a cycle instead.`);
  }
  return { userIds: new Set(g.memberIds), groupIds: new Set([g.id]), label: `Group '${g.displayName}' and its ${counted(g.memberIds.length, 'member')}` };
}
