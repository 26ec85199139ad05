// A validator Problem as a vscode.Diagnostic: range from offsets, severity, code linked to the rule's docs,
// tags and related information.
import * as vscode from 'vscode';
import { RULES, type Problem, type RuleCode, type Severity } from '../../validation';
import { vscodeValidatesJson } from '../config';
import { rangeOf, type Positions } from '../ranges';
import type { MappingInfo } from './mappings';
import type { RuleDocs } from './ruleDocs';

export const SOURCE = 'SCIM Workbench';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Rules about what the receiver ignores: the text is drawn faded, as VS Code does for unused code. */
const UNNECESSARY: ReadonlySet<RuleCode> = new Set<RuleCode>(['SCIM024', 'SCIM025', 'SCIM026']);

/** Rules that come from the mapping table: with a workspace mapping, they point to it. */
export const MAPPING_RULES: ReadonlySet<RuleCode> = new Set<RuleCode>(['SCIM020', 'SCIM022', 'SCIM023', 'SCIM024', 'SCIM072']);

/**
 * What an open document shows: VS Code's JSON language service already reports a json/jsonc document's syntax
 * errors (unless json.validate.enable is off), so ours (SCIM001 from the parser) are left out there, except one with a fix (a trailing comma), which
 * stays as a hint so its quick fix is offered without a second error in the Problems view.
 */
export function editorDiagnostics(problems: readonly Problem[], doc: vscode.TextDocument, docs: RuleDocs, mapping?: MappingInfo): vscode.Diagnostic[] {
  const json = (doc.languageId === 'json' || doc.languageId === 'jsonc') && vscodeValidatesJson(doc.uri);
  const out: vscode.Diagnostic[] = [];
  for (const p of problems) {
    const syntax = json && p.code === 'SCIM001' && p.length > 0;
    if (syntax && !p.fixes?.length) continue;
    const d = toDiagnostic(p, doc, docs, mapping);
    if (syntax) d.severity = vscode.DiagnosticSeverity.Hint;
    out.push(d);
  }
  return out;
}

export function toDiagnostic(p: Problem, text: Positions, docs: RuleDocs, mapping?: MappingInfo): vscode.Diagnostic {
  const d = new vscode.Diagnostic(rangeOf(text, p.offset, p.length), p.message, SEVERITY[p.severity]);
  d.source = SOURCE;
  d.code = { value: p.code, target: docs.target(p.code) };
  if (UNNECESSARY.has(p.code)) d.tags = [vscode.DiagnosticTag.Unnecessary];
  if (mapping?.source === 'workspace' && mapping.uri && MAPPING_RULES.has(p.code)) {
    d.relatedInformation = [new vscode.DiagnosticRelatedInformation(
      new vscode.Location(mapping.uri, new vscode.Position(0, 0)),
      `${RULES[p.code].title}: this rule follows the workspace's attribute mapping "${mapping.table.name}", not MURAL's default table.`,
    )];
  }
  return d;
}
