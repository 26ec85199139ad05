// SCIM operations on a connection for the directory explorer: list a page, read, create, patch, replace,
// delete. They return parsed resources or throw a ScimRequestError built from the SCIM error body. Checks
// that judge an endpoint (the Entra provisioning check) use HttpClient.send directly and keep every answer.
import { URN } from '../scim/schemas';
import { HttpClient, type Connection, type HttpRequest, type HttpResponse, type NetworkOptions } from './http';

export type ResourceKind = 'Users' | 'Groups';

export interface ScimResource {
  readonly id: string;
  readonly schemas?: readonly string[];
  readonly [attribute: string]: unknown;
}

export interface ListPage {
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly resources: readonly ScimResource[];
}

export interface ListQuery {
  /** 1-based. */
  readonly startIndex?: number;
  readonly count?: number;
  readonly filter?: string;
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

export interface PatchOperation {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

export interface ScimCallOptions {
  /** A client to reuse (its network settings apply); otherwise one is made from `network` and closed after the call. */
  readonly client?: HttpClient;
  readonly network?: NetworkOptions;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** What a SCIM error answer says: RFC 7644 §3.12 fields, or the best a non-SCIM error body offers. */
export interface ScimErrorInfo {
  readonly status: number;
  readonly scimType?: string;
  readonly detail?: string;
  /** `409 Conflict (uniqueness): userName is taken`: one line for the top of a response view. */
  readonly summary: string;
}

/** A SCIM call answered with an error status or with a body that is not what SCIM prescribes. */
export class ScimRequestError extends Error {
  constructor(
    readonly summary: string,
    readonly status: number,
    readonly scimType: string | undefined,
    readonly detail: string | undefined,
    /** The whole (redacted) exchange, for a response view. */
    readonly response: HttpResponse,
  ) {
    super(summary);
    this.name = 'ScimRequestError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The SCIM error carried by `response` (status ≥ 400), or undefined for a success status. */
export function scimErrorInfo(response: Pick<HttpResponse, 'status' | 'statusText' | 'json'>): ScimErrorInfo | undefined {
  if (response.status < 400) return undefined;
  const body = isObject(response.json) ? response.json : {};
  const scimType = typeof body.scimType === 'string' && body.scimType ? body.scimType : undefined;
  const textField = [body.detail, body.message, body.error_description, body.error].find((v) => typeof v === 'string' && v.trim());
  const detail = typeof textField === 'string' ? textField.trim() : undefined;
  const summary = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}` +
    `${scimType ? ` (${scimType})` : ''}${detail ? `: ${detail}` : ''}`;
  return { status: response.status, ...(scimType ? { scimType } : {}), ...(detail ? { detail } : {}), summary };
}

function pathOf(request: HttpRequest): string {
  return request.url.split('?')[0];
}

function failed(request: HttpRequest, response: HttpResponse, why?: string): ScimRequestError {
  const info = scimErrorInfo(response);
  const what = why ?? info?.summary ?? `${response.status} ${response.statusText}`;
  return new ScimRequestError(`${request.method} ${pathOf(request)} → ${what}`, response.status, info?.scimType, info?.detail, response);
}

function queryString(q: ListQuery): string {
  const params = new URLSearchParams();
  if (q.startIndex !== undefined) params.set('startIndex', String(q.startIndex));
  if (q.count !== undefined) params.set('count', String(q.count));
  if (q.filter) params.set('filter', q.filter);
  if (q.attributes?.length) params.set('attributes', q.attributes.join(','));
  if (q.excludedAttributes?.length) params.set('excludedAttributes', q.excludedAttributes.join(','));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function call(connection: Connection, request: HttpRequest, options: ScimCallOptions): Promise<HttpResponse> {
  const client = options.client ?? new HttpClient(options.network);
  try {
    return await client.send(request, {
      connection,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  } finally {
    if (!options.client) await client.close();
  }
}

function resourceOf(request: HttpRequest, response: HttpResponse): ScimResource {
  const body = response.json;
  if (!isObject(body) || typeof body.id !== 'string' || !body.id) {
    throw failed(request, response, `${response.status} ${response.statusText}, but the body is not a SCIM resource with an "id".`);
  }
  return body as ScimResource;
}

function resourcePath(kind: ResourceKind, id: string): string {
  return `/${kind}/${encodeURIComponent(id)}`;
}

/** One page of Users or Groups (`GET /Users?startIndex=&count=&filter=`). */
export async function listPage(connection: Connection, kind: ResourceKind, query: ListQuery = {}, options: ScimCallOptions = {}): Promise<ListPage> {
  const request: HttpRequest = { method: 'GET', url: `/${kind}${queryString(query)}` };
  const response = await call(connection, request, options);
  if (response.status !== 200) throw failed(request, response);
  const body = response.json;
  if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(URN.ListResponse)) {
    throw failed(request, response, `200, but the body is not a SCIM ListResponse (schemas must include ${URN.ListResponse}).`);
  }
  const resources = body.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => isObject(r) && typeof r.id === 'string')) {
    throw failed(request, response, '200, but "Resources" is not a list of resources with an "id".');
  }
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  return {
    totalResults: num(body.totalResults, resources.length),
    startIndex: num(body.startIndex, query.startIndex ?? 1),
    itemsPerPage: num(body.itemsPerPage, resources.length),
    resources: resources as ScimResource[],
  };
}

/** `GET /Users/{id}`. */
export async function get(connection: Connection, kind: ResourceKind, id: string,
  projection: Pick<ListQuery, 'attributes' | 'excludedAttributes'> = {}, options: ScimCallOptions = {}): Promise<ScimResource> {
  const request: HttpRequest = { method: 'GET', url: `${resourcePath(kind, id)}${queryString(projection)}` };
  const response = await call(connection, request, options);
  if (response.status !== 200) throw failed(request, response);
  return resourceOf(request, response);
}

/** `POST /Users` with `resource`; the created resource (201, or 200 from lenient servers). */
export async function create(connection: Connection, kind: ResourceKind, resource: object, options: ScimCallOptions = {}): Promise<ScimResource> {
  const request: HttpRequest = { method: 'POST', url: `/${kind}`, body: resource };
  const response = await call(connection, request, options);
  if (response.status !== 201 && response.status !== 200) throw failed(request, response);
  return resourceOf(request, response);
}

/** `PUT /Users/{id}` with the full resource. */
export async function replace(connection: Connection, kind: ResourceKind, id: string, resource: object, options: ScimCallOptions = {}): Promise<ScimResource> {
  const request: HttpRequest = { method: 'PUT', url: resourcePath(kind, id), body: resource };
  const response = await call(connection, request, options);
  if (response.status !== 200) throw failed(request, response);
  return resourceOf(request, response);
}

/**
 * `PATCH /Users/{id}` with a PatchOp body (or just its operations). Resolves to the resource when the
 * server returns it (200), undefined on 204.
 */
export async function patch(connection: Connection, kind: ResourceKind, id: string,
  operations: readonly PatchOperation[] | { readonly Operations: readonly PatchOperation[] }, options: ScimCallOptions = {}): Promise<ScimResource | undefined> {
  const body = Array.isArray(operations) ? { schemas: [URN.PatchOp], Operations: operations } : operations;
  const request: HttpRequest = { method: 'PATCH', url: resourcePath(kind, id), body };
  const response = await call(connection, request, options);
  if (response.status === 204) return undefined;
  if (response.status !== 200) throw failed(request, response);
  return response.body.trim() ? resourceOf(request, response) : undefined;
}

/** `DELETE /Users/{id}`: 204 (or 200) succeeds. */
export async function remove(connection: Connection, kind: ResourceKind, id: string, options: ScimCallOptions = {}): Promise<void> {
  const request: HttpRequest = { method: 'DELETE', url: resourcePath(kind, id) };
  const response = await call(connection, request, options);
  if (response.status !== 204 && response.status !== 200) throw failed(request, response);
}
