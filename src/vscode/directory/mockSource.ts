// The running mock server's directory as a DirectorySource: read in process (no HTTP), paged by the service.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChangeEvent, ListQuery, ScimService } from '../../mock/service';
import { isScimError } from '../../scim/errors';
import { parseFilter } from '../../scim/filter';
import { filterableTargets, muralFilterRefusal } from '../../scim/muralQuery';
import { userLabel, type CollectionKind, type DirectoryPage, type DirectorySource, type GroupMember, type GroupMemberPage, type LostWorkspaceInfo } from './source';
import type { MockServerController } from '../mock/controller';
import { MockDirectoryWrites } from './mockWrites';

export class MockDirectorySource implements DirectorySource, vscode.Disposable {
  readonly id = 'mock';
  readonly kind = 'mock' as const;
  readonly label = 'Mock MURAL server';
  readonly writes: MockDirectoryWrites;
  private readonly emitter = new vscode.EventEmitter<readonly CollectionKind[] | void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly mock: MockServerController) {
    this.subscription = mock.onDidChangeDirectory((e) => this.emitter.fire(changedCollections(e)));
    this.writes = new MockDirectoryWrites(mock);
  }

  get description(): string {
    const s = this.mock.state;
    return s.status === 'running' ? `:${s.port}` : s.status === 'starting' ? 'starting…' : s.status;
  }

  get pending(): string | undefined {
    const s = this.mock.state;
    if (s.status !== 'starting') return undefined;
    return s.dataFile ? `Starting: loading the saved directory (${path.basename(s.dataFile)}, ${(s.bytes / 2 ** 20).toFixed(1)} MiB)…` : 'Starting…';
  }

  private service() {
    const svc = this.mock.service;
    if (!svc) throw new Error('The mock SCIM server is not running.');
    return svc;
  }

  async list(kind: CollectionKind, startIndex: number, count: number, filter?: string): Promise<DirectoryPage> {
    const svc = this.service();
    const q = { startIndex, count, ...(filter ? { filter } : {}) };
    try {
      return this.page(svc, kind, q);
    } catch (e) {
      const refusal = filter && isScimError(e) && e.scimType === 'invalidFilter' && svc.options.muralFilters
        ? muralFilterRefusal(svc.rules.table, kind === 'Users' ? 'User' : 'Group', parseFilter(filter))
        : undefined;
      if (!refusal) throw e;
      throw new Error(`Not filtered: MURAL answers only ${filterableTargets(svc.rules.table, kind === 'Users' ? 'User' : 'Group').map((t) => `${t} eq "…"`).join(' or ')} ` +
        `on /${kind}, and this filter ${refusal.reason}. Turn the setting scimWorkbench.mock.muralFilters off to use any SCIM filter.`);
    }
  }

  private page(svc: ScimService, kind: CollectionKind, q: ListQuery & { startIndex: number; count: number }): DirectoryPage {
    // Users in the Directory's order (src/scim/displayOrder.ts): each page, the first or a "Load more", is read
    // from the store's order index without ordering the directory again. Filtered, the count (count 0) comes from
    // the same list of matches as the pages, so a repaint tests every user once, not twice; unfiltered, it is the
    // directory's size, and a collapsed Users node needs no order (ScimService.usersInDisplayOrder).
    if (kind === 'Users') return svc.usersInDisplayOrder(q.startIndex, q.count, q.filter);
    const page = svc.listGroups({ ...q, excludedAttributes: ['members'] });
    const memberCounts = new Map<string, number>();
    for (const g of page.resources) memberCounts.set(g.id as string, svc.store.groups.get(g.id as string)?.members.size ?? 0);
    return { totalResults: page.totalResults, resources: page.resources, memberCounts };
  }

  async members(groupId: string, startIndex: number, count: number): Promise<GroupMemberPage> {
    const svc = this.service();
    // The page only, in order, from the service: a group of 100k members costs its page, not a sort of them all.
    const page = svc.membersInDisplayOrder(groupId, startIndex, count);
    const admins = new Set(svc.workspaceAdmins(groupId));
    const members = page.members.map(({ value, user }): GroupMember => {
      const display = user ? userLabel(user) : undefined;
      return {
        value,
        ...(display ? { display } : {}),
        ...(typeof user?.userName === 'string' ? { userName: user.userName } : {}),
        ...(admins.has(value) ? { admin: true } : {}),
      };
    });
    return { totalResults: page.totalResults, members };
  }

  async lostWorkspaces(userId: string): Promise<readonly LostWorkspaceInfo[]> {
    return this.service().lostWorkspaces(userId);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

const USERS: readonly CollectionKind[] = ['Users'];
const GROUPS: readonly CollectionKind[] = ['Groups'];
const BOTH: readonly CollectionKind[] = ['Users', 'Groups'];

/**
 * The collections a change shows in: a new user or group only in its own; any other change of a user can
 * change groups' members (names, admins, a deactivation's lost workspaces) and of a group its users' workspaces;
 * a reset, a seed or a reload, everything (undefined).
 */
function changedCollections(e: ChangeEvent): readonly CollectionKind[] | undefined {
  if (e.type === 'reset' || e.type === 'reloaded' || e.type === 'seeded') return undefined;
  if (e.type === 'created') return e.resourceType === 'User' ? USERS : GROUPS;
  return BOTH;
}
