import * as assert from 'node:assert/strict';
import { RequestStats, RingBuffer, type RequestLogEntry } from '../../../src/mock/requestLog';

function entry(id: number, status: number, method = 'POST'): RequestLogEntry {
  return { id, time: '2026-01-01T00:00:00.000Z', method, path: '/scim/v2/Users', status, durationMs: 1, requestHeaders: {}, requestBody: '', responseBody: '', responseHeaders: {} };
}

describe('request log', () => {
  describe('RingBuffer.resize', () => {
    it('keeps the newest entries that fit when it shrinks, and keeps pushing in order', () => {
      const log = new RingBuffer<number>(5);
      for (let i = 1; i <= 7; i++) log.push(i);
      log.resize(3);
      assert.equal(log.capacity, 3);
      assert.deepEqual(log.toArray(), [5, 6, 7]);
      log.push(8);
      assert.deepEqual(log.toArray(), [6, 7, 8]);
      assert.equal(log.newest(), 8);
    });

    it('keeps everything when it grows, and fills the new room before dropping', () => {
      const log = new RingBuffer<number>(2);
      for (let i = 1; i <= 3; i++) log.push(i);
      log.resize(4);
      assert.deepEqual(log.toArray(), [2, 3]);
      for (let i = 4; i <= 6; i++) log.push(i);
      assert.deepEqual(log.toArray(), [3, 4, 5, 6]);
    });

    it('refuses a size below one', () => {
      assert.throws(() => new RingBuffer<number>(1).resize(0), RangeError);
    });
  });

  describe('RequestStats', () => {
    it('counts requests per second over the last three seconds, the current one pro rata', () => {
      const stats = new RequestStats();
      const t0 = 1_000_000_000_000; // a whole second
      for (let s = 0; s < 4; s++) for (let i = 0; i < 100; i++) stats.record(entry(s * 100 + i, 201), t0 + s * 1000 + i);
      // At t0 + 3.5 s: seconds 1, 2, 3 and half of second 4 hold 100 + 100 + 100 + 100 requests over 3.5 s.
      const now = t0 + 3500;
      assert.equal(stats.summary(now).perSecond, 400 / 3.5);
      assert.equal(stats.summary(now).total, 400);
      // Ten seconds later with nothing new, the rate is zero; the total stays.
      assert.equal(stats.summary(now + 10_000).perSecond, 0);
      assert.equal(stats.summary(now + 10_000).total, 400);
    });

    it('counts errors by status, most frequent first, and remembers the latest failure', () => {
      const stats = new RequestStats();
      const t = 2_000_000_000_000;
      stats.record(entry(1, 201), t);
      stats.record(entry(2, 409), t);
      stats.record(entry(3, 429, 'PATCH'), t);
      stats.record(entry(4, 409), t);
      stats.record(entry(5, 200, 'GET'), t);
      const s = stats.summary(t);
      assert.deepEqual(s.errors, [[409, 2], [429, 1]]);
      assert.equal(s.latestFailure?.id, 4);
      stats.clear();
      assert.deepEqual(stats.summary(t), { total: 0, perSecond: 0, errors: [] });
    });
  });
});
