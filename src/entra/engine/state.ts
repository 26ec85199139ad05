// What the engine remembers between cycles (Entra's "connector data store" and watermark): per source
// object the target id it is linked to, the fingerprint of the source when it was last processed, and its
// escrowed failure. Plain JSON, written to a --state file or the workspace storage; about 190 bytes per object.
import { randomUUID } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { isObject } from '../../scim/values';
import type { Quarantine } from './quarantine';

/** A failure Entra retries in later cycles. */
export interface Escrow {
  readonly errorCode: string;
  readonly reason: string;
  /** Cycles it failed in, in a row. */
  readonly count: number;
  /** Simulated time of the first failure in the series. */
  readonly since: string;
  /**
   * Simulated time from which a cycle retries it (escrowRetryAt); absent in files of earlier versions: retried
   * by the next cycle.
   */
  readonly retryAt?: string;
}

export interface ObjectLink {
  /** UPN or display name, to name the object once it is gone from the directory. */
  displayName: string;
  /** Fingerprint of the source object when last processed (the watermark); absent: process it. */
  fingerprint?: string;
  /** The target object it is linked to (created or matched). */
  targetId?: string;
  /** The engine disabled it in the target (out of scope). */
  disabled?: boolean;
  escrow?: Escrow;
  /** Groups: the source ids of the users added as members in the target. */
  members?: string[];
  /** Groups: the last membership update failed (members not provisioned, or the PATCH refused); retried every cycle. */
  membersEscrow?: Escrow;
}

export interface EngineState {
  readonly version: 1;
  /** Like Entra's `scim.<guid>.<guid>` job ids. */
  readonly jobId: string;
  /** The tenant URL the links belong to. */
  tenantUrl: string;
  /** Fingerprint of the configuration of the last cycle: a change re-evaluates everything. */
  configuration: string;
  /** Cycles run so far; 0 means the next one is the initial cycle. */
  cycles: number;
  /** Simulated time at which the next cycle starts (ISO 8601). */
  clock: string;
  readonly users: Record<string, ObjectLink>;
  readonly groups: Record<string, ObjectLink>;
  /** The job is quarantined: cycles run at its backoff times until one succeeds. */
  quarantine?: Quarantine;
  /** Cycles in a row in which every export failed. */
  successiveCompleteFailures?: number;
  /** Why the job was disabled (28 days in quarantine); only a restart runs it again. */
  disabled?: string;
  /** The user allowed the staged deletions: the next cycle sends them whatever the threshold. */
  allowDeletes?: boolean;
}

export function newState(tenantUrl: string, now = new Date()): EngineState {
  return {
    version: 1, jobId: `scim.${randomUUID().replace(/-/g, '')}.${randomUUID().replace(/-/g, '')}`,
    tenantUrl, configuration: '', cycles: 0, clock: now.toISOString(), users: {}, groups: {},
  };
}

/**
 * Restart provisioning, as the portal's Restart does: the next cycle is an initial cycle (watermark cleared),
 * escrowed failures and the quarantine are forgotten; the links between source and target objects stay.
 */
export function restartState(state: EngineState): void {
  state.cycles = 0;
  delete state.quarantine;
  delete state.successiveCompleteFailures;
  delete state.disabled;
  for (const table of [state.users, state.groups]) {
    for (const link of Object.values(table)) {
      delete link.fingerprint;
      delete link.escrow;
      delete link.membersEscrow;
    }
  }
}

/** Allow Deletes: the deletions held over the accidental-deletion threshold go out in the next cycle. */
export function allowStagedDeletions(state: EngineState): void {
  state.allowDeletes = true;
  if (state.quarantine?.reason === 'TooManyDeletes') delete state.quarantine;
}

/** A state file that cannot be used. */
export class StateFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'StateFileError';
  }
}

/**
 * Checks a table of links. Files written before the engine stopped keeping the values sent per object carry a
 * "sent" record in each link: it is dropped, which is most of such a file's size (the next save is lean).
 */
function checkLinks(file: string, key: string, table: unknown): void {
  if (!isObject(table)) throw new StateFileError(file, `"${key}" must be an object of links; the file is not an engine state file, or it was damaged.`);
  for (const id in table) {
    const link = table[id];
    if (!isObject(link) || typeof link.displayName !== 'string' || (link.targetId !== undefined && typeof link.targetId !== 'string')) {
      throw new StateFileError(file, `${key}["${id}"] is not a link ({"displayName": …, "targetId": …}); the file was damaged. Delete it to start with an initial cycle.`);
    }
    if (link.sent !== undefined) delete link.sent;
  }
}

/** Reads a state file's text; throws StateFileError saying what is wrong. */
export function parseState(text: string, file: string): EngineState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(file, `not valid JSON (${(e as Error).message}). Delete it to start with an initial cycle.`);
  }
  if (!isObject(value) || value.version !== 1) {
    throw new StateFileError(file, 'not a provisioning state file of this version ({"version": 1, …}). Delete it to start with an initial cycle.');
  }
  for (const k of ['jobId', 'tenantUrl', 'configuration', 'clock'] as const) {
    if (typeof value[k] !== 'string') throw new StateFileError(file, `"${k}" must be a string; the file was damaged.`);
  }
  if (typeof value.cycles !== 'number' || !Number.isInteger(value.cycles) || value.cycles < 0) throw new StateFileError(file, '"cycles" must be a whole number.');
  if (Number.isNaN(Date.parse(value.clock as string))) throw new StateFileError(file, '"clock" must be an ISO 8601 time.');
  checkLinks(file, 'users', value.users);
  checkLinks(file, 'groups', value.groups);
  return value as unknown as EngineState;
}

/**
 * The state as JSON text in pieces of about `chunk` characters: a link at a time, so a large state never
 * exists as one string (100k links are ~19 MB of JSON). Joined, the pieces are JSON.stringify(state) with the
 * link tables last.
 */
export function* stateChunks(state: EngineState, chunk = 1 << 20): Generator<string> {
  const { users, groups, ...rest } = state;
  let out = `${JSON.stringify(rest).slice(0, -1)},"users":{`;
  for (const [table, end] of [[users, '},"groups":{'], [groups, '}}']] as const) {
    let first = true;
    for (const id in table) {
      out += `${first ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(table[id])}`;
      first = false;
      if (out.length >= chunk) {
        yield out;
        out = '';
      }
    }
    out += end;
  }
  yield out;
}

/** Writes the state next to `file` and renames it into place, so a crash never leaves half a file. */
export async function saveState(state: EngineState, file: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    for (const piece of stateChunks(state)) await handle.write(piece, null, 'utf8');
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
