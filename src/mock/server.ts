// The mock MURAL SCIM server over node:http (no framework: the routes are few and speed comes from doing
// little per request). It authenticates, reads and checks the body, injects the faults it is told to, calls
// ScimService, and answers application/scim+json — errors included — logging every request in a ring buffer.
import { hash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ScimError, isScimError } from '../scim/errors';
import { URN, type ResourceTypeName } from '../scim/schemas';
import { isObject } from '../scim/values';
import { resourceType, resourceTypes, schema, schemas, serviceProviderConfig } from './discovery';
import { RingBuffer, capBody, redactAuthorization, redactBody, redactPath, type RequestLogEntry } from './requestLog';
import { etagMatches, type ListQuery, type ResourceView, type ScimService } from './service';
import { isoTime } from './time';

/** MURAL's path first; the second is the usual SCIM 2 path, accepted as an alias. */
export const BASE_PATHS = ['/enterprise/v1/scim', '/scim/v2'] as const;
export const DEFAULT_PORT = 8319;
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export interface ServerOptions {
  /** The secret clients send as `Bearer <token>` or `apikey <token>`. */
  token: string;
  /** Interface to bind (default 127.0.0.1: only this machine can connect). */
  host?: string;
  /** Port to listen on; 0 picks a free one (default 0). */
  port?: number;
  /** Largest request body accepted (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Requests kept in the request log (default 500). */
  requestLogSize?: number;
  /** A request log to append to instead of a new one (the extension keeps its log across restarts). */
  requestLog?: RingBuffer<RequestLogEntry>;
  /** Characters of each body kept in the request log (default 64 KiB). */
  logBodyLimit?: number;
  /** Where a client gets the right token, ending the advice of a 401 (default: what the CLI prints). */
  tokenAdvice?: string;
  /** Time a client has to send a request's headers (default 30 s); then 408. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (default 60 s); then 408. */
  requestTimeoutMs?: number;
  /** Connections open at once (default 512); more are closed as they arrive, so stalled clients cannot exhaust memory. */
  maxConnections?: number;
}

/** The connection limits a server has when its options do not set them (`scim-workbench serve --help` prints them). */
export const DEFAULT_LIMITS = { headersTimeoutMs: 30_000, requestTimeoutMs: 60_000, maxConnections: 512 } as const;

/** The 401 advice of `scim-workbench serve`, where the token is printed at start or given on the command line. */
export const CLI_TOKEN_ADVICE = 'copy the token the server printed (or the one set with --token / SCIM_WORKBENCH_TOKEN).';

export interface ServerEvents {
  request: [RequestLogEntry];
}

/** JSON nested deeper than this is refused before parsing (SCIM resources nest 3 or 4 levels). */
const MAX_JSON_DEPTH = 64;

interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly started: number;
  readonly time: string;
  requestBody: string;
}

interface Input {
  /** The parsed JSON body (POST, PUT, PATCH). */
  readonly body: unknown;
  /** Decoded path parameters (the id after /Users/). */
  readonly params: readonly string[];
}

interface Route {
  /** Methods the route answers, for 405's Allow header. */
  readonly allow: readonly string[];
  readonly handle: (ctx: Ctx, query: URLSearchParams, input: Input) => Promise<void> | void;
}

class HttpError extends ScimError {
  constructor(status: number, detail: string, readonly headers: Record<string, string> = {}, scimType?: ScimError['scimType']) {
    super(status, scimType, detail);
  }
}

const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

/**
 * What is wrong with a token ("is empty", …), or undefined. Clients send it in an Authorization header, which
 * carries printable ASCII (RFC 9110 §5.5): a token with spaces or other characters could never be sent back.
 */
export function tokenProblem(token: unknown): string | undefined {
  if (typeof token !== 'string' || token.trim() === '') return 'is empty: clients send it as "Authorization: Bearer <token>".';
  if (/\s/.test(token)) return 'contains spaces: clients send it as "Authorization: Bearer <token>", so it must be one word.';
  const bad = /[^\x21-\x7e]/.exec(token);
  if (bad) return `contains ${JSON.stringify(bad[0])}: a token travels in an HTTP header, so use printable ASCII letters, digits and punctuation only.`;
  return undefined;
}
const NO_QUERY = new URLSearchParams();

/** Whether objects/arrays in JSON text nest deeper than `limit`, scanning strings correctly; stops early past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  // Nesting deeper than `limit` takes more than `limit` opening brackets: count them first with the native
  // indexOf (brackets inside strings count too, which only means scanning), and scan only bodies with that many.
  let opening = 0;
  for (let i = text.indexOf('{'); i >= 0 && opening <= limit; i = text.indexOf('{', i + 1)) opening++;
  for (let i = text.indexOf('['); i >= 0 && opening <= limit; i = text.indexOf('[', i + 1)) opening++;
  if (opening <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}

function splitList(v: string | null | undefined): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return parts.length > 0 ? parts : undefined;
}

function listFromBody(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return splitList(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new ScimError(400, 'invalidValue', `"${name}" must be an array of attribute names.`);
}

/** A ListResponse as JSON text, assembled from each resource's (cached) JSON. */
function listJson(total: number, startIndex: number, items: readonly string[]): string {
  return `{"schemas":["${URN.ListResponse}"],"totalResults":${total},"Resources":[${items.join(',')}],"startIndex":${startIndex},"itemsPerPage":${items.length}}`;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export class MockServer extends EventEmitter<ServerEvents> {
  private server: Server | undefined;
  private tokenDigest: Buffer;
  /** The Authorization header each open connection was last admitted with. */
  private admitted = new WeakMap<Socket, string>();
  private readonly log: RingBuffer<RequestLogEntry>;
  private nextId = 1;
  private readonly host: string;
  private readonly port: number;
  private readonly maxBody: number;
  private readonly logBodyLimit: number;
  private readonly tokenAdvice: string;
  private actualPort: number | undefined;
  private windowStart = 0;
  private windowCount = 0;
  private faultsLeft = 0;
  private readonly routes: Record<string, Route>;
  private readonly limits: { headersTimeout: number; requestTimeout: number; maxConnections: number };
  /** The newest response of each connection: a pipelined request's error waits for the answers before it. */
  private lastResponse = new WeakMap<Socket, ServerResponse>();

  constructor(readonly service: ScimService, options: ServerOptions) {
    super();
    this.tokenDigest = MockServer.checkToken(options.token);
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.logBodyLimit = options.logBodyLimit ?? 64 * 1024;
    this.tokenAdvice = options.tokenAdvice ?? CLI_TOKEN_ADVICE;
    this.log = options.requestLog ?? new RingBuffer(options.requestLogSize ?? 500);
    // Entry ids stay unique in a log that outlives a server.
    this.nextId = (this.log.newest()?.id ?? 0) + 1;
    this.routes = this.buildRoutes();
    this.limits = {
      headersTimeout: options.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs,
      maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
    };
  }

  private static checkToken(token: string): Buffer {
    const problem = tokenProblem(token);
    if (problem) throw new RangeError(`The server's token ${problem}`);
    return digest(token);
  }

  /** Replaces the token; requests with the old one get 401 from now on. */
  setToken(token: string): void {
    this.tokenDigest = MockServer.checkToken(token);
    this.admitted = new WeakMap();
  }

  /** The port listened on, once started. */
  get listeningPort(): number | undefined {
    return this.actualPort;
  }

  /** The tenant URL to paste into Entra, once started, e.g. http://127.0.0.1:8319/enterprise/v1/scim. */
  get url(): string | undefined {
    if (this.actualPort === undefined) return undefined;
    const h = this.host === '0.0.0.0' || this.host === '::' ? 'localhost' : this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${h}:${this.actualPort}${BASE_PATHS[0]}`;
  }

  /** The request log, oldest first. */
  requests(): RequestLogEntry[] {
    return this.log.toArray();
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Listens; resolves with the port actually used (port 0 picks one). Rejects with the listen error (e.g. code EADDRINUSE). */
  start(): Promise<{ port: number; url: string }> {
    if (this.server) return Promise.reject(new Error('The server is already started.'));
    // Long filters travel in the URL: allow the longest filter the parser accepts, percent-encoded.
    const { headersTimeout, requestTimeout, maxConnections } = this.limits;
    const server = createServer({
      keepAlive: true,
      maxHeaderSize: 128 * 1024,
      headersTimeout,
      requestTimeout: Math.max(requestTimeout, headersTimeout),
      // How often node checks those timeouts (its default, 30 s, would let a 1 s limit last 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    }, (req, res) => { this.onRequest(req, res); });
    server.keepAliveTimeout = 30_000;
    server.maxConnections = maxConnections;
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => { this.server = undefined; reject(e); };
      server.once('error', onError);
      server.listen(this.port, this.host, () => {
        server.off('error', onError);
        server.on('clientError', (e: NodeJS.ErrnoException, socket) => this.onClientError(e, socket as Socket));
        this.actualPort = (server.address() as AddressInfo).port;
        const url = this.url as string;
        this.service.baseUrl = url;
        resolve({ port: this.actualPort, url });
      });
    });
  }

  /** Stops listening and closes every connection, keep-alive ones included. */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    this.actualPort = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Synchronous stop for VS Code's deactivate. */
  dispose(): void {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.actualPort = undefined;
    server.close();
    server.closeAllConnections();
  }

  /**
   * A request node could not parse, or that came too slowly: 408 for a timeout, 431 for oversized headers,
   * 400 otherwise — written after the answers to the requests before it on the connection (pipelining).
   */
  private onClientError(e: NodeJS.ErrnoException, socket: Socket): void {
    if (!socket.writable) { socket.destroy(); return; }
    const timeout = e.code === 'ERR_HTTP_REQUEST_TIMEOUT' || e.code === 'HPE_HEADER_TIMEOUT';
    const overflow = e.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, scimType, detail] = timeout
      ? [408, 'Request Timeout', undefined, `The request did not arrive in time (headers within ${this.limits.headersTimeout / 1000} s, the whole request within ${Math.max(this.limits.requestTimeout, this.limits.headersTimeout) / 1000} s).`]
      : overflow
        ? [431, 'Request Header Fields Too Large', undefined, 'The request line or headers are larger than 128 KiB: send long filters in a POST /.search body.']
        : [400, 'Bad Request', 'invalidSyntax' as const, `The request is not valid HTTP (${e.code ?? e.message}).`];
    const body = JSON.stringify(new ScimError(status, scimType, detail).toJSON());
    const write = () => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      else socket.destroy();
    };
    const last = this.lastResponse.get(socket);
    if (timeout && last && !last.headersSent) {
      // The request that timed out is the one being answered (its body stopped coming): answer it.
      last.writeHead(status, { 'Content-Type': SCIM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      last.end(body);
    } else if (last && !last.writableFinished) {
      last.once('close', write);
    } else {
      write();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Request handling

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.lastResponse.set(req.socket, res);
    const ctx: Ctx = { req, res, started: performance.now(), time: isoTime(), requestBody: '' };
    try {
      const pending = this.handle(ctx);
      if (pending) pending.catch((e: unknown) => this.fail(ctx, e));
    } catch (e) {
      this.fail(ctx, e);
    }
  }

  /** Synchronous for requests without a body or injected latency (most of Entra's), a promise otherwise. */
  private handle(ctx: Ctx): Promise<void> | void {
    const { req } = ctx;
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    let rest: string | undefined;
    for (const base of BASE_PATHS) {
      if (path === base || path.startsWith(base + '/')) { rest = path.slice(base.length); break; }
    }
    if (rest === undefined) {
      throw new HttpError(404, `Nothing here: the SCIM endpoints are under ${BASE_PATHS[0]} (or ${BASE_PATHS[1]}), e.g. ${BASE_PATHS[0]}/Users.`);
    }
    this.authenticate(req);
    if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1);
    const segments = rest.split('/').slice(1);
    const { route, params } = this.resolve(segments);
    const method = req.method ?? 'GET';
    if (!route.allow.includes(method)) {
      throw new HttpError(405, `${method} is not supported on ${rest || '/'}; use ${route.allow.join(', ')}.`, { Allow: route.allow.join(', ') });
    }
    const query = qi < 0 ? NO_QUERY : new URLSearchParams(url.slice(qi + 1));
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      return this.readBody(ctx).then((body) => this.dispatch(ctx, route, query, { body, params }));
    }
    return this.dispatch(ctx, route, query, { body: undefined, params });
  }

  private dispatch(ctx: Ctx, route: Route, query: URLSearchParams, input: Input): Promise<void> | void {
    const latency = this.injectFaults();
    if (latency > 0) return new Promise<void>((res) => setTimeout(res, latency)).then(() => route.handle(ctx, query, input));
    return route.handle(ctx, query, input);
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization;
    // A keep-alive connection re-sends the header it was already admitted with: skip the digest then. Only a
    // connection that itself sent the right token has an entry, so comparing against it reveals nothing.
    if (header !== undefined && this.admitted.get(req.socket) === header) return;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="scim-workbench"' };
    if (!header) throw new HttpError(401, 'Authentication required: send "Authorization: Bearer <token>" (or MURAL\'s "apikey <token>") with the server\'s token.', challenge);
    const space = header.indexOf(' ');
    const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase();
    if (space < 0 || (scheme !== 'bearer' && scheme !== 'apikey')) {
      throw new HttpError(401, 'The Authorization header must be "Bearer <token>" or "apikey <token>".', challenge);
    }
    if (!timingSafeEqual(digest(header.slice(space + 1).trim()), this.tokenDigest)) {
      throw new HttpError(401, `The token is not valid for this server: ${this.tokenAdvice}`, challenge);
    }
    this.admitted.set(req.socket, header);
  }

  private resolve(segments: string[]): { route: Route; params: string[] } {
    const [first = '', second, ...more] = segments;
    const key = first.toLowerCase();
    const notFound = () => new HttpError(404, `Unknown endpoint ${'/' + segments.join('/')}: the endpoints are /Users, /Groups, /.search, /ServiceProviderConfig, /ResourceTypes and /Schemas.`);
    if (more.length > 0) throw notFound();
    const id = second === undefined ? undefined : this.decodeSegment(second);
    switch (key) {
      case 'users':
      case 'groups': {
        const rt: ResourceTypeName = key === 'users' ? 'User' : 'Group';
        if (id === undefined) return { route: this.routes[`${rt}:list`] as Route, params: [] };
        if (id === '.search') return { route: this.routes[`${rt}:search`] as Route, params: [] };
        return { route: this.routes[`${rt}:one`] as Route, params: [id] };
      }
      case '.search':
        if (id !== undefined) throw notFound();
        return { route: this.routes.search as Route, params: [] };
      case 'serviceproviderconfig':
        if (id !== undefined) throw notFound();
        return { route: this.routes.spc as Route, params: [] };
      case 'resourcetypes':
        return { route: this.routes.resourceTypes as Route, params: id === undefined ? [] : [id] };
      case 'schemas':
        return { route: this.routes.schemas as Route, params: id === undefined ? [] : [id] };
      case 'bulk':
        throw new HttpError(501, 'Bulk operations are not supported (ServiceProviderConfig bulk.supported is false); send one request per resource, as Entra does.');
      case 'me':
        throw new HttpError(501, '/Me is not supported: the mock has no authenticated subject, only a token.');
      default:
        throw notFound();
    }
  }

  private decodeSegment(s: string): string {
    if (!s.includes('%')) return s;
    try {
      return decodeURIComponent(s);
    } catch {
      throw new HttpError(400, `The path segment "${s}" is not valid percent-encoding.`, {}, 'invalidSyntax');
    }
  }

  /** Reads, limits, decodes and parses a JSON body; undefined when there is none. */
  private async readBody(ctx: Ctx): Promise<unknown> {
    const { req } = ctx;
    const type = req.headers['content-type'];
    if (type !== undefined) {
      const media = type.split(';', 1)[0]?.trim().toLowerCase();
      if (media !== 'application/scim+json' && media !== 'application/json') {
        throw new HttpError(415, `Content-Type ${type} is not accepted: send the body as application/scim+json (or application/json).`);
      }
    }
    const declared = Number(req.headers['content-length']);
    if (declared > this.maxBody) {
      ctx.requestBody = `[${declared} bytes not read: over the ${this.maxBody}-byte limit]`;
      throw this.tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const over = await new Promise<boolean>((resolve, reject) => {
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBody) {
          req.removeAllListeners('data');
          req.pause();
          resolve(true);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(false));
      req.on('error', reject);
    });
    if (over) {
      ctx.requestBody = `[body not read: over the ${this.maxBody}-byte limit]`;
      throw this.tooLarge();
    }
    const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    let text: string;
    try {
      text = decoder.decode(buf);
    } catch {
      ctx.requestBody = `[${buf.length} bytes that are not valid UTF-8]`;
      throw new HttpError(400, 'The body is not valid UTF-8 text: send JSON encoded as UTF-8.', {}, 'invalidSyntax');
    }
    ctx.requestBody = capBody(redactBody(text, undefined), this.logBodyLimit);
    if (text.trim() === '') {
      throw new HttpError(400, 'The request has no body: send a SCIM JSON object.', {}, 'invalidSyntax');
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      throw new HttpError(400, `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep; SCIM resources need a few.`, {}, 'invalidSyntax');
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (e) {
      throw new HttpError(400, `The body is not valid JSON: ${(e as Error).message}.`, {}, 'invalidSyntax');
    }
    ctx.requestBody = capBody(redactBody(text, body), this.logBodyLimit);
    return body;
  }

  private tooLarge(): HttpError {
    return new HttpError(413, `The body is larger than ${this.maxBody} bytes; SCIM requests are small — send one resource per request.`, { Connection: 'close' });
  }

  /** Rate limit, random throttling and fault bursts, as the options say; returns the latency to add (ms). */
  private injectFaults(): number {
    const o = this.service.options;
    if (o.rateLimitPerSecond > 0) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) { this.windowStart = now; this.windowCount = 0; }
      if (++this.windowCount > o.rateLimitPerSecond) {
        throw new HttpError(429, `Too many requests: this server allows ${o.rateLimitPerSecond} per second (rate-limit simulation). Retry after ${o.retryAfterSeconds} s.`, { 'Retry-After': String(o.retryAfterSeconds) });
      }
    }
    if (o.throttleShare > 0 && Math.random() < o.throttleShare) {
      throw new HttpError(429, `Too many requests (throttling simulation, ${Math.round(o.throttleShare * 100)}% of requests). Retry after ${o.retryAfterSeconds} s.`, { 'Retry-After': String(o.retryAfterSeconds) });
    }
    if (o.faultShare > 0 || this.faultsLeft > 0) {
      // The chance of starting a burst such that, on average, faultShare of all requests fail.
      const start = o.faultShare / (o.faultBurst - o.faultShare * (o.faultBurst - 1));
      if (this.faultsLeft > 0 || Math.random() < start) {
        this.faultsLeft = this.faultsLeft > 0 ? this.faultsLeft - 1 : o.faultBurst - 1;
        const headers: Record<string, string> = o.faultStatus === 503 ? { 'Retry-After': String(o.retryAfterSeconds) } : {};
        throw new HttpError(o.faultStatus, `Injected fault (fault simulation: ${Math.round(o.faultShare * 100)}% of requests, bursts of ${o.faultBurst}).`, headers);
      }
    }
    return o.latencyMs;
  }

  // ---------------------------------------------------------------------------------------------------
  // Answers

  private send(ctx: Ctx, status: number, body: string, headers: Record<string, string | number> = {}): void {
    const { req, res } = ctx;
    if (res.headersSent) return;
    // An answer given before the request's body was read (401, 415, 413…) closes the connection rather than
    // reading a body that may be huge only to drop it.
    const unread = !req.complete && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
    const responseHeaders = { 'Content-Type': SCIM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), ...headers, ...(unread ? { Connection: 'close' } : {}) };
    res.writeHead(status, responseHeaders);
    res.end(body);
    const auth = req.headers.authorization;
    const entry: RequestLogEntry = {
      id: this.nextId++,
      time: ctx.time,
      method: req.method ?? '',
      path: redactPath(req.url ?? ''),
      status,
      durationMs: Math.round((performance.now() - ctx.started) * 1000) / 1000,
      requestHeaders: auth === undefined ? { ...req.headers } : { ...req.headers, authorization: redactAuthorization(auth) },
      requestBody: ctx.requestBody,
      responseBody: capBody(body, this.logBodyLimit),
      responseHeaders,
    };
    this.log.push(entry);
    try {
      this.emit('request', entry);
    } catch (e) {
      this.service.emit('warning', e instanceof Error ? e : new Error(String(e)));
    }
  }

  private fail(ctx: Ctx, e: unknown): void {
    if (isScimError(e)) {
      this.send(ctx, e.status, JSON.stringify(e.toJSON()), e instanceof HttpError ? e.headers : {});
      return;
    }
    const err = new ScimError(500, undefined, `The mock server failed: ${(e as Error)?.message ?? String(e)}. This is a bug in SCIM Workbench; the request log has the request.`);
    this.send(ctx, 500, JSON.stringify(err.toJSON()));
  }

  private sendResource(ctx: Ctx, status: number, view: ResourceView, query: URLSearchParams, extra: Record<string, string> = {}): void {
    const q = projection(query);
    const body = q ? JSON.stringify(view.project(q)) : view.json();
    this.send(ctx, status, body, { ETag: view.version, ...extra });
  }

  private sendList(ctx: Ctx, r: { totalResults: number; startIndex: number; views: ResourceView[] }, q: ListQuery): void {
    const projected = q.attributes !== undefined || q.excludedAttributes !== undefined;
    const items = r.views.map((v) => (projected ? JSON.stringify(v.project(q)) : v.json()));
    this.send(ctx, 200, listJson(r.totalResults, r.startIndex, items));
  }

  private sendDocument(ctx: Ctx, doc: Record<string, unknown>): void {
    this.send(ctx, 200, JSON.stringify(doc));
  }

  private sendDocuments(ctx: Ctx, docs: Record<string, unknown>[]): void {
    this.send(ctx, 200, listJson(docs.length, 1, docs.map((d) => JSON.stringify(d))));
  }

  // ---------------------------------------------------------------------------------------------------
  // Routes

  private buildRoutes(): Record<string, Route> {
    const svc = this.service;
    const routes: Record<string, Route> = {};
    for (const rt of ['User', 'Group'] as const) {
      routes[`${rt}:list`] = {
        allow: ['GET', 'POST'],
        handle: (ctx, query, input) => {
          if (ctx.req.method === 'GET') {
            const q = listQuery(query, !svc.options.muralFilters);
            this.sendList(ctx, svc.query(rt, q), q);
            return undefined;
          }
          return svc.create(rt, input.body).then((view) => {
            this.sendResource(ctx, 201, view, query, view.location ? { Location: view.location } : {});
          });
        },
      };
      routes[`${rt}:search`] = {
        allow: ['POST'],
        handle: (ctx, _query, input) => {
          const q = searchQuery(input.body, !svc.options.muralFilters);
          this.sendList(ctx, svc.query(rt, q), q);
        },
      };
      routes[`${rt}:one`] = {
        allow: ['GET', 'PUT', 'PATCH', 'DELETE'],
        handle: (ctx, query, { body, params }) => {
          const id = params[0] as string;
          const ifMatch = ctx.req.headers['if-match'];
          switch (ctx.req.method) {
            case 'GET': {
              const view = svc.read(rt, id);
              const none = ctx.req.headers['if-none-match'];
              if (none !== undefined && etagMatches(none, view.version)) this.send(ctx, 304, '', { ETag: view.version });
              else this.sendResource(ctx, 200, view, query);
              return undefined;
            }
            case 'PUT':
              if (rt === 'Group' && !svc.options.groupPut) {
                throw new HttpError(405, 'MURAL has no PUT on /Groups/{id}: change a group (workspace) with PATCH, as Entra does. ' +
                  'Turn the mock\'s groupPut switch on (setting scimWorkbench.mock.groupPut, flag --group-put) to test a client that replaces groups.',
                { Allow: 'GET, PATCH, DELETE' });
              }
              return svc.replace(rt, id, body, { ifMatch }).then((view) => this.sendResource(ctx, 200, view, query));
            case 'PATCH':
              return svc.patch(rt, id, body, { ifMatch }).then((view) => {
                // Groups answer 204 (their member lists can be long) unless the client asks for attributes.
                if (rt === 'Group' && !projection(query)) this.send(ctx, 204, '', { ETag: view.version });
                else this.sendResource(ctx, 200, view, query);
              });
            default:
              return svc.delete(rt, id, { ifMatch }).then(() => this.send(ctx, 204, ''));
          }
        },
      };
    }
    routes.search = {
      allow: ['POST'],
      handle: (ctx, _query, input) => {
        const q = searchQuery(input.body, !svc.options.muralFilters);
        this.sendList(ctx, svc.query(undefined, q), q);
      },
    };
    routes.spc = { allow: ['GET'], handle: (ctx) => this.sendDocument(ctx, serviceProviderConfig(svc.baseUrl, svc.maxResultsPerPage, svc.options.muralFilters)) };
    routes.resourceTypes = {
      allow: ['GET'],
      handle: (ctx, _q, { params: [id] }) => {
        if (id === undefined) { this.sendDocuments(ctx, resourceTypes(svc.baseUrl)); return; }
        const doc = resourceType(id, svc.baseUrl);
        if (!doc) throw new HttpError(404, `No resource type "${id}": this server has User and Group.`);
        this.sendDocument(ctx, doc);
      },
    };
    routes.schemas = {
      allow: ['GET'],
      handle: (ctx, _q, { params: [id] }) => {
        if (id === undefined) { this.sendDocuments(ctx, schemas(svc.baseUrl)); return; }
        const doc = schema(id, svc.baseUrl);
        if (!doc) throw new HttpError(404, `No schema "${id}": this server has ${URN.User}, ${URN.EnterpriseUser} and ${URN.Group}.`);
        this.sendDocument(ctx, doc);
      },
    };
    return routes;
  }
}

/** Each query's first value per lower-case parameter name, made on the first look-up that needs it. */
const lowerCaseParams = new WeakMap<URLSearchParams, Map<string, string>>();

/** A query-string parameter, its name matched exactly first, then case-insensitively. */
function param(query: URLSearchParams, name: string): string | undefined {
  const exact = query.get(name);
  if (exact !== null) return exact;
  if (query.size === 0) return undefined;
  let byLower = lowerCaseParams.get(query);
  if (!byLower) {
    byLower = new Map();
    for (const [k, v] of query) if (!byLower.has(k.toLowerCase())) byLower.set(k.toLowerCase(), v);
    lowerCaseParams.set(query, byLower);
  }
  return byLower.get(name.toLowerCase());
}

function projection(query: URLSearchParams): { attributes?: string[]; excludedAttributes?: string[] } | undefined {
  const attributes = splitList(param(query, 'attributes'));
  const excludedAttributes = splitList(param(query, 'excludedAttributes'));
  if (!attributes && !excludedAttributes) return undefined;
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** sortOrder, checked only when the server sorts (without sorting it is a parameter the server ignores, RFC 7644 §3.4.2). */
function sortOrder(v: unknown, sorting: boolean): 'ascending' | 'descending' | undefined {
  if (v === undefined || v === null || !sorting) return undefined;
  if (typeof v === 'string' && (v.toLowerCase() === 'ascending' || v.toLowerCase() === 'descending')) return v.toLowerCase() as 'ascending' | 'descending';
  throw new ScimError(400, 'invalidValue', `sortOrder must be "ascending" or "descending", not ${JSON.stringify(v)}.`);
}

function listQuery(query: URLSearchParams, sorting: boolean): ListQuery {
  if (query.size === 0) return {};
  return {
    filter: param(query, 'filter'),
    filterInUri: true,
    startIndex: param(query, 'startIndex'),
    count: param(query, 'count'),
    sortBy: param(query, 'sortBy'),
    sortOrder: sortOrder(param(query, 'sortOrder'), sorting),
    ...projection(query),
  };
}

/** The SearchRequest body of POST /.search (RFC 7644 §3.4.3). */
function searchQuery(body: unknown, sorting: boolean): ListQuery {
  if (!isObject(body)) throw new ScimError(400, 'invalidSyntax', `A search needs a JSON object body with "schemas": ["${URN.SearchRequest}"].`);
  const s = body.schemas;
  if (s !== undefined && !(Array.isArray(s) && s.includes(URN.SearchRequest))) {
    throw new ScimError(400, 'invalidSyntax', `A search body's "schemas" must contain "${URN.SearchRequest}".`);
  }
  const text = (v: unknown, name: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    throw new ScimError(400, 'invalidValue', `"${name}" must be a string.`);
  };
  const num = (v: unknown, name: string): number | string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' || typeof v === 'string') return v;
    throw new ScimError(400, 'invalidValue', `"${name}" must be a number.`);
  };
  const q: ListQuery = {
    filter: text(body.filter, 'filter'),
    startIndex: num(body.startIndex, 'startIndex'),
    count: num(body.count, 'count'),
    sortBy: text(body.sortBy, 'sortBy'),
    sortOrder: sortOrder(body.sortOrder, sorting),
  };
  const attributes = listFromBody(body.attributes, 'attributes');
  const excludedAttributes = listFromBody(body.excludedAttributes, 'excludedAttributes');
  if (attributes) q.attributes = attributes;
  if (excludedAttributes) q.excludedAttributes = excludedAttributes;
  return q;
}
