/**
 * What only the SQLite store has: group-committed ingest on one connection, delivery
 * bookkeeping on another, and the index its claim reads back through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { Sealer, generateEncryptionKey } from '../../../src/relay/encryption';
import { SqliteStore } from '../../../src/relay/store/sqlite';
import type { NewExport } from '../../../src/relay/store/types';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const sealer = new Sealer(generateEncryptionKey());

describe('SqliteStore', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sqlite-store-'));
    path = join(dir, 'relay.sqlite');
    store = new SqliteStore(path, { sealer });
    await store.migrate();
    await store.insertConnection({ id: 'con_s', apiKeyHash: 'hash', secret: 'secret', now: T0 });
    await store.upsertSubscription({
      id: 'sub_s',
      connectionId: 'con_s',
      targetUrl: 'https://hooks.zapier.com/hooks/standard/1/s/',
      secret: 'sub-secret',
      now: T0,
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newExport = (uuid: string): NewExport => ({
    connectionId: 'con_s',
    uuid,
    event: 'CANDIDATE-EXPORT',
    headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': uuid },
    body: Buffer.from(`{"candidate": {"uuid": "${uuid}"}}`),
    receivedAt: T0,
    giveUpAfter: T0 + 60_000,
  });

  /** Through a connection of its own, as another process would see the file. */
  const query = (sql: string) => {
    const db = new DatabaseSync(path);
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  };

  it('has an export on disk, for any other connection, by the time its ingest resolves', async () => {
    const uuids = ['seen-1', 'seen-2', 'seen-3'];
    const visibleWhenResolved = await Promise.all(
      uuids.map((uuid) =>
        store
          .ingestExport(newExport(uuid))
          .then(() => query(`SELECT uuid FROM exports WHERE uuid = '${uuid}'`).length),
      ),
    );
    expect(visibleWhenResolved).toEqual([1, 1, 1]);
  });

  it('commits ingests still queued when it is closed', async () => {
    const pending = store.ingestExport(newExport('queued-at-close'));
    await store.close();
    await expect(pending).resolves.toEqual({ stored: true, deliveries: 1 });
    expect(query('SELECT uuid FROM exports')).toEqual([{ uuid: 'queued-at-close' }]);
  });

  it('reads claimed deliveries back through the partial lease index, not a table scan', async () => {
    const plan = query(
      "EXPLAIN QUERY PLAN SELECT id FROM deliveries d WHERE d.lease_token = 'x' ORDER BY d.next_attempt_at",
    ).map((row) => String(row.detail));
    expect(plan.join('\n')).toContain('USING INDEX deliveries_leased');
  });

  it('records outcomes finished in one turn together, each against its own lease', async () => {
    await Promise.all(['f-1', 'f-2', 'f-3'].map((uuid) => store.ingestExport(newExport(uuid))));
    const claimed = await store.claimDueDeliveries({
      now: T0,
      limit: 10,
      leaseToken: 'lease-f',
      leaseUntil: T0 + 30_000,
    });
    expect(claimed).toHaveLength(3);
    const recorded = await Promise.all([
      store.finishAttempt({
        id: claimed[0]!.id,
        leaseToken: 'lease-f',
        now: T0 + 1,
        outcome: { kind: 'delivered', statusCode: 200 },
      }),
      store.finishAttempt({
        id: claimed[1]!.id,
        leaseToken: 'someone-else',
        now: T0 + 1,
        outcome: { kind: 'delivered', statusCode: 200 },
      }),
      store.finishAttempt({
        id: claimed[2]!.id,
        leaseToken: 'lease-f',
        now: T0 + 1,
        outcome: {
          kind: 'retry',
          statusCode: 503,
          error: 'target answered 503',
          nextAttemptAt: T0 + 9,
        },
      }),
    ]);
    expect(recorded).toEqual([true, false, true]);
    expect(
      query('SELECT status, attempts, lease_token AS leaseToken FROM deliveries ORDER BY rowid'),
    ).toEqual([
      { status: 'delivered', attempts: 1, leaseToken: null },
      { status: 'pending', attempts: 0, leaseToken: 'lease-f' },
      { status: 'pending', attempts: 1, leaseToken: null },
    ]);
  });

  it('works on a private in-memory database, on one connection', async () => {
    const memory = new SqliteStore(':memory:', { sealer });
    try {
      await memory.migrate();
      await memory.insertConnection({ id: 'con_m', apiKeyHash: 'h', secret: 's', now: T0 });
      await memory.upsertSubscription({
        id: 'sub_m',
        connectionId: 'con_m',
        targetUrl: 'https://hooks.zapier.com/m',
        secret: 'x',
        now: T0,
      });
      await memory.ingestExport({ ...newExport('mem'), connectionId: 'con_m' });
      const [claimed] = await memory.claimDueDeliveries({
        now: T0,
        limit: 1,
        leaseToken: 'm',
        leaseUntil: T0 + 1,
      });
      expect(claimed?.exportUuid).toBe('mem');
      await expect(
        memory.finishAttempt({
          id: claimed!.id,
          leaseToken: 'm',
          now: T0,
          outcome: { kind: 'delivered', statusCode: 200 },
        }),
      ).resolves.toBe(true);
    } finally {
      await memory.close();
    }
  });
});
