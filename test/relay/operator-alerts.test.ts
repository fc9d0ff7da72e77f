/**
 * Operator alerts from real relay processes to a local hook standing in for a Zapier Catch Hook.
 */
import { ConfigError, loadConfig } from '../../src/relay/config';
import {
  connectAndSubscribe,
  sendExport,
  sendRefusedExport,
  useRelayProcesses,
} from './support/failed-delivery';
import { hmacHex, type JsonBody } from './support/relay';
import { RecordingServer, type ReceivedRequest } from './support/servers';

const ALERT_SECRET = 'operator-alert-secret-0123456789';
const EVENT_FIELDS = [
  'type',
  'occurred_at',
  'connection_id',
  'subscription_id',
  'delivery_id',
  'export_id',
  'reason',
];

describe('operator alerts', () => {
  let operator: RecordingServer;
  const setup = useRelayProcesses({
    env: () => ({
      RELAY_OPERATOR_WEBHOOK_URL: `${operator.url}/catch`,
      RELAY_OPERATOR_WEBHOOK_SECRET: ALERT_SECRET,
      RELAY_RETRY_BASE_DELAY_MS: '10',
    }),
  });
  const { processes, target } = setup;
  beforeEach(async () => {
    operator = await new RecordingServer().start();
  });
  afterEach(() => operator.stop());

  /** The alert as the operator's hook got it, after checking it is signed and holds ids only. */
  function readAlert(request: ReceivedRequest, secrets: string[]): JsonBody {
    expect(request.method).toBe('POST');
    expect(request.headers['x-relay-signature']).toBe(hmacHex(request.body, ALERT_SECRET));
    const text = request.body.toString();
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const candidateText of ['Kenny', 'kenny.jazzhr@jazzhr.com', '888-353-0887', 'Pittsburgh'])
      expect(text).not.toContain(candidateText);
    const event = JSON.parse(text) as JsonBody;
    expect(EVENT_FIELDS).toEqual(expect.arrayContaining(Object.keys(event)));
    expect(new Date(event.occurred_at).toISOString()).toBe(event.occurred_at);
    return event;
  }

  it('sends subscription.deactivated, signed, when a target answers 410', async () => {
    target.respond = () => 410;
    const relay = await processes.start();
    const { connection, subscription } = await connectAndSubscribe(relay.url, target);
    const uuid = await sendExport(relay.url, connection);
    await operator.waitFor(1);
    const event = readAlert(operator.received[0]!, [connection.secret, subscription.secret]);
    expect(event).toMatchObject({
      type: 'subscription.deactivated',
      connection_id: connection.id,
      subscription_id: subscription.id,
      export_id: uuid,
      reason: expect.stringContaining('410'),
    });
    expect(event.delivery_id).toMatch(/^dlv_/);
  });

  it('sends delivery.failed when a delivery can no longer be sent', async () => {
    const { connection, uuid } = await sendRefusedExport(setup);
    await operator.waitFor(1);
    expect(readAlert(operator.received[0]!, [connection.secret])).toMatchObject({
      type: 'delivery.failed',
      connection_id: connection.id,
      export_id: uuid,
      reason: expect.stringContaining('RELAY_ALLOWED_TARGET_HOSTS'),
    });
    expect(target.received).toHaveLength(0);
  });

  it.each([503, 429])(
    'retries an alert the operator hook answered %i, like a delivery',
    async (status) => {
      target.respond = () => 410;
      let answers = 0;
      operator.respond = () => ((answers += 1) === 1 ? status : 200);
      const relay = await processes.start();
      const { connection } = await connectAndSubscribe(relay.url, target);
      await sendExport(relay.url, connection);
      await operator.waitFor(2);
      expect(operator.received[1]!.body.equals(operator.received[0]!.body)).toBe(true);
      await relay.waitForLog((line) => line.msg === 'operator alert sent' && line.attempts === 2);
    },
  );

  it('waits for the hook’s Retry-After on a 429, and leaves that wait out of the retry window', async () => {
    target.respond = () => 410;
    const answers = [{ status: 429, body: {}, headers: { 'Retry-After': '2' } }, 503, 200];
    operator.respond = () => answers.shift() ?? 200;
    // A window (0.72 s) shorter than the 429's wait: the 503 after it is retried only because
    // the throttled time was added to the window, as a delivery's is.
    const relay = await processes.start({ RELAY_RETRY_WINDOW_HOURS: '0.0002' });
    const { connection } = await connectAndSubscribe(relay.url, target);
    await sendExport(relay.url, connection);
    await operator.waitFor(3);
    const [throttled, unavailable, sent] = operator.received;
    expect(unavailable!.at - throttled!.at).toBeGreaterThanOrEqual(2_000);
    // The 503 gets the ordinary backoff (10 ms base here), not another Retry-After wait.
    expect(sent!.at - unavailable!.at).toBeLessThan(2_000);
    expect(sent!.body.equals(throttled!.body)).toBe(true);
    await relay.waitForLog((line) => line.msg === 'operator alert sent' && line.attempts === 3);
  });

  it('sends deliveries.backlog once when the oldest pending delivery waits too long', async () => {
    target.respond = () => 503;
    const relay = await processes.start({
      RELAY_BACKLOG_ALERT_SECONDS: '1',
      RELAY_RETRY_BASE_DELAY_MS: '10000',
    });
    const { connection } = await connectAndSubscribe(relay.url, target);
    await sendExport(relay.url, connection);
    await operator.waitFor(1);
    const event = readAlert(operator.received[0]!, [connection.secret]);
    expect(event).toMatchObject({ type: 'deliveries.backlog', connection_id: connection.id });
    expect(event.reason).toContain('RELAY_BACKLOG_ALERT_SECONDS');
    // At most one an hour: the next checks (every second here) send nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(operator.received).toHaveLength(1);
  });

  it('refuses an alert URL without a secret to sign with', () => {
    expect(() => loadConfig({ RELAY_OPERATOR_WEBHOOK_URL: 'https://hooks.zapier.com/x' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ RELAY_OPERATOR_WEBHOOK_URL: 'https://hooks.zapier.com/x' })).toThrow(
      /RELAY_OPERATOR_WEBHOOK_SECRET must be set/,
    );
  });
});
