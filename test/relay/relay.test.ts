import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/logger';
import { startRelay } from '../../src/relay/relay';
import { EXPORT_BODY, hmacHex, jazzhrHeaders } from './support/relay';
import { connectionResponse, subscriptionResponse } from '../../src/relay/protocol';
import { RecordingServer, VALID_API_KEY, startFakeJazzHR } from './support/servers';

describe('startRelay', () => {
  let dir: string;
  let jazzhr: RecordingServer;
  let target: RecordingServer;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-start-'));
    jazzhr = await startFakeJazzHR();
    target = await new RecordingServer().start();
  });
  afterEach(async () => {
    await jazzhr.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (extra: Record<string, string> = {}) =>
    loadConfig({
      PORT: '0',
      RELAY_HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'nested', 'relay.sqlite')}`,
      JAZZHR_API_URL: jazzhr.url,
      RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
      RELAY_POLL_INTERVAL_MS: '20',
      ...extra,
    });

  it('opens the configured store, checks keys with JazzHR and delivers on its own', async () => {
    const relay = await startRelay(config(), { logger: silentLogger });
    try {
      const auth = { authorization: `Bearer ${VALID_API_KEY}` };
      const connection = connectionResponse.parse(
        await (
          await fetch(`${relay.url}/v1/connections`, { method: 'POST', headers: auth })
        ).json(),
      );
      expect(connection.ingest_url).toBe(
        `http://localhost:${new URL(relay.url).port}/hooks/jazzhr/${connection.id}`,
      );
      expect(jazzhr.received).toHaveLength(1);
      const subscription = subscriptionResponse.parse(
        await (
          await fetch(`${relay.url}/v1/subscriptions`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ connection_id: connection.id, target_url: `${target.url}/zap` }),
          })
        ).json(),
      );
      const ingested = await fetch(`${relay.url}/hooks/jazzhr/${connection.id}`, {
        method: 'POST',
        headers: jazzhrHeaders(EXPORT_BODY, connection.secret, 'u-start'),
        body: EXPORT_BODY,
      });
      expect(ingested.status).toBe(200);
      await target.waitFor(1);
      expect(target.received[0]!.headers['x-jazzhr-signature']).toBe(
        hmacHex(EXPORT_BODY, subscription.secret),
      );
    } finally {
      await relay.close();
      await relay.close();
    }
    await expect(relay.store.ping()).rejects.toThrow();
  });

  it('uses RELAY_PUBLIC_URL for the URLs it hands out', async () => {
    const relay = await startRelay(config({ RELAY_PUBLIC_URL: 'https://relay.example.com/' }), {
      logger: silentLogger,
    });
    try {
      const response = await fetch(`${relay.url}/v1/connections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VALID_API_KEY}` },
      });
      expect(connectionResponse.parse(await response.json()).ingest_url).toMatch(
        /^https:\/\/relay\.example\.com\/hooks\/jazzhr\/con_/,
      );
    } finally {
      await relay.close();
    }
  });

  it('fails to start, closing its store, when the port is taken', async () => {
    const first = await startRelay(config(), { logger: silentLogger });
    try {
      const port = new URL(first.url).port;
      await expect(
        startRelay(config({ PORT: port, DATABASE_URL: `sqlite:${join(dir, 'other.sqlite')}` }), {
          logger: silentLogger,
        }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});
