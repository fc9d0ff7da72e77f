/** Signed Candidate Export deliveries as Zapier hands them to the hook's perform. */
import exportBody from '../../../src/samples/candidate-export.body.json';
import { signBody } from '../../../src/webhook';
import { RELAY_ACCESS_TOKEN_ENV, RELAY_URL_ENV } from '../../../src/relay-client';
import { API_KEY } from '../../support/jazzhr';
import { installNockGuards } from '../../support/nock-guards';

export const SUBSCRIPTION = {
  id: 'sub_Zt4Yq8Wn2Kp6Vr1Lm3Xc',
  connection_id: 'con_8fK2mQ9xV4sT7wB1nZ6c',
  secret: 'delivery-secret-4f1c9a0b7e2d5c8a1f3b6e9d',
};
export const PREVIOUS_SECRET = 'delivery-secret-previous-77aa02c4e1b9';

/** The real capture as JazzHR might lay it out: indented, so not re-serialised JSON. */
export const REAL_BODY = JSON.stringify(exportBody, null, 2);
export const EXPORT_UUID = '0b8d6c1e-5f3a-4d2b-9e7c-1a2b3c4d5e6f';

/** The person-identifying values of the real capture, which must never reach a log line. */
export const CANDIDATE_PII = [
  'Kenny',
  'kenny.jazzhr@jazzhr.com',
  '888-353-0887',
  '685 West 82st St',
];

export interface DeliveryOptions {
  event?: string | null;
  uuid?: string | null;
  signature?: string | null;
  secret?: string;
  exportContext?: string;
  link?: string;
  /** Zapier's own spelling (`Http-X-Jazzhr-…`) unless told otherwise. */
  spelling?: 'zapier' | 'plain';
}

export function deliveryHeaders(body: string | Buffer, options: DeliveryOptions = {}) {
  const name = (plain: string) =>
    options.spelling === 'plain'
      ? plain
      : `Http-${plain
          .split('-')
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
          .join('-')}`;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'JazzHR',
  };
  const event = options.event === undefined ? 'CANDIDATE-EXPORT' : options.event;
  const uuid = options.uuid === undefined ? EXPORT_UUID : options.uuid;
  const signature =
    options.signature === undefined
      ? signBody(body, options.secret ?? SUBSCRIPTION.secret)
      : options.signature;
  if (event !== null) headers[name('X-JazzHR-Event')] = event;
  if (uuid !== null) headers[name('X-JazzHR-UUID')] = uuid;
  if (signature !== null) headers[name('X-JazzHR-Signature')] = signature;
  if (options.exportContext !== undefined)
    headers[name('X-JazzHR-Export-Context')] = options.exportContext;
  if (options.link !== undefined) headers[name('Link')] = options.link;
  return headers;
}

/** The bundle of one delivery: raw body, Zapier-style headers, and the subscription's data. */
export function deliveryBundle(
  body: string,
  options: DeliveryOptions = {},
  subscribeData: { id: string; secret?: string; previous_secret?: string } = SUBSCRIPTION,
) {
  return {
    authData: { api_key: API_KEY },
    subscribeData,
    rawRequest: {
      method: 'POST' as const,
      querystring: '',
      headers: deliveryHeaders(body, options),
      content: body,
    },
    cleanedRequest: safeParse(body),
  };
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

export const RELAY = 'https://relay.example.test';
export const CONNECTION = {
  id: SUBSCRIPTION.connection_id,
  ingest_url: `${RELAY}/hooks/jazzhr/${SUBSCRIPTION.connection_id}`,
  secret: 'jazzhr-secret-key-b7c1e4f09a2d6e8c3f5a1b0d',
  previous_secret_expires_at: null,
};
export const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/1234/abcd/';

/**
 * For a test file that talks to the relay through nock at RELAY: points the app at it, with the
 * given access token or none, requires every interceptor to be used, and returns the lines
 * z.console.log wrote in the current test (it goes through console.log under appTester).
 */
export function useRelayStandIn({ accessToken }: { accessToken?: string } = {}): string[] {
  const logLines: string[] = [];
  let logSpy: jest.SpyInstance | undefined;
  const saved = { url: process.env[RELAY_URL_ENV], token: process.env[RELAY_ACCESS_TOKEN_ENV] };
  installNockGuards();
  beforeEach(() => {
    process.env[RELAY_URL_ENV] = RELAY;
    if (accessToken === undefined) delete process.env[RELAY_ACCESS_TOKEN_ENV];
    else process.env[RELAY_ACCESS_TOKEN_ENV] = accessToken;
    logLines.length = 0;
    logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logLines.push(args.map(String).join(' '));
    });
  });
  afterEach(() => logSpy?.mockRestore());
  afterAll(() => {
    if (saved.url === undefined) delete process.env[RELAY_URL_ENV];
    else process.env[RELAY_URL_ENV] = saved.url;
    if (saved.token === undefined) delete process.env[RELAY_ACCESS_TOKEN_ENV];
    else process.env[RELAY_ACCESS_TOKEN_ENV] = saved.token;
  });
  return logLines;
}
