/**
 * GET /metrics on real relay processes: what Prometheus would scrape.
 */
import { createPostgresDatabase, postgresAvailable, type TestDatabase } from './support/databases';
import { connectAndSubscribe, useRelayProcesses } from './support/failed-delivery';
import { EXPORT_BODY, jazzhrHeaders } from './support/relay';

const METRICS_TOKEN = 'metrics-token-for-prometheus';

/** The value of one sample line, e.g. `relay_exports_received_total{outcome="stored"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('relay metrics', () => {
  const { processes, target } = useRelayProcesses({
    env: () => ({ RELAY_METRICS_TOKEN: METRICS_TOKEN }),
  });

  function ingest(relayUrl: string, connectionId: string, headers: Record<string, string>) {
    return fetch(`${relayUrl}/hooks/jazzhr/${connectionId}`, {
      method: 'POST',
      headers,
      body: EXPORT_BODY,
    });
  }

  async function scrape(relayUrl: string): Promise<string> {
    const response = await fetch(`${relayUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  }

  it('counts a stored export, a duplicate and a bad signature, and the delivery with its lag', async () => {
    const relay = await processes.start();
    const { connection } = await connectAndSubscribe(relay.url, target);
    const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'uuid-metrics-1');
    expect((await ingest(relay.url, connection.id, headers)).status).toBe(200);
    expect((await ingest(relay.url, connection.id, headers)).status).toBe(200);
    const forged = jazzhrHeaders(EXPORT_BODY, 'not-the-secret', 'uuid-metrics-2');
    expect((await ingest(relay.url, connection.id, forged)).status).toBe(401);
    expect((await ingest(relay.url, 'con_unknown', headers)).status).toBe(404);
    await target.waitFor(1);
    await relay.waitForLog((line) => line.msg === 'delivery attempt' && line.recorded === true);

    const text = await scrape(relay.url);
    expect(sample(text, 'relay_exports_received_total{outcome="stored"}')).toBe(1);
    expect(sample(text, 'relay_exports_received_total{outcome="duplicate"}')).toBe(1);
    expect(sample(text, 'relay_exports_received_total{outcome="bad_signature"}')).toBe(1);
    expect(sample(text, 'relay_exports_received_total{outcome="unknown_connection"}')).toBe(1);
    expect(sample(text, 'relay_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(sample(text, 'relay_delivery_attempt_duration_seconds_count')).toBe(1);
    expect(sample(text, 'relay_delivery_lag_seconds_count')).toBe(1);
    expect(sample(text, 'relay_deliveries_pending')).toBe(0);
    expect(sample(text, 'relay_oldest_pending_delivery_age_seconds')).toBe(0);
    // prom-client's default process metrics.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Ids and counts only: nothing of the candidate or the secrets.
    expect(text).not.toContain(connection.secret);
    expect(text).not.toContain(connection.id);
  });

  it('counts a failed attempt as retried and shows the backlog', async () => {
    target.respond = () => 503;
    const relay = await processes.start();
    const { connection } = await connectAndSubscribe(relay.url, target);
    const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'uuid-metrics-retry');
    expect((await ingest(relay.url, connection.id, headers)).status).toBe(200);
    await relay.waitForLog((line) => line.msg === 'delivery attempt' && line.outcome === 'retry');

    const text = await scrape(relay.url);
    expect(sample(text, 'relay_deliveries_total{outcome="retried"}')).toBe(1);
    expect(sample(text, 'relay_deliveries_pending')).toBe(1);
    expect(sample(text, 'relay_oldest_pending_delivery_age_seconds')).toBeGreaterThan(0);
  });

  it('counts a 429 as throttled, not retried', async () => {
    target.respond = () => ({ status: 429, body: {}, headers: { 'Retry-After': '60' } });
    const relay = await processes.start();
    const { connection } = await connectAndSubscribe(relay.url, target);
    const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'uuid-metrics-throttled');
    expect((await ingest(relay.url, connection.id, headers)).status).toBe(200);
    await relay.waitForLog(
      (line) => line.msg === 'delivery attempt' && line.outcome === 'throttled',
    );

    const text = await scrape(relay.url);
    expect(sample(text, 'relay_deliveries_total{outcome="throttled"}')).toBe(1);
    expect(sample(text, 'relay_deliveries_total{outcome="retried"}')).toBeUndefined();
    expect(sample(text, 'relay_deliveries_pending')).toBe(1);
  });

  it('needs the bearer token when RELAY_METRICS_TOKEN is set', async () => {
    const relay = await processes.start();
    const missing = await fetch(`${relay.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'RELAY_METRICS_TOKEN',
    );
    const wrong = await fetch(`${relay.url}/metrics`, {
      headers: { authorization: 'Bearer wrong-token-of-some-length' },
    });
    expect(wrong.status).toBe(401);
    expect(await scrape(relay.url)).toContain('relay_exports_received_total');
  });

  it('is open when RELAY_METRICS_TOKEN is unset', async () => {
    const relay = await processes.start({ RELAY_METRICS_TOKEN: '' });
    const response = await fetch(`${relay.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('relay_deliveries_pending 0');
  });

  (postgresAvailable ? describe : describe.skip)('two processes on one PostgreSQL database', () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await createPostgresDatabase();
    });
    afterEach(async () => {
      await database.drop();
    });

    it('each counts its own exports, and both report the shared backlog', async () => {
      target.respond = () => 503;
      const first = await processes.start({ DATABASE_URL: database.url });
      const second = await processes.start({ DATABASE_URL: database.url });
      const { connection } = await connectAndSubscribe(first.url, target);
      const headers = jazzhrHeaders(EXPORT_BODY, connection.secret, 'uuid-metrics-pg');
      expect((await ingest(first.url, connection.id, headers)).status).toBe(200);
      const duplicate = await ingest(second.url, connection.id, headers);
      expect(duplicate.status).toBe(200);
      await target.waitFor(1);

      const [firstText, secondText] = [await scrape(first.url), await scrape(second.url)];
      expect(sample(firstText, 'relay_exports_received_total{outcome="stored"}')).toBe(1);
      expect(sample(firstText, 'relay_exports_received_total{outcome="duplicate"}')).toBe(
        undefined,
      );
      expect(sample(secondText, 'relay_exports_received_total{outcome="duplicate"}')).toBe(1);
      expect(sample(firstText, 'relay_deliveries_pending')).toBe(1);
      expect(sample(secondText, 'relay_deliveries_pending')).toBe(1);
    });
  });
});
