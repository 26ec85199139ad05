// A provisioning log entry as the Entra portal's "Provisioning log details" shows it — Steps, Troubleshooting &
// Recommendations, Modified Properties, Summary (https://learn.microsoft.com/entra/identity/monitoring-health/concept-provisioning-logs)
// — as Markdown for VS Code's preview, plus the HTTP exchanges the entry caused. Also the Provision on Demand
// result (the same steps, for the few entries of one object). No vscode import: plain text in, text out.
import { fence, prettyJson } from '../../client/text';
import type { Exchange } from '../../client/entraCheck/types';
import type { CycleSummary } from '../../entra/engine/cycle';
import type { ProvisioningLogEntry, ProvisioningStep } from '../../entra/engine/log';
import { counted } from '../../scim/text';

export const ACTION_LABEL: Readonly<Record<ProvisioningLogEntry['provisioningAction'], string>> = {
  create: 'Create', update: 'Update', delete: 'Delete', disable: 'Disable', stagedDelete: 'StagedDelete', other: 'Other',
};
export const STATUS_LABEL: Readonly<Record<ProvisioningLogEntry['provisioningStatusInfo']['status'], string>> = {
  success: 'Success', failure: 'Failure', skipped: 'Skipped', warning: 'Warning',
};

/** The portal's step titles, by step type (its on-demand view: Import user, Determine if user is in scope, …). */
function stepTitle(step: ProvisioningStep, kind: string): string {
  const k = kind.toLowerCase();
  switch (step.provisioningStepType) {
    case 'import': return `Import ${k}`;
    case 'scoping': return `Determine if ${k} is in scope`;
    case 'matching': return `Match ${k} between source and target system`;
    case 'referenceResolution': return 'Resolve group members';
    case 'processing':
    case 'export': return 'Perform action';
  }
}

/** Text for a table cell: pipes escaped, line breaks as <br>, HTML neutralised. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>') || ' ';
}

/** A body as the preview shows it: JSON pretty-printed, anything else as is; long bodies cut. */
const BODY_SHOWN = 4000;
function body(text: string | undefined, truncated?: boolean): string {
  if (!text) return '_(no body)_';
  const pretty = prettyJson(text);
  const json = pretty !== text || /^\s*[[{]/.test(text);
  const cut = pretty.length > BODY_SHOWN;
  const note = cut ? '\n\n_(cut here: Export Entra Provisioning Logs… has the whole body)_' : truncated ? '\n\n_(the body was longer: only its beginning was recorded)_' : '';
  return `${fence(json ? 'json' : '', cut ? `${pretty.slice(0, BODY_SHOWN)}\n…` : pretty)}${note}`;
}

function exchangeSection(x: Exchange, i: number): string {
  const outcome = x.response ? `→ ${x.response.status} ${x.response.statusText} (${Math.round(x.response.durationMs)} ms)` : x.error ? `→ no answer: ${x.error.message}` : '→ not sent (dry run)';
  const lines = [`### ${i + 1}. \`${x.request.method} ${x.request.url}\` ${outcome}`];
  if (x.request.body) lines.push('', '**Request**', '', body(x.request.body));
  if (x.response) lines.push('', `**Response ${x.response.status}**`, '', body(x.response.body, x.response.bodyTruncated));
  return lines.join('\n');
}

/** One entry, rendered. `exchangesNote` says where to find the requests when the entry kept none. */
export function entryMarkdown(e: ProvisioningLogEntry, exchangesNote?: string): string {
  const status = e.provisioningStatusInfo;
  const kind = e.sourceIdentity.identityType;
  const error = status.errorInformation;
  const out: string[] = [];
  out.push(`# ${kind} '${e.sourceIdentity.displayName}': ${ACTION_LABEL[e.provisioningAction]} · ${STATUS_LABEL[status.status]}`);
  if (e.dryRun) out.push('', '> Dry run: the writes were decided but not sent.');
  out.push('', '## Steps', '');
  e.provisioningSteps.forEach((s, i) => {
    out.push(`### ${i + 1}. ${stepTitle(s, kind)}: ${STATUS_LABEL[s.status]}`, '', s.description, '');
    const details = Object.entries(s.details);
    if (details.length) {
      out.push('| Detail | Value |', '|---|---|', ...details.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`), '');
    }
  });
  if (error && status.status !== 'success') {
    out.push('## Troubleshooting & Recommendations', '', `**Error code:** \`${error.errorCode}\``, '', `**Reason:** ${error.reason}`);
    if (error.additionalDetails) out.push('', `**Additional details:** ${error.additionalDetails}`);
    if (error.recommendedAction) out.push('', `**Recommended action:** ${error.recommendedAction}`);
    out.push('');
  }
  out.push('## Modified Properties', '');
  if (e.modifiedProperties.length) {
    out.push('| Property | Old value | New value |', '|---|---|---|', ...e.modifiedProperties.map((p) => `| ${cell(p.displayName)} | ${cell(p.oldValue ?? '')} | ${cell(p.newValue ?? '')} |`));
  } else {
    out.push('_None._');
  }
  out.push('', '## Summary', '', '| | |', '|---|---|',
    `| Date (simulated) | ${e.activityDateTime} |`,
    `| Action | ${ACTION_LABEL[e.provisioningAction]} |`,
    `| Status | ${STATUS_LABEL[status.status]} |`,
    `| Source system | ${cell(e.sourceSystem.displayName)} |`,
    `| Source identity | ${cell(e.sourceIdentity.displayName)} (\`${e.sourceIdentity.id}\`) |`,
    `| Target system | ${cell(e.targetSystem.displayName)} |`,
    `| Target identity | ${e.targetIdentity.id ? `\`${e.targetIdentity.id}\`` : '—'} |`,
    `| Job ID | \`${e.jobId}\` |`,
    `| Cycle ID | \`${e.cycleId}\` |`,
    `| Change ID | \`${e.changeId}\` |`,
    `| Duration | ${e.durationInMilliseconds} ms |`,
    '');
  out.push(`## HTTP exchanges (${e.exchanges.length})`, '');
  if (e.exchanges.length) out.push(e.exchanges.map(exchangeSection).join('\n\n'));
  else out.push(`_${exchangesNote ?? 'This entry sent no request.'}_`);
  return `${out.join('\n')}\n`;
}

/** Provision on Demand's answer: the cycle line and each entry of the object (a group's members first). */
export function onDemandMarkdown(label: string, cycle: CycleSummary, entries: readonly ProvisioningLogEntry[]): string {
  const head = [`# Provision on demand: ${label}`, '', `${counted(entries.length, 'log entry', 'log entries')}, ${counted(cycle.stats.requests, 'request')}. The job's cycles and schedule are unchanged.`];
  if (cycle.stopped) head.push('', `> Stopped: ${cycle.stopped}`);
  // Each entry's headings one level down, under a heading of its own.
  const parts = entries.map((e) => entryMarkdown(e).replace(/^(#+) /gm, '#$1 '));
  return `${[...head, '', ...parts].join('\n')}`;
}
