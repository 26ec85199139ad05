// The directory explorer's actions: open as JSON, copy, the SCIM filter, and the writes — deactivate,
// reactivate, memberships, delete — that each node's source makes its own way (mockWrites.ts, and
// ../connections/remoteWrites.ts for a browsed endpoint). Create, seed and reset act on the mock's directory in
// process (like an admin in MURAL's UI would), so they show up in the tree but not in the provisioning log.
import * as vscode from 'vscode';
import { isScimError } from '../../scim/errors';
import { parseFilter } from '../../scim/filter';
import { MURAL_MAPPING, entriesFor } from '../../scim/mapping';
import { muralFilterRefusal } from '../../scim/muralQuery';
import { URN } from '../../scim/schemas';
import { counted, formatCount } from '../../scim/text';
import type { ScimService } from '../../mock/service';
import type { Commands } from '../commands';
import { settingId, writeMockSwitches } from '../config';
import type { MockServerController } from '../mock/controller';
import type { MockDirectorySource } from './mockSource';
import type { ResourceFileSystem } from './resourceFs';
import type { DirectoryNode, DirectoryTreeProvider } from './tree';

/** Why a filter does not parse, with the column, or undefined when it does (input box validation). */
export function filterProblem(text: string): string | undefined {
  if (!text.trim()) return undefined;
  try {
    parseFilter(text);
    return undefined;
  } catch (e) {
    if (isScimError(e)) return e.offset !== undefined ? `Column ${e.offset + 1}: ${e.detail}` : e.detail;
    return (e as Error).message;
  }
}

/** Rules of the mapping table that a name typed in an input box must follow. */
function nameProblem(target: 'name.givenName' | 'name.familyName', value: string): string | undefined {
  const entry = entriesFor(MURAL_MAPPING, 'User').find((e) => e.target === target);
  if (entry?.rules?.includes('noDigits') && /\d/.test(value)) return 'MURAL does not accept digits in names.';
  return undefined;
}

/**
 * When the running mock answers queries as MURAL does and refuses `text` on /Users and on /Groups, says why and
 * offers to switch MURAL's filters off (the setting applies to the running server at once).
 */
async function explainMuralRefusal(svc: ScimService | undefined, text: string): Promise<void> {
  if (!svc?.options.muralFilters || !text.trim()) return;
  const node = parseFilter(text);
  if (!muralFilterRefusal(svc.rules.table, 'User', node) || !muralFilterRefusal(svc.rules.table, 'Group', node)) return;
  const refusal = muralFilterRefusal(svc.rules.table, undefined, node);
  if (!refusal) return;
  const off = 'Turn MURAL Filters Off';
  const choice = await vscode.window.showWarningMessage(
    `The mock answers queries as MURAL does (setting ${settingId('mock.muralFilters')}), so it refuses this filter with 400 invalidFilter. ${refusal.detail}`,
    off);
  if (choice !== off) return;
  await writeMockSwitches({ muralFilters: false });
}

/** Create User…: three input boxes, then the user as Entra POSTs it, so the mock treats it as it would Entra's. */
async function createUser(svc: ScimService): Promise<boolean> {
  const email = await vscode.window.showInputBox({
    title: 'Create User (1/3)', prompt: 'Email — MURAL uses it as userName and as the work email', placeHolder: 'ada.lovelace@contoso.com',
    validateInput: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? undefined : 'Enter an email address such as ada.lovelace@contoso.com.'),
  });
  if (email === undefined) return false;
  const givenName = await vscode.window.showInputBox({ title: 'Create User (2/3)', prompt: 'Given name', placeHolder: 'Ada', validateInput: (v) => nameProblem('name.givenName', v) });
  if (givenName === undefined) return false;
  const familyName = await vscode.window.showInputBox({ title: 'Create User (3/3)', prompt: 'Family name', placeHolder: 'Lovelace', validateInput: (v) => nameProblem('name.familyName', v) });
  if (familyName === undefined) return false;
  const address = email.trim();
  // The shape of Entra's POST /Users: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
  const created = await svc.createUser({
    schemas: [URN.User, URN.EnterpriseUser],
    externalId: address.split('@')[0],
    userName: address,
    active: true,
    emails: [{ primary: true, type: 'work', value: address }],
    name: { formatted: `${givenName} ${familyName}`.trim(), givenName, familyName },
  });
  vscode.window.setStatusBarMessage(`$(person-add) Created ${created.userName as string} (${created.id as string})`, 5000);
  return true;
}

async function createGroup(svc: ScimService): Promise<boolean> {
  const displayName = await vscode.window.showInputBox({
    title: 'Create Group', prompt: 'Display name of the group (a MURAL workspace); it must be unique', placeHolder: 'Engineering',
    validateInput: (v) => (v.trim() ? undefined : 'A group needs a display name.'),
  });
  if (displayName === undefined) return false;
  await svc.createGroup({ schemas: [URN.Group, URN.EntraGroup], displayName: displayName.trim() });
  return true;
}

/** Seed Sample Users…: asks how many, then seeds behind a cancellable notification that counts them. */
async function seedUsers(svc: ScimService): Promise<boolean> {
  const text = await vscode.window.showInputBox({
    title: 'Seed Sample Users', prompt: 'How many realistic users (with some workspaces) to add to the mock directory', value: '100',
    validateInput: (v) => (/^\d+$/.test(v.trim()) && +v >= 1 && +v <= 1_000_000 ? undefined : 'Enter a whole number from 1 to 1,000,000.'),
  });
  if (text === undefined) return false;
  const count = Number(text.trim());
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Seeding ${counted(count, 'user')}`, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let reported = 0;
    try {
      return await svc.seed(count, {
        signal: abort.signal,
        onProgress: (done, total) => {
          progress.report({ increment: ((done - reported) / total) * 100, message: `${formatCount(done)} of ${formatCount(total)}` });
          reported = done;
        },
      });
    } finally {
      sub.dispose();
    }
  });
  void vscode.window.showInformationMessage(`${result.cancelled ? 'Seeding cancelled: added' : 'Added'} ${counted(result.users, 'user')} and ${counted(result.groups, 'workspace')} to the mock directory.`);
  return true;
}

async function resetDirectory(svc: ScimService): Promise<boolean> {
  const { users, groups } = svc.stats();
  const ok = await vscode.window.showWarningMessage(
    `Delete all ${counted(users, 'user')} and ${counted(groups, 'group')} from the mock directory? This cannot be undone.`,
    { modal: true }, 'Reset Directory');
  if (ok !== 'Reset Directory') return false;
  await svc.reset();
  return true;
}

export function registerDirectoryCommands(commands: Commands, mock: MockServerController, mockSource: MockDirectorySource, tree: DirectoryTreeProvider, view: vscode.TreeView<DirectoryNode>, resources: ResourceFileSystem): void {
  /** The node an action applies to: the argument (context menu) or the tree's selection (palette). */
  const target = <T extends DirectoryNode['type']>(node: DirectoryNode | undefined, ...types: T[]): (DirectoryNode & { type: T }) | undefined => {
    const n = node ?? view.selection[0];
    if (n && (types as string[]).includes(n.type)) return n as DirectoryNode & { type: T };
    void vscode.window.showInformationMessage(`Select a ${types.join(' or ')} in the Directory view first.`);
    return undefined;
  };
  /** Repaints the tree once a write changed something; resolves to whether it did. */
  const refreshAfter = async (write: Promise<boolean>): Promise<boolean> => {
    const changed = await write;
    if (changed) tree.refreshNow();
    return changed;
  };
  /** A write on the mock's directory from the palette or a view title (no node). */
  const onMock = (write: (svc: ScimService) => Promise<boolean>) => async (): Promise<boolean> => {
    const svc = await mockSource.writes.service();
    return svc ? refreshAfter(write(svc)) : false;
  };
  const updateFilterUi = () => {
    view.message = tree.filter ? `Filter: ${tree.filter}` : undefined;
    void vscode.commands.executeCommand('setContext', 'scimWorkbench.directoryFiltered', tree.filter !== undefined);
  };

  commands.register('scimWorkbench.directory.refresh', () => tree.refreshNow());
  commands.register('scimWorkbench.directory.filter', async () => {
    const text = await vscode.window.showInputBox({
      title: 'Filter the Directory',
      prompt: 'A SCIM filter (RFC 7644), applied to users and groups. Empty clears the filter.',
      placeHolder: 'userName sw "a" and active eq true',
      value: tree.filter ?? '',
      validateInput: (t) => filterProblem(t),
    });
    if (text === undefined) return;
    tree.setFilter(text);
    updateFilterUi();
    await explainMuralRefusal(mock.service, text);
  });
  commands.register('scimWorkbench.directory.clearFilter', () => { tree.setFilter(undefined); updateFilterUi(); });
  commands.register('scimWorkbench.directory.openResource', async (node?: DirectoryNode) => {
    const n = target(node, 'user', 'group', 'member');
    if (!n) return;
    const [kind, id, name] = n.type === 'member' ? ['Users', n.member.value, n.member.userName ?? n.member.display] as const
      : n.type === 'user' ? ['Users', n.resource.id as string, n.resource.userName] as const
        : ['Groups', n.resource.id as string, n.resource.displayName] as const;
    const tab = typeof name === 'string' ? name : undefined;
    if (!n.source.documentUri && !await mockSource.writes.service()) return;
    const uri = n.source.documentUri ? n.source.documentUri(kind, id, tab) : resources.uriFor(kind, id, tab);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  commands.register('scimWorkbench.directory.copyId', async (node?: DirectoryNode) => {
    const n = target(node, 'user', 'group', 'member');
    if (!n) return;
    await vscode.env.clipboard.writeText(n.type === 'member' ? n.member.value : String(n.resource.id));
    vscode.window.setStatusBarMessage('$(copy) id copied', 3000);
  });
  commands.register('scimWorkbench.directory.copyUserName', async (node?: DirectoryNode) => {
    const n = target(node, 'user');
    if (!n) return;
    await vscode.env.clipboard.writeText(String(n.resource.userName ?? ''));
    vscode.window.setStatusBarMessage('$(copy) userName copied', 3000);
  });
  commands.register('scimWorkbench.directory.deactivateUser', async (node?: DirectoryNode) => {
    const n = target(node, 'user');
    return n ? refreshAfter(n.source.writes.setActive(n.resource, false)) : false;
  });
  commands.register('scimWorkbench.directory.reactivateUser', async (node?: DirectoryNode) => {
    const n = target(node, 'user');
    return n ? refreshAfter(n.source.writes.setActive(n.resource, true)) : false;
  });
  commands.register('scimWorkbench.directory.addToGroup', async (node?: DirectoryNode) => {
    const n = target(node, 'user');
    return n ? refreshAfter(n.source.writes.addToGroup(n.resource)) : false;
  });
  commands.register('scimWorkbench.directory.removeFromGroup', async (node?: DirectoryNode) => {
    const n = target(node, 'member');
    return n ? refreshAfter(n.source.writes.removeFromGroup(n.groupId, n.groupName, n.member)) : false;
  });
  /** Workspace admins are set in MURAL's app, outside SCIM: only the mock's, in process. */
  const setAdmin = async (node: DirectoryNode | undefined, admin: boolean): Promise<boolean> => {
    const n = target(node, 'member');
    if (!n) return false;
    if (n.source.kind !== 'mock') {
      void vscode.window.showInformationMessage('Workspace admins are made in MURAL\'s app; SCIM cannot show or change them. Only the mock\'s can be set here.');
      return false;
    }
    return onMock(async (svc) => { await svc.setWorkspaceAdmin(n.groupId, n.member.value, admin); return true; })();
  };
  commands.register('scimWorkbench.directory.makeAdmin', (node?: DirectoryNode) => setAdmin(node, true));
  commands.register('scimWorkbench.directory.removeAdmin', (node?: DirectoryNode) => setAdmin(node, false));
  commands.register('scimWorkbench.directory.delete', async (node?: DirectoryNode) => {
    const n = target(node, 'user', 'group');
    return n ? refreshAfter(n.source.writes.delete(n.type === 'user' ? 'Users' : 'Groups', n.resource)) : false;
  });
  commands.register('scimWorkbench.directory.createUser', onMock(createUser));
  commands.register('scimWorkbench.directory.createGroup', onMock(createGroup));
  commands.register('scimWorkbench.directory.seedUsers', onMock(seedUsers));
  commands.register('scimWorkbench.directory.reset', onMock(resetDirectory));
}
