// Baseline "bare": node:http answering every request with one fixed ~200-byte JSON body. Nothing a SCIM
// server can do is cheaper, so its requests/second is this machine's ceiling for the load driver in use.
//   node bench/baselines/bare.mjs [--port 0]
// Listens on 127.0.0.1 (port 0 = a free port) and prints its base URL.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });

const body = Buffer.from(JSON.stringify({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'b4b1e2c0a9f14d7e8c3a',
  userName: 'alice.baseline@contoso.com',
  name: { givenName: 'Alice', familyName: 'Baseline' },
  active: true,
}));
const headers = { 'Content-Type': 'application/scim+json', 'Content-Length': body.length };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`bare node:http listening on http://127.0.0.1:${server.address().port}/\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
