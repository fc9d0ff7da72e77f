/**
 * The relay as a process: `node dist/src/relay/main.js`, configured by its environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createPostgresDatabase, postgresAvailable, type TestDatabase } from './support/databases';
import { MAIN_JS, assertBuilt, spawnRelay, type RelayProcess } from './support/process';
import { rawRequest } from './support/raw-http';
import { EXPORT_BODY, hmacHex, jazzhrHeaders } from './support/relay';
import { describeVariables } from '../../src/relay/config';
import {
  connectionResponse,
  deliveriesResponse,
  exportsResponse,
  subscriptionResponse,
} from '../../src/relay/protocol';
import { RecordingServer, VALID_API_KEY, startFakeJazzHR } from './support/servers';

const auth = { authorization: `Bearer ${VALID_API_KEY}` };
const TEST_KEY = Buffer.alloc(32, 3).toString('base64');
const modeOf = (path: string) => statSync(path).mode & 0o777;

/**
 * Runs the relay to its exit with only PATH and `env` in its environment. A hung child would
 * block this worker for good (spawnSync stops the event loop), hence the timeout.
 */
function runMain(
  env: Record<string, string>,
  args: string[] = [],
  options: { uid?: number; gid?: number } = {},
) {
  return spawnSync(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
    ...options,
  });
}

describe('relay process', () => {
  let dir: string;
  let jazzhr: RecordingServer;
  const running: RelayProcess[] = [];

  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-process-'));
    jazzhr = await startFakeJazzHR();
  });
  afterEach(async () => {
    for (const relay of running.splice(0)) {
      if (relay.child.exitCode === null && relay.child.signalCode === null)
        relay.child.kill('SIGKILL');
      await relay.exited;
    }
    await jazzhr.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>) {
    const relay = await spawnRelay({
      JAZZHR_API_URL: jazzhr.url,
      RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
      ...env,
    });
    running.push(relay);
    return relay;
  }

  async function connectAndSubscribe(relayUrl: string, targetUrl: string) {
    const connection = connectionResponse.parse(
      await (await fetch(`${relayUrl}/v1/connections`, { method: 'POST', headers: auth })).json(),
    );
    const response = await fetch(`${relayUrl}/v1/subscriptions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: connection.id, target_url: targetUrl }),
    });
    expect(response.status).toBe(201);
    return { connection, subscription: subscriptionResponse.parse(await response.json()) };
  }

  it('--help prints every environment variable with its default, exits 0 and starts nothing', () => {
    const result = runMain({ PORT: 'not even read' }, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npm run relay');
    expect(result.stdout).toContain(describeVariables());
    expect(result.stderr).toBe('');
  });

  it('an unknown option exits 2 and points to --help', () => {
    const result = runMain({}, ['--prot', '80']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("Unknown option '--prot'. See `npm run relay -- --help`.\n");
  });

  it('refuses a bad configuration with a clear message and exit code 1', () => {
    const result = runMain({ PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid relay configuration');
    expect(result.stderr).toContain('PORT must be a whole number');
    expect(result.stderr).toContain('DATABASE_URL must be sqlite:PATH');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with a reason when its database cannot be opened', () => {
    const result = runMain({
      PORT: '0',
      DATABASE_URL: 'postgres://relay:hunter2@127.0.0.1:1/relay',
      RELAY_ENCRYPTION_KEY: TEST_KEY,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('could not open the PostgreSQL database');
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it('names the database path, not the port, when the SQLite directory cannot be created', () => {
    // As root every directory is writable, so the relay runs as nobody, as it would in production.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(dir, 0o755);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const path = join(locked, 'data', 'relay.sqlite');
    const result = runMain({ PORT: '0', DATABASE_URL: `sqlite:${path}` }, [], asNobody);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`could not open the SQLite file ${path}`);
    expect(result.stderr).toContain('EACCES');
    expect(result.stderr).not.toContain('port');
  });

  it('needs RELAY_ENCRYPTION_KEY with PostgreSQL, and says so', () => {
    const result = runMain({ PORT: '0', DATABASE_URL: 'postgres://relay@127.0.0.1:1/relay' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('RELAY_ENCRYPTION_KEY is required with PostgreSQL');
  });

  it('creates its SQLite file and relay.key privately, and shuts down cleanly on SIGTERM', async () => {
    const path = join(dir, 'data', 'relay.sqlite');
    const relay = await start({ DATABASE_URL: `sqlite:${path}` });
    const keyFile = join(dir, 'data', 'relay.key');
    expect(relay.logs[0]).toMatchObject({
      level: 'warn',
      msg: 'encryption key created: back it up apart from the database',
      key_file: keyFile,
    });
    expect(relay.logs[1]).toMatchObject({ level: 'info', msg: 'relay listening', store: 'sqlite' });
    expect(modeOf(join(dir, 'data'))).toBe(0o700);
    expect([path, keyFile, `${path}-wal`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toEqual({ ok: true });
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toEqual({ code: 0, signal: null });
    expect(relay.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'relay stopped']),
    );

    // Started again with another key, it stops at once and says why.
    const wrongKey = runMain({
      PORT: '0',
      DATABASE_URL: `sqlite:${path}`,
      RELAY_ENCRYPTION_KEY: TEST_KEY,
    });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain(
      `The relay could not start: The database ${path} was encrypted with a different key than RELAY_ENCRYPTION_KEY`,
    );
    expect(wrongKey.stderr).not.toContain(TEST_KEY);
  });

  it('reencrypt rewrites every stored row under the new key, after which the old key can go', async () => {
    const database = `sqlite:${join(dir, 'relay.sqlite')}`;
    const oldKey = TEST_KEY;
    const newKey = Buffer.alloc(32, 4).toString('base64');
    const first = await start({ DATABASE_URL: database, RELAY_ENCRYPTION_KEY: oldKey });
    const { connection } = await connectAndSubscribe(first.url, 'http://127.0.0.1:9/hooks/r/');
    const ingested = await fetch(`${first.url}/hooks/jazzhr/${connection.id}`, {
      method: 'POST',
      headers: jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-reencrypted'),
      body: EXPORT_BODY,
    });
    expect(ingested.status).toBe(200);
    first.child.kill('SIGTERM');
    await first.exited;

    const run = (env: Record<string, string>) =>
      runMain({ DATABASE_URL: database, ...env }, ['reencrypt']);
    const rewritten = run({ RELAY_ENCRYPTION_KEY: newKey, RELAY_ENCRYPTION_KEY_PREVIOUS: oldKey });
    expect(rewritten.status).toBe(0);
    const summary = rewritten.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'reencrypted');
    expect(summary).toMatchObject({ connections: 1, subscriptions: 1, exports: 1 });
    expect(run({ RELAY_ENCRYPTION_KEY: oldKey }).stderr).toContain(
      'encrypted with a different key',
    );

    const second = await start({ DATABASE_URL: database, RELAY_ENCRYPTION_KEY: newKey });
    const exports = exportsResponse.parse(
      await (
        await fetch(`${second.url}/v1/connections/${connection.id}/exports`, { headers: auth })
      ).json(),
    );
    expect(exports.exports.map((item) => item.uuid)).toEqual(['u-reencrypted']);
  });

  it('answers 400 to request targets new URL rejects, and stays up', async () => {
    const relay = await start({
      DATABASE_URL: `sqlite:${join(dir, 'relay.sqlite')}`,
      RELAY_ACCESS_TOKEN: 'a-long-enough-access-token',
    });
    for (const target of ['//[', 'http://[', '//a:99999', '//%zz', '//a%00b']) {
      expect([
        target,
        (await rawRequest(relay.url, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).status,
      ]).toEqual([target, 400]);
    }
    expect(relay.child.exitCode).toBeNull();
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it.each(postgresAvailable ? ['sqlite', 'postgres'] : ['sqlite'])(
    'on %s, waits out a 429’s Retry-After: 3 before the next attempt, and records it as throttling',
    async (kind) => {
      let database: TestDatabase | undefined;
      const target = new RecordingServer();
      target.respond = () =>
        target.received.length === 1
          ? { status: 429, body: {}, headers: { 'Retry-After': '3' } }
          : 200;
      await target.start();
      try {
        if (kind === 'postgres') database = await createPostgresDatabase();
        const relay = await start({
          DATABASE_URL: database?.url ?? `sqlite:${join(dir, 'relay.sqlite')}`,
          RELAY_ENCRYPTION_KEY: TEST_KEY,
          // A backoff of a few ms, so the wait can only come from Retry-After.
          RELAY_RETRY_BASE_DELAY_MS: '10',
          RELAY_POLL_INTERVAL_MS: '50',
        });
        const { connection } = await connectAndSubscribe(
          relay.url,
          `${target.url}/hooks/standard/1/throttled/`,
        );
        const ingested = await fetch(`${relay.url}/hooks/jazzhr/${connection.id}`, {
          method: 'POST',
          headers: jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-throttled'),
          body: EXPORT_BODY,
        });
        expect(ingested.status).toBe(200);

        await relay.waitForLog((line) => line.outcome === 'throttled');
        const [pending] = deliveriesResponse.parse(
          await (
            await fetch(`${relay.url}/v1/connections/${connection.id}/deliveries`, {
              headers: auth,
            })
          ).json(),
        ).deliveries;
        expect(pending).toMatchObject({
          status: 'pending',
          attempts: 1,
          last_status_code: 429,
          last_error: 'target answered 429 Too Many Requests; next attempt in 3 s',
        });
        const recordedWait =
          Date.parse(pending!.next_attempt_at!) - Date.parse(pending!.updated_at);
        expect(recordedWait).toBeGreaterThanOrEqual(3_000);

        await target.waitFor(2);
        expect(target.received[1]!.at - target.received[0]!.at).toBeGreaterThanOrEqual(3_000);
        await relay.waitForLog((line) => line.outcome === 'delivered');
        expect(relay.logs.filter((line) => line.msg === 'delivery attempt')).toMatchObject([
          { outcome: 'throttled', status_code: 429, attempt: 1 },
          { outcome: 'delivered', status_code: 200, attempt: 2 },
        ]);
      } finally {
        await target.stop();
        await database?.drop();
      }
    },
  );

  it('still delivers an export it acknowledged before being killed with SIGKILL', async () => {
    const database = `sqlite:${join(dir, 'relay.sqlite')}`;
    const env = {
      DATABASE_URL: database,
      RELAY_RETRY_BASE_DELAY_MS: '200',
      RELAY_DELIVERY_TIMEOUT_MS: '1000',
      RELAY_POLL_INTERVAL_MS: '50',
    };
    const target = new RecordingServer();
    await target.start();
    const targetUrl = `${target.url}/hooks/standard/1/durable/`;
    await target.stop();

    const first = await start(env);
    const { connection, subscription } = await connectAndSubscribe(first.url, targetUrl);
    const acknowledged = await fetch(`${first.url}/hooks/jazzhr/${connection.id}`, {
      method: 'POST',
      headers: jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-survives-sigkill'),
      body: EXPORT_BODY,
    });
    expect(acknowledged.status).toBe(200);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    await target.start();
    const second = await start(env);
    await target.waitFor(1);
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.body.equals(EXPORT_BODY)).toBe(true);
    expect(target.received[0]!.headers).toMatchObject({
      'x-jazzhr-uuid': 'u-survives-sigkill',
      'x-jazzhr-signature': hmacHex(EXPORT_BODY, subscription.secret),
    });
    const exports = exportsResponse.parse(
      await (
        await fetch(`${second.url}/v1/connections/${connection.id}/exports`, { headers: auth })
      ).json(),
    );
    expect(exports.exports.map((item: { uuid: string }) => item.uuid)).toEqual([
      'u-survives-sigkill',
    ]);
    expect(jazzhr.received).toHaveLength(1);
    await target.stop();
  });

  (postgresAvailable ? it : it.skip)(
    'shares one PostgreSQL between two processes, delivering every export exactly once',
    async () => {
      let database: TestDatabase | undefined;
      const target = new RecordingServer();
      target.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 5));
      await target.start();
      try {
        database = await createPostgresDatabase();
        const env = {
          DATABASE_URL: database.url,
          RELAY_POLL_INTERVAL_MS: '20',
          RELAY_ENCRYPTION_KEY: TEST_KEY,
        };
        const [a, b] = [await start(env), await start(env)];
        const { connection } = await connectAndSubscribe(
          a.url,
          `${target.url}/hooks/standard/1/shared/`,
        );

        const uuids = Array.from({ length: 50 }, (_, index) => `shared-${index}`);
        await Promise.all(
          uuids.map(async (uuid, index) => {
            const relay = index % 2 === 0 ? a : b;
            const response = await fetch(`${relay.url}/hooks/jazzhr/${connection.id}`, {
              method: 'POST',
              headers: jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
              body: EXPORT_BODY,
            });
            expect(response.status).toBe(200);
          }),
        );
        await target.waitFor(50);
        for (let waited = 0; waited < 100; waited += 1) {
          const [row] = await database.query(
            "SELECT COUNT(*)::int AS n FROM deliveries WHERE status = 'delivered'",
          );
          if (row!.n === 50) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, 300));

        const perUuid = new Map<string, number>();
        for (const request of target.received) {
          const uuid = String(request.headers['x-jazzhr-uuid']);
          perUuid.set(uuid, (perUuid.get(uuid) ?? 0) + 1);
        }
        expect([...perUuid.keys()].sort()).toEqual([...uuids].sort());
        expect([...perUuid.values()].every((count) => count === 1)).toBe(true);
        expect(target.received).toHaveLength(50);
        const attempts = (relay: RelayProcess) =>
          relay.logs.filter((line) => line.msg === 'delivery attempt').length;
        expect(attempts(a) + attempts(b)).toBe(50);
        expect(attempts(a)).toBeGreaterThan(0);
        expect(attempts(b)).toBeGreaterThan(0);
      } finally {
        for (const relay of running.splice(0)) {
          relay.child.kill('SIGTERM');
          await relay.exited;
        }
        await target.stop();
        await database?.drop();
      }
    },
  );
});
