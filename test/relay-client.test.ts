import nock from 'nock';
import zapier, { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import {
  RELAY_ACCESS_TOKEN_ENV,
  RELAY_URL_ENV,
  relayBaseUrl,
  relayClient,
  type RelayClient,
} from '../src/relay-client';
import { API_KEY, errorTexts, failureOf, userMessage } from './support/jazzhr';
import { installNockGuards } from './support/nock-guards';

const RELAY = 'https://relay.example.test';
const ACCESS_TOKEN = 'relay-access-token-Qe81LxZ2';
const CONNECTION = {
  id: 'con_8fK2mQ9xV4sT7wB1nZ6c',
  ingest_url: `${RELAY}/hooks/jazzhr/con_8fK2mQ9xV4sT7wB1nZ6c`,
  secret: 'whsec-connection-secret-1234567890abcdef',
  previous_secret_expires_at: null,
};

const appTester = createAppTester({ version: '1.0.0', platformVersion: zapier.version });

function withRelay<T>(call: (relay: RelayClient) => Promise<T>, apiKey: string = API_KEY) {
  return appTester((z: ZObject, bundle: Bundle) => call(relayClient(z, bundle)), {
    authData: { api_key: apiKey },
  }) as Promise<T>;
}

const savedEnv = { url: process.env[RELAY_URL_ENV], token: process.env[RELAY_ACCESS_TOKEN_ENV] };

installNockGuards();
beforeEach(() => {
  process.env[RELAY_URL_ENV] = `${RELAY}/`;
  delete process.env[RELAY_ACCESS_TOKEN_ENV];
});
afterAll(() => {
  for (const [name, value] of [
    [RELAY_URL_ENV, savedEnv.url],
    [RELAY_ACCESS_TOKEN_ENV, savedEnv.token],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('relayBaseUrl', () => {
  it('reads JAZZHR_RELAY_URL without trailing slashes, and null when unset or blank', () => {
    expect(relayBaseUrl({ [RELAY_URL_ENV]: ' https://r.example/// ' })).toBe('https://r.example');
    expect(relayBaseUrl({ [RELAY_URL_ENV]: '  ' })).toBeNull();
    expect(relayBaseUrl({})).toBeNull();
  });
});

describe('relay configuration', () => {
  it('tells the publisher exactly how to set JAZZHR_RELAY_URL when it is missing, before any request', async () => {
    delete process.env[RELAY_URL_ENV];
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toContain(
      'the publisher must set JAZZHR_RELAY_URL with `zapier-platform env:set <version> JAZZHR_RELAY_URL=https://…`',
    );
  });

  it('rejects a relay URL that is not http(s) without echoing it', async () => {
    process.env[RELAY_URL_ENV] = 'ftp://user:hunter2@relay.example.test';
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(/JAZZHR_RELAY_URL is not an http\(s\) URL/);
    expect(errorTexts(error)).not.toContain('hunter2');
  });

  it('asks for a reconnect when no API key is connected', async () => {
    const error = await failureOf(withRelay((relay) => relay.ensureConnection(), ''));
    expect(error.name).toBe('ExpiredAuthError');
    expect(userMessage(error)).toMatch(/Reconnect your JazzHR account/);
  });
});

describe('requests', () => {
  it('authenticates with the API key as bearer and no access token when none is set', async () => {
    nock(RELAY, { badheaders: ['x-relay-access-token'] })
      .post('/v1/connections')
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .reply(200, CONNECTION);
    await expect(withRelay((relay) => relay.ensureConnection())).resolves.toEqual(CONNECTION);
  });

  it('sends X-Relay-Access-Token when the publisher set one', async () => {
    process.env[RELAY_ACCESS_TOKEN_ENV] = ACCESS_TOKEN;
    nock(RELAY)
      .post('/v1/connections')
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .matchHeader('x-relay-access-token', ACCESS_TOKEN)
      .reply(200, CONNECTION);
    await expect(withRelay((relay) => relay.ensureConnection())).resolves.toMatchObject({
      id: CONNECTION.id,
    });
  });

  it('subscribes a target URL to a connection', async () => {
    const subscription = {
      id: 'sub_Zt4Yq8Wn2Kp6Vr1Lm3Xc',
      connection_id: CONNECTION.id,
      target_url: 'https://hooks.zapier.com/hooks/standard/1/abc/',
      secret: 'delivery-secret-xyz',
    };
    nock(RELAY)
      .post('/v1/subscriptions', {
        connection_id: CONNECTION.id,
        target_url: subscription.target_url,
      })
      .reply(201, subscription);
    await expect(
      withRelay((relay) => relay.subscribe(CONNECTION.id, subscription.target_url)),
    ).resolves.toEqual(subscription);
  });

  it('unsubscribes, treating 404 as already gone', async () => {
    nock(RELAY).delete('/v1/subscriptions/sub_1').reply(204);
    nock(RELAY)
      .delete('/v1/subscriptions/sub_gone')
      .reply(404, { error: { code: 'not_found', message: 'No such subscription.' } });
    await expect(withRelay((relay) => relay.unsubscribe('sub_1'))).resolves.toBe(true);
    await expect(withRelay((relay) => relay.unsubscribe('sub_gone'))).resolves.toBe(false);
  });

  it.each([
    [undefined, 3],
    [0, 3],
    [7, 7],
    [500, 100],
  ])('lists exports with limit %p sent as %p', async (limit, sent) => {
    const stored = {
      uuid: 'u-1',
      event: 'CANDIDATE-EXPORT',
      received_at: '2024-03-01T12:00:00.000Z',
      headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': 'u-1' },
      body: '{"candidate": {}}',
    };
    nock(RELAY)
      .get(`/v1/connections/${CONNECTION.id}/exports`)
      .query({ limit: String(sent) })
      .reply(200, { exports: [stored] });
    await expect(withRelay((relay) => relay.listExports(CONNECTION.id, limit))).resolves.toEqual([
      stored,
    ]);
  });
});

describe('relay errors become clear messages', () => {
  const relayError = (code: string, message: string) => ({ error: { code, message } });

  it('401: the key was rejected, so the connection needs reconnecting', async () => {
    nock(RELAY)
      .post('/v1/connections')
      .reply(401, relayError('invalid_api_key', 'JazzHR rejected this API key.'));
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(error.name).toBe('ExpiredAuthError');
    expect(userMessage(error)).toMatch(
      /Reconnect your JazzHR account.*JazzHR rejected this API key\./,
    );
  });

  it('403: tells the publisher to set the access token', async () => {
    nock(RELAY)
      .post('/v1/connections')
      .reply(403, relayError('forbidden', 'Access token missing.'));
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(
      /must set JAZZHR_RELAY_ACCESS_TOKEN.*Access token missing\./,
    );
  });

  it('404 outside unsubscribe: suggests subscribing afresh', async () => {
    nock(RELAY)
      .get('/v1/connections/con_x/exports')
      .query(true)
      .reply(404, relayError('not_found', 'Unknown connection.'));
    const error = await failureOf(withRelay((relay) => relay.listExports('con_x')));
    expect(userMessage(error)).toMatch(
      /does not know this connection.*Turn the Zap off and on again/,
    );
  });

  it('502: JazzHR could not be reached to check the key', async () => {
    nock(RELAY)
      .post('/v1/connections')
      .reply(502, relayError('jazzhr_unavailable', 'JazzHR did not answer.'));
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(/could not reach JazzHR.*Try again in a few minutes/);
  });

  it('500 with a non-JSON body: says the relay failed, without inventing a reason', async () => {
    nock(RELAY).post('/v1/connections').reply(500, '<html>oops</html>');
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(/relay failed \(HTTP 500\)/);
    expect(userMessage(error)).not.toContain('oops');
  });

  it('400 and 413: passes on the relay’s own explanation', async () => {
    nock(RELAY)
      .post('/v1/subscriptions')
      .reply(
        400,
        relayError('bad_request', 'target_url must be an absolute http:// or https:// URL'),
      );
    const bad = await failureOf(withRelay((relay) => relay.subscribe('con_1', 'ftp://x')));
    expect(userMessage(bad)).toMatch(
      /rejected POST \/v1\/subscriptions \(HTTP 400\)\. The relay said: target_url must be/,
    );
    nock(RELAY).post('/v1/subscriptions').reply(413, '');
    const large = await failureOf(withRelay((relay) => relay.subscribe('con_1', 'https://x')));
    expect(userMessage(large)).toMatch(/\(HTTP 413\)\. It gave no reason\./);
  });

  it('never repeats the API key or access token, even when the relay echoes them', async () => {
    process.env[RELAY_ACCESS_TOKEN_ENV] = ACCESS_TOKEN;
    nock(RELAY)
      .post('/v1/connections')
      .reply(400, relayError('bad_request', `Bad key ${API_KEY} with token ${ACCESS_TOKEN}`));
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toContain('Bad key [hidden] with token [hidden]');
    expect(errorTexts(error)).not.toContain(API_KEY);
    expect(errorTexts(error)).not.toContain(ACCESS_TOKEN);
  });

  it('reports an unreachable relay by host only', async () => {
    nock(RELAY).post('/v1/connections').replyWithError('connect ECONNREFUSED');
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(/Could not reach the JazzHR relay at relay\.example\.test/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('reports an answer it does not understand', async () => {
    nock(RELAY).post('/v1/connections').reply(200, { id: 42 });
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(userMessage(error)).toMatch(/something this app does not understand \(HTTP 200\)/);
  });

  it('429: asks Zapier to retry later', async () => {
    nock(RELAY).post('/v1/connections').reply(429, relayError('busy', 'Slow down.'));
    const error = await failureOf(withRelay((relay) => relay.ensureConnection()));
    expect(error.name).toBe('ThrottledError');
  });
});
