// The source side of a provisioning job: the users and groups of an Entra tenant as Microsoft Graph returns
// them, which of them are assigned to the app, and the scope setting. The loader (load.ts) builds it from an
// Entra directory file (schemas/entra-directory.schema.json); the engine reads only this.

/** "Sync only assigned users and groups" or "Sync all users and groups" (the portal's Scope setting). */
export type DirectoryScope = 'assigned' | 'all';

export const DIRECTORY_SCOPES: readonly DirectoryScope[] = ['assigned', 'all'];

export interface SourceUser {
  readonly id: string;
  readonly userPrincipalName: string;
  /** Every property as Graph gave it (`mail`, `givenName`, `extension_…`), the source of attribute mappings. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Graph's accountEnabled; absent means enabled. */
  readonly accountEnabled: boolean;
  /** In the tenant's recycle bin (Graph's deletedItems, or a deletedDateTime). */
  readonly softDeleted: boolean;
  /** Assigned to the app directly (an appRoleAssignment with this user as principal). */
  readonly directlyAssigned: boolean;
  /** Where the user is in the file, e.g. `users[3]`, for messages. */
  readonly location: string;
}

export interface SourceGroup {
  readonly id: string;
  readonly displayName: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Ids of the users that are direct members (Entra reads no nested groups). */
  readonly memberIds: readonly string[];
  /** Ids of groups that are members: Entra neither provisions nor follows them. */
  readonly nestedGroupIds: readonly string[];
  readonly directlyAssigned: boolean;
  readonly location: string;
}

export interface EntraDirectory {
  readonly scope: DirectoryScope;
  readonly users: readonly SourceUser[];
  readonly groups: readonly SourceGroup[];
  readonly userById: ReadonlyMap<string, SourceUser>;
  readonly groupById: ReadonlyMap<string, SourceGroup>;
  /**
   * Users assigned to the app, directly or as direct members of an assigned group (how-provisioning-works:
   * "users assigned directly or as direct members of an assigned group are in scope; nested groups are not read").
   */
  readonly assignedUserIds: ReadonlySet<string>;
  /** What the loader decided for the user, e.g. that a bare Graph list answer implies "Sync all". */
  readonly notes: readonly string[];
}

/** Whether Entra counts the user as assigned to the app. */
export function isAssigned(directory: EntraDirectory, user: SourceUser): boolean {
  return directory.assignedUserIds.has(user.id);
}
