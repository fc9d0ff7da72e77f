import { Pool, type PoolClient, types } from 'pg';

import { makeKeyCheck, verifyKeyCheck, type Sealer } from '../encryption';
import type { DeliveryStatus } from '../protocol';
import {
  CLAIMED_DELIVERY_COLUMNS,
  CONNECTION_COLUMNS,
  DELIVERY_COLUMNS,
  EXPORT_COLUMNS,
  MAX_REPLACED_SECRETS,
  SUBSCRIPTION_COLUMNS,
  afterRotation,
  connectionSummariesQuery,
  connectionSummaryRecord,
  deliveryRecord,
  legacyReplacedSecrets,
  PENDING_DELIVERIES_QUERY,
  pendingDeliveriesRecord,
} from './records';
import { claimParameters, dueSelection, outcomeColumns } from './claims';
import {
  POSTGRES_DIALECT,
  SEALING_MIGRATION,
  migrationsTable,
  pendingMigrations,
  writeProbeSql,
} from './schema';
import {
  SealedRecords,
  resealEveryTable,
  sameCandidateKeys,
  type SealedTable,
} from './sealed-records';
import {
  DEFAULT_CHANNEL,
  SubscriptionLimitError,
  type ClaimInput,
  type FinishInput,
  type IngestResult,
  type NewConnection,
  type NewExport,
  type NewSubscription,
  type RecoveryRange,
  type ReencryptResult,
  type RotationResult,
  type SecretRotation,
  type Store,
} from './types';

const RESEAL_BATCH = 500;
/** Any constant: serialises migrations between relay processes starting together. */
const MIGRATION_LOCK_KEY = 727_001;
/** Another: serialises claims, so each counts the attempts the others started. */
const CLAIM_LOCK_KEY = 727_002;

const INT8_OID = 20;
/** Epoch milliseconds are BIGINT; they fit a JavaScript number exactly, so read them as numbers. */
const numericTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

/**
 * The shared store: several relay processes on one database. Processes take turns claiming
 * under a transaction-scoped advisory lock, so pacing counts every process's attempts, and each
 * claim is a lease: no delivery is sent by two processes at once, and a crashed process's
 * claims are retaken when their lease runs out.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly sealed: SealedRecords;

  constructor(connectionString: string, options: { sealer: Sealer; maxConnections?: number }) {
    this.sealed = new SealedRecords(options.sealer);
    this.pool = new Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      types: numericTypes,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(migrationsTable(POSTGRES_DIALECT));
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM schema_migrations',
      );
      const applied = rows[0]?.version ?? 0;
      for (const { version, sql } of pendingMigrations(applied, POSTGRES_DIALECT)) {
        if (sql !== '') await client.query(sql);
        if (version === SEALING_MIGRATION && applied > 0) await this.sealLegacyRows(client);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ]);
      }
      await client.query(
        `INSERT INTO relay_settings (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING`,
        [makeKeyCheck(this.sealed.sealer)],
      );
    });
    const check = await this.one(`SELECT value FROM relay_settings WHERE name = 'key_check'`, []);
    verifyKeyCheck(this.sealed.sealer, check!.value as Uint8Array, 'named by DATABASE_URL');
  }

  /**
   * Databases from before encryption at rest hold secrets, headers and bodies in the clear
   * (and one previous secret, which joins the replaced secrets): seals them in place.
   */
  private async sealLegacyRows(client: PoolClient): Promise<void> {
    const now = Date.now();
    const connections = await client.query<Record<string, unknown>>(
      'SELECT id, secret, previous_secret, previous_secret_expires_at, updated_at FROM connections',
    );
    for (const row of connections.rows) {
      await client.query(
        'UPDATE connections SET secret = $1, replaced_secrets = $2 WHERE id = $3',
        [
          this.sealed.connectionSecret((row.secret as Buffer).toString('utf8')),
          this.sealed.replacedSecrets(legacyReplacedSecrets(row, now)),
          row.id,
        ],
      );
    }
    const subscriptions = await client.query<{ id: string; secret: Buffer }>(
      'SELECT id, secret FROM subscriptions',
    );
    for (const row of subscriptions.rows) {
      await client.query('UPDATE subscriptions SET secret = $1 WHERE id = $2', [
        this.sealed.subscriptionSecret(row.secret.toString('utf8')),
        row.id,
      ]);
    }
    for (let after = 0; ;) {
      const { rows } = await client.query<{ id: number; headers: Buffer; body: Buffer }>(
        'SELECT id, headers, body FROM exports WHERE id > $1 ORDER BY id LIMIT $2',
        [after, RESEAL_BATCH],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        await client.query('UPDATE exports SET headers = $1, body = $2 WHERE id = $3', [
          this.sealed.sealer.seal('export.headers', row.headers),
          this.sealed.exportBody(row.body),
          row.id,
        ]);
      }
      after = rows[rows.length - 1]!.id;
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async probeWrite(now: number): Promise<void> {
    await this.pool.query(writeProbeSql(POSTGRES_DIALECT), [now]);
  }

  async pendingDeliveries() {
    return pendingDeliveriesRecord.parse(await this.one(PENDING_DELIVERIES_QUERY, []));
  }

  async connectionByKeyHash(apiKeyHash: string) {
    const row = await this.one(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE api_key_hash = $1`,
      [apiKeyHash],
    );
    return row && this.sealed.connection(row);
  }

  async connectionById(id: string) {
    const row = await this.one(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = $1`,
      [id],
      'relay_connection_by_id',
    );
    return row && this.sealed.connection(row);
  }

  async connectionSummaries(limit: number) {
    const { rows } = await this.pool.query(connectionSummariesQuery('$1'), [limit]);
    return rows.map((row) => connectionSummaryRecord.parse(row));
  }

  async insertConnection(input: NewConnection) {
    // The no-op update makes RETURNING yield the existing row on conflict, in one statement.
    const row = await this.one(
      `INSERT INTO connections (id, api_key_hash, secret, key_confirmed_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $4, $4)
       ON CONFLICT (api_key_hash) DO UPDATE SET api_key_hash = excluded.api_key_hash
       RETURNING ${CONNECTION_COLUMNS}`,
      [input.id, input.apiKeyHash, this.sealed.connectionSecret(input.secret), input.now],
    );
    return this.sealed.connection(row);
  }

  async rotateSecret(input: SecretRotation): Promise<RotationResult | undefined> {
    return this.transaction(async (client) => {
      const { rows } = await client.query(
        `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = $1 FOR UPDATE`,
        [input.id],
      );
      if (rows.length === 0) return undefined;
      const current = this.sealed.connection(rows[0]);
      const live = current.replacedSecrets.filter((replaced) => replaced.validUntil > input.now);
      if (live.length >= MAX_REPLACED_SECRETS)
        return { kind: 'limit', retryAt: live[0]!.validUntil };
      const updated = await client.query(
        `UPDATE connections SET secret = $1, replaced_secrets = $2, updated_at = $3
         WHERE id = $4 RETURNING ${CONNECTION_COLUMNS}`,
        [
          this.sealed.connectionSecret(input.newSecret),
          this.sealed.replacedSecrets(afterRotation(current, input.now, input.graceMs)),
          input.now,
          input.id,
        ],
      );
      return { kind: 'rotated', connection: this.sealed.connection(updated.rows[0]) };
    });
  }

  async confirmApiKey(id: string, now: number): Promise<void> {
    await this.pool.query(
      `UPDATE connections SET key_confirmed_at = GREATEST(key_confirmed_at, $1) WHERE id = $2 AND revoked_at IS NULL`,
      [now, id],
    );
  }

  async revokeConnection(id: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE connections SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
      [now, id],
    );
    return Boolean(rowCount);
  }

  async deleteConnection(id: string): Promise<boolean> {
    return this.transaction(async (client) => {
      // Locks the connection first, so an ingest committing meanwhile either lands before (and is deleted) or fails.
      const { rowCount } = await client.query(
        'SELECT 1 FROM connections WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rowCount) return false;
      for (const table of ['deliveries', 'export_candidates', 'exports', 'subscriptions']) {
        await client.query(`DELETE FROM ${table} WHERE connection_id = $1`, [id]);
      }
      await client.query('DELETE FROM connections WHERE id = $1', [id]);
      return true;
    });
  }

  async upsertSubscription(input: NewSubscription) {
    const row = await this.transaction(async (client) => {
      if (input.maxActive !== undefined) {
        // Subscribes to one connection take turns, so two cannot both take the last place.
        await client.query('SELECT 1 FROM connections WHERE id = $1 FOR UPDATE', [
          input.connectionId,
        ]);
        const { rows } = await client.query<{ active: number; same: number }>(
          `SELECT COUNT(*)::int AS active, COUNT(*) FILTER (WHERE target_url = $2)::int AS same
           FROM subscriptions WHERE connection_id = $1 AND active`,
          [input.connectionId, input.targetUrl],
        );
        if (rows[0]!.same === 0 && rows[0]!.active >= input.maxActive) {
          throw new SubscriptionLimitError(input.maxActive);
        }
      }
      const { rows } = await client.query(
        `INSERT INTO subscriptions (id, connection_id, target_url, channel, secret, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)
         ON CONFLICT (connection_id, target_url) DO UPDATE
           SET active = TRUE, channel = excluded.channel, deactivated_reason = NULL, updated_at = excluded.updated_at
         RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [
          input.id,
          input.connectionId,
          input.targetUrl,
          input.channel ?? DEFAULT_CHANNEL,
          this.sealed.subscriptionSecret(input.secret),
          input.now,
        ],
      );
      return rows[0];
    });
    return this.sealed.subscription(row);
  }

  async subscriptionById(id: string) {
    const row = await this.one(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = $1`, [
      id,
    ]);
    return row && this.sealed.subscription(row);
  }

  async subscriptionsOf(connectionId: string) {
    const { rows } = await this.pool.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE connection_id = $1 ORDER BY created_at DESC, id`,
      [connectionId],
    );
    return rows.map((row) => this.sealed.subscription(row));
  }

  async deactivateSubscription(id: string, reason: string, now: number): Promise<boolean> {
    return this.transaction((client) => this.deactivate(client, id, reason, now));
  }

  private async deactivate(
    client: PoolClient,
    id: string,
    reason: string,
    now: number,
  ): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE subscriptions SET active = FALSE, deactivated_reason = COALESCE(deactivated_reason, $1), updated_at = $2
       WHERE id = $3`,
      [reason, now, id],
    );
    if (!rowCount) return false;
    await client.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_token = NULL, lease_until = NULL,
         last_error = COALESCE(last_error, $1), updated_at = $2
       WHERE subscription_id = $3 AND status = 'pending'`,
      [`subscription deactivated: ${reason}`, now, id],
    );
    return true;
  }

  async ingestExport(input: NewExport): Promise<IngestResult> {
    // One statement, so one round trip and one implicit transaction.
    const row = await this.one(
      `WITH inserted AS (
         INSERT INTO exports (connection_id, uuid, event, headers, body, received_at, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $8)
         ON CONFLICT (connection_id, uuid) DO NOTHING
         RETURNING id
       ), queued AS (
         INSERT INTO deliveries (id, export_id, subscription_id, connection_id, status, attempts, next_attempt_at,
           give_up_after, created_at, updated_at)
         SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), inserted.id, s.id, $1,
           'pending', 0, $6, $7, $6, $6
         FROM inserted CROSS JOIN subscriptions s
         WHERE s.connection_id = $1 AND s.channel = $8 AND s.active
         RETURNING id
       ), keyed AS (
         INSERT INTO export_candidates (export_id, connection_id, candidate_key)
         SELECT inserted.id, $1, key FROM inserted CROSS JOIN unnest($9::bytea[]) AS key
         ON CONFLICT DO NOTHING
       )
       SELECT (SELECT count(*) FROM inserted)::int AS stored, (SELECT count(*) FROM queued)::int AS deliveries`,
      [
        input.connectionId,
        input.uuid,
        input.event,
        this.sealed.exportHeaders(input.headers),
        this.sealed.exportBody(input.body),
        input.receivedAt,
        input.giveUpAfter,
        input.channel ?? DEFAULT_CHANNEL,
        this.sealed.candidateKeys(input.candidates ?? []),
      ],
      'relay_ingest_export',
    );
    return { stored: Number(row?.stored) > 0, deliveries: Number(row?.deliveries ?? 0) };
  }

  async recentExports(connectionId: string, limit: number, channel = DEFAULT_CHANNEL) {
    const { rows } = await this.pool.query(
      `SELECT ${EXPORT_COLUMNS} FROM exports WHERE connection_id = $1 AND channel = $3 AND erased_at IS NULL
       ORDER BY received_at DESC, id DESC LIMIT $2`,
      [connectionId, limit, channel],
    );
    return rows.map((row) => this.sealed.export(row));
  }

  async deleteExport(connectionId: string, uuid: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: number }>(
        'SELECT id FROM exports WHERE connection_id = $1 AND uuid = $2 FOR UPDATE',
        [connectionId, uuid],
      );
      if (rows.length === 0) return false;
      await this.removeExports(client, [rows[0]!.id]);
      return true;
    });
  }

  async eraseCandidate(connectionId: string, identifier: string): Promise<number> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `SELECT id FROM exports WHERE id IN (
           SELECT export_id FROM export_candidates WHERE connection_id = $1 AND candidate_key = ANY($2::bytea[]))
         FOR UPDATE`,
        [connectionId, this.sealed.candidateLookupKeys(identifier)],
      );
      await this.removeExports(
        client,
        rows.map((row) => row.id),
      );
      return rows.length;
    });
  }

  /** Exports and everything hanging from them: what every erase request removes. */
  private async removeExports(client: PoolClient, ids: number[]): Promise<void> {
    for (const table of ['deliveries', 'export_candidates']) {
      await client.query(`DELETE FROM ${table} WHERE export_id = ANY($1::bigint[])`, [ids]);
    }
    await client.query('DELETE FROM exports WHERE id = ANY($1::bigint[])', [ids]);
  }

  async eraseExpiredExports(input: { now: number; receivedBefore: number; limit: number }) {
    const row = await this.one(
      `WITH erased AS (
         UPDATE exports SET headers = ''::bytea, body = ''::bytea, erased_at = $1
         WHERE id IN (
           SELECT e.id FROM exports e
           WHERE e.erased_at IS NULL AND e.received_at < $2
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.export_id = e.id AND d.status = 'pending')
           ORDER BY e.received_at LIMIT $3
           FOR UPDATE SKIP LOCKED)
         RETURNING id
       ), unkeyed AS (
         DELETE FROM export_candidates WHERE export_id IN (SELECT id FROM erased)
       )
       SELECT count(*)::int AS erased FROM erased`,
      [input.now, input.receivedBefore, input.limit],
    );
    return Number(row?.erased ?? 0);
  }

  async listDeliveries(connectionId: string, filter: { status?: DeliveryStatus; limit: number }) {
    const { rows } = await this.pool.query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN exports e ON e.id = d.export_id
       WHERE d.connection_id = $1 AND ($2::text IS NULL OR d.status = $2)
       ORDER BY d.updated_at DESC, d.id LIMIT $3`,
      [connectionId, filter.status ?? null, filter.limit],
    );
    return rows.map((row) => deliveryRecord.parse(row));
  }

  async deliveryById(id: string) {
    const row = await this.one(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN exports e ON e.id = d.export_id WHERE d.id = $1`,
      [id],
    );
    return row && deliveryRecord.parse(row);
  }

  async requeueFailedDeliveries(input: RecoveryRange & { now: number; giveUpAfter: number }) {
    const { rowCount } = await this.pool.query(
      `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, give_up_after = $2, updated_at = $1
       WHERE status = 'failed' AND created_at BETWEEN $3 AND $4 AND ($5::text IS NULL OR connection_id = $5)
         AND subscription_id IN (SELECT id FROM subscriptions WHERE active)
         AND export_id IN (SELECT id FROM exports WHERE erased_at IS NULL)`,
      [input.now, input.giveUpAfter, input.since, input.until, input.connectionId ?? null],
    );
    return rowCount ?? 0;
  }

  async requeueDelivery(id: string, now: number, giveUpAfter: number) {
    const { rowCount } = await this.pool.query(
      `UPDATE deliveries SET
         lease_token = CASE WHEN status = 'pending' THEN lease_token END,
         lease_until = CASE WHEN status = 'pending' THEN lease_until END,
         status = 'pending', attempts = 0, next_attempt_at = $1, give_up_after = $2, updated_at = $1
       WHERE id = $3 AND export_id IN (SELECT id FROM exports WHERE erased_at IS NULL)`,
      [now, giveUpAfter, id],
    );
    return rowCount ? this.deliveryById(id) : undefined;
  }

  async claimDueDeliveries(input: ClaimInput) {
    const claim = async (client: Pool | PoolClient) => {
      const { rows } = await client.query({
        name: 'relay_claim_due',
        text: `WITH picked AS (${dueSelection(POSTGRES_DIALECT)}), leased AS (
           UPDATE deliveries d SET lease_token = $7, lease_until = $8, attempt_started_at = $1
           FROM picked WHERE d.id = picked.id
             AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1)
           RETURNING d.*
         )
         SELECT ${CLAIMED_DELIVERY_COLUMNS} FROM leased d
         JOIN exports e ON e.id = d.export_id JOIN subscriptions s ON s.id = d.subscription_id
         ORDER BY d.next_attempt_at`,
        values: [...claimParameters(input), input.leaseToken, input.leaseUntil],
      });
      return rows.map((row) => this.sealed.claimed(row));
    };
    if (input.maxPerSubscriptionPerSecond === undefined) return claim(this.pool);
    // Counting a subscription's recent attempts is only true while no other process is claiming.
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
      return claim(client);
    });
  }

  async finishAttempt(input: FinishInput) {
    const { outcome } = input;
    const written = outcomeColumns(outcome);
    const record = async (client: Pool | PoolClient) => {
      const { rows } = await client.query<{ subscriptionId: string }>({
        name: 'relay_finish_attempt',
        text: `UPDATE deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2,
           give_up_after = COALESCE($8, give_up_after), lease_token = NULL, lease_until = NULL,
           last_status_code = $3, last_error = $4, updated_at = $5
         WHERE id = $6 AND lease_token = $7 AND status = 'pending' RETURNING subscription_id AS "subscriptionId"`,
        values: [
          written.status,
          written.nextAttemptAt,
          outcome.statusCode,
          written.error,
          input.now,
          input.id,
          input.leaseToken,
          written.giveUpAfter,
        ],
      });
      return rows[0]?.subscriptionId;
    };
    // Most outcomes touch one row: one statement, one round trip, no BEGIN/COMMIT around it.
    if (outcome.kind !== 'gone') return (await record(this.pool)) !== undefined;
    return this.transaction(async (client) => {
      const subscriptionId = await record(client);
      if (subscriptionId === undefined) return false;
      await this.deactivate(client, subscriptionId, 'target answered 410 Gone', input.now);
      return true;
    });
  }

  reencrypt(): Promise<ReencryptResult> {
    return resealEveryTable(
      (sealed) => this.reseal(sealed),
      () => this.rekeyCandidates(),
    );
  }

  /**
   * Writes, batch by batch, the candidate keys each kept export should have under the current
   * key, where they differ from those stored; counts the exports rewritten.
   */
  private async rekeyCandidates(): Promise<number> {
    let rekeyed = 0;
    for (let after = 0; ;) {
      const rows = await this.transaction(async (client) => {
        const { rows } = await client.query<{ id: number; connectionId: string; body: Buffer }>(
          `SELECT id, connection_id AS "connectionId", body FROM exports
           WHERE id > $1 AND erased_at IS NULL ORDER BY id LIMIT $2 FOR UPDATE`,
          [after, RESEAL_BATCH],
        );
        const stored = await client.query<{ exportId: number; key: Buffer }>(
          `SELECT export_id AS "exportId", candidate_key AS key FROM export_candidates
           WHERE export_id = ANY($1::bigint[])`,
          [rows.map((row) => row.id)],
        );
        for (const row of rows) {
          const wanted = this.sealed.candidateKeysOfBody(row.body);
          const have = stored.rows.filter((key) => key.exportId === row.id).map((key) => key.key);
          if (sameCandidateKeys(have, wanted)) continue;
          await client.query('DELETE FROM export_candidates WHERE export_id = $1', [row.id]);
          await client.query(
            `INSERT INTO export_candidates (export_id, connection_id, candidate_key)
             SELECT $1, $2, key FROM unnest($3::bytea[]) AS key ON CONFLICT DO NOTHING`,
            [row.id, row.connectionId, wanted],
          );
          rekeyed += 1;
        }
        return rows;
      });
      if (rows.length === 0) return rekeyed;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Rewrites, batch by batch, each sealed value of `table` that is not under the current key,
   * and counts the rows it changed. A value changed meanwhile (a rotation) is left as the
   * other writer made it.
   */
  private async reseal({ table, key, start, columns }: SealedTable) {
    const names = columns.map(([column]) => column).join(', ');
    let rewritten = 0;
    let after = start;
    for (;;) {
      const { rows }: { rows: Array<Record<string, unknown>> } = await this.pool.query(
        `SELECT ${key} AS key, ${names} FROM ${table} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2`,
        [after, RESEAL_BATCH],
      );
      if (rows.length === 0) return rewritten;
      for (const row of rows) {
        let changed = false;
        for (const [column, field] of columns) {
          const value = row[column] as Buffer | null;
          const resealed = this.sealed.resealed(field, value);
          if (!resealed) continue;
          const { rowCount } = await this.pool.query(
            `UPDATE ${table} SET ${column} = $1 WHERE ${key} = $2 AND ${column} = $3`,
            [resealed, row.key, value],
          );
          changed ||= Boolean(rowCount);
        }
        if (changed) rewritten += 1;
      }
      after = rows[rows.length - 1]!.key as string | number;
    }
  }

  /** `name` prepares the statement once per pooled connection: for the statements every export runs. */
  private async one(
    sql: string,
    values: unknown[],
    name?: string,
  ): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.pool.query<Record<string, unknown>>({ text: sql, values, name });
    return rows[0];
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection lost while checked out also emits 'error' on the client; unheard, that event
    // would crash the process. The query in flight rejects with it, which is what counts.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.off('error', onLost);
      // A lost connection is discarded rather than returned to the pool.
      client.release(lost);
    }
  }
}
