import type { DatabaseLocation } from '../config';
import type { Sealer } from '../encryption';
import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Store } from './types';

/**
 * Opens the store DATABASE_URL names, brings its schema up to date and checks that `sealer`
 * holds the key its data was encrypted with.
 */
export async function openStore(location: DatabaseLocation, sealer: Sealer): Promise<Store> {
  const store =
    location.kind === 'sqlite'
      ? new SqliteStore(location.path, { sealer })
      : new PostgresStore(location.url, { sealer });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
