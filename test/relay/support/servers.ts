import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the request had fully arrived. */
  at: number;
}

type Answer = number | { status: number; body: unknown; headers?: Record<string, string> };

/** A local HTTP server that records what it receives and answers with `respond`'s status. */
export class RecordingServer {
  readonly received: ReceivedRequest[] = [];
  respond: (request: ReceivedRequest) => Answer | Promise<Answer> = () => 200;
  /** What `respond` threw; those requests were answered 500. */
  readonly errors: unknown[] = [];
  private server: Server | undefined;
  private port = 0;
  private waiters: Array<() => void> = [];

  /** Starts listening; on the same port as before after a stop(). */
  async start(port = this.port): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
        };
        this.received.push(request);
        // A respond that throws still gets an answer: an unanswered request would hold the
        // caller (and a stopping relay) until its own timeout.
        void Promise.resolve()
          .then(() => this.respond(request))
          .catch((error: unknown): Answer => {
            this.errors.push(error);
            return { status: 500, body: { error: String(error) } };
          })
          .then((answer) => {
            const { status, body, headers } =
              typeof answer === 'number' ? { status: answer, body: { status: answer } } : answer;
            res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
            res.end(JSON.stringify(body));
            for (const wake of this.waiters.splice(0)) wake();
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `count` requests have been answered (polling is not needed). */
  async waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** The valid key the stand-in JazzHR accepts. */
export const VALID_API_KEY = 'kH7vQ2mX9pL4rT8wZ3nB6cY1dF5gJ0sA';
export const OTHER_VALID_API_KEY = 'aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV';

/** Stands in for JazzHR's API: GET /users/page/1 answers 200 for known keys, 401 otherwise. */
export async function startFakeJazzHR(validKeys = [VALID_API_KEY, OTHER_VALID_API_KEY]) {
  const server = new RecordingServer();
  server.respond = (request) => {
    const key = new URL(request.path, 'http://x').searchParams.get('apikey') ?? '';
    return validKeys.includes(key)
      ? {
          status: 200,
          body: {
            id: 'usr_20160512184407_MYXVB4IKB2IALSSA',
            type: 'Super Admin',
            first_name: 'Pat',
            last_name: 'Recruiter',
            email: 'pat@example.com',
            date_created: '2016-05-12',
          },
        }
      : { status: 401, body: { error: 'Invalid API key' } };
  };
  return server.start();
}
