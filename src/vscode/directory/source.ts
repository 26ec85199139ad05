// What the directory explorer shows, independent of where it comes from: the mock server's directory (read
// in process) or a real SCIM endpoint (read over HTTP). The tree pages through users and groups and never
// asks for more than one page at a time, so a directory of 100k users costs one page.
import type * as vscode from 'vscode';
import type { Resource } from '../../scim/resource';

export interface DirectoryPage {
  readonly totalResults: number;
  readonly resources: readonly Resource[];
  /** Member count per group id, where the source knows it without sending every member. */
  readonly memberCounts?: ReadonlyMap<string, number>;
}

export interface GroupMember {
  readonly value: string;
  /** What the member is called: the user's name where the source knows the user, else the group's display. */
  readonly display?: string;
  readonly userName?: string;
  /** Administers the workspace (known for the mock only: SCIM does not show admins). */
  readonly admin?: boolean;
}

/** Some of a group's members in the Directory's order (src/scim/displayOrder.ts), and how many it has. */
export interface GroupMemberPage {
  readonly totalResults: number;
  readonly members: readonly GroupMember[];
}

export interface LostWorkspaceInfo {
  readonly id: string;
  readonly displayName: string;
  readonly at: string;
}

export type CollectionKind = 'Users' | 'Groups';

/**
 * The Directory's writes, made the source's way: the mock changes its directory in process, a browsed endpoint
 * is sent a request after a modal confirmation that names it. Each resolves to true when something changed and
 * to false when nothing did (dismissed, nothing to choose, server stopped); a failure throws.
 */
export interface DirectoryWrites {
  setActive(user: Resource, active: boolean): Promise<boolean>;
  addToGroup(user: Resource): Promise<boolean>;
  removeFromGroup(groupId: string, groupName: string, member: GroupMember): Promise<boolean>;
  delete(kind: CollectionKind, resource: Resource): Promise<boolean>;
}

export interface DirectorySource {
  /** Stable, unique among sources: part of every tree item id. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** The mock is writable; a real endpoint is read-only unless the user confirms each write. */
  readonly kind: 'mock' | 'remote';
  /** Why the source cannot be listed yet (the mock server loading its directory): shown instead of its collections. */
  readonly pending?: string;
  readonly writes: DirectoryWrites;
  /** Fires when the directory changed, with the collections that did when the source knows (the tree debounces it). */
  readonly onDidChange: vscode.Event<readonly CollectionKind[] | void>;
  list(kind: CollectionKind, startIndex: number, count: number, filter?: string): Promise<DirectoryPage>;
  /** Members `startIndex` (1-based) to `startIndex + count - 1` of a group in the Directory's order. */
  members(groupId: string, startIndex: number, count: number): Promise<GroupMemberPage>;
  /** Workspaces a deactivated user lost (MURAL's soft delete); empty where the source cannot tell. */
  lostWorkspaces(userId: string): Promise<readonly LostWorkspaceInfo[]>;
  /** The document a resource opens as, its tab named `name`; absent: the mock server's editable resource documents. */
  documentUri?(kind: CollectionKind, id: string, name?: string): vscode.Uri;
}

export { userLabel } from '../../scim/displayOrder';

/** The file name a resource document's tab shows: `name` (its userName or displayName), else the id; no path separators. */
export function tabName(name: string | undefined, id: string): string {
  const text = (name ?? '').replace(/[/\\]/g, '_').trim();
  return text || id.replace(/[/\\]/g, '_');
}
