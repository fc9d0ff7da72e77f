/**
 * Channels over HTTP (one ingest URL per JazzHR integration name, each subscription on one
 * channel), the cap on active subscriptions per connection, and normalised target URLs.
 */
import { databaseKinds } from './support/databases';
import {
  EXPORT_BODY,
  exportCount,
  hmacHex,
  jazzhrHeaders,
  relayForEachTest,
} from './support/relay';
import { OTHER_VALID_API_KEY, VALID_API_KEY } from './support/servers';

describe.each(databaseKinds)('relay channels on %s', (_kind, createDatabase) => {
  const setup = relayForEachTest(createDatabase, { defaultKey: VALID_API_KEY });
  const { t, target } = setup;

  function subscribeAs(connectionId: string, targetUrl: string, channel?: unknown) {
    return t.api('POST', '/v1/subscriptions', {
      json: {
        connection_id: connectionId,
        target_url: targetUrl,
        ...(channel === undefined ? {} : { channel }),
      },
    });
  }

  async function subscribe(connectionId: string, path: string, channel?: string) {
    const response = await subscribeAs(connectionId, `${target.url}${path}`, channel);
    expect(response.status).toBe(201);
    return response.body as { id: string; target_url: string; channel: string | null };
  }

  /** POSTs to the connection's ingest URL, with `/{channel}` after it when one is given. */
  async function ingestOn(
    connectionId: string,
    channel: string | undefined,
    body: Buffer | string,
    headers: Record<string, string>,
  ) {
    const suffix = channel === undefined ? '' : `/${channel}`;
    const response = await fetch(`${t.relay.url}/hooks/jazzhr/${connectionId}${suffix}`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  const receivedPaths = () => target.received.map((request) => request.path).sort();

  describe('ingest and delivery per channel', () => {
    it('delivers an export on a channel to that channel’s subscriptions only, and the default’s to the default’s', async () => {
      const { id, secret } = await t.connect();
      const payroll = await subscribe(id, '/hooks/payroll/', 'zapier-payroll');
      await subscribe(id, '/hooks/slack/', 'slack');
      const shared = await subscribe(id, '/hooks/shared/');
      expect(payroll.channel).toBe('zapier-payroll');
      expect(shared.channel).toBeNull();

      const onPayroll = await ingestOn(
        id,
        'zapier-payroll',
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, secret, 'u-payroll'),
      );
      expect(onPayroll).toEqual({
        status: 200,
        body: {
          ok: true,
          event: 'CANDIDATE-EXPORT',
          uuid: 'u-payroll',
          duplicate: false,
          deliveries: 1,
        },
      });
      expect(await t.drain()).toBe(1);
      expect(receivedPaths()).toEqual(['/hooks/payroll/']);
      expect(target.received[0]!.body.equals(EXPORT_BODY)).toBe(true);

      target.received.length = 0;
      const onDefault = await ingestOn(
        id,
        undefined,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, secret, 'u-default'),
      );
      expect(onDefault.body.deliveries).toBe(1);
      expect(await t.drain()).toBe(1);
      expect(receivedPaths()).toEqual(['/hooks/shared/']);

      target.received.length = 0;
      const unheard = await ingestOn(
        id,
        'nobody-listens',
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, secret, 'u-unheard'),
      );
      expect(unheard.body).toMatchObject({ duplicate: false, deliveries: 0 });
      expect(await t.drain()).toBe(0);
      expect(await exportCount(setup.database, id)).toBe(3);
    });

    it('verifies every channel with the connection’s secret, VERIFY included', async () => {
      const { id, secret } = await t.connect();
      const body = '{"data": "JazzHR Verify Event"}';
      const verify = (channel: string, key: string) =>
        ingestOn(id, channel, body, {
          'X-JazzHR-Event': 'VERIFY',
          'X-JazzHR-Signature': hmacHex(body, key),
        });
      for (const channel of ['zapier-payroll', 'a', 'x'.repeat(40)]) {
        expect(await verify(channel, secret)).toEqual({
          status: 200,
          body: { ok: true, event: 'VERIFY' },
        });
        expect((await verify(channel, 'not-the-secret')).status).toBe(401);
      }
      const forged = await ingestOn(
        id,
        'zapier-payroll',
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, 'someone-elses-secret', 'u-forged'),
      );
      expect(forged.status).toBe(401);
      expect(await exportCount(setup.database, id)).toBe(0);
    });

    it('keeps dedupe per connection and X-JazzHR-UUID across channels', async () => {
      const { id, secret } = await t.connect();
      await subscribe(id, '/hooks/b/', 'b');
      const headers = jazzhrHeaders(EXPORT_BODY, secret, 'u-twice');
      expect((await ingestOn(id, 'a', EXPORT_BODY, headers)).body.duplicate).toBe(false);
      expect((await ingestOn(id, 'b', EXPORT_BODY, headers)).body).toMatchObject({
        duplicate: true,
        deliveries: 0,
      });
      expect(await t.drain()).toBe(0);
      expect(await exportCount(setup.database, id)).toBe(1);
    });

    it.each([
      ['upper case', 'Zapier-Payroll'],
      ['a leading dash', '-payroll'],
      ['a trailing dash', 'payroll-'],
      ['41 characters', 'x'.repeat(41)],
      ['an underscore', 'zapier_payroll'],
      ['an encoded slash', 'a%2Fb'],
      ['an accent', 'caf%C3%A9'],
      ['two segments', 'a/b'],
    ])('answers 404 to a channel with %s, and stores nothing', async (_label, channel) => {
      const { id, secret } = await t.connect();
      await subscribe(id, '/hooks/shared/');
      const response = await ingestOn(
        id,
        channel,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, secret, 'u-bad-channel'),
      );
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      expect(await exportCount(setup.database, id)).toBe(0);
      expect(await t.drain()).toBe(0);
    });
  });

  describe('the API', () => {
    it('lists one channel’s exports, the default channel’s without ?channel', async () => {
      const { id, secret } = await t.connect();
      for (const [channel, uuid] of [
        ['a', 'u-a1'],
        [undefined, 'u-d1'],
        ['b', 'u-b1'],
        ['a', 'u-a2'],
      ] as const) {
        t.clock.advance(1_000);
        await ingestOn(id, channel, EXPORT_BODY, jazzhrHeaders(EXPORT_BODY, secret, uuid));
      }
      const listed = async (query: string) => {
        const response = await t.api('GET', `/v1/connections/${id}/exports${query}`);
        expect(response.status).toBe(200);
        return (response.body.exports as Array<{ uuid: string }>).map((item) => item.uuid);
      };
      expect(await listed('?channel=a&limit=10')).toEqual(['u-a2', 'u-a1']);
      expect(await listed('?channel=a&limit=1')).toEqual(['u-a2']);
      expect(await listed('?channel=b')).toEqual(['u-b1']);
      expect(await listed('?limit=10')).toEqual(['u-d1']);

      const bad = await t.api('GET', `/v1/connections/${id}/exports?channel=Not_A_Channel`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^channel must be 1–40 characters/);
    });

    it('keeps ingest_url for the default channel', async () => {
      const connection = await t.connect();
      expect(connection.ingest_url).toMatch(new RegExp(`/hooks/jazzhr/${connection.id}$`));
    });

    it.each([
      ['upper case', 'Payroll'],
      ['an empty name', ''],
      ['a dash at the end', 'payroll-'],
      ['a number', 7],
      ['41 characters', 'x'.repeat(41)],
    ])('refuses to subscribe to a channel with %s, naming the field', async (_label, channel) => {
      const { id } = await t.connect();
      const response = await subscribeAs(id, `${target.url}/hooks/x/`, channel);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('bad_request');
      expect(response.body.error.message).toMatch(/^channel must be 1–40 characters/);
      const rows = await setup.database.query(
        `SELECT COUNT(*) AS n FROM subscriptions WHERE connection_id = '${id}'`,
      );
      expect(Number(rows[0]!.n)).toBe(0);
    });

    it('takes null as the default channel', async () => {
      const { id } = await t.connect();
      const response = await subscribeAs(id, `${target.url}/hooks/x/`, null);
      expect(response.status).toBe(201);
      expect(response.body.channel).toBeNull();
    });
  });

  describe('target URLs', () => {
    it('stores one spelling per target: five spellings of one URL are one subscription and one delivery', async () => {
      const { id, secret } = await t.connect();
      const port = new URL(target.url).port;
      const spellings = [
        `http://127.0.0.1:${port}/hooks/standard/1/abc/`,
        `HTTP://127.0.0.1:${port}/hooks/standard/1/abc/`,
        `http://127.0.0.1:${port}/hooks/standard/1/./abc/`,
        `http://127.0.0.1:${port}/hooks/standard/2/../1/abc/`,
        `http://127.0.0.1:${port}/hooks/%73tandard/1/abc/`.replace('%73', 's'),
      ];
      const answers = [];
      for (const spelling of spellings) {
        const response = await subscribeAs(id, spelling);
        expect(response.status).toBe(201);
        answers.push(response.body as { id: string; target_url: string; secret: string });
      }
      expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
      expect(new Set(answers.map((answer) => answer.secret)).size).toBe(1);
      expect(answers[0]!.target_url).toBe(`http://127.0.0.1:${port}/hooks/standard/1/abc/`);

      const ingested = await ingestOn(
        id,
        undefined,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, secret, 'u-spellings'),
      );
      expect(ingested.body.deliveries).toBe(1);
      expect(await t.drain()).toBe(1);
      expect(target.received).toHaveLength(1);
    });
  });

  describe('active subscriptions per connection', () => {
    beforeEach(async () => {
      await t.restart({
        defaultKey: VALID_API_KEY,
        config: { maxSubscriptionsPerConnection: 3 },
      });
    });

    it('answers 409 past RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION; an existing one subscribes again, and a freed place is taken', async () => {
      const { id } = await t.connect();
      const first = await subscribe(id, '/hooks/1/');
      await subscribe(id, '/hooks/2/', 'a');
      await subscribe(id, '/hooks/3/', 'b');

      const refused = await subscribeAs(id, `${target.url}/hooks/4/`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('subscription_limit');
      expect(refused.body.error.message).toMatch(
        /already has 3 active subscriptions .*RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION/,
      );
      expect((await subscribe(id, '/hooks/1/')).id).toBe(first.id);

      expect((await t.api('DELETE', `/v1/subscriptions/${first.id}`)).status).toBe(204);
      expect((await subscribeAs(id, `${target.url}/hooks/4/`)).status).toBe(201);
      expect((await subscribeAs(id, `${target.url}/hooks/1/`)).status).toBe(409);

      const other = await t.connect(OTHER_VALID_API_KEY);
      const theirs = await t.api('POST', '/v1/subscriptions', {
        key: OTHER_VALID_API_KEY,
        json: { connection_id: other.id, target_url: `${target.url}/hooks/1/` },
      });
      expect(theirs.status).toBe(201);
    });
  });
});
