// The Directory's writes on a browsed endpoint — deactivate, reactivate, delete, add to and remove from a
// group — each sent over HTTP only after a modal confirmation that names the endpoint and the request.
import * as vscode from 'vscode';
import type { Connection } from '../../client/http';
import { listPage, patch, remove, type ResourceKind } from '../../client/scim';
import type { Resource } from '../../scim/resource';
import { counted, plural } from '../../scim/text';
import { userLabel, type CollectionKind, type DirectoryWrites, type GroupMember } from '../directory/source';
import type { Call, RemoteDirectorySource } from './remote';
import type { ConnectionService } from './service';

/** Groups listed by Add to Group…: one page is enough for a pick list; any other group is entered by its id. */
const GROUP_PICK_COUNT = 200;

interface Confirmation {
  readonly message: string;
  readonly detail: string;
  readonly button: string;
}

export class RemoteDirectoryWrites implements DirectoryWrites {
  constructor(private readonly source: RemoteDirectorySource, private readonly service: ConnectionService) {}

  /** "Name (tenant URL)": where a confirmation says the request goes. */
  private get where(): string {
    return `${this.source.label} (${this.service.store.info(this.source.connectionId)?.tenantUrl ?? ''})`;
  }

  /** Asks in a modal dialog, then sends; false when dismissed. */
  private async write(confirm: Confirmation, send: (c: Connection, o: Call) => Promise<unknown>, done: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, confirm.button);
    if (choice !== confirm.button) return false;
    await this.source.call(send);
    this.source.changed();
    vscode.window.setStatusBarMessage(`$(check) ${done}`, 5000);
    return true;
  }

  /** PATCH active, with what MURAL does to the user's workspaces in the confirmation. */
  setActive(user: Resource, active: boolean): Promise<boolean> {
    const id = user.id as string;
    const verb = active ? 'Reactivate' : 'Deactivate';
    const on = this.source.label;
    return this.write({
      message: `${verb} ${userLabel(user)} on ${on}?`,
      detail: `This sends PATCH /Users/${id} with active=${active} to ${this.where}. ${active
        ? 'In MURAL the user does not get the lost workspaces back: a workspace admin must approve each reactivation request.'
        : 'In MURAL a deactivated user loses every workspace, and reactivating does not give them back.'}`,
      button: verb,
    }, (c, o) => patch(c, 'Users', id, [{ op: 'replace', path: 'active', value: active }], o), `${userLabel(user)} ${active ? 'reactivated' : 'deactivated'} on ${on}`);
  }

  /** Lists one page of the endpoint's groups to pick from, with "Enter a group id…" for any other. */
  async addToGroup(user: Resource): Promise<boolean> {
    const id = user.id as string;
    const name = userLabel(user);
    const on = this.source.label;
    const page = await this.source.call((c, o) => listPage(c, 'Groups', { startIndex: 1, count: GROUP_PICK_COUNT, excludedAttributes: ['members'] }, o));
    const current = new Set(Array.isArray(user.groups) ? (user.groups as { value?: unknown }[]).map((g) => g.value) : []);
    const groups = page.resources.filter((g) => typeof g.id === 'string' && !current.has(g.id));
    const unlisted = page.totalResults - page.resources.length;
    const more = unlisted > 0;
    if (groups.length === 0 && !more) {
      void vscode.window.showInformationMessage(page.resources.length === 0 ? `${on} has no groups.` : `${name} is already in every group of ${on}.`);
      return false;
    }
    type Item = vscode.QuickPickItem & { id?: string; manual?: true };
    const items: Item[] = groups.map((g) => ({ label: String(g.displayName ?? g.id), description: g.id as string, id: g.id as string }));
    items.push({ label: '$(edit) Enter a group id…', detail: more ? `${counted(unlisted, 'more group')} ${plural(unlisted, 'is', 'are')} not listed here` : undefined, manual: true, alwaysShow: true });
    const pick = await vscode.window.showQuickPick(items, {
      title: `Add ${name} to a group on ${on}${more ? ` (the first ${page.resources.length} of ${page.totalResults} groups)` : ''}`,
      matchOnDescription: true,
    });
    if (!pick) return false;
    const groupId = pick.manual
      ? (await vscode.window.showInputBox({
        title: `Add ${name} to a group on ${on}`, prompt: 'The group\'s id on the endpoint',
        validateInput: (v) => (v.trim() ? undefined : 'Enter the group\'s id (the "id" the endpoint gave it).'),
      }))?.trim()
      : pick.id;
    if (!groupId) return false;
    const groupName = pick.manual ? groupId : pick.label;
    return this.write({
      message: `Add ${name} to ${groupName} on ${on}?`,
      detail: `This sends PATCH /Groups/${groupId} with {"op": "add", "path": "members", "value": [{"value": "${id}"}]} to ${this.where}.`,
      button: 'Add',
    }, (c, o) => patch(c, 'Groups', groupId, [{ op: 'add', path: 'members', value: [{ value: id }] }], o), `${name} added to ${groupName} on ${on}`);
  }

  removeFromGroup(groupId: string, groupName: string, member: GroupMember): Promise<boolean> {
    const name = member.display ?? member.value;
    const on = this.source.label;
    // The filtered path names exactly one member; some endpoints read Entra's legacy value-list remove as "remove all".
    const path = `members[value eq ${JSON.stringify(member.value)}]`;
    return this.write({
      message: `Remove ${name} from ${groupName} on ${on}?`,
      detail: `This sends PATCH /Groups/${groupId} with {"op": "remove", "path": ${JSON.stringify(path)}} to ${this.where}.`,
      button: 'Remove',
    }, (c, o) => patch(c, 'Groups', groupId, [{ op: 'remove', path }], o), `${name} removed from ${groupName} on ${on}`);
  }

  delete(kind: CollectionKind, resource: Resource): Promise<boolean> {
    const type = kind === 'Users' ? 'user' : 'group';
    const id = resource.id as string;
    const name = kind === 'Users' ? userLabel(resource) : String(resource.displayName ?? id);
    const on = this.source.label;
    return this.write({
      message: `Delete ${type} ${name} on ${on}?`,
      detail: `This sends DELETE /${kind}/${id} to ${this.where}: a hard delete on the real endpoint that cannot be undone.${kind === 'Users' ? ' To keep the user, deactivate instead.' : ''}`,
      button: 'Delete',
    }, (c, o) => remove(c, kind as ResourceKind, id, o), `${name} deleted on ${on}`);
  }
}
