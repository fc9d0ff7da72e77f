import {
  connectionResponse,
  subscriptionResponse,
  type ConnectionResponse,
} from '../../../src/relay/protocol';
import { spawnRelay, type RelayProcess } from './process';
import { EXPORT_BODY, jazzhrHeaders } from './relay';
import { VALID_API_KEY, type RecordingServer } from './servers';

export const AUTH = { authorization: `Bearer ${VALID_API_KEY}` };
/** Any 32 bytes, base64: PostgreSQL relays need an encryption key. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

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

export async function connect(relayUrl: string): Promise<ConnectionResponse> {
  const response = await fetch(`${relayUrl}/v1/connections`, { method: 'POST', headers: AUTH });
  return connectionResponse.parse(await response.json());
}

export async function subscribe(relayUrl: string, connectionId: string, target: RecordingServer) {
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
  await subscribe(relayUrl, connection.id, target);
  return connection;
}

export async function sendExport(
  relayUrl: string,
  connection: Pick<ConnectionResponse, 'id' | 'secret'>,
  uuid: string,
) {
  const response = await fetch(`${relayUrl}/hooks/jazzhr/${connection.id}`, {
    method: 'POST',
    headers: jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
    body: EXPORT_BODY,
  });
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
}

/**
 * A connection whose one delivery has failed for good, and a relay that could now deliver it:
 * subscribed while the target's host was allowed, sent while it was not (the attempt is
 * refused and fails at once), then restarted with it allowed again.
 */
export async function relayWithFailedDelivery(
  processes: RelayProcesses,
  target: RecordingServer,
  env: Record<string, string> = {},
) {
  const first = await processes.start(env);
  const connection = await connectAndSubscribe(first.url, target);
  await processes.stop(first);
  const refusing = await processes.start({
    ...env,
    RELAY_ALLOWED_TARGET_HOSTS: 'hooks.zapier.com',
  });
  await sendExport(refusing.url, connection, 'uuid-to-recover');
  await refusing.waitForLog((line) => line.msg === 'delivery attempt' && line.outcome === 'failed');
  await processes.stop(refusing);
  const relay = await processes.start(env);
  return { relay, connection };
}
