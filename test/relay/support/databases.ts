import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { Client } from 'pg';

import { Sealer, generateEncryptionKey } from '../../../src/relay/encryption';
import { PostgresStore } from '../../../src/relay/store/postgres';
import { SqliteStore } from '../../../src/relay/store/sqlite';
import type { Store } from '../../../src/relay/store/types';

/** A fresh, empty database of one kind, with a way to look inside it the way an operator would. */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  /** The DATABASE_URL a relay process would be given. */
  url: string;
  /** The key every store opened here seals with, unless openStore is given another sealer. */
  key: Buffer;
  openStore(sealer?: Sealer): Promise<Store>;
  /** SQLite only: the database file and its WAL, as they are on disk now. */
  files?(): Buffer[];
  /** Runs a query directly against the database. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  drop(): Promise<void>;
}

/** Children first, so deleting in this order never breaks a foreign key. */
const TABLES = ['deliveries', 'export_candidates', 'exports', 'subscriptions', 'connections'];

function readIfThere(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

export const postgresAvailable = Boolean(process.env.TEST_DATABASE_URL);

export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-sqlite-'));
  const path = join(dir, 'relay.sqlite');
  const stores: Store[] = [];
  const key = generateEncryptionKey();
  return {
    kind: 'sqlite',
    url: `sqlite:${path}`,
    key,
    async openStore(sealer = new Sealer(key)) {
      const store = new SqliteStore(path, { sealer });
      stores.push(store);
      await store.migrate();
      return store;
    },
    files: () => [readIfThere(path), readIfThere(`${path}-wal`)],
    async query(sql) {
      const db = new DatabaseSync(path);
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async reset() {
      const db = new DatabaseSync(path);
      try {
        db.exec(
          `PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE; ${TABLES.map((table) => `DELETE FROM ${table};`).join(' ')} COMMIT;`,
        );
      } finally {
        db.close();
      }
    },
    async drop() {
      await Promise.all(stores.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database of its own inside the test cluster, so test files never see each other's rows. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error('TEST_DATABASE_URL is not set: the jest global setup starts PostgreSQL.');
  const name = `relay_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const stores: Store[] = [];
  const key = generateEncryptionKey();
  const database: TestDatabase = {
    kind: 'postgres',
    url: url.toString(),
    key,
    async openStore(sealer = new Sealer(key)) {
      const store = new PostgresStore(url.toString(), { sealer, maxConnections: 4 });
      stores.push(store);
      await store.migrate();
      return store;
    },
    async query(sql) {
      const client = new Client({ connectionString: url.toString() });
      client.on('error', () => {});
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    async reset() {
      await database.query(`TRUNCATE ${TABLES.join(', ')}`);
    },
    async drop() {
      await Promise.all(stores.map((store) => store.close()));
      const dropper = new Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
  return database;
}

/** The kinds to run a shared suite against; PostgreSQL only when the cluster is up. */
export const databaseKinds: Array<['sqlite' | 'postgres', () => Promise<TestDatabase>]> = [
  ['sqlite', createSqliteDatabase],
  ...(postgresAvailable
    ? [['postgres', createPostgresDatabase] as ['postgres', () => Promise<TestDatabase>]]
    : []),
];
