// What the steps of the Entra provisioning check share: one client sending to the tenant URL and recording
// every exchange (redacted by the client), the verdict helpers, and readers for SCIM answers that say exactly
// what is wrong with an answer when it is not what Entra expects.
import { HttpClient, SCIM_ACCEPT, SCIM_CONTENT_TYPE, WORKBENCH_HEADER, type Connection, type HttpResponse } from '../http';
import { HttpError } from '../httpError';
import { redact, redactUrl, secretsOf } from '../redact';
import { scimErrorInfo } from '../scim';
import { resourceUrl, type TenantUrl } from '../tenantUrl';
import { URN } from '../../scim/schemas';
import { isObject, type JsonObject } from '../../scim/values';
import type { Exchange, Verdict } from './types';

/** Marks the check's requests, so the mock's log (and the endpoint's) can tell them from Entra's. */
const TAG = { [WORKBENCH_HEADER]: 'entra-check' };

/** Characters of each response body kept in the report. */
export const BODY_LIMIT = 32 * 1024;

export interface Outcome {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly explanation: string;
}

export const pass = (summary: string, explanation: string): Outcome => ({ verdict: 'pass', summary, explanation });
export const warn = (summary: string, explanation: string): Outcome => ({ verdict: 'warn', summary, explanation });
export const fail = (summary: string, explanation: string): Outcome => ({ verdict: 'fail', summary, explanation });
export const skip = (summary: string, explanation: string): Outcome => ({ verdict: 'skip', summary, explanation });

export function isOutcome(v: unknown): v is Outcome {
  return isObject(v) && typeof v.verdict === 'string' && typeof v.summary === 'string';
}

export function exchangeOf(res: HttpResponse): Exchange {
  return {
    request: res.request,
    response: {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      body: res.body.length > BODY_LIMIT ? res.body.slice(0, BODY_LIMIT) : res.body,
      ...(res.bodyTruncated || res.body.length > BODY_LIMIT ? { bodyTruncated: true } : {}),
      durationMs: res.durationMs,
    },
  };
}

export interface SendOptions {
  /** false: ignore the run's cancellation (the cleanup must run after a cancel). */
  readonly cancellable?: boolean;
}

/** Sends to the tenant URL and records each exchange of the current step. */
export class Session {
  /** Built when taken: an exchange nobody takes costs no redaction. */
  private recorded: (() => Exchange)[] = [];
  private secretList?: string[];

  constructor(
    readonly client: HttpClient,
    readonly connection: Connection,
    readonly tenant: TenantUrl,
    private readonly timeoutMs: number | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
  }

  private get secrets(): string[] {
    return (this.secretList ??= secretsOf([this.connection.token]));
  }

  /** The exchanges recorded since the last call, which starts a new step. */
  take(): Exchange[] {
    const out = this.recorded.map((build) => build());
    this.recorded = [];
    return out;
  }

  /** Forgets the exchanges recorded since the last take() without building them. */
  drop(): void {
    this.recorded = [];
  }

  record(exchange: Exchange): void {
    this.recorded.push(() => exchange);
  }

  /** Sends `method path` (path under the tenant URL). Any HTTP status resolves; no answer rejects with HttpError, recorded too. */
  async send(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<HttpResponse> {
    const signal = options.cancellable === false ? undefined : this.signal;
    try {
      const res = await this.client.send({ method, url: path, headers: TAG, ...(body !== undefined ? { body } : {}) }, {
        connection: this.connection,
        ...(signal ? { signal } : {}),
        ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}),
      });
      this.recorded.push(() => exchangeOf(res));
      return res;
    } catch (e) {
      if (e instanceof HttpError) {
        const error = { kind: e.kind, message: e.message };
        this.recorded.push(() => ({ request: this.planned(method, path, body), error }));
      }
      throw e;
    }
  }

  /** The request as it would have gone out, redacted, for exchanges that got no answer (or were never sent). */
  planned(method: string, path: string, body: unknown): Exchange['request'] {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return {
      method,
      url: redactUrl(resourceUrl(this.tenant, path), this.secrets),
      headers: {
        ...TAG,
        Accept: SCIM_ACCEPT,
        ...(text !== undefined ? { 'Content-Type': SCIM_CONTENT_TYPE } : {}),
        ...(this.connection.token ? { Authorization: `${this.connection.authScheme} ***` } : {}),
      },
      ...(text !== undefined ? { body: redact(text, this.secrets) } : {}),
    };
  }

  /** `GET /Users?filter=userName eq "x" → 200 OK`: the request relative to the tenant URL, its query decoded. */
  line(res: HttpResponse): string {
    return `${res.request.method} ${this.shortUrl(res.request.url)} → ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  }

  shortUrl(url: string): string {
    const base = redactUrl(this.tenant.base, this.secrets);
    const rel = url.startsWith(base) ? url.slice(base.length) || '/' : url;
    try {
      return decodeURIComponent(rel.replace(/\+/g, ' '));
    } catch {
      return rel;
    }
  }
}

/** ` The server said: "…".` from a SCIM (or any JSON) error body, or ''. */
export function serverSaid(res: HttpResponse): string {
  const detail = scimErrorInfo(res)?.detail;
  return detail ? ` The server said: "${detail}".` : '';
}

/** What a 401/403/429/5xx means for Entra whatever the request was; '' for other statuses. */
function statusMeaning(res: HttpResponse): string {
  if (res.status === 401 || res.status === 403) {
    return ' The endpoint refused the token: every call Entra makes would fail the same way, and Entra puts a job whose calls mostly fail into quarantine. Check the secret token and that it may provision users.';
  }
  if (res.status === 429) {
    const wait = res.retryAfterSeconds !== undefined ? ` (Retry-After: ${res.retryAfterSeconds} s)` : '';
    return ` The endpoint throttled the request${wait}. Entra retries throttled calls in later cycles; gallery apps must sustain 25 requests per second.`;
  }
  if (res.status >= 500) {
    return ' A server error: Entra retries the call in later cycles and puts the job into quarantine when most calls fail. The server\'s log shows why.';
  }
  return '';
}

/** A fail for an answer with the wrong status: what Entra expects, what it does now, what the status means. */
export function unexpected(session: Session, res: HttpResponse, expected: string, consequence: string): Outcome {
  return fail(`${session.line(res)}; Entra expects ${expected}.`, `${consequence}${statusMeaning(res)}${serverSaid(res)}`);
}

/** The JSON object body of a 2xx answer with an "id", or undefined. */
export function resourceIn(res: HttpResponse): (JsonObject & { id: string }) | undefined {
  const body = res.json;
  return isObject(body) && typeof body.id === 'string' && body.id !== '' ? body as JsonObject & { id: string } : undefined;
}

export interface ListAnswer {
  readonly total: number;
  readonly resources: readonly JsonObject[];
}

/** A filtered query's ListResponse, or a fail saying what is wrong with the answer. */
export function listIn(session: Session, res: HttpResponse, consequence: string): ListAnswer | Outcome {
  if (res.status !== 200) return unexpected(session, res, '200 with a ListResponse', consequence);
  const body = res.json;
  const shape = `Entra reads every filtered query as a SCIM ListResponse ({"schemas":["${URN.ListResponse}"],"totalResults":…,"Resources":[…]}).`;
  if (!isObject(body)) {
    return fail(`${session.line(res)}, but the body is ${res.body.trim() ? 'not a JSON object' : 'empty'}.`, `${shape} ${consequence}`);
  }
  if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.ListResponse)) {
    return fail(`${session.line(res)}, but the body is not a SCIM ListResponse (its "schemas" lacks ${URN.ListResponse}).`, `${shape} ${consequence}`);
  }
  if (typeof body.totalResults !== 'number') {
    return fail(`${session.line(res)}, but the ListResponse has no numeric totalResults.`, `Entra reads totalResults to decide whether a match exists. ${consequence}`);
  }
  const resources = body.Resources ?? [];
  if (!Array.isArray(resources)) {
    return fail(`${session.line(res)}, but "Resources" is not an array.`, `${shape} ${consequence}`);
  }
  return { total: body.totalResults, resources: resources.filter(isObject) };
}

/** `"a", "b"` for messages. */
export function quoted(values: readonly unknown[]): string {
  return values.length === 0 ? 'nothing' : values.map((v) => JSON.stringify(v)).join(', ');
}
