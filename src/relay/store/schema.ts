/**
 * The relay's SQL schema, written once for both stores. Where SQLite and PostgreSQL differ, the
 * difference is a field of Dialect, named here and nowhere else; the migrations only use those.
 * Versions are shared too: migration N is the same change on either store, empty where a
 * dialect needs nothing.
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Epoch milliseconds and other 64-bit integers (SQLite's INTEGER is already 64-bit). */
  readonly bigint: 'INTEGER' | 'BIGINT';
  readonly bytes: 'BLOB' | 'BYTEA';
  readonly flag: 'INTEGER' | 'BOOLEAN';
  /** An export's own key: a row id that only grows. */
  readonly rowKey: 'INTEGER PRIMARY KEY AUTOINCREMENT' | 'BIGSERIAL PRIMARY KEY';
  /** Makes a TEXT column hold bytes (SQLite's columns hold any type already). */
  readonly textToBytes: (table: string, column: string) => string;
  /** Query parameter n (from 1); PostgreSQL's carry their type, which it cannot always infer. */
  param(n: number, postgresType: 'bigint' | 'int' | 'text'): string;
  /** Rows (key, value) of a JSON object of whole numbers passed as text. */
  jsonCounts(param: string): string;
}

export const SQLITE_DIALECT: Dialect = {
  kind: 'sqlite',
  bigint: 'INTEGER',
  bytes: 'BLOB',
  flag: 'INTEGER',
  rowKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  textToBytes: () => '',
  param: (n) => `?${n}`,
  jsonCounts: (param) => `SELECT key, value FROM json_each(${param})`,
};

export const POSTGRES_DIALECT: Dialect = {
  kind: 'postgres',
  bigint: 'BIGINT',
  bytes: 'BYTEA',
  flag: 'BOOLEAN',
  rowKey: 'BIGSERIAL PRIMARY KEY',
  textToBytes: (table, column) =>
    `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE BYTEA USING convert_to(${column}, 'UTF8');`,
  param: (n, postgresType) => `$${n}::${postgresType}`,
  jsonCounts: (param) => `SELECT key, value::int AS value FROM json_each_text(${param}::json)`,
};

/** Which migrations a database has had. */
export const migrationsTable = (d: Dialect) =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at ${d.bigint} NOT NULL)`;

export const MIGRATIONS: ReadonlyArray<(d: Dialect) => string> = [
  (d) => `CREATE TABLE connections (
     id TEXT PRIMARY KEY,
     api_key_hash TEXT NOT NULL UNIQUE,
     secret TEXT NOT NULL,
     previous_secret TEXT,
     previous_secret_expires_at ${d.bigint},
     created_at ${d.bigint} NOT NULL,
     updated_at ${d.bigint} NOT NULL
   );
   CREATE TABLE subscriptions (
     id TEXT PRIMARY KEY,
     connection_id TEXT NOT NULL REFERENCES connections (id),
     target_url TEXT NOT NULL,
     secret TEXT NOT NULL,
     active ${d.flag} NOT NULL,
     deactivated_reason TEXT,
     created_at ${d.bigint} NOT NULL,
     updated_at ${d.bigint} NOT NULL,
     UNIQUE (connection_id, target_url)
   );
   CREATE TABLE exports (
     id ${d.rowKey},
     connection_id TEXT NOT NULL REFERENCES connections (id),
     uuid TEXT NOT NULL,
     event TEXT NOT NULL,
     headers TEXT NOT NULL,
     body ${d.bytes} NOT NULL,
     received_at ${d.bigint} NOT NULL,
     UNIQUE (connection_id, uuid)
   );
   CREATE INDEX exports_newest ON exports (connection_id, received_at DESC, id DESC);
   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     export_id ${d.bigint} NOT NULL REFERENCES exports (id),
     subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
     connection_id TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at ${d.bigint},
     give_up_after ${d.bigint} NOT NULL,
     lease_token TEXT,
     lease_until ${d.bigint},
     last_status_code INTEGER,
     last_error TEXT,
     created_at ${d.bigint} NOT NULL,
     updated_at ${d.bigint} NOT NULL
   );
   CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
   CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id) WHERE status = 'pending';
   CREATE INDEX deliveries_by_connection ON deliveries (connection_id, status, updated_at DESC);`,
  // SQLite's claim reads back the rows it just leased by token (PostgreSQL's gets them from
  // RETURNING). Only leased rows carry one, so the partial index stays as small as the work in flight.
  (d) =>
    d.kind === 'sqlite'
      ? `CREATE INDEX deliveries_leased ON deliveries (lease_token) WHERE lease_token IS NOT NULL;`
      : '',
  // Channels: each subscription listens to one channel of its connection, and each export
  // arrived on one ('' is the default channel, the ingest URL without a channel).
  () => `ALTER TABLE subscriptions ADD COLUMN channel TEXT NOT NULL DEFAULT '';
   ALTER TABLE exports ADD COLUMN channel TEXT NOT NULL DEFAULT '';
   DROP INDEX exports_newest;
   CREATE INDEX exports_newest ON exports (connection_id, channel, received_at DESC, id DESC);`,
  // One row that /readyz rewrites, so readiness means a real write reached the database.
  (d) => `CREATE TABLE write_probe (id INTEGER PRIMARY KEY, probed_at ${d.bigint} NOT NULL);`,
  // Key lifecycle, retention and encryption at rest. Secrets and headers become sealed bytes;
  // rows an earlier version wrote in the clear are sealed right after this migration
  // (SEALING_MIGRATION), in the same transaction, and the previous-secret slot goes in the next.
  (d) => `ALTER TABLE connections ADD COLUMN replaced_secrets ${d.bytes};
   ALTER TABLE connections ADD COLUMN key_confirmed_at ${d.bigint} NOT NULL DEFAULT 0;
   UPDATE connections SET key_confirmed_at = updated_at;
   ALTER TABLE connections ADD COLUMN revoked_at ${d.bigint};
   ${d.textToBytes('connections', 'secret')}
   ${d.textToBytes('subscriptions', 'secret')}
   ${d.textToBytes('exports', 'headers')}
   ALTER TABLE exports ADD COLUMN erased_at ${d.bigint};
   CREATE INDEX exports_kept ON exports (received_at) WHERE erased_at IS NULL;
   CREATE INDEX deliveries_by_export ON deliveries (export_id);
   CREATE TABLE relay_settings (name TEXT PRIMARY KEY, value ${d.bytes} NOT NULL);`,
  () => `ALTER TABLE connections DROP COLUMN previous_secret;
   ALTER TABLE connections DROP COLUMN previous_secret_expires_at;`,
  // When each delivery's latest attempt started, so a claim can count a subscription's attempts
  // in the last second (RELAY_MAX_DELIVERIES_PER_SECOND).
  (d) => `ALTER TABLE deliveries ADD COLUMN attempt_started_at ${d.bigint};
   CREATE INDEX deliveries_started ON deliveries (subscription_id, attempt_started_at);`,
  // A claim walks the pending deliveries one subscription at a time, oldest due first.
  () => `DROP INDEX deliveries_by_subscription;
   CREATE INDEX deliveries_pending_by_subscription
     ON deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending';`,
  // Erasing one candidate: keyed hashes of what identifies the candidate in each kept export
  // (never the email or id itself), looked up within one connection.
  (d) => `CREATE TABLE export_candidates (
     export_id ${d.bigint} NOT NULL REFERENCES exports (id),
     connection_id TEXT NOT NULL,
     candidate_key ${d.bytes} NOT NULL,
     PRIMARY KEY (export_id, candidate_key)
   );
   CREATE INDEX export_candidates_by_key ON export_candidates (connection_id, candidate_key);`,
];

/** /readyz's write: one row rewritten with the time. */
export const writeProbeSql = (d: Dialect) =>
  `INSERT INTO write_probe (id, probed_at) VALUES (1, ${d.kind === 'sqlite' ? '?' : '$1'})
   ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`;

/** After this migration, a store seals what an earlier version kept in the clear. */
export const SEALING_MIGRATION = 5;

/** The migrations a database at version `applied` still needs, in order (empty ones included, to record them). */
export function pendingMigrations(
  applied: number,
  dialect: Dialect,
): Array<{ version: number; sql: string }> {
  return MIGRATIONS.map((migration, index) => ({
    version: index + 1,
    sql: migration(dialect),
  })).filter(({ version }) => version > applied);
}
