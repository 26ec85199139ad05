// The mock server's switchable behaviours: Entra compatibility and fault injection. One table names and
// describes each switch, so the CLI flags, the VS Code settings and the docs are generated from it.

export interface MockOptions {
  /** MURAL's query support: only `userName eq` on /Users and `displayName eq` on /Groups, no sorting. Off: full RFC 7644. */
  muralFilters: boolean;
  /** Accept PUT /Groups/{id} (RFC 7644); MURAL documents only GET, PATCH and DELETE on a group. */
  groupPut: boolean;
  /** Accept Entra's string booleans ("True", "False", "false") for boolean attributes. */
  coerceBooleanStrings: boolean;
  /** Accept several members in one PATCH operation's value array (Entra batches them). */
  multipleMembersPerOp: boolean;
  /** Strict RFC reading of `remove` path "members" with a value list: removes ALL members. */
  strictMemberRemoval: boolean;
  /** MURAL compares filters on lower-cased attributes exactly, so `userName eq "Alice@x"` finds nothing. */
  lowercaseFilterRule: boolean;
  /** Answer 429 once more than this many requests arrive in a second (0 = no limit). */
  rateLimitPerSecond: number;
  /** Share of requests (0–1) answered 429 at random, whatever the rate. */
  throttleShare: number;
  /** Seconds sent in Retry-After with 429 and 503 answers. */
  retryAfterSeconds: number;
  /** Milliseconds added before every answer. */
  latencyMs: number;
  /** Share of requests (0–1) that fail with faultStatus. */
  faultShare: number;
  /** Status of injected faults: 500 or 503. */
  faultStatus: number;
  /** Consecutive requests that fail once a fault starts (1 = isolated failures). */
  faultBurst: number;
}

export type OptionKind = 'boolean' | 'number';

export interface OptionSpec<K extends keyof MockOptions = keyof MockOptions> {
  readonly key: K;
  /** CLI flag without dashes; booleans also get a `no-` form. */
  readonly flag: string;
  readonly kind: OptionKind;
  readonly default: MockOptions[K];
  readonly description: string;
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values for numbers with a fixed set. */
  readonly values?: readonly number[];
  readonly integer?: boolean;
}

export const MOCK_OPTION_TABLE: readonly OptionSpec[] = [
  { key: 'muralFilters', flag: 'mural-filters', kind: 'boolean', default: true,
    description: 'MURAL\'s queries: /Users filters only with userName eq, /Groups only with displayName eq (other filters answer 400 invalidFilter) and sortBy is ignored. Off: every RFC 7644 filter and sorting.' },
  { key: 'groupPut', flag: 'group-put', kind: 'boolean', default: false,
    description: 'Accept PUT /Groups/{id} (RFC 7644). MURAL documents only GET, PATCH and DELETE on a group, so by default a PUT answers 405.' },
  { key: 'coerceBooleanStrings', flag: 'coerce-boolean-strings', kind: 'boolean', default: true,
    description: 'Accept Entra\'s string booleans ("True", "False") for boolean attributes such as active.' },
  { key: 'multipleMembersPerOp', flag: 'multiple-members-per-op', kind: 'boolean', default: true,
    description: 'Accept several members in one PATCH operation, as Entra sends them.' },
  { key: 'strictMemberRemoval', flag: 'strict-member-removal', kind: 'boolean', default: false,
    description: 'Strict RFC reading: PATCH remove "members" with a value list removes ALL members (the Entra pitfall).' },
  { key: 'lowercaseFilterRule', flag: 'lowercase-filter-rule', kind: 'boolean', default: true,
    description: 'MURAL\'s rule: filters compare lower-cased attributes exactly, so userName eq "Alice@x.com" finds nothing.' },
  { key: 'rateLimitPerSecond', flag: 'rate-limit', kind: 'number', default: 0, min: 0, max: 100_000, integer: true,
    description: 'Answer 429 with Retry-After above this many requests per second (0 = no limit).' },
  { key: 'throttleShare', flag: 'throttle-share', kind: 'number', default: 0, min: 0, max: 1,
    description: 'Share of requests (0 to 1) answered 429 with Retry-After at random.' },
  { key: 'retryAfterSeconds', flag: 'retry-after', kind: 'number', default: 1, min: 0, max: 3600, integer: true,
    description: 'Seconds sent in the Retry-After header of 429 and 503 answers.' },
  { key: 'latencyMs', flag: 'latency', kind: 'number', default: 0, min: 0, max: 60_000, integer: true,
    description: 'Milliseconds of latency added before every answer.' },
  { key: 'faultShare', flag: 'fault-share', kind: 'number', default: 0, min: 0, max: 1,
    description: 'Share of requests (0 to 1) that fail with the fault status, to rehearse Entra\'s retries and quarantine.' },
  { key: 'faultStatus', flag: 'fault-status', kind: 'number', default: 503, values: [500, 503],
    description: 'HTTP status of injected faults: 500 or 503.' },
  { key: 'faultBurst', flag: 'fault-burst', kind: 'number', default: 1, min: 1, max: 10_000, integer: true,
    description: 'How many consecutive requests fail once an injected fault starts.' },
];

export const DEFAULT_OPTIONS: Readonly<MockOptions> = Object.freeze(
  Object.fromEntries(MOCK_OPTION_TABLE.map((s) => [s.key, s.default])) as unknown as MockOptions,
);

const specByKey = new Map<string, OptionSpec>(MOCK_OPTION_TABLE.map((s) => [s.key, s]));

/** Why `value` is not acceptable for the option, or undefined when it is. */
export function checkOption(spec: OptionSpec, value: unknown): string | undefined {
  if (spec.kind === 'boolean') return typeof value === 'boolean' ? undefined : `${spec.key} must be true or false.`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.key} must be a number.`;
  if (spec.values && !spec.values.includes(value)) return `${spec.key} must be one of ${spec.values.join(', ')}.`;
  if (spec.integer && !Number.isInteger(value)) return `${spec.key} must be a whole number.`;
  if (spec.min !== undefined && value < spec.min) return `${spec.key} must be at least ${spec.min}.`;
  if (spec.max !== undefined && value > spec.max) return `${spec.key} must be at most ${spec.max}.`;
  return undefined;
}

/** Validates a partial options object; throws a RangeError naming the first bad option. */
export function validateOptions(partial: Partial<MockOptions>): Partial<MockOptions> {
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const spec = specByKey.get(key);
    if (!spec) throw new RangeError(`Unknown mock server option "${key}".`);
    const problem = checkOption(spec, value);
    if (problem) throw new RangeError(problem);
  }
  return partial;
}

/** Parses a flag's text value ("0.25", "503") for a number option; throws a RangeError that says what is allowed. */
export function parseOptionText(spec: OptionSpec, text: string): number | boolean {
  if (spec.kind === 'boolean') {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === 'on' || t === '1') return true;
    if (t === 'false' || t === 'off' || t === '0') return false;
    throw new RangeError(`--${spec.flag} must be true or false, not "${text}".`);
  }
  const n = text.trim() === '' ? Number.NaN : Number(text);
  const problem = checkOption(spec, n);
  if (problem) throw new RangeError(`--${spec.flag}: ${problem.replace(`${spec.key} `, '')} (got "${text}")`);
  return n;
}
