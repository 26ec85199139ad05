// Provisioning log entries shaped like Microsoft Graph's provisioningObjectSummary
// (https://learn.microsoft.com/graph/api/resources/provisioningobjectsummary), with Entra's step names,
// descriptions, skip reasons and error codes (docs/provisioning-engine.md), and the HTTP exchanges each entry caused. Where Entra's wording is not documented the text is ours and says the same plainly.
import type { Exchange } from '../../client/entraCheck/types';

export type ProvisioningAction = 'create' | 'update' | 'delete' | 'disable' | 'stagedDelete' | 'other';
export type EntryStatus = 'success' | 'failure' | 'skipped' | 'warning';
export type StepType = 'import' | 'scoping' | 'matching' | 'processing' | 'referenceResolution' | 'export';

export interface ProvisioningStep {
  readonly name: string;
  readonly provisioningStepType: StepType;
  readonly status: EntryStatus;
  readonly description: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface ModifiedProperty {
  readonly displayName: string;
  readonly oldValue: string | null;
  readonly newValue: string | null;
}

export interface Identity {
  readonly id: string;
  readonly displayName: string;
  readonly identityType: 'User' | 'Group';
  readonly details: Readonly<Record<string, string>>;
}

export interface ErrorInformation {
  readonly errorCode: string;
  readonly reason: string;
  readonly additionalDetails?: string;
  readonly errorCategory: 'failure' | 'nonServiceFailure' | 'success';
  readonly recommendedAction?: string;
}

export interface ProvisioningLogEntry {
  readonly id: string;
  readonly activityDateTime: string;
  readonly jobId: string;
  readonly cycleId: string;
  readonly changeId: string;
  readonly provisioningAction: ProvisioningAction;
  readonly durationInMilliseconds: number;
  readonly initiatedBy: { readonly initiatorType: 'system'; readonly displayName: string };
  readonly sourceSystem: { readonly displayName: string };
  readonly targetSystem: { readonly displayName: string };
  readonly sourceIdentity: Identity;
  readonly targetIdentity: Identity;
  readonly modifiedProperties: readonly ModifiedProperty[];
  readonly provisioningSteps: readonly ProvisioningStep[];
  readonly provisioningStatusInfo: { readonly status: EntryStatus; readonly errorInformation?: ErrorInformation };
  /** Not Graph's: the requests this entry caused, as sent (redacted) and answered. */
  readonly exchanges: readonly Exchange[];
  /** Not Graph's: the requests were planned but not sent (--dry-run). */
  readonly dryRun?: true;
}

export const SOURCE_SYSTEM = 'Azure Active Directory';
export const INITIATED_BY = { initiatorType: 'system', displayName: 'Azure AD Provisioning Service' } as const;

/** Skip reasons and their texts. */
export const REDUNDANT_EXPORT = 'RedundantExport';
export const NOT_EFFECTIVELY_ENTITLED = 'NotEffectivelyEntitled';

export function redundantText(kind: 'User' | 'Group', name: string): string {
  return `The state of the ${kind.toLowerCase()} in both the source and target systems already match. No change to the ${kind} '${name}' currently needs to be made.`;
}

/** Why an object is not effectively entitled, in the numbered form Entra's NotEffectivelyEntitled text uses. */
export function notEntitledText(kind: 'User' | 'Group', id: string, reasons: readonly string[]): string {
  return `The ${kind} '${id}' will be skipped due to the following reasons: ${reasons.map((r, i) => `${i + 1}) ${r}`).join(' ')}`;
}

export const NOT_ASSIGNED = 'This object is not assigned to the application. If you did not expect the object to be skipped, assign the object to the application or change your scoping filter to allow all users and groups to be in scope for provisioning.';
export const FAILED_SCOPING = 'This object did not pass a scoping filter. If you did not expect the object to be skipped, please review your scoping filters and ensure that the object passes your specified scoping criteria.';
export const NOT_ACTIVE = 'This object is disabled in Microsoft Entra ID (accountEnabled is false). Provisioning a user that is disabled in Microsoft Entra ID is not supported: enable it first.';
export const SOFT_DELETED = 'This object is deleted in Microsoft Entra ID (in the recycle bin). Restore it to provision it.';

/** An HTTP answer (or its absence) turned into Entra's error code, category and retry text. */
export function errorFor(appName: string, status: number | undefined, networkKind: string | undefined, detail: string | undefined, what: string): ErrorInformation {
  const said = detail ? ` The response was: ${detail}` : '';
  const returned = (code: number) => `Message: ${appName} returned an error response with the HTTP status code ${code}.`;
  if (status === undefined) {
    const timeout = networkKind === 'timeout';
    return {
      errorCode: timeout ? 'Timeout' : 'WebExceptionProtocolError',
      reason: timeout ? `${what}: ${appName} did not answer in time. It will be automatically retried in 40 minutes.` : `${what}: an HTTP protocol error occurred while connecting to ${appName}${detail ? ` (${detail})` : ''}. It will be automatically retried in 40 minutes.`,
      errorCategory: 'nonServiceFailure',
      recommendedAction: 'Check that the tenant URL is reachable and answers within the timeout.',
    };
  }
  const table: Record<number, [string, string]> = {
    400: ['SystemForCrossDomainIdentityManagementBadRequest', 'The request was rejected as invalid; Entra retries it every cycle until the source data or the mapping changes.'],
    401: ['Unauthorized', 'The secret token was refused; every call fails the same way.'],
    403: ['InsufficientRights', 'The token is not allowed to do this.'],
    404: ['InvalidAnchor', 'The object Entra linked to no longer exists in the target. Restart provisioning to match it again.'],
    405: ['MethodNotAllowed', 'The target does not allow this operation.'],
    409: [`${appName.replace(/\W+/g, '')}EntryConflict`, 'This response indicates that a user or a group already exists with the same name.'],
    422: ['UnprocessableEntity', 'The target could not process the request.'],
    429: ['TooManyRequests', 'The target is throttling requests. It will be automatically retried.'],
    501: ['NotImplemented', 'The target does not implement this operation.'],
  };
  const [code, meaning] = table[status] ?? (status >= 500 ? ['InternalServerError', 'It will be automatically retried in 40 minutes.'] : ['UnexpectedResponse', 'The answer was not what Entra expects.']);
  return {
    errorCode: code,
    reason: `${returned(status)} ${meaning}${said}`,
    errorCategory: status >= 500 || status === 429 ? 'nonServiceFailure' : 'failure',
  };
}

/** A 2xx answer whose body Entra cannot read. */
export function incompatible(appName: string, what: string): ErrorInformation {
  return {
    errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
    reason: `${what}: the response from ${appName} could not be parsed as Entra expects it.`,
    errorCategory: 'failure',
  };
}

/** Renders a value for modifiedProperties and step details as Entra's logs show it. */
export function shown(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(',')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
