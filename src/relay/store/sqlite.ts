import { dirname } from 'node:path';
import {
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from 'node:sqlite';

import { makeKeyCheck, verifyKeyCheck, type Sealer } from '../encryption';
import { newId } from '../ids';
import { ensurePrivateDirectory, ensurePrivateFile, narrowExistingFiles } from '../private-files';
import type { DeliveryStatus } from '../protocol';
import { GroupCommit } from './group-commit';
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
  SEALING_MIGRATION,
  SQLITE_DIALECT,
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

const LEGACY_BATCH = 500;
const REENCRYPT_BATCH = 500;

/**
 * The embedded store, on two connections to one WAL file.
 *
 * `db` (synchronous=FULL) holds everything a client is answered about: a commit is on disk
 * before the relay answers 2xx, so an acknowledged export survives a crash of the process or
 * the machine. Ingests are group-committed: exports that arrive while a commit is flushing
 * share the next transaction, so one flush serves many exports and durability is unchanged.
 *
 * `deliveryDb` (synchronous=NORMAL) holds only delivery bookkeeping: claims (leases) and
 * attempt outcomes, which would otherwise cost two more flushes per export. In WAL mode a
 * NORMAL commit is still atomic and survives the process dying (SIGKILL included: it is in
 * the OS's cache); only a power loss or OS crash can undo the last few, and the next FULL
 * commit on `db` flushes them too, since both write the same WAL. Undoing a claim or an
 * outcome means a delivery is sent again, which at-least-once delivery allows (the trigger
 * dedupes on the export's UUID); it can never lose or alter an acknowledged export.
 *
 * Write transactions start IMMEDIATE (taking the write lock first) so that two processes
 * sharing the file still never lease one delivery twice. Every transaction runs without
 * awaiting, so the two connections of one process never wait on each other.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly deliveryDb: DatabaseSync;
  private readonly statements = new Map<DatabaseSync, Map<string, StatementSync>>();
  private readonly ingests: GroupCommit<NewExport, IngestResult>;
  private readonly finishes: GroupCommit<FinishInput, boolean>;

  private readonly sealed: SealedRecords;

  constructor(
    private readonly path: string,
    options: { sealer: Sealer },
  ) {
    const inMemory = path === ':memory:';
    if (!inMemory) {
      ensurePrivateDirectory(dirname(path));
      ensurePrivateFile(path);
      narrowExistingFiles([`${path}-wal`, `${path}-shm`, `${path}-journal`]);
    }
    this.sealed = new SealedRecords(options.sealer);
    this.db = openConnection(path, 'FULL');
    // A second ':memory:' connection would be another, empty database.
    this.deliveryDb = inMemory ? this.db : openConnection(path, 'NORMAL');
    this.ingests = new GroupCommit(this.db, (input) => this.insertExport(input));
    this.finishes = new GroupCommit(this.deliveryDb, (input) => this.recordAttempt(input));
  }

  /** Also stops at once, saying so, when the database was encrypted under another key. */
  async migrate(): Promise<void> {
    this.transaction(() => {
      this.db.exec(migrationsTable(SQLITE_DIALECT));
      const row = this.db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get();
      const applied = Number(row?.version ?? 0);
      for (const { version, sql } of pendingMigrations(applied, SQLITE_DIALECT)) {
        if (sql !== '') this.db.exec(sql);
        if (version === SEALING_MIGRATION && applied > 0) this.sealLegacyRows();
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(version, Date.now());
      }
      this.db
        .prepare(
          `INSERT INTO relay_settings (name, value) VALUES ('key_check', ?) ON CONFLICT (name) DO NOTHING`,
        )
        .run(makeKeyCheck(this.sealed.sealer));
    });
    const check = this.db
      .prepare(`SELECT value FROM relay_settings WHERE name = 'key_check'`)
      .get();
    verifyKeyCheck(this.sealed.sealer, check!.value as Uint8Array, this.path);
  }

  /**
   * Databases from before encryption at rest hold secrets, headers and bodies in the clear
   * (and one previous secret, which joins the replaced secrets): seals them in place.
   */
  private sealLegacyRows(): void {
    const now = Date.now();
    for (const row of this.db
      .prepare(
        'SELECT id, secret, previous_secret, previous_secret_expires_at, updated_at FROM connections',
      )
      .all()) {
      this.db
        .prepare('UPDATE connections SET secret = ?, replaced_secrets = ? WHERE id = ?')
        .run(
          this.sealed.connectionSecret(String(row.secret)),
          this.sealed.replacedSecrets(legacyReplacedSecrets(row, now)),
          String(row.id),
        );
    }
    for (const row of this.db.prepare('SELECT id, secret FROM subscriptions').all()) {
      this.db
        .prepare('UPDATE subscriptions SET secret = ? WHERE id = ?')
        .run(this.sealed.subscriptionSecret(String(row.secret)), String(row.id));
    }
    const batch = this.db.prepare(
      'SELECT id, headers, body FROM exports WHERE id > ? ORDER BY id LIMIT ?',
    );
    const update = this.db.prepare('UPDATE exports SET headers = ?, body = ? WHERE id = ?');
    for (let after = 0, rows = batch.all(after, LEGACY_BATCH); rows.length > 0;) {
      for (const row of rows) {
        update.run(
          this.sealed.sealer.seal('export.headers', String(row.headers)),
          this.sealed.exportBody(row.body as Uint8Array),
          Number(row.id),
        );
      }
      after = Number(rows[rows.length - 1]!.id);
      rows = batch.all(after, LEGACY_BATCH);
    }
  }

  async close(): Promise<void> {
    if (!this.db.isOpen) return;
    this.ingests.flush();
    this.finishes.flush();
    if (this.deliveryDb !== this.db) this.deliveryDb.close();
    this.db.close();
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async probeWrite(now: number): Promise<void> {
    this.transaction(() => this.statement(writeProbeSql(SQLITE_DIALECT)).run(now));
  }

  async pendingDeliveries() {
    return pendingDeliveriesRecord.parse(this.statement(PENDING_DELIVERIES_QUERY).get());
  }

  async connectionByKeyHash(apiKeyHash: string) {
    const row = this.statement(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE api_key_hash = ?`,
    ).get(apiKeyHash);
    return row && this.sealed.connection(row);
  }

  async connectionById(id: string) {
    const row = this.statement(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ?`).get(
      id,
    );
    return row && this.sealed.connection(row);
  }

  async connectionSummaries(limit: number) {
    return this.statement(connectionSummariesQuery('?'))
      .all(limit)
      .map((row) => connectionSummaryRecord.parse(row));
  }

  async insertConnection(input: NewConnection) {
    const row = this.transaction(() => {
      this.statement(
        `INSERT INTO connections (id, api_key_hash, secret, key_confirmed_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (api_key_hash) DO NOTHING`,
      ).run(
        input.id,
        input.apiKeyHash,
        this.sealed.connectionSecret(input.secret),
        input.now,
        input.now,
        input.now,
      );
      return this.statement(
        `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE api_key_hash = ?`,
      ).get(input.apiKeyHash);
    });
    return this.sealed.connection(row);
  }

  async rotateSecret(input: SecretRotation): Promise<RotationResult | undefined> {
    return this.transaction(() => {
      const row = this.statement(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ?`).get(
        input.id,
      );
      if (!row) return undefined;
      const live = this.sealed
        .connection(row)
        .replacedSecrets.filter((replaced) => replaced.validUntil > input.now);
      if (live.length >= MAX_REPLACED_SECRETS)
        return { kind: 'limit', retryAt: live[0]!.validUntil };
      const replaced = afterRotation(this.sealed.connection(row), input.now, input.graceMs);
      const updated = this.statement(
        `UPDATE connections SET secret = ?, replaced_secrets = ?, updated_at = ?
         WHERE id = ? RETURNING ${CONNECTION_COLUMNS}`,
      ).get(
        this.sealed.connectionSecret(input.newSecret),
        this.sealed.replacedSecrets(replaced),
        input.now,
        input.id,
      );
      return { kind: 'rotated', connection: this.sealed.connection(updated) };
    });
  }

  async confirmApiKey(id: string, now: number): Promise<void> {
    this.statement(
      `UPDATE connections SET key_confirmed_at = MAX(key_confirmed_at, ?) WHERE id = ? AND revoked_at IS NULL`,
    ).run(now, id);
  }

  async revokeConnection(id: string, now: number): Promise<boolean> {
    const changed = this.statement(
      `UPDATE connections SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL`,
    ).run(now, now, id).changes;
    return Number(changed) > 0;
  }

  async deleteConnection(id: string): Promise<boolean> {
    const deleted = this.transaction(() => {
      for (const table of ['deliveries', 'export_candidates', 'exports', 'subscriptions']) {
        this.statement(`DELETE FROM ${table} WHERE connection_id = ?`).run(id);
      }
      return Number(this.statement('DELETE FROM connections WHERE id = ?').run(id).changes) > 0;
    });
    if (deleted) this.scrubWal();
    return deleted;
  }

  async upsertSubscription(input: NewSubscription) {
    const row = this.transaction(() => {
      if (input.maxActive !== undefined) {
        const counts = this.statement(
          `SELECT COUNT(*) AS active, COALESCE(SUM(target_url = ?), 0) AS same
           FROM subscriptions WHERE connection_id = ? AND active = 1`,
        ).get(input.targetUrl, input.connectionId);
        if (Number(counts?.same) === 0 && Number(counts?.active) >= input.maxActive) {
          throw new SubscriptionLimitError(input.maxActive);
        }
      }
      return this.statement(
        `INSERT INTO subscriptions (id, connection_id, target_url, channel, secret, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT (connection_id, target_url) DO UPDATE
           SET active = 1, channel = excluded.channel, deactivated_reason = NULL, updated_at = excluded.updated_at
         RETURNING ${SUBSCRIPTION_COLUMNS}`,
      ).get(
        input.id,
        input.connectionId,
        input.targetUrl,
        input.channel ?? DEFAULT_CHANNEL,
        this.sealed.subscriptionSecret(input.secret),
        input.now,
        input.now,
      );
    });
    return this.sealed.subscription(row);
  }

  async subscriptionById(id: string) {
    const row = this.statement(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?`,
    ).get(id);
    return row && this.sealed.subscription(row);
  }

  async subscriptionsOf(connectionId: string) {
    return this.statement(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE connection_id = ? ORDER BY created_at DESC, id`,
    )
      .all(connectionId)
      .map((row) => this.sealed.subscription(row));
  }

  async deactivateSubscription(id: string, reason: string, now: number): Promise<boolean> {
    return this.transaction(() => this.deactivate(this.db, id, reason, now));
  }

  private deactivate(db: DatabaseSync, id: string, reason: string, now: number): boolean {
    const changed = this.statement(
      `UPDATE subscriptions SET active = 0, deactivated_reason = COALESCE(deactivated_reason, ?), updated_at = ?
       WHERE id = ?`,
      db,
    ).run(reason, now, id).changes;
    if (Number(changed) === 0) return false;
    this.statement(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_token = NULL, lease_until = NULL,
         last_error = COALESCE(last_error, ?), updated_at = ?
       WHERE subscription_id = ? AND status = 'pending'`,
      db,
    ).run(`subscription deactivated: ${reason}`, now, id);
    return true;
  }

  /** Resolves once the transaction holding this export has committed (see GroupCommit). */
  ingestExport(input: NewExport): Promise<IngestResult> {
    return this.ingests.submit(input);
  }

  /** One export, inside its group's transaction: a uuid repeated within one group is still a duplicate. */
  private insertExport(input: NewExport): IngestResult {
    const channel = input.channel ?? DEFAULT_CHANNEL;
    const inserted = this.statement(
      `INSERT INTO exports (connection_id, channel, uuid, event, headers, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, uuid) DO NOTHING RETURNING id`,
    ).get(
      input.connectionId,
      channel,
      input.uuid,
      input.event,
      this.sealed.exportHeaders(input.headers),
      this.sealed.exportBody(input.body),
      input.receivedAt,
    );
    if (!inserted) return { stored: false, deliveries: 0 };
    this.insertCandidateKeys(
      Number(inserted.id),
      input.connectionId,
      this.sealed.candidateKeys(input.candidates ?? []),
    );
    const targets = this.statement(
      `SELECT id FROM subscriptions WHERE connection_id = ? AND channel = ? AND active = 1 ORDER BY created_at, id`,
    ).all(input.connectionId, channel);
    const queue = this.statement(
      `INSERT INTO deliveries (id, export_id, subscription_id, connection_id, status, attempts, next_attempt_at,
         give_up_after, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    );
    for (const target of targets) {
      queue.run(
        newId('dlv'),
        Number(inserted.id),
        String(target.id),
        input.connectionId,
        input.receivedAt,
        input.giveUpAfter,
        input.receivedAt,
        input.receivedAt,
      );
    }
    return { stored: true, deliveries: targets.length };
  }

  private insertCandidateKeys(exportId: number, connectionId: string, keys: Uint8Array[]): void {
    const insert = this.statement(
      `INSERT INTO export_candidates (export_id, connection_id, candidate_key) VALUES (?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    for (const key of keys) insert.run(exportId, connectionId, key);
  }

  async recentExports(connectionId: string, limit: number, channel = DEFAULT_CHANNEL) {
    return this.statement(
      `SELECT ${EXPORT_COLUMNS} FROM exports WHERE connection_id = ? AND channel = ? AND erased_at IS NULL
       ORDER BY received_at DESC, id DESC LIMIT ?`,
    )
      .all(connectionId, channel, limit)
      .map((row) => this.sealed.export(row));
  }

  async deleteExport(connectionId: string, uuid: string): Promise<boolean> {
    const deleted = this.transaction(() => {
      const row = this.statement('SELECT id FROM exports WHERE connection_id = ? AND uuid = ?').get(
        connectionId,
        uuid,
      );
      if (!row) return false;
      this.removeExport(Number(row.id));
      return true;
    });
    if (deleted) this.scrubWal();
    return deleted;
  }

  async eraseCandidate(connectionId: string, identifier: string): Promise<number> {
    const keys = this.sealed.candidateLookupKeys(identifier);
    const erased = this.transaction(() => {
      const rows = this.statement(
        `SELECT DISTINCT export_id AS id FROM export_candidates
         WHERE connection_id = ? AND candidate_key IN (${keys.map(() => '?').join(', ')})`,
      ).all(connectionId, ...keys);
      for (const row of rows) this.removeExport(Number(row.id));
      return rows.length;
    });
    if (erased > 0) this.scrubWal();
    return erased;
  }

  /** One export and everything hanging from it: what every erase request removes. */
  private removeExport(id: number): void {
    for (const table of ['deliveries', 'export_candidates']) {
      this.statement(`DELETE FROM ${table} WHERE export_id = ?`).run(id);
    }
    this.statement('DELETE FROM exports WHERE id = ?').run(id);
  }

  async eraseExpiredExports(input: { now: number; receivedBefore: number; limit: number }) {
    const erased = this.transaction(() => {
      const rows = this.statement(
        `UPDATE exports SET headers = x'', body = x'', erased_at = ?
         WHERE id IN (
           SELECT e.id FROM exports e
           WHERE e.erased_at IS NULL AND e.received_at < ?
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.export_id = e.id AND d.status = 'pending')
           ORDER BY e.received_at LIMIT ?)
         RETURNING id`,
      ).all(input.now, input.receivedBefore, input.limit);
      const unkey = this.statement('DELETE FROM export_candidates WHERE export_id = ?');
      for (const row of rows) unkey.run(Number(row.id));
      return rows.length;
    });
    if (erased > 0) this.scrubWal();
    return erased;
  }

  /**
   * secure_delete zeroes what a delete or an erase frees in the database's pages, but the WAL
   * still holds earlier images of those pages: a TRUNCATE checkpoint copies the scrubbed pages
   * into the database and empties the WAL. Skipped quietly while another reader holds it open.
   */
  private scrubWal(): void {
    if (this.path !== ':memory:') this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  async listDeliveries(connectionId: string, filter: { status?: DeliveryStatus; limit: number }) {
    const rows =
      filter.status === undefined
        ? this.statement(
            `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN exports e ON e.id = d.export_id
             WHERE d.connection_id = ? ORDER BY d.updated_at DESC, d.id LIMIT ?`,
          ).all(connectionId, filter.limit)
        : this.statement(
            `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN exports e ON e.id = d.export_id
             WHERE d.connection_id = ? AND d.status = ? ORDER BY d.updated_at DESC, d.id LIMIT ?`,
          ).all(connectionId, filter.status, filter.limit);
    return rows.map((row) => deliveryRecord.parse(row));
  }

  async deliveryById(id: string) {
    const row = this.statement(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN exports e ON e.id = d.export_id WHERE d.id = ?`,
    ).get(id);
    return row && deliveryRecord.parse(row);
  }

  async requeueFailedDeliveries(input: RecoveryRange & { now: number; giveUpAfter: number }) {
    const changed = this.statement(
      `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, give_up_after = ?, updated_at = ?
       WHERE status = 'failed' AND created_at BETWEEN ? AND ? AND (? IS NULL OR connection_id = ?)
         AND subscription_id IN (SELECT id FROM subscriptions WHERE active = 1)
         AND export_id IN (SELECT id FROM exports WHERE erased_at IS NULL)`,
    ).run(
      input.now,
      input.giveUpAfter,
      input.now,
      input.since,
      input.until,
      input.connectionId ?? null,
      input.connectionId ?? null,
    ).changes;
    return Number(changed);
  }

  async requeueDelivery(id: string, now: number, giveUpAfter: number) {
    const changed = this.statement(
      `UPDATE deliveries SET
         lease_token = CASE WHEN status = 'pending' THEN lease_token END,
         lease_until = CASE WHEN status = 'pending' THEN lease_until END,
         status = 'pending', attempts = 0, next_attempt_at = ?, give_up_after = ?, updated_at = ?
       WHERE id = ? AND export_id IN (SELECT id FROM exports WHERE erased_at IS NULL)`,
    ).run(now, giveUpAfter, now, id).changes;
    return Number(changed) === 0 ? undefined : this.deliveryById(id);
  }

  async claimDueDeliveries(input: ClaimInput) {
    return this.transaction(() => {
      this.statement(
        `UPDATE deliveries SET lease_token = ?7, lease_until = ?8, attempt_started_at = ?1
         WHERE id IN (${dueSelection(SQLITE_DIALECT)})`,
        this.deliveryDb,
      ).run(...claimParameters(input), input.leaseToken, input.leaseUntil);
      return this.statement(
        `SELECT ${CLAIMED_DELIVERY_COLUMNS} FROM deliveries d
         JOIN exports e ON e.id = d.export_id JOIN subscriptions s ON s.id = d.subscription_id
         WHERE d.lease_token = ? ORDER BY d.next_attempt_at`,
        this.deliveryDb,
      )
        .all(input.leaseToken)
        .map((row) => this.sealed.claimed(row));
    }, this.deliveryDb);
  }

  /** Outcomes recorded in one turn of the event loop share a transaction on the delivery connection. */
  finishAttempt(input: FinishInput): Promise<boolean> {
    return this.finishes.submit(input);
  }

  private recordAttempt({ id, leaseToken, now, outcome }: FinishInput): boolean {
    const written = outcomeColumns(outcome);
    const subscription = this.statement(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
         give_up_after = COALESCE(?, give_up_after), lease_token = NULL, lease_until = NULL,
         last_status_code = ?, last_error = ?, updated_at = ?
       WHERE id = ? AND lease_token = ? AND status = 'pending' RETURNING subscription_id AS "subscriptionId"`,
      this.deliveryDb,
    ).get(
      written.status,
      written.nextAttemptAt,
      written.giveUpAfter,
      outcome.statusCode,
      written.error,
      now,
      id,
      leaseToken,
    );
    if (!subscription) return false;
    if (outcome.kind === 'gone') {
      this.deactivate(
        this.deliveryDb,
        String(subscription.subscriptionId),
        'target answered 410 Gone',
        now,
      );
    }
    return true;
  }

  async reencrypt(): Promise<ReencryptResult> {
    const result = await resealEveryTable(
      (sealed) => this.reseal(sealed),
      () => this.rekeyCandidates(),
    );
    this.scrubWal();
    return result;
  }

  /**
   * Rewrites, batch by batch, each sealed value of `table` that is not under the current key,
   * and counts the rows it changed. A value changed meanwhile (a rotation) is left as the
   * other writer made it.
   */
  private async reseal({ table, key, start, columns }: SealedTable) {
    const names = columns.map(([column]) => column).join(', ');
    const batch = this.db.prepare(
      `SELECT ${key} AS key, ${names} FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`,
    );
    let rewritten = 0;
    let after: SQLInputValue = start;
    for (;;) {
      const rows: Array<Record<string, SQLOutputValue>> = batch.all(after, REENCRYPT_BATCH);
      if (rows.length === 0) return rewritten;
      this.transaction(() => {
        for (const row of rows) {
          let changed = false;
          for (const [column, field] of columns) {
            const value = row[column] as Uint8Array | null;
            const resealed = this.sealed.resealed(field, value);
            if (!resealed) continue;
            const update = this.db.prepare(
              `UPDATE ${table} SET ${column} = ? WHERE ${key} = ? AND ${column} = ?`,
            );
            if (Number(update.run(resealed, row.key!, value).changes) > 0) changed = true;
          }
          if (changed) rewritten += 1;
        }
      });
      after = rows[rows.length - 1]!.key!;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Writes, batch by batch, the candidate keys each kept export should have under the current
   * key, where they differ from those stored; counts the exports rewritten.
   */
  private async rekeyCandidates(): Promise<number> {
    const batch = this.db.prepare(
      `SELECT id, connection_id AS "connectionId", body FROM exports
       WHERE id > ? AND erased_at IS NULL ORDER BY id LIMIT ?`,
    );
    const stored = this.db.prepare(
      'SELECT candidate_key AS key FROM export_candidates WHERE export_id = ?',
    );
    const unkey = this.db.prepare('DELETE FROM export_candidates WHERE export_id = ?');
    let rekeyed = 0;
    for (let after = 0; ;) {
      const rows = this.transaction(() => {
        const rows = batch.all(after, REENCRYPT_BATCH);
        for (const row of rows) {
          const id = Number(row.id);
          const wanted = this.sealed.candidateKeysOfBody(row.body as Uint8Array);
          const have = stored.all(id).map((key) => key.key as Uint8Array);
          if (sameCandidateKeys(have, wanted)) continue;
          unkey.run(id);
          this.insertCandidateKeys(id, String(row.connectionId), wanted);
          rekeyed += 1;
        }
        return rows;
      });
      if (rows.length === 0) return rekeyed;
      after = Number(rows[rows.length - 1]!.id);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Prepared once per connection: ingest runs the same few statements for every export. */
  private statement(sql: string, db: DatabaseSync = this.db): StatementSync {
    let prepared = this.statements.get(db);
    if (!prepared) {
      prepared = new Map();
      this.statements.set(db, prepared);
    }
    let statement = prepared.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  }

  private transaction<T>(work: () => T, db: DatabaseSync = this.db): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

function openConnection(path: string, synchronous: 'FULL' | 'NORMAL'): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec('PRAGMA foreign_keys = ON');
  // Deleted and erased rows are overwritten in the file, not left in free pages.
  db.exec('PRAGMA secure_delete = ON');
  return db;
}
