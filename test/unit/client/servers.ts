// Small local servers for the client tests: 127.0.0.1, port 0, every request recorded, closed by the test.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** test/fixtures/client, from out/test/unit/client where the compiled tests run. */
export const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'client');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export type Handler = (req: Recorded, res: http.ServerResponse) => void;

export interface TestServer {
  /** http(s)://127.0.0.1:port */
  readonly origin: string;
  readonly port: number;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** An HTTP (or, with `tls`, HTTPS) server answering with `handler` after reading each request body. */
export async function startServer(handler: Handler, tls?: { cert: string; key: string }): Promise<TestServer> {
  const requests: Recorded[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res);
    });
  };
  const server = tls
    ? https.createServer({ cert: fixture(tls.cert), key: fixture(tls.key) }, onRequest)
    : http.createServer(onRequest);
  const port = await listen(server);
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Writes a JSON answer with the SCIM content type. */
export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/scim+json', ...headers });
  res.end(JSON.stringify(body));
}

export interface TestProxy {
  readonly url: string;
  /** The CONNECT targets seen (host:port). */
  readonly connects: string[];
  close(): Promise<void>;
}

/**
 * A CONNECT proxy that tunnels every target to 127.0.0.1:<port> whatever its host name (so tests can use names
 * without DNS), or answers every CONNECT with `refuseWith` when given.
 */
export async function startProxy(refuseWith?: number): Promise<TestProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(501);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(client);
    if (refuseWith) {
      client.end(`HTTP/1.1 ${refuseWith} ${http.STATUS_CODES[refuseWith]}\r\n\r\n`);
      return;
    }
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
