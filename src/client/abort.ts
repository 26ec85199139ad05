// Many waiters on one AbortSignal through one listener. A provisioning cycle has up to --concurrency requests
// and Retry-After waits in flight under its caller's signal: a listener each would cost CPU and, past 10, trip
// Node's listener-leak warning (MaxListenersExceededWarning) for what is no leak.

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` when `signal` aborts, unless the returned function was called first. The signal must not be
 * aborted yet (callers check signal.aborted before they start). One 'abort' listener per signal, whatever
 * the number of waiters.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    waiters.set(signal, created);
    signal.addEventListener('abort', () => {
      for (const f of created) f();
      created.clear();
    }, { once: true });
    set = created;
  }
  const mine = set;
  mine.add(onAbort);
  return () => mine.delete(onAbort);
}
