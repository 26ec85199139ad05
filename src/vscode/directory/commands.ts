// The directory explorer's actions: open as JSON, copy, deactivate/reactivate, delete, memberships, create,
// seed, reset and the SCIM filter. They act on the mock's directory in process (like an admin in MURAL's
// UI would), so they show up in the tree but not in the provisioning log, which holds what clients sent.
import * as vscode from 'vscode';
import { isScimError } from '../../scim/errors';
import { parseFilter } from '../../scim/filter';
import { MURAL_MAPPING, entriesFor } from '../../scim/mapping';
import { muralFilterRefusal } from '../../scim/muralQuery';
import { URN } from '../../scim/schemas';
import type { ScimService } from '../../mock/service';
import type { MockServerController } from '../mock/controller';
import { whenStarted } from '../mock/commands';
import { SECTION } from '../config';
import { resourceUri } from './resourceFs';
import { userLabel } from './source';
import type { DirectoryNode, DirectoryTreeProvider } from './tree';

type UserNode = DirectoryNode & { type: 'user' };
type GroupNode = DirectoryNode & { type: 'group' };
type MemberNode = DirectoryNode & { type: 'member' };

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

function errorText(e: unknown): string {
  if (isScimError(e)) return `${e.status}${e.scimType ? ` ${e.scimType}` : ''}: ${e.detail}`;
  return (e as Error).message;
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
    `The mock answers queries as MURAL does (setting scimWorkbench.mock.muralFilters), so it refuses this filter with 400 invalidFilter. ${refusal.detail}`,
    off);
  if (choice !== off) return;
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update('mock.muralFilters', false, target);
}

export function registerDirectoryCommands(context: vscode.ExtensionContext, mock: MockServerController, tree: DirectoryTreeProvider, view: vscode.TreeView<DirectoryNode>): void {
  /** The running mock's directory for a node (after a start under way), or undefined after telling the user why not. */
  const serviceFor = async (node: DirectoryNode | undefined): Promise<ScimService | undefined> => {
    if (node && node.source.kind !== 'mock') {
      vscode.window.showWarningMessage(`${node.source.label} is browsed read-only. Send a request to change it.`);
      return undefined;
    }
    await whenStarted(mock);
    const svc = mock.service;
    if (!svc) vscode.window.showWarningMessage('The mock SCIM server is not running: start it first (SCIM: Start Mock SCIM Server).');
    return svc;
  };
  /** The user/group node an action applies to: the argument (context menu) or the tree's selection (palette). */
  const target = <T extends DirectoryNode['type']>(node: DirectoryNode | undefined, ...types: T[]): (DirectoryNode & { type: T }) | undefined => {
    const n = node ?? view.selection[0];
    if (n && (types as string[]).includes(n.type)) return n as DirectoryNode & { type: T };
    vscode.window.showInformationMessage(`Select a ${types.join(' or ')} in the Directory view first.`);
    return undefined;
  };
  const run = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      tree.refreshNow();
    } catch (e) {
      vscode.window.showErrorMessage(`${what} failed: ${errorText(e)}`);
    }
  };
  const cmd = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(`${SECTION}.${id}`, fn);

  const updateFilterUi = () => {
    view.message = tree.filter ? `Filter: ${tree.filter}` : undefined;
    vscode.commands.executeCommand('setContext', 'scimWorkbench.directoryFiltered', tree.filter !== undefined);
  };

  context.subscriptions.push(
    cmd('directory.refresh', () => tree.refreshNow()),
    cmd('directory.filter', async () => {
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
    }),
    cmd('directory.clearFilter', () => { tree.setFilter(undefined); updateFilterUi(); }),
    // A filter the mock refused (or answered) under MURAL's query rules reads differently once they change.
    vscode.workspace.onDidChangeConfiguration((e) => { if (tree.filter && e.affectsConfiguration(`${SECTION}.mock.muralFilters`)) tree.refreshNow(); }),
    cmd('openResource', async (node?: DirectoryNode) => {
      const n = target(node, 'user', 'group', 'member');
      if (!n) return;
      const [kind, id] = n.type === 'member' ? ['Users', n.member.value] as const : [n.type === 'user' ? 'Users' : 'Groups', n.resource.id as string] as const;
      if (!n.source.documentUri && !await serviceFor(n)) return;
      const uri = n.source.documentUri ? n.source.documentUri(kind, id) : resourceUri(kind, id);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    cmd('copyId', async (node?: DirectoryNode) => {
      const n = target(node, 'user', 'group', 'member');
      if (!n) return;
      await vscode.env.clipboard.writeText(n.type === 'member' ? n.member.value : String(n.resource.id));
      vscode.window.setStatusBarMessage('$(copy) id copied', 3000);
    }),
    cmd('copyUserName', async (node?: DirectoryNode) => {
      const n = target(node, 'user');
      if (!n) return;
      await vscode.env.clipboard.writeText(String(n.resource.userName ?? ''));
      vscode.window.setStatusBarMessage('$(copy) userName copied', 3000);
    }),
    cmd('deactivateUser', async (node?: UserNode) => {
      const n = target(node, 'user');
      const svc = await serviceFor(n);
      if (!n || !svc) return;
      await run('Deactivate', async () => {
        const groups = Array.isArray(n.resource.groups) ? n.resource.groups.length : 0;
        await svc.deactivateUser(n.resource.id as string);
        vscode.window.setStatusBarMessage(`$(circle-slash) ${userLabel(n.resource)} deactivated${groups ? ` and removed from ${groups} workspace${groups === 1 ? '' : 's'}` : ''}`, 5000);
      });
    }),
    cmd('reactivateUser', async (node?: UserNode) => {
      const n = target(node, 'user');
      const svc = await serviceFor(n);
      if (!n || !svc) return;
      await run('Reactivate', async () => {
        const lost = svc.lostWorkspaces(n.resource.id as string);
        await svc.reactivateUser(n.resource.id as string);
        if (lost.length > 0) {
          vscode.window.showInformationMessage(`${userLabel(n.resource)} is active again but, as in MURAL, does not get back ${lost.map((w) => `"${w.displayName}"`).join(', ')}: reactivation must be requested and approved by a workspace admin.`);
        }
      });
    }),
    cmd('deleteResource', async (node?: UserNode | GroupNode) => {
      const n = target(node, 'user', 'group');
      const svc = await serviceFor(n);
      if (!n || !svc) return;
      const name = n.type === 'user' ? userLabel(n.resource) : String(n.resource.displayName);
      const ok = await vscode.window.showWarningMessage(
        `Delete ${n.type} "${name}" from the mock directory? This is a hard delete (DELETE ${n.type === 'user' ? '/Users' : '/Groups'}/${n.resource.id as string}) and cannot be undone.`,
        { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      await run('Delete', () => (n.type === 'user' ? svc.deleteUser(n.resource.id as string) : svc.deleteGroup(n.resource.id as string)));
    }),
    cmd('addToGroup', async (node?: UserNode) => {
      const n = target(node, 'user');
      const svc = await serviceFor(n);
      if (!n || !svc) return;
      const member = new Set(Array.isArray(n.resource.groups) ? (n.resource.groups as { value: string }[]).map((g) => g.value) : []);
      const groups = svc.listGroups({ count: svc.maxResultsPerPage, excludedAttributes: ['members'] }).resources.filter((g) => !member.has(g.id as string));
      if (groups.length === 0) {
        vscode.window.showInformationMessage(member.size ? `${userLabel(n.resource)} is already in every group.` : 'There are no groups yet: create one first (SCIM: Create Group…).');
        return;
      }
      const picks = await vscode.window.showQuickPick(groups.map((g) => ({ label: String(g.displayName), description: g.id as string, id: g.id as string })), {
        title: `Add ${userLabel(n.resource)} to groups`, canPickMany: true, matchOnDescription: true,
      });
      if (!picks?.length) return;
      await run('Add to group', async () => { for (const p of picks) await svc.addMembers(p.id, [n.resource.id as string]); });
    }),
    cmd('removeFromGroup', async (node?: MemberNode) => {
      const n = target(node, 'member');
      const svc = await serviceFor(n);
      if (!n || !svc) return;
      await run('Remove from group', () => svc.removeMembers(n.groupId, [n.member.value]));
    }),
    cmd('createUser', async () => {
      const svc = await serviceFor(undefined);
      if (!svc) return;
      const email = await vscode.window.showInputBox({
        title: 'Create User (1/3)', prompt: 'Email — MURAL uses it as userName and as the work email', placeHolder: 'ada.lovelace@contoso.com',
        validateInput: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? undefined : 'Enter an email address such as ada.lovelace@contoso.com.'),
      });
      if (email === undefined) return;
      const givenName = await vscode.window.showInputBox({ title: 'Create User (2/3)', prompt: 'Given name', placeHolder: 'Ada', validateInput: (v) => nameProblem('name.givenName', v) });
      if (givenName === undefined) return;
      const familyName = await vscode.window.showInputBox({ title: 'Create User (3/3)', prompt: 'Family name', placeHolder: 'Lovelace', validateInput: (v) => nameProblem('name.familyName', v) });
      if (familyName === undefined) return;
      const address = email.trim();
      // The shape Entra POSTs (reference §2), so the mock treats it exactly as it would Entra's.
      await run('Create user', async () => {
        const created = await svc.createUser({
          schemas: [URN.User, URN.EnterpriseUser],
          externalId: address.split('@')[0],
          userName: address,
          active: true,
          emails: [{ primary: true, type: 'work', value: address }],
          name: { formatted: `${givenName} ${familyName}`.trim(), givenName, familyName },
        });
        vscode.window.setStatusBarMessage(`$(person-add) Created ${created.userName as string} (${created.id as string})`, 5000);
      });
    }),
    cmd('createGroup', async () => {
      const svc = await serviceFor(undefined);
      if (!svc) return;
      const displayName = await vscode.window.showInputBox({
        title: 'Create Group', prompt: 'Display name of the group (a MURAL workspace); it must be unique', placeHolder: 'Engineering',
        validateInput: (v) => (v.trim() ? undefined : 'A group needs a display name.'),
      });
      if (displayName === undefined) return;
      await run('Create group', () => svc.createGroup({ schemas: [URN.Group, URN.EntraGroup], displayName: displayName.trim() }));
    }),
    cmd('seedUsers', async () => {
      const svc = await serviceFor(undefined);
      if (!svc) return;
      const text = await vscode.window.showInputBox({
        title: 'Seed Sample Users', prompt: 'How many realistic users (with some workspaces) to add to the mock directory', value: '100',
        validateInput: (v) => (/^\d+$/.test(v.trim()) && +v >= 1 && +v <= 1_000_000 ? undefined : 'Enter a whole number from 1 to 1,000,000.'),
      });
      if (text === undefined) return;
      const count = Number(text.trim());
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Seeding ${count.toLocaleString('en-US')} users`, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const result = await svc.seed(count, {
            signal: abort.signal,
            onProgress: (done, total) => {
              progress.report({ increment: ((done - reported) / total) * 100, message: `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` });
              reported = done;
            },
          });
          tree.refreshNow();
          vscode.window.showInformationMessage(`${result.cancelled ? 'Seeding cancelled: added' : 'Added'} ${result.users.toLocaleString('en-US')} users and ${result.groups} workspaces to the mock directory.`);
        } catch (e) {
          vscode.window.showErrorMessage(`Seeding failed: ${errorText(e)}`);
        } finally {
          sub.dispose();
        }
      });
    }),
    cmd('resetDirectory', async () => {
      const svc = await serviceFor(undefined);
      if (!svc) return;
      const { users, groups } = svc.stats();
      const ok = await vscode.window.showWarningMessage(
        `Delete all ${users.toLocaleString('en-US')} users and ${groups.toLocaleString('en-US')} groups from the mock directory? This cannot be undone.`,
        { modal: true }, 'Reset Directory');
      if (ok !== 'Reset Directory') return;
      await run('Reset', () => svc.reset());
    }),
  );
}
