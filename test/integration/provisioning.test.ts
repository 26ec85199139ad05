// Provisioning configuration files in the extension host (docs/entra-expressions.md): diagnostics at the exact
// characters inside expression strings, hover, completion, the case quick fix applied as a user would, the
// Evaluate CodeLens and command, and New Provisioning Configuration.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { muralDefaultConfigurationText } from '../../src/entra';
import { answer, api, restoreAll, setSetting, waitFor } from './helpers';

const SOURCE = 'SCIM Workbench';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run in a workspace folder');
  return f.uri;
}

const scratch = (name: string) => vscode.Uri.joinPath(folder(), 'provisioning-it', name);

async function open(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = scratch(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await (await api()).diagnostics.linter.whenLinted(doc);
  return editor;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

/** The default configuration with the user mapping's expressions replaced. */
function withExpressions(replace: Record<string, string>): string {
  let text = muralDefaultConfigurationText();
  for (const [from, to] of Object.entries(replace)) text = text.replace(`"expression": ${JSON.stringify(from)}`, `"expression": ${JSON.stringify(to)}`);
  return text;
}

describe('provisioning configuration files', () => {
  afterEach(async () => {
    restoreAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'provisioning-it'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('the default configuration has no problems; a broken expression is underlined at its exact characters', async () => {
    const clean = await open('clean.provisioning.json', muralDefaultConfigurationText());
    assert.deepEqual(ours(clean.document.uri).map((d) => d.message), []);
    const editor = await open('broken.provisioning.json', withExpressions({
      '[mail]': 'Join(" ", [mial], Frobnicate([mail]))',
      'Switch([IsSoftDeleted], , "False", "True", "True", "False")': 'Switch([IsSoftDeleted], , "False", "True", "True", "False"',
    }));
    const doc = editor.document;
    const diags = await waitFor('diagnostics', () => { const d = ours(doc.uri); return d.length >= 3 ? d : undefined; });
    const textOf = (d: vscode.Diagnostic) => doc.getText(d.range);
    const attr = diags.find((d) => codeOf(d) === 'SCIM093')!;
    assert.equal(textOf(attr), 'mial');
    assert.match(attr.message, /Did you mean \[mail\]/);
    assert.equal(attr.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(textOf(diags.find((d) => codeOf(d) === 'SCIM092')!), 'Frobnicate');
    const syntax = diags.find((d) => codeOf(d) === 'SCIM091')!;
    assert.match(syntax.message, /Missing "\)" to close Switch\(/);
    assert.equal(textOf(syntax), '(');
  });

  it('hovers functions and attributes, completes [attributes], and fixes the case of a name', async () => {
    const editor = await open('assist.provisioning.json', withExpressions({ '[mail]': 'toLower([Mail])' }));
    const doc = editor.document;
    const text = doc.getText();
    const fnAt = doc.positionAt(text.indexOf('Switch([IsSoftDeleted]') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, fnAt);
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (c as vscode.MarkdownString).value ?? String(c))).join('\n');
    assert.match(hoverText, /Switch\(source, defaultValue, key1, value1/);

    const inBracket = doc.positionAt(text.indexOf('[givenName]') + 1);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, inBracket);
    assert.ok(list.items.some((i) => i.label === 'surname'), 'source attributes of the file\'s directories are offered');

    const diags = await waitFor('case diagnostics', () => { const d = ours(doc.uri).filter((x) => codeOf(x) === 'SCIM093' || codeOf(x) === 'SCIM098'); return d.length >= 2 ? d : undefined; });
    for (const name of ['toLower', 'Mail']) {
      const d = diags.find((x) => doc.getText(x.range) === name)!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.edit && a.title.startsWith('Write '))!;
      assert.ok(fix, `a quick fix for ${name}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
      await (await api()).diagnostics.linter.whenLinted(doc);
    }
    assert.ok(doc.getText().includes('"expression": "ToLower([mail])"'));
    await waitFor('no problems left', () => ours(doc.uri).length === 0);
  });

  it('offers an Evaluate CodeLens per mapping, and evaluates with a given source object', async () => {
    const editor = await open('lens.provisioning.json', muralDefaultConfigurationText());
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      return l.length > 0 ? l : undefined;
    });
    assert.deepEqual(lenses.map((l) => l.command?.title), [
      '$(play) Evaluate userName', '$(play) Evaluate emails[type eq "work"].value', '$(play) Evaluate active', '$(play) Evaluate name.givenName',
      '$(play) Evaluate name.familyName', '$(play) Evaluate externalId', '$(play) Evaluate displayName', '$(play) Evaluate members', '$(play) Evaluate externalId',
    ]);
    const active = lenses[2].command!;
    const shown = answer('showInformationMessage', undefined);
    const result = await vscode.commands.executeCommand<{ outcome: { flow: string; value?: string }; message: string }>(active.command, ...active.arguments!, { IsSoftDeleted: true });
    assert.deepEqual(result.outcome, { flow: 'value', value: 'False', redacted: false });
    assert.match(String(shown.calls[0][0]), /^active ← "False"$/);
    const given = lenses[3].command!;
    const none = await vscode.commands.executeCommand<{ outcome: { flow: string }; message: string }>(given.command, ...given.arguments!, {});
    assert.equal(none.outcome.flow, 'none');
    assert.match(none.message, /no value/);
  });

  it('Evaluate Mapping Expression… from the palette: typed expression, typed source object, errors explained', async () => {
    answer('showInputBox', 'ToLower([userPrincipalName])', '{"userPrincipalName":"Ada@Contoso.com"}');
    answer('showQuickPick', { label: 'Type a source object as JSON…' });
    answer('showInformationMessage', undefined);
    const ok = await vscode.commands.executeCommand<{ outcome: { value: string }; message: string }>('scimWorkbench.entra.evaluateExpression');
    assert.equal(ok.outcome.value, 'ada@contoso.com');
    restoreAll();
    answer('showInputBox', 'Left([a], "x")');
    const errors = answer('showErrorMessage', undefined);
    const bad = await vscode.commands.executeCommand<{ outcome: { flow: string } }>('scimWorkbench.entra.evaluateExpression', undefined, undefined, { a: 'abc' });
    assert.equal(bad.outcome.flow, 'error');
    assert.match(String(errors.calls[0][0]), /Left's NumChars must be a whole number/);
  });

  it('New Provisioning Configuration writes MURAL Identity\'s defaults and never overwrites a file', async () => {
    const first = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.entra.newConfiguration');
    const second = await vscode.commands.executeCommand<vscode.Uri>('scimWorkbench.entra.newConfiguration');
    try {
      assert.ok(first.path.endsWith('/mural-identity.provisioning.json'));
      assert.ok(second.path.endsWith('/mural-identity-2.provisioning.json'));
      assert.equal(Buffer.from(await vscode.workspace.fs.readFile(first)).toString('utf8'), muralDefaultConfigurationText());
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), second.toString());
    } finally {
      for (const u of [first, second]) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
    }
  });

  it('named by scimWorkbench.mappingFile, a provisioning configuration drives the payload diagnostics', async () => {
    const schema = JSON.parse(muralDefaultConfigurationText());
    const user = schema.synchronizationRules[0].objectMappings[0];
    user.attributeMappings = user.attributeMappings.filter((m: { targetAttributeName: string }) => m.targetAttributeName !== 'name.givenName');
    await vscode.workspace.fs.writeFile(scratch('workspace.provisioning.json'), Buffer.from(JSON.stringify(schema, null, 2), 'utf8'));
    const payload = '{\n  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],\n  "userName": "ada@contoso.com",\n  "emails": [{ "type": "work", "value": "ada@contoso.com" }],\n  "name": { "givenName": "Ada2" }\n}\n';
    const editor = await open('digits.scim.json', payload);
    assert.deepEqual(ours(editor.document.uri).map(codeOf), ['SCIM022'], 'MURAL\'s table first');
    try {
      await setSetting('scimWorkbench.mappingFile', 'provisioning-it/workspace.provisioning.json');
      const a = await api();
      await waitFor('the configuration as the table', () => a.diagnostics.mappings.infoFor(editor.document.uri).source === 'workspace');
      await waitFor('the diagnostics to follow it', () => { const codes = ours(editor.document.uri).map(codeOf); return !codes.includes('SCIM022') && codes.includes('SCIM024'); });
    } finally {
      await setSetting('scimWorkbench.mappingFile', undefined);
    }
    await waitFor('MURAL\'s table back', () => ours(editor.document.uri).map(codeOf).join() === 'SCIM022');
  });
});
