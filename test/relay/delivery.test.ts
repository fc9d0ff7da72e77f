import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  DEFAULT_DELIVERY_POLICY,
  DeliveryWorker,
  MAX_RETRY_AFTER_MS,
  buildDelivery,
  classifyAttempt,
  describeSendError,
  retryAfterMs,
  retryDelayMs,
  type RecordedAttempt,
  sendOverHttp,
  type DeliveryPolicy,
  type SendDelivery,
} from '../../src/relay/delivery';
import { createJsonLogger } from '../../src/relay/logger';
import type { ClaimedDelivery, Store } from '../../src/relay/store/types';
import { FakeClock } from './support/clock';
import { createSqliteDatabase, type TestDatabase } from './support/databases';
import { EXPORT_BODY, hmacHex } from './support/relay';
import { RecordingServer } from './support/servers';

const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, pollIntervalMs: 20, concurrency: 4 };

describe('retryDelayMs', () => {
  it('starts between half the base delay and all of it, doubling per failure up to the cap', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBe(10_000);
    expect(retryDelayMs(2, policy, () => 0)).toBe(10_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(50, policy, () => 1)).toBe(policy.maxDelayMs);
    expect(retryDelayMs(0, policy, () => 1)).toBe(10_000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T03:00:00Z');

  it('reads delay-seconds and HTTP dates, at most an hour, and nothing unreadable', () => {
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Wed, 02 Dec 2026 03:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 02:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('Thu, 03 Dec 2026 03:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('classifyAttempt', () => {
  const now = 1_000_000;
  const fresh = { attempts: 0, giveUpAfter: now + 60_000 };
  const expired = { attempts: 9, giveUpAfter: now - 1 };
  const answered = (statusCode: number, retryAfter?: string) =>
    retryAfter === undefined
      ? ({ kind: 'answered', statusCode } as const)
      : ({ kind: 'answered', statusCode, retryAfter } as const);
  const classify = (result: Parameters<typeof classifyAttempt>[0], delivery = fresh) =>
    classifyAttempt(result, delivery, now, policy, () => 0.5);

  it('turns each kind of result into its outcome, without reading error text', () => {
    expect(classify(answered(204))).toEqual({ kind: 'delivered', statusCode: 204 });
    expect(classify(answered(410))).toMatchObject({ kind: 'gone', statusCode: 410 });
    expect(classify(answered(500))).toEqual({
      kind: 'retry',
      statusCode: 500,
      error: 'target answered 500',
      nextAttemptAt: now + 7_500,
    });
    expect(classify({ kind: 'unreachable', reason: 'could not reach the target' })).toEqual({
      kind: 'retry',
      statusCode: null,
      error: 'could not reach the target',
      nextAttemptAt: now + 7_500,
    });
    expect(classify(answered(500), expired)).toMatchObject({ kind: 'failed', statusCode: 500 });
    expect(classify({ kind: 'refused', reason: 'not allowed' })).toEqual({
      kind: 'failed',
      statusCode: null,
      error: 'not allowed',
    });
  });

  it('waits after a 429 for Retry-After or the backoff, whichever is later, outside the retry window', () => {
    expect(classify(answered(429, '30'))).toEqual({
      kind: 'throttled',
      statusCode: 429,
      error: 'target answered 429 Too Many Requests; next attempt in 30 s',
      nextAttemptAt: now + 30_000,
      giveUpAfter: fresh.giveUpAfter + 30_000,
    });
    // The backoff (7.5 s here) is later than Retry-After: 3, and stands in for a missing one.
    expect(classify(answered(429, '3'))).toMatchObject({ nextAttemptAt: now + 7_500 });
    expect(classify(answered(429))).toMatchObject({ nextAttemptAt: now + 7_500 });
    // Throttling past the window is still throttling, never a failure.
    expect(classify(answered(429, '3'), expired)).toMatchObject({
      kind: 'throttled',
      nextAttemptAt: now + retryDelayMs(10, policy, () => 0.5),
      giveUpAfter: now + retryDelayMs(10, policy, () => 0.5),
    });
  });
});

describe('buildDelivery', () => {
  const claimed = {
    id: 'dlv_1',
    targetUrl: 'https://hooks.zapier.com/hooks/standard/1/abc/',
    secret: 'subscription-secret',
    body: new Uint8Array(EXPORT_BODY),
    headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': 'u-1' },
    exportReceivedAt: Date.parse('2024-03-01T12:00:00.000Z'),
  } as unknown as ClaimedDelivery;

  it('signs the stored bytes with the subscription secret and forwards only headers that came', () => {
    const outgoing = buildDelivery(claimed, 1234);
    expect(outgoing).toEqual({
      url: claimed.targetUrl,
      body: claimed.body,
      timeoutMs: 1234,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'jazzhr-zapier-relay/1',
        'x-jazzhr-event': 'CANDIDATE-EXPORT',
        'x-jazzhr-uuid': 'u-1',
        'x-jazzhr-signature': hmacHex(EXPORT_BODY, 'subscription-secret'),
        'x-relay-received-at': '2024-03-01T12:00:00.000Z',
      },
    });
  });
});

describe('describeSendError', () => {
  it('names timeouts and network error codes, nothing else', () => {
    expect(describeSendError(new DOMException('x', 'TimeoutError'), 500)).toBe(
      'no answer within 500 ms',
    );
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:80'), { code: 'ECONNREFUSED' }),
    });
    expect(describeSendError(refused, 500)).toBe('could not reach the target (ECONNREFUSED)');
    const aggregate = new TypeError('fetch failed', {
      cause: { errors: [{ code: 'EHOSTUNREACH' }] },
    });
    expect(describeSendError(aggregate, 500)).toBe('could not reach the target (EHOSTUNREACH)');
    expect(describeSendError(new Error('https://secret.example/path failed'), 500)).toBe(
      'could not reach the target',
    );
    expect(describeSendError('weird', 500)).toBe('could not reach the target');
  });
});

describe('sendOverHttp', () => {
  const target = new RecordingServer();
  beforeAll(() => target.start());
  afterAll(() => target.stop());

  it('posts the bytes and headers and reports the status without following redirects', async () => {
    target.respond = () => ({ status: 302, body: {} });
    const result = await sendOverHttp({
      url: `${target.url}/hook`,
      body: new Uint8Array(EXPORT_BODY),
      headers: { 'X-Test': 'yes' },
      timeoutMs: 5_000,
    });
    expect(result).toEqual({ status: 302 });
    expect(target.received.at(-1)).toMatchObject({
      method: 'POST',
      path: '/hook',
      headers: expect.objectContaining({ 'x-test': 'yes' }),
    });
    expect(target.received.at(-1)!.body.equals(EXPORT_BODY)).toBe(true);
  });

  it('gives up when the target does not answer in time', async () => {
    let release = () => {};
    target.respond = () => new Promise((resolve) => (release = () => resolve(200)));
    const attempt = sendOverHttp({
      url: `${target.url}/slow`,
      body: new Uint8Array(2),
      headers: {},
      timeoutMs: 100,
    });
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    release();
  });

  it('keeps the connection open between deliveries, reading each answer to its end', async () => {
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () =>
        res.end(JSON.stringify({ status: 'success', padding: 'x'.repeat(50_000) })),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      for (let index = 0; index < 3; index += 1) {
        const result = await sendOverHttp({
          url,
          body: new Uint8Array(EXPORT_BODY),
          headers: {},
          timeoutMs: 5_000,
        });
        expect(result).toEqual({ status: 200 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(sockets.size).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports the status at once, and cuts an answer body that never ends after the timeout', async () => {
    let socketClosed: Promise<void> = Promise.resolve();
    const server = createServer((req, res) => {
      socketClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"status": "succ');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await expect(
        sendOverHttp({ url, body: new Uint8Array(2), headers: {}, timeoutMs: 200 }),
      ).resolves.toEqual({ status: 200 });
      await socketClosed;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects with the network error code when nothing listens, and refuses other protocols', async () => {
    const closed = new RecordingServer();
    await closed.start();
    const url = `${closed.url}/hook`;
    await closed.stop();
    const refused = sendOverHttp({ url, body: new Uint8Array(2), headers: {}, timeoutMs: 5_000 });
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(describeSendError(await refused.catch((error: unknown) => error), 5_000)).toBe(
      'could not reach the target (ECONNREFUSED)',
    );
    await expect(
      sendOverHttp({
        url: 'ftp://127.0.0.1/hook',
        body: new Uint8Array(2),
        headers: {},
        timeoutMs: 5_000,
      }),
    ).rejects.toThrow('unsupported protocol ftp:');
  });
});

describe('DeliveryWorker', () => {
  let database: TestDatabase;
  let store: Store;
  let clock: FakeClock;
  let logs: string[];
  let subscriptionId: string;
  let connectionId: string;
  let sequence = 0;

  beforeEach(async () => {
    database = await createSqliteDatabase();
    store = await database.openStore();
    clock = new FakeClock();
    logs = [];
    const connection = await store.insertConnection({
      id: 'con_w',
      apiKeyHash: 'h',
      secret: 's',
      now: clock.now(),
    });
    connectionId = connection.id;
    subscriptionId = (
      await store.upsertSubscription({
        id: 'sub_w',
        connectionId,
        targetUrl: 'http://127.0.0.1:9/hook',
        secret: 'sub-secret',
        now: clock.now(),
      })
    ).id;
  });
  afterEach(() => database.drop());

  async function queue(count = 1, connection = connectionId) {
    for (let index = 0; index < count; index += 1) {
      sequence += 1;
      await store.ingestExport({
        connectionId: connection,
        uuid: `u-${sequence}`,
        event: 'CANDIDATE-EXPORT',
        headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': `u-${sequence}` },
        body: Buffer.from(`{"n": ${sequence}}`),
        receivedAt: clock.now(),
        giveUpAfter: clock.now() + policy.retryWindowMs,
      });
    }
  }

  function worker(
    send: SendDelivery,
    overrides: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {},
  ) {
    return new DeliveryWorker({
      store,
      clock,
      random: () => 0.5,
      send,
      logger: createJsonLogger((line) => logs.push(line)),
      policy,
      allowedTargetHosts: ['127.0.0.1'],
      ...overrides,
    });
  }

  const statuses = async (connection = connectionId) =>
    (await store.listDeliveries(connection, { limit: 100 })).map((d) => d.status).sort();

  /** A second tenant, with one subscription of its own. */
  async function otherTenant(targetUrl = 'http://127.0.0.1:10/other-hook') {
    const other = await store.insertConnection({
      id: 'con_v',
      apiKeyHash: 'h2',
      secret: 's2',
      now: clock.now(),
    });
    await store.upsertSubscription({
      id: 'sub_v',
      connectionId: other.id,
      targetUrl,
      secret: 'sub-secret-2',
      now: clock.now(),
    });
    return other.id;
  }

  /** Polls until the condition holds or timeoutMs passes; the assertions after it say which. */
  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 2_000) {
    const deadline = performance.now() + timeoutMs;
    while (!(await condition()) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The test's store, counting the claims made through it. */
  function countingClaims() {
    let claims = 0;
    const counted: Store = Object.create(store, {
      claimDueDeliveries: {
        value: (input: Parameters<Store['claimDueDeliveries']>[0]) => {
          claims += 1;
          return store.claimDueDeliveries(input);
        },
      },
    });
    return { store: counted, claims: () => claims };
  }

  it('runs by itself once started: a nudge sends new work, stop() waits for attempts in flight', async () => {
    const sent: string[] = [];
    let announceLast: () => void = () => {};
    const lastStarted = new Promise<void>((resolve) => (announceLast = resolve));
    const running = worker(async (delivery) => {
      if (sent.length === 6) announceLast();
      await new Promise((resolve) => setTimeout(resolve, 30));
      sent.push(delivery.headers['x-jazzhr-uuid']!);
      return { status: 200 };
    });
    running.start();
    running.start();
    await queue(6);
    running.nudge();
    await until(async () => (await statuses()).every((s) => s === 'delivered'), 5_000);
    await queue(1);
    running.nudge();
    await lastStarted;
    await running.stop();
    expect(await statuses()).toEqual(Array(7).fill('delivered'));
    expect(new Set(sent).size).toBe(7);
    expect(sent).toHaveLength(7);
  });

  it('claims when nudged, not again each time an attempt ends while slots are free', async () => {
    const counting = countingClaims();
    let delivered = 0;
    const running = worker(
      async () => {
        delivered += 1;
        return { status: 200 };
      },
      { store: counting.store, policy: { ...policy, pollIntervalMs: 60_000, concurrency: 8 } },
    );
    running.start();
    await queue(3);
    running.nudge();
    await until(() => delivered === 3);
    await running.stop();
    expect(await statuses()).toEqual(Array(3).fill('delivered'));
    // One claim at start (nothing due), one for the nudge; none for the three attempts ending.
    expect(counting.claims()).toBe(2);
  });

  it('drains a lone connection’s backlog beyond its slots without waiting for the next poll', async () => {
    let delivered = 0;
    const running = worker(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        delivered += 1;
        return { status: 200 };
      },
      { policy: { ...policy, pollIntervalMs: 60_000, maxPerSubscriptionPerSecond: 1_000 } },
    );
    await queue(20);
    running.start();
    // Alone, it holds 3 of the 4 slots; each attempt ending lets the next claim take more.
    await until(() => delivered === 20, 5_000);
    await running.stop();
    expect(await statuses()).toEqual(Array(20).fill('delivered'));
  });

  it('claims again when attempts ended while a claim ran, so a slow store does not stall a backlog', async () => {
    let delivered = 0;
    const slowClaims: Store = Object.create(store, {
      claimDueDeliveries: {
        value: async (input: Parameters<Store['claimDueDeliveries']>[0]) => {
          const claimed = await store.claimDueDeliveries(input);
          await new Promise((resolve) => setTimeout(resolve, 30));
          return claimed;
        },
      },
    });
    const durationsMs = [5, 40, 80];
    const running = worker(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, durationsMs[delivered % 3]));
        delivered += 1;
        return { status: 200 };
      },
      {
        store: slowClaims,
        policy: { ...policy, pollIntervalMs: 60_000, maxPerSubscriptionPerSecond: 1_000 },
      },
    );
    await queue(20);
    running.start();
    await until(() => delivered === 20, 5_000);
    await running.stop();
    expect(await statuses()).toEqual(Array(20).fill('delivered'));
  });

  it('spends no claim on a nudge for a connection already at its cap', async () => {
    const counting = countingClaims();
    let release = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const running = worker(
      async () => {
        started += 1;
        await hung;
        return { status: 200 };
      },
      { store: counting.store, policy: { ...policy, pollIntervalMs: 60_000 } },
    );
    await queue(5);
    running.start();
    // Alone, the connection holds 3 of the 4 slots.
    await until(() => started === 3);
    const claimsAtCap = counting.claims();
    for (let index = 0; index < 5; index += 1) running.nudge(connectionId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(counting.claims()).toBe(claimsAtCap);
    running.nudge('con_other');
    await until(() => counting.claims() === claimsAtCap + 1);
    release();
    await until(async () => (await statuses()).every((s) => s === 'delivered'), 5_000);
    await running.stop();
    expect(await statuses()).toEqual(Array(5).fill('delivered'));
  });

  it('stops by its deadline even when an attempt never settles, leaving that delivery leased for a later retry', async () => {
    let started: () => void = () => {};
    const attemptStarted = new Promise<void>((resolve) => (started = resolve));
    const running = worker(() => {
      started();
      return new Promise(() => {});
    });
    await queue(1);
    running.start();
    await attemptStarted;
    const stopping = performance.now();
    await running.stop(50);
    expect(performance.now() - stopping).toBeLessThan(2_000);
    expect(
      logs.some((line) => line.includes('stopped with delivery attempts still in flight')),
    ).toBe(true);
    expect(await statuses()).toEqual(['pending']);
  });

  it('keeps at most `concurrency` attempts in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const running = worker(
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return { status: 204 };
      },
      { policy: { ...policy, concurrency: 2 } },
    );
    const other = await otherTenant();
    await queue(4);
    await queue(3, other);
    running.start();
    await until(
      async () =>
        [...(await statuses()), ...(await statuses(other))].every((s) => s === 'delivered'),
      5_000,
    );
    await running.stop();
    expect([...(await statuses()), ...(await statuses(other))]).toEqual(Array(7).fill('delivered'));
    expect(most).toBe(2);
  });

  it('keeps a slot for another tenant while one tenant’s targets hang, and gives the hung tenant no more', async () => {
    let releaseHung = () => {};
    const hung = new Promise<void>((resolve) => (releaseHung = resolve));
    let hanging = 0;
    const delivered: string[] = [];
    const running = worker(
      async (delivery) => {
        if (delivery.url.includes('/hook') && !delivery.url.includes('other')) {
          hanging += 1;
          await hung;
        } else delivered.push(delivery.headers['x-jazzhr-uuid']!);
        return { status: 200 };
      },
      { policy: { ...policy, concurrency: 8, maxPerSubscriptionPerSecond: 100 } },
    );
    const other = await otherTenant();
    await queue(20);
    running.start();
    await until(() => hanging === 7);
    // Alone, the tenant may take all slots but one.
    expect(hanging).toBe(7);

    await queue(3, other);
    running.nudge();
    await until(async () => (await statuses(other)).every((s) => s === 'delivered'));
    // Through the one free slot, the other tenant's three went while the hung ones still hang.
    expect(await statuses(other)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(delivered).toHaveLength(3);
    expect(hanging).toBe(7);

    releaseHung();
    await until(async () => (await statuses()).every((s) => s === 'delivered'), 5_000);
    await running.stop();
    expect(await statuses()).toEqual(Array(20).fill('delivered'));
  });

  it('tells onAttempt of a throttled outcome, recorded with its wait and moved window', async () => {
    await queue(1);
    const told: RecordedAttempt[] = [];
    const answer = { status: 429, retryAfter: '30' };
    await worker(async () => answer, { onAttempt: (attempt) => told.push(attempt) }).runOnce();
    const [throttled] = await store.listDeliveries(connectionId, { limit: 1 });
    expect(throttled).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 429,
      nextAttemptAt: clock.now() + 30_000,
      giveUpAfter: clock.now() + policy.retryWindowMs + 30_000,
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ now: clock.now(), outcome: { kind: 'throttled' } });
    expect(told[0]!.delivery.id).toBe(throttled!.id);

    clock.advance(30_000);
    answer.status = 200;
    await worker(async () => answer, { onAttempt: (attempt) => told.push(attempt) }).runOnce();
    expect(told.map((attempt) => attempt.outcome.kind)).toEqual(['throttled', 'delivered']);
  });

  it('retakes deliveries a crashed process had claimed, once their lease runs out', async () => {
    await queue(1);
    const [dead] = await store.claimDueDeliveries({
      now: clock.now(),
      limit: 1,
      leaseToken: 'dead',
      leaseUntil: clock.now() + 25_000,
    });
    expect(dead).toBeDefined();
    const sends: string[] = [];
    const survivor = worker(async (delivery) => {
      sends.push(delivery.url);
      return { status: 200 };
    });
    expect(await survivor.runOnce()).toBe(0);
    clock.advance(25_000);
    expect(await survivor.runOnce()).toBe(1);
    expect(await statuses()).toEqual(['delivered']);
    expect(sends).toEqual(['http://127.0.0.1:9/hook']);
  });

  it('fails deliveries to hosts no longer allowed without sending them', async () => {
    await queue(1);
    const send = jest.fn<ReturnType<SendDelivery>, Parameters<SendDelivery>>();
    await worker(send, { allowedTargetHosts: ['hooks.zapier.com'] }).runOnce();
    expect(send).not.toHaveBeenCalled();
    const [delivery] = await store.listDeliveries(connectionId, { limit: 1 });
    expect(delivery).toMatchObject({
      status: 'failed',
      lastError: 'target host is not allowed by RELAY_ALLOWED_TARGET_HOSTS',
    });
  });

  it('logs and survives store failures, leaving the work to be retried', async () => {
    await queue(1);
    const flaky = Object.create(store) as Store;
    let claimFailures = 1;
    flaky.claimDueDeliveries = (input) =>
      claimFailures-- > 0
        ? Promise.reject(Object.assign(new Error('db down: password=x'), { code: '57P01' }))
        : store.claimDueDeliveries(input);
    flaky.finishAttempt = () =>
      Promise.reject(Object.assign(new Error('db down'), { code: '57P01' }));
    const running = worker(async () => ({ status: 200 }), { store: flaky });
    running.start();
    await until(() => logs.some((line) => line.includes('recording a delivery attempt failed')));
    await running.stop();
    const messages = logs.map((line) => JSON.parse(line));
    expect(messages).toContainEqual(
      expect.objectContaining({ msg: 'claiming deliveries failed', error_code: '57P01' }),
    );
    expect(messages).toContainEqual(
      expect.objectContaining({ msg: 'recording a delivery attempt failed', error_code: '57P01' }),
    );
    expect(logs.join('')).not.toContain('password');
    expect(await statuses()).toEqual(['pending']);
    clock.advance(policy.timeoutMs * 2 + 5_000);
    expect(await worker(async () => ({ status: 200 })).runOnce()).toBe(1);
    expect(await statuses()).toEqual(['delivered']);
  });

  it('treats any non-2xx other than 410 as retryable, including redirects', async () => {
    await queue(1);
    await worker(async () => ({ status: 301 })).runOnce();
    const [delivery] = await store.listDeliveries(connectionId, { limit: 1 });
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 301,
      lastError: 'target answered 301',
      nextAttemptAt: clock.now() + 7_500,
    });
    expect(subscriptionId).toBe('sub_w');
  });
});
