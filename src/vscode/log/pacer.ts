// When the Provisioning Log repaints (no vscode import: unit-tested in plain node). Each repaint is a round trip
// to the workbench and a repaint of the view in the browser, whatever the number of rows: during a burst of
// thousands of requests a second the cost is in how often, so the list and its summary repaint together, soon
// after a request that follows a quiet spell, then at most once an interval while requests keep coming, and on
// for a while after the last one so that the rate shown falls back to zero.

export interface PacerTiming {
  /** From the first change after a quiet spell to its repaint (changes meanwhile join it). */
  readonly firstMs: number;
  /** Least time between two repaints. */
  readonly intervalMs: number;
  /** Repaints go on this long after the last change (0: they stop with it). */
  readonly lingerMs: number;
}

export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export class RepaintPacer {
  private timer: unknown;
  private lastRepaint = -Infinity;
  private lastChange = -Infinity;
  /** A change arrived since the last repaint (a flag, so a change costs no clock reading). */
  private changed = false;

  constructor(private readonly repaint: () => void, private readonly timing: PacerTiming, private readonly clock: PacerClock = systemClock) {}

  /** Something changed: a repaint follows (at once when one is already due). */
  changedNow(): void {
    this.changed = true;
    if (this.timer === undefined) this.schedule(this.clock.now());
  }

  private schedule(now: number): void {
    const wait = Math.max(this.timing.firstMs, this.lastRepaint + this.timing.intervalMs - now);
    this.timer = this.clock.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    this.lastRepaint = now;
    if (this.changed) {
      this.changed = false;
      this.lastChange = now;
    }
    this.repaint();
    if (now - this.lastChange < this.timing.lingerMs && this.timer === undefined) this.schedule(now);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
