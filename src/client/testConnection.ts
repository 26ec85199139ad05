// Entra's "Test Connection", replayed: the random-GUID `userName eq` probe on /Users, then the
// `displayName eq` probe on /Groups, judged as Entra judges them and explained in words that say what to fix.
import { randomUUID } from 'node:crypto';
import { URN } from '../scim/schemas';
import { HttpClient, SCIM_ACCEPT, type Connection, type HttpResponse, type NetworkOptions } from './http';
import { HttpError, type HttpErrorKind, type TlsProblem } from './httpError';
import { scimErrorInfo } from './scim';
import { MURAL_TENANT_URL, parseTenantUrl, resourceUrl, TenantUrlError, type TenantUrl } from './tenantUrl';

export type ProbeName = 'Users' | 'Groups';

export interface ProbeReport {
  readonly name: ProbeName;
  readonly ok: boolean;
  /** Not sent because an earlier probe failed (Entra stops at the first failure too). */
  readonly skipped: boolean;
  /** What was (or would have been) sent, redacted. */
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>> };
  readonly response?: {
    readonly status: number;
    readonly statusText: string;
    readonly headers: Readonly<Record<string, string>>;
    /** The first BODY_PREVIEW characters of the body. */
    readonly body: string;
    readonly durationMs: number;
    readonly retryAfterSeconds?: number;
  };
  /** Set when no HTTP answer came. */
  readonly error?: { readonly kind: HttpErrorKind; readonly tlsProblem?: TlsProblem; readonly message: string };
  /** What happened, one line. */
  readonly summary: string;
  /** For a failure: what Entra does with this answer and what to fix. */
  readonly explanation?: string;
  /** Accepted, but worth fixing. */
  readonly warnings: readonly string[];
}

export interface TestConnectionResult {
  readonly ok: boolean;
  /** The tenant URL as normalised (with the aadOptscim062020 flag when set), or as entered when invalid. */
  readonly tenantUrl: string;
  readonly aadOptscim062020: boolean;
  readonly probes: readonly ProbeReport[];
  readonly durationMs: number;
  /** "Test Connection passed." or the first failure's summary. */
  readonly summary: string;
  /** The tenant URL's and the probes' warnings. */
  readonly warnings: readonly string[];
}

export interface TestConnectionOptions {
  /** A client to reuse; otherwise one is made from `network` and closed afterwards. */
  readonly client?: HttpClient;
  readonly network?: NetworkOptions;
  readonly signal?: AbortSignal;
  /** Per probe. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** The GUID for the probes; a random UUID by default. */
  readonly guid?: string;
  /** Probe /Groups after /Users, as Entra does. Default true. */
  readonly groups?: boolean;
}

/** Characters of each response body kept in a ProbeReport. */
export const BODY_PREVIEW = 4096;

/** Entra's /Users probe, encoded exactly as Entra encodes it. */
export function usersProbePath(guid: string): string {
  return `/Users?filter=userName+eq+%22${guid}%22`;
}

/** Entra's /Groups probe. */
export function groupsProbePath(guid: string): string {
  return `/Groups?excludedAttributes=members&filter=displayName+eq+%22${guid}%22`;
}

interface Verdict {
  readonly ok: boolean;
  readonly summary: string;
  readonly explanation?: string;
  readonly warnings: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function serverSaid(res: HttpResponse): string {
  const detail = scimErrorInfo(res)?.detail;
  return detail ? ` The server said: "${detail}".` : '';
}

function judge(probe: ProbeName, res: HttpResponse, tenant: TenantUrl, connection: Connection): Verdict {
  const warnings: string[] = [];
  const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const filterText = probe === 'Users' ? 'userName eq "<random GUID>"' : 'displayName eq "<random GUID>" with excludedAttributes=members';
  const fail = (summary: string, explanation: string): Verdict => ({ ok: false, summary, explanation, warnings });
  if (res.redirects.length) {
    warnings.push(`The server redirected to ${res.url}. Entra may not follow redirects: use that URL's base as the tenant URL.`);
  }

  if (res.status === 401 || res.status === 403) {
    const scheme = connection.authScheme;
    const tokenAdvice = !connection.token
      ? 'This connection has no secret token: set one (Entra\'s "Secret Token" field).'
      : scheme === 'Bearer'
        ? 'Check that the secret token is complete and current (copy it again: API keys can be revoked or expire). ' +
          'This connection sends "Authorization: Bearer <token>", as Entra does; if the endpoint works only with MURAL\'s ' +
          '"apikey" scheme, it will reject Entra as well.'
        : 'This connection sends "Authorization: apikey <token>" (MURAL\'s examples), but Entra always sends ' +
          '"Bearer <token>": switch the scheme to Bearer to test what Entra will send, and check the token is current.';
    return res.status === 401
      ? fail(`GET /${probe} → ${status}: the endpoint refused the token.`,
        `The token is wrong or expired, or the endpoint expects another auth scheme. ${tokenAdvice}${serverSaid(res)}`)
      : fail(`GET /${probe} → ${status}: the token is not allowed to use this endpoint.`,
        `The token was read but lacks permission for SCIM provisioning: use a token of an account (or app) that may provision users. ${tokenAdvice}${serverSaid(res)}`);
  }
  if (res.status === 404) {
    if (probe === 'Groups') {
      return fail(`GET /Groups → ${status}: the endpoint has no /Groups.`,
        `Entra's Test Connection fails when /Groups answers 404, even if only users are provisioned. The endpoint must answer ` +
        `GET ${tenant.base}/Groups with a ListResponse.${serverSaid(res)}`);
    }
    const endsWithUsers = /\/Users$/i.test(tenant.base);
    return fail(`GET /Users → ${status}: nothing at ${tenant.base}/Users.`,
      endsWithUsers
        ? `The tenant URL ends with /Users, so the request went to …/Users/Users. Remove "/Users": the tenant URL is the SCIM base that Entra appends /Users and /Groups to.`
        : `The tenant URL's path is probably wrong: it must be the SCIM base that Entra appends /Users to. MURAL's is ${MURAL_TENANT_URL}.${serverSaid(res)}`);
  }
  if (res.status === 429) {
    const wait = res.retryAfterSeconds !== undefined ? `Retry-After: ${res.retryAfterSeconds} s.` : 'No Retry-After header was sent.';
    return fail(`GET /${probe} → ${status}: rate limited.`,
      `The endpoint throttles this client. ${wait} Try again after that; Entra retries throttled calls in later cycles, ` +
      'and gallery apps must sustain 25 requests per second.');
  }
  if (res.status >= 500) {
    return fail(`GET /${probe} → ${status}: the server failed.`,
      `A server error on Entra's probe makes Test Connection fail; the server's log should show why.${serverSaid(res)}`);
  }
  if (res.status === 400) {
    return fail(`GET /${probe} → ${status}: the endpoint rejected Entra's query.`,
      `Entra sends the filter ${filterText}; the endpoint must answer it with a ListResponse (an empty one when nothing matches).${serverSaid(res)}`);
  }
  if (res.status !== 200) {
    return fail(`GET /${probe} → ${status}: Entra expects 200.`,
      `Entra expects 200 with an empty ListResponse for its probe (filter ${filterText}).${serverSaid(res)}`);
  }

  const contentType = (res.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('json')) {
    return fail(`GET /${probe} → ${status}, but the answer is ${contentType || 'without a Content-Type'}, not SCIM JSON.`,
      `${/html/.test(contentType) ? 'An HTML page usually means a login page, a proxy page or a web app answered instead of the SCIM API. ' : ''}` +
      'Entra cannot read this answer and Test Connection fails. Check the tenant URL.');
  }
  if (!contentType.includes('application/scim+json')) {
    warnings.push(`The answer's Content-Type is ${contentType}; SCIM and Entra expect application/scim+json.`);
  }
  const body = res.json;
  if (!isObject(body)) {
    return fail(`GET /${probe} → ${status}, but the body is ${res.bodyTruncated ? 'too large to read' : Array.isArray(body) ? 'a JSON array' : 'not JSON'}.`,
      'Entra expects a SCIM ListResponse object ({"schemas":["' + URN.ListResponse + '"],"totalResults":0,"Resources":[]}) and fails Test Connection otherwise.');
  }
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(URN.ListResponse)) {
    const single = typeof body.id === 'string' ? ' It looks like a single resource.' : '';
    return fail(`GET /${probe} → ${status}, but the body is not a SCIM ListResponse.`,
      `Its "schemas" does not include ${URN.ListResponse}.${single} Entra answers every filtered query by reading a ListResponse ` +
      '(totalResults, Resources); with anything else it cannot tell whether the user exists, and Test Connection fails.');
  }
  if (typeof body.totalResults !== 'number') {
    return fail(`GET /${probe} → ${status}, but the ListResponse has no numeric totalResults.`,
      'Entra reads totalResults to decide whether a match exists: return "totalResults": 0 when nothing matches.');
  }
  const resources = Array.isArray(body.Resources) ? body.Resources : [];
  if (body.totalResults > 0 || resources.length > 0) {
    return fail(`GET /${probe} → ${status} with ${Math.max(body.totalResults, resources.length)} result(s) for a name that cannot exist.`,
      `The probe asks for a random GUID (${filterText}), so the endpoint evidently ignores the filter. Entra would then ` +
      `match the wrong ${probe === 'Users' ? 'users' : 'groups'} and update them instead of creating new ones: the endpoint must apply the filter.`);
  }
  return { ok: true, summary: `GET /${probe} → ${status} with an empty ListResponse.`, warnings };
}

async function runProbe(client: HttpClient, connection: Connection, tenant: TenantUrl, name: ProbeName, path: string,
  planned: ProbeReport['request'], options: TestConnectionOptions): Promise<ProbeReport> {
  let res: HttpResponse;
  try {
    res = await client.send({ method: 'GET', url: path }, {
      connection,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return {
      name, ok: false, skipped: false, request: planned,
      error: { kind: e.kind, ...(e.tlsProblem ? { tlsProblem: e.tlsProblem } : {}), message: e.message },
      summary: e.summary, explanation: e.hint || e.summary, warnings: [],
    };
  }
  const verdict = judge(name, res, tenant, connection);
  return {
    name,
    ok: verdict.ok,
    skipped: false,
    request: { method: res.request.method, url: res.request.url, headers: res.request.headers },
    response: {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      body: res.body.slice(0, BODY_PREVIEW),
      durationMs: res.durationMs,
      ...(res.retryAfterSeconds !== undefined ? { retryAfterSeconds: res.retryAfterSeconds } : {}),
    },
    summary: verdict.summary,
    ...(verdict.explanation ? { explanation: verdict.explanation } : {}),
    warnings: verdict.warnings,
  };
}

/**
 * Sends Entra's Test Connection probes to `connection` and judges the answers. Never rejects: an unusable
 * tenant URL, a network failure or a cancellation is a failed result whose probe carries the error.
 */
export async function testConnection(connection: Connection, options: TestConnectionOptions = {}): Promise<TestConnectionResult> {
  const started = performance.now();
  let tenant: TenantUrl;
  try {
    tenant = parseTenantUrl(connection.tenantUrl);
  } catch (e) {
    if (!(e instanceof TenantUrlError)) throw e;
    return {
      ok: false, tenantUrl: connection.tenantUrl, aadOptscim062020: false, probes: [],
      durationMs: performance.now() - started, summary: e.message, warnings: [],
    };
  }
  const guid = options.guid ?? randomUUID();
  const warnings = [...tenant.warnings];
  if (connection.authScheme !== 'Bearer') {
    warnings.push('This connection uses the "apikey" scheme; Entra always sends "Bearer", so this test does not send exactly what Entra sends.');
  }
  const plan: [ProbeName, string][] = [['Users', usersProbePath(guid)]];
  if (options.groups !== false) plan.push(['Groups', groupsProbePath(guid)]);

  const probes: ProbeReport[] = [];
  let client: HttpClient;
  try {
    client = options.client ?? new HttpClient(options.network);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    // An unusable proxy setting: nothing can be sent.
    return {
      ok: false, tenantUrl: tenant.normalized, aadOptscim062020: tenant.aadOptscim062020, probes,
      durationMs: performance.now() - started, summary: e.message, warnings,
    };
  }
  try {
    for (const [name, path] of plan) {
      const planned = {
        method: 'GET',
        url: resourceUrl(tenant, path),
        headers: { Accept: SCIM_ACCEPT, ...(connection.token ? { Authorization: `${connection.authScheme} ***` } : {}) },
      };
      if (probes.some((p) => !p.ok)) {
        probes.push({ name, ok: false, skipped: true, request: planned, summary: `GET /${name}: not sent, an earlier probe failed.`, warnings: [] });
        continue;
      }
      probes.push(await runProbe(client, connection, tenant, name, path, planned, options));
    }
  } finally {
    if (!options.client) await client.close();
  }
  const failedProbe = probes.find((p) => !p.ok);
  for (const p of probes) warnings.push(...p.warnings);
  return {
    ok: !failedProbe,
    tenantUrl: tenant.normalized,
    aadOptscim062020: tenant.aadOptscim062020,
    probes,
    durationMs: performance.now() - started,
    summary: failedProbe ? failedProbe.summary : 'Test Connection passed.',
    warnings,
  };
}

/** The cheap variant: only the /Users probe (reachability, token and path), e.g. for a status refresh. */
export function probeConnection(connection: Connection, options: Omit<TestConnectionOptions, 'groups'> = {}): Promise<TestConnectionResult> {
  return testConnection(connection, { ...options, groups: false });
}
