/** /healthz says the process answers; /readyz says the relay can do its work, or why not. */
import type { Store } from '../../src/relay/store/types';
import {
  createPostgresDatabase,
  createSqliteDatabase,
  postgresAvailable,
  type TestDatabase,
} from './support/databases';
import { startTestRelay, type TestRelay } from './support/relay';

describe('health and readiness', () => {
  let database: TestDatabase;
  let store: Store;
  let t: TestRelay | undefined;

  beforeEach(async () => {
    database = await createSqliteDatabase();
    store = await database.openStore();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await database.drop();
  });

  it('is ready once the delivery loop runs, and not when the loop has not gone round for 30 s', async () => {
    t = await startTestRelay(store);
    expect(await t.api('GET', '/readyz')).toEqual({
      status: 503,
      body: { ok: false, reason: 'The delivery loop has not started.' },
    });
    t.relay.worker.start();
    expect(await t.api('GET', '/readyz')).toEqual({ status: 200, body: { ok: true } });
    await t.relay.worker.stop();
    t.clock.advance(31_000);
    expect(await t.api('GET', '/readyz')).toEqual({
      status: 503,
      body: { ok: false, reason: 'The delivery loop last ran 31 s ago.' },
    });
    expect((await t.api('GET', '/healthz')).status).toBe(200);
  });

  it('writes a probe row on each /readyz', async () => {
    t = await startTestRelay(store);
    t.relay.worker.start();
    expect((await t.api('GET', '/readyz')).status).toBe(200);
    expect(await database.query('SELECT id, probed_at FROM write_probe')).toEqual([
      { id: 1, probed_at: t.clock.now() },
    ]);
  });

  it('answers /readyz 503 with the reason, and /healthz 200, when the SQLite store cannot write', async () => {
    t = await startTestRelay(store);
    t.relay.worker.start();
    await store.close();
    const ready = await t.api('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/^The SQLite database does not take writes/);
    expect((await t.api('GET', '/healthz')).status).toBe(200);
  });

  (postgresAvailable ? it : it.skip)(
    'answers /readyz 503 with the reason while PostgreSQL is read-only, and 200 again after',
    async () => {
      const postgres = await createPostgresDatabase();
      const name = new URL(postgres.url).pathname.slice(1);
      const pgStore = await postgres.openStore();
      const dropSessions = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      const readyz = async () => (await t!.api('GET', '/readyz')).body as Record<string, unknown>;
      try {
        t = await startTestRelay(pgStore);
        t.relay.worker.start();
        expect(await readyz()).toEqual({ ok: true });
        await postgres.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
        await postgres.query(dropSessions);
        let answer = await readyz();
        for (let tries = 0; !String(answer.reason).includes('25006') && tries < 5; tries += 1)
          answer = await readyz();
        expect(answer).toEqual({
          ok: false,
          reason: expect.stringMatching(/^The PostgreSQL database does not take writes \(25006\)/),
        });
        expect((await t.api('GET', '/healthz')).status).toBe(200);
        await postgres.query(
          `BEGIN READ WRITE; ALTER DATABASE ${name} RESET default_transaction_read_only; COMMIT`,
        );
        await postgres.query(dropSessions);
        answer = await readyz();
        for (let tries = 0; answer.ok !== true && tries < 5; tries += 1) answer = await readyz();
        expect(answer).toEqual({ ok: true });
      } finally {
        await t?.close();
        t = undefined;
        await postgres.drop();
      }
    },
  );
});
