import { request } from 'node:http';

import { hashApiKey, mintSecret } from '../../src/relay/ids';
import type { ConnectionResponse } from '../../src/relay/protocol';
import type { Store } from '../../src/relay/store/types';
import { normaliseExport, parseCandidateExport } from '../../src/webhook';
import { databaseKinds } from './support/databases';
import {
  EXPORT_BODY,
  exportCount,
  hmacHex,
  jazzhrHeaders,
  relayForEachTest,
  type JsonBody,
} from './support/relay';
import { OTHER_VALID_API_KEY, RecordingServer, VALID_API_KEY } from './support/servers';

const HOUR = 60 * 60_000;

describe.each(databaseKinds)('relay HTTP interface on %s', (_kind, createDatabase) => {
  const setup = relayForEachTest(createDatabase, { defaultKey: VALID_API_KEY });
  const { t, target } = setup;

  async function subscribe(
    connectionId: string,
    path = `/hooks/standard/1/${Math.random().toString(36).slice(2)}/`,
    key = VALID_API_KEY,
  ) {
    const response = await t.api('POST', '/v1/subscriptions', {
      key,
      json: { connection_id: connectionId, target_url: `${target.url}${path}` },
    });
    expect(response.status).toBe(201);
    return response.body as {
      id: string;
      connection_id: string;
      target_url: string;
      secret: string;
    };
  }

  it('connect → subscribe → export: the target receives the exact bytes, signed with its subscription secret', async () => {
    const connection = await t.connect();
    expect(connection.id).toMatch(/^con_[0-9a-f]{32}$/);
    expect(connection.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(connection.ingest_url).toBe(
      `${t.relay.url.replace('127.0.0.1', 'localhost')}/hooks/jazzhr/${connection.id}`,
    );
    expect(connection.previous_secret_expires_at).toBeNull();
    expect(await t.connect()).toEqual(connection);

    const subscription = await subscribe(connection.id, '/hooks/standard/1/lifecycle/');
    expect(subscription).toMatchObject({
      connection_id: connection.id,
      target_url: `${target.url}/hooks/standard/1/lifecycle/`,
    });
    expect(subscription.secret).not.toBe(connection.secret);

    const uuid = 'a6b0f7e2-5d3c-4a51-9f1e-2c8d7b6a5e40';
    const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, uuid);
    const ingested = await fetch(connection.ingest_url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers,
      body: EXPORT_BODY,
    });
    expect(ingested.status).toBe(200);
    expect(await ingested.json()).toEqual({
      ok: true,
      event: 'CANDIDATE-EXPORT',
      uuid,
      duplicate: false,
      deliveries: 1,
    });

    expect(await t.drain()).toBe(1);
    expect(target.received).toHaveLength(1);
    const [delivered] = target.received;
    expect(delivered!.method).toBe('POST');
    expect(delivered!.path).toBe('/hooks/standard/1/lifecycle/');
    expect(delivered!.body.equals(EXPORT_BODY)).toBe(true);
    expect(delivered!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-jazzhr-event': 'CANDIDATE-EXPORT',
      'x-jazzhr-uuid': uuid,
      'x-jazzhr-export-context': headers['X-JazzHR-Export-Context'],
      link: headers.Link,
      'x-jazzhr-signature': hmacHex(EXPORT_BODY, subscription.secret),
    });

    const exports = await t.api('GET', `/v1/connections/${connection.id}/exports`);
    expect(exports.status).toBe(200);
    expect(exports.body.exports).toEqual([
      {
        uuid,
        event: 'CANDIDATE-EXPORT',
        received_at: new Date(t.clock.now()).toISOString(),
        headers: {
          'x-jazzhr-event': 'CANDIDATE-EXPORT',
          'x-jazzhr-uuid': uuid,
          'x-jazzhr-export-context': headers['X-JazzHR-Export-Context'],
          link: headers.Link,
        },
        body: EXPORT_BODY.toString('utf8'),
      },
    ]);

    const deliveries = await t.api(
      'GET',
      `/v1/connections/${connection.id}/deliveries?status=delivered`,
    );
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.deliveries).toContainEqual(
      expect.objectContaining({
        export_uuid: uuid,
        subscription_id: subscription.id,
        status: 'delivered',
        attempts: 1,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: null,
      }),
    );
  });

  it('forwards Link only when it is an https URL on jazz.co, jazzhr.com or their subdomains', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id, '/links/');
    const links = {
      'u-app': 'https://app.jazz.co/app/v2/candidate/39011522',
      'u-bracketed': '<https://jazzhr.com/candidate/1>; rel="alternate"',
      'u-http': 'http://app.jazz.co/app/v2/candidate/39011522',
      'u-lookalike': 'https://app.jazz.co.evil.example/phish',
      'u-foreign': 'https://evil.example/?next=https://app.jazz.co/',
      'u-credentials': 'https://user:pass@app.jazz.co/x',
      'u-garbage': 'not a url',
    };
    for (const [uuid, link] of Object.entries(links)) {
      const headers = { ...jazzhrHeaders(EXPORT_BODY, secret, uuid), Link: link };
      expect((await t.ingest(id, EXPORT_BODY, headers)).status).toBe(200);
    }
    expect(await t.drain()).toBe(Object.keys(links).length);
    const forwarded = Object.fromEntries(
      target.received.map((request) => [request.headers['x-jazzhr-uuid'], request.headers.link]),
    );
    expect(forwarded).toEqual({
      'u-app': links['u-app'],
      'u-bracketed': links['u-bracketed'],
      'u-http': undefined,
      'u-lookalike': undefined,
      'u-foreign': undefined,
      'u-credentials': undefined,
      'u-garbage': undefined,
    });
  });

  it('answers VERIFY with 200 only when it is signed with the connection secret', async () => {
    const { id, secret } = await t.connect();
    const body = '{"data": "JazzHR Verify Event"}';
    const verify = (signature: string) =>
      t.ingest(id, body, { 'X-JazzHR-Event': 'VERIFY', 'X-JazzHR-Signature': signature });
    expect(await verify(hmacHex(body, secret))).toEqual({
      status: 200,
      body: { ok: true, event: 'VERIFY' },
    });
    const wrong = await verify(hmacHex(body, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_signature');
    expect(await exportCount(setup.database, id)).toBe(0);
  });

  describe('ingest rejects bad input and stores nothing', () => {
    let connection: ConnectionResponse;
    beforeEach(async () => {
      connection = await t.connect();
      await subscribe(connection.id);
    });
    afterEach(async () => {
      expect(await exportCount(setup.database, connection.id)).toBe(0);
      expect(await t.drain()).toBe(0);
      expect(target.received).toHaveLength(0);
    });

    it('a signature under another secret → 401', async () => {
      const response = await t.ingest(
        connection.id,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, 'wrong-secret', 'u-bad-sig'),
      );
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        code: 'invalid_signature',
        message: expect.stringContaining('Secret Key'),
      });
    });

    it('a missing signature → 401', async () => {
      const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-no-sig');
      delete headers['X-JazzHR-Signature'];
      const response = await t.ingest(connection.id, EXPORT_BODY, headers);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toContain('X-JazzHR-Signature');
    });

    it('a body changed after signing → 401', async () => {
      const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-changed');
      const reformatted = JSON.stringify(JSON.parse(EXPORT_BODY.toString()));
      expect((await t.ingest(connection.id, reformatted, headers)).status).toBe(401);
    });

    it('signed bytes that are not JSON → 400', async () => {
      const body = '{"candidate": {"person": ';
      const response = await t.ingest(
        connection.id,
        body,
        jazzhrHeaders(body, connection.secret, 'u-bad-json'),
      );
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'bad_request',
        message: expect.stringContaining('not valid JSON'),
      });
    });

    it('signed JSON that is not a candidate export → 400', async () => {
      const body = '{"applicant": {"id": "prospect_1"}}';
      const response = await t.ingest(
        connection.id,
        body,
        jazzhrHeaders(body, connection.secret, 'u-not-export'),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('"candidate"');
    });

    it('an unknown or missing event → 400', async () => {
      const headers = {
        ...jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-event'),
        'X-JazzHR-Event': 'CANDIDATE-DELETED',
      };
      const unknown = await t.ingest(connection.id, EXPORT_BODY, headers);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('CANDIDATE-DELETED');
      const withoutEvent: Record<string, string> = { ...headers };
      delete withoutEvent['X-JazzHR-Event'];
      const missing = await t.ingest(connection.id, EXPORT_BODY, withoutEvent);
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('X-JazzHR-Event');
    });

    it('an absurd X-JazzHR-UUID → 400', async () => {
      const response = await t.ingest(
        connection.id,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, connection.secret, 'u'.repeat(201)),
      );
      expect(response.status).toBe(400);
    });

    it('a body over 10 MB, declared in Content-Length → 413 before it is read', async () => {
      const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
      const response = await rawPost(
        `${t.relay.url}/hooks/jazzhr/${connection.id}`,
        body,
        jazzhrHeaders(body, connection.secret, 'u-big'),
      );
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
    });

    it('a chunked body that grows past 10 MB → 413', async () => {
      const body = Buffer.alloc(10 * 1024 * 1024 + 64 * 1024, 0x20);
      const response = await rawPost(
        `${t.relay.url}/hooks/jazzhr/${connection.id}`,
        body,
        jazzhrHeaders(body, connection.secret, 'u-big-chunked'),
        true,
      );
      expect(response.status).toBe(413);
    });
  });

  it('accepts a body of exactly 10 MB', async () => {
    const { id, secret } = await t.connect();
    const json = Buffer.from(`{"candidate": {"person": {"id": {"value": "1"}}}, "padding": "`);
    const body = Buffer.concat([
      json,
      Buffer.alloc(10 * 1024 * 1024 - json.length - 2, 0x61),
      Buffer.from('"}'),
    ]);
    expect(body.length).toBe(10 * 1024 * 1024);
    const response = await t.ingest(id, body, jazzhrHeaders(body, secret, 'u-exactly-10mb'));
    expect(response.status).toBe(200);
  });

  it('answers 404 for an unknown connection', async () => {
    const response = await t.ingest(
      'con_00000000000000000000000000000000',
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, 'x', 'u'),
    );
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('delivers a repeated X-JazzHR-UUID once', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id);
    const headers = jazzhrHeaders(EXPORT_BODY, secret, 'u-repeat');
    expect((await t.ingest(id, EXPORT_BODY, headers)).body).toMatchObject({
      duplicate: false,
      deliveries: 1,
    });
    expect(await t.drain()).toBe(1);
    const again = await t.ingest(id, EXPORT_BODY, headers);
    expect(again).toEqual({
      status: 200,
      body: {
        ok: true,
        event: 'CANDIDATE-EXPORT',
        uuid: 'u-repeat',
        duplicate: true,
        deliveries: 0,
      },
    });
    expect(await t.drain()).toBe(0);
    expect(target.received).toHaveLength(1);
    expect(await exportCount(setup.database, id)).toBe(1);
  });

  it('derives the same uuid from the same body when X-JazzHR-UUID is missing, and forwards it', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id);
    const headers = jazzhrHeaders(EXPORT_BODY, secret, 'unused');
    delete headers['X-JazzHR-UUID'];
    const first = await t.ingest(id, EXPORT_BODY, headers);
    expect(first.body.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect((await t.ingest(id, EXPORT_BODY, headers)).body).toMatchObject({
      uuid: first.body.uuid,
      duplicate: true,
    });
    await t.drain();
    expect(target.received.map((r) => r.headers['x-jazzhr-uuid'])).toEqual([first.body.uuid]);
    // The trigger, handed the same bytes without a UUID, derives the same id.
    expect(normaliseExport(parseCandidateExport(EXPORT_BODY), { rawBody: EXPORT_BODY }).id).toBe(
      first.body.uuid,
    );
  });

  it('tells every delivery when the relay received the export, as its export list does', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id);
    const receivedAt = new Date(t.clock.now()).toISOString();
    const headers = {
      ...jazzhrHeaders(EXPORT_BODY, secret, 'u-dated'),
      // A sender cannot set the relay's receipt time.
      'X-Relay-Received-At': '2001-01-01T00:00:00.000Z',
    };
    expect((await t.ingest(id, EXPORT_BODY, headers)).status).toBe(200);
    target.respond = () => 503;
    expect(await t.drain()).toBe(1);
    t.clock.advance(HOUR);
    target.respond = () => 200;
    expect(await t.drain()).toBe(1);
    expect(target.received.map((r) => r.headers['x-relay-received-at'])).toEqual([
      receivedAt,
      receivedAt,
    ]);
    const listed = await t.api('GET', `/v1/connections/${id}/exports`);
    expect(listed.body.exports).toEqual([expect.objectContaining({ received_at: receivedAt })]);
    expect(listed.body.exports[0].headers).not.toHaveProperty('x-relay-received-at');
  });

  it('stores exports that arrive with no subscription, for the trigger to list', async () => {
    const { id, secret } = await t.connect();
    for (const uuid of ['u-1', 'u-2', 'u-3', 'u-4']) {
      t.clock.advance(1000);
      expect(
        (await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, uuid))).body.deliveries,
      ).toBe(0);
    }
    const listed = await t.api('GET', `/v1/connections/${id}/exports`);
    expect(listed.body.exports.map((item: { uuid: string }) => item.uuid)).toEqual([
      'u-4',
      'u-3',
      'u-2',
    ]);
    const all = await t.api('GET', `/v1/connections/${id}/exports?limit=100`);
    expect(all.body.exports).toHaveLength(4);
    for (const limit of ['0', '101', 'three', '1.5']) {
      const bad = await t.api('GET', `/v1/connections/${id}/exports?limit=${limit}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('1 to 100');
    }
  });

  it('retries a failing target with backoff, the first retry within 30 seconds, until it succeeds', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id);
    const statuses = [503, 500];
    target.respond = () => statuses.shift() ?? 200;
    await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-retry'));

    expect(await t.drain()).toBe(1);
    let [delivery] = (await t.api('GET', `/v1/connections/${id}/deliveries?status=pending`)).body
      .deliveries;
    expect(delivery).toMatchObject({
      attempts: 1,
      last_status_code: 503,
      last_error: 'target answered 503',
    });
    const firstDelay = Date.parse(delivery.next_attempt_at) - t.clock.now();
    expect(firstDelay).toBeGreaterThan(0);
    expect(firstDelay).toBeLessThanOrEqual(30_000);

    expect(await t.drain()).toBe(0);
    t.clock.advance(firstDelay);
    expect(await t.drain()).toBe(1);
    [delivery] = (
      await t.api('GET', `/v1/connections/${id}/deliveries?status=pending`)
    ).body.deliveries;
    const secondDelay = Date.parse(delivery.next_attempt_at) - t.clock.now();
    expect(delivery).toMatchObject({ attempts: 2, last_status_code: 500 });
    expect(secondDelay).toBeGreaterThan(firstDelay);

    t.clock.advance(secondDelay);
    expect(await t.drain()).toBe(1);
    [delivery] = (
      await t.api('GET', `/v1/connections/${id}/deliveries?status=delivered`)
    ).body.deliveries;
    expect(delivery).toMatchObject({ attempts: 3, last_status_code: 200, status: 'delivered' });
    expect(target.received).toHaveLength(3);
    expect(new Set(target.received.map((r) => r.headers['x-jazzhr-signature'])).size).toBe(1);
  });

  it('keeps retrying for RELAY_RETRY_WINDOW_HOURS (72 by default), then marks the delivery failed; an operator can retry it', async () => {
    const { id, secret } = await t.connect();
    await subscribe(id);
    target.respond = () => 502;
    await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-give-up'));
    const receivedAt = t.clock.now();

    let attempts = 0;
    for (;;) {
      attempts += await t.drain();
      const [pending] = (await t.api('GET', `/v1/connections/${id}/deliveries?status=pending`)).body
        .deliveries;
      if (!pending) break;
      expect(t.clock.now() - receivedAt).toBeLessThan(72 * HOUR);
      t.clock.advance(Date.parse(pending.next_attempt_at) - t.clock.now());
    }
    expect(t.clock.now() - receivedAt).toBeGreaterThanOrEqual(72 * HOUR);
    const [failed] = (await t.api('GET', `/v1/connections/${id}/deliveries?status=failed`)).body
      .deliveries;
    expect(failed).toMatchObject({
      status: 'failed',
      attempts,
      last_status_code: 502,
      next_attempt_at: null,
    });
    expect(attempts).toBeGreaterThan(10);
    expect(target.received).toHaveLength(attempts);

    target.respond = () => 200;
    const retried = await t.api('POST', `/v1/deliveries/${failed.id}/retry`);
    expect(retried).toEqual({ status: 202, body: { id: failed.id, status: 'pending' } });
    expect(await t.drain()).toBe(1);
    expect(
      (await t.api('GET', `/v1/connections/${id}/deliveries?status=delivered`)).body.deliveries,
    ).toEqual([expect.objectContaining({ id: failed.id, attempts: 1 })]);

    expect(
      (await t.api('POST', `/v1/deliveries/${failed.id}/retry`, { key: OTHER_VALID_API_KEY }))
        .status,
    ).toBe(404);
    expect((await t.api('POST', '/v1/deliveries/dlv_unknown/retry')).status).toBe(404);
  });

  it('deactivates a subscription whose target answers 410, and stops delivering to it', async () => {
    const { id, secret } = await t.connect();
    const gone = await subscribe(id, '/gone/');
    const alive = await subscribe(id, '/alive/');
    target.respond = (request) => (request.path === '/gone/' ? 410 : 200);
    await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-410-a'));
    expect(await t.drain()).toBe(2);

    const cancelled = (await t.api('GET', `/v1/connections/${id}/deliveries?status=cancelled`)).body
      .deliveries;
    expect(cancelled).toEqual([
      expect.objectContaining({ subscription_id: gone.id, last_status_code: 410 }),
    ]);
    const retry = await t.api('POST', `/v1/deliveries/${cancelled[0].id}/retry`);
    expect(retry.status).toBe(400);
    expect(retry.body.error.message).toContain('410');

    const next = await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-410-b'));
    expect(next.body.deliveries).toBe(1);
    await t.drain();
    expect(target.received.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/gone/', '/alive/', '/alive/']),
    );
    expect(target.received.filter((r) => r.path === '/gone/')).toHaveLength(1);
    expect((await setup.store.subscriptionById(alive.id))?.active).toBe(true);

    // Turning the Zap on again subscribes the same target anew.
    expect((await subscribe(id, '/gone/')).id).toBe(gone.id);
    expect((await setup.store.subscriptionById(gone.id))?.active).toBe(true);
  });

  it('records timeouts and unreachable targets as retryable errors', async () => {
    const { id, secret } = await t.connect();
    await t.restart({
      defaultKey: VALID_API_KEY,
      config: { deliveryTimeoutMs: 200 },
    });
    const hanging = new RecordingServer();
    let release: () => void = () => {};
    hanging.respond = () => new Promise<number>((resolve) => (release = () => resolve(200)));
    await hanging.start();
    const down = await new RecordingServer().start();
    const downUrl = down.url;
    await down.stop();
    try {
      for (const url of [`${hanging.url}/slow`, `${downUrl}/down`]) {
        expect(
          (
            await t.api('POST', '/v1/subscriptions', {
              json: { connection_id: id, target_url: url },
            })
          ).status,
        ).toBe(201);
      }
      await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-timeout'));
      expect(await t.drain()).toBe(2);
      const errors = (
        await t.api('GET', `/v1/connections/${id}/deliveries?status=pending`)
      ).body.deliveries
        .map((d: { last_error: string }) => d.last_error)
        .sort();
      expect(errors).toEqual([
        'could not reach the target (ECONNREFUSED)',
        'no answer within 200 ms',
      ]);
    } finally {
      release();
      await hanging.stop();
    }
  });

  it('DELETE /v1/subscriptions cancels pending deliveries; 404 for unknown or foreign ones', async () => {
    const { id, secret } = await t.connect();
    const subscription = await subscribe(id);
    await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-unsubscribed'));
    expect(
      await t.api('DELETE', `/v1/subscriptions/${subscription.id}`, { key: OTHER_VALID_API_KEY }),
    ).toMatchObject({ status: 404 });
    expect(await t.api('DELETE', `/v1/subscriptions/${subscription.id}`)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await t.drain()).toBe(0);
    expect(target.received).toHaveLength(0);
    expect(
      (await t.api('GET', `/v1/connections/${id}/deliveries?status=cancelled`)).body.deliveries,
    ).toHaveLength(1);
    expect((await t.api('DELETE', '/v1/subscriptions/sub_unknown')).status).toBe(404);
  });

  describe('rotation', () => {
    it('accepts the previous secret for 24 hours on the clock, then rejects it', async () => {
      const before = await t.connect();
      const rotated = await t.api('POST', `/v1/connections/${before.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ id: before.id, ingest_url: before.ingest_url });
      expect(rotated.body.secret).not.toBe(before.secret);
      expect(rotated.body.previous_secret_expires_at).toBe(
        new Date(t.clock.now() + 24 * HOUR).toISOString(),
      );
      expect(await t.connect()).toEqual(rotated.body);

      const send = (secret: string, uuid: string) =>
        t.ingest(before.id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, uuid));
      expect((await send(before.secret, 'rot-1')).status).toBe(200);
      expect((await send(rotated.body.secret, 'rot-2')).status).toBe(200);
      t.clock.advance(24 * HOUR - 1);
      expect((await send(before.secret, 'rot-3')).status).toBe(200);
      t.clock.advance(1);
      expect((await send(before.secret, 'rot-4')).status).toBe(401);
      expect((await send(rotated.body.secret, 'rot-5')).status).toBe(200);
      expect((await t.connect()).previous_secret_expires_at).toBeNull();
    });

    it('reuses a connection read within the last second, yet sees a rotation made by another relay process at once', async () => {
      const connection = await t.connect();
      let reads = 0;
      const counting: Store = Object.create(setup.store, {
        connectionById: {
          value: (id: string) => {
            reads += 1;
            return setup.store.connectionById(id);
          },
        },
      });
      await t.restart({ defaultKey: VALID_API_KEY }, counting);
      const send = (secret: string, uuid: string) =>
        t.ingest(connection.id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, uuid));

      expect((await send(connection.secret, 'reuse-1')).status).toBe(200);
      expect((await send(connection.secret, 'reuse-2')).status).toBe(200);
      expect(reads).toBe(1);
      t.clock.advance(1_000);
      expect((await send(connection.secret, 'reuse-3')).status).toBe(200);
      expect(reads).toBe(2);

      // Another process shares the database and rotates: this one still holds the old copy.
      const newSecret = mintSecret();
      await setup.store.rotateSecret({
        id: connection.id,
        newSecret,
        now: t.clock.now(),
        graceMs: 24 * HOUR,
      });
      expect((await send(newSecret, 'reuse-4')).status).toBe(200);
      expect(reads).toBe(3);
      expect((await send(connection.secret, 'reuse-5')).status).toBe(200);
      expect((await send('not-the-secret', 'reuse-6')).status).toBe(401);
      expect(reads).toBe(4);
    });

    it('keeps every replaced secret valid for 24 hours after it was replaced, however many rotations, and says until when', async () => {
      const original = await t.connect(OTHER_VALID_API_KEY);
      const rotate = async () =>
        (
          await t.api('POST', `/v1/connections/${original.id}/rotate-secret`, {
            key: OTHER_VALID_API_KEY,
          })
        ).body;
      const startedAt = t.clock.now();
      const first = await rotate();
      t.clock.advance(HOUR);
      const second = await rotate();
      t.clock.advance(HOUR);
      const third = await rotate();
      const at = (offset: number) => new Date(startedAt + offset).toISOString();
      expect(third.replaced_secrets).toEqual([
        { ends_with: original.secret.slice(-4), replaced_at: at(0), valid_until: at(24 * HOUR) },
        { ends_with: first.secret.slice(-4), replaced_at: at(HOUR), valid_until: at(25 * HOUR) },
        {
          ends_with: second.secret.slice(-4),
          replaced_at: at(2 * HOUR),
          valid_until: at(26 * HOUR),
        },
      ]);
      expect(third.previous_secret_expires_at).toBe(at(26 * HOUR));

      const send = (secret: string, uuid: string) =>
        t.ingest(original.id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, uuid));
      expect((await send(original.secret, 'twice-1')).status).toBe(200);
      expect((await send(first.secret, 'twice-2')).status).toBe(200);
      expect((await send(second.secret, 'twice-3')).status).toBe(200);
      expect((await send(third.secret, 'twice-4')).status).toBe(200);
      t.clock.advance(22 * HOUR);
      expect((await send(original.secret, 'twice-5')).status).toBe(401);
      expect((await send(first.secret, 'twice-6')).status).toBe(200);
      t.clock.advance(HOUR);
      expect((await send(first.secret, 'twice-7')).status).toBe(401);
      expect((await send(second.secret, 'twice-8')).status).toBe(200);
    });

    it('refuses an eleventh rotation while ten replaced secrets are still valid, with Retry-After', async () => {
      const original = await t.connect(OTHER_VALID_API_KEY);
      const rotate = () =>
        fetch(`${t.relay.url}/v1/connections/${original.id}/rotate-secret`, {
          method: 'POST',
          headers: { authorization: `Bearer ${OTHER_VALID_API_KEY}` },
        });
      for (let index = 0; index < 10; index += 1) {
        expect((await rotate()).status).toBe(200);
        t.clock.advance(60_000);
      }
      const refused = await rotate();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe(String(24 * 3600 - 600));
      expect(((await refused.json()) as JsonBody).error).toMatchObject({ code: 'rate_limited' });
    });
  });

  describe('API keys', () => {
    it('stores only a hash of the key and checks a new key against JazzHR once', async () => {
      const key = 'zQ8wE2rT6yU1iO5pA9sD3fG7hJ4kL0xC';
      t.jazzhr.respond = () => ({ status: 200, body: [] });
      const first = await Promise.all(
        Array.from({ length: 5 }, () => t.api('POST', '/v1/connections', { key })),
      );
      expect(new Set(first.map((response) => response.body.id)).size).toBe(1);
      await subscribe(first[0]!.body.id, '/keyed/', key);
      await t.api('GET', `/v1/connections/${first[0]!.body.id}/exports`, { key });
      expect(t.jazzhr.received).toHaveLength(1);
      expect(t.jazzhr.received[0]!.path).toBe(`/users/page/1?apikey=${key}`);

      const rows = await setup.database.query(
        `SELECT * FROM connections WHERE id = '${first[0]!.body.id}'`,
      );
      expect(rows[0]!.api_key_hash).toBe(hashApiKey(key));
      for (const table of ['connections', 'subscriptions', 'exports', 'deliveries']) {
        const dump = JSON.stringify(
          await setup.database.query(`SELECT * FROM ${table}`),
          (_k, v) => (typeof v === 'bigint' ? String(v) : v),
        );
        expect(dump).not.toContain(key);
      }
    });

    it('answers 401 when the key is missing or JazzHR rejects it, and 502 when JazzHR is down', async () => {
      await t.connect();
      t.jazzhr.received.length = 0;
      const missing = await t.api('POST', '/v1/connections', { key: null });
      expect(missing.status).toBe(401);
      expect(missing.body.error).toMatchObject({
        code: 'invalid_api_key',
        message: expect.stringContaining('Authorization: Bearer'),
      });

      const rejected = await t.api('POST', '/v1/connections', { key: 'not-a-real-key-123' });
      expect(rejected.status).toBe(401);
      expect(rejected.body.error.code).toBe('invalid_api_key');
      expect(JSON.stringify(rejected.body)).not.toContain('not-a-real-key-123');
      // A rejected key is answered from memory for a minute, then checked again.
      expect((await t.api('POST', '/v1/connections', { key: 'not-a-real-key-123' })).status).toBe(
        401,
      );
      expect(t.jazzhr.received).toHaveLength(1);
      t.clock.advance(60_000);
      await t.api('POST', '/v1/connections', { key: 'not-a-real-key-123' });
      expect(t.jazzhr.received).toHaveLength(2);

      await t.jazzhr.stop();
      const down = await t.api('POST', '/v1/connections', { key: 'another-unseen-key-456' });
      expect(down.status).toBe(502);
      expect(down.body.error.code).toBe('jazzhr_unavailable');
      // Keys seen before keep working without JazzHR.
      expect((await t.api('POST', '/v1/connections')).status).toBe(200);
    });

    it('creates a connection only on POST /v1/connections: any other call with a key that has none gets 404 and creates nothing', async () => {
      const { id } = await t.connect();
      t.jazzhr.received.length = 0;
      for (const [method, path, json] of [
        ['GET', `/v1/connections/${id}/exports`],
        ['GET', `/v1/connections/${id}/deliveries`],
        ['POST', `/v1/connections/${id}/rotate-secret`],
        ['POST', '/v1/subscriptions', { connection_id: id, target_url: `${target.url}/x` }],
        ['DELETE', '/v1/subscriptions/sub_unknown'],
        ['POST', '/v1/deliveries/dlv_unknown/retry'],
      ] as const) {
        const response = await t.api(method, path, { key: OTHER_VALID_API_KEY, json });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      expect(t.jazzhr.received).toHaveLength(0);
      expect(await setup.database.query('SELECT id FROM connections')).toEqual([{ id }]);
    });

    it('keeps every account to its own connection, subscriptions and deliveries', async () => {
      const mine = await t.connect();
      const theirs = await t.connect(OTHER_VALID_API_KEY);
      expect(theirs.id).not.toBe(mine.id);
      for (const [method, path] of [
        ['GET', `/v1/connections/${theirs.id}/exports`],
        ['GET', `/v1/connections/${theirs.id}/deliveries`],
        ['POST', `/v1/connections/${theirs.id}/rotate-secret`],
      ] as const) {
        const response = await t.api(method, path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      const foreign = await t.api('POST', '/v1/subscriptions', {
        json: { connection_id: theirs.id, target_url: `${target.url}/x` },
      });
      expect(foreign.status).toBe(404);
    });
  });

  describe('access token', () => {
    const token = 'relay-access-token-0123456789';
    beforeEach(async () => {
      await t.restart({
        defaultKey: VALID_API_KEY,
        config: { accessToken: token },
      });
    });

    it('is required on /v1 before the API key is even looked at', async () => {
      const missing = await t.api('POST', '/v1/connections');
      expect(missing.status).toBe(403);
      expect(missing.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('X-Relay-Access-Token'),
      });
      const wrong = await t.api('POST', '/v1/connections', {
        token: 'relay-access-token-0123456780',
      });
      expect(wrong.status).toBe(403);
      expect(JSON.stringify(wrong.body)).not.toContain(token);
      expect((await t.api('POST', '/v1/connections', { token: 'short' })).status).toBe(403);
      expect(t.jazzhr.received).toHaveLength(0);
      const right = await t.api('POST', '/v1/connections', { token });
      expect(right.status).toBe(200);
    });

    it('is not needed by JazzHR on the ingest URL, nor by health checks', async () => {
      const { id, secret } = (await t.api('POST', '/v1/connections', { token })).body;
      expect(
        (await t.ingest(id, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, 'u-token'))).status,
      ).toBe(200);
      expect(await t.api('GET', '/healthz', { key: null })).toEqual({
        status: 200,
        body: { ok: true },
      });
    });
  });

  describe('subscriptions input', () => {
    it('rejects bodies that are not what the contract says, with messages naming the field', async () => {
      const { id } = await t.connect();
      const cases: Array<[unknown, string]> = [
        [{ connection_id: id }, 'target_url'],
        [{ target_url: `${target.url}/x` }, 'connection_id'],
        [{ connection_id: id, target_url: 'ftp://127.0.0.1/x' }, 'http'],
        [{ connection_id: id, target_url: 'not a url' }, 'http'],
        [[1, 2], 'JSON object'],
      ];
      for (const [json, mentioned] of cases) {
        const response = await t.api('POST', '/v1/subscriptions', { json });
        expect({ json, status: response.status, code: response.body.error.code }).toEqual({
          json,
          status: 400,
          code: 'bad_request',
        });
        expect(response.body.error.message).toContain(mentioned);
      }
      const notJson = await t.api('POST', '/v1/subscriptions', { body: '{connection_id:' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toContain('JSON');
    });

    it('refuses targets outside RELAY_ALLOWED_TARGET_HOSTS, naming the variable and the host', async () => {
      await t.restart({
        defaultKey: VALID_API_KEY,
        config: { allowedTargetHosts: ['hooks.zapier.com'] },
      });
      const { id } = await t.connect();
      const local = await t.api('POST', '/v1/subscriptions', {
        json: { connection_id: id, target_url: `${target.url}/x` },
      });
      expect(local.status).toBe(400);
      expect(local.body.error.message).toBe(
        'This relay only delivers to hooks.zapier.com, and target_url\'s host is "127.0.0.1". To allow it, the relay\'s operator adds it to RELAY_ALLOWED_TARGET_HOSTS (comma-separated; subdomains included).',
      );
      expect(local.body.error.message).not.toContain('/x');
      const zapier = await t.api('POST', '/v1/subscriptions', {
        json: { connection_id: id, target_url: 'https://hooks.zapier.com/hooks/standard/1/abc/' },
      });
      expect(zapier.status).toBe(201);
    });
  });

  it('logs JSON lines with ids and statuses, never keys, secrets, target URLs or candidate data', async () => {
    const connection = await t.connect();
    const subscription = await subscribe(connection.id, '/hooks/standard/1/private-zap-path/');
    target.respond = () => 503;
    await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-logged'),
    );
    await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, 'forged-secret-value', 'u-forged'),
    );
    await t.drain();
    const rotated = (await t.api('POST', `/v1/connections/${connection.id}/rotate-secret`)).body;
    await t.api('POST', '/v1/connections', { key: 'rejected-key-value-0000' });

    const lines = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({
          time: expect.any(String),
          level: expect.any(String),
          msg: expect.any(String),
        }),
      );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'export received',
        export_uuid: 'u-logged',
        connection_id: connection.id,
        status: 200,
        duration_ms: expect.any(Number),
      }),
    );
    // One line per export, accepted or refused: its own, not a second generic request line.
    expect(
      lines.filter(
        (line) => line.msg === 'request' && line.route === 'POST /hooks/jazzhr/:connection_id',
      ),
    ).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'ingest rejected',
        reason: 'mismatch',
        connection_id: connection.id,
        status: 401,
        count: 1,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'delivery attempt',
        subscription_id: subscription.id,
        status_code: 503,
        outcome: 'retry',
      }),
    );

    const everything = t.logs.join('\n');
    for (const secret of [
      VALID_API_KEY,
      'rejected-key-value-0000',
      connection.secret,
      rotated.secret,
      subscription.secret,
      'forged-secret-value',
      'private-zap-path',
      hmacHex(EXPORT_BODY, connection.secret),
      'Kenny',
      'kenny.jazzhr@jazzhr.com',
      '888-353-0887',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('logs refused ingests at most once a second per connection, with how many there were', async () => {
    const [noisy, quiet] = [await t.connect(), await t.connect(OTHER_VALID_API_KEY)];
    const forged = (uuid: string) => jazzhrHeaders(EXPORT_BODY, 'forged-secret-value', uuid);
    for (let i = 0; i < 20; i += 1) await t.ingest(noisy.id, EXPORT_BODY, forged(`u-${i}`));
    await t.ingest(quiet.id, EXPORT_BODY, forged('u-quiet'));
    const rejected = () =>
      t.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'ingest rejected' || line.msg === 'request')
        .map(({ msg, level, connection_id, count }) => ({ msg, level, connection_id, count }));
    expect(rejected()).toEqual([
      { msg: 'request', level: 'info', connection_id: undefined, count: undefined },
      { msg: 'request', level: 'info', connection_id: undefined, count: undefined },
      { msg: 'ingest rejected', level: 'warn', connection_id: noisy.id, count: 1 },
      { msg: 'ingest rejected', level: 'warn', connection_id: quiet.id, count: 1 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(rejected().slice(4)).toEqual([
      { msg: 'ingest rejected', level: 'warn', connection_id: noisy.id, count: 19 },
    ]);
  });

  describe('routing and failures', () => {
    it('answers 404 for unknown paths, 405 for wrong methods, 400 for unknown delivery statuses', async () => {
      const { id } = await t.connect();
      expect((await t.api('GET', '/nowhere')).status).toBe(404);
      const wrongMethod = await t.api('GET', '/v1/subscriptions');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.body.error.message).toContain('POST');
      const status = await t.api('GET', `/v1/connections/${id}/deliveries?status=lost`);
      expect(status.status).toBe(400);
      expect(status.body.error.message).toContain('pending');
    });

    it('turns an unexpected failure into a 500 that says nothing internal', async () => {
      const { id } = await t.connect();
      const failing = Object.create(setup.store) as Store;
      failing.recentExports = () =>
        Promise.reject(
          Object.assign(new Error('connection to secret-host:5432 lost'), { code: 'ECONNRESET' }),
        );
      await t.restart({ defaultKey: VALID_API_KEY }, failing);
      const response = await t.api('GET', `/v1/connections/${id}/exports`);
      expect(response.status).toBe(500);
      expect(response.body.error.code).toBe('internal_error');
      expect(JSON.stringify(response.body)).not.toContain('secret-host');
      expect(t.logs.join('')).not.toContain('secret-host');
      expect(t.logs.some((line) => line.includes('"error_code":"ECONNRESET"'))).toBe(true);
    });

    it('answers 500 to a request whose handler throws, logs the error by name, and serves the next', async () => {
      const { id } = await t.connect();
      const failing = Object.create(setup.store) as Store;
      failing.recentExports = () => {
        throw new TypeError('Cannot read properties of undefined');
      };
      await t.restart({ defaultKey: VALID_API_KEY }, failing);
      const response = await t.api('GET', `/v1/connections/${id}/exports`);
      expect(response.status).toBe(500);
      expect(response.body.error.code).toBe('internal_error');
      const failure = t.logs.map((line) => JSON.parse(line)).find((line) => line.level === 'error');
      expect(failure).toMatchObject({
        msg: 'request failed',
        route: 'GET /v1/connections/:id/exports',
        error_name: 'TypeError',
      });
      expect((await t.api('GET', '/healthz')).status).toBe(200);
    });
  });
});

/** A POST through node:http that reports the answer even if the server closes while the body is still going. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>, chunked = false) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: chunked
        ? { ...headers, 'Transfer-Encoding': 'chunked' }
        : { ...headers, 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', (error) => reject(error));
    if (chunked) {
      for (let offset = 0; offset < body.length; offset += 256 * 1024)
        req.write(body.subarray(offset, offset + 256 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}
