// Provisioning runs as text (terminals: a line per log entry, the way the portal's log list reads), JSON
// (`{"cycles":[…],"entries":[…]}`, entries shaped like Graph's provisioningObjectSummary) and CSV (one row per
// entry, the columns of the portal's ProvisioningLogs download that Microsoft documents by name).
import type { CycleSummary, KindStats } from './cycle';
import type { ProvisioningLogEntry } from './log';
import { waitText } from './quarantine';
import { counted, formatCount } from '../../scim/text';

export type LogFormat = 'text' | 'json' | 'csv';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json', 'csv'];

export interface ProvisioningRun {
  readonly cycles: readonly CycleSummary[];
  readonly entries: readonly ProvisioningLogEntry[];
}

const ACTION: Record<ProvisioningLogEntry['provisioningAction'], string> = {
  create: 'Create', update: 'Update', delete: 'Delete', disable: 'Disable', stagedDelete: 'StagedDelete', other: 'Other',
};
const STATUS: Record<ProvisioningLogEntry['provisioningStatusInfo']['status'], string> = {
  success: 'Success', failure: 'Failure', skipped: 'Skipped', warning: 'Warning',
};

/** "3 created, 1 failed" (the counts that are not 0, in the order given), or "no change". */
export function outcomesText(counts: readonly (readonly [outcome: string, n: number])[]): string {
  const parts = counts.filter(([, n]) => n > 0).map(([w, n]) => `${formatCount(n)} ${w}`);
  return parts.length ? parts.join(', ') : 'no change';
}

function kindLine(name: string, s: KindStats): string {
  return `${name}: ${outcomesText([['created', s.create], ['updated', s.update], ['disabled', s.disable], ['deleted', s.delete], ['skipped', s.skipped], ['failed', s.failed]])}`;
}

/** One line for a cycle: its kind, simulated times and counts. */
export function cycleLine(c: CycleSummary): string {
  const m = c.stats.memberships;
  const members = m.updated + m.failed > 0
    ? `; memberships: ${counted(m.updated + m.failed, 'group')} (${formatCount(m.membersAdded)} added, ${formatCount(m.membersRemoved)} removed${m.failed ? `, ${formatCount(m.failed)} failed` : ''})`
    : '';
  return `${c.kind === 'initial' ? 'Initial cycle' : c.kind === 'incremental' ? 'Incremental cycle' : 'Provision on demand'} ${c.id}${c.dryRun ? ' (dry run: nothing written)' : ''}, ${c.started} → ${c.ended}: ` +
    `${kindLine('users', c.stats.users)}; ${kindLine('groups', c.stats.groups)}${members}` +
    `${c.stats.stagedDeletes ? `; ${counted(c.stats.stagedDeletes, 'deletion')} staged` : ''}; ${counted(c.stats.requests, 'request')}.` +
    (c.stopped ? ` Stopped: ${c.stopped}` : '');
}

/** What happens next: the next cycle's simulated time, or the quarantine and its next attempt. */
export function nextLine(c: CycleSummary): string {
  const wait = waitText(Date.parse(c.nextCycle) - Date.parse(c.ended));
  const q = c.quarantine;
  if (c.kind === 'onDemand') return `The job's schedule is unchanged: its next cycle is at ${c.nextCycle} (simulated).`;
  if (!q) return `Next cycle at ${c.nextCycle} (simulated; Entra runs a cycle about every 40 minutes).`;
  const allow = q.reason === 'TooManyDeletes' ? ' Allow the deletions (--allow-deletes) or fix the directory, then run the next cycle.' : '';
  return `Quarantined (${q.reason}): ${q.error}${allow} Next attempt at ${q.nextAttempt} (in ${wait}; attempt ${q.seriesCount} of the series begun ${q.seriesBegan}).`;
}

function entryLine(e: ProvisioningLogEntry): string {
  const status = e.provisioningStatusInfo;
  const head = `${ACTION[e.provisioningAction].padEnd(8)} ${STATUS[status.status].padEnd(8)} ${e.sourceIdentity.identityType.padEnd(5)} ${e.sourceIdentity.displayName}`;
  const target = e.targetIdentity.id ? ` → ${e.targetIdentity.id}` : '';
  const info = status.errorInformation;
  const why = info && status.status !== 'success' ? `\n    ${info.errorCode}: ${info.reason}` : '';
  const changes = e.modifiedProperties.length && status.status !== 'skipped'
    ? `\n    ${e.modifiedProperties.map((p) => `${p.displayName}: ${p.oldValue ?? '(none)'} → ${p.newValue ?? '(none)'}`).join('; ')}`
    : '';
  const requests = e.exchanges.map((x) => `\n    ${x.request.method} ${x.request.url}${x.response ? ` → ${x.response.status}` : x.error ? ` → ${x.error.message}` : ' (not sent)'}`).join('');
  return `${head}${target}${why}${changes}${requests}`;
}

/**
 * Writes a run's log in text or CSV as its entries come, so a large cycle's entries need not be held: in text,
 * each cycle's entries, then its summary line and what happens next; in CSV, a header and a row per entry.
 */
export class LogWriter {
  constructor(private readonly format: 'text' | 'csv', private readonly write: (s: string) => void) {
    if (format === 'csv') write(`${CSV_COLUMNS.join(',')}\r\n`);
  }

  entry(e: ProvisioningLogEntry): void {
    this.write(this.format === 'csv' ? `${csvRow(e)}\r\n` : `${entryLine(e)}\n`);
  }

  cycle(c: CycleSummary): void {
    if (this.format === 'text') this.write(`${cycleLine(c)}\n${nextLine(c)}\n`);
  }
}

export function formatJson(run: ProvisioningRun): string {
  return `${JSON.stringify({ cycles: run.cycles, entries: run.entries }, null, 2)}\n`;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const CSV_COLUMNS = [
  'Date (UTC)', 'Cycle ID', 'Change ID', 'Job ID', 'Action', 'Status', 'Identity type', 'Source ID', 'Display name',
  'Target ID', 'Error code', 'Reason', 'Modified properties', 'Duration (ms)',
] as const;

function csvRow(e: ProvisioningLogEntry): string {
  return [
    e.activityDateTime, e.cycleId, e.changeId, e.jobId, ACTION[e.provisioningAction], STATUS[e.provisioningStatusInfo.status],
    e.sourceIdentity.identityType, e.sourceIdentity.id, e.sourceIdentity.displayName, e.targetIdentity.id,
    e.provisioningStatusInfo.errorInformation?.errorCode ?? '', e.provisioningStatusInfo.errorInformation?.reason ?? '',
    e.modifiedProperties.map((p) => `${p.displayName}: ${p.oldValue ?? ''} -> ${p.newValue ?? ''}`).join('; '),
    String(e.durationInMilliseconds),
  ].map(csvCell).join(',');
}



/** An entry failed, a cycle stopped early or the job is quarantined: the run's exit code is 1. */
export function runFailed(cycles: readonly CycleSummary[]): boolean {
  return cycles.some((c) => c.stopped !== undefined || c.quarantine !== undefined || c.stats.users.failed + c.stats.groups.failed + c.stats.memberships.failed > 0);
}
