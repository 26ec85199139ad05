// Sending in the extension host: a request file's CodeLenses and diagnostics, Send Request to the running mock
// (response beside, 201, then a 409 summarised on top), Send Payload… for POST and PATCH, the history and
// re-sending it, cancellation, timeouts, 429 with Retry-After, the proxy setting — and a scan for tokens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { planPayload } from '../../src/client/payloadPlan';
import type { SendResult } from '../../src/vscode/requests/sender';
import { api, choose, outputText, placesHolding, recordMessages, restoreAll, setSetting, shownMessages, stubServer, waitFor } from './helpers';

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run in the fixture workspace');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** http.proxy is an application setting: only user settings take it. */
async function setProxy(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('http').update('proxy', value, vscode.ConfigurationTarget.Global);
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

function responseText(result: SendResult | undefined): string {
  assert.ok(result?.editor, `a response editor opened${result?.error ? ` (error: ${result.error.message})` : ''}`);
  assert.equal(result.editor.document.uri.scheme, 'scim-response');
  return result.editor.document.getText();
}

describe('requests', function () {
  this.timeout(60_000);

  before(async () => {
    const a = await api();
    const started = await a.mock.start();
    assert.ok(started.ok, 'the mock server starts');
    await a.mock.service?.reset();
    await a.requests.history.clear();
  });

  afterEach(() => restoreAll());

  after(async () => {
    await setSetting('scimWorkbench.requests.timeoutSeconds', undefined);
    await setProxy(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a Send Request CodeLens above each request of a .http file, and the file\'s connection beside it', async () => {
    const editor = await open(workspaceFile('requests', 'provisioning.http'));
    assert.equal(editor.document.languageId, 'http', '.http files get the http language');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const send = lenses.filter((l) => l.command?.command === 'scimWorkbench.requests.send');
    assert.deepEqual(send.map((l) => l.range.start.line), [5, 23, 26]);
    assert.equal(send[0]?.command?.title, '$(play) Send Request');
    const choice = lenses.filter((l) => l.command?.command === 'scimWorkbench.requests.chooseConnection');
    assert.equal(choice.length, 3);
    assert.equal(choice[0]?.command?.title, '$(plug) Choose connection');
    assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri), [], 'the fixture has no problems');
  });

  it('sends a request file to the running mock: asks for the connection once, opens the response beside with 201, then summarises a 409 on top', async () => {
    const a = await api();
    const editor = await open(workspaceFile('requests', 'provisioning.http'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const create = lenses.find((l) => l.command?.command === 'scimWorkbench.requests.send');
    assert.ok(create?.command);
    const picks = choose((i) => i.connectionId === 'mock');
    const first = await vscode.commands.executeCommand<SendResult>(create.command.command, ...(create.command.arguments ?? []));
    assert.equal(picks.calls.length, 1, 'asked which connection');
    assert.equal(picks.calls[0]?.items[0]?.connectionId, 'mock', 'the mock server is offered first');
    assert.ok(picks.calls[0]?.items.some((i) => /Add Connection/.test(i.label)), 'adding a connection is offered');
    const text = responseText(first);
    assert.match(text, /^HTTP\/1\.1 201 Created$/m);
    assert.match(text, /^content-type: application\/scim\+json/m);
    assert.match(text, /^ {2}"userName": "dorothy\.vaughan@contoso\.com",$/m, 'the body is pretty-printed JSON');
    assert.match(text, /^# Create a user as Entra does \(a second send answers 409 uniqueness\): POST http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim\/Users · \d+ ms · .* · Mock MURAL server · /m);
    assert.match(text, /^# {3}Authorization: Bearer \*\*\*$/m, 'the token was sent, and is shown redacted');
    assert.equal(first?.editor?.document.languageId, 'http');
    assert.equal(first?.editor?.viewColumn, vscode.ViewColumn.Two, 'beside the request file');
    assert.ok(a.mock.service?.listUsers({ filter: 'userName eq "dorothy.vaughan@contoso.com"' }).resources.length === 1);

    restoreAll();
    const again = choose();
    const second = await vscode.commands.executeCommand<SendResult>(create.command.command, ...(create.command.arguments ?? []));
    assert.equal(again.calls.length, 0, 'the file remembers its connection');
    const conflict = responseText(second);
    assert.match(conflict, /^# SCIM error: 409 Conflict\n# {3}scimType: {3}uniqueness\n# {3}detail: {5}.*dorothy\.vaughan@contoso\.com.*\n# {3}what to do: A resource with this unique value .* look it up with a filter and PATCH it/);
    assert.match(conflict, /^HTTP\/1\.1 409 Conflict$/m);

    const lensesAfter = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.equal(lensesAfter.find((l) => l.command?.command === 'scimWorkbench.requests.chooseConnection')?.command?.title, '$(plug) Mock MURAL server');

    const [latest, previous] = a.requests.history.entries();
    assert.equal(latest?.status, 409);
    assert.equal(previous?.status, 201);
    assert.equal(latest?.connectionName, 'Mock MURAL server');
    assert.equal(latest?.path, '/Users');
    assert.equal(latest?.source, editor.document.uri.toString());
    const histItem = await a.connections.tree.getTreeItem({ type: 'request', entry: latest! });
    assert.equal(histItem.label, '409 POST /Users');
    assert.ok(a.connections.tree.getChildren().some((n) => n.type === 'history'), 'the history shows in the Connections view');
  });

  it('hovers a request\'s filter with what MURAL does with it, across a continuation line', async () => {
    const text = [
      'GET {{tenantUrl}}/Users?filter=externalId eq "alice"', // 0
      '', //                                                  1
      '###', //                                               2
      'GET {{tenantUrl}}/Groups', //                          3
      '    ?filter=displayName eq "Eng"', //                  4
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'http', content: text });
    const hoverText = async (line: number, character: number) => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, character));
      return hovers.flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c)))).join('\n');
    };
    assert.match(await hoverText(0, 36), /MURAL refuses this filter\*\* \(400 invalidFilter\).*If externalId is Entra's matching attribute, Entra will fail to match every user and retry each cycle/s);
    assert.match(await hoverText(4, 20), /MURAL answers this filter: it is how Entra matches \(`displayName eq "…"`\)/);
    assert.doesNotMatch(await hoverText(0, 2), /MURAL/);
  });

  it('reports a file\'s problems as diagnostics with exact ranges and refuses to send a request that has one', async () => {
    const text = [
      'GET {{tenantUrl}}/Users/{{missing}}', // 0
      '', //                                    1
      '###', //                                 2
      'POST {{tenantUrl}}/Users', //            3
      'Authorization: Bearer abc123', //        4
      '{"userName": "x"}', //                   5
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'http', content: text });
    await vscode.window.showTextDocument(doc);
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length >= 3 ? d : undefined;
    });
    const at = (line: number) => diagnostics.find((d) => d.range.start.line === line);
    assert.match(String(at(0)?.message), /\{\{missing\}\} is not defined/);
    assert.deepEqual([at(0)?.range.start.character, at(0)?.range.end.character], [24, 35]);
    assert.equal(at(0)?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(String(at(4)?.message), /credential in plain text/);
    assert.equal(at(4)?.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([at(4)?.range.start.character, at(4)?.range.end.character], [15, 28]);
    assert.match(String(at(5)?.message), /blank line between the headers and the body/);

    const shown = recordMessages();
    const asked = choose((i) => i.connectionId === 'mock');
    const result = await vscode.commands.executeCommand<SendResult | undefined>('scimWorkbench.requests.send', doc.uri, 0);
    assert.equal(result, undefined, 'nothing sent');
    assert.equal(asked.calls.length, 0, 'no connection is asked for a request that cannot be sent anyway');
    assert.match(shown.messages[0]?.text ?? '', /^Not sent: \{\{missing\}\} is not defined: define it in the file with "@missing = value"\. \(line 1\)$/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('checks a JSON body sent to /Users with the payload rules: MURAL\'s name rule where the digit is, with its code and docs', async () => {
    const text = [
      'POST {{tenantUrl}}/Users', //                                                         0
      'Content-Type: application/scim+json', //                                              1
      '', //                                                                                  2
      '{', //                                                                                 3
      '  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],', //                    4
      '  "userName": "{{email}}",', //                                                       5
      '  "emails": [{ "type": "work", "primary": true, "value": "alan@contoso.com" }],', // 6
      '  "name": { "givenName": "Alan2", "familyName": "Turing" }', //                       7
      '}', //                                                                                 8
      '', //                                                                                  9
      '###', //                                                                              10
      'GET {{tenantUrl}}/Users?filter=userName eq "Alan2"', //                               11
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'http', content: `@email = alan@contoso.com\n${text}` });
    await vscode.window.showTextDocument(doc);
    const digit = await waitFor('the name rule on the body', () => vscode.languages.getDiagnostics(doc.uri).find((d) => typeof d.code === 'object' && d.code.value === 'SCIM022'));
    assert.equal(doc.getText(digit.range), 'Alan2');
    assert.equal(digit.range.start.line, 8);
    assert.equal(digit.source, 'SCIM Workbench');
    assert.match(String((digit.code as { target: vscode.Uri }).target), /diagnostics\.md/);
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d !== digit).map((d) => d.message), [], 'a {{variable}} in the body is no problem, nor a GET');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('chains requests with request variables: the PATCH reads the id and version of the POST sent before it', async () => {
    const a = await api();
    const text = [
      '# @name createUser', //                                               0
      'POST {{tenantUrl}}/Users', //                                         1
      'Content-Type: application/scim+json', //                              2
      '', //                                                                 3
      '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "mary.jackson@contoso.com", "emails": [{"type": "work", "value": "mary.jackson@contoso.com", "primary": true}], "name": {"givenName": "Mary", "familyName": "Jackson"}}',
      '', //                                                                 5
      '###', //                                                              6
      'PATCH {{tenantUrl}}/Users/{{createUser.response.body.$.id}}', //      7
      'Content-Type: application/scim+json', //                              8
      'If-Match: {{createUser.response.headers.ETag}}', //                   9
      '', //                                                                10
      '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "name.givenName", "value": "Marie"}]}',
    ].join('\n');
    const uri = workspaceFile('requests', 'chain.http');
    await fs.writeFile(uri.fsPath, text, 'utf8');
    const doc = (await open(uri)).document;
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message), [], 'request variables that name a request of the file are fine while editing');

    const shown = recordMessages();
    choose((i) => i.connectionId === 'mock');
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.requests.send', doc.uri, 7), undefined, 'not sent before createUser');
    assert.equal(shown.messages[0]?.text, 'Not sent: {{createUser.response.body.$.id}} needs createUser\'s response: send createUser (line 2) first. (line 8)');
    restoreAll();

    const created = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.send', doc.uri, 1);
    assert.equal(created.response?.status, 201);
    const id = JSON.parse(created.response?.body ?? '{}').id as string;
    const patched = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.send', doc.uri, 7);
    assert.equal(patched.response?.status, 200, responseText(patched));
    assert.ok(patched.response?.request.url.endsWith(`/Users/${id}`), patched.response?.request.url);
    assert.equal(patched.response?.request.headers['If-Match'] ?? patched.response?.request.headers['if-match'], created.response?.headers.etag);
    assert.equal((a.mock.service?.getUser(id).name as { givenName: string }).givenName, 'Marie');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(uri.fsPath);
  });

  it('New Request File opens a template without problems whose requests run against the mock in order', async () => {
    const a = await api();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('scimWorkbench.requests.newFile');
    assert.ok(doc.isUntitled && doc.getText().startsWith('# SCIM request file'));
    assert.equal(doc.uri.path, workspaceFile('scim-requests.http').path, 'named, in the workspace folder, not written yet');
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'scim-requests.http');
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message), []);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const sends = lenses.filter((l) => l.command?.command === 'scimWorkbench.requests.send').map((l) => l.command?.arguments?.[1] as number);
    assert.equal(sends.length, 4);
    choose((i) => i.connectionId === 'mock');
    const results: SendResult[] = [];
    for (const line of sends) results.push(await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.send', doc.uri, line));
    assert.deepEqual(results.map((r) => r.response?.status), [200, 201, 200, 200], 'probe, create, look-up, deactivate');
    const created = JSON.parse(results[1]?.response?.body ?? '{}') as { id: string; userName: string };
    assert.match(created.userName, /^ada\.lovelace\.\d{4}@contoso\.com$/);
    assert.ok(results[3]?.response?.request.url.endsWith(`/Users/${created.id}`));
    assert.equal(a.mock.service?.getUser(created.id).active, false);
    const second = await vscode.commands.executeCommand<vscode.TextDocument>('scimWorkbench.requests.newFile');
    assert.equal(second.uri.path, workspaceFile('scim-requests-2.http').path, 'the name is not taken twice');
    assert.ok(await second.save(), 'saved where it is named, without a dialog');
    try {
      assert.match(await fs.readFile(workspaceFile('scim-requests-2.http').fsPath, 'utf8'), /^# SCIM request file/);
    } finally {
      await fs.rm(workspaceFile('scim-requests-2.http').fsPath, { force: true });
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('sends a *.scim.json payload with Send Payload…: POST for a new user, PATCH with a target picked from the connection', async () => {
    const a = await api();
    const payload = workspaceFile('requests', 'annie-easley.scim.json');
    const picks = choose((i) => i.label === 'POST /Users', (i) => i.connectionId === 'mock');
    const created = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.sendPayload', payload);
    assert.equal(picks.calls[0]?.items[0]?.label, 'POST /Users', 'POST is suggested for a new user');
    assert.equal(picks.calls[0]?.items[0]?.description, 'suggested');
    assert.match(responseText(created), /^HTTP\/1\.1 201 Created$/m);
    const annie = a.mock.service?.listUsers({ filter: 'userName eq "annie.easley@contoso.com"' }).resources[0];
    assert.ok(annie, 'the user was created');
    const sent = a.log.entries()[0];
    assert.equal(sent?.method, 'POST');
    assert.equal(JSON.parse(sent?.requestBody ?? '{}').externalId, 'annie.easley', 'the file was sent as written');

    restoreAll();
    const patchFile = workspaceFile('requests', 'deactivate-test.scim.json');
    await fs.writeFile(patchFile.fsPath, JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    }, null, 2));
    try {
      const patchPicks = choose(
        (i) => i.label === 'PATCH /Users/{id}',
        (i) => i.connectionId === 'mock',
        (i) => i.id === annie.id,
      );
      const patched = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.sendPayload', patchFile);
      assert.equal(patchPicks.calls[0]?.items[0]?.label, 'PATCH /Users/{id}', 'a PatchOp on active targets Users');
      assert.ok(patchPicks.calls[2]?.items.some((i) => i.label === 'annie.easley@contoso.com'), 'users of the connection are offered');
      assert.match(responseText(patched), /^HTTP\/1\.1 (200 OK|204 No Content)$/m);
      assert.equal(a.mock.service?.getUser(annie.id as string).active, false);
    } finally {
      await fs.rm(patchFile.fsPath, { force: true });
    }

    restoreAll();
    const shown = recordMessages();
    const list = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }) });
    await vscode.window.showTextDocument(list);
    assert.equal(await vscode.commands.executeCommand('scimWorkbench.requests.sendPayload'), undefined);
    assert.match(shown.messages[0]?.text ?? '', /ListResponse — an answer a server sends, not a request/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('suggests the request a payload stands for: POST a new resource, PUT one with its id, PATCH the kind its paths name', () => {
    const labels = (payload: unknown, file = 'x.scim.json') => {
      const plan = planPayload(payload, file);
      return 'problem' in plan ? plan.problem : plan.options.map((o) => `${o.method} /${o.kind}${o.needsId ? `/${o.id ?? '{id}'}` : ''}`);
    };
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng' };
    assert.deepEqual(labels(group), ['POST /Groups', 'PUT /Groups/{id}']);
    assert.deepEqual(labels({ ...group, id: 'g1' }), ['PUT /Groups/g1', 'POST /Groups']);
    const patch = (Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
    assert.deepEqual(labels(patch([{ op: 'Add', path: 'members', value: [{ value: 'u1' }] }])), ['PATCH /Groups/{id}', 'PATCH /Users/{id}']);
    assert.deepEqual(labels(patch([{ op: 'replace', value: { 'name.givenName': 'Ada', active: true } }])), ['PATCH /Users/{id}', 'PATCH /Groups/{id}'], 'path-less keys count');
    assert.deepEqual(labels(patch([{ op: 'Replace', path: 'displayName', value: 'x' }]), 'group-rename.scim.json'), ['PATCH /Groups/{id}', 'PATCH /Users/{id}']);
    assert.match(String(labels({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' })), /SCIM error — an answer a server sends/);
    assert.match(String(labels([1, 2])), /not a JSON object/);
    assert.equal((labels({ userName: 'x' }) as string[]).length, 4, 'no schemas: every choice is offered');
  });

  it('sends a history entry again with its connection\'s token, which the history never holds', async () => {
    const a = await api();
    const entry = a.requests.history.entries().find((e) => e.method === 'POST' && e.name === 'annie-easley.scim.json');
    assert.ok(entry);
    assert.deepEqual(Object.keys(entry.headers).map((h) => h.toLowerCase()), ['content-type']);
    const before = a.requests.history.entries().length;
    const again = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.resend', entry.id);
    assert.equal(again.response?.status, 409, 'authorised (not 401), and the user exists already');
    assert.equal(a.requests.history.entries().length, before + 1);
    const picked = choose((i) => i.entry?.id === entry.id);
    const fromPick = await vscode.commands.executeCommand<SendResult>('scimWorkbench.requests.history');
    assert.ok(picked.calls[0]?.items.length);
    assert.equal(fromPick.response?.status, 409);
  });

  it('cancels a request that hangs, times out after the configured seconds, and shows a 429\'s Retry-After without retrying', async () => {
    const a = await api();
    const hanging = await stubServer((req, _body, res) => {
      if (req.url?.includes('throttled')) {
        res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/scim+json' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' }));
      }
      // anything else never answers
    });
    try {
      const target = { id: 'stub', name: 'Hanging stub', connection: { tenantUrl: `${hanging.url}/scim`, authScheme: 'Bearer' as const, token: 'hang-token-5e6f7a8b' } };
      recordMessages();
      const pending = a.requests.sender.send({ method: 'GET', url: '/Users' }, target);
      await waitFor('the request to arrive', () => hanging.requests.length === 1);
      await vscode.commands.executeCommand('scimWorkbench.requests.cancel');
      const cancelled = await pending;
      assert.match(String(cancelled.error?.message), /was cancelled/);
      assert.equal(a.requests.history.entries()[0]?.error, 'Cancelled');

      await setSetting('scimWorkbench.requests.timeoutSeconds', 1);
      restoreAll();
      const shown = recordMessages();
      const timedOut = await a.requests.sender.send({ method: 'GET', url: '/Users' }, target);
      assert.match(String(timedOut.error?.message), /No complete answer from 127\.0\.0\.1:\d+ within 1 s/);
      assert.match(shown.messages[0]?.text ?? '', /^GET Users failed: No complete answer/);
      assert.deepEqual(shown.messages[0]?.items, ['Test Connection', 'Proxy Settings']);

      const throttled = await a.requests.sender.send({ method: 'GET', url: '/Users?throttled=1' }, target);
      const text = responseText(throttled);
      assert.match(text, /^# Retry after 7 s \(Retry-After\)\. Nothing was retried automatically/m);
      assert.equal(hanging.requests.filter((r) => r.url.includes('throttled')).length, 1, 'no automatic retry');
    } finally {
      await hanging.close();
      await setSetting('scimWorkbench.requests.timeoutSeconds', undefined);
    }
  });

  it('ties the response status-bar item to the response editor: the active or newest response in view, hidden once none is', async () => {
    const a = await api();
    const target = await a.connections.service.use('mock');
    assert.ok(target);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const request = await vscode.workspace.openTextDocument({ language: 'http', content: 'GET /Users\n' });
    await vscode.window.showTextDocument(request, { viewColumn: vscode.ViewColumn.One });
    const bad = await a.requests.sender.send({ method: 'GET', url: '/Users?filter=nonsense' }, target);
    assert.equal(bad.response?.status, 400);
    assert.match(String(a.requests.sender.statusText), /^\$\(warning\) 400 /, 'the request file active, its response beside');
    const badDoc = bad.editor?.document as vscode.TextDocument;
    assert.ok(a.requests.sender.documents.has(badDoc.uri), 'its text is kept although VS Code closed and reopened it to set its language');
    const column = bad.editor?.viewColumn;
    await vscode.window.showTextDocument(badDoc, { viewColumn: column, preview: false });
    await vscode.window.showTextDocument(request, { viewColumn: vscode.ViewColumn.One });
    const good = await a.requests.sender.send({ method: 'GET', url: '/Users?count=1' }, target);
    assert.equal(good.response?.status, 200);
    assert.match(String(a.requests.sender.statusText), /^\$\(check\) 200 /, 'the newest response in view');
    const described = (status: string) => (a.requests.sender.statusText ?? '').includes(` ${status} `) ? true : undefined;
    await vscode.window.showTextDocument(badDoc, { viewColumn: column });
    await waitFor('the 400 described while its editor is active', () => described('400'));
    await vscode.window.showTextDocument(request, { viewColumn: vscode.ViewColumn.One });
    await waitFor('still the 400: the one in view, the 200 behind it', () => described('400'));
    await vscode.commands.executeCommand('scimWorkbench.requests.showResponse', badDoc.uri);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), badDoc.uri.toString(), 'a click on the item shows its response');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the 200, in view again once the 400 closed', () => described('200'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('hidden with no response in view', () => a.requests.sender.statusText === undefined ? true : undefined);
    await a.mock.stop();
    assert.equal(a.requests.sender.statusText, undefined, 'nothing left over after a restart either');
    assert.ok((await a.mock.start()).ok);
  });

  it('uses VS Code\'s http.proxy setting and says which setting to fix when it is not a URL', async () => {
    const a = await api();
    await setProxy('not a proxy url');
    const shown = recordMessages();
    const target = await a.connections.service.use('mock');
    assert.ok(target);
    const failed = await a.requests.sender.send({ method: 'GET', url: '/Users?count=1' }, target);
    assert.match(String(failed.error?.message), /The proxy setting is not a URL\. Write it as http:\/\/host:port .* "http\.proxy" setting/);
    assert.match(shown.messages[0]?.text ?? '', /proxy setting is not a URL/);
    assert.deepEqual(shown.messages[0]?.items, ['Test Connection', 'Proxy Settings']);
    await setProxy(undefined);
    const ok = await a.requests.sender.send({ method: 'GET', url: '/Users?count=1' }, target);
    assert.equal(ok.response?.status, 200, 'the client is rebuilt when the setting changes');
  });

  it('never writes a token into a response, the history, the state, a setting or a message', async () => {
    const a = await api();
    const token = await a.mock.token();
    const texts: Record<string, string> = {};
    for (const d of vscode.workspace.textDocuments) texts[`document ${d.uri.toString()}`] = d.getText();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string;
    texts['workspace settings.json'] = await fs.readFile(path.join(folder, '.vscode', 'settings.json'), 'utf8').catch(() => '');
    const state = a.connections.persisted();
    texts.state = JSON.stringify(state);
    texts.history = JSON.stringify(a.requests.history.entries());
    texts.messages = shownMessages.join('\n');
    texts.output = await outputText(/POST http:\/\/127\.0\.0\.1:\d+\/enterprise\/v1\/scim\/Users → 201 Created/);
    for (const secret of [token, 'hang-token-5e6f7a8b']) assert.deepEqual(placesHolding(secret, texts), []);
    assert.ok(a.requests.history.entries().length >= 5, 'the scan saw the history');
  });
});
