import * as assert from 'node:assert/strict';
import { RepaintPacer, type PacerClock } from '../../../src/vscode/log/pacer';

/** A clock whose time moves only when the test says, firing the timers that fall due on the way. */
class FakeClock implements PacerClock {
  private time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

describe('Provisioning Log repaint pacing', () => {
  const timing = { firstMs: 100, intervalMs: 1000, lingerMs: 4000 };

  it('repaints soon after a request that follows a quiet spell, requests meanwhile joining it', () => {
    const clock = new FakeClock();
    const repaints: number[] = [];
    const pacer = new RepaintPacer(() => repaints.push(clock.now()), { ...timing, lingerMs: 0 }, clock);
    pacer.changedNow();
    clock.advance(50);
    pacer.changedNow();
    clock.advance(50);
    assert.deepEqual(repaints, [100]);
    clock.advance(10_000);
    assert.deepEqual(repaints, [100], 'nothing new: no more repaints');
    assert.equal(clock.pending, 0);
  });

  it('repaints at most once an interval during a burst, and on until the rate has fallen to zero', () => {
    const clock = new FakeClock();
    const repaints: number[] = [];
    const pacer = new RepaintPacer(() => repaints.push(clock.now()), timing, clock);
    // A request every millisecond for 5 s: 5,000 changes.
    for (let t = 0; t < 5000; t++) {
      pacer.changedNow();
      clock.advance(1);
    }
    assert.deepEqual(repaints, [100, 1100, 2100, 3100, 4100]);
    clock.advance(20_000);
    // The last change was seen at 5,100; repaints go on for 4 s after it, then stop.
    assert.deepEqual(repaints.slice(5), [5100, 6100, 7100, 8100, 9100]);
    assert.equal(clock.pending, 0);
  });

  it('keeps the interval after a lingering repaint: a new request waits for it, not for the first delay', () => {
    const clock = new FakeClock();
    const repaints: number[] = [];
    const pacer = new RepaintPacer(() => repaints.push(clock.now()), timing, clock);
    pacer.changedNow();
    clock.advance(1500); // repaints at 100 and 1,100 (lingering)
    pacer.changedNow();
    clock.advance(1000);
    assert.deepEqual(repaints, [100, 1100, 2100]);
  });

  it('stops on dispose', () => {
    const clock = new FakeClock();
    let repaints = 0;
    const pacer = new RepaintPacer(() => repaints++, timing, clock);
    pacer.changedNow();
    pacer.dispose();
    clock.advance(10_000);
    assert.equal(repaints, 0);
    assert.equal(clock.pending, 0);
  });
});
