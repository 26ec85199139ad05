// Provisioning configuration files in the editor (docs/entra-expressions.md): hover, completion and quick fixes
// inside attribute-mapping expressions, an "Evaluate" CodeLens on each mapping, and the commands New Provisioning
// Configuration and Evaluate Mapping Expression…. Diagnostics come from the payload linter, which recognises these
// files; everything here asks it whether a document is one.
import * as vscode from 'vscode';
import { baseSoftDeleted, userSource } from '../../entra/engine/source';
import { parseDirectory } from '../../entra/directory/load';
import {
  evaluate, evaluateAttributeMapping, muralDefaultConfigurationText, parseExpression, type JsonPath, type Outcome,
} from '../../entra';
import { mappingAt, mappingLocations, provisioningCompletionsAt, provisioningHoverAt, type Fix } from '../../validation';
import type { Commands } from '../commands';
import type { PayloadLinter } from '../diagnostics/linter';
import { targetFolder } from '../diagnostics/register';
import { rangeOf } from '../ranges';

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];
const DEFAULT_FILE = 'mural-identity.provisioning.json';
/** Source objects offered when no Entra directory file is in the workspace. */
const TYPE_JSON = 'Type a source object as JSON…';

/** What Evaluate Mapping Expression… answered (returned to callers such as the extension-host tests). */
export interface EvaluationResult {
  readonly expression: string;
  readonly source: Readonly<Record<string, unknown>>;
  readonly outcome: Outcome | { readonly flow: 'notApplied' };
  readonly fromDefault: boolean;
  /** What was shown to the user. */
  readonly message: string;
}

class ProvisioningHover implements vscode.HoverProvider {
  constructor(private readonly linter: PayloadLinter) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.linter.stateOf(doc)?.provisioning) return undefined;
    const h = provisioningHoverAt(doc.getText(), doc.offsetAt(position));
    if (!h) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(h.contents), rangeOf(doc, h.offset, h.length));
  }
}

class ProvisioningCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly linter: PayloadLinter) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    if (!this.linter.stateOf(doc)?.provisioning) return undefined;
    const result = provisioningCompletionsAt(doc.getText(), doc.offsetAt(position));
    if (!result || result.items.length === 0) return undefined;
    const range = rangeOf(doc, result.offset, result.length);
    return result.items.map((c) => {
      const kind = c.kind === 'function' ? vscode.CompletionItemKind.Function : c.kind === 'attribute' ? vscode.CompletionItemKind.Field : vscode.CompletionItemKind.Keyword;
      const item = new vscode.CompletionItem(c.label, kind);
      item.insertText = c.insertText;
      item.range = range;
      item.detail = c.detail;
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      return item;
    });
  }
}

class ProvisioningFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly linter: PayloadLinter) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const state = this.linter.stateOf(doc);
    if (!state?.provisioning) return [];
    const actions: vscode.CodeAction[] = [];
    for (const p of state.problems) {
      const pRange = rangeOf(doc, p.offset, p.length);
      if (!pRange.intersection(range)) continue;
      for (const fix of p.fixes ?? []) actions.push(this.action(doc, fix, context.diagnostics.filter((d) => d.range.isEqual(pRange))));
    }
    return actions;
  }

  private action(doc: vscode.TextDocument, fix: Fix, diagnostics: vscode.Diagnostic[]): vscode.CodeAction {
    const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    a.edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) a.edit.replace(doc.uri, rangeOf(doc, e.offset, e.length), e.newText);
    a.diagnostics = diagnostics;
    a.isPreferred = true;
    return a;
  }
}

/**
 * "Evaluate <target>" above each attribute mapping. No onDidChangeCodeLenses: VS Code asks again when the text
 * changes, and stateOf() checks the document then; re-announcing lenses on every lint made a click land on a
 * lens VS Code had already replaced ("Actual command not found").
 */
class MappingLenses implements vscode.CodeLensProvider {
  constructor(private readonly linter: PayloadLinter) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.linter.stateOf(doc)?.provisioning) return [];
    return mappingLocations(doc.getText()).map((m) => {
      const at = doc.positionAt(m.offset);
      return new vscode.CodeLens(new vscode.Range(at, at), {
        title: `$(play) Evaluate ${m.targetAttributeName}`,
        tooltip: `Evaluate this ${m.type} mapping for a sample ${m.sourceObjectName}`,
        command: 'scimWorkbench.entra.evaluateExpression',
        arguments: [doc.uri, m.path],
      });
    });
  }

}

/** Writes MURAL Identity's default configuration into the workspace (never over an existing file) and opens it. */
export async function newConfiguration(): Promise<vscode.Uri | undefined> {
  const folder = await targetFolder('Workspace folder for the provisioning configuration');
  if (!folder) {
    void vscode.window.showWarningMessage('A provisioning configuration belongs to a workspace folder: open a folder first (File: Open Folder…).');
    return undefined;
  }
  let uri = vscode.Uri.joinPath(folder.uri, DEFAULT_FILE);
  for (let n = 2; await exists(uri); n++) uri = vscode.Uri.joinPath(folder.uri, DEFAULT_FILE.replace('.provisioning.json', `-${n}.provisioning.json`));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(muralDefaultConfigurationText(), 'utf8'));
  await vscode.window.showTextDocument(uri);
  return uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

interface SourceChoice extends vscode.QuickPickItem {
  readonly source?: Readonly<Record<string, unknown>>;
}

/** A sample source object: a user of an Entra directory file in the workspace, or JSON the user types. */
async function pickSource(remembered: { last?: Readonly<Record<string, unknown>> }): Promise<Readonly<Record<string, unknown>> | undefined> {
  const items: SourceChoice[] = [];
  if (remembered.last) items.push({ label: 'The last source object', description: JSON.stringify(remembered.last).slice(0, 80), source: remembered.last });
  for (const uri of await vscode.workspace.findFiles('**/*entra-directory.json', '**/node_modules/**', 20)) {
    try {
      const directory = parseDirectory(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'), vscode.workspace.asRelativePath(uri));
      for (const user of directory.users.slice(0, 200)) {
        items.push({ label: user.userPrincipalName, description: vscode.workspace.asRelativePath(uri), detail: user.location, source: userSource(user, baseSoftDeleted(directory, user)) });
      }
    } catch {
      // A broken directory file has its own diagnostics; it just offers no users here.
    }
  }
  items.push({ label: TYPE_JSON });
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Source object to evaluate the mapping for', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.source) return picked.source;
  const typed = await vscode.window.showInputBox({
    prompt: 'The source object: Entra attributes as JSON (booleans read as "True"/"False", arrays as multi-valued)',
    value: JSON.stringify(remembered.last ?? { userPrincipalName: 'Ada.Lovelace@contoso.com', mail: 'ada.lovelace@contoso.com', givenName: 'Ada', surname: 'Lovelace', mailNickname: 'ada', IsSoftDeleted: false }),
    validateInput: (v) => {
      try {
        const x: unknown = JSON.parse(v);
        return typeof x === 'object' && x !== null && !Array.isArray(x) ? undefined : 'A JSON object of attributes, e.g. {"userPrincipalName":"Ada@Contoso.com"}';
      } catch (e) {
        return `Not JSON: ${(e as Error).message}`;
      }
    },
  });
  return typed === undefined ? undefined : JSON.parse(typed) as Record<string, unknown>;
}

function describeOutcome(target: string, outcome: EvaluationResult['outcome'], fromDefault: boolean, expression: string): string {
  switch (outcome.flow) {
    case 'value': return `${target} ← ${typeof outcome.value === 'string' ? JSON.stringify(outcome.value) : JSON.stringify(outcome.value)}${fromDefault ? ' (the default value: the source gave null)' : ''}${outcome.redacted ? ' — shown as [Redact] in provisioning logs' : ''}`;
    case 'none': return `${target}: no value — the expression gives null, so the attribute does not flow (a default value applies on create only).`;
    case 'ignoreAttribute': return `${target} is left out of the request (IgnoreFlowIfNullOrEmpty / IgnoreAttributeFlow).`;
    case 'ignoreObject': return `${target}: IgnoreObjectFlow — the object is not provisioned.`;
    case 'notApplied': return `${target} applies only when the object is created.`;
    case 'error': return `${target}: ${outcome.error.message} (at offset ${outcome.error.offset} of ${expression})`;
  }
}

/**
 * Evaluate Mapping Expression…: from a CodeLens (document and mapping path), for the expression under the cursor
 * in a provisioning file, or for one the user types. Tests pass the source object as the third argument.
 */
async function evaluateCommand(remembered: { last?: Readonly<Record<string, unknown>> }, uri?: vscode.Uri, path?: JsonPath, given?: Record<string, unknown>): Promise<EvaluationResult | undefined> {
  let expression: string | undefined;
  let target = 'Result';
  let run: (source: Readonly<Record<string, unknown>>) => { outcome: EvaluationResult['outcome']; fromDefault: boolean };
  if (uri && path) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const m = mappingAt(doc.getText(), path);
    if (!m) throw new Error('That mapping is no longer in the file; save and try again from its CodeLens.');
    target = m.targetAttributeName;
    expression = m.source?.text ?? '(none)';
    run = (source) => {
      const r = evaluateAttributeMapping(m, source, { create: true });
      return { outcome: r.outcome, fromDefault: r.fromDefault };
    };
  } else {
    expression = await vscode.window.showInputBox({ prompt: 'An Entra attribute-mapping expression', value: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', ignoreFocusOut: true });
    if (expression === undefined) return undefined;
    const parsed = parseExpression(expression);
    if (!parsed.ok) {
      const message = `The expression does not parse: ${parsed.error.message}`;
      void vscode.window.showErrorMessage(message);
      return { expression, source: {}, outcome: { flow: 'error', error: parsed.error }, fromDefault: false, message };
    }
    const expr = parsed.expr;
    run = (source) => ({ outcome: evaluate(expr, source), fromDefault: false });
  }
  const source = given ?? await pickSource(remembered);
  if (!source) return undefined;
  remembered.last = source;
  const { outcome, fromDefault } = run(source);
  const message = describeOutcome(target, outcome, fromDefault, expression);
  if (outcome.flow === 'error') void vscode.window.showErrorMessage(message);
  else void vscode.window.showInformationMessage(message);
  return { expression, source, outcome, fromDefault, message };
}

export function registerProvisioningConfigurations(context: vscode.ExtensionContext, commands: Commands, linter: PayloadLinter): void {
  const remembered: { last?: Readonly<Record<string, unknown>> } = {};
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(SELECTOR, new ProvisioningHover(linter)),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new ProvisioningCompletion(linter), '[', '"'),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ProvisioningFixes(linter), ProvisioningFixes.metadata),
    vscode.languages.registerCodeLensProvider(SELECTOR, new MappingLenses(linter)),
  );
  commands.register('scimWorkbench.entra.newConfiguration', () => newConfiguration());
  commands.register('scimWorkbench.entra.evaluateExpression', (uri?: unknown, path?: unknown, source?: unknown) => evaluateCommand(
    remembered,
    uri instanceof vscode.Uri ? uri : undefined,
    Array.isArray(path) ? path as JsonPath : undefined,
    typeof source === 'object' && source !== null && !Array.isArray(source) ? source as Record<string, unknown> : undefined,
  ));
}
