// The text of a response document, REST Client style: a summary of a SCIM error (status, scimType, detail
// and what to do) or of a 429's Retry-After on top as # comments, then the status line, the response headers,
// the pretty-printed body, and the request as it went out. Everything in an HttpResponse is already
// redacted by the client.
import type { HttpResponse } from './http';
import { scimErrorInfo } from './scim';

/** What a SCIM error type (RFC 7644 §3.12) or status usually means for the request just sent. */
const SCIM_TYPE_ADVICE: Record<string, string> = {
  uniqueness: 'A resource with this unique value (userName, displayName or externalId) exists already: look it up with a filter and PATCH it, as Entra does, instead of creating it again.',
  invalidFilter: 'The endpoint cannot evaluate this filter. MURAL supports only userName eq "…" on /Users (and Entra sends displayName eq "…" on /Groups).',
  tooMany: 'The query would return too many results: narrow the filter or page with startIndex and count.',
  mutability: 'The request tries to change a read-only or immutable attribute (id, meta, groups…): leave it out.',
  invalidSyntax: 'The body is not a valid SCIM request: check its JSON and its "schemas".',
  invalidPath: 'A PATCH path is not valid for this resource: check the attribute names and the [filter] syntax.',
  noTarget: 'The PATCH path matched nothing (for example a member or email that is not there), or a remove has no path.',
  invalidValue: 'A value is missing, of the wrong type or not allowed (MURAL: no digits in names, a work email is required).',
  invalidVers: 'The If-Match version does not match: the resource changed since it was read. Read it again.',
  sensitive: 'The request carries sensitive data in the URL: send it in the body (POST /.search) instead.',
};

const STATUS_ADVICE: Record<number, string> = {
  401: 'The endpoint refused the token: set the connection\'s secret token again or check its auth scheme (Entra sends Bearer).',
  403: 'The token is valid but may not do this: use a token of an account allowed to provision users.',
  404: 'Nothing at this URL: check the id, or the connection\'s tenant URL (it must be the SCIM base that /Users is appended to).',
  405: 'The endpoint does not support this method on this URL (MURAL has no PUT on /Groups, for example).',
  409: 'The request conflicts with the directory\'s state (a duplicate, or MURAL\'s last-admin rule).',
  412: 'The If-Match version is out of date: the resource changed since it was read. Read it again.',
  413: 'The body is too large for the endpoint.',
  415: 'The endpoint does not accept this Content-Type: send application/scim+json.',
  500: 'The server failed: its log should say why. Entra retries failed requests in later cycles.',
  502: 'A gateway in front of the endpoint got no valid answer from it.',
  503: 'The endpoint is unavailable or overloaded; Entra retries later.',
  504: 'A gateway in front of the endpoint timed out.',
};

/** One line of advice for an error answer, or undefined. */
export function errorAdvice(status: number, scimType?: string): string | undefined {
  return (scimType && SCIM_TYPE_ADVICE[scimType]) || STATUS_ADVICE[status];
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The body as shown: JSON pretty-printed with two spaces, anything else as received. */
export function prettyBody(response: Pick<HttpResponse, 'json' | 'body'>): string {
  if (response.json !== undefined) return JSON.stringify(response.json, null, 2);
  return response.body;
}

export interface ResponseContext {
  readonly connectionName?: string;
  /** The request's name in its file. */
  readonly requestName?: string;
  readonly at: Date;
}

/** The response document's text. */
export function renderResponse(response: HttpResponse, context: ResponseContext): string {
  const top: string[] = [];
  const error = scimErrorInfo(response);
  if (error) {
    top.push(`# ${response.status >= 500 ? 'Server error' : 'SCIM error'}: ${response.status} ${response.statusText}`.trimEnd());
    if (error.scimType) top.push(`#   scimType:   ${error.scimType}`);
    if (error.detail) top.push(`#   detail:     ${error.detail}`);
    const advice = errorAdvice(response.status, error.scimType);
    if (advice) top.push(`#   what to do: ${advice}`);
  }
  if (response.retryAfterSeconds !== undefined && (response.status === 429 || response.status === 503)) {
    top.push(`# Retry after ${response.retryAfterSeconds} s (Retry-After). Nothing was retried automatically: send it again after that.`);
  } else if (response.status === 429) {
    top.push('# Rate limited, and the endpoint sent no Retry-After: wait a little before sending again. Nothing was retried automatically.');
  }
  if (top.length) top.push('');

  const facts = [
    `${response.request.method} ${response.request.url}`,
    `${Math.round(response.durationMs)} ms`,
    size(response.bodyBytes),
    ...(context.connectionName ? [context.connectionName] : []),
    context.at.toISOString(),
  ];
  const lines = [
    ...top,
    `HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd(),
    ...Object.entries(response.headers).map(([k, v]) => `${k}: ${v}`),
    '',
  ];
  const body = prettyBody(response);
  if (body) lines.push(body, '');
  if (response.bodyTruncated) lines.push(`# The body was cut off after ${size(response.bodyBytes)}.`, '');
  lines.push(`# ${context.requestName ? `${context.requestName}: ` : ''}${facts.join(' · ')}`);
  for (const r of response.redirects) lines.push(`# redirected (${r.status}) from ${r.from} to ${r.to}`);
  lines.push('#', '# Request as sent:');
  lines.push(`#   ${response.request.method} ${response.request.url}`);
  for (const [k, v] of Object.entries(response.request.headers)) lines.push(`#   ${k}: ${v}`);
  if (response.request.body !== undefined) lines.push(`#   (body: ${size(Buffer.byteLength(response.request.body))})`);
  return lines.join('\n') + '\n';
}

/** The status bar's short form: `201 Created · 45 ms`. */
export function statusSummary(response: Pick<HttpResponse, 'status' | 'statusText' | 'durationMs' | 'retryAfterSeconds'>): string {
  const retry = response.retryAfterSeconds !== undefined && response.status === 429 ? ` · retry after ${response.retryAfterSeconds} s` : '';
  return `${response.status} ${response.statusText}`.trimEnd() + ` · ${Math.round(response.durationMs)} ms${retry}`;
}
