import type { DatabaseLocation } from '../config';
import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Store } from './types';

/** Opens the store DATABASE_URL names and brings its schema up to date. */
export async function openStore(location: DatabaseLocation): Promise<Store> {
  const store =
    location.kind === 'sqlite' ? new SqliteStore(location.path) : new PostgresStore(location.url);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
