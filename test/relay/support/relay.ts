import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadConfig, type RelayConfig } from '../../../src/relay/config';
import { createJsonLogger } from '../../../src/relay/logger';
import { startRelay, type RelayOptions, type RunningRelay } from '../../../src/relay/relay';
import type { Store } from '../../../src/relay/store/types';
import { FakeClock } from './clock';
import { RecordingServer, startFakeJazzHR } from './servers';

/** The real test candidate JazzHR exported, byte for byte as kept in the fixture. */
export const EXPORT_BODY = readFileSync(
  join(__dirname, '../../fixtures/relay/candidate-export.json'),
);

/** Independent of src/webhook on purpose: the test states what a JazzHR signature is. */
export function hmacHex(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Response bodies are checked field by field with toMatchObject/toEqual. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export interface TestRelay {
  relay: RunningRelay;
  clock: FakeClock;
  jazzhr: RecordingServer;
  logs: string[];
  api(
    method: string,
    path: string,
    options?: { key?: string | null; token?: string; json?: unknown; body?: string },
  ): Promise<{ status: number; body: JsonBody }>;
  ingest(
    connectionId: string,
    body: Buffer | string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: JsonBody }>;
  /** Runs the delivery worker until nothing is due at the fake clock's time. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export async function startTestRelay(
  store: Store,
  options: { config?: Partial<RelayConfig>; relay?: RelayOptions; defaultKey?: string } = {},
): Promise<TestRelay> {
  const clock = new FakeClock();
  const jazzhr = await startFakeJazzHR();
  const logs: string[] = [];
  const config: RelayConfig = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    database: { kind: 'sqlite', path: ':unused:' },
    jazzhrApiUrl: jazzhr.url,
    deliveryTimeoutMs: 2_000,
    retryBaseDelayMs: 10_000,
    pollIntervalMs: 50,
    allowedTargetHosts: ['127.0.0.1'],
    ...options.config,
  };
  const relay = await startRelay(config, {
    store,
    clock,
    random: () => 0.5,
    logger: createJsonLogger(
      (line) => logs.push(line),
      () => clock.now(),
    ),
    startWorker: false,
    ...options.relay,
  });
  const defaultKey = options.defaultKey;
  return {
    relay,
    clock,
    jazzhr,
    logs,
    async api(method, path, { key = defaultKey, token, json, body } = {}) {
      const headers: Record<string, string> = {};
      if (key) headers.authorization = `Bearer ${key}`;
      if (token !== undefined) headers['x-relay-access-token'] = token;
      if (json !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${relay.url}${path}`, {
        method,
        headers,
        body: json !== undefined ? JSON.stringify(json) : body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async ingest(connectionId, body, headers) {
      const response = await fetch(`${relay.url}/hooks/jazzhr/${connectionId}`, {
        method: 'POST',
        headers,
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async drain() {
      let total = 0;
      for (;;) {
        const count = await relay.worker.runOnce();
        if (count === 0) return total;
        total += count;
      }
    },
    async close() {
      // The stand-in stops whatever the relay does: a relay that cannot stop then fails its
      // test's hook instead of leaving a listening server that keeps jest from exiting.
      await Promise.all([relay.close(), jazzhr.stop()]);
    },
  };
}

/** The headers JazzHR sends with an export, signed with `secret`. */
export function jazzhrHeaders(
  body: Buffer | string,
  secret: string,
  uuid: string,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'JazzHR',
    'X-JazzHR-Event': 'CANDIDATE-EXPORT',
    'X-JazzHR-Signature': hmacHex(body, secret),
    'X-JazzHR-UUID': uuid,
    'X-JazzHR-Export-Context': 'job_20240412150513_NXHAJRBBMEYWLCQY',
    Link: 'https://app.jazz.co/app/v2/candidate/39011522',
  };
}
