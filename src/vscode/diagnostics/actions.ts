// Code actions for payload diagnostics: the validator's fixes as WorkspaceEdits (preferred when a problem has
// exactly one), "fix all" of one rule in a file, a source.fixAll of every unambiguous fix, and help where
// nothing can be fixed automatically (digits in a name are data: the action explains MURAL's rule instead).
// Help changes nothing, so it does not light the lightbulb: VS Code asks with CodeActionTriggerKind.Automatic
// to decide whether to show the bulb, and help is returned only when the user asks (Invoke: Ctrl+., the
// bulb of a real fix, Quick Fix… in a hover or the Problems view).
import * as vscode from 'vscode';
import { RULES, type Fix, type Problem, type RuleCode } from '../../validation';
import { MAPPING_RULES, SOURCE } from './convert';
import { fixAll, onlyFix, spanEdit, type FixChooser } from '../../validation/fixAll';
import { rangeOf } from '../ranges';
import type { PayloadLinter } from './linter';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('scimWorkbench');

/** Titles of the help action of rules without an automatic fix, where a generic one would say too little. */
const LEARN_TITLES: Partial<Record<RuleCode, string>> = {
  SCIM022: 'Learn about MURAL\'s name rule',
  SCIM020: 'Learn about the attributes MURAL requires',
  SCIM024: 'Learn which attributes MURAL maps',
};

export class PayloadCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  private readonly unresolved = new WeakMap<vscode.CodeAction, { doc: vscode.TextDocument; version: number; choose: FixChooser }>();

  constructor(private readonly linter: PayloadLinter) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!this.linter.acts(doc)) return [];
    const state = this.linter.stateOf(doc);
    if (!state?.payload) return [];
    const only = context.only;
    if (only && FIX_ALL_KIND.intersects(only) && !vscode.CodeActionKind.QuickFix.intersects(only)) {
      return state.problems.some((p) => onlyFix(p)) ? [this.fixAllAction(doc, 'Fix all SCIM payload problems that have one obvious fix', FIX_ALL_KIND, onlyFix)] : [];
    }
    if (only && !vscode.CodeActionKind.QuickFix.intersects(only)) return [];
    const actions: vscode.CodeAction[] = [];
    const helped = new Set<RuleCode>();
    const fixAllDone = new Set<RuleCode>();
    for (const p of state.problems) {
      const pRange = rangeOf(doc, p.offset, p.length);
      if (!pRange.intersection(range)) continue;
      const diagnostic = matchingDiagnostic(context.diagnostics, p, pRange);
      for (const fix of p.fixes ?? []) actions.push(this.fixAction(doc, fix, diagnostic, p.fixes?.length === 1));
      if (p.fixes?.length === 1 && !fixAllDone.has(p.code) && state.problems.filter((q) => q.code === p.code && onlyFix(q)).length > 1) {
        fixAllDone.add(p.code);
        actions.push(this.fixAllAction(doc, `Fix all "${RULES[p.code].title}" problems in this file (${p.code})`, vscode.CodeActionKind.QuickFix,
          (q) => (q.code === p.code ? onlyFix(q) : undefined)));
      }
      if (context.triggerKind === vscode.CodeActionTriggerKind.Invoke && (p.fixes?.length ?? 0) === 0 && !helped.has(p.code)) {
        helped.add(p.code);
        const learn = new vscode.CodeAction(LEARN_TITLES[p.code] ?? `Learn about ${p.code}: ${RULES[p.code].title}`, vscode.CodeActionKind.QuickFix);
        learn.command = { command: 'scimWorkbench.diagnostics.openRuleDocs', title: learn.title, arguments: [p.code] };
        learn.diagnostics = [diagnostic];
        actions.push(learn);
        if (MAPPING_RULES.has(p.code) && state.mapping.source !== 'untrusted' && this.linter.folderOf(doc)) {
          const open = new vscode.CodeAction(state.mapping.source === 'default' ? 'Customise the attribute mapping for this workspace' : 'Open the attribute mapping', vscode.CodeActionKind.QuickFix);
          open.command = { command: 'scimWorkbench.diagnostics.createMappingFile', title: open.title };
          open.diagnostics = [diagnostic];
          actions.push(open);
        }
      }
    }
    return actions;
  }

  private fixAction(doc: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic, preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(doc.uri, rangeOf(doc, e.offset, e.length), e.newText);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    return action;
  }

  /** A fix-all action; its edit, which validates the text once per round, is computed only when it is chosen. */
  private fixAllAction(doc: vscode.TextDocument, title: string, kind: vscode.CodeActionKind, choose: FixChooser): vscode.CodeAction {
    const action = new vscode.CodeAction(title, kind);
    this.unresolved.set(action, { doc, version: doc.version, choose });
    return action;
  }

  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    const pending = this.unresolved.get(action);
    if (!pending || pending.doc.isClosed || pending.doc.version !== pending.version) return action;
    const before = pending.doc.getText();
    const e = spanEdit(before, fixAll(before, this.linter.tableFor(pending.doc), pending.choose).text);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(pending.doc.uri, rangeOf(pending.doc, e.offset, e.length), e.newText);
    return action;
  }
}

/** The diagnostic VS Code passed for a problem, or an equal one (code actions are asked for by range too). */
function matchingDiagnostic(diagnostics: readonly vscode.Diagnostic[], p: Problem, range: vscode.Range): vscode.Diagnostic {
  const found = diagnostics.find((d) => d.source === SOURCE && codeOf(d) === p.code && d.range.isEqual(range));
  if (found) return found;
  const d = new vscode.Diagnostic(range, p.message);
  d.source = SOURCE;
  d.code = p.code;
  return d;
}

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}
