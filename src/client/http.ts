// The SCIM HTTP client on undici. One HttpClient owns its connection pools (direct and through a proxy), so a
// provisioning check reuses connections. Redirects are followed by hand so the token never goes to another
// origin; a 429 is returned with its Retry-After, never retried; failures below HTTP become HttpErrors that
// say what to do; every header, URL and body that leaves the client is redacted.
import { STATUS_CODES } from 'node:http';
import { rootCertificates } from 'node:tls';
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import { whenAborted } from './abort';
import { classifyError, HttpError } from './httpError';
import { credentialOf, redact, redactHeaders, redactUrl, secretsOf } from './redact';
import { isLoopbackHost, parseTenantUrl, resourceUrl, TenantUrlError, type TenantUrl } from './tenantUrl';

/**
 * undici, loaded on the first request rather than with the module: it is most of the extension bundle, and
 * the extension activates whenever a JSON file opens, long before (and often without) any request.
 */
let undiciModule: typeof import('undici') | undefined;
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (undiciModule ??= require('undici') as typeof import('undici'));
}

export type AuthScheme = 'Bearer' | 'apikey';

/** Where to send and how to authenticate. `token` comes from SecretStorage and never leaves the client. */
export interface Connection {
  readonly tenantUrl: string;
  readonly token?: string;
  /** Entra sends `Bearer`; MURAL's own examples use `apikey`. */
  readonly authScheme: AuthScheme;
}

export interface HttpRequest {
  readonly method: string;
  /** An absolute URL, or a path resolved under the connection's tenant URL (`/Users?count=1`). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else is sent as JSON. */
  readonly body?: unknown;
}

/** Network settings fixed for the life of an HttpClient (VS Code: http.proxy, http.proxyStrictSSL, http.noProxy). */
export interface NetworkOptions {
  /** Proxy URL, e.g. `http://proxy:8080` or `http://user:password@proxy:8080`. Loopback hosts never use it. */
  readonly proxy?: string;
  /** Host names (or `.suffix` / `*.suffix` domains) reached without the proxy. */
  readonly noProxy?: readonly string[];
  /** false accepts any certificate (self-signed, expired, other host). Default true. */
  readonly strictSSL?: boolean;
  /** Extra CA certificates (PEM) to trust besides Node's built-in list. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Time allowed to open a connection (TCP and TLS). Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
}

export interface SendOptions {
  /** Resolves relative URLs and, for requests to its origin without an Authorization header, adds the token. */
  readonly connection?: Connection;
  /** Cancels the request; it then rejects with an HttpError of kind 'aborted'. */
  readonly signal?: AbortSignal;
  /** Time allowed for the whole exchange, redirects and body included. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Default 5. */
  readonly maxRedirects?: number;
  /** Response bytes kept; the rest is dropped and `bodyTruncated` set. Default 10 MiB. */
  readonly maxBodyBytes?: number;
}

/** The request as it went out on the last hop, redacted. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly request: SentRequest;
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly bodyTruncated: boolean;
  /** Bytes kept in `body` (all of them unless truncated). */
  readonly bodyBytes: number;
  /** The body parsed as JSON, or undefined when it is empty, truncated or not JSON. */
  readonly json: unknown;
  readonly durationMs: number;
  /** The final URL, after redirects (redacted). */
  readonly url: string;
  readonly redirects: readonly { readonly status: number; readonly from: string; readonly to: string }[];
  /** From Retry-After (seconds or an HTTP date), on any status; the client never retries by itself. */
  readonly retryAfterSeconds?: number;
}

export const SCIM_CONTENT_TYPE = 'application/scim+json';
/** The Accept header of every request. */
export const SCIM_ACCEPT = 'application/scim+json, application/json';
/** Names what in SCIM Workbench sent a request (`entra-check`), so logs can tell its requests from Entra's or curl's. */
export const WORKBENCH_HEADER = 'X-SCIM-Workbench';
const DEFAULTS = { connectTimeoutMs: 10_000, timeoutMs: 30_000, maxRedirects: 5, maxBodyBytes: 10 * 1024 * 1024 };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Seconds to wait from a Retry-After value (delay-seconds or HTTP-date); undefined when unparsable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const date = /^[A-Za-z]{3},/.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function tenantOf(connection: Connection, clean: (s: string) => string): TenantUrl {
  try {
    return parseTenantUrl(connection.tenantUrl);
  } catch (e) {
    if (e instanceof TenantUrlError) throw new HttpError('invalidUrl', 'The connection\'s tenant URL cannot be used.', clean(e.message));
    throw e;
  }
}

/**
 * The request to `hostname` goes direct although a proxy is set: loopback hosts always do, and so do hosts
 * in `noProxy` (exact names, `.suffix` or `*.suffix` domains, or `*` for all).
 */
export function bypassesProxy(hostname: string, noProxy: readonly string[]): boolean {
  if (isLoopbackHost(hostname)) return true;
  const h = hostname.toLowerCase();
  return noProxy.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/^\*(?=\.)/, '');
    if (!e) return false;
    if (e === '*') return true;
    return e.startsWith('.') ? h.endsWith(e) || h === e.slice(1) : h === e;
  });
}

/** Case-insensitive header set that remembers the first spelling of each name. */
class HeaderSet {
  private readonly map = new Map<string, [string, string]>();
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    this.map.set(key, [this.map.get(key)?.[0] ?? name, value]);
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.[1];
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of this.map.values()) out[name] = value;
    return out;
  }
}

export class HttpClient {
  private direct?: Agent;
  private proxied?: ProxyAgent;
  private readonly proxyUrl?: URL;
  private readonly proxySecrets: string[];
  private readonly connectTimeoutMs: number;
  private lastSecrets?: { readonly key: readonly string[]; readonly secrets: string[] };
  private lastTenant?: { readonly url: string; readonly tenant: TenantUrl };

  /** Throws HttpError 'invalidUrl' when `network.proxy` is not a usable URL. */
  constructor(private readonly network: NetworkOptions = {}) {
    this.connectTimeoutMs = network.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.proxySecrets = [];
    if (network.proxy?.trim()) {
      let url: URL;
      try {
        url = new URL(network.proxy.trim());
      } catch {
        throw new HttpError('invalidUrl', 'The proxy setting is not a URL.',
          'Write it as http://host:port (or http://user:password@host:port) in VS Code\'s "http.proxy" setting.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new HttpError('invalidUrl', `The proxy URL uses ${url.protocol}// which is not supported.`,
          'Use an http:// or https:// proxy in VS Code\'s "http.proxy" setting.');
      }
      this.proxySecrets.push(decodeURIComponent(url.password), url.password);
      this.proxyUrl = url;
    }
  }

  /** Sends `req`, following up to maxRedirects redirects. Rejects only with HttpError; any HTTP status resolves. */
  async send(req: HttpRequest, options: SendOptions = {}): Promise<HttpResponse> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
    const token = options.connection?.token;
    const headers = new HeaderSet();
    headers.set('Accept', SCIM_ACCEPT);
    for (const [name, value] of Object.entries(req.headers ?? {})) headers.set(name, value);
    const secrets = this.secretsFor(token, headers.get('authorization'), headers.get('proxy-authorization'));
    const clean = (s: string) => redact(s, secrets);

    const tenant = options.connection ? this.tenantFor(options.connection, clean) : undefined;
    let url = this.resolve(req.url, tenant, clean);
    if (token && tenant && url.origin === tenant.origin && !headers.has('authorization')) {
      headers.set('Authorization', `${options.connection!.authScheme} ${token}`);
    }

    let method = req.method.toUpperCase();
    let body = req.body === undefined || req.body === null ? undefined
      : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (body !== undefined && !headers.has('content-type')) headers.set('Content-Type', SCIM_CONTENT_TYPE);
    if (headers.has('authorization') && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw new HttpError('invalidUrl', `Refusing to send credentials over plain http to ${url.host}.`,
        'Use https:// (plain http is allowed only for localhost).', redactUrl(url.toString(), secrets));
    }

    if (options.signal?.aborted) {
      throw new HttpError('aborted', `The request to ${url.host} was cancelled.`, '', redactUrl(url.toString(), secrets));
    }
    // One timer per send (redirects included); each hop is aborted through its handler.
    const control: HopControl = { timedOut: false, cancelled: false };
    const unwatch = options.signal ? whenAborted(options.signal, () => {
      control.cancelled = true;
      control.abort?.();
    }) : undefined;
    const timer = setTimeout(() => {
      control.timedOut = true;
      control.abort?.();
    }, timeoutMs);

    const redirects: { status: number; from: string; to: string }[] = [];
    try {
      for (;;) {
        const proxy = this.usesProxy(url) ? this.proxyUrl : undefined;
        const sentHeaders = headers.toRecord();
        let res: RawAnswer;
        try {
          res = await exchange(this.dispatcherFor(url), {
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: method as Dispatcher.HttpMethod,
            headers: sentHeaders,
            body,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          }, maxBodyBytes, control);
        } catch (e) {
          throw this.failure(e, url, proxy, { timedOut: control.timedOut, cancelled: control.cancelled, timeoutMs, redact: clean });
        }
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode) && location !== undefined) {
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new HttpError('network', `${url.host} redirected to an invalid URL.`, 'Fix the server\'s Location header.', redactUrl(url.toString(), secrets));
          }
          if (redirects.length >= maxRedirects) {
            throw new HttpError('tooManyRedirects', `More than ${maxRedirects} redirects, the last to ${redactUrl(next.toString(), secrets)}.`,
              'The server is probably redirecting in a loop; use the final URL as the tenant URL or fix the server.', redactUrl(url.toString(), secrets));
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new HttpError('network', `${url.host} redirected to ${next.protocol}// which cannot be followed.`, 'Fix the server\'s Location header.', redactUrl(url.toString(), secrets));
          }
          if (next.origin !== url.origin) {
            headers.delete('authorization');
            headers.delete('cookie');
          }
          if (res.statusCode === 303 ? method !== 'HEAD' : (res.statusCode === 301 || res.statusCode === 302) && method === 'POST') {
            method = 'GET';
            body = undefined;
            headers.delete('content-type');
          }
          redirects.push({ status: res.statusCode, from: redactUrl(url.toString(), secrets), to: redactUrl(next.toString(), secrets) });
          url = next;
          continue;
        }

        const retryAfterSeconds = parseRetryAfter(res.headers['retry-after']);
        return answered(res, method, url.toString(), sentHeaders, body, secrets, {
          status: res.statusCode,
          statusText: res.statusText || STATUS_CODES[res.statusCode] || '',
          bodyTruncated: res.truncated,
          bodyBytes: res.bytes,
          durationMs: performance.now() - started,
          redirects,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        });
      }
    } finally {
      clearTimeout(timer);
      control.abort = undefined;
      unwatch?.();
    }
  }

  /** Closes the connection pools; pending requests fail. */
  async close(): Promise<void> {
    await Promise.all([this.direct?.close(), this.proxied?.close()]);
  }

  /**
   * The secrets of a request, from the token and credential headers; the last set is kept, since a client
   * usually sends many requests with the same token and building the encoded forms costs more than the send.
   */
  private secretsFor(token: string | undefined, authorization: string | undefined, proxyAuthorization: string | undefined): string[] {
    const key = [token ?? '', authorization ?? '', proxyAuthorization ?? ''];
    const last = this.lastSecrets;
    if (last && last.key.every((k, i) => k === key[i])) return last.secrets;
    const secrets = secretsOf([
      token,
      ...[authorization, proxyAuthorization].map((v) => (v === undefined ? undefined : credentialOf(v))),
      ...this.proxySecrets,
    ]);
    this.lastSecrets = { key, secrets };
    return secrets;
  }

  /** The connection's tenant URL parsed; the last one is kept (a client sends to one tenant at a time). */
  private tenantFor(connection: Connection, clean: (s: string) => string): TenantUrl {
    if (this.lastTenant?.url !== connection.tenantUrl) this.lastTenant = { url: connection.tenantUrl, tenant: tenantOf(connection, clean) };
    return this.lastTenant.tenant;
  }

  private resolve(target: string, tenant: TenantUrl | undefined, clean: (s: string) => string): URL {
    const text = target.trim();
    if (/^https?:\/\//i.test(text)) {
      try {
        return new URL(text);
      } catch {
        throw new HttpError('invalidUrl', `"${clean(text)}" is not a valid URL.`, 'Check the request line.');
      }
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
      throw new HttpError('invalidUrl', `"${clean(text)}" is not an http(s) URL.`, 'Requests go to http:// or https:// URLs only.');
    }
    if (!tenant) {
      throw new HttpError('invalidUrl', `"${clean(text)}" is a relative URL.`, 'Choose a connection for it, or write the full URL.');
    }
    return new URL(resourceUrl(tenant, text));
  }

  private usesProxy(url: URL): boolean {
    return !!this.proxyUrl && !bypassesProxy(url.hostname, this.network.noProxy ?? []);
  }

  private dispatcherFor(url: URL): Dispatcher {
    // Node's `ca` option replaces its built-in list: add to it, so public endpoints stay trusted.
    const extra = this.network.ca === undefined ? [] : Array.isArray(this.network.ca) ? this.network.ca : [this.network.ca];
    const tls = {
      rejectUnauthorized: this.network.strictSSL !== false,
      ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] as Array<string | Buffer> } : {}),
    };
    if (this.usesProxy(url)) {
      this.proxied ??= new (undici().ProxyAgent)({
        uri: this.proxyUrl!.toString(),
        connect: { timeout: this.connectTimeoutMs },
        requestTls: tls,
        proxyTls: tls,
      });
      return this.proxied;
    }
    this.direct ??= new (undici().Agent)({ connect: { timeout: this.connectTimeoutMs, ...tls } });
    return this.direct;
  }

  private failure(e: unknown, url: URL, proxy: URL | undefined, state: { timedOut: boolean; cancelled: boolean; timeoutMs: number; redact: (s: string) => string }): HttpError {
    if (e instanceof HttpError) return e;
    let shownProxy: URL | undefined;
    if (proxy) {
      shownProxy = new URL(proxy.toString());
      shownProxy.username = '';
      shownProxy.password = '';
    }
    return classifyError(e, { url, proxy: shownProxy, connectTimeoutMs: this.connectTimeoutMs, ...state });
  }
}

/** The plain fields of a response, without those redacted on first read. */
type PlainFields = Omit<HttpResponse, 'request' | 'headers' | 'body' | 'json' | 'url'>;

/**
 * The response and its request as callers see them. What needs redaction (URLs, headers, bodies, and the JSON,
 * parsed from the redacted body so an echoed token never reaches the caller's objects either) is computed on
 * first read and kept: a caller that reads only the status and the JSON (the provisioning engine without
 * recorded exchanges) pays for no header, URL or request-body redaction. Accessors of object literals, so the
 * fields read, spread and serialise like plain ones at the cost of a few closures, not of property redefinitions.
 */
function answered(answer: RawAnswer, method: string, finalUrl: string, sentHeaders: Readonly<Record<string, string>>, sentBody: string | undefined,
  secrets: readonly string[], plain: PlainFields): HttpResponse {
  const kept: { url?: string; sentHeaders?: Record<string, string>; sentBody?: string; headers?: Record<string, string>; body?: string; json?: unknown; parsed?: boolean; finalUrl?: string } = {};
  const request: SentRequest = {
    method,
    get url(): string {
      return (kept.url ??= redactUrl(finalUrl, secrets));
    },
    set url(v: string) {
      kept.url = v;
    },
    get headers(): Record<string, string> {
      return (kept.sentHeaders ??= redactHeaders(sentHeaders, secrets));
    },
    set headers(v: Record<string, string>) {
      kept.sentHeaders = v;
    },
  };
  if (sentBody !== undefined) {
    Object.defineProperty(request, 'body', {
      enumerable: true,
      configurable: true,
      get: () => (kept.sentBody ??= redact(sentBody, secrets)),
      set: (v: string) => {
        kept.sentBody = v;
      },
    });
  }
  return {
    request,
    ...plain,
    get headers(): Record<string, string> {
      return (kept.headers ??= redactHeaders(answer.headers, secrets));
    },
    set headers(v: Record<string, string>) {
      kept.headers = v;
    },
    get body(): string {
      return (kept.body ??= redact(answer.text, secrets));
    },
    set body(v: string) {
      kept.body = v;
    },
    get json(): unknown {
      if (!kept.parsed) {
        kept.parsed = true;
        kept.json = answer.truncated ? undefined : parseJson(this.body);
      }
      return kept.json;
    },
    set json(v: unknown) {
      kept.parsed = true;
      kept.json = v;
    },
    get url(): string {
      return kept.finalUrl ?? request.url;
    },
    set url(v: string) {
      kept.finalUrl = v;
    },
  };
}

/** `text` parsed as JSON; undefined when empty or not JSON. */
function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How a send() stops the hop in flight: its timer and its caller's signal set a flag and abort the hop. */
interface HopControl {
  timedOut: boolean;
  cancelled: boolean;
  /** Aborts the hop in flight; undefined between hops. */
  abort?: () => void;
}

/** One hop's answer: status, headers (lower-case names, repeated ones joined with ", ") and up to `max` body bytes. */
interface RawAnswer {
  readonly statusCode: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/**
 * One request through undici's dispatcher with a handler that collects the body into a buffer: the same
 * connection pool, timeouts and errors as undici's request(), without its body stream, async iterator and
 * per-request AbortSignal, which cost more CPU than a small SCIM exchange itself. A body above `max` bytes is
 * cut there and the connection dropped.
 */
function exchange(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, max: number, control: HopControl): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let statusText = '';
    const headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    let abortHop: ((reason: Error) => void) | undefined;
    const finish = (truncated: boolean) => {
      settled = true;
      control.abort = undefined;
      resolve({ statusCode, statusText, headers, text: Buffer.concat(chunks, bytes).toString('utf8'), bytes, truncated });
    };
    control.abort = () => abortHop?.(new Error('aborted'));
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortHop = abort as (reason: Error) => void;
        if (control.timedOut || control.cancelled) abort(new Error('aborted'));
      },
      onHeaders(status, raw, _resume, text) {
        statusCode = status;
        statusText = text;
        const list = raw as unknown as Buffer[];
        for (let i = 0; i < list.length; i += 2) {
          const name = list[i].toString('latin1').toLowerCase();
          if (name === '__proto__') continue;
          const value = list[i + 1].toString('latin1');
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        return true;
      },
      onData(chunk) {
        if (settled) return false;
        const room = max - bytes;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          bytes = max;
          finish(true);
          abortHop?.(new Error('body limit reached'));
          return false;
        }
        chunks.push(chunk);
        bytes += chunk.length;
        return true;
      },
      onComplete() {
        if (!settled) finish(false);
      },
      onError(err) {
        if (settled) return;
        settled = true;
        control.abort = undefined;
        reject(err);
      },
    };
    try {
      dispatcher.dispatch(opts, handler);
    } catch (e) {
      handler.onError?.(e as Error);
    }
  });
}

/** One request with a client of its own, closed afterwards. Prefer an HttpClient for several requests. */
export async function send(req: HttpRequest, options: SendOptions & NetworkOptions = {}): Promise<HttpResponse> {
  const client = new HttpClient(options);
  try {
    return await client.send(req, options);
  } finally {
    await client.close();
  }
}
