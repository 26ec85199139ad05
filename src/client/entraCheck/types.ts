// The Entra provisioning check's data: what each step sent and received, its verdict, and the report the
// formats render. Plain JSON values only, so a report can be written as JSON and read back.
import type { HttpClient, NetworkOptions } from '../http';
import type { HttpErrorKind } from '../httpError';

/** MURAL's documented rules on top of what Entra needs, or only what Entra needs from any SCIM endpoint. */
export type RuleSet = 'mural' | 'scim';

/** pass: Entra is served well; warn: works, but deviates from SCIM or is worth fixing; fail: Entra would fail; skip: not run. */
export type Verdict = 'pass' | 'fail' | 'warn' | 'skip';

export type StepId =
  | 'test-connection'
  | 'match-user'
  | 'create-user'
  | 'mural-lowercase'
  | 'rematch-user'
  | 'mural-filter-case'
  | 'mural-filter-support'
  | 'mural-digits'
  | 'update-user-legacy'
  | 'update-user-aadopt'
  | 'create-member-users'
  | 'match-group'
  | 'create-group'
  | 'add-members'
  | 'remove-member-legacy'
  | 'remove-member-filtered'
  | 'rename-group'
  | 'mural-last-admin'
  | 'deactivate-user'
  | 'verify-deactivated'
  | 'mural-workspace-loss'
  | 'reactivate-user'
  | 'mural-no-restore'
  | 'delete-user'
  | 'delete-group'
  | 'verify-deleted'
  | 'duplicate-user'
  | 'unknown-id'
  | 'content-type'
  | 'cleanup';

/** A request as it went out (redacted by the client: `Authorization: Bearer ***`). */
export interface ExchangeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ExchangeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The first BODY_LIMIT characters (redacted). */
  readonly body: string;
  readonly bodyTruncated?: boolean;
  readonly durationMs: number;
}

/** One request of a step and its answer, or the reason no answer came. */
export interface Exchange {
  readonly request: ExchangeRequest;
  readonly response?: ExchangeResponse;
  readonly error?: { readonly kind: HttpErrorKind; readonly message: string };
}

export interface CheckStep {
  readonly id: StepId;
  /** 1-based position in the run. */
  readonly index: number;
  readonly title: string;
  /** What Entra does that this step replays. */
  readonly entra: string;
  readonly exchanges: readonly Exchange[];
  readonly durationMs: number;
  readonly verdict: Verdict;
  /** What happened, one line (for a skip: why it did not run). */
  readonly summary: string;
  /** What Entra would do with that answer, and for a failure what to fix. */
  readonly explanation: string;
}

export interface CheckReport {
  /** The tenant URL, normalised and redacted (Entra's ?aadOptscim062020 flag kept). */
  readonly target: string;
  readonly rules: RuleSet;
  /** The tenant URL carries ?aadOptscim062020: Entra would send the RFC-compliant PATCH shapes. */
  readonly aadOptscim062020: boolean;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly steps: readonly CheckStep[];
  readonly passed: number;
  readonly failed: number;
  readonly warnings: number;
  readonly skipped: number;
  /** The run was cancelled; the steps not reached are skipped, the cleanup still ran. */
  readonly cancelled: boolean;
}

/** Reported before a step runs (no `result`) and after it (with it). */
export interface StepProgress {
  readonly index: number;
  readonly total: number;
  readonly id: StepId;
  readonly title: string;
  readonly result?: CheckStep;
}

export interface EntraCheckOptions {
  /** Default 'mural'. */
  readonly rules?: RuleSet;
  /** The one client for the whole run (reused connections, the caller's network settings); else one is made from `network` and closed. */
  readonly client?: HttpClient;
  readonly network?: NetworkOptions;
  /** Stops the run: the steps not reached are skipped and the cleanup still runs. */
  readonly signal?: AbortSignal;
  /** Called before and after each step. An exception thrown here ends the run (after the cleanup) with that exception. */
  readonly onStep?: (progress: StepProgress) => void;
  /** Per request. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Domain of the test users' emails. Default example.com (reserved by RFC 2606, so no real mailbox). */
  readonly emailDomain?: string;
  /**
   * Makes a user an admin of a workspace (group), or no longer one, by the endpoint's own means: MURAL sets admins in its
   * app, not through SCIM (the extension passes the mock's, in process). Without it the last-admin step is skipped.
   */
  readonly workspaceAdmin?: (groupId: string, userId: string, admin: boolean) => Promise<void>;
  /** Lower-case letters that make this run's names unique; random by default. */
  readonly suffix?: string;
}
