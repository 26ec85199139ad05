// The request log: one entry per HTTP request, kept in a bounded ring buffer so a long provisioning run
// cannot grow memory without bound. The extension's provisioning log and the CLI read from it.

export interface RequestLogEntry {
  /** Increasing number, unique for the life of the server. */
  readonly id: number;
  /** ISO time the request arrived. */
  readonly time: string;
  readonly method: string;
  /** Path and query string as sent. */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** Request headers; the Authorization value is redacted (its scheme is kept). */
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** Request body as text, capped; '' when there was none. */
  readonly requestBody: string;
  /** Response body as text, capped; '' when there was none. */
  readonly responseBody: string;
  /** Response headers as sent. */
  readonly responseHeaders: Readonly<Record<string, string | number>>;
}

export class RingBuffer<T> {
  private items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private slots: number) {
    RingBuffer.check(slots);
    this.items = new Array<T | undefined>(slots);
  }

  private static check(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('The request log must hold at least one entry.');
  }

  get capacity(): number {
    return this.slots;
  }

  /** Keeps the newest entries that fit in the new capacity (a live setting change, no restart). */
  resize(capacity: number): void {
    RingBuffer.check(capacity);
    if (capacity === this.slots) return;
    const kept = this.toArray().slice(-capacity);
    this.items = new Array<T | undefined>(capacity);
    for (let i = 0; i < kept.length; i++) this.items[i] = kept[i];
    this.slots = capacity;
    this.count = kept.length;
    this.next = kept.length % capacity;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.slots;
    if (this.count < this.slots) this.count++;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity] as T);
    return out;
  }

  /** The most recently pushed item. */
  newest(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

/** How far back the request rate looks. */
const RATE_WINDOW_SECONDS = 3;
/** A request counts in RequestStats' rate for at most this long (its own second and the window's). */
export const RATE_SPAN_MS = (RATE_WINDOW_SECONDS + 1) * 1000;

export interface RequestSummary {
  /** Requests counted since the start or the last clear. */
  readonly total: number;
  /** Requests per second over the last few seconds. */
  readonly perSecond: number;
  /** Answers with status 400 and above, by status, most frequent first. */
  readonly errors: readonly (readonly [status: number, count: number])[];
  /** The newest answer with status 400 or above. */
  readonly latestFailure?: RequestLogEntry;
}

/**
 * Running figures of every request, kept whatever the log's size: during a burst the log holds a fraction of a
 * second, so what a person needs (how fast, which errors, the latest failure) is counted here, in constant
 * memory and time per request.
 */
export class RequestStats {
  private total = 0;
  private readonly errors = new Map<number, number>();
  private latestFailure: RequestLogEntry | undefined;
  /** Requests per whole second, for the last RATE_WINDOW_SECONDS + 1 seconds, by second % length. */
  private readonly perSecond = new Array<number>(RATE_WINDOW_SECONDS + 1).fill(0);
  private readonly second = new Array<number>(RATE_WINDOW_SECONDS + 1).fill(-1);

  record(entry: RequestLogEntry, nowMs = Date.now()): void {
    this.total++;
    if (entry.status >= 400) {
      this.errors.set(entry.status, (this.errors.get(entry.status) ?? 0) + 1);
      this.latestFailure = entry;
    }
    const s = Math.floor(nowMs / 1000);
    const i = s % this.second.length;
    if (this.second[i] !== s) { this.second[i] = s; this.perSecond[i] = 0; }
    this.perSecond[i] = (this.perSecond[i] as number) + 1;
  }

  /** The figures now; the rate counts the last RATE_WINDOW_SECONDS whole seconds and the current one pro rata. */
  summary(nowMs = Date.now()): RequestSummary {
    const now = Math.floor(nowMs / 1000);
    let counted = 0;
    for (let i = 0; i < this.second.length; i++) {
      const s = this.second[i] as number;
      if (s > now - this.second.length && s <= now) counted += this.perSecond[i] as number;
    }
    const seconds = RATE_WINDOW_SECONDS + (nowMs - now * 1000) / 1000;
    return {
      total: this.total,
      perSecond: counted / seconds,
      errors: [...this.errors].sort((x, y) => y[1] - x[1] || x[0] - y[0]),
      ...(this.latestFailure ? { latestFailure: this.latestFailure } : {}),
    };
  }

  clear(): void {
    this.total = 0;
    this.errors.clear();
    this.latestFailure = undefined;
    this.perSecond.fill(0);
    this.second.fill(-1);
  }
}

/** `Bearer abc` → `Bearer [redacted]`; a value without a scheme is redacted whole. */
export function redactAuthorization(value: string): string {
  const space = value.indexOf(' ');
  return space > 0 ? `${value.slice(0, space)} [redacted]` : '[redacted]';
}

/**
 * Caps a body for the log. A capped string is copied so the log does not keep the whole original
 * (V8 slices share their parent's memory).
 */
export function capBody(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = Buffer.from(text.slice(0, limit), 'utf8').toString('utf8');
  return `${head}… [${text.length - limit} more characters not logged]`;
}

const REDACTED = '[redacted]';

/** Whether an attribute name or a PATCH path names the password (`password`, or URN-qualified). */
function namesPassword(name: string): boolean {
  const l = name.trim().toLowerCase();
  return l === 'password' || l.endsWith(':password');
}

/** Whether JSON text can hold a password: it says "password", or has a \u escape that could spell it. */
const mayHoldPassword = (text: string): boolean => /password|\\u/i.test(text);

/**
 * A request body for the log, passwords replaced: any attribute named password (at any depth, PATCH value
 * objects included), the value of a PATCH operation whose path is the password, a search filter naming it.
 * `body` is `text` parsed; undefined when it is not JSON, and then a body that may hold a password is not kept.
 */
export function redactBody(text: string, body: unknown): string {
  if (!mayHoldPassword(text)) return text;
  if (body === undefined) return `[${text.length} characters not logged: not JSON, and they may hold a password]`;
  let found = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    const pathIsPassword = typeof o.path === 'string' && namesPassword(o.path);
    // No prototype: a "__proto__" key in the body stays a plain key.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      const l = k.toLowerCase();
      if (namesPassword(k) || (pathIsPassword && l === 'value') || (l === 'filter' && typeof x === 'string' && /password/i.test(x))) {
        out[k] = REDACTED;
        found = true;
      } else {
        out[k] = walk(x);
      }
    }
    return out;
  };
  const redacted = walk(body);
  return found ? JSON.stringify(redacted) : text;
}

/** A request's path and query for the log; a query that names the password (a filter on it holds one) is replaced. */
export function redactPath(url: string): string {
  const qi = url.indexOf('?');
  if (qi < 0) return url;
  const query = url.slice(qi + 1);
  // Decoded leniently (a stray % must not hide the rest); only the ASCII letters of "password" matter here.
  const text = query.includes('%') ? query.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : query;
  return /password/i.test(text) ? `${url.slice(0, qi)}?[query not logged: it names a password]` : url;
}
