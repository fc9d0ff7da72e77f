import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Zap the relay delivers to, as a separate process: records when each delivery's
 * X-JazzHR-UUID fully arrived (wall clock, sub-millisecond) and whether its signature is
 * valid under the subscription secret, and answers 200. The bench reads what it saw from
 * GET /__bench/received and sets the secret with PUT /__bench/secret once it is known.
 */

const received = new Map<string, number[]>();
let secret = '';
let badSignatures = 0;
let missingUuid = 0;

const wallClockMs = () => performance.timeOrigin + performance.now();

function signatureValid(body: Buffer, signature: string | undefined): boolean {
  if (!secret || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = wallClockMs();
    const body = Buffer.concat(chunks);
    if (request.url === '/__bench/secret' && request.method === 'PUT') {
      secret = body.toString('utf8');
      response.writeHead(204).end();
      return;
    }
    if (request.url === '/__bench/received' && request.method === 'GET') {
      const text = JSON.stringify({
        received: Object.fromEntries(received),
        badSignatures,
        missingUuid,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(text);
      return;
    }
    const uuid = request.headers['x-jazzhr-uuid'];
    if (typeof uuid !== 'string') missingUuid++;
    else received.set(uuid, [...(received.get(uuid) ?? []), at]);
    const signature = request.headers['x-jazzhr-signature'];
    if (!signatureValid(body, typeof signature === 'string' ? signature : undefined))
      badSignatures++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: (server.address() as AddressInfo).port }));
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
