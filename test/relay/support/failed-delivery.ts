import { randomUUID } from 'node:crypto';

import {
  connectionResponse,
  subscriptionResponse,
  type ConnectionResponse,
} from '../../../src/relay/protocol';
import { createSqliteDatabase, type TestDatabase } from './databases';
import { assertBuilt, spawnRelay, type RelayProcess } from './process';
import { EXPORT_BODY, jazzhrHeaders } from './relay';
import { RecordingServer, VALID_API_KEY, startFakeJazzHR } from './servers';

export const AUTH = { authorization: `Bearer ${VALID_API_KEY}` };
/** Any 32 bytes, base64: PostgreSQL relays need an encryption key. */
const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Relay processes on one database, each started with its own environment on top of the shared
 * one, and all killed by stopAll().
 */
export class RelayProcesses {
  private readonly running: RelayProcess[] = [];

  constructor(private readonly env: () => Record<string, string>) {}

  async start(env: Record<string, string> = {}): Promise<RelayProcess> {
    const relay = await spawnRelay({
      RELAY_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ...this.env(),
      ...env,
    });
    this.running.push(relay);
    return relay;
  }

  async stop(relay: RelayProcess): Promise<void> {
    relay.child.kill('SIGTERM');
    await relay.exited;
  }

  async stopAll(): Promise<void> {
    for (const relay of this.running.splice(0)) {
      if (relay.child.exitCode === null && relay.child.signalCode === null)
        relay.child.kill('SIGKILL');
      await relay.exited;
    }
  }
}

/** What useRelayProcesses sets up; both stay the same objects all through the file. */
export interface RelayProcessSetup {
  processes: RelayProcesses;
  /** Where subscriptions deliver: emptied, and answering 200, with each new database. */
  target: RecordingServer;
}

export interface RelayProcessOptions {
  /** Added to every process's environment, read as each one starts. */
  env?: () => Record<string, string>;
  /** Makes the database the processes share (SQLite unless told). */
  database?: () => Promise<TestDatabase>;
  /** How long one database lasts: a test (the default) or the whole file. */
  each?: 'test' | 'file';
}

/**
 * The hooks of a file that tests relay processes: a stand-in JazzHR and a delivery target for the
 * whole file, and a new database for each test (or for the file), dropped once the processes
 * started on it are killed. Every process is told JAZZHR_API_URL, DATABASE_URL and that the
 * target's host, 127.0.0.1, is allowed.
 */
export function useRelayProcesses({
  env = () => ({}),
  database: createDatabase = createSqliteDatabase,
  each = 'test',
}: RelayProcessOptions = {}): RelayProcessSetup {
  let jazzhr: RecordingServer;
  let database: TestDatabase;
  const target = new RecordingServer();
  const processes = new RelayProcesses(() => ({
    DATABASE_URL: database.url,
    JAZZHR_API_URL: jazzhr.url,
    RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
    ...env(),
  }));
  const [before, after] = each === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  // Declared before the servers' hooks, so that with each: 'file' the processes are killed
  // before the servers they talk to stop.
  before(async () => {
    database = await createDatabase();
    target.received.length = 0;
    target.respond = () => 200;
  });
  after(async () => {
    await processes.stopAll();
    await database.drop();
  });
  beforeAll(async () => {
    assertBuilt();
    jazzhr = await startFakeJazzHR();
    await target.start();
  });
  afterAll(() => Promise.all([jazzhr.stop(), target.stop()]));
  return { processes, target };
}

export async function connect(
  relayUrl: string,
  apiKey = VALID_API_KEY,
): Promise<ConnectionResponse> {
  const response = await fetch(`${relayUrl}/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  return connectionResponse.parse(await response.json());
}

async function subscribe(relayUrl: string, connectionId: string, target: RecordingServer) {
  const response = await fetch(`${relayUrl}/v1/subscriptions`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ connection_id: connectionId, target_url: `${target.url}/hook` }),
  });
  if (response.status !== 201) throw new Error(`subscribe answered ${response.status}`);
  return subscriptionResponse.parse(await response.json());
}

export async function connectAndSubscribe(relayUrl: string, target: RecordingServer) {
  const connection = await connect(relayUrl);
  return { connection, subscription: await subscribe(relayUrl, connection.id, target) };
}

/** Sends an export (the fixture's unless told), signed for `connection`, and returns its UUID. */
export async function sendExport(
  relayUrl: string,
  connection: Pick<ConnectionResponse, 'id' | 'secret'>,
  uuid = `uuid-${randomUUID()}`,
  body: Buffer = EXPORT_BODY,
): Promise<string> {
  const response = await fetch(`${relayUrl}/hooks/jazzhr/${connection.id}`, {
    method: 'POST',
    headers: jazzhrHeaders(body, connection.secret, uuid),
    body,
  });
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
  return uuid;
}

/**
 * Subscribes while the target's host is allowed, then sends an export to a relay restarted with
 * an allow-list the target is no longer on: that relay refuses the attempt, and the delivery
 * fails at once.
 */
export async function sendRefusedExport({ processes, target }: RelayProcessSetup, uuid?: string) {
  const first = await processes.start();
  const { connection } = await connectAndSubscribe(first.url, target);
  await processes.stop(first);
  const refusing = await processes.start({ RELAY_ALLOWED_TARGET_HOSTS: 'hooks.zapier.com' });
  return { refusing, connection, uuid: await sendExport(refusing.url, connection, uuid) };
}

/**
 * A connection whose one delivery, of the export 'uuid-to-recover', has failed for good, and a
 * relay that could now deliver it (sendRefusedExport, then restarted with the target allowed).
 */
export async function relayWithFailedDelivery(setup: RelayProcessSetup) {
  const { refusing, connection } = await sendRefusedExport(setup, 'uuid-to-recover');
  await refusing.waitForLog((line) => line.msg === 'delivery attempt' && line.outcome === 'failed');
  await setup.processes.stop(refusing);
  const relay = await setup.processes.start();
  return { relay, connection };
}
