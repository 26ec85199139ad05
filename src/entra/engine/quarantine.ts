// Quarantine, as https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status describes it: refused credentials quarantine at once; escrowed
// failures are judged against Entra's thresholds (from 5,000 failures: more than 40 % of the events, or more
// than 40,000, reference failures excluded; 60,000 in all); a cycle over the accidental-deletion threshold
// quarantines with TooManyDeletes. A quarantined job retries 6 h after the first failure, then 12 h, 24 h and
// every 24 h after it; after 28 days it is disabled. Any successful export in a retry lifts the quarantine.

import { counted } from '../../scim/text';

export type QuarantineReason =
  | 'EncounteredQuarantineException'
  | 'EncounteredEscrowProportionThreshold'
  | 'EncounteredTotalEscrowThreshold'
  | 'TooManyDeletes';

/** Graph's synchronizationQuarantine, in the state. */
export interface Quarantine {
  readonly reason: QuarantineReason;
  /** What happened, in words. */
  readonly error: string;
  /** Simulated time of the first quarantined cycle of the series. */
  readonly seriesBegan: string;
  /** Quarantined cycles in the series so far. */
  readonly seriesCount: number;
  readonly currentBegan: string;
  readonly nextAttempt: string;
}

export interface QuarantineThresholds {
  /** Failures before the proportion and total rules apply (Entra: 5,000). */
  readonly base: number;
  /** Share of failed events (Entra: 0.4). */
  readonly proportion: number;
  /** Failures, reference failures excluded (Entra: 40,000). */
  readonly total: number;
  /** Failures, reference failures included (Entra: 60,000). */
  readonly absolute: number;
  /**
   * Successive cycles in which every export failed ("when most or all calls to the target consistently fail").
   * Entra does not publish a number; 2 is our choice.
   */
  readonly completeFailures: number;
}

export const ENTRA_THRESHOLDS: QuarantineThresholds = { base: 5000, proportion: 0.4, total: 40_000, absolute: 60_000, completeFailures: 2 };

const HOUR = 3600_000;
/** After this long in quarantine the job is disabled. */
export const DISABLE_AFTER_MS = 28 * 24 * HOUR;

/** When the next attempt is due: 6 h after the series began, then 12 h, 24 h, and every 24 h after that. */
export function nextAttempt(seriesBegan: number, seriesCount: number): number {
  const offsets = [6 * HOUR, 12 * HOUR, 24 * HOUR];
  const offset = seriesCount <= offsets.length ? offsets[seriesCount - 1] : 24 * HOUR * (seriesCount - 2);
  return seriesBegan + offset;
}

export interface CycleOutcome {
  /** Objects (users and groups) that failed, reference failures excluded. */
  readonly failed: number;
  /** Memberships that failed to resolve or export. */
  readonly referenceFailed: number;
  /** Objects processed, successes, skips and failures. */
  readonly events: number;
  /** Exports (creates, updates, disables, deletes, membership changes) that succeeded. */
  readonly exported: number;
  /** The endpoint refused the credentials. */
  readonly credentialsRefused: boolean;
  /** The cycle held deletions over the accidental-deletion threshold. */
  readonly tooManyDeletes?: number;
}

/** The quarantine reason this cycle earns, if any, and why in words. */
export function judge(o: CycleOutcome, successiveCompleteFailures: number, t: QuarantineThresholds): { reason: QuarantineReason; error: string } | undefined {
  if (o.credentialsRefused) return { reason: 'EncounteredQuarantineException', error: 'The target refused the credentials (401): every call would fail the same way.' };
  if (o.tooManyDeletes !== undefined) {
    return { reason: 'TooManyDeletes', error: `The cycle would have disabled or deleted ${counted(o.tooManyDeletes, 'object')}, more than the accidental-deletion threshold: they are staged until the deletions are allowed.` };
  }
  if (o.failed + o.referenceFailed > t.absolute) {
    return { reason: 'EncounteredTotalEscrowThreshold', error: `${o.failed + o.referenceFailed} failures (reference failures included) exceed ${t.absolute}.` };
  }
  if (o.failed >= t.base) {
    if (o.failed > t.total) return { reason: 'EncounteredTotalEscrowThreshold', error: `${o.failed} failures exceed ${t.total}.` };
    if (o.events > 0 && o.failed / o.events > t.proportion) {
      return { reason: 'EncounteredEscrowProportionThreshold', error: `${o.failed} of ${o.events} events failed (${Math.round((o.failed / o.events) * 100)} %, more than ${Math.round(t.proportion * 100)} %).` };
    }
  }
  if (successiveCompleteFailures >= t.completeFailures) {
    return { reason: 'EncounteredQuarantineException', error: `Every call to the target failed in ${successiveCompleteFailures} cycles in a row.` };
  }
  return undefined;
}

/** "6 h", "1 d 12 h": a simulated wait for messages. */
export function waitText(ms: number): string {
  const hours = Math.round(ms / HOUR);
  if (hours < 24) return `${Math.max(hours, 0)} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
