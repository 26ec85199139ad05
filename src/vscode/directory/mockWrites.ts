// The Directory's writes on the mock server: made in process (like an admin in MURAL's UI), so they show in the
// tree but not in the provisioning log, which holds what clients sent. A hard delete asks for confirmation, and so
// does a deactivation (the user's workspaces are lost for good) unless the user said not to ask again.
import * as vscode from 'vscode';
import type { ScimService } from '../../mock/service';
import type { Resource } from '../../scim/resource';
import { counted } from '../../scim/text';
import { confirmDeactivate, stopConfirmingDeactivate } from '../config';
import { whenStarted } from '../mock/commands';
import type { MockServerController } from '../mock/controller';
import { userLabel, type CollectionKind, type DirectoryWrites, type GroupMember } from './source';

export class MockDirectoryWrites implements DirectoryWrites {
  constructor(private readonly mock: MockServerController) {}

  /** The running mock's directory (after a start under way), or undefined after telling the user to start it. */
  async service(): Promise<ScimService | undefined> {
    await whenStarted(this.mock);
    const svc = this.mock.service;
    if (!svc) void vscode.window.showWarningMessage('The mock SCIM server is not running: start it first (SCIM: Start Mock SCIM Server).');
    return svc;
  }

  async setActive(user: Resource, active: boolean): Promise<boolean> {
    const svc = await this.service();
    if (!svc) return false;
    const id = user.id as string;
    if (!active) {
      const groups = Array.isArray(user.groups) ? user.groups.length : 0;
      if (!(await this.confirmDeactivation(user))) return false;
      await svc.deactivateUser(id);
      vscode.window.setStatusBarMessage(`$(circle-slash) ${userLabel(user)} deactivated${groups ? ` and removed from ${counted(groups, 'workspace')}` : ''}`, 5000);
      return true;
    }
    const lost = svc.lostWorkspaces(id);
    await svc.reactivateUser(id);
    if (lost.length > 0) {
      void vscode.window.showInformationMessage(`${userLabel(user)} is active again but, as in MURAL, does not get back ${lost.map((w) => `"${w.displayName}"`).join(', ')}: reactivation must be requested and approved by a workspace admin.`);
    }
    return true;
  }

  /** Asks before a deactivation, naming the workspaces the user loses, unless told not to ask again. */
  private async confirmDeactivation(user: Resource): Promise<boolean> {
    if (!confirmDeactivate()) return true;
    const workspaces = (Array.isArray(user.groups) ? user.groups as { value?: unknown; display?: unknown }[] : [])
      .map((g) => `"${String(g.display ?? g.value)}"`);
    const lost = workspaces.length === 0
      ? 'It is in no workspace now, so nothing is lost, but'
      : `MURAL removes it from ${workspaces.length === 1 ? 'its workspace' : `its ${workspaces.length} workspaces`} (${workspaces.join(', ')}) for good:`;
    const deactivate = 'Deactivate';
    const always = 'Deactivate, Don\'t Ask Again';
    const choice = await vscode.window.showWarningMessage(`Deactivate ${userLabel(user)}?`, {
      modal: true,
      detail: `${lost} reactivating the user does not give workspaces back — a workspace admin must approve each reactivation request. Entra deactivates a user this way (active=false) when it leaves the app's scope.`,
    }, deactivate, always);
    if (choice === always) await stopConfirmingDeactivate();
    return choice === deactivate || choice === always;
  }

  async addToGroup(user: Resource): Promise<boolean> {
    const svc = await this.service();
    if (!svc) return false;
    const member = new Set(Array.isArray(user.groups) ? (user.groups as { value: string }[]).map((g) => g.value) : []);
    const groups = svc.listGroups({ count: svc.maxResultsPerPage, excludedAttributes: ['members'] }).resources.filter((g) => !member.has(g.id as string));
    if (groups.length === 0) {
      void vscode.window.showInformationMessage(member.size ? `${userLabel(user)} is already in every group.` : 'There are no groups yet: create one first (SCIM: Create Group…).');
      return false;
    }
    const picks = await vscode.window.showQuickPick(groups.map((g) => ({ label: String(g.displayName), description: g.id as string, id: g.id as string })), {
      title: `Add ${userLabel(user)} to groups`, canPickMany: true, matchOnDescription: true,
    });
    if (!picks?.length) return false;
    for (const p of picks) await svc.addMembers(p.id, [user.id as string]);
    return true;
  }

  async removeFromGroup(groupId: string, _groupName: string, member: GroupMember): Promise<boolean> {
    const svc = await this.service();
    if (!svc) return false;
    await svc.removeMembers(groupId, [member.value]);
    return true;
  }

  async delete(kind: CollectionKind, resource: Resource): Promise<boolean> {
    const svc = await this.service();
    if (!svc) return false;
    const type = kind === 'Users' ? 'user' : 'group';
    const name = kind === 'Users' ? userLabel(resource) : String(resource.displayName);
    const id = resource.id as string;
    const ok = await vscode.window.showWarningMessage(
      `Delete ${type} "${name}" from the mock directory? This is a hard delete (DELETE /${kind}/${id}) and cannot be undone.`,
      { modal: true }, 'Delete');
    if (ok !== 'Delete') return false;
    await (kind === 'Users' ? svc.deleteUser(id) : svc.deleteGroup(id));
    return true;
  }
}
