// Payload diagnostics in the extension host (docs/diagnostics.md): which files are checked, exact ranges and severities,
// the debounce, closing, quick fixes applied as a user would, hover, completion, the workspace mapping file
// and the snippets — driven through VS Code's API on files in the test workspace.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MURAL_MAPPING } from '../../src/scim/mapping';
import { applyFix, validatePayload } from '../../src/validation';
import { SNIPPET_PROBLEMS } from '../fixtures/snippetProblems';
import { answer, api, restoreAll, setSetting, waitFor } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'payloads');
const SOURCE = 'SCIM Workbench';

function workspace(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run in a workspace folder');
  return folder.uri;
}

/** This suite's own folder in the (temporary) test workspace. */
function scratch(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspace(), 'diagnostics-it', ...segments);
}

async function write(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
}

async function remove(uri: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
}

function fixture(sub: 'bad' | 'entra', name: string): string {
  return readFileSync(path.join(FIXTURES, sub, name), 'utf8');
}

/** Writes text to a file of the test workspace, opens it in an editor and waits for it to be checked. */
async function open(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = scratch(name);
  await write(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await linted(doc);
  return editor;
}

async function linted(doc: vscode.TextDocument): Promise<void> {
  await (await api()).diagnostics.linter.whenLinted(doc);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function summary(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${codeOf(d)} ${vscode.DiagnosticSeverity[d.severity]} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Resolves when the file's diagnostics satisfy `ok` (they are published asynchronously). */
function diagnosticsWhen(uri: vscode.Uri, ok: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return waitFor(what, () => (ok(ours(uri)) ? ours(uri) : undefined));
}

/** Reverts what the test changed (so closing asks nothing) and closes every editor. */
async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function quickFixes(doc: vscode.TextDocument, range: vscode.Range, resolve = 0, kind?: string): Promise<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, kind, resolve);
}

async function apply(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `${action.title} has an edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
}

const BAD_USER = readFileSync(path.join(ROOT, 'test', 'fixtures', 'workspace', 'payloads', 'bad-user.scim.json'), 'utf8');

describe('payload diagnostics', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.workspace.fs.createDirectory(scratch());
    await api();
  });

  afterEach(async () => {
    restoreAll();
    await closeAll();
  });

  after(async () => {
    await remove(scratch());
  });

  it('shows exact ranges, severities, codes linked to their docs section and tags on a bad user', async () => {
    const editor = await open('bad-user.scim.json', BAD_USER);
    const ds = ours(editor.document.uri);
    assert.deepEqual(ds.map(summary), [
      'SCIM025 Warning 2:2-2:6',
      'SCIM023 Warning 3:15-3:39',
      'SCIM021 Warning 4:13-4:17',
      'SCIM022 Error 5:26-5:30',
    ]);
    const digits = ds[3] as vscode.Diagnostic;
    assert.match(digits.message, /MURAL rejects digits in name\.givenName/);
    const target = (digits.code as { target: vscode.Uri }).target;
    assert.equal(path.posix.basename(target.path), 'diagnostics.md');
    const docsLines = readFileSync(target.fsPath, 'utf8').split('\n');
    const line = Number(/^L(\d+)$/.exec(target.fragment)?.[1]);
    assert.match(docsLines[line - 1] ?? '', /^## SCIM022 Digits in a name$/, 'the link opens the rule\'s section');
    assert.deepEqual(ds[0]?.tags, [vscode.DiagnosticTag.Unnecessary], 'an id the server ignores is drawn faded');
    assert.equal(ds[3]?.tags, undefined);
  });

  it('reports every bad fixture exactly as the validator does, positions mapped through the document', async () => {
    for (const name of readdirSync(path.join(FIXTURES, 'bad'))) {
      const text = fixture('bad', name);
      const editor = await open(name, text);
      const doc = editor.document;
      const expected = validatePayload(text).problems;
      assert.ok(expected.length > 0, name);
      const ds = ours(doc.uri);
      assert.deepEqual(ds.map((d) => [codeOf(d), doc.offsetAt(d.range.start), doc.offsetAt(d.range.end), d.message]),
        expected.map((p) => [p.code, p.offset, p.offset + p.length, p.message]), name);
      assert.ok(ds.some((d) => name.startsWith(codeOf(d))), `${name} shows its own rule`);
      await closeAll();
    }
  });

  it('shows nothing on the Entra payloads a careful engineer would pass, and never an error on any of them', async () => {
    const clean = ['user-lookup-empty', 'user-disable-aadoptscim062020', 'group-remove-members-aadoptscim062020', 'mural-user-list', 'error-not-found', 'error-uniqueness'];
    for (const name of readdirSync(path.join(FIXTURES, 'entra'))) {
      const editor = await open(`entra-${name}`, fixture('entra', name));
      const ds = ours(editor.document.uri);
      if (clean.includes(name.replace('.scim.json', ''))) assert.deepEqual(ds.map(summary), [], name);
      assert.ok(ds.every((d) => d.severity !== vscode.DiagnosticSeverity.Error), name);
    }
  });

  it('updates the diagnostics after the debounce while typing, and removes them when the file closes', async () => {
    const editor = await open('typing.scim.json', BAD_USER);
    const uri = editor.document.uri;
    assert.ok(ours(uri).some((d) => codeOf(d) === 'SCIM023'));
    const userName = editor.document.getText().indexOf('Ada.Lovelace@Contoso.com');
    await editor.edit((b) => b.replace(new vscode.Range(editor.document.positionAt(userName), editor.document.positionAt(userName + 24)), 'ada.lovelace@contoso.com'));
    assert.ok(ours(uri).some((d) => codeOf(d) === 'SCIM023'), 'not re-checked on every keystroke: the debounce has not fired yet');
    await diagnosticsWhen(uri, (ds) => !ds.some((d) => codeOf(d) === 'SCIM023') && ds.length === 3, 'SCIM023 to go after the edit');
    await closeAll();
    await diagnosticsWhen(uri, (ds) => ds.length === 0, 'the diagnostics to go with the closed file');
  });

  it('leaves JSON syntax errors to VS Code\'s JSON service, keeping a trailing comma\'s fix as a hint', async () => {
    const editor = await open('syntax.scim.json', '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"] "displayName": "Ops",}\n');
    const doc = editor.document;
    assert.ok(validatePayload(doc.getText()).problems.filter((p) => p.code === 'SCIM001').length >= 2, 'the validator reports both');
    const json = await waitFor('VS Code\'s own JSON errors', () => {
      const theirs = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source !== SOURCE);
      return theirs.length > 0 ? theirs : undefined;
    });
    assert.ok(json.some((d) => d.severity === vscode.DiagnosticSeverity.Error), 'VS Code reports the syntax error');
    assert.deepEqual(ours(doc.uri).filter((d) => codeOf(d) === 'SCIM001').map((d) => [vscode.DiagnosticSeverity[d.severity], doc.getText(d.range)]), [['Hint', ',']]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, ours(doc.uri).find((d) => codeOf(d) === 'SCIM001')?.range, vscode.CodeActionKind.QuickFix.value);
    assert.ok(actions.some((a) => a.title === 'Remove the trailing comma'));
    await closeAll();
  });

  it('checks a JSON file whose top-level schemas names a SCIM URN, and leaves other JSON alone', async () => {
    const detected = await open('captured-response.json', fixture('bad', 'SCIM022-digits-in-name.scim.json'));
    assert.deepEqual(ours(detected.document.uri).map(codeOf), ['SCIM022']);
    const quoting = await open('config.json', '{\n  "displayName": "SCIM settings",\n  "note": "Users have urn:ietf:params:scim:schemas:core:2.0:User"\n}\n');
    assert.deepEqual(ours(quoting.document.uri), [], 'a URN quoted in a non-SCIM file is no payload');
    const hover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', quoting.document.uri, new vscode.Position(1, 5));
    assert.ok(hover.every((h) => !h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('MURAL'))), 'no SCIM hover either');
    const plain = await open('plain.json', '{\n  "name": "x",\n  "userName": "Ada"\n}\n');
    assert.deepEqual(ours(plain.document.uri), []);
    // A payload stops being one when its schemas go.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(detected.document.uri, new vscode.Range(0, 0, detected.document.lineCount, 0), '{ "displayName": "x" }\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await diagnosticsWhen(detected.document.uri, (ds) => ds.length === 0, 'the diagnostics to go once it is no payload');
  });

  it('quick fixes produce the expected text, the single obvious one preferred', async () => {
    const cases: { code: string; title: RegExp; expected: string }[] = [
      { code: 'SCIM025', title: /^Remove read-only "id"$/, expected: BAD_USER.replace(/ {2}"id": "[^"]+",\n/, '') },
      { code: 'SCIM023', title: /^Lowercase to "ada\.lovelace@contoso\.com"$/, expected: BAD_USER.replace('Ada.Lovelace@Contoso.com', 'ada.lovelace@contoso.com') },
      { code: 'SCIM021', title: /^Convert "True" to true$/, expected: BAD_USER.replace('"True"', 'true') },
    ];
    for (const c of cases) {
      const editor = await open(`fix-${c.code}.scim.json`, BAD_USER);
      const d = ours(editor.document.uri).find((x) => codeOf(x) === c.code);
      assert.ok(d, c.code);
      const actions = await quickFixes(editor.document, d.range);
      const fix = actions.find((a) => c.title.test(a.title));
      assert.ok(fix, `${c.code}: ${actions.map((a) => a.title).join(' | ')}`);
      assert.equal(fix.isPreferred, true);
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      await apply(fix);
      assert.equal(editor.document.getText(), c.expected);
      await diagnosticsWhen(editor.document.uri, (ds) => !ds.some((x) => codeOf(x) === c.code), `${c.code} fixed`);
      await closeAll();
    }
  });

  it('every fix of every bad fixture, applied through VS Code, gives the validator\'s text', async () => {
    let count = 0;
    for (const name of readdirSync(path.join(FIXTURES, 'bad'))) {
      const text = fixture('bad', name);
      for (const p of validatePayload(text).problems) {
        for (const f of p.fixes ?? []) {
          const editor = await open(`each-fix-${name}`, text);
          const doc = editor.document;
          const actions = await quickFixes(doc, new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length)));
          const action = actions.find((a) => a.title === f.title);
          assert.ok(action, `${name}: "${f.title}" among ${actions.map((a) => a.title).join(' | ')}`);
          await apply(action);
          assert.equal(doc.getText(), applyFix(text, f), `${name}: ${f.title}`);
          count++;
          await closeAll();
        }
      }
    }
    assert.ok(count >= 8, `fixes tried: ${count}`);
  });

  it('digits in a name: no automatic fix, but the rule\'s docs and the mapping', async () => {
    const editor = await open('digits.scim.json', BAD_USER);
    const d = ours(editor.document.uri).find((x) => codeOf(x) === 'SCIM022');
    assert.ok(d);
    const all = await quickFixes(editor.document, d.range);
    assert.ok(all.every((a) => !a.edit || a.title === 'Sort JSON'), 'names are data: no action edits them');
    // Ours run a command of the extension (the JSON extension adds its own actions, such as Sort JSON).
    const actions = all.filter((a) => a.command?.command.startsWith('scimWorkbench.'));
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, ['Learn about MURAL\'s name rule', 'Customise the attribute mapping for this workspace'], JSON.stringify(titles));
    assert.ok(actions.every((a) => !a.isPreferred));
    const learn = actions[0] as vscode.CodeAction;
    assert.equal(learn.command?.command, 'scimWorkbench.diagnostics.openRuleDocs');
    await vscode.commands.executeCommand(learn.command.command, ...(learn.command.arguments ?? []));
    await waitFor('the rules page preview', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /diagnostics\.md/.test(t.label) && /Preview/.test(t.label)));
    // The lightbulb is decided by an automatic request: help alone must not light it.
    const { actions: provider } = (await api()).diagnostics;
    const ask = (triggerKind: vscode.CodeActionTriggerKind) => provider.provideCodeActions(editor.document, d.range, { triggerKind, diagnostics: [d], only: undefined }).map((x) => x.title);
    assert.deepEqual(ask(vscode.CodeActionTriggerKind.Automatic), []);
    assert.deepEqual(ask(vscode.CodeActionTriggerKind.Invoke), titles);
  });

  it('fixes all problems of one rule, and every unambiguous problem with source.fixAll', async () => {
    const capitals = fixture('bad', 'SCIM023-capitals.scim.json');
    const editor = await open('fix-all.scim.json', capitals);
    const d = ours(editor.document.uri)[0] as vscode.Diagnostic;
    const actions = await quickFixes(editor.document, d.range, 10);
    const all = actions.find((a) => a.title === 'Fix all "Value not lower case" problems in this file (SCIM023)');
    assert.ok(all, actions.map((a) => a.title).join(' | '));
    await apply(all);
    assert.equal(editor.document.getText(), capitals.replace(/Alice@Contoso\.com/g, 'alice@contoso.com'));
    await closeAll();

    const user = await open('fix-all-source.scim.json', BAD_USER);
    const [source] = await quickFixes(user.document, new vscode.Range(0, 0, 0, 0), 1, 'source.fixAll.scimWorkbench');
    assert.ok(source, 'a source.fixAll action');
    await apply(source);
    assert.equal(user.document.getText(), BAD_USER.replace(/ {2}"id": "[^"]+",\n/, '').replace('Ada.Lovelace@Contoso.com', 'ada.lovelace@contoso.com').replace('"True"', 'true'));
    await diagnosticsWhen(user.document.uri, (ds) => ds.map(codeOf).join() === 'SCIM022', 'only the digits left');
  });

  it('hovers an attribute with its schema characteristics and MURAL\'s rule', async () => {
    const editor = await open('hover.scim.json', BAD_USER);
    const at = editor.document.positionAt(BAD_USER.indexOf('"userName"') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at);
    const ours = hovers.map((h) => h.contents.map((c) => (c as vscode.MarkdownString).value).join('\n')).find((t) => t.includes('**userName**'));
    assert.ok(ours, JSON.stringify(hovers));
    assert.match(ours, /\*\*required\*\*/);
    assert.match(ours, /stored lower case/);
    const range = hovers.find((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('**userName**')))?.range;
    assert.deepEqual([range?.start.line, range?.start.character, range?.end.character], [3, 2, 12], 'the hovered key, quotes included');
  });

  it('completes attribute names inside a user and URNs inside schemas', async () => {
    const editor = await open('complete.scim.json', '{\n  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],\n  ""\n}\n');
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(2, 3), '"');
    const labels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const l of ['userName', 'name', 'emails', 'active', 'externalId']) assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('id') && !labels.includes('meta'), 'read-only attributes are not offered');
    const empty = await open('complete-schemas.scim.json', '{\n  "schemas": [""]\n}\n');
    const urns = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', empty.document.uri, new vscode.Position(1, 15), '"');
    const urnLabels = urns.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(urnLabels.includes('urn:ietf:params:scim:schemas:core:2.0:User'), urnLabels.join(', '));
    assert.ok(urnLabels.includes('urn:ietf:params:scim:api:messages:2.0:PatchOp'));
  });

  describe('with a workspace mapping file', () => {
    const mappingUri = () => vscode.Uri.joinPath(workspace(), '.vscode', 'scim-mapping.json');
    const source = async (uri: vscode.Uri) => (await api()).diagnostics.mappings.infoFor(uri).source;

    afterEach(async () => {
      await remove(mappingUri());
      await waitFor('MURAL\'s table again', async () => (await source(scratch('x.scim.json'))) === 'default');
    });

    it('follows a custom table: givenName required, digits allowed', async () => {
      const entries = MURAL_MAPPING.entries.map((e) => (e.target === 'name.givenName' ? { ...e, required: true, rules: [] } : e));
      await write(mappingUri(), JSON.stringify({ name: 'Contoso test mapping', entries }, null, 2));
      await waitFor('the workspace table', async () => (await source(scratch('x.scim.json'))) === 'workspace');
      const digits = await open('custom-digits.scim.json', fixture('bad', 'SCIM022-digits-in-name.scim.json'));
      assert.deepEqual(ours(digits.document.uri), [], 'digits allowed by the custom table');
      const nameless = await open('custom-required.scim.json',
        '{\n  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],\n  "userName": "ada@contoso.com",\n  "emails": [{ "type": "work", "value": "ada@contoso.com" }]\n}\n');
      const [required] = ours(nameless.document.uri);
      assert.equal(required && codeOf(required), 'SCIM020');
      assert.match(required?.message ?? '', /givenName/);
      assert.equal(required?.relatedInformation?.[0]?.location.uri.toString(), mappingUri().toString(), 'points to the mapping that makes it required');
      // Removing the file restores MURAL's table for the open payloads.
      await remove(mappingUri());
      await diagnosticsWhen(digits.document.uri, (ds) => ds.map(codeOf).join() === 'SCIM022', 'MURAL\'s no-digits rule back');
    });

    it('shows an invalid mapping file\'s problems on itself, warns once and falls back to MURAL\'s table', async () => {
      const warnings = answer('showWarningMessage', undefined);
      const text = '{\n  "entries": [\n    { "resource": "Person", "target": "userName", "type": "String" }\n  ]\n}\n';
      await write(mappingUri(), text);
      await waitFor('the invalid mapping', async () => (await source(scratch('x.scim.json'))) === 'invalid');
      const ds = await diagnosticsWhen(mappingUri(), (d) => d.length > 0, 'diagnostics on the mapping file');
      assert.deepEqual(ds.map(summary), ['SCIM080 Error 2:19-2:25']);
      assert.match(ds[0]?.message ?? '', /"resource" must be "User" or "Group"/);
      assert.equal(warnings.calls.length, 1);
      assert.match(String(warnings.calls[0]?.[0]), /scim-mapping\.json has a problem, so SCIM payloads are checked against MURAL's default table/);
      const digits = await open('fallback-digits.scim.json', fixture('bad', 'SCIM022-digits-in-name.scim.json'));
      assert.deepEqual(ours(digits.document.uri).map(codeOf), ['SCIM022']);
      await remove(mappingUri());
      await diagnosticsWhen(mappingUri(), (d) => d.length === 0, 'the mapping file\'s diagnostics to go with it');
    });

    it('the mapping file gets its JSON schema from the JSON language service', async () => {
      await write(mappingUri(), '{\n  "entries": [\n    { "resource": "Person", "target": "userName", "type": "String" }\n  ]\n}\n');
      await vscode.window.showTextDocument(mappingUri(), { preview: false });
      const fromSchema = await waitFor('a JSON schema diagnostic', () => vscode.languages.getDiagnostics(mappingUri()).find((d) => d.source !== SOURCE && /"User"/.test(d.message)), 30_000);
      assert.equal(fromSchema.range.start.line, 2);
    });

    it('SCIM: Create Attribute Mapping File writes MURAL\'s table and opens it, or opens the existing one', async () => {
      await vscode.commands.executeCommand('scimWorkbench.diagnostics.createMappingFile');
      const created = await waitFor('the mapping file in an editor', () => {
        const active = vscode.window.activeTextEditor;
        return active?.document.uri.toString() === mappingUri().toString() ? active : undefined;
      });
      const onDisk = Buffer.from(await vscode.workspace.fs.readFile(mappingUri())).toString('utf8');
      assert.deepEqual(JSON.parse(onDisk).entries, JSON.parse(JSON.stringify(MURAL_MAPPING.entries)));
      await waitFor('the editor to show the written file', () => created.document.getText() === onDisk);
      assert.equal(await source(scratch('x.scim.json')), 'workspace');
      await closeAll();
      await write(mappingUri(), JSON.stringify({ name: 'Mine', entries: [] }));
      await vscode.commands.executeCommand('scimWorkbench.diagnostics.createMappingFile');
      await waitFor('the existing file opened', () => vscode.window.activeTextEditor?.document.uri.toString() === mappingUri().toString());
      const mine = Buffer.from(await vscode.workspace.fs.readFile(mappingUri())).toString('utf8');
      assert.equal(JSON.parse(mine).name, 'Mine', 'an existing file is not overwritten');
    });
  });

  describe('settings', () => {
    afterEach(async () => {
      for (const k of ['maxFileSizeKB', 'enabled', 'include']) await setSetting(`scimWorkbench.diagnostics.${k}`, undefined);
    });

    it('a file over the size limit gets one note instead of a check', async () => {
      await setSetting('scimWorkbench.diagnostics.maxFileSizeKB', 1);
      const big = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Big@Contoso.com', title: 'x'.repeat(2000) }, null, 2);
      const editor = await open('big.scim.json', big);
      const ds = ours(editor.document.uri);
      assert.equal(ds.length, 1);
      assert.equal(ds[0]?.severity, vscode.DiagnosticSeverity.Information);
      assert.match(ds[0]?.message ?? '', /over the 1 KB .*scimWorkbench\.diagnostics\.maxFileSizeKB/);
      await setSetting('scimWorkbench.diagnostics.maxFileSizeKB', undefined);
      await diagnosticsWhen(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'SCIM023'), 'the full check once the limit is back');
    });

    it('can be switched off, and the include globs decide which files are payloads', async () => {
      const editor = await open('switch.scim.json', BAD_USER);
      assert.equal(ours(editor.document.uri).length, 4);
      await setSetting('scimWorkbench.diagnostics.enabled', false);
      await diagnosticsWhen(editor.document.uri, (d) => d.length === 0, 'no diagnostics when disabled');
      await setSetting('scimWorkbench.diagnostics.enabled', undefined);
      await diagnosticsWhen(editor.document.uri, (d) => d.length === 4, 'diagnostics back');
      // A file without schemas is a payload only when the include globs say so.
      const bare = await open('bare.json', '{\n  "displayName": "Engineering"\n}\n');
      assert.deepEqual(ours(bare.document.uri), []);
      await setSetting('scimWorkbench.diagnostics.include', ['diagnostics-it/bare.json']);
      await diagnosticsWhen(bare.document.uri, (d) => d.map(codeOf).join() === 'SCIM010', 'SCIM010 once the glob includes it');
    });
  });

  it('SCIM: Show Payload Rules opens the rules page rendered', async () => {
    await vscode.commands.executeCommand('scimWorkbench.diagnostics.showRules');
    await waitFor('the rules page preview', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Preview diagnostics\.md/.test(t.label)));
  });

  it('every contributed snippet, expanded in an editor, shows only its deliberate problems', async () => {
    const ext = vscode.extensions.getExtension('scim-workbench.scim-workbench');
    assert.ok(ext);
    const contributed = ext.packageJSON.contributes.snippets as { language: string; path: string }[];
    assert.deepEqual(contributed.map((s) => s.language).sort(), ['json', 'jsonc']);
    const snippets = JSON.parse(readFileSync(path.join(ext.extensionPath, contributed[0]?.path ?? ''), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
    assert.ok(Object.keys(snippets).length >= 11);
    for (const s of Object.values(snippets)) {
      const editor = await open(`snippet-${s.prefix}.scim.json`, '');
      assert.ok(await editor.insertSnippet(new vscode.SnippetString(s.body.join('\n'))));
      await linted(editor.document);
      assert.ok(editor.document.getText().includes('"schemas"'), s.prefix);
      assert.deepEqual(ours(editor.document.uri).map(codeOf), SNIPPET_PROBLEMS[s.prefix] ?? [], `${s.prefix}:\n${editor.document.getText()}`);
      await closeAll();
    }
  });
});
