import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadConfig, type RelayConfig } from '../../../src/relay/config';
import { createJsonLogger } from '../../../src/relay/logger';
import { startRelay, type RelayOptions, type RunningRelay } from '../../../src/relay/relay';
import type { ConnectionResponse } from '../../../src/relay/protocol';
import type { Store } from '../../../src/relay/store/types';
import { FakeClock } from './clock';
import type { TestDatabase } from './databases';
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

export interface TestRelayOptions {
  config?: Partial<RelayConfig>;
  relay?: RelayOptions;
  /** The API key api() sends unless told another (or null for none). */
  defaultKey?: string;
}

type Answer = { status: number; body: JsonBody };

/**
 * A relay in this process with a stand-in JazzHR and a fake clock; unless options.relay says
 * otherwise, its delivery worker runs only when drained. Closed, it can be started again, so a
 * test can change the options the file started it with.
 */
export class TestRelay {
  relay!: RunningRelay;
  clock!: FakeClock;
  jazzhr!: RecordingServer;
  logs: string[] = [];
  private store!: Store;
  private defaultKey: string | undefined;

  async start(store: Store, options: TestRelayOptions = {}): Promise<this> {
    const clock = new FakeClock();
    const logs: string[] = [];
    const jazzhr = await startFakeJazzHR();
    this.relay = await startRelay(testConfig(jazzhr.url, options.config), {
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
    this.store = store;
    this.defaultKey = options.defaultKey;
    this.clock = clock;
    this.jazzhr = jazzhr;
    this.logs = logs;
    return this;
  }

  /** Closes this relay and starts another with `options`, on the same store unless given one. */
  async restart(options: TestRelayOptions, store = this.store): Promise<void> {
    await this.close();
    await this.start(store, options);
  }

  async api(
    method: string,
    path: string,
    options: { key?: string | null; token?: string; json?: unknown; body?: string } = {},
  ): Promise<Answer> {
    const { key = this.defaultKey, token, json, body } = options;
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (token !== undefined) headers['x-relay-access-token'] = token;
    if (json !== undefined) headers['content-type'] = 'application/json';
    return answerOf(
      await fetch(`${this.relay.url}${path}`, {
        method,
        headers,
        body: json !== undefined ? JSON.stringify(json) : body,
      }),
    );
  }

  /** A new connection for `key` (the default key unless given), which must be granted. */
  async connect(key?: string): Promise<ConnectionResponse> {
    const response = await this.api('POST', '/v1/connections', { key });
    expect(response.status).toBe(200);
    return response.body as ConnectionResponse;
  }

  async ingest(
    connectionId: string,
    body: Buffer | string,
    headers: Record<string, string>,
  ): Promise<Answer> {
    return answerOf(
      await fetch(`${this.relay.url}/hooks/jazzhr/${connectionId}`, {
        method: 'POST',
        headers,
        body,
      }),
    );
  }

  /** Runs the delivery worker until nothing is due at the fake clock's time. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.relay.worker.runOnce();
      if (count === 0) return total;
      total += count;
    }
  }

  async close(): Promise<void> {
    // The stand-in stops whatever the relay does: a relay that cannot stop then fails its
    // test's hook instead of leaving a listening server that keeps jest from exiting.
    await Promise.all([this.relay.close(), this.jazzhr.stop()]);
  }
}

function testConfig(jazzhrApiUrl: string, overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    database: { kind: 'sqlite', path: ':unused:' },
    jazzhrApiUrl,
    deliveryTimeoutMs: 2_000,
    retryBaseDelayMs: 10_000,
    pollIntervalMs: 50,
    allowedTargetHosts: ['127.0.0.1'],
    ...overrides,
  };
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function startTestRelay(store: Store, options: TestRelayOptions = {}): Promise<TestRelay> {
  return new TestRelay().start(store, options);
}

/** What relayForEachTest sets up. `t` and `target` stay the same objects all through the file. */
export interface RelayForEachTest {
  t: TestRelay;
  /** Where subscriptions deliver: emptied, and answering 200, before each test. */
  target: RecordingServer;
  /** The file's database and the store on it, from beforeAll on; emptied before each test. */
  database: TestDatabase;
  store: Store;
}

/**
 * The hooks of a file that tests one relay at a time: a database and a delivery target for the
 * whole file, and before each test an emptied database and a relay started with `options`
 * (closed after it).
 */
export function relayForEachTest(
  createDatabase: () => Promise<TestDatabase>,
  options: TestRelayOptions = {},
): RelayForEachTest {
  const setup = { t: new TestRelay(), target: new RecordingServer() } as RelayForEachTest;
  beforeAll(async () => {
    setup.database = await createDatabase();
    setup.store = await setup.database.openStore();
    await setup.target.start();
  });
  afterAll(async () => {
    await setup.target.stop();
    await setup.database.drop();
  });
  beforeEach(async () => {
    await setup.database.reset();
    setup.target.received.length = 0;
    setup.target.respond = () => 200;
    await setup.t.start(setup.store, options);
  });
  afterEach(() => setup.t.close());
  return setup;
}

/** How many exports the database holds for a connection, read directly from its table. */
export async function exportCount(database: TestDatabase, connectionId: string): Promise<number> {
  const rows = await database.query(
    `SELECT COUNT(*) AS n FROM exports WHERE connection_id = '${connectionId}'`,
  );
  return Number(rows[0]!.n);
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
