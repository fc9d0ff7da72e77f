/**
 * Every error path of Candidate Exported's operations and hydrators, run through
 * zapier-platform-core (createAppTester) with distinctive secrets: the message Zapier
 * would show in the task history is exactly the app's own text, with no bundle appended
 * and no secret in it.
 */
import nock from 'nock';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import app from '../../../index';
import { findApplicantByEmail } from '../../../src/jazzhr/applicant-lookup';
import { RELAY_URL_ENV, relayClient } from '../../../src/relay-client';
import { normaliseExport } from '../../../src/webhook/normalise';
import { webLinkHost } from '../../../src/web-link';
import { signBody } from '../../../src/webhook';
import { API_KEY, errorTexts, failureOf, jazzhrApi } from '../../support/jazzhr';
import {
  CANDIDATE_PII,
  CONNECTION,
  EXPORT_UUID,
  REAL_BODY,
  RELAY,
  SUBSCRIPTION,
  deliveryHeaders,
  useRelayStandIn,
} from './deliveries';

jest.mock('../../../src/webhook/normalise', () => {
  const actual = jest.requireActual<typeof import('../../../src/webhook/normalise')>(
    '../../../src/webhook/normalise',
  );
  return { ...actual, normaliseExport: jest.fn(actual.normaliseExport) };
});
jest.mock('../../../src/relay-client', () => {
  const actual = jest.requireActual<typeof import('../../../src/relay-client')>(
    '../../../src/relay-client',
  );
  return { ...actual, relayClient: jest.fn(actual.relayClient) };
});
jest.mock('../../../src/jazzhr/applicant-lookup', () => {
  const actual = jest.requireActual<typeof import('../../../src/jazzhr/applicant-lookup')>(
    '../../../src/jazzhr/applicant-lookup',
  );
  return { ...actual, findApplicantByEmail: jest.fn(actual.findApplicantByEmail) };
});
jest.mock('../../../src/web-link', () => {
  const actual =
    jest.requireActual<typeof import('../../../src/web-link')>('../../../src/web-link');
  return { ...actual, webLinkHost: jest.fn(actual.webLinkHost) };
});

const appTester = createAppTester(app);

/** The app's own function at a path such as `triggers.x.operation.perform`, as Zapier calls it. */
type Operation = (z: ZObject, bundle: Bundle) => Promise<unknown>;
function registered(path: string): Operation {
  const found = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], app);
  if (typeof found !== 'function') throw new Error(`${path} is not a function of the app`);
  return found as Operation;
}

const SECRET = 'SUBSCRIPTION-SECRET-Qz7Vw2Rk9Lp4Xn8T';
const PREVIOUS_SECRET = 'PREVIOUS-SECRET-Hc3Jm6Yb1Df5Gs0K';
const ACCESS_TOKEN = 'RELAY-ACCESS-TOKEN-Ue8Wa4Ni2Ot7Bq9Z';
const RESUME_TOKEN = 'RESUME-LINK-TOKEN-Mv5Cx1Ep3Fr6Ty0S';
const RESUME_URL = `https://api.jazz.co/public/document/${RESUME_TOKEN}`;
const SUBSCRIBE_DATA = {
  id: SUBSCRIPTION.id,
  connection_id: SUBSCRIPTION.connection_id,
  secret: SECRET,
  previous_secret: PREVIOUS_SECRET,
};
/** A signed delivery of `body`; its signature is one of the secrets under test. */
function delivery(body: string) {
  return {
    authData: { api_key: API_KEY },
    subscribeData: SUBSCRIBE_DATA,
    rawRequest: {
      method: 'POST' as const,
      querystring: '',
      headers: deliveryHeaders(body, { secret: SECRET }),
      content: body,
    },
  };
}
const NOT_JSON_BODY = `{"candidate": {"first_name": "Kenny", "email": "kenny.jazzhr@jazzhr.com"`;
const SECRETS = [
  SECRET,
  PREVIOUS_SECRET,
  API_KEY,
  ACCESS_TOKEN,
  RESUME_TOKEN,
  signBody(NOT_JSON_BODY, SECRET),
  signBody(REAL_BODY, SECRET),
];

const relayBundle = { authData: { api_key: API_KEY }, subscribeData: SUBSCRIBE_DATA };
const subscribeBundle = {
  authData: { api_key: API_KEY },
  targetUrl: 'https://hooks.zapier.com/hooks/standard/1/abc/',
};
const resumeBundle = {
  authData: { api_key: API_KEY },
  inputData: { url: RESUME_URL, file_name: 'resume.pdf' },
};
const applicantBundle = {
  authData: { api_key: API_KEY },
  inputData: { email: 'kenny.jazzhr@jazzhr.com', first_name: 'Kenny', last_name: 'JazzHR' },
};

const PERFORM = 'triggers.candidate_exported.operation.perform';
const LIST = 'triggers.candidate_exported.operation.performList';
const SUBSCRIBE = 'triggers.candidate_exported.operation.performSubscribe';
const UNSUBSCRIBE = 'triggers.candidate_exported.operation.performUnsubscribe';
const RESUME = 'hydrators.candidateExportResumeFile';
const APPLICANT_ID = 'hydrators.candidateExportApplicantId';

/** A relay error whose own message echoes the secrets its caller holds, as a careless relay might. */
const echoingRelayError = (code: string, secrets = [SECRET, API_KEY, ACCESS_TOKEN]) => ({
  error: { code, message: `echo ${secrets.join(' ')}` },
});
const relayConnection = () => nock(RELAY).post('/v1/connections');
/** A bug's error whose text happens to hold every secret the operation's bundle and environment hold. */
const unexpected = (...secrets: string[]) =>
  new TypeError(`boom near ${[API_KEY, ACCESS_TOKEN, ...secrets].join(' and ')}`);
const UNEXPECTED = /^boom near \[hidden\](?: and \[hidden\])+$/;

interface Case {
  name: string;
  method: string;
  bundle: Record<string, unknown>;
  arrange?: () => void;
  /** The error's class, and its message exactly as core hands it to Zapier. */
  expected: { name: string; message: RegExp; code?: string };
}

/** An AppError's message is JSON of {message, code, status}; nothing may follow it. */
const appError = (code: string, message: RegExp) => ({ name: 'AppError', code, message });

const cases: Case[] = [
  {
    name: 'perform: a signed body that is not JSON halts',
    method: PERFORM,
    bundle: delivery(NOT_JSON_BODY),
    expected: {
      name: 'HaltedError',
      message: /^JazzHR sent a candidate export this integration cannot read: [^\n]+$/,
    },
  },
  {
    name: 'perform: an unexpected error',
    method: PERFORM,
    bundle: delivery(REAL_BODY),
    arrange: () =>
      jest.mocked(normaliseExport).mockImplementationOnce(() => {
        throw unexpected(SECRET, PREVIOUS_SECRET, signBody(REAL_BODY, SECRET));
      }),
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
  {
    name: 'performList: the relay is not configured',
    method: LIST,
    bundle: relayBundle,
    arrange: () => delete process.env[RELAY_URL_ENV],
    expected: appError('relay_not_configured', /^The JazzHR relay is not configured[^\n]+$/),
  },
  {
    name: 'performList: no API key is connected',
    method: LIST,
    bundle: { ...relayBundle, authData: {} },
    expected: { name: 'ExpiredAuthError', message: /^No JazzHR API key is connected\.[^\n]+$/ },
  },
  {
    name: 'performList: the relay cannot be reached',
    method: LIST,
    bundle: relayBundle,
    arrange: () => relayConnection().replyWithError(`connect ECONNREFUSED ${SECRET}`),
    expected: appError('relay_unreachable', /^Could not reach the JazzHR relay at [^\n]+$/),
  },
  {
    name: 'performList: the relay rejects the API key',
    method: LIST,
    bundle: relayBundle,
    arrange: () => relayConnection().reply(401, echoingRelayError('invalid_api_key')),
    expected: {
      name: 'ExpiredAuthError',
      message:
        /^JazzHR did not accept the connected API key[^\n]+echo \[hidden\] \[hidden\] \[hidden\]$/,
    },
  },
  {
    name: 'performList: the relay refuses the access token',
    method: LIST,
    bundle: relayBundle,
    arrange: () => relayConnection().reply(403, echoingRelayError('forbidden')),
    expected: appError('relay_forbidden', /^The JazzHR relay refused[^\n]+\[hidden\]$/),
  },
  {
    name: 'performList: the relay is busy',
    method: LIST,
    bundle: relayBundle,
    arrange: () => relayConnection().reply(429, echoingRelayError('bad_request')),
    // core turns a 429 into its own ThrottledError before the app sees the answer.
    expected: { name: 'ThrottledError', message: /^\{"message":"[^\n]+"delay":[^\n]+$/ },
  },
  {
    name: 'performList: the relay fails',
    method: LIST,
    bundle: relayBundle,
    arrange: () => relayConnection().reply(500, echoingRelayError('internal_error')),
    expected: appError('relay_error', /^The JazzHR relay failed \(HTTP 500\)[^\n]+$/),
  },
  {
    name: 'performList: the relay answers in an unknown shape',
    method: LIST,
    bundle: relayBundle,
    arrange: () => {
      relayConnection().reply(200, CONNECTION);
      nock(RELAY)
        .get(`/v1/connections/${CONNECTION.id}/exports`)
        .query(true)
        .reply(200, { stored: [SECRET] });
    },
    expected: appError('relay_invalid_response', /^The JazzHR relay answered GET [^\n]+$/),
  },
  {
    name: 'performList: an unexpected error while reading a stored export',
    method: LIST,
    bundle: relayBundle,
    arrange: () => {
      relayConnection().reply(200, CONNECTION);
      nock(RELAY)
        .get(`/v1/connections/${CONNECTION.id}/exports`)
        .query(true)
        .reply(200, {
          exports: [
            {
              uuid: EXPORT_UUID,
              event: 'CANDIDATE-EXPORT',
              received_at: '2024-03-01T12:00:00.000Z',
              headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': EXPORT_UUID },
              body: REAL_BODY,
            },
          ],
        });
      jest.mocked(normaliseExport).mockImplementationOnce(() => {
        throw unexpected(SECRET, PREVIOUS_SECRET);
      });
    },
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
  {
    name: 'performSubscribe: Zapier gave no target URL',
    method: SUBSCRIBE,
    bundle: { authData: { api_key: API_KEY } },
    expected: appError('missing_target_url', /^Zapier did not provide a URL[^\n]+$/),
  },
  {
    name: 'performSubscribe: the relay rejects the subscription, echoing secrets',
    method: SUBSCRIBE,
    bundle: subscribeBundle,
    arrange: () => {
      relayConnection().reply(200, CONNECTION);
      nock(RELAY)
        .post('/v1/subscriptions')
        .reply(400, echoingRelayError('bad_request', [API_KEY, ACCESS_TOKEN]));
    },
    expected: appError(
      'relay_bad_request',
      /^The JazzHR relay rejected POST \/v1\/subscriptions \(HTTP 400\)\. The relay said: echo \[hidden\] \[hidden\]$/,
    ),
  },
  {
    name: 'performSubscribe: an unexpected error',
    method: SUBSCRIBE,
    bundle: subscribeBundle,
    arrange: () =>
      jest.mocked(relayClient).mockImplementationOnce(() => {
        throw unexpected();
      }),
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
  {
    name: 'performUnsubscribe: the relay fails',
    method: UNSUBSCRIBE,
    bundle: relayBundle,
    arrange: () =>
      nock(RELAY)
        .delete(`/v1/subscriptions/${SUBSCRIBE_DATA.id}`)
        .reply(502, echoingRelayError('jazzhr_unavailable')),
    expected: appError('jazzhr_unavailable', /^The JazzHR relay could not reach JazzHR[^\n]+$/),
  },
  {
    name: 'performUnsubscribe: an unexpected error',
    method: UNSUBSCRIBE,
    bundle: relayBundle,
    arrange: () =>
      jest.mocked(relayClient).mockImplementationOnce(() => {
        throw unexpected(SECRET, PREVIOUS_SECRET);
      }),
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
  {
    name: 'résumé: the pointer has no link',
    method: RESUME,
    bundle: { ...resumeBundle, inputData: {} },
    expected: appError('invalid_input', /^Resume File: this export has no résumé link[^\n]+$/),
  },
  {
    name: 'résumé: the link has expired',
    method: RESUME,
    bundle: resumeBundle,
    arrange: () => nock('https://api.jazz.co').get(/.*/).reply(410),
    expected: appError(
      'resume_link_expired',
      /^Resume File: JazzHR's résumé link has expired[^\n]+$/,
    ),
  },
  {
    name: 'résumé: the host cannot be reached',
    method: RESUME,
    bundle: resumeBundle,
    arrange: () =>
      nock('https://api.jazz.co').get(/.*/).replyWithError(`connect ECONNREFUSED ${RESUME_URL}`),
    expected: appError('resume_unreachable', /^Resume File: could not download[^\n]+$/),
  },
  {
    name: 'résumé: an unexpected error',
    method: RESUME,
    bundle: resumeBundle,
    arrange: () =>
      jest.mocked(webLinkHost).mockImplementationOnce(() => {
        throw unexpected(RESUME_URL);
      }),
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
  {
    name: 'applicant ID: the pointer has no email',
    method: APPLICANT_ID,
    bundle: { ...applicantBundle, inputData: {} },
    expected: appError('invalid_input', /^Applicant ID: this export has no email address[^\n]+$/),
  },
  {
    name: 'applicant ID: JazzHR rejects the API key',
    method: APPLICANT_ID,
    bundle: applicantBundle,
    arrange: () =>
      jazzhrApi()
        .get(/^\/v1\/applicants/)
        .query(true)
        .reply(401, 'Unauthorized'),
    expected: { name: 'ExpiredAuthError', message: /^JazzHR rejected the API key[^\n]+$/ },
  },
  {
    name: 'applicant ID: no applicant has the email',
    method: APPLICANT_ID,
    bundle: applicantBundle,
    arrange: () =>
      jazzhrApi()
        .get(/^\/v1\/applicants/)
        .query(true)
        .reply(200, []),
    expected: appError('applicant_not_found', /^Applicant ID: no JazzHR applicant[^\n]+$/),
  },
  {
    name: 'applicant ID: an unexpected error',
    method: APPLICANT_ID,
    bundle: applicantBundle,
    arrange: () => jest.mocked(findApplicantByEmail).mockRejectedValueOnce(unexpected()),
    expected: { name: 'TypeError', message: UNEXPECTED },
  },
];

useRelayStandIn({ accessToken: ACCESS_TOKEN });

describe('Candidate Exported’s errors, as zapier-platform-core delivers them', () => {
  it.each(cases)('$name', async ({ method, bundle, arrange, expected }) => {
    arrange?.();
    const error = await failureOf(appTester(registered(method), bundle as unknown as Bundle));

    expect(error.name).toBe(expected.name);
    const texts = errorTexts(error);
    expect(texts).not.toMatch(/What happened|Executing |with bundle/);
    for (const secret of SECRETS) expect(texts).not.toContain(secret);
    for (const value of CANDIDATE_PII) expect(error.message).not.toContain(value);

    if (expected.name === 'AppError') {
      const parsed = JSON.parse(error.message) as Record<string, unknown>;
      expect(Object.keys(parsed).sort()).toEqual(['code', 'message', 'status']);
      expect(parsed.code).toBe(expected.code);
      expect(parsed.message).toMatch(expected.message);
    } else {
      expect(error.message).toMatch(expected.message);
    }
  });

  it('covers every operation and hydrator of the trigger', () => {
    const covered = new Set(cases.map((c) => c.method));
    expect([...covered].sort()).toEqual(
      [APPLICANT_ID, LIST, PERFORM, RESUME, SUBSCRIBE, UNSUBSCRIBE].sort(),
    );
  });
});
