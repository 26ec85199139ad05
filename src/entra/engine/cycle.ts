// One provisioning cycle, as Entra's provisioning service runs it (https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works): users,
// then groups, then group memberships; per object Import → Determine if in scope → Match → Perform action,
// each decision logged as a provisioningObjectSummary. The initial cycle looks at every object; incremental
// cycles only at objects whose source changed since the last cycle, plus the escrowed failures. Every request
// is built by src/client/entraRequests.ts, the builders the Entra provisioning check uses.
import { randomUUID } from 'node:crypto';
import type { Exchange } from '../../client/entraCheck/types';
import { Session } from '../../client/entraCheck/session';
import { valuesAt } from '../../client/entraCheck/names';
import {
  activePatch, attributesPatch, createBody, lookupPath, membersAddPatch, membersRemovePatch, readPath, resourcePath,
  type AttributeChange, type EntraResourceKind, type EntraValue,
} from '../../client/entraRequests';
import { whenAborted } from '../../client/abort';
import type { HttpResponse } from '../../client/http';
import { HttpError } from '../../client/httpError';
import { scimErrorInfo } from '../../client/scim';
import { URN } from '../../scim/schemas';
import { isObject, type JsonObject } from '../../scim/values';
import { counted, plural } from '../../scim/text';
import type { EntraDirectory, SourceGroup, SourceUser } from '../directory/model';
import { softDeleteMapping, type AttributeMapping, type ObjectMapping, type ProvisioningConfiguration } from './config';
import {
  errorFor, FAILED_SCOPING, incompatible, INITIATED_BY, NOT_ACTIVE, NOT_ASSIGNED, NOT_EFFECTIVELY_ENTITLED, notEntitledText,
  REDUNDANT_EXPORT, redundantText, shown, SOFT_DELETED, SOURCE_SYSTEM,
  type EntryStatus, type ErrorInformation, type ModifiedProperty, type ProvisioningAction, type ProvisioningLogEntry, type ProvisioningStep,
} from './log';
import { DISABLE_AFTER_MS, ENTRA_THRESHOLDS, judge, nextAttempt, type Quarantine, type QuarantineThresholds } from './quarantine';
import { baseSoftDeleted, groupFingerprint, groupSource, userFingerprint, userSource, type SourceObjectKind } from './source';
import type { EngineState, Escrow, ObjectLink } from './state';

/** Entra's cycles start about every 40 minutes. */
export const CYCLE_INTERVAL_MS = 40 * 60 * 1000;
/** Members per PATCH: not documented by Entra; configurable. */
export const DEFAULT_MEMBER_BATCH = 25;
/** Objects in flight at once: not documented by Entra; configurable. */
export const DEFAULT_CONCURRENCY = 4;
/**
 * Entra does not document how long it waits for a throttled call (reference §7.2: a Microsoft answer that it
 * was "working on honoring the retry-after header", a later forum answer that the client pauses for the
 * Retry-After period and retries the failed request). Ours: waits up to 10 s, 3 times per request.
 */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 10;
export const RETRY_ATTEMPTS = 3;
/** Why a cycle stopped when its caller cancelled it. */
const CANCELLED = 'The cycle was cancelled; the objects not reached are processed in the next cycle.';
/** Unchanged objects a worker looks at before it lets the event loop run (see runCycle's pass). */
const YIELD_EVERY = 1000;
/** The longest an escrowed failure waits for its next retry. */
const MAX_ESCROW_DELAY_MS = 24 * 60 * 60 * 1000;

/**
 * When an object that failed `count` times in a row is retried: Entra retries escrowed failures "with gradually
 * decreasing frequency" (how-provisioning-works) without saying how; ours doubles the wait from one cycle
 * interval (the next cycle) — 40 min, 80 min, 160 min … — up to a day.
 */
function escrowRetryAt(failedAt: number, count: number): string {
  return new Date(failedAt + Math.min(CYCLE_INTERVAL_MS * 2 ** Math.min(count - 1, 16), MAX_ESCROW_DELAY_MS)).toISOString();
}

function escrowDue(escrow: Escrow, now: number): boolean {
  return escrow.retryAt === undefined || Date.parse(escrow.retryAt) <= now;
}

export interface CycleTarget {
  /** A new Session per object, so each log entry gets exactly the exchanges it caused. */
  session(): Session;
  readonly aadOptscim062020: boolean;
}

export interface CycleProgress {
  readonly phase: 'users' | 'groups' | 'memberships';
  readonly done: number;
  readonly total: number;
}

export interface CycleOptions {
  readonly directory: EntraDirectory;
  readonly configuration: ProvisioningConfiguration;
  /** Updated in place as objects are processed: consistent after every object, also when the cycle stops. */
  readonly state: EngineState;
  readonly target: CycleTarget;
  /** Decide and record the writes without sending them (reads still go out). */
  readonly dryRun?: boolean;
  readonly memberBatchSize?: number;
  /** Stops the cycle after the object in progress; the rest is left for the next cycle. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CycleProgress) => void;
  /** Milliseconds since the epoch, for durations (default Date.now). */
  readonly clock?: () => number;
  /** Default: Entra's published thresholds. */
  readonly thresholds?: QuarantineThresholds;
  /** Users (then groups) processed at the same time. Entra does not document its own; default 4. */
  readonly concurrency?: number;
  /** Which entries keep the HTTP exchanges they caused: all (default), failures only, or none (large directories). */
  readonly keepExchanges?: 'all' | 'failures' | 'none';
  /**
   * Provision on demand: only these objects, whatever changed (a group's members first, then the group and its
   * memberships); the job's cycles, clock and quarantine are left alone.
   */
  readonly onDemand?: { readonly userIds: ReadonlySet<string>; readonly groupIds: ReadonlySet<string> };
  /**
   * The job secret SkipOutOfScopeDeletions (skip-out-of-scope-deletions): users that leave scope are not disabled
   * (hard deletes still go out).
   */
  readonly skipOutOfScopeDeletions?: boolean;
  /** Called with each log entry as it is made. */
  readonly onEntry?: (entry: ProvisioningLogEntry) => void;
  /** false: entries go only to onEntry, not into the result (large directories). Default true. */
  readonly retainEntries?: boolean;
  /**
   * Prevent accidental deletions: a cycle that would disable or delete more objects than this stages them
   * (StagedDelete) and quarantines the job until they are allowed. Off when undefined.
   */
  readonly deletionThreshold?: number;
  /**
   * A 429 or 503 with a Retry-After of at most this many seconds is sent again after that wait, up to
   * RETRY_ATTEMPTS times per request, within the cycle; a longer wait (or none given) fails the object, which
   * is retried in the next cycle. 0 turns the waiting off. Default DEFAULT_MAX_RETRY_AFTER_SECONDS.
   */
  readonly maxRetryAfterSeconds?: number;
}

export interface KindStats {
  create: number;
  update: number;
  disable: number;
  delete: number;
  skipped: number;
  failed: number;
}

export interface CycleStats {
  readonly users: KindStats;
  readonly groups: KindStats;
  /** Groups whose memberships were changed (or failed to). */
  readonly memberships: { updated: number; failed: number; membersAdded: number; membersRemoved: number };
  requests: number;
  /** Disables and deletes held over the accidental-deletion threshold. */
  stagedDeletes: number;
}

export interface CycleSummary {
  readonly id: string;
  readonly kind: 'initial' | 'incremental' | 'onDemand';
  /** Simulated times (ISO 8601): the cycle starts at the state's clock. */
  readonly started: string;
  readonly ended: string;
  readonly durationInMilliseconds: number;
  readonly stats: CycleStats;
  /** Why the cycle stopped before the end (refused credentials, cancelled); the rest waits for the next cycle. */
  readonly stopped?: string;
  readonly dryRun?: true;
  /** The job is quarantined after this cycle. */
  readonly quarantine?: Quarantine;
  /** Simulated start of the next cycle: 40 minutes on, or the quarantine's next attempt. */
  readonly nextCycle: string;
}

export interface CycleResult {
  readonly cycle: CycleSummary;
  readonly entries: readonly ProvisioningLogEntry[];
}

const emptyStats = (): KindStats => ({ create: 0, update: 0, disable: 0, delete: 0, skipped: 0, failed: 0 });

/** Ends the cycle: credentials refused or the run cancelled. */
class CycleStop extends Error {}

const TARGET_KIND: Record<SourceObjectKind, EntraResourceKind> = { User: 'Users', Group: 'Groups' };

/** One object's pass through the pipeline: its steps, changes, exchanges and outcome. */
class ObjectRun {
  readonly steps: ProvisioningStep[] = [];
  readonly modified: ModifiedProperty[] = [];
  action: ProvisioningAction = 'other';
  status: EntryStatus = 'success';
  error?: ErrorInformation;
  targetId = '';
  readonly started: number;

  /** The run updates a group's memberships (its own entry after the groups, counted apart). */
  membership = false;
  /** A disable or delete held over the accidental-deletion threshold: the object is looked at again next cycle. */
  staged = false;

  constructor(readonly cycle: Cycle, readonly kind: SourceObjectKind, readonly sourceId: string, readonly name: string, readonly session: Session) {
    this.started = cycle.clock();
  }

  step(name: string, type: ProvisioningStep['provisioningStepType'], status: EntryStatus, description: string, details: Record<string, string> = {}): void {
    this.steps.push({ name, provisioningStepType: type, status, description, details });
  }

  fail(error: ErrorInformation, step: { name: string; type: ProvisioningStep['provisioningStepType']; description: string }): void {
    this.status = 'failure';
    this.error = error;
    this.step(step.name, step.type, 'failure', step.description, { ErrorCode: error.errorCode, Reason: error.reason });
  }

  /** Holds a disable or delete over the accidental-deletion threshold. */
  stage(what: string): void {
    this.staged = true;
    this.cycle.held.add(this.sourceId);
    this.status = 'skipped';
    this.action = 'stagedDelete';
    const reason = `The ${what} of ${this.kind} '${this.name}' is held: this cycle would disable or delete ${counted(this.cycle.deletions, 'object')}, ` +
      `more than the accidental-deletion threshold of ${this.cycle.o.deletionThreshold}. Allow the deletions to send it.`;
    this.error = { errorCode: 'StagedDelete', reason, errorCategory: 'success' };
    this.step('EntryExportStagedDelete', 'export', 'skipped', reason);
  }

  skip(reason: string, description: string, step = 'EntrySynchronizationSkip', type: ProvisioningStep['provisioningStepType'] = 'export'): void {
    this.status = 'skipped';
    this.action = 'other';
    this.error = { errorCode: reason, reason: description, errorCategory: 'success' };
    this.step(step, type, 'skipped', description, { SkipReason: reason });
  }
}

class Cycle {
  readonly id = randomUUID();
  readonly entries: ProvisioningLogEntry[] = [];
  readonly stats: CycleStats = {
    users: emptyStats(), groups: emptyStats(), memberships: { updated: 0, failed: 0, membersAdded: 0, membersRemoved: 0 }, requests: 0, stagedDeletes: 0,
  };
  readonly clock: () => number;
  readonly startedReal: number;
  readonly startedSim: number;
  readonly initial: boolean;
  readonly app: string;
  /** Groups whose memberships this cycle looks at. */
  readonly membershipQueue: SourceGroup[] = [];
  stopped?: string;
  /** The endpoint answered 401. */
  credentialsRefused = false;
  /** Disables and deletes this cycle would send; over the threshold they are staged. */
  deletions = 0;
  stageDeletes = false;
  /** Source ids whose disable or delete was staged: their watermark stays, so the next cycle sees them again. */
  readonly held = new Set<string>();
  private change = 0;
  /** Per kind, per matching attribute, how many in-scope source objects have each value; built when first needed. */
  private readonly matchValues = new Map<SourceObjectKind, Map<AttributeMapping, Map<string, number>>>();

  /**
   * How many source objects in scope share `value` of the matching attribute `m` (DuplicateSourceEntries when
   * more than one). Counted once per cycle, and only in a cycle that matches an object: incremental cycles of
   * linked objects never pay for it.
   */
  sharing(kind: SourceObjectKind, m: AttributeMapping, value: string): number {
    let counts = this.matchValues.get(kind);
    if (!counts) {
      counts = new Map();
      this.matchValues.set(kind, counts);
      const { directory, configuration } = this.o;
      const mapping = kind === 'User' ? configuration.users : configuration.groups;
      const matchers = matchingAttributes(mapping);
      for (const a of matchers) counts.set(a, new Map());
      const count = (source: Readonly<Record<string, unknown>>) => {
        for (const a of matchers) {
          const out = a.evaluate(source);
          if (out.flow !== 'value' || typeof out.value !== 'string' || out.value === '') continue;
          const seen = counts!.get(a)!;
          const key = compared(a, out.value);
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      };
      if (kind === 'User') {
        // userScope's test without its details: in scope needs IsSoftDeleted false, so the one source built
        // is both what the scoping filter reads and what the matchers read.
        for (const u of directory.users) {
          if (baseSoftDeleted(directory, u)) continue;
          const source = userSource(u, false);
          if (!mapping.scoping || mapping.scoping.evaluate(source).inScope) count(source);
        }
      } else {
        for (const g of directory.groups) if (groupScope(directory, g, mapping).inScope) count(groupSource(g));
      }
    }
    return counts.get(m)?.get(compared(m, value)) ?? 0;
  }

  constructor(readonly o: CycleOptions) {
    this.clock = o.clock ?? Date.now;
    this.startedReal = this.clock();
    this.startedSim = Date.parse(o.state.clock);
    this.initial = o.state.cycles === 0 || o.state.configuration !== o.configuration.fingerprint;
    this.app = o.configuration.appName;
  }

  simTime(real = this.clock()): string {
    return new Date(this.startedSim + (real - this.startedReal)).toISOString();
  }

  /** Waits `ms` (a Retry-After); a cancel ends the wait and the cycle. */
  pause(ms: number): Promise<void> {
    this.checkSignal();
    if (ms <= 0) return Promise.resolve();
    const signal = this.o.signal;
    return new Promise((resolve, reject) => {
      // Every worker may be waiting at once: one listener on the signal for all of them (src/client/abort.ts).
      const unwatch = signal ? whenAborted(signal, () => {
        clearTimeout(timer);
        reject(new CycleStop(CANCELLED));
      }) : undefined;
      const timer = setTimeout(() => {
        unwatch?.();
        resolve();
      }, ms);
    });
  }

  /** The Retry-After of a throttled answer (429 or 503), which send() may wait for; undefined for any other. */
  private retryWait(res: HttpResponse): number | undefined {
    return res.status === 429 || res.status === 503 ? res.retryAfterSeconds : undefined;
  }

  /** The longest Retry-After send() waits for (CycleOptions.maxRetryAfterSeconds); 0 or less: none. */
  private get maxRetryAfter(): number {
    return this.o.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS;
  }

  checkSignal(): void {
    if (this.o.signal?.aborted) throw new CycleStop(CANCELLED);
  }

  // --- requests -----------------------------------------------------------------------------------------

  /** Sends (or, for writes in a dry run, only records) a request; undefined when no answer came (the run records why). */
  async send(run: ObjectRun, method: string, path: string, body?: unknown): Promise<HttpResponse | { dryRun: true } | { error: HttpError }> {
    if (this.o.dryRun && method !== 'GET') {
      run.session.record({ request: run.session.planned(method, path, body) });
      return { dryRun: true };
    }
    try {
      let res: HttpResponse;
      for (let attempt = 0; ; attempt++) {
        this.stats.requests++;
        res = await run.session.send(method, path, body);
        const wait = this.retryWait(res);
        const max = this.maxRetryAfter;
        if (wait === undefined || max <= 0 || wait > max || attempt >= RETRY_ATTEMPTS) break;
        await this.pause(wait * 1000);
      }
      if (res.status === 401) {
        const error = errorFor(this.app, 401, undefined, scimErrorInfo(res)?.detail, `${method} ${path.split('?')[0]}`);
        run.fail(error, { name: 'EntryExport', type: 'export', description: error.reason });
        this.credentialsRefused = true;
        this.stopped = `${this.app} refused the credentials (401): Entra stops at once and the job goes into quarantine. Check the secret token.`;
        throw new CycleStop(this.stopped);
      }
      return res;
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.kind === 'aborted') throw new CycleStop(CANCELLED);
        return { error: e };
      }
      throw e;
    }
  }

  /** The error of a failed exchange (a status outside `ok`, or no answer). */
  failure(answer: HttpResponse | { error: HttpError }, what: string): ErrorInformation {
    if ('error' in answer) return errorFor(this.app, undefined, answer.error.kind, answer.error.summary, what);
    const error = errorFor(this.app, answer.status, undefined, scimErrorInfo(answer)?.detail, what);
    const wait = this.retryWait(answer);
    if (wait === undefined) return error;
    const max = this.maxRetryAfter;
    const waited = max <= 0 ? ' Waiting for a Retry-After within the cycle is off.' : wait > max
      ? ` Its Retry-After of ${wait} s is longer than the ${max} s the engine waits within a cycle.`
      : ` It was sent ${RETRY_ATTEMPTS + 1} times, each after the Retry-After of ${wait} s.`;
    return { ...error, reason: `${error.reason}${waited}` };
  }

  // --- mapped values ------------------------------------------------------------------------------------

  /**
   * The values a create (every mapping, defaults applied) or an update (every mapping but ObjectAddOnly; update()
   * narrows the add-only flows with addOnly()) computes.
   */
  values(mapping: ObjectMapping, source: Readonly<Record<string, unknown>>, create: boolean): { values: Map<string, EntraValue>; errors: string[]; ignoreObject: boolean } {
    const values = new Map<string, EntraValue>();
    const errors: string[] = [];
    let ignoreObject = false;
    for (const a of mapping.attributes) {
      if (!create && a.flowType === 'ObjectAddOnly') continue;
      const out = a.evaluate(source);
      if (out.flow === 'error') errors.push(`${a.target} ← ${a.source}: ${out.message}`);
      else if (out.flow === 'ignoreObject') ignoreObject = true;
      else if (out.flow === 'value') values.set(a.target, typed(a, out.value));
      else if (out.flow === 'none' && create && a.defaultValue !== undefined) values.set(a.target, typed(a, a.defaultValue));
    }
    return { values, errors, ignoreObject };
  }

  // --- the log ------------------------------------------------------------------------------------------

  finish(run: ObjectRun, link: ObjectLink | undefined): void {
    const end = this.clock();
    const keep = this.o.keepExchanges ?? 'all';
    let exchanges: Exchange[] = [];
    if (keep === 'all' || (keep === 'failures' && run.status === 'failure')) exchanges = run.session.take();
    else run.session.drop();
    if (run.membership) {
      if (run.status === 'failure') this.stats.memberships.failed++;
      else this.stats.memberships.updated++;
    } else {
      const stats = run.kind === 'User' ? this.stats.users : this.stats.groups;
      if (run.staged) this.stats.stagedDeletes++;
      else if (run.status === 'failure') stats.failed++;
      else if (run.status === 'skipped') stats.skipped++;
      else if (run.action !== 'other' && run.action !== 'stagedDelete') stats[run.action]++;
    }
    if (link) {
      const key = run.membership ? 'membersEscrow' : 'escrow';
      const prior = link[key];
      if (run.status === 'failure' && run.error) {
        const count = (prior?.count ?? 0) + 1;
        const failedAt = this.simTime(run.started);
        link[key] = { errorCode: run.error.errorCode, reason: run.error.reason, count, since: prior?.since ?? failedAt, retryAt: escrowRetryAt(Date.parse(failedAt), count) };
      } else {
        delete link[key];
      }
    }
    const identityType = run.kind;
    const entry: ProvisioningLogEntry = {
      id: randomUUID(),
      activityDateTime: this.simTime(run.started),
      jobId: this.o.state.jobId,
      cycleId: this.id,
      changeId: `${this.id}.${++this.change}`,
      provisioningAction: run.action,
      durationInMilliseconds: Math.max(0, Math.round(end - run.started)),
      initiatedBy: INITIATED_BY,
      sourceSystem: { displayName: SOURCE_SYSTEM },
      targetSystem: { displayName: this.app },
      sourceIdentity: { id: run.sourceId, displayName: run.name, identityType, details: {} },
      targetIdentity: { id: run.targetId, displayName: run.name, identityType, details: {} },
      modifiedProperties: run.modified,
      provisioningSteps: run.steps,
      provisioningStatusInfo: { status: run.status, ...(run.error ? { errorInformation: run.error } : {}) },
      exchanges,
      ...(this.o.dryRun ? { dryRun: true as const } : {}),
    };
    this.o.onEntry?.(entry);
    if (this.o.retainEntries !== false) this.entries.push(entry);
  }
}

/** A mapping's value as the target type wants it: Boolean targets get booleans from "True"/"False". */
function typed(a: AttributeMapping, value: string | readonly string[]): EntraValue {
  if (a.targetType === 'Boolean' && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/**
 * What an update may send for a mapping that only adds (Graph's attributeMappingFlowType): undefined when it
 * sends nothing. AttributeAddOnly flows only into a target without a value; ValueAddOnly and MultiValueAddOnly
 * send the target's values plus the computed ones it lacks (never removing one), and on a single value flow
 * only into a target without one.
 */
export function addOnly(a: AttributeMapping, computed: EntraValue, current: readonly unknown[]): EntraValue | undefined {
  if (a.flowType === 'Always' || a.flowType === 'ObjectAddOnly' || current.length === 0) return computed;
  if (a.flowType === 'AttributeAddOnly' || !Array.isArray(computed)) return undefined;
  const have = new Set(current.map((v) => compared(a, v)));
  const missing = computed.filter((v) => !have.has(compared(a, v)));
  return missing.length === 0 ? undefined : [...current.map(String), ...missing];
}

/** A value as Entra compares it with the target's: as text, ignoring case unless the target attribute is caseExact. */
function compared(a: AttributeMapping | undefined, v: unknown): string {
  const s = typeof v === 'string' ? v : typeof v === 'boolean' || typeof v === 'number' ? String(v) : JSON.stringify(v);
  return a?.caseExact ? s : s.toLowerCase();
}

/** Whether the target already holds the computed value (or exactly the computed values, in any order). */
function same(a: AttributeMapping | undefined, computed: EntraValue, current: readonly unknown[]): boolean {
  const norm = (v: unknown) => compared(a, v);
  if (Array.isArray(computed)) {
    const want = new Set(computed.map(norm));
    const have = new Set(current.map(norm));
    return want.size === have.size && [...want].every((v) => have.has(v));
  }
  return current.length === 1 && norm(current[0]) === norm(computed);
}

function listAnswer(res: HttpResponse): JsonObject[] | undefined {
  const body = res.json;
  if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(URN.ListResponse)) return undefined;
  const resources = body.Resources ?? [];
  return Array.isArray(resources) ? resources.filter(isObject) : undefined;
}

function resourceId(res: HttpResponse): string | undefined {
  const body = res.json;
  return isObject(body) && typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
}

function ensureLink(table: Record<string, ObjectLink>, id: string, name: string): ObjectLink {
  const link = table[id] ?? (table[id] = { displayName: name });
  link.displayName = name;
  return link;
}

/** Import → scope → match → action for one user or group that is in the directory. */
async function provisionObject(c: Cycle, kind: SourceObjectKind, id: string, name: string, mapping: ObjectMapping,
  source: Readonly<Record<string, unknown>>, scope: { inScope: boolean; reasons: string[]; details: Record<string, string> }, link: ObjectLink): Promise<void> {
  const run = new ObjectRun(c, kind, id, name, c.o.target.session());
  run.targetId = link.targetId ?? '';
  const noun = kind;
  const tk = TARGET_KIND[kind];
  try {
    // The source attributes the mappings read, as the portal's "View details" of the import step lists them.
    const imported: Record<string, string> = {};
    for (const a of mapping.attributes) {
      for (const key of sourceAttributes(a)) imported[key] = shown(source[key]) ?? '';
    }
    run.step('EntryImport', 'import', 'success', `Retrieved ${noun} '${name}' from ${SOURCE_SYSTEM}`, imported);
    run.step('EntrySynchronizationScoping', 'scoping', scope.inScope ? 'success' : 'skipped', `Determine if ${noun} in scope by evaluating against each scoping filter`, scope.details);

    if (!scope.inScope) {
      await outOfScope(c, run, mapping, source, scope.reasons, link);
      return;
    }

    // Match: the linked object, or a query per matching attribute in precedence order.
    let target: JsonObject | undefined;
    if (link.targetId) {
      const answer = await c.send(run, 'GET', readPath(tk, link.targetId));
      if ('dryRun' in answer) return;
      if ('error' in answer || answer.status !== 200) {
        const gone = !('error' in answer) && answer.status === 404;
        const error = gone
          ? { ...errorFor(c.app, 404, undefined, scimErrorInfo(answer as HttpResponse)?.detail, 'GET'), errorCode: 'InvalidAnchor', reason: `The ${noun} '${name}' that was created or matched earlier (id ${link.targetId}) no longer exists in ${c.app}. Restart provisioning to match it again.` }
          : c.failure(answer, `GET ${tk}/${link.targetId}`);
        run.fail(error, { name: 'EntryImport', type: 'matching', description: `Failed to retrieve ${noun} '${name}' from ${c.app}` });
        return;
      }
      target = isObject(answer.json) ? answer.json : undefined;
      if (!target) {
        run.fail(incompatible(c.app, `GET ${tk}/${link.targetId}`), { name: 'EntryImport', type: 'matching', description: `Failed to read ${noun} '${name}' from ${c.app}` });
        return;
      }
      run.step('EntryImport', 'matching', 'success', `Retrieved '${name}' from ${c.app}`, flatDetails(target));
    } else {
      const matchers = matchingAttributes(mapping);
      let tried = 0;
      for (const m of matchers) {
        const out = m.evaluate(source);
        if (out.flow !== 'value' || typeof out.value !== 'string' || out.value === '') continue;
        tried++;
        const twins = c.sharing(kind, m, out.value);
        if (twins > 1) {
          run.fail({
            errorCode: 'DuplicateSourceEntries',
            reason: `${counted(twins, noun)} in scope in ${SOURCE_SYSTEM} have ${m.target} "${out.value}" (from ${m.source}): Entra cannot tell which of them ${c.app}'s object is.`,
            errorCategory: 'failure',
            recommendedAction: `Give each ${noun} its own ${m.source}, or change the matching attribute.`,
          }, { name: 'EntryImport', type: 'matching', description: `Found ${counted(twins, noun)} in ${SOURCE_SYSTEM} matching '${name}'` });
          return;
        }
        const answer = await c.send(run, 'GET', lookupPath(tk, m.target, out.value));
        if ('dryRun' in answer) return;
        if ('error' in answer || answer.status !== 200) {
          run.fail(c.failure(answer, `GET ${tk}?filter=${m.target} eq "${out.value}"`), { name: 'EntryImport', type: 'matching', description: `Failed to query ${c.app} for ${noun} '${name}'` });
          return;
        }
        const found = listAnswer(answer);
        if (!found) {
          run.fail(incompatible(c.app, `GET ${tk}?filter=${m.target} eq "${out.value}"`), { name: 'EntryImport', type: 'matching', description: `Failed to query ${c.app} for ${noun} '${name}'` });
          return;
        }
        if (found.length > 1) {
          run.fail({
            errorCode: 'DuplicateTargetEntries',
            reason: `More than one ${noun} in ${c.app} matches ${m.target} eq "${out.value}" (${found.length} found): Entra cannot tell which one to manage.`,
            errorCategory: 'failure',
            recommendedAction: `Remove the duplicates from ${c.app}, or change the matching attribute.`,
          }, { name: 'EntryImport', type: 'matching', description: `Found ${counted(found.length, noun)} matching '${name}' in ${c.app}` });
          return;
        }
        if (found.length === 1) {
          target = found[0];
          break;
        }
      }
      if (tried === 0) {
        run.skip('ImportSkipped', `The ${noun} '${name}' has no value for any matching attribute (${matchers.map((m) => m.source).join(', ') || 'none is configured'}), so Entra cannot look it up in ${c.app}.`, 'EntryImport', 'matching');
        return;
      }
      if (target) {
        link.targetId = String(target.id);
        run.targetId = link.targetId;
        run.step('EntryImport', 'matching', 'success', `Retrieved '${name}' from ${c.app}`, flatDetails(target));
      }
    }

    if (!target) await create(c, run, mapping, source, link);
    else await update(c, run, mapping, source, target, link);
  } finally {
    c.finish(run, link);
  }
}

const matchingByMapping = new WeakMap<ObjectMapping, readonly AttributeMapping[]>();

/** A mapping's matching attributes, lowest matchingPriority (tried first) first; found once per mapping. */
function matchingAttributes(mapping: ObjectMapping): readonly AttributeMapping[] {
  let list = matchingByMapping.get(mapping);
  if (!list) {
    list = mapping.attributes.filter((a) => (a.matchingPriority ?? 0) > 0).sort((a, b) => (a.matchingPriority ?? 0) - (b.matchingPriority ?? 0));
    matchingByMapping.set(mapping, list);
  }
  return list;
}

const readAttributes = new WeakMap<AttributeMapping, readonly string[]>();

/** The source attributes a mapping reads (`[givenName]` in its source), found once per mapping. */
function sourceAttributes(a: AttributeMapping): readonly string[] {
  let keys = readAttributes.get(a);
  if (!keys) {
    keys = [...a.source.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
    readAttributes.set(a, keys);
  }
  return keys;
}

function flatDetails(target: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(target)) if (k !== 'schemas' && k !== 'meta') out[k] = shown(v) ?? '';
  return out;
}

async function create(c: Cycle, run: ObjectRun, mapping: ObjectMapping, source: Readonly<Record<string, unknown>>, link: ObjectLink): Promise<void> {
  const tk = TARGET_KIND[run.kind];
  if (!mapping.actions.create) {
    run.skip('EntrySynchronizationSkipped', `No matching ${run.kind} was found in ${c.app}, and Create is not among the target object actions, so Entra does not create it.`);
    return;
  }
  const { values, errors, ignoreObject } = c.values(mapping, source, true);
  if (errors.length) {
    run.fail({ errorCode: 'ExpressionEvaluationFailed', reason: `The attribute mappings could not be evaluated for '${run.name}': ${errors.join('; ')}`, errorCategory: 'failure' },
      { name: 'EntrySynchronizationAdd', type: 'processing', description: `Failed to evaluate the attribute mappings of ${run.kind} '${run.name}'` });
    return;
  }
  if (ignoreObject) {
    run.skip('EntrySynchronizationSkipped', `A mapping returned IgnoreObjectFlow: ${run.kind} '${run.name}' is not created.`);
    return;
  }
  run.step('EntrySynchronizationAdd', 'matching', 'success',
    `${run.kind} '${run.name}' will be created in ${c.app} (${run.kind} is active and assigned in ${SOURCE_SYSTEM}, but no matching ${run.kind} was found in ${c.app})`);
  const answer = await c.send(run, 'POST', `/${tk}`, createBody(tk, values));
  for (const [target, value] of values) run.modified.push({ displayName: target, oldValue: null, newValue: shown(value) });
  run.action = 'create';
  if ('dryRun' in answer) {
    link.targetId = `(dry run: ${run.sourceId})`;
    return;
  }
  if ('error' in answer || (answer.status !== 201 && answer.status !== 200)) {
    run.fail(c.failure(answer, `POST /${tk}`), { name: 'EntryExportAdd', type: 'export', description: `Failed to create ${run.kind} '${run.name}' in ${c.app}` });
    return;
  }
  const id = resourceId(answer);
  if (!id) {
    run.fail(incompatible(c.app, `POST /${tk} answered ${answer.status} without an "id"`), { name: 'EntryExportAdd', type: 'export', description: `Failed to create ${run.kind} '${run.name}' in ${c.app}` });
    return;
  }
  link.targetId = id;
  delete link.disabled;
  run.targetId = id;
  run.step('EntryExportAdd', 'export', 'success', `${run.kind} '${run.name}' was created in ${c.app}`, { ReportableIdentifier: run.name });
}

async function update(c: Cycle, run: ObjectRun, mapping: ObjectMapping, source: Readonly<Record<string, unknown>>, target: JsonObject, link: ObjectLink): Promise<void> {
  const tk = TARGET_KIND[run.kind];
  const { values, errors } = c.values(mapping, source, false);
  if (errors.length) {
    run.fail({ errorCode: 'ExpressionEvaluationFailed', reason: `The attribute mappings could not be evaluated for '${run.name}': ${errors.join('; ')}`, errorCategory: 'failure' },
      { name: 'EntrySynchronizationUpdate', type: 'processing', description: `Failed to evaluate the attribute mappings of ${run.kind} '${run.name}'` });
    return;
  }
  const byTarget = new Map(mapping.attributes.map((a) => [a.target, a]));
  const changes: AttributeChange[] = [];
  for (const [t, computed] of values) {
    const current = valuesAt(target, t);
    const a = byTarget.get(t);
    const value = a ? addOnly(a, computed, current) : computed;
    if (value === undefined || same(a, value, current)) continue;
    changes.push({ target: t, value, added: current.length === 0 });
    run.modified.push({ displayName: t, oldValue: current.length ? shown(current.length === 1 ? current[0] : current) : null, newValue: shown(value) });
  }
  if (changes.length === 0) {
    run.skip(REDUNDANT_EXPORT, redundantText(run.kind, run.name));
    delete link.disabled;
    return;
  }
  if (!mapping.actions.update) {
    run.modified.length = 0;
    run.skip('EntrySynchronizationSkipped', `${run.kind} '${run.name}' differs from ${c.app}, but Update is not among the target object actions.`);
    return;
  }
  run.step('EntrySynchronizationUpdate', 'matching', 'success', `${run.kind} '${run.name}' will be updated in ${c.app}`);
  run.action = 'update';
  const answer = await c.send(run, 'PATCH', resourcePath(tk, String(target.id)), attributesPatch(changes, c.o.target.aadOptscim062020));
  if ('dryRun' in answer) return;
  if ('error' in answer || (answer.status !== 200 && answer.status !== 204)) {
    run.fail(c.failure(answer, `PATCH /${tk}/${String(target.id)}`), { name: 'EntryExportUpdate', type: 'export', description: `Failed to update ${run.kind} '${run.name}' in ${c.app}` });
    return;
  }
  delete link.disabled;
  run.step('EntryExportUpdate', 'export', 'success', `${run.kind} '${run.name}' was updated in ${c.app}`, { ReportableIdentifier: run.name });
}

/** A linked object that left scope is disabled (users, through the IsSoftDeleted mapping) or deleted (groups); others are skipped. */
async function outOfScope(c: Cycle, run: ObjectRun, mapping: ObjectMapping, source: Readonly<Record<string, unknown>>, reasons: string[], link: ObjectLink): Promise<void> {
  const tk = TARGET_KIND[run.kind];
  if (!link.targetId || link.disabled) {
    run.skip(NOT_EFFECTIVELY_ENTITLED, notEntitledText(run.kind, run.sourceId, reasons), 'EntrySynchronizationScoping', 'scoping');
    return;
  }
  if (run.kind === 'Group') {
    await deleteLinked(c, run, mapping, link, `the group left the provisioning scope (${reasons.join(' ')})`);
    return;
  }
  if (c.o.skipOutOfScopeDeletions) {
    run.skip(NOT_EFFECTIVELY_ENTITLED, `${notEntitledText(run.kind, run.sourceId, reasons)} SkipOutOfScopeDeletions is set, so Entra does not disable the user in ${c.app}.`, 'EntrySynchronizationScoping', 'scoping');
    return;
  }
  const soft = softDeleteMapping(mapping);
  if (!soft) {
    run.skip(NOT_EFFECTIVELY_ENTITLED, `${notEntitledText(run.kind, run.sourceId, reasons)} IsSoftDeleted is not mapped, so Entra does not disable the user in ${c.app}.`, 'EntrySynchronizationScoping', 'scoping');
    return;
  }
  if (c.stageDeletes) {
    run.stage('disable');
    return;
  }
  const out = soft.evaluate({ ...source, IsSoftDeleted: true });
  if (out.flow !== 'value') {
    run.skip(NOT_EFFECTIVELY_ENTITLED, `${notEntitledText(run.kind, run.sourceId, reasons)} The IsSoftDeleted mapping (${soft.target}) gave no value, so nothing is sent.`, 'EntrySynchronizationScoping', 'scoping');
    return;
  }
  const value = typed(soft, out.value);
  const body = soft.target === 'active' && typeof value === 'boolean'
    ? activePatch(value, c.o.target.aadOptscim062020)
    : attributesPatch([{ target: soft.target, value }], c.o.target.aadOptscim062020);
  run.step('EntrySynchronizationUpdate', 'matching', 'success', `${run.kind} '${run.name}' will be disabled in ${c.app} (${reasons.join(' ')})`);
  run.action = 'disable';
  // What the mapping gave while the object was in scope, i.e. what was sent then ("True" for Not([IsSoftDeleted])).
  const before = soft.evaluate({ ...source, IsSoftDeleted: false });
  run.modified.push({ displayName: soft.target, oldValue: before.flow === 'value' ? shown(typed(soft, before.value)) : null, newValue: shown(value) });
  const answer = await c.send(run, 'PATCH', resourcePath(tk, link.targetId), body);
  if ('dryRun' in answer) return;
  if ('error' in answer || (answer.status !== 200 && answer.status !== 204)) {
    const error = !('error' in answer) && answer.status === 404
      ? { errorCode: 'InvalidAnchor', reason: `The ${run.kind} '${run.name}' (id ${link.targetId}) no longer exists in ${c.app}.`, errorCategory: 'failure' as const }
      : c.failure(answer, `PATCH /${tk}/${link.targetId}`);
    run.fail(error, { name: 'EntryExportUpdate', type: 'export', description: `Failed to disable ${run.kind} '${run.name}' in ${c.app}` });
    return;
  }
  link.disabled = true;
  run.step('EntryExportUpdate', 'export', 'success', `${run.kind} '${run.name}' was disabled in ${c.app}`, { ReportableIdentifier: run.name });
}

/** DELETE of a linked object (hard-deleted in Entra, or a group out of scope); the link goes once it is gone. */
async function deleteLinked(c: Cycle, run: ObjectRun, mapping: ObjectMapping, link: ObjectLink, why: string): Promise<boolean> {
  const tk = TARGET_KIND[run.kind];
  if (!mapping.actions.delete || !link.targetId) {
    run.skip('EntrySynchronizationSkipped', `${run.kind} '${run.name}': ${why}, but Delete is not among the target object actions, so Entra leaves it in ${c.app}.`);
    return false;
  }
  if (c.stageDeletes) {
    run.stage('deletion');
    return false;
  }
  run.step('EntrySynchronizationDelete', 'matching', 'success', `${run.kind} '${run.name}' will be deleted from ${c.app}: ${why}`);
  run.action = 'delete';
  const answer = await c.send(run, 'DELETE', resourcePath(tk, link.targetId));
  if ('dryRun' in answer) return false;
  if ('error' in answer || (answer.status !== 204 && answer.status !== 200 && answer.status !== 404)) {
    run.fail(c.failure(answer, `DELETE /${tk}/${link.targetId}`), { name: 'EntryExportDelete', type: 'export', description: `Failed to delete ${run.kind} '${run.name}' from ${c.app}` });
    return false;
  }
  run.step('EntryExportDelete', 'export', 'success', answer.status === 404
    ? `${run.kind} '${run.name}' was already gone from ${c.app} (404)`
    : `${run.kind} '${run.name}' was deleted from ${c.app}`, { ReportableIdentifier: run.name });
  return true;
}

/** Objects linked in the state that are no longer in the directory: hard-deleted in Entra. */
async function hardDeleted(c: Cycle, kind: SourceObjectKind, table: Record<string, ObjectLink>, present: ReadonlyMap<string, unknown>, mapping: ObjectMapping): Promise<void> {
  const gone: string[] = [];
  for (const id in table) if (!present.has(id)) gone.push(id);
  for (const id of gone) {
    const link = table[id];
    c.checkSignal();
    if (!link.targetId) {
      delete table[id];
      continue;
    }
    const run = new ObjectRun(c, kind, id, link.displayName, c.o.target.session());
    run.targetId = link.targetId;
    run.step('EntryImport', 'import', 'success', `Received ${kind} '${link.displayName}' change of type (Delete) from ${SOURCE_SYSTEM}`);
    let gone = false;
    try {
      gone = await deleteLinked(c, run, mapping, link, `it was deleted in ${SOURCE_SYSTEM}`);
    } finally {
      c.finish(run, link);
    }
    if (gone) delete table[id];
  }
}

function userScope(directory: EntraDirectory, user: SourceUser, mapping: ObjectMapping): { inScope: boolean; reasons: string[]; details: Record<string, string>; softDeleted: boolean } {
  const assigned = directory.scope === 'all' || directory.assignedUserIds.has(user.id);
  const filter = mapping.scoping?.evaluate(userSource(user, baseSoftDeleted(directory, user)));
  const reasons: string[] = [];
  if (!assigned) reasons.push(NOT_ASSIGNED);
  if (filter && !filter.inScope) reasons.push(FAILED_SCOPING);
  if (!user.accountEnabled) reasons.push(NOT_ACTIVE);
  if (user.softDeleted) reasons.push(SOFT_DELETED);
  const inScope = reasons.length === 0;
  return {
    inScope, reasons, softDeleted: !inScope,
    details: {
      IsActive: user.accountEnabled && !user.softDeleted ? 'True' : 'False',
      Assigned: directory.assignedUserIds.has(user.id) ? 'True' : 'False',
      'Scope sync all': directory.scope === 'all' ? 'True' : 'False',
      IsEffectivelyEntitledForProvisioning: assigned ? 'True' : 'False',
      IsInProvisioningScopeDisplayName: filter ? (filter.inScope ? 'True' : 'False') : 'True',
      ...(filter ? { ScopingFilter: filter.details } : {}),
      ScopeEvaluationResult: inScope ? 'In scope' : 'Not in scope',
    },
  };
}

function groupScope(directory: EntraDirectory, group: SourceGroup, mapping: ObjectMapping): { inScope: boolean; reasons: string[]; details: Record<string, string> } {
  const assigned = directory.scope === 'all' || group.directlyAssigned;
  const filter = mapping.scoping?.evaluate(groupSource(group));
  const reasons: string[] = [];
  if (!assigned) reasons.push(NOT_ASSIGNED);
  if (filter && !filter.inScope) reasons.push(FAILED_SCOPING);
  return {
    inScope: reasons.length === 0, reasons,
    details: {
      Assigned: group.directlyAssigned ? 'True' : 'False',
      'Scope sync all': directory.scope === 'all' ? 'True' : 'False',
      IsInProvisioningScopeDisplayName: filter ? (filter.inScope ? 'True' : 'False') : 'True',
      ...(filter ? { ScopingFilter: filter.details } : {}),
      ScopeEvaluationResult: reasons.length === 0 ? 'In scope' : 'Not in scope',
    },
  };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Adds and removes the members of a provisioned group, several per PATCH; unprovisioned members fail as references. */
async function memberships(c: Cycle, group: SourceGroup, link: ObjectLink): Promise<void> {
  const { state, directory } = c.o;
  if (!link.targetId) return;
  const before = new Set(link.members ?? []);
  const want: string[] = [];
  const unresolved: string[] = [];
  for (const m of group.memberIds) {
    const u = directory.userById.get(m);
    const ul = state.users[m];
    if (ul?.targetId && !ul.disabled) want.push(m);
    else if (u && userScope(directory, u, c.o.configuration.users).inScope) unresolved.push(m);
  }
  const wanted = new Set(group.memberIds);
  const add = want.filter((m) => !before.has(m));
  const remove = [...before].filter((m) => !wanted.has(m) || !state.users[m]?.targetId);
  if (add.length === 0 && remove.length === 0 && unresolved.length === 0) {
    delete link.membersEscrow;
    return;
  }
  const run = new ObjectRun(c, 'Group', group.id, group.displayName, c.o.target.session());
  run.membership = true;
  run.targetId = link.targetId;
  run.action = 'update';
  const size = Math.max(1, c.o.memberBatchSize ?? DEFAULT_MEMBER_BATCH);
  const path = resourcePath('Groups', link.targetId);
  const members = new Set(before);
  let failed: ErrorInformation | undefined;
  try {
    for (const batch of chunks(add, size)) {
      const answer = await c.send(run, 'PATCH', path, membersAddPatch(batch.map((m) => state.users[m].targetId as string)));
      if (!('dryRun' in answer) && ('error' in answer || (answer.status !== 200 && answer.status !== 204))) {
        failed ??= c.failure(answer, `PATCH /Groups/${link.targetId} (add members)`);
        continue;
      }
      for (const m of batch) {
        members.add(m);
        run.modified.push({ displayName: 'members', oldValue: null, newValue: state.users[m].targetId as string });
      }
      c.stats.memberships.membersAdded += batch.length;
    }
    for (const batch of chunks(remove, size)) {
      const ids = batch.map((m) => state.users[m]?.targetId).filter((t): t is string => t !== undefined);
      if (ids.length) {
        const answer = await c.send(run, 'PATCH', path, membersRemovePatch(ids, c.o.target.aadOptscim062020));
        if (!('dryRun' in answer) && ('error' in answer || (answer.status !== 200 && answer.status !== 204))) {
          failed ??= c.failure(answer, `PATCH /Groups/${link.targetId} (remove members)`);
          continue;
        }
      }
      for (const m of batch) {
        members.delete(m);
        run.modified.push({ displayName: 'members', oldValue: state.users[m]?.targetId ?? m, newValue: null });
      }
      c.stats.memberships.membersRemoved += batch.length;
    }
  } finally {
    if (!c.o.dryRun) link.members = [...members];
    for (const m of unresolved) {
      run.step('EntryReferenceResolution', 'referenceResolution', 'failure', `We were unable to assign ${m} as the members of ${group.displayName}.`, { ErrorCode: 'UnableToResolveReferenceAttributeValue' });
    }
    if (failed) {
      run.status = 'failure';
      run.error = failed;
      run.step('EntryExportUpdate', 'export', 'failure', `Failed to update the members of Group '${group.displayName}' in ${c.app}`, { ErrorCode: failed.errorCode, Reason: failed.reason });
    } else if (unresolved.length) {
      run.status = 'failure';
      run.error = {
        errorCode: 'UnableToResolveReferenceAttributeValue',
        reason: `${counted(unresolved.length, 'member')} ${plural(unresolved.length, 'is', 'are')} not provisioned in ${c.app} yet (${unresolved.join(', ')}): we were unable to assign them as members of ${group.displayName}. Entra retries in the next cycle.`,
        errorCategory: 'failure',
      };
    }
    if (!failed) run.step('EntryExportUpdate', 'export', run.modified.length ? 'success' : 'skipped', `The members of Group '${group.displayName}' were updated in ${c.app}`, { Added: String(add.length), Removed: String(remove.length) });
    c.finish(run, link);
  }
}

/** The disables and deletes this cycle would send, counted before any is sent (accidental-deletion prevention). */
function countDeletions(c: Cycle, changed: (link: ObjectLink | undefined, fp: string) => boolean): number {
  const { directory, configuration, state } = c.o;
  let n = 0;
  const disables = softDeleteMapping(configuration.users) !== undefined && !c.o.skipOutOfScopeDeletions;
  for (const user of directory.users) {
    const link = state.users[user.id];
    if (!link?.targetId || link.disabled || !disables || !changed(link, userFingerprint(directory, user))) continue;
    if (!userScope(directory, user, configuration.users).inScope) n++;
  }
  const gone = (table: Record<string, ObjectLink>, present: ReadonlyMap<string, unknown>) => {
    let count = 0;
    for (const id in table) if (table[id].targetId && !present.has(id)) count++;
    return count;
  };
  if (configuration.users.actions.delete) n += gone(state.users, directory.userById);
  if (configuration.groups.enabled && configuration.groups.actions.delete) {
    for (const group of directory.groups) {
      const link = state.groups[group.id];
      if (!link?.targetId || !changed(link, groupFingerprint(directory, group))) continue;
      if (!groupScope(directory, group, configuration.groups).inScope) n++;
    }
    n += gone(state.groups, directory.groupById);
  }
  return n;
}

/** Enters, continues or lifts the quarantine from what this cycle did (https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status). */
function updateQuarantine(c: Cycle, endSim: number): void {
  const { state } = c.o;
  const s = c.stats;
  const failed = s.users.failed + s.groups.failed;
  const exported = s.users.create + s.users.update + s.users.disable + s.users.delete
    + s.groups.create + s.groups.update + s.groups.delete + s.memberships.updated;
  const complete = failed + s.memberships.failed > 0 && exported === 0;
  state.successiveCompleteFailures = complete ? (state.successiveCompleteFailures ?? 0) + 1 : 0;
  const verdict = judge({
    failed, referenceFailed: s.memberships.failed, exported, credentialsRefused: c.credentialsRefused,
    events: failed + s.users.skipped + s.groups.skipped + exported - s.memberships.updated,
    ...(c.stageDeletes ? { tooManyDeletes: c.deletions } : {}),
  }, state.successiveCompleteFailures, c.o.thresholds ?? ENTRA_THRESHOLDS);
  if (!verdict) {
    delete state.quarantine;
    return;
  }
  const now = new Date(c.startedSim).toISOString();
  const seriesBegan = state.quarantine?.seriesBegan ?? now;
  const seriesCount = (state.quarantine?.seriesCount ?? 0) + 1;
  state.quarantine = {
    reason: verdict.reason, error: verdict.error, seriesBegan, seriesCount, currentBegan: now,
    nextAttempt: new Date(Math.max(nextAttempt(Date.parse(seriesBegan), seriesCount), endSim)).toISOString(),
  };
  if (endSim - Date.parse(seriesBegan) >= DISABLE_AFTER_MS) {
    state.disabled = `it stayed in quarantine for 28 days (since ${seriesBegan}; ${verdict.error})`;
  }
}

/** Runs one cycle; the state is updated in place (not in a dry run) and is consistent even when the cycle stops early. */
export async function runCycle(given: CycleOptions): Promise<CycleResult> {
  // A dry run works on a copy: the caller's state is left exactly as it was. On demand, Entra ignores the
  // ?aadOptscim062020 flag (application-provisioning-config-problem-scim-compatibility) and sends its default shapes.
  const copied = given.dryRun ? { ...given, state: structuredClone(given.state) } : given;
  const options = copied.onDemand ? { ...copied, target: { ...copied.target, aadOptscim062020: false } } : copied;
  const c = new Cycle(options);
  const { directory, configuration, state } = options;
  const report = (phase: CycleProgress['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total });
  const only = options.onDemand;
  // An unchanged object with an escrowed failure is retried once its escrow is due.
  const changed = (link: ObjectLink | undefined, fp: string) => only !== undefined || c.initial || !link || link.fingerprint !== fp
    || (link.escrow !== undefined && escrowDue(link.escrow, c.startedSim));

  /** Visits the objects whose source changed (all of them in an initial cycle, plus the escrowed ones). */
  const pass = async <T extends SourceUser | SourceGroup>(phase: 'users' | 'groups', objects: readonly T[], table: Record<string, ObjectLink>,
    fingerprint: (o: T) => string, name: (o: T) => string, visit: (o: T, link: ObjectLink) => Promise<void>, unchanged?: (o: T, link: ObjectLink) => void) => {
    let done = 0;
    let next = 0;
    let stop: unknown;
    // A few workers take the next object in turn; a stop ends each after its object in progress.
    const worker = async () => {
      // Unchanged objects cost no request: a worker runs through them without waiting, and every
      // YIELD_EVERY of them lets the event loop take the answers of the other workers' requests (and, in VS
      // Code, everything else), instead of holding it for all of a large directory's unchanged objects.
      let skipped = 0;
      while (next < objects.length && stop === undefined) {
        const o = objects[next++];
        try {
          c.checkSignal();
          const fp = fingerprint(o);
          const existing = table[o.id];
          if (changed(existing, fp)) {
            const link = ensureLink(table, o.id, name(o));
            await visit(o, link);
            skipped = 0;
            if (!c.held.has(o.id)) link.fingerprint = fp;
          } else {
            if (existing) unchanged?.(o, existing);
            if (++skipped >= YIELD_EVERY) {
              skipped = 0;
              await new Promise<void>((resolve) => setImmediate(resolve));
            }
          }
        } catch (e) {
          stop ??= e;
        }
        if (++done % 500 === 0 || done === objects.length) report(phase, done, objects.length);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, objects.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (stop !== undefined) throw stop;
  };

  if (state.disabled) {
    c.stopped = `The job is disabled: ${state.disabled} Restart provisioning to run it again.`;
  } else if (options.deletionThreshold !== undefined && !state.allowDeletes && !only) {
    c.deletions = countDeletions(c, changed);
    c.stageDeletes = c.deletions > options.deletionThreshold;
  }

  try {
    if (state.disabled) throw new CycleStop(c.stopped);
    const users = only ? directory.users.filter((u) => only.userIds.has(u.id)) : directory.users;
    await pass('users', users, state.users, (u) => userFingerprint(directory, u), (u) => u.userPrincipalName, async (user, link) => {
      const scope = userScope(directory, user, configuration.users);
      await provisionObject(c, 'User', user.id, user.userPrincipalName, configuration.users, userSource(user, scope.softDeleted), scope, link);
    });
    if (!only) await hardDeleted(c, 'User', state.users, directory.userById, configuration.users);

    // Groups, then their memberships.
    if (configuration.groups.enabled) {
      const members = configuration.groups.members === true;
      const groups = only ? directory.groups.filter((g) => only.groupIds.has(g.id)) : directory.groups;
      await pass('groups', groups, state.groups, (g) => groupFingerprint(directory, g), (g) => g.displayName, async (group, link) => {
        const scope = groupScope(directory, group, configuration.groups);
        await provisionObject(c, 'Group', group.id, group.displayName, configuration.groups, groupSource(group), scope, link);
        if (scope.inScope && link.targetId && members) c.membershipQueue.push(group);
      }, (group, link) => {
        // The memberships that failed (members not provisioned yet) are retried, not the group itself.
        if (link.membersEscrow && escrowDue(link.membersEscrow, c.startedSim) && link.targetId && members) c.membershipQueue.push(group);
      });
      if (!only) await hardDeleted(c, 'Group', state.groups, directory.groupById, configuration.groups);
      let done = 0;
      for (const group of c.membershipQueue) {
        c.checkSignal();
        await memberships(c, group, state.groups[group.id]);
        report('memberships', ++done, c.membershipQueue.length);
      }
    }
  } catch (e) {
    if (!(e instanceof CycleStop)) throw e;
    c.stopped ??= e.message;
  }

  const end = c.clock();
  const endSim = c.startedSim + Math.max(end - c.startedReal, 0);
  if (!options.dryRun && !state.disabled && !only) {
    state.cycles++;
    state.configuration = configuration.fingerprint;
    if (!c.stageDeletes) delete state.allowDeletes;
    updateQuarantine(c, endSim);
    state.clock = new Date(state.quarantine ? Date.parse(state.quarantine.nextAttempt) : endSim + CYCLE_INTERVAL_MS).toISOString();
  }
  return {
    cycle: {
      id: c.id,
      kind: only ? 'onDemand' : c.initial ? 'initial' : 'incremental',
      started: c.simTime(c.startedReal),
      ended: c.simTime(end),
      durationInMilliseconds: Math.round(end - c.startedReal),
      stats: c.stats,
      ...(c.stopped ? { stopped: c.stopped } : {}),
      ...(options.dryRun ? { dryRun: true as const } : {}),
      ...(state.quarantine ? { quarantine: state.quarantine } : {}),
      nextCycle: options.dryRun ? new Date(endSim + CYCLE_INTERVAL_MS).toISOString() : state.clock,
    },
    entries: c.entries,
  };
}
