// What a slow, greedy or sloppy client gets over raw TCP: 408 when headers or body stall, a capped number of
// connections, 401/415 answered without reading a huge declared body, and an answer per pipelined request.
import * as assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { entraUser, startServer, TOKEN, type Harness } from './helpers';

const PATH = '/enterprise/v1/scim';

/** Connects, writes `data`, and collects what comes back until the server closes (or `waitMs` passes). */
function exchange(port: number, data: string, waitMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ text, closed: false }); }, waitMs);
    socket.on('data', (d: Buffer) => { text += d.toString('utf8'); });
    socket.on('close', () => { clearTimeout(timer); resolve({ text, closed: true }); });
    socket.on('error', () => undefined);
    socket.write(data);
  });
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('timeouts and limits', function () {
  this.timeout(20_000);
  let h: Harness;
  let port: number;
  beforeEach(async () => {
    h = await startServer({}, { headersTimeoutMs: 400, requestTimeoutMs: 800, maxConnections: 3 });
    port = Number(new URL(h.url).port);
  });
  afterEach(async () => { await h.close(); });

  it('answers 408 when the headers stall', async () => {
    const r = await exchange(port, `GET ${PATH}/Users HTTP/1.1\r\nHost: x\r\n`);
    assert.deepEqual(statuses(r.text), [408], r.text);
    assert.match(r.text, /"status":"408"/);
    assert.ok(r.closed);
  });

  it('answers 408 when the body stalls', async () => {
    const r = await exchange(port, `POST ${PATH}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: 100\r\n\r\n{"sch`);
    assert.deepEqual(statuses(r.text), [408], r.text);
    assert.ok(r.closed);
  });

  it('closes connections beyond the configured cap', async () => {
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        await new Promise((res) => s.once('connect', res));
        idle.push(s);
      }
      await new Promise((res) => setTimeout(res, 50));
      const extra = await exchange(port, `GET ${PATH}/ServiceProviderConfig HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`, 3000);
      assert.equal(extra.text, '');
      assert.ok(extra.closed, 'the connection over the cap was not closed');
    } finally {
      for (const s of idle) s.destroy();
    }
    await new Promise((res) => setTimeout(res, 50));
    assert.equal((await h.call('GET', `${PATH}/ServiceProviderConfig`)).status, 200);
  });

  for (const [what, headers, status] of [
    ['401 without a token', 'Content-Type: application/scim+json', 401],
    ['415 for another content type', `Authorization: Bearer ${TOKEN}\r\nContent-Type: text/plain`, 415],
  ] as const) {
    it(`answers ${what} and closes instead of reading a 200 MB declared body`, async () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      let text = '';
      socket.on('data', (d: Buffer) => { text += d.toString('utf8'); });
      const closed = new Promise<void>((res) => socket.on('close', () => res()));
      await new Promise((res) => socket.once('connect', res));
      socket.write(`POST ${PATH}/Users HTTP/1.1\r\nHost: x\r\n${headers}\r\nContent-Length: 200000000\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      let done = false;
      void closed.then(() => { done = true; });
      while (!done && sent < 200) {
        if (!socket.write(chunk)) await Promise.race([new Promise((res) => socket.once('drain', res)), closed, new Promise((res) => setTimeout(res, 200))]);
        sent++;
      }
      await Promise.race([closed, new Promise((res) => setTimeout(res, 3000))]);
      assert.ok(done, `still open after ${sent} MiB`);
      assert.ok(sent < 100, `${sent} MiB were accepted`);
      assert.deepEqual(statuses(text), [status], text);
      assert.match(text, /Connection: close/i);
    });
  }

  it('answers each pipelined request, a valid POST before a malformed one included', async () => {
    const body = JSON.stringify(entraUser('pipe@example.com', 'Pipe', 'Lined'));
    const r = await exchange(port, `POST ${PATH}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}NOT HTTP AT ALL\r\n\r\n`);
    assert.deepEqual(statuses(r.text), [201, 400], r.text);
    assert.equal(h.service.stats().users, 1);
  });
});
