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
}

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('The request log must hold at least one entry.');
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
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
