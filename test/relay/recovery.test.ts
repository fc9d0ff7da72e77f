/**
 * Recovering failed deliveries, on real relay processes over SQLite and PostgreSQL.
 */
import { databaseKinds } from './support/databases';
import { AUTH, relayWithFailedDelivery, useRelayProcesses } from './support/failed-delivery';
import type { JsonBody } from './support/relay';

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

describe.each(databaseKinds)('recovery on %s', (_kind, createDatabase) => {
  const setup = useRelayProcesses({
    env: () => ({ RELAY_ADMIN_TOKEN: ADMIN_TOKEN }),
    database: createDatabase,
  });
  const { target } = setup;

  it('re-delivers a connection’s failed deliveries received since a time', async () => {
    const { relay, connection } = await relayWithFailedDelivery(setup);
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
    const { relay } = await relayWithFailedDelivery(setup);
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
    const { relay, connection } = await relayWithFailedDelivery(setup);
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
  const { processes } = useRelayProcesses();

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
