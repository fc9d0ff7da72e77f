/**
 * A connection's JazzHR key over time: confirmed again when its confirmation is old, revoked
 * once JazzHR rejects it, trusted for a day while JazzHR is down, and never a free way to
 * make the relay call JazzHR.
 */
import { request } from 'node:http';

import type { Connection } from '../../src/relay/store/types';
import { createSqliteDatabase } from './support/databases';
import { EXPORT_BODY, jazzhrHeaders, relayForEachTest } from './support/relay';
import { VALID_API_KEY } from './support/servers';

const HOUR = 60 * 60_000;
const rejectEveryKey = () => ({ status: 401, body: { error: 'Invalid API key' } });

describe('API key lifecycle', () => {
  const revoked: Connection[] = [];
  const setup = relayForEachTest(createSqliteDatabase, {
    defaultKey: VALID_API_KEY,
    relay: { onConnectionRevoked: (connection) => revoked.push(connection) },
  });
  const { t } = setup;
  beforeEach(() => {
    revoked.length = 0;
  });

  const jazzhrCalls = () => t.jazzhr.received.length;

  it('confirms the key again on the first call once its confirmation is an hour old', async () => {
    const { id } = await t.connect();
    expect(jazzhrCalls()).toBe(1);
    t.clock.advance(HOUR - 1);
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect(jazzhrCalls()).toBe(1);
    t.clock.advance(1);
    const both = await Promise.all([
      t.api('GET', `/v1/connections/${id}/exports`),
      t.api('GET', `/v1/connections/${id}/deliveries`),
    ]);
    expect(both.map((response) => response.status)).toEqual([200, 200]);
    expect(jazzhrCalls()).toBe(2);
    expect((await setup.store.connectionById(id))?.keyConfirmedAt).toBe(t.clock.now());
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect(jazzhrCalls()).toBe(2);
  });

  it('revokes a connection whose key JazzHR now rejects: 401 on every /v1 call, while ingest still stores', async () => {
    const { id, secret } = await t.connect();
    const subscribed = await t.api('POST', '/v1/subscriptions', {
      json: { connection_id: id, target_url: 'http://127.0.0.1:9/hooks/standard/1/a/' },
    });
    expect(subscribed.status).toBe(201);
    t.jazzhr.respond = rejectEveryKey;
    t.clock.advance(HOUR);

    const first = await t.api('GET', `/v1/connections/${id}/exports`);
    expect(first.status).toBe(401);
    expect(first.body.error).toMatchObject({
      code: 'invalid_api_key',
      message: expect.stringContaining('revoked its connection'),
    });
    expect(revoked.map((connection) => connection.id)).toEqual([id]);
    expect((await setup.store.connectionById(id))?.revokedAt).toBe(t.clock.now());
    expect(t.logs.join('')).toContain('connection revoked: JazzHR no longer accepts its key');

    // JazzHR accepting the key again changes nothing: the connection stays revoked.
    t.jazzhr.respond = () => ({ status: 200, body: [] });
    const calls = jazzhrCalls();
    for (const [method, path, json] of [
      ['POST', '/v1/connections'],
      ['GET', `/v1/connections/${id}/exports`],
      ['GET', `/v1/connections/${id}/deliveries`],
      ['POST', `/v1/connections/${id}/rotate-secret`],
      ['POST', '/v1/subscriptions', { connection_id: id, target_url: 'http://127.0.0.1:9/b/' }],
      ['DELETE', `/v1/subscriptions/${subscribed.body.id}`],
      ['DELETE', `/v1/connections/${id}/exports/any`],
      ['DELETE', `/v1/connections/${id}`],
    ] as const) {
      const response = await t.api(method, path, { json });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
    }
    expect(jazzhrCalls()).toBe(calls);
    expect(revoked).toHaveLength(1);

    const ingested = await t.ingest(
      id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, secret, 'after-revoke'),
    );
    expect(ingested.status).toBe(200);
    expect((await setup.store.recentExports(id, 5)).map((item) => item.uuid)).toEqual([
      'after-revoke',
    ]);
  });

  it('lets the last confirmation stand for 24 hours while JazzHR cannot be reached, asking at most once a minute', async () => {
    const { id } = await t.connect();
    const confirmedAt = t.clock.now();
    t.jazzhr.respond = () => ({ status: 503, body: 'maintenance' });
    t.clock.advance(2 * HOUR);
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect(jazzhrCalls()).toBe(2);
    t.clock.advance(30_000);
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect(jazzhrCalls()).toBe(2);
    t.clock.advance(30_000);
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect(jazzhrCalls()).toBe(3);
    expect(t.logs.join('')).toContain('JazzHR unreachable, last confirmation stands');

    t.clock.advance(confirmedAt + 24 * HOUR - t.clock.now());
    const stale = await t.api('GET', `/v1/connections/${id}/exports`);
    expect(stale.status).toBe(502);
    expect(stale.body.error.code).toBe('jazzhr_unavailable');
    expect((await setup.store.connectionById(id))?.revokedAt).toBeNull();

    t.jazzhr.respond = () => ({ status: 200, body: [] });
    t.clock.advance(60_000);
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    expect((await setup.store.connectionById(id))?.keyConfirmedAt).toBe(t.clock.now());
  });

  it('checks at most 10 new keys a minute per client address, then answers 429 with Retry-After', async () => {
    const { id } = await t.connect();
    t.jazzhr.respond = rejectEveryKey;
    t.clock.advance(1_000);
    for (let index = 0; index < 9; index += 1) {
      const response = await t.api('POST', '/v1/connections', { key: `guessed-key-${index}` });
      expect(response.status).toBe(401);
      t.clock.advance(1_000);
    }
    const calls = jazzhrCalls();
    const throttled = await fetch(`${t.relay.url}/v1/connections`, {
      method: 'POST',
      headers: { authorization: 'Bearer guessed-key-10' },
    });
    expect(throttled.status).toBe(429);
    // The first of the ten checks (the connection's own) was 10 s ago.
    expect(throttled.headers.get('retry-after')).toBe('50');
    expect(await throttled.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(jazzhrCalls()).toBe(calls);
    // A known key needs no check, so it still works.
    expect((await t.api('GET', `/v1/connections/${id}/exports`)).status).toBe(200);
    t.clock.advance(50_000);
    expect((await t.api('POST', '/v1/connections', { key: 'guessed-key-10' })).status).toBe(401);
    expect(jazzhrCalls()).toBe(calls + 1);
  });

  it('finishes a request whose client leaves during the first key check, and still keeps the connection', async () => {
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    t.jazzhr.respond = async () => {
      await answered;
      return { status: 200, body: [] };
    };
    const client = request(`${t.relay.url}/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VALID_API_KEY}` },
    });
    client.on('error', () => {});
    client.end();
    await until(() => jazzhrCalls() === 1);
    client.destroy();

    await until(() => t.logs.some((line) => line.includes('request aborted by the client')));
    const finished = t.logs
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'request aborted by the client');
    expect(finished).toMatchObject({ level: 'info', route: 'POST /v1/connections' });
    expect(t.logs.join('')).not.toContain('"level":"error"');

    answer();
    const connection = await t.api('POST', '/v1/connections');
    expect(connection.status).toBe(200);
    expect(jazzhrCalls()).toBe(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
