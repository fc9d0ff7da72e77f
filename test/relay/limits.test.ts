/**
 * What the relay holds for clients it has not authenticated yet: bytes of bodies, time,
 * connections. Driven over real sockets, as a hostile or broken client would.
 */
import { loadConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/logger';
import { startRelay } from '../../src/relay/relay';
import type { Store } from '../../src/relay/store/types';
import { createSqliteDatabase, type TestDatabase } from './support/databases';
import { heldUpload, rawRequest, uploadHead } from './support/raw-http';
import { EXPORT_BODY, jazzhrHeaders, startTestRelay, type TestRelay } from './support/relay';
import { VALID_API_KEY } from './support/servers';

const MB = 1024 * 1024;
const UPLOAD = Math.round(9.5 * MB);

describe('relay resource limits', () => {
  let database: TestDatabase;
  let store: Store;
  let t: TestRelay | undefined;

  beforeAll(async () => {
    database = await createSqliteDatabase();
    store = await database.openStore();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(() => database.drop());

  async function connectionId(relay: TestRelay) {
    const response = await relay.api('POST', '/v1/connections', { key: VALID_API_KEY });
    return response.body as { id: string; secret: string };
  }

  it('answers 503 with Retry-After, before reading the body, to an ingest past RELAY_MAX_INFLIGHT_BYTES, and takes uploads again once the held ones end', async () => {
    t = await startTestRelay(store, { config: { maxInflightBytes: 20 * MB } });
    const { id, secret } = await connectionId(t);
    const path = `/hooks/jazzhr/${id}`;
    const held = [1, 2].map(() =>
      heldUpload(t!.relay.url, uploadHead(path, UPLOAD), 'x'.repeat(64 * 1024)),
    );
    // A probe admitted before both held uploads were is cut when it times out, freeing its share.
    const probe = () =>
      rawRequest(t!.relay.url, uploadHead(path, UPLOAD), 1_000).catch(() => ({
        status: 0,
        head: '',
      }));
    let refused = await probe();
    for (let tries = 0; refused.status !== 503 && tries < 10; tries += 1) refused = await probe();
    expect(refused.status).toBe(503);
    expect(refused.head).toMatch(/^Retry-After: 5$/im);

    const small = await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-small'));
    expect(small.status).toBe(200);

    for (const upload of held) upload.socket.destroy();
    await Promise.all(held.map((upload) => upload.closed));
    // Both reservations are free again: a full-size body is read (and refused for its signature).
    let admitted = 0;
    for (let tries = 0; admitted !== 401 && tries < 50; tries += 1) {
      admitted = (
        await t.ingest(id, Buffer.alloc(UPLOAD, 'x'), { 'X-JazzHR-Signature': 'sha256=00' })
      ).status;
      if (admitted !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(admitted).toBe(401);
    const logs = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      logs.filter((line) => line.msg === 'request aborted by the client').length,
    ).toBeGreaterThanOrEqual(2);
    expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('binds 127.0.0.1 unless RELAY_HOST says otherwise', async () => {
    const relay = await startRelay(loadConfig({ PORT: '0' }), {
      store,
      logger: silentLogger,
      startWorker: false,
    });
    try {
      expect(relay.server.address()).toMatchObject({ address: '127.0.0.1' });
    } finally {
      await relay.close();
    }
  });

  it('listens with 10 s for headers, 30 s per request, 5 s keep-alive and 1024 connections by default', async () => {
    const relay = await startRelay(
      { ...loadConfig({ PORT: '0', RELAY_HOST: '127.0.0.1' }) },
      { store, logger: silentLogger, startWorker: false },
    );
    try {
      expect({
        headersTimeout: relay.server.headersTimeout,
        requestTimeout: relay.server.requestTimeout,
        keepAliveTimeout: relay.server.keepAliveTimeout,
        maxConnections: relay.server.maxConnections,
      }).toEqual({
        headersTimeout: 10_000,
        requestTimeout: 30_000,
        keepAliveTimeout: 5_000,
        maxConnections: 1024,
      });
    } finally {
      await relay.close();
    }
  });

  it('cuts off a client that is slow to send its headers or its body', async () => {
    t = await startTestRelay(store, {
      relay: { httpTimeouts: { headersTimeout: 300, requestTimeout: 600 } },
    });
    const { id } = await connectionId(t);
    const started = Date.now();
    const slowHeaders = heldUpload(t.relay.url, 'POST /hooks/jazzhr/x HTTP/1.1\r\nHost: relay\r\n');
    const slowBody = heldUpload(t.relay.url, uploadHead(`/hooks/jazzhr/${id}`, 1000), '{');
    const [headersAnswer, bodyAnswer] = await Promise.all([slowHeaders.closed, slowBody.closed]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect([headersAnswer.status, bodyAnswer.status]).toEqual([408, 408]);
    expect((await t.api('GET', '/healthz')).status).toBe(200);
  });

  it('closes connections past RELAY_MAX_CONNECTIONS at once, and serves again when one frees', async () => {
    t = await startTestRelay(store, { config: { maxConnections: 3 } });
    const idle = [1, 2, 3].map(() => heldUpload(t!.relay.url, ''));
    await Promise.all(
      idle.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      (await rawRequest(t.relay.url, 'GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n')).status,
    ).toBe(0);
    idle[0]!.socket.destroy();
    await idle[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      (await rawRequest(t.relay.url, 'GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n')).status,
    ).toBe(200);
    for (const { socket } of idle) socket.destroy();
  });
});
