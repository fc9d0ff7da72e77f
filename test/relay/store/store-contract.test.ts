/**
 * One suite, run against both stores, so SQLite and PostgreSQL stay equivalent.
 */
import { DatabaseSync } from 'node:sqlite';

import { Sealer, generateEncryptionKey } from '../../../src/relay/encryption';
import {
  POSTGRES_DIALECT,
  SEALING_MIGRATION,
  SQLITE_DIALECT,
  migrationsTable,
  pendingMigrations,
} from '../../../src/relay/store/schema';
import {
  SubscriptionLimitError,
  type AttemptOutcome,
  type ClaimedDelivery,
  type NewExport,
  type Store,
} from '../../../src/relay/store/types';
import { databaseKinds, type TestDatabase } from '../support/databases';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const DAY = 24 * 60 * 60_000;

describe.each(databaseKinds)('%s store', (kind, createDatabase) => {
  let database: TestDatabase;
  let store: Store;
  let sequence = 0;
  const unique = (prefix: string) =>
    `${prefix}_${(sequence += 1)}_${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    database = await createDatabase();
    store = await database.openStore();
  });
  afterAll(async () => {
    await database.drop();
  });

  async function connection() {
    return store.insertConnection({
      id: unique('con'),
      apiKeyHash: unique('hash'),
      secret: unique('secret'),
      now: T0,
    });
  }

  async function subscription(
    connectionId: string,
    target = `https://hooks.zapier.com/${unique('hook')}`,
    options: { channel?: string; maxActive?: number; on?: Store } = {},
  ) {
    return (options.on ?? store).upsertSubscription({
      id: unique('sub'),
      connectionId,
      targetUrl: target,
      secret: unique('s'),
      now: T0,
      ...(options.channel === undefined ? {} : { channel: options.channel }),
      ...(options.maxActive === undefined ? {} : { maxActive: options.maxActive }),
    });
  }

  function newExport(connectionId: string, overrides: Partial<NewExport> = {}): NewExport {
    const uuid = overrides.uuid ?? unique('uuid');
    return {
      connectionId,
      uuid,
      event: 'CANDIDATE-EXPORT',
      headers: {
        'x-jazzhr-event': 'CANDIDATE-EXPORT',
        'x-jazzhr-uuid': uuid,
        link: 'https://app.jazz.co/x',
      },
      body: Buffer.from(`{"candidate": {"person": {"id": {"value": "${uuid}"}}}}`),
      receivedAt: T0,
      giveUpAfter: T0 + DAY,
      ...overrides,
    };
  }

  async function claimAll(now: number, token = unique('lease')) {
    return store.claimDueDeliveries({
      now,
      limit: 1000,
      leaseToken: token,
      leaseUntil: now + 30_000,
    });
  }

  it('migrates idempotently, from two stores at once', async () => {
    const applied = await database.query('SELECT version FROM schema_migrations ORDER BY version');
    const [a, b] = await Promise.all([database.openStore(), database.openStore()]);
    await Promise.all([a.migrate(), b.migrate()]);
    await expect(a.ping()).resolves.toBeUndefined();
    const versions = await database.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions).toEqual(applied);
    expect(versions.map((row) => Number(row.version))).toEqual(
      Array.from({ length: versions.length }, (_, index) => index + 1),
    );
  });

  describe('connections', () => {
    it('keeps one connection per API key hash, whatever id a later insert proposes', async () => {
      const first = await store.insertConnection({
        id: unique('con'),
        apiKeyHash: 'same-hash',
        secret: 'one',
        now: T0,
      });
      const again = await store.insertConnection({
        id: unique('con'),
        apiKeyHash: 'same-hash',
        secret: 'two',
        now: T0 + 1,
      });
      expect(again).toEqual(first);
      expect(first.secret).toBe('one');
      expect(await store.connectionByKeyHash('same-hash')).toEqual(first);
      expect(await store.connectionById(first.id)).toEqual(first);
      expect(first).toMatchObject({
        replacedSecrets: [],
        keyConfirmedAt: T0,
        revokedAt: null,
        createdAt: T0,
      });
    });

    it('answers undefined for unknown ids and hashes', async () => {
      expect(await store.connectionById('con_unknown')).toBeUndefined();
      expect(await store.connectionByKeyHash('no-such-hash')).toBeUndefined();
      expect(
        await store.rotateSecret({ id: 'con_unknown', newSecret: 'x', now: T0, graceMs: DAY }),
      ).toBeUndefined();
      expect(await store.revokeConnection('con_unknown', T0)).toBe(false);
      expect(await store.deleteConnection('con_unknown')).toBe(false);
    });

    it('rotates: every replaced secret stays listed until its own expiry, however many rotations', async () => {
      const created = await connection();
      const rotate = (newSecret: string, now: number) =>
        store.rotateSecret({ id: created.id, newSecret, now, graceMs: DAY });
      await rotate('second', T0);
      await rotate('third', T0 + 1000);
      const third = await rotate('fourth', T0 + 2000);
      expect(third).toEqual({
        kind: 'rotated',
        connection: expect.objectContaining({
          id: created.id,
          secret: 'fourth',
          replacedSecrets: [
            { secret: created.secret, replacedAt: T0, validUntil: T0 + DAY },
            { secret: 'second', replacedAt: T0 + 1000, validUntil: T0 + 1000 + DAY },
            { secret: 'third', replacedAt: T0 + 2000, validUntil: T0 + 2000 + DAY },
          ],
        }),
      });
      expect(await store.connectionById(created.id)).toEqual(
        third?.kind === 'rotated' ? third.connection : undefined,
      );
      // A day later the first two have expired and drop out at the next rotation.
      const later = await rotate('fifth', T0 + DAY + 1000);
      expect(later?.kind === 'rotated' && later.connection.replacedSecrets).toEqual([
        { secret: 'third', replacedAt: T0 + 2000, validUntil: T0 + 2000 + DAY },
        { secret: 'fourth', replacedAt: T0 + DAY + 1000, validUntil: T0 + 2 * DAY + 1000 },
      ]);
    });

    it('refuses a rotation while ten replaced secrets are still valid, changing nothing', async () => {
      const created = await connection();
      for (let index = 0; index < 10; index += 1) {
        await store.rotateSecret({
          id: created.id,
          newSecret: `s${index}`,
          now: T0 + index,
          graceMs: DAY,
        });
      }
      const refused = await store.rotateSecret({
        id: created.id,
        newSecret: 'one too many',
        now: T0 + 10,
        graceMs: DAY,
      });
      expect(refused).toEqual({ kind: 'limit', retryAt: T0 + DAY });
      expect((await store.connectionById(created.id))?.secret).toBe('s9');
    });

    it('records key confirmations and revokes once; a revoked connection is not confirmed again', async () => {
      const created = await connection();
      await store.confirmApiKey(created.id, T0 + 5000);
      await store.confirmApiKey(created.id, T0 + 1000);
      expect((await store.connectionById(created.id))?.keyConfirmedAt).toBe(T0 + 5000);
      expect(await store.revokeConnection(created.id, T0 + 6000)).toBe(true);
      expect(await store.revokeConnection(created.id, T0 + 7000)).toBe(false);
      await store.confirmApiKey(created.id, T0 + 8000);
      expect(await store.connectionById(created.id)).toMatchObject({
        revokedAt: T0 + 6000,
        keyConfirmedAt: T0 + 5000,
      });
    });
  });

  describe('subscriptions', () => {
    it('is idempotent per connection and target, and reactivates a deactivated one', async () => {
      const { id: connectionId } = await connection();
      const target = 'https://hooks.zapier.com/hooks/standard/1/abc/';
      const first = await subscription(connectionId, target);
      const again = await subscription(connectionId, target);
      expect(again).toEqual(first);
      expect(first).toMatchObject({
        connectionId,
        targetUrl: target,
        active: true,
        deactivatedReason: null,
      });

      expect(await store.deactivateSubscription(first.id, 'unsubscribed', T0)).toBe(true);
      expect(await store.subscriptionById(first.id)).toMatchObject({
        active: false,
        deactivatedReason: 'unsubscribed',
      });
      const revived = await subscription(connectionId, target);
      expect(revived).toMatchObject({
        id: first.id,
        secret: first.secret,
        active: true,
        deactivatedReason: null,
      });

      const other = await subscription(connectionId, `${target}other`);
      expect(other.id).not.toBe(first.id);
    });

    it('reports deactivating an unknown subscription', async () => {
      expect(await store.deactivateSubscription('sub_unknown', 'unsubscribed', T0)).toBe(false);
      expect(await store.subscriptionById('sub_unknown')).toBeUndefined();
    });
  });

  describe('channels', () => {
    /** Which subscriptions got a delivery of the export `uuid`. */
    async function deliveredTo(connectionId: string, uuid: string): Promise<string[]> {
      const deliveries = await store.listDeliveries(connectionId, { limit: 100 });
      return deliveries
        .filter((delivery) => delivery.exportUuid === uuid)
        .map((delivery) => delivery.subscriptionId)
        .sort();
    }

    it('gives an export only to the subscriptions of the channel it arrived on', async () => {
      const { id: connectionId } = await connection();
      const onDefault = await subscription(connectionId);
      const onA = await subscription(connectionId, undefined, { channel: 'a' });
      const alsoOnA = await subscription(connectionId, undefined, { channel: 'a' });
      const onB = await subscription(connectionId, undefined, { channel: 'b' });
      expect(onDefault.channel).toBe('');
      expect(onA.channel).toBe('a');

      const ingest = (uuid: string, channel?: string) =>
        store.ingestExport(newExport(connectionId, { uuid, ...(channel ? { channel } : {}) }));
      expect(await ingest('on-a', 'a')).toEqual({ stored: true, deliveries: 2 });
      expect(await ingest('on-b', 'b')).toEqual({ stored: true, deliveries: 1 });
      expect(await ingest('on-default')).toEqual({ stored: true, deliveries: 1 });
      expect(await ingest('on-c', 'c')).toEqual({ stored: true, deliveries: 0 });

      expect(await deliveredTo(connectionId, 'on-a')).toEqual([onA.id, alsoOnA.id].sort());
      expect(await deliveredTo(connectionId, 'on-b')).toEqual([onB.id]);
      expect(await deliveredTo(connectionId, 'on-default')).toEqual([onDefault.id]);
      expect(await deliveredTo(connectionId, 'on-c')).toEqual([]);
    });

    it('lists each channel’s exports apart, the default channel when none is named', async () => {
      const { id: connectionId } = await connection();
      const ingest = (uuid: string, receivedAt: number, channel?: string) =>
        store.ingestExport(newExport(connectionId, { uuid, receivedAt, channel }));
      await ingest('d-1', T0);
      await ingest('a-1', T0 + 1, 'a');
      await ingest('b-1', T0 + 2, 'b');
      await ingest('a-2', T0 + 3, 'a');
      const uuids = async (channel?: string) =>
        (await store.recentExports(connectionId, 10, channel)).map((item) => item.uuid);
      expect(await uuids('a')).toEqual(['a-2', 'a-1']);
      expect(await uuids('b')).toEqual(['b-1']);
      expect(await uuids()).toEqual(['d-1']);
      expect(await uuids('')).toEqual(['d-1']);
      expect(await uuids('none-here')).toEqual([]);
    });

    it('dedupes per connection whatever the channel: a uuid seen on one channel is a duplicate on another', async () => {
      const { id: connectionId } = await connection();
      await subscription(connectionId, undefined, { channel: 'b' });
      await store.ingestExport(newExport(connectionId, { uuid: 'same', channel: 'a' }));
      expect(
        await store.ingestExport(newExport(connectionId, { uuid: 'same', channel: 'b' })),
      ).toEqual({ stored: false, deliveries: 0 });
      expect(await store.recentExports(connectionId, 10, 'b')).toEqual([]);
    });

    it('moves a target subscribed again to another channel, keeping its id and secret', async () => {
      const { id: connectionId } = await connection();
      const target = `https://hooks.zapier.com/${unique('moving')}`;
      const first = await subscription(connectionId, target, { channel: 'a' });
      const moved = await subscription(connectionId, target, { channel: 'b' });
      expect(moved).toMatchObject({ id: first.id, secret: first.secret, channel: 'b' });
      const ingested = await store.ingestExport(newExport(connectionId, { channel: 'a' }));
      expect(ingested.deliveries).toBe(0);
      expect((await store.ingestExport(newExport(connectionId, { channel: 'b' }))).deliveries).toBe(
        1,
      );
      expect(await subscription(connectionId, target)).toMatchObject({ id: first.id, channel: '' });
    });
  });

  describe('subscription limit', () => {
    it('refuses a new active subscription past maxActive; an active one subscribed again is not new', async () => {
      const { id: connectionId } = await connection();
      const limited = (target: string) => subscription(connectionId, target, { maxActive: 2 });
      const first = await limited('https://hooks.zapier.com/1');
      const second = await limited('https://hooks.zapier.com/2');
      await expect(limited('https://hooks.zapier.com/3')).rejects.toThrow(SubscriptionLimitError);
      expect(await limited('https://hooks.zapier.com/1')).toMatchObject({ id: first.id });

      await store.deactivateSubscription(second.id, 'unsubscribed', T0);
      const third = await limited('https://hooks.zapier.com/3');
      expect(third.active).toBe(true);
      // Reactivating the deactivated one would make three.
      await expect(limited('https://hooks.zapier.com/2')).rejects.toMatchObject({
        name: 'SubscriptionLimitError',
        limit: 2,
      });
      expect(await store.subscriptionById(second.id)).toMatchObject({ active: false });

      const { id: otherConnection } = await connection();
      expect(
        await subscription(otherConnection, 'https://hooks.zapier.com/1', { maxActive: 2 }),
      ).toMatchObject({ active: true });
    });

    it('never lets concurrent subscribes, from two stores, take a connection past its limit', async () => {
      const other = await database.openStore();
      const { id: connectionId } = await connection();
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, index) =>
          subscription(connectionId, `https://hooks.zapier.com/race-${index}`, {
            maxActive: 5,
            on: index % 2 === 0 ? store : other,
          }),
        ),
      );
      const refused = results.filter((result) => result.status === 'rejected');
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
      for (const result of refused) {
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SubscriptionLimitError);
      }
      const active = await database.query(
        `SELECT COUNT(*) AS n FROM subscriptions WHERE connection_id = '${connectionId}' AND active`,
      );
      expect(Number(active[0]!.n)).toBe(5);
    });
  });

  describe('exports', () => {
    it('stores the exact bytes and headers, with one delivery per active subscription', async () => {
      const { id: connectionId } = await connection();
      await subscription(connectionId);
      await subscription(connectionId);
      const inactive = await subscription(connectionId);
      await store.deactivateSubscription(inactive.id, 'unsubscribed', T0);
      const body = Buffer.concat([
        Buffer.from('{"candidate": {"person": null}, "x": "'),
        Buffer.from([0xe2, 0x82, 0xac, 0xff]),
        Buffer.from('"}\n'),
      ]);
      const input = newExport(connectionId, {
        body,
        headers: {
          'x-jazzhr-event': 'CANDIDATE-EXPORT',
          'x-jazzhr-uuid': 'u-1',
          'x-jazzhr-export-context': 'job_1',
          link: 'https://app.jazz.co/c/1',
        },
        uuid: 'u-1',
      });

      expect(await store.ingestExport(input)).toEqual({ stored: true, deliveries: 2 });
      const [stored] = await store.recentExports(connectionId, 3);
      expect(Buffer.from(stored!.body).equals(body)).toBe(true);
      expect(stored).toMatchObject({
        uuid: 'u-1',
        event: 'CANDIDATE-EXPORT',
        headers: input.headers,
        receivedAt: T0,
      });
    });

    it('deduplicates on the uuid per connection: a repeat stores and queues nothing', async () => {
      const { id: connectionId } = await connection();
      await subscription(connectionId);
      expect(await store.ingestExport(newExport(connectionId, { uuid: 'dup' }))).toEqual({
        stored: true,
        deliveries: 1,
      });
      expect(
        await store.ingestExport(newExport(connectionId, { uuid: 'dup', receivedAt: T0 + 5 })),
      ).toEqual({
        stored: false,
        deliveries: 0,
      });
      expect(await store.recentExports(connectionId, 100)).toHaveLength(1);
      expect(await store.listDeliveries(connectionId, { limit: 100 })).toHaveLength(1);

      const { id: otherConnection } = await connection();
      expect(await store.ingestExport(newExport(otherConnection, { uuid: 'dup' }))).toEqual({
        stored: true,
        deliveries: 0,
      });
    });

    it('keeps exports for a connection without subscriptions, newest first', async () => {
      const { id: connectionId } = await connection();
      for (let index = 0; index < 5; index += 1) {
        await store.ingestExport(
          newExport(connectionId, { uuid: `order-${index}`, receivedAt: T0 + index }),
        );
      }
      const recent = await store.recentExports(connectionId, 3);
      expect(recent.map((item) => item.uuid)).toEqual(['order-4', 'order-3', 'order-2']);
    });

    it('stores concurrent repeats of one uuid once', async () => {
      const { id: connectionId } = await connection();
      await subscription(connectionId);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.ingestExport(newExport(connectionId, { uuid: 'racing' })),
        ),
      );
      expect(results.filter((result) => result.stored)).toHaveLength(1);
      expect(await store.listDeliveries(connectionId, { limit: 100 })).toHaveLength(1);
    });

    it('ingests exports arriving together independently: a repeat among them is a duplicate, a failure fails alone', async () => {
      const { id: connectionId } = await connection();
      await subscription(connectionId);
      const results = await Promise.allSettled([
        store.ingestExport(newExport(connectionId, { uuid: 'batch-a' })),
        store.ingestExport(newExport(connectionId, { uuid: 'batch-b' })),
        store.ingestExport(newExport(connectionId, { uuid: 'batch-a' })),
        // No such connection: this insert breaks a foreign key.
        store.ingestExport(newExport('con_missing', { uuid: 'batch-orphan' })),
        store.ingestExport(newExport(connectionId, { uuid: 'batch-c' })),
      ]);
      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const values = results.map((result) =>
        result.status === 'fulfilled' ? result.value : 'failed',
      );
      // Which of the two repeats wins is the database's choice (PostgreSQL races them); one does.
      expect([values[0], values[2]]).toEqual(
        expect.arrayContaining([
          { stored: true, deliveries: 1 },
          { stored: false, deliveries: 0 },
        ]),
      );
      expect([values[1], values[3], values[4]]).toEqual([
        { stored: true, deliveries: 1 },
        'failed',
        { stored: true, deliveries: 1 },
      ]);
      const stored = await store.recentExports(connectionId, 100);
      expect(stored.map((item) => item.uuid).sort()).toEqual(['batch-a', 'batch-b', 'batch-c']);
      expect(await store.listDeliveries(connectionId, { limit: 100 })).toHaveLength(3);
      expect(await database.query("SELECT uuid FROM exports WHERE uuid = 'batch-orphan'")).toEqual(
        [],
      );
    });
  });

  describe('recovering failed deliveries', () => {
    // A database of its own: recovery across every connection must see no other test's rows.
    let own: TestDatabase;
    let ownStore: Store;
    beforeAll(async () => {
      own = await createDatabase();
      ownStore = await own.openStore();
    });
    afterAll(async () => {
      await own.drop();
    });

    /** A connection with one subscription and one failed delivery per receipt time. */
    async function failedDeliveries(receivedAts: number[], active = true) {
      const conn = await ownStore.insertConnection({
        id: unique('con'),
        apiKeyHash: unique('hash'),
        secret: unique('secret'),
        now: T0,
      });
      const sub = await ownStore.upsertSubscription({
        id: unique('sub'),
        connectionId: conn.id,
        targetUrl: `https://hooks.zapier.com/${unique('hook')}`,
        secret: unique('s'),
        now: T0,
      });
      for (const receivedAt of receivedAts) {
        await ownStore.ingestExport(newExport(conn.id, { receivedAt }));
      }
      const lease = unique('lease');
      const failedAt = Math.max(...receivedAts) + 1000;
      const claimed = await ownStore.claimDueDeliveries({
        now: failedAt,
        limit: 1000,
        leaseToken: lease,
        leaseUntil: failedAt + 30_000,
      });
      for (const delivery of claimed.filter((item) => item.connectionId === conn.id)) {
        await ownStore.finishAttempt({
          id: delivery.id,
          leaseToken: lease,
          now: failedAt,
          outcome: { kind: 'failed', statusCode: 500, error: 'target answered 500' },
        });
      }
      if (!active) await ownStore.deactivateSubscription(sub.id, 'unsubscribed', failedAt);
      return conn;
    }

    const statuses = async (connectionId: string) =>
      (await ownStore.listDeliveries(connectionId, { limit: 10 }))
        .map((delivery) => `${delivery.createdAt - T0}:${delivery.status}`)
        .sort();

    it('requeues one connection’s failures received in the range, due now with a fresh window', async () => {
      const mine = await failedDeliveries([T0, T0 + 1000, T0 + 2000]);
      const other = await failedDeliveries([T0 + 1000]);
      const now = T0 + 2 * DAY;
      const requeued = await ownStore.requeueFailedDeliveries({
        connectionId: mine.id,
        since: T0 + 1000,
        until: T0 + 2000,
        now,
        giveUpAfter: now + DAY,
      });
      expect(requeued).toBe(2);
      expect(await statuses(mine.id)).toEqual(['0:failed', '1000:pending', '2000:pending']);
      expect(await statuses(other.id)).toEqual(['1000:failed']);
      const [due] = (await ownStore.listDeliveries(mine.id, { status: 'pending', limit: 1 }))!;
      expect(due).toMatchObject({ attempts: 0, nextAttemptAt: now, giveUpAfter: now + DAY });
    });

    it('requeues every connection’s failures when no connection is named, but not a deactivated subscription’s', async () => {
      const first = await failedDeliveries([T0 + 5 * DAY]);
      const second = await failedDeliveries([T0 + 5 * DAY + 1]);
      const gone = await failedDeliveries([T0 + 5 * DAY + 2], false);
      const requeued = await ownStore.requeueFailedDeliveries({
        connectionId: undefined,
        since: T0 + 5 * DAY,
        until: T0 + 6 * DAY,
        now: T0 + 7 * DAY,
        giveUpAfter: T0 + 8 * DAY,
      });
      expect(requeued).toBe(2);
      expect((await statuses(first.id))[0]).toMatch(/:pending$/);
      expect((await statuses(second.id))[0]).toMatch(/:pending$/);
      expect((await statuses(gone.id))[0]).toMatch(/:failed$/);
    });
  });

  describe('deliveries', () => {
    async function setup() {
      const conn = await connection();
      const sub = await subscription(conn.id);
      const uuid = unique('uuid');
      await store.ingestExport(newExport(conn.id, { uuid }));
      const [delivery] = await store.listDeliveries(conn.id, { limit: 10 });
      return { conn, sub, uuid, delivery: delivery! };
    }

    async function finish(
      id: string,
      leaseToken: string,
      outcome: AttemptOutcome,
      now = T0 + 1000,
    ) {
      return store.finishAttempt({ id, leaseToken, now, outcome });
    }

    it('counts pending deliveries and knows when the oldest was created', async () => {
      const before = await store.pendingDeliveries();
      const conn = await connection();
      const sub = await subscription(conn.id);
      const longAgo = T0 - 30 * DAY;
      await store.ingestExport(newExport(conn.id, { receivedAt: longAgo }));
      const [delivery] = await store.listDeliveries(conn.id, { limit: 1 });
      expect(await store.pendingDeliveries()).toEqual({
        count: before.count + 1,
        oldest: { id: delivery!.id, connectionId: conn.id, createdAt: longAgo },
      });
      await store.deactivateSubscription(sub.id, 'test', T0);
      expect(await store.pendingDeliveries()).toEqual(before);
    });

    it('starts pending and due at once, and is claimed with what sending needs', async () => {
      const { conn, sub, uuid, delivery } = await setup();
      expect(delivery).toMatchObject({
        exportUuid: uuid,
        subscriptionId: sub.id,
        connectionId: conn.id,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        giveUpAfter: T0 + DAY,
        lastStatusCode: null,
        lastError: null,
      });
      expect(delivery.id).toMatch(/^dlv_[0-9a-f]{32}$/);
      expect(await store.deliveryById(delivery.id)).toEqual(delivery);

      const claimed = (await claimAll(T0, 'lease-a')).find((item) => item.id === delivery.id);
      expect(claimed).toMatchObject({
        leaseToken: 'lease-a',
        targetUrl: sub.targetUrl,
        secret: sub.secret,
      });
      expect(claimed?.headers['x-jazzhr-uuid']).toBe(uuid);
      expect(Buffer.from(claimed!.body).toString()).toContain(uuid);
    });

    it('never hands one delivery to two live leases, and retakes it when the lease runs out', async () => {
      const { delivery } = await setup();
      const first = await claimAll(T0, 'first');
      expect(first.map((item) => item.id)).toContain(delivery.id);
      expect((await claimAll(T0 + 29_999, 'second')).map((item) => item.id)).not.toContain(
        delivery.id,
      );

      const retaken = await claimAll(T0 + 30_000, 'third');
      expect(retaken.map((item) => item.id)).toContain(delivery.id);
      expect(await finish(delivery.id, 'first', { kind: 'delivered', statusCode: 200 })).toBe(
        false,
      );
      expect(await finish(delivery.id, 'third', { kind: 'delivered', statusCode: 200 })).toBe(true);
      expect(await store.deliveryById(delivery.id)).toMatchObject({
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 200,
      });
      expect((await claimAll(T0 + DAY)).map((item) => item.id)).not.toContain(delivery.id);
    });

    it('schedules a retry, claimable only once due', async () => {
      const { delivery } = await setup();
      await claimAll(T0, 'lease');
      const nextAttemptAt = T0 + 8_000;
      expect(
        await finish(delivery.id, 'lease', {
          kind: 'retry',
          statusCode: 503,
          error: 'target answered 503',
          nextAttemptAt,
        }),
      ).toBe(true);
      expect(await store.deliveryById(delivery.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt,
        lastStatusCode: 503,
        lastError: 'target answered 503',
        updatedAt: T0 + 1000,
      });
      expect((await claimAll(nextAttemptAt - 1)).map((item) => item.id)).not.toContain(delivery.id);
      const due = (await claimAll(nextAttemptAt)).find((item) => item.id === delivery.id);
      expect(due?.attempts).toBe(1);
    });

    it('records a final failure and lists deliveries by status', async () => {
      const { conn, delivery } = await setup();
      await claimAll(T0, 'lease');
      await finish(delivery.id, 'lease', {
        kind: 'failed',
        statusCode: null,
        error: 'could not reach the target (ECONNREFUSED)',
      });
      expect(await store.deliveryById(delivery.id)).toMatchObject({
        status: 'failed',
        nextAttemptAt: null,
        lastStatusCode: null,
      });
      expect(
        (await store.listDeliveries(conn.id, { status: 'failed', limit: 10 })).map((d) => d.id),
      ).toEqual([delivery.id]);
      expect(await store.listDeliveries(conn.id, { status: 'pending', limit: 10 })).toEqual([]);
      const { conn: stranger } = await setup();
      expect(
        (await store.listDeliveries(stranger.id, { limit: 10 })).map((d) => d.id),
      ).not.toContain(delivery.id);
    });

    it('on 410 cancels the delivery, deactivates the subscription and cancels its other pending deliveries', async () => {
      const { conn, sub, delivery } = await setup();
      await store.ingestExport(newExport(conn.id));
      const other = (await store.listDeliveries(conn.id, { limit: 10 })).find(
        (d) => d.id !== delivery.id,
      )!;
      const leased = await store.claimDueDeliveries({
        now: T0,
        limit: 1000,
        leaseToken: 'lease',
        leaseUntil: T0 + 30_000,
      });
      expect(leased.map((item) => item.id)).toEqual(
        expect.arrayContaining([delivery.id, other.id]),
      );

      await finish(delivery.id, 'lease', {
        kind: 'gone',
        statusCode: 410,
        error: 'target answered 410 Gone',
      });
      expect(await store.deliveryById(delivery.id)).toMatchObject({
        status: 'cancelled',
        lastStatusCode: 410,
      });
      expect(await store.subscriptionById(sub.id)).toMatchObject({
        active: false,
        deactivatedReason: 'target answered 410 Gone',
      });
      expect(await store.deliveryById(other.id)).toMatchObject({
        status: 'cancelled',
        nextAttemptAt: null,
      });
      // The other attempt was in flight when the subscription went: its result no longer counts.
      expect(await finish(other.id, 'lease', { kind: 'delivered', statusCode: 200 })).toBe(false);
      expect(await store.ingestExport(newExport(conn.id))).toMatchObject({
        stored: true,
        deliveries: 0,
      });
    });

    it('leaves delivered deliveries alone when a subscription is deactivated', async () => {
      const { conn, sub, delivery } = await setup();
      await claimAll(T0, 'lease');
      await finish(delivery.id, 'lease', { kind: 'delivered', statusCode: 202 });
      await store.ingestExport(newExport(conn.id));
      expect(await store.deactivateSubscription(sub.id, 'unsubscribed', T0 + 5)).toBe(true);
      const statuses = (await store.listDeliveries(conn.id, { limit: 10 }))
        .map((d) => d.status)
        .sort();
      expect(statuses).toEqual(['cancelled', 'delivered']);
    });

    it('requeues a failed delivery with a fresh window, and keeps an in-flight lease', async () => {
      const { delivery } = await setup();
      await claimAll(T0, 'lease');
      await finish(delivery.id, 'lease', {
        kind: 'failed',
        statusCode: 500,
        error: 'target answered 500',
      });
      const requeued = await store.requeueDelivery(delivery.id, T0 + DAY, T0 + 2 * DAY);
      expect(requeued).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0 + DAY,
        giveUpAfter: T0 + 2 * DAY,
      });

      const [inFlight] = (await claimAll(T0 + DAY, 'live')).filter(
        (item) => item.id === delivery.id,
      );
      expect(inFlight).toBeDefined();
      await store.requeueDelivery(delivery.id, T0 + DAY + 1, T0 + 2 * DAY);
      expect((await claimAll(T0 + DAY + 2, 'intruder')).map((item) => item.id)).not.toContain(
        delivery.id,
      );
      expect(await finish(delivery.id, 'live', { kind: 'delivered', statusCode: 200 })).toBe(true);
      expect(await store.requeueDelivery('dlv_unknown', T0, T0)).toBeUndefined();
    });

    it('claims respect the limit and order by due time', async () => {
      const conn = await connection();
      await subscription(conn.id);
      for (let index = 0; index < 4; index += 1) {
        await store.ingestExport(
          newExport(conn.id, { uuid: `limit-${index}`, receivedAt: T0 + 10 * DAY - index }),
        );
      }
      const claimed = await store.claimDueDeliveries({
        now: T0 + 11 * DAY,
        limit: 2,
        leaseToken: 'limited',
        leaseUntil: T0 + 12 * DAY,
      });
      expect(claimed.length).toBe(2);
      expect(claimed[0]!.nextAttemptAt! <= claimed[1]!.nextAttemptAt!).toBe(true);
    });

    it('hands each delivery to exactly one of many concurrent claimers across connections', async () => {
      const other = await database.openStore();
      const conn = await connection();
      await subscription(conn.id);
      await subscription(conn.id);
      const uuids = Array.from({ length: 40 }, (_, index) => `concurrent-${index}`);
      for (const uuid of uuids)
        await store.ingestExport(newExport(conn.id, { uuid, receivedAt: T0 + 20 * DAY }));
      const now = T0 + 21 * DAY;
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? store : other).claimDueDeliveries({
            now,
            limit: 7,
            leaseToken: `claimer-${index}`,
            leaseUntil: now + 60_000,
          }),
        ),
      );
      const ids = claims
        .flat()
        .filter((item) => item.connectionId === conn.id)
        .map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      const rest = await claimAll(now, 'rest');
      const all = [
        ...ids,
        ...rest.filter((item) => item.connectionId === conn.id).map((item) => item.id),
      ];
      expect(new Set(all).size).toBe(80);
      expect(all).toHaveLength(80);
    });
  });

  describe("candidates' data", () => {
    // Far before every other test's exports, so retention sweeps here never reach theirs.
    const LONG_AGO = T0 - 400 * DAY;
    const CANDIDATE = 'Zebulon Quartermaine';
    const ZEBULON = 'email:zebulon@example.com';

    async function exportWithDelivery(
      connectionId: string,
      outcome: AttemptOutcome | undefined,
      overrides: Partial<NewExport> = {},
    ) {
      const item = newExport(connectionId, {
        receivedAt: LONG_AGO,
        giveUpAfter: LONG_AGO + DAY,
        body: Buffer.from(`{"candidate": {"person": {"name": "${CANDIDATE}"}}}`),
        candidates: [ZEBULON],
        ...overrides,
      });
      await store.ingestExport(item);
      const delivery = (await store.listDeliveries(connectionId, { limit: 1000 })).find(
        (each) => each.exportUuid === item.uuid,
      );
      if (outcome) {
        const token = unique('lease');
        await store.claimDueDeliveries({
          now: LONG_AGO,
          limit: 1000,
          leaseToken: token,
          leaseUntil: LONG_AGO + 60_000,
        });
        await store.finishAttempt({ id: delivery!.id, leaseToken: token, now: LONG_AGO, outcome });
      }
      return { item, delivery: delivery! };
    }

    /** The export's row as the database holds it, whichever driver read it. */
    async function rawExport(connectionId: string, uuid: string) {
      const [row] = await database.query(
        `SELECT headers, body, erased_at AS "erasedAt" FROM exports WHERE connection_id = '${connectionId}' AND uuid = '${uuid}'`,
      );
      return (
        row && {
          headers: Buffer.from(row.headers as Uint8Array),
          body: Buffer.from(row.body as Uint8Array),
          erasedAt: row.erasedAt === null ? null : Number(row.erasedAt),
        }
      );
    }

    const delivered: AttemptOutcome = { kind: 'delivered', statusCode: 200 };

    it('erases bodies and headers past retention once no delivery is pending, keeping ids, times and outcomes', async () => {
      const conn = await connection();
      await subscription(conn.id);
      const done = await exportWithDelivery(conn.id, delivered);
      const stillPending = await exportWithDelivery(conn.id, undefined);
      const recent = await exportWithDelivery(conn.id, delivered, {
        receivedAt: LONG_AGO + 20 * DAY,
      });
      const receivedBefore = LONG_AGO + 10 * DAY;
      const now = LONG_AGO + 40 * DAY;

      let erased = 0;
      for (let batch = 1; batch > 0;) {
        batch = await store.eraseExpiredExports({ now, receivedBefore, limit: 1 });
        expect(batch).toBeLessThanOrEqual(1);
        erased += batch;
      }
      expect(erased).toBe(1);
      expect(await rawExport(conn.id, done.item.uuid)).toEqual({
        headers: Buffer.alloc(0),
        body: Buffer.alloc(0),
        erasedAt: now,
      });
      expect((await rawExport(conn.id, stillPending.item.uuid))?.erasedAt).toBeNull();
      expect((await rawExport(conn.id, recent.item.uuid))?.erasedAt).toBeNull();

      expect((await store.recentExports(conn.id, 10)).map((item) => item.uuid).sort()).toEqual(
        [stillPending.item.uuid, recent.item.uuid].sort(),
      );
      expect(await store.deliveryById(done.delivery.id)).toMatchObject({
        exportUuid: done.item.uuid,
        status: 'delivered',
        lastStatusCode: 200,
        exportErased: true,
      });
      expect(await store.requeueDelivery(done.delivery.id, now, now + DAY)).toBeUndefined();
      expect((await store.deliveryById(done.delivery.id))?.status).toBe('delivered');
      expect(await store.eraseExpiredExports({ now, receivedBefore, limit: 100 })).toBe(0);
    });

    it('never brings an erased export back through recovery', async () => {
      const conn = await connection();
      await subscription(conn.id);
      const failed: AttemptOutcome = { kind: 'failed', statusCode: 500, error: 'HTTP 500' };
      const { delivery } = await exportWithDelivery(conn.id, failed);
      expect(
        await store.eraseExpiredExports({ now: T0, receivedBefore: LONG_AGO + 1, limit: 1000 }),
      ).toBeGreaterThanOrEqual(1);
      const range = { since: LONG_AGO - 1, until: LONG_AGO + 1, connectionId: conn.id };
      expect(
        await store.requeueFailedDeliveries({ ...range, now: T0, giveUpAfter: T0 + DAY }),
      ).toBe(0);
      expect((await store.deliveryById(delivery.id))?.status).toBe('failed');
    });

    it('erases one export with its deliveries, and only the one named for that connection', async () => {
      const conn = await connection();
      const other = await connection();
      await subscription(conn.id);
      const gone = await exportWithDelivery(conn.id, delivered);
      const kept = await exportWithDelivery(conn.id, undefined);
      expect(await store.deleteExport(other.id, gone.item.uuid)).toBe(false);
      expect(await store.deleteExport(conn.id, gone.item.uuid)).toBe(true);
      expect(await store.deleteExport(conn.id, gone.item.uuid)).toBe(false);
      expect(await rawExport(conn.id, gone.item.uuid)).toBeUndefined();
      expect(await store.deliveryById(gone.delivery.id)).toBeUndefined();
      expect(await rawExport(conn.id, kept.item.uuid)).toBeDefined();
      expect(await store.deliveryById(kept.delivery.id)).toBeDefined();
    });

    it('erases a connection with its subscriptions, exports and deliveries, leaving others alone', async () => {
      const conn = await connection();
      const other = await connection();
      await subscription(conn.id);
      await subscription(other.id);
      await exportWithDelivery(conn.id, delivered);
      await exportWithDelivery(conn.id, undefined);
      const survivor = await exportWithDelivery(other.id, undefined);
      expect(await store.deleteConnection(conn.id)).toBe(true);
      for (const table of [
        'connections',
        'subscriptions',
        'exports',
        'deliveries',
        'export_candidates',
      ]) {
        const column = table === 'connections' ? 'id' : 'connection_id';
        expect(
          await database.query(`SELECT 1 FROM ${table} WHERE ${column} = '${conn.id}'`),
        ).toEqual([]);
      }
      expect(await store.connectionById(conn.id)).toBeUndefined();
      expect(await store.deliveryById(survivor.delivery.id)).toBeDefined();
      expect(await store.deleteConnection(conn.id)).toBe(false);
      expect(await store.eraseCandidate(other.id, ZEBULON)).toBe(1);
    });

    async function candidateKeysOf(connectionId: string) {
      return database.query(
        `SELECT export_id FROM export_candidates WHERE connection_id = '${connectionId}'`,
      );
    }

    it('erases every export of one candidate, by email or person id, within one connection', async () => {
      const conn = await connection();
      const other = await connection();
      await subscription(conn.id);
      const ada = ['email:ada@example.com', 'person:101'];
      const first = await exportWithDelivery(conn.id, delivered, { candidates: ada });
      const second = await exportWithDelivery(conn.id, undefined, { candidates: ada });
      const grace = await exportWithDelivery(conn.id, undefined, {
        candidates: ['email:grace@example.com', 'person:102'],
      });
      const elsewhere = await exportWithDelivery(other.id, undefined, { candidates: ada });
      const byPerson = await exportWithDelivery(conn.id, undefined, { candidates: ['person:101'] });

      expect(await store.eraseCandidate(conn.id, 'email:ada@example.com')).toBe(2);
      for (const gone of [first, second]) {
        expect(await rawExport(conn.id, gone.item.uuid)).toBeUndefined();
        expect(await store.deliveryById(gone.delivery.id)).toBeUndefined();
      }
      expect(await rawExport(conn.id, grace.item.uuid)).toBeDefined();
      expect(await rawExport(other.id, elsewhere.item.uuid)).toBeDefined();
      expect(await store.eraseCandidate(conn.id, 'email:ada@example.com')).toBe(0);
      expect(await store.eraseCandidate(conn.id, 'person:101')).toBe(1);
      expect(await rawExport(conn.id, byPerson.item.uuid)).toBeUndefined();
      expect(await candidateKeysOf(conn.id)).toHaveLength(2);
      expect(await store.deleteExport(conn.id, grace.item.uuid)).toBe(true);
      expect(await candidateKeysOf(conn.id)).toEqual([]);
    });

    it('stores candidate keys only as keyed hashes, and drops them when retention erases the body', async () => {
      const conn = await connection();
      await exportWithDelivery(conn.id, undefined, { candidates: ['email:kept-out@example.com'] });
      const [row] = await database.query(
        `SELECT candidate_key FROM export_candidates WHERE connection_id = '${conn.id}'`,
      );
      const key = Buffer.from(row!.candidate_key as Uint8Array);
      expect(key).toHaveLength(32);
      expect(key.includes('kept-out')).toBe(false);
      expect(
        await store.eraseExpiredExports({ now: T0, receivedBefore: LONG_AGO + 1, limit: 1000 }),
      ).toBeGreaterThanOrEqual(1);
      expect(await candidateKeysOf(conn.id)).toEqual([]);
      expect(await store.eraseCandidate(conn.id, 'email:kept-out@example.com')).toBe(0);
    });

    it('keeps secrets, headers and bodies encrypted at rest', async () => {
      const conn = await store.insertConnection({
        id: unique('con'),
        apiKeyHash: unique('hash'),
        secret: 'connection-secret-4b1d',
        now: T0,
      });
      await store.upsertSubscription({
        id: unique('sub'),
        connectionId: conn.id,
        targetUrl: `https://hooks.zapier.com/${unique('hook')}`,
        secret: 'subscription-secret-77e2',
        now: T0,
      });
      await store.rotateSecret({
        id: conn.id,
        newSecret: 'rotated-secret-9c3a',
        now: T0,
        graceMs: DAY,
      });
      const { item } = await exportWithDelivery(conn.id, undefined, {
        headers: {
          'x-jazzhr-event': 'CANDIDATE-EXPORT',
          'x-jazzhr-uuid': unique('uuid'),
          link: 'https://app.jazz.co/app/v2/candidate/secret-link-5e5e',
        },
      });
      // Read back in the clear through the store...
      expect((await store.recentExports(conn.id, 10))[0]).toMatchObject({
        headers: item.headers,
        body: new Uint8Array(item.body),
      });
      const claimed = (await claimAll(LONG_AGO + 1)).find((each) => each.connectionId === conn.id);
      expect(claimed).toMatchObject({ secret: 'subscription-secret-77e2', headers: item.headers });
      expect(Buffer.from(claimed!.body).toString()).toContain(CANDIDATE);
      // ...but nowhere in the database's own columns.
      const raw = [
        ...(await database.query(
          `SELECT secret, replaced_secrets FROM connections WHERE id = '${conn.id}'`,
        )),
        ...(await database.query(
          `SELECT secret FROM subscriptions WHERE connection_id = '${conn.id}'`,
        )),
        ...(await database.query(
          `SELECT headers, body FROM exports WHERE connection_id = '${conn.id}'`,
        )),
      ].flatMap((row) => Object.values(row).map((value) => Buffer.from(value as Uint8Array)));
      expect(raw).toHaveLength(5);
      const secrets = ['connection-secret-4b1d', 'rotated-secret-9c3a', 'subscription-secret-77e2'];
      for (const text of [...secrets, CANDIDATE, 'secret-link-5e5e']) {
        expect(raw.filter((value) => value.includes(text))).toEqual([]);
        for (const file of database.files?.() ?? []) expect(file.includes(text)).toBe(false);
      }
    });

    if (kind === 'sqlite') {
      it('leaves no trace of an erased export in the SQLite file or its WAL (secure_delete)', async () => {
        const conn = await connection();
        await subscription(conn.id);
        const targets = [
          await exportWithDelivery(conn.id, delivered),
          await exportWithDelivery(conn.id, delivered),
          await exportWithDelivery(conn.id, undefined),
        ];
        // The sealed bytes themselves: readable by anyone who also has the key.
        const sealed = await Promise.all(
          targets.map(async ({ item }) => (await rawExport(conn.id, item.uuid))!.body),
        );
        const traces = sealed.map((body) => Buffer.from(body).subarray(20, 52));
        const found = () =>
          traces.map((trace) => database.files!().some((file) => file.includes(trace)));
        expect(found()).toEqual([true, true, true]);

        await store.eraseExpiredExports({ now: T0, receivedBefore: LONG_AGO + 1, limit: 100 });
        expect(found()).toEqual([false, false, true]);
        await store.deleteExport(conn.id, targets[2]!.item.uuid);
        expect(found()).toEqual([false, false, false]);
      });
    }

    it('seals what an earlier version stored in the clear when it upgrades, keeping a live previous secret', async () => {
      const own = await createDatabase();
      try {
        const exec = async (sql: string) => {
          if (kind === 'postgres') return void (await own.query(sql));
          const db = new DatabaseSync(own.url.slice('sqlite:'.length));
          db.exec(sql);
          db.close();
        };
        const dialect = kind === 'sqlite' ? SQLITE_DIALECT : POSTGRES_DIALECT;
        await exec(migrationsTable(dialect));
        for (const { version, sql } of pendingMigrations(0, dialect).filter(
          (migration) => migration.version < SEALING_MIGRATION,
        )) {
          if (sql !== '') await exec(sql);
          await exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (${version}, 0)`);
        }
        const body = `{"candidate": {"person": {"name": "${CANDIDATE}"}}}`;
        const bytes =
          kind === 'sqlite'
            ? `X'${Buffer.from(body).toString('hex')}'`
            : `'\\x${Buffer.from(body).toString('hex')}'`;
        const now = Date.now();
        await exec(`INSERT INTO connections (id, api_key_hash, secret, previous_secret, previous_secret_expires_at, created_at, updated_at)
          VALUES ('con_old', 'old-hash', 'old-current', 'old-previous', ${now + DAY}, ${now - 1000}, ${now - 1000})`);
        await exec(`INSERT INTO subscriptions (id, connection_id, target_url, secret, active, created_at, updated_at)
          VALUES ('sub_old', 'con_old', 'https://hooks.zapier.com/old', 'old-sub-secret', ${kind === 'sqlite' ? 1 : 'TRUE'}, 0, 0)`);
        await exec(`INSERT INTO exports (connection_id, uuid, event, headers, body, received_at)
          VALUES ('con_old', 'old-export', 'CANDIDATE-EXPORT', '{"x-jazzhr-event":"CANDIDATE-EXPORT","x-jazzhr-uuid":"old-export"}', ${bytes}, 0)`);

        const upgraded = await own.openStore();
        expect(await upgraded.connectionById('con_old')).toMatchObject({
          secret: 'old-current',
          replacedSecrets: [
            { secret: 'old-previous', replacedAt: now - 1000, validUntil: now + DAY },
          ],
          keyConfirmedAt: now - 1000,
          revokedAt: null,
        });
        expect((await upgraded.subscriptionById('sub_old'))?.secret).toBe('old-sub-secret');
        const [kept] = await upgraded.recentExports('con_old', 1);
        expect(Buffer.from(kept!.body).toString()).toBe(body);
        const raw = await own.query(`SELECT body FROM exports`);
        expect(Buffer.from(raw[0]!.body as Uint8Array).includes(Buffer.from(CANDIDATE))).toBe(
          false,
        );
        const columns = await own.query(
          kind === 'sqlite'
            ? `SELECT name FROM pragma_table_info('connections')`
            : `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'connections'`,
        );
        expect(columns.map((row) => row.name)).not.toContain('previous_secret');
      } finally {
        await own.drop();
      }
    });

    it('stops with a clear message when opened with another key, reads under the previous key, and reencrypts', async () => {
      const own = await createDatabase();
      try {
        const first = await own.openStore();
        const conn = await first.insertConnection({
          id: unique('con'),
          apiKeyHash: unique('hash'),
          secret: 'before-rotation',
          now: T0,
        });
        await first.upsertSubscription({
          id: unique('sub'),
          connectionId: conn.id,
          targetUrl: 'https://hooks.zapier.com/k',
          secret: 'sub-before',
          now: T0,
        });
        await first.ingestExport(newExport(conn.id, { uuid: 'kept-across-keys' }));
        await first.close();

        const newKey = generateEncryptionKey();
        await expect(own.openStore(new Sealer(newKey))).rejects.toThrow(
          /was encrypted with a different key than RELAY_ENCRYPTION_KEY/,
        );
        const rotating = await own.openStore(new Sealer(newKey, [own.key]));
        expect((await rotating.connectionById(conn.id))?.secret).toBe('before-rotation');
        expect(await rotating.reencrypt()).toEqual({
          connections: 1,
          subscriptions: 1,
          exports: 1,
          candidateKeys: 1,
        });
        expect(await rotating.reencrypt()).toEqual({
          connections: 0,
          subscriptions: 0,
          exports: 0,
          candidateKeys: 0,
        });
        await rotating.close();

        const after = await own.openStore(new Sealer(newKey));
        expect((await after.connectionById(conn.id))?.secret).toBe('before-rotation');
        expect((await after.recentExports(conn.id, 1))[0]?.uuid).toBe('kept-across-keys');
        expect(await after.eraseCandidate(conn.id, 'person:kept-across-keys')).toBe(1);
        await expect(own.openStore()).rejects.toThrow(/different key/);
      } finally {
        await own.drop();
      }
    });
  });

  describe('fair, paced claims', () => {
    const NOW = T0 + 30 * DAY;
    beforeEach(() => database.reset());

    /** A connection with `subscriptions` subscriptions and `exports` exports, all due at NOW. */
    async function tenant(exports: number, subscriptions = 1) {
      const conn = await connection();
      for (let index = 0; index < subscriptions; index += 1) await subscription(conn.id);
      for (let index = 0; index < exports; index += 1)
        await store.ingestExport(newExport(conn.id, { receivedAt: NOW - exports + index }));
      return conn.id;
    }

    const claim = (input: Partial<Parameters<Store['claimDueDeliveries']>[0]>, onStore = store) =>
      onStore.claimDueDeliveries({
        now: NOW,
        limit: 100,
        leaseToken: unique('lease'),
        leaseUntil: NOW + 60_000,
        ...input,
      });

    const perConnection = (claimed: ClaimedDelivery[]) =>
      claimed.reduce<Record<string, number>>((counts, item) => {
        counts[item.connectionId] = (counts[item.connectionId] ?? 0) + 1;
        return counts;
      }, {});

    it('brings no connection above a quarter of the slots while another connection has due work', async () => {
      const [a, b] = [await tenant(20), await tenant(20)];
      const slots = { total: 16, heldByConnection: {} };
      expect(perConnection(await claim({ limit: 16, slots }))).toEqual({ [a]: 4, [b]: 4 });
      // Both at their share with work still waiting: nothing more for either.
      expect(
        await claim({ limit: 8, slots: { total: 16, heldByConnection: { [a]: 4, [b]: 4 } } }),
      ).toEqual([]);
      // One attempt of a ended: a may take its share back up, and only that.
      expect(
        perConnection(
          await claim({ limit: 9, slots: { total: 16, heldByConnection: { [a]: 3, [b]: 4 } } }),
        ),
      ).toEqual({ [a]: 1 });
    });

    it('lets a connection alone take all slots but one, which then goes to the next connection', async () => {
      const a = await tenant(20);
      const alone = await claim({ limit: 16, slots: { total: 16, heldByConnection: {} } });
      expect(perConnection(alone)).toEqual({ [a]: 15 });
      expect(
        await claim({ limit: 1, slots: { total: 16, heldByConnection: { [a]: 15 } } }),
      ).toEqual([]);

      const b = await tenant(1);
      const next = await claim({ limit: 1, slots: { total: 16, heldByConnection: { [a]: 15 } } });
      expect(perConnection(next)).toEqual({ [b]: 1 });
      // Without slots the claim is first come, first served, as before.
      expect(perConnection(await claim({ limit: 3 }))).toEqual({ [a]: 3 });
    });

    it('starts at most maxPerSubscriptionPerSecond attempts per subscription in any second, across claimers', async () => {
      const a = await tenant(15, 2);
      const other = await database.openStore();
      const paced = { maxPerSubscriptionPerSecond: 10 };
      const first = await claim(paced);
      expect(first).toHaveLength(20);
      expect(new Set(first.map((item) => item.subscriptionId)).size).toBe(2);
      expect(await claim({ ...paced, now: NOW + 999 }, other)).toEqual([]);
      const second = await claim({ ...paced, now: NOW + 1000 }, other);
      expect(perConnection(second)).toEqual({ [a]: 10 });
      expect(await claim({ ...paced, now: NOW + 1000 })).toEqual([]);
    });

    it('records a throttled attempt: pending, due after the wait, with its retry window moved', async () => {
      await tenant(1);
      const [delivery] = await claim({});
      const recorded = await store.finishAttempt({
        id: delivery!.id,
        leaseToken: delivery!.leaseToken,
        now: NOW,
        outcome: {
          kind: 'throttled',
          statusCode: 429,
          error: 'target answered 429 Too Many Requests; next attempt in 3 s',
          nextAttemptAt: NOW + 3_000,
          giveUpAfter: delivery!.giveUpAfter + 3_000,
        },
      });
      expect(recorded).toBe(true);
      expect(await store.deliveryById(delivery!.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 429,
        nextAttemptAt: NOW + 3_000,
        giveUpAfter: delivery!.giveUpAfter + 3_000,
      });
      expect(await claim({ now: NOW + 2_999 })).toEqual([]);
      expect(await claim({ now: NOW + 3_000 })).toHaveLength(1);
    });
  });

  describe('operator console overview', () => {
    it('summarises the newest connections: last export, active subscriptions, pending and failed deliveries', async () => {
      const later = T0 + 1000 * DAY;
      const busy = await store.insertConnection({
        id: unique('con'),
        apiKeyHash: unique('hash'),
        secret: unique('secret'),
        now: later,
      });
      const quiet = await store.insertConnection({
        id: unique('con'),
        apiKeyHash: unique('hash'),
        secret: unique('secret'),
        now: later + 1,
      });
      const kept = await subscription(busy.id);
      const dropped = await subscription(busy.id);
      await store.deactivateSubscription(dropped.id, 'test', later);
      await store.ingestExport(newExport(busy.id, { receivedAt: later + 5 }));
      await store.ingestExport(newExport(busy.id, { receivedAt: later + 9 }));
      // Last in the suite: this claim may also lease other tests' leftovers, which none reads after.
      const toFail = (await claimAll(later + 10)).find((d) => d.connectionId === busy.id);
      await store.finishAttempt({
        id: toFail!.id,
        leaseToken: toFail!.leaseToken,
        now: later + 11,
        outcome: { kind: 'failed', statusCode: 500, error: 'target answered 500' },
      });

      await store.revokeConnection(quiet.id, later + 20);
      expect(await store.connectionSummaries(2)).toEqual([
        {
          id: quiet.id,
          createdAt: later + 1,
          keyConfirmedAt: later + 1,
          revokedAt: later + 20,
          lastExportAt: null,
          activeSubscriptions: 0,
          pendingDeliveries: 0,
          failedDeliveries: 0,
        },
        {
          id: busy.id,
          createdAt: later,
          keyConfirmedAt: later,
          revokedAt: null,
          lastExportAt: later + 9,
          activeSubscriptions: 1,
          pendingDeliveries: 1,
          failedDeliveries: 1,
        },
      ]);
      expect((await store.subscriptionsOf(busy.id)).map((s) => [s.id, s.active])).toEqual(
        expect.arrayContaining([
          [kept.id, true],
          [dropped.id, false],
        ]),
      );
      expect(await store.subscriptionsOf(quiet.id)).toEqual([]);
    });
  });
});
