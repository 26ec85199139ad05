// Tenant URLs as Entra's "Tenant URL" field takes them: the SCIM base that /Users and /Groups are appended
// to, https except on this machine, and optionally Entra's ?aadOptscim062020 flag, which switches Entra to
// the RFC-compliant PATCH shapes and is never part of a request URL.

/** Entra's feature flag, written as a bare query key after the tenant URL. */
export const AAD_OPT_FLAG = 'aadOptscim062020';

/** MURAL's production SCIM base, quoted in explanations. */
export const MURAL_TENANT_URL = 'https://api.mural.co/enterprise/v1/scim';

export interface TenantUrl {
  /** Base for request URLs: no trailing slash, no query (`https://api.mural.co/enterprise/v1/scim`). */
  readonly base: string;
  /** The URL carried Entra's `?aadOptscim062020` flag. */
  readonly aadOptscim062020: boolean;
  /** The form to store and show: `base`, plus `?aadOptscim062020` when the flag is set. */
  readonly normalized: string;
  /** scheme://host[:port] of the base: the only origin the connection's token is sent to. */
  readonly origin: string;
  /** The host is this machine (localhost, 127.0.0.0/8, ::1): plain http is allowed. */
  readonly loopback: boolean;
  /** Accepted but probably wrong, e.g. a base that ends with /Users. */
  readonly warnings: readonly string[];
}

/** A tenant URL that cannot be used; `message` says what to change. */
export class TenantUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantUrlError';
  }
}

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV4_MAPPED_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;

/** `hostname` (as URL.hostname gives it, IPv6 in brackets) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || IPV4_LOOPBACK.test(h) || IPV4_MAPPED_LOOPBACK.test(h);
}

/** Parses and normalises a tenant URL; throws TenantUrlError with what to change. */
export function parseTenantUrl(input: string): TenantUrl {
  const text = input.trim();
  if (!text) throw new TenantUrlError(`Enter the tenant URL: the SCIM base URL, e.g. ${MURAL_TENANT_URL}.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const hint = /^[\w.-]+(:\d+)?(\/|$)/.test(text) ? ` Did you mean https://${text}?` : '';
    throw new TenantUrlError(`"${text}" is not a full URL.${hint} Enter the SCIM base URL including https://, e.g. ${MURAL_TENANT_URL}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TenantUrlError(`The tenant URL must start with https:// (it starts with ${url.protocol}//).`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new TenantUrlError(
      `Use https:// for ${url.host}: over plain http the secret token would travel unencrypted. ` +
      'Plain http is allowed only for this machine (localhost, 127.0.0.1, ::1), e.g. the mock server.',
    );
  }
  if (url.username || url.password) {
    throw new TenantUrlError('Remove the user name and password from the tenant URL: the secret token is stored separately.');
  }
  if (url.hash) {
    throw new TenantUrlError(`Remove "${url.hash}" from the tenant URL: a #fragment is never sent to the server.`);
  }
  let flag = false;
  for (const key of url.searchParams.keys()) {
    if (key.toLowerCase() === AAD_OPT_FLAG.toLowerCase()) {
      flag = true;
    } else {
      throw new TenantUrlError(
        `Remove "?${url.search.slice(1)}" from the tenant URL: the only query it may carry is Entra's ?${AAD_OPT_FLAG} flag.`,
      );
    }
  }
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${path}`;
  const warnings: string[] = [];
  const last = /\/(Users|Groups)$/i.exec(path);
  if (last) {
    warnings.push(
      `The tenant URL ends with /${last[1]}; Entra appends /Users and /Groups itself, so it would request ` +
      `${path}/Users. Use the SCIM base instead (${base.slice(0, -last[0].length)}).`,
    );
  }
  return {
    base,
    aadOptscim062020: flag,
    normalized: flag ? `${base}?${AAD_OPT_FLAG}` : base,
    origin: url.origin,
    loopback,
    warnings,
  };
}

/** For input boxes: undefined when `input` is a usable tenant URL, else what to change. */
export function validateTenantUrl(input: string): string | undefined {
  try {
    parseTenantUrl(input);
    return undefined;
  } catch (e) {
    if (e instanceof TenantUrlError) return e.message;
    throw e;
  }
}

/**
 * The absolute URL of `path` under the tenant base: `resourceUrl(t, '/Users?count=1')` →
 * `https://host/scim/Users?count=1`. `path` keeps its own query; the aadOptscim062020 flag is never added.
 */
export function resourceUrl(tenant: TenantUrl, path: string): string {
  return `${tenant.base}/${path.replace(/^\/+/, '')}`;
}
