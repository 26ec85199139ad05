// Small helpers on the hot path of every request: timestamps and ids without a system call each.
import { randomFillSync } from 'node:crypto';

let isoMs = -1;
let isoText = '';

/** The ISO time of `ms` (default now), formatted once per millisecond however many requests arrive in it. */
export function isoTime(ms: number = Date.now()): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

const pool = Buffer.alloc(12 * 256);
let poolOffset = pool.length;

/** `prefix` + 24 random hex characters (12 bytes from a pool refilled by the CSPRNG), like MURAL's `u…` ids. */
export function randomId(prefix: string): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = prefix + pool.toString('hex', poolOffset, poolOffset + 12);
  poolOffset += 12;
  return id;
}
