import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The relay-throughput baseline: a bare node:http server that reads the whole body and
 * answers 200, and nothing else. Run as its own process (node dist/bench/servers/bare-server.js)
 * so it does not share an event loop with the load generator. PORT picks the port (0 = any);
 * the chosen one is announced on stdout as {"listening": port}.
 */
const server = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
    response.end('{"ok":true}');
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: (server.address() as AddressInfo).port }));
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
