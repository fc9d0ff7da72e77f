/**
 * Recovering failed deliveries, on real relay processes over SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createPostgresDatabase, postgresAvailable, type TestDatabase } from './support/databases';
import { AUTH, RelayProcesses, relayWithFailedDelivery } from './support/failed-delivery';
import { assertBuilt } from './support/process';
import type { JsonBody } from './support/relay';
import { RecordingServer, startFakeJazzHR } from './support/servers';

const ADMIN_TOKEN = 'operator-admin-token-0123456789';

function post(url: string, body: unknown, headers: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as JsonBody,
  }));
}

const kinds: Array<['sqlite' | 'postgres']> = [
  ['sqlite'],
  ...(postgresAvailable ? [['postgres'] as ['postgres']] : []),
];

describe.each(kinds)('recovery on %s', (kind) => {
  let dir: string;
  let database: TestDatabase | undefined;
  let jazzhr: RecordingServer;
  let target: RecordingServer;
  let databaseUrl: string;
  const processes = new RelayProcesses(() => ({
    DATABASE_URL: databaseUrl,
    JAZZHR_API_URL: jazzhr.url,
    RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
  }));

  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-recovery-'));
    if (kind === 'postgres') database = await createPostgresDatabase();
    databaseUrl = database?.url ?? `sqlite:${join(dir, 'relay.sqlite')}`;
    jazzhr = await startFakeJazzHR();
    target = await new RecordingServer().start();
  });
  afterEach(async () => {
    await processes.stopAll();
    await Promise.all([jazzhr.stop(), target.stop()]);
    await database?.drop();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-delivers a connection’s failed deliveries received since a time', async () => {
    const { relay, connection } = await relayWithFailedDelivery(processes, target);
    const url = `${relay.url}/v1/connections/${connection.id}/recover`;
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(await post(url, { since }, AUTH)).toEqual({ status: 200, body: { requeued: 1 } });
    await target.waitFor(1);
    expect(target.received[0]!.headers['x-jazzhr-uuid']).toBe('uuid-to-recover');
    await relay.waitForLog(
      (line) => line.msg === 'delivery attempt' && line.outcome === 'delivered',
    );
    // Delivered now: a second recovery finds nothing to do.
    expect(await post(url, { since }, AUTH)).toEqual({ status: 200, body: { requeued: 0 } });
  });

  it('recovers across every connection behind RELAY_ADMIN_TOKEN', async () => {
    const { relay } = await relayWithFailedDelivery(processes, target);
    const url = `${relay.url}/v1/operator/recover`;
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await post(url, { since }, {})).status).toBe(401);
    expect(
      (await post(url, { since }, { authorization: 'Bearer not-the-admin-token' })).status,
    ).toBe(401);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect(await post(url, { since }, admin)).toEqual({ status: 200, body: { requeued: 1 } });
    await target.waitFor(1);
  });

  it('names the field of a bad range, and leaves a range after the failure alone', async () => {
    const { relay, connection } = await relayWithFailedDelivery(processes, target);
    const url = `${relay.url}/v1/connections/${connection.id}/recover`;
    const later = await post(
      url,
      { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' },
      AUTH,
    );
    expect(later).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(later.body.error.message).toBe('since must not be after until');
    const unreadable = await post(url, { since: '2026-12-01T00:00:00Z', until: 'yesterday' }, AUTH);
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error.message).toContain('until must be an ISO-8601 time');
    const missing = await post(url, {}, AUTH);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('since');
    const future = { since: new Date(Date.now() + 60_000).toISOString() };
    expect(await post(url, future, AUTH)).toEqual({ status: 200, body: { requeued: 0 } });
  });
});

describe('the operator API without RELAY_ADMIN_TOKEN', () => {
  let dir: string;
  let jazzhr: RecordingServer;
  const processes = new RelayProcesses(() => ({
    DATABASE_URL: `sqlite:${join(dir, 'relay.sqlite')}`,
    JAZZHR_API_URL: jazzhr.url,
  }));
  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-recovery-'));
    jazzhr = await startFakeJazzHR();
  });
  afterEach(async () => {
    await processes.stopAll();
    await jazzhr.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not there: 404 for the operator recover and the console', async () => {
    const relay = await processes.start();
    const since = new Date().toISOString();
    const answer = await post(
      `${relay.url}/v1/operator/recover`,
      { since },
      {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
    );
    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toContain('RELAY_ADMIN_TOKEN');
  });
});
