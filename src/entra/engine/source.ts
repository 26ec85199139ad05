// The engine's view of a directory object: the attributes mappings read (Graph's properties, plus Entra's
// computed IsSoftDeleted and objectId), and a fingerprint of everything that decides what Entra does with it,
// so an incremental cycle processes only objects whose fingerprint changed — as Entra's delta query returns
// only changed objects.
import { hash } from 'node:crypto';
import type { EntraDirectory, SourceGroup, SourceUser } from '../directory/model';

export type SourceObjectKind = 'User' | 'Group';

/**
 * IsSoftDeleted as Entra computes it for a user: unassigned (with "Sync only assigned"), soft-deleted, or
 * sign-in blocked (customize-application-attributes: IsSoftDeleted). Failing a scoping filter counts too; the
 * engine adds that after evaluating the filters.
 */
export function baseSoftDeleted(directory: EntraDirectory, user: SourceUser): boolean {
  return user.softDeleted || !user.accountEnabled || (directory.scope === 'assigned' && !directory.assignedUserIds.has(user.id));
}

export function userSource(user: SourceUser, isSoftDeleted: boolean): Readonly<Record<string, unknown>> {
  return { ...user.attributes, objectId: user.id, IsSoftDeleted: isSoftDeleted };
}

export function groupSource(group: SourceGroup): Readonly<Record<string, unknown>> {
  return { ...group.attributes, objectId: group.id };
}

/**
 * sha1 of the JSON, base64url: the fingerprints state files keep, so it must not change. crypto.hash is the
 * one-shot form of createHash(…).update(…).digest(…) (same value) at half the cost for inputs this small —
 * an incremental cycle fingerprints every object of the directory
 * (https://nodejs.org/api/crypto.html#cryptohashalgorithm-data-outputencoding).
 */
function digest(value: unknown): string {
  return hash('sha1', JSON.stringify(value), 'base64url');
}

export function userFingerprint(directory: EntraDirectory, user: SourceUser): string {
  return digest([user.attributes, user.softDeleted, directory.scope, directory.assignedUserIds.has(user.id)]);
}

export function groupFingerprint(directory: EntraDirectory, group: SourceGroup): string {
  return digest([group.attributes, group.memberIds, directory.scope, group.directlyAssigned]);
}
