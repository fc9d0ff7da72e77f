import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { Sealer, generateEncryptionKey } from '../../../src/relay/encryption';
import { openStore } from '../../../src/relay/store';

const sealer = new Sealer(generateEncryptionKey());

describe('openStore', () => {
  it('creates the SQLite file and its directory, in WAL mode, with the schema in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-open-'));
    const path = join(dir, 'deep', 'relay.sqlite');
    try {
      const store = await openStore({ kind: 'sqlite', path }, sealer);
      expect(store.kind).toBe('sqlite');
      await store.close();
      expect(existsSync(path)).toBe(true);
      const db = new DatabaseSync(path);
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => row.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'connections',
          'deliveries',
          'exports',
          'schema_migrations',
          'subscriptions',
        ]),
      );
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects, without leaving a pool open, when PostgreSQL cannot be reached', async () => {
    await expect(
      openStore({ kind: 'postgres', url: 'postgres://relay@127.0.0.1:1/relay' }, sealer),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
