import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';

import app from '../../index';
import { RELAY_URL_ENV } from '../../src/relay-client';
import candidateExported from '../../src/triggers/candidate_exported';
import {
  CANDIDATE_EXPORTED_SAMPLE,
  candidateExportedOutputFields,
} from '../../src/triggers/candidate_exported/output';
import {
  integrationNameField,
  statusFilterFields,
} from '../../src/triggers/candidate_exported/routing';
import {
  candidateExportedItemSchema,
  processCandidateExportHook,
  type CandidateExportedItem,
} from '../../src/triggers/candidate_exported/steps';
import {
  listRecentExports,
  setupInstructionsField,
  subscribeToExports,
  unsubscribeFromExports,
} from '../../src/triggers/candidate_exported/subscription';
import { signBody } from '../../src/webhook';
import officialTemplate from '../fixtures/candidate-export.official-template.json';
import { API_KEY, errorTexts, failureOf, userMessage } from '../support/jazzhr';
import {
  CANDIDATE_PII,
  CONNECTION,
  deliveryBundle,
  EXPORT_UUID,
  PREVIOUS_SECRET,
  REAL_BODY,
  RELAY,
  SUBSCRIPTION,
  TARGET_URL,
  useRelayStandIn,
} from './candidate_exported/deliveries';

const appTester = createAppTester(app);

async function perform(bundle: ReturnType<typeof deliveryBundle>) {
  return (await appTester(processCandidateExportHook, bundle)) as CandidateExportedItem[];
}

const logLines = useRelayStandIn();

/** What a dehydrated pointer asks Zapier to run later. */
function pointer(value: string | null): { method: string; bundle: Record<string, unknown> } {
  const match = /^hydrate\|\|\|(.*)\|\|\|hydrate$/s.exec(value ?? '');
  if (!match) throw new Error(`not a hydration pointer: ${value}`);
  return JSON.parse(match[1]!) as { method: string; bundle: Record<string, unknown> };
}

describe('the trigger definition', () => {
  it('is an instant hook that subscribes through the relay', () => {
    expect(candidateExported.key).toBe('candidate_exported');
    expect(candidateExported.display.label).toMatch(/\(Instant\)$/);
    expect(candidateExported.operation).toMatchObject({
      type: 'hook',
      perform: expect.any(Function),
      performList: expect.any(Function),
      performSubscribe: expect.any(Function),
      performUnsubscribe: expect.any(Function),
      inputFields: [integrationNameField, setupInstructionsField, ...statusFilterFields],
    });
    expect(app.triggers?.candidate_exported).toBe(candidateExported);
  });

  it('labels every output field, and the labelled fields are exactly the item’s', () => {
    const itemKeys = Object.keys(candidateExportedItemSchema.shape).filter(
      (key) => key !== 'attachments',
    );
    const attachmentKeys = ['id', 'file_name', 'url', 'expires_at'].map(
      (key) => `attachments[]${key}`,
    );
    expect(candidateExportedOutputFields.map((field) => field.key).sort()).toEqual(
      [...itemKeys, ...attachmentKeys].sort(),
    );
    for (const field of candidateExportedOutputFields) expect(field.label).toBeTruthy();
  });

  it('has a sample in exactly the item’s shape, built from the real capture', () => {
    expect(candidateExportedItemSchema.strict().parse(CANDIDATE_EXPORTED_SAMPLE)).toEqual(
      CANDIDATE_EXPORTED_SAMPLE,
    );
    expect(CANDIDATE_EXPORTED_SAMPLE).toMatchObject({
      full_name: 'Kenny JazzHR',
      job_title: 'Sample Job',
      applicant_id: expect.stringMatching(/^prospect_\d{14}_[A-Z0-9]+$/),
    });
  });
});

describe('perform', () => {
  it('turns a signed delivery of the real capture into one item, Zapier header spelling', async () => {
    const results = await perform(
      deliveryBundle(REAL_BODY, { link: 'https://app.jazz.co/app/v2/candidate/39011522' }),
    );
    expect(results).toHaveLength(1);
    const [item] = results;
    expect(candidateExportedItemSchema.strict().parse(item)).toEqual(item);
    expect(item).toMatchObject({
      id: EXPORT_UUID,
      candidate_id: '39011522',
      email: 'kenny.jazzhr@jazzhr.com',
      job_id: '934951',
      status_changed_at: '2018-09-17T17:18:30.000Z',
      resume_file_name: 'ResumeTest.docx',
      profile_url: 'https://app.jazz.co/app/v2/candidate/39011522',
    });
    expect(Object.keys(item!).sort()).toEqual(Object.keys(CANDIDATE_EXPORTED_SAMPLE).sort());
  });

  it('defers the applicant lookup and the résumé download to pointers that carry no API key', async () => {
    const [item] = await perform(deliveryBundle(REAL_BODY));
    expect(pointer(item!.applicant_id)).toEqual({
      type: 'method',
      method: 'hydrators.candidateExportApplicantId',
      bundle: { email: 'kenny.jazzhr@jazzhr.com', first_name: 'Kenny', last_name: 'JazzHR' },
    });
    expect(pointer(item!.resume_file)).toEqual({
      type: 'file',
      method: 'hydrators.candidateExportResumeFile',
      bundle: { url: item!.resume_url, file_name: 'ResumeTest.docx' },
    });
    expect(JSON.stringify(item)).not.toContain(API_KEY);
  });

  it('reads the official template', async () => {
    const body = JSON.stringify(officialTemplate);
    const [item] = await perform(deliveryBundle(body));
    expect(item).toMatchObject({
      first_name: 'string',
      citizenship: 'string',
      job_title: 'string',
    });
  });

  it('accepts the plain header spelling and an upper-case signature', async () => {
    const signature = signBody(REAL_BODY, SUBSCRIPTION.secret).toUpperCase();
    expect(await perform(deliveryBundle(REAL_BODY, { spelling: 'plain', signature }))).toHaveLength(
      1,
    );
  });

  it('verifies unusual whitespace and non-ASCII names over the raw bytes', async () => {
    const body =
      '{\r\n\t"candidate" : {"person": {"name": {"given": "Zoë", "family": "Ōkubo-Søren 李", "formattedName": null},' +
      ' "communication": {"email": {"address": "zoe@example.com"}}}}}  \n';
    const [item] = await perform(deliveryBundle(body));
    expect(item).toMatchObject({
      first_name: 'Zoë',
      last_name: 'Ōkubo-Søren 李',
      full_name: 'Zoë Ōkubo-Søren 李',
    });
  });

  it('runs a delivery signed with the previous secret during rotation', async () => {
    const bundle = deliveryBundle(
      REAL_BODY,
      { secret: PREVIOUS_SECRET },
      {
        ...SUBSCRIPTION,
        previous_secret: PREVIOUS_SECRET,
      },
    );
    expect(await perform(bundle)).toHaveLength(1);
  });

  it('matches the export context to the job', async () => {
    const [item] = await perform(deliveryBundle(REAL_BODY, { exportContext: '934951' }));
    expect(item).toMatchObject({ export_context: '934951', job_id: '934951' });
  });

  const tampered = REAL_BODY.replace('Pittsburgh', 'Pittsburgk');
  it.each([
    ['a VERIFY event', '{"data": "JazzHR Verify Event"}', { event: 'VERIFY' }, /VERIFY event/],
    ['an unknown event', REAL_BODY, { event: 'CANDIDATE-DELETE' }, /event is CANDIDATE-DELETE/],
    ['no event header', REAL_BODY, { event: null }, /no X-JazzHR-Event header/],
    ['a missing signature', REAL_BODY, { signature: null }, /missing_signature/],
    ['a malformed signature', REAL_BODY, { signature: 'sha256=abc' }, /malformed_signature/],
    ['a wrong secret', REAL_BODY, { secret: 'someone-elses-secret-0000' }, /\(mismatch\)/],
    [
      'a tampered byte',
      tampered,
      { signature: signBody(REAL_BODY, SUBSCRIPTION.secret) },
      /\(mismatch\)/,
    ],
  ] as const)(
    'returns no item for %s and logs why, without secrets or PII',
    async (_label, body, options, reason) => {
      expect(await perform(deliveryBundle(body, options))).toEqual([]);
      const log = logLines.join('\n');
      expect(log).toMatch(reason);
      expect(log).not.toContain(SUBSCRIPTION.secret);
      expect(log).not.toContain(signBody(body, SUBSCRIPTION.secret));
      for (const value of CANDIDATE_PII) expect(log).not.toContain(value);
    },
  );

  it('rejects a signature made with a secret that is neither current nor previous', async () => {
    const bundle = deliveryBundle(
      REAL_BODY,
      { secret: 'unknown-secret-1234567890' },
      {
        ...SUBSCRIPTION,
        previous_secret: PREVIOUS_SECRET,
      },
    );
    expect(await perform(bundle)).toEqual([]);
  });

  it('halts, saying what is wrong, on a signed body that is not a candidate export', async () => {
    const error = await failureOf(perform(deliveryBundle('{"candidate": "nobody"}')));
    expect(error.name).toBe('HaltedError');
    expect(error.message).toMatch(
      /cannot read: A Candidate Export body must have a "candidate" object/,
    );
  });
});

describe('performList', () => {
  const stored = (uuid: string, body: string, extra: Record<string, string> = {}) => ({
    uuid,
    event: extra['x-jazzhr-event'] ?? 'CANDIDATE-EXPORT',
    received_at: '2024-03-01T12:00:00.000Z',
    headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': uuid, ...extra },
    body,
  });
  const relayWith = (exports: unknown[], limit = 3) => {
    nock(RELAY)
      .post('/v1/connections')
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .reply(200, CONNECTION);
    nock(RELAY)
      .get(`/v1/connections/${CONNECTION.id}/exports`)
      .query({ limit: String(limit) })
      .reply(200, { exports });
  };
  const list = (meta: Record<string, unknown> = {}) =>
    appTester(listRecentExports, { authData: { api_key: API_KEY }, meta }) as Promise<
      CandidateExportedItem[]
    >;

  it('returns stored exports in exactly perform’s shape, through the same normaliser', async () => {
    relayWith([stored(EXPORT_UUID, REAL_BODY, { link: 'https://app.jazz.co/c/9' })]);
    const [listed] = await list();
    const [performed] = await perform(
      deliveryBundle(REAL_BODY, { link: 'https://app.jazz.co/c/9' }),
    );
    const { received_at: listedAt, ...rest } = listed!;
    const listedRest = { ...rest, received_at: undefined };
    expect(listedRest).toEqual({ ...performed!, received_at: undefined });
    expect(listedAt).toBe('2024-03-01T12:00:00.000Z');
  });

  it('dates attachment links as a delivery that says when the relay received the export', async () => {
    const body = JSON.stringify(officialTemplate);
    relayWith([stored(EXPORT_UUID, body)]);
    const [listed] = await list();
    const delivery = deliveryBundle(body);
    const [performed] = await perform({
      ...delivery,
      rawRequest: {
        ...delivery.rawRequest,
        headers: {
          ...delivery.rawRequest.headers,
          'Http-X-Relay-Received-At': listed!.received_at,
        },
      },
    });
    expect(performed).toEqual(listed);
    expect(listed!.attachments[0]!.expires_at).toBe('2024-03-01T14:30:00.000Z');

    // From a relay that does not say, the run's own time.
    const before = Date.now();
    const [undated] = await perform(delivery);
    expect(Date.parse(undated!.received_at)).toBeGreaterThanOrEqual(before);
  });

  it('passes Zapier’s limit on, and skips stored events that are not readable exports', async () => {
    relayWith(
      [
        stored('u-verify', '{"data": "JazzHR Verify Event"}', { 'x-jazzhr-event': 'VERIFY' }),
        stored('u-broken', '{"candidate": 7}'),
        stored('u-good', REAL_BODY),
      ],
      10,
    );
    const items = await list({ limit: 10 });
    expect(items.map((item) => item.id)).toEqual(['u-good']);
    expect(logLines.join('\n')).toMatch(/skipped stored export u-broken/);
  });

  it('falls back to the sample when nothing has been exported yet', async () => {
    relayWith([]);
    expect(await list()).toEqual([CANDIDATE_EXPORTED_SAMPLE]);
  });

  it('says plainly that the relay is not configured', async () => {
    delete process.env[RELAY_URL_ENV];
    const error = await failureOf(list());
    expect(userMessage(error)).toMatch(
      /must set JAZZHR_RELAY_URL with `zapier-platform env:set <version> JAZZHR_RELAY_URL=https:\/\/…`/,
    );
  });
});

describe('performSubscribe and performUnsubscribe', () => {
  it('ensures the connection, subscribes the Zap’s URL and returns what perform needs', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    nock(RELAY)
      .post('/v1/subscriptions', { connection_id: CONNECTION.id, target_url: TARGET_URL })
      .reply(201, { ...SUBSCRIPTION, target_url: TARGET_URL });
    const subscribeData = await appTester(subscribeToExports, {
      authData: { api_key: API_KEY },
      targetUrl: TARGET_URL,
    });
    expect(subscribeData).toEqual(SUBSCRIPTION);
  });

  it('refuses to subscribe without a target URL, before calling the relay', async () => {
    const error = await failureOf(
      appTester(subscribeToExports, { authData: { api_key: API_KEY } }),
    );
    expect(userMessage(error)).toMatch(/did not provide a URL/);
  });

  it('deletes the subscription, and treats 404 as already gone', async () => {
    nock(RELAY).delete(`/v1/subscriptions/${SUBSCRIPTION.id}`).reply(204);
    await expect(
      appTester(unsubscribeFromExports, {
        authData: { api_key: API_KEY },
        subscribeData: SUBSCRIPTION,
      }),
    ).resolves.toEqual({ id: SUBSCRIPTION.id, deleted: true });
    nock(RELAY)
      .delete(`/v1/subscriptions/${SUBSCRIPTION.id}`)
      .reply(404, { error: { code: 'not_found', message: 'No such subscription.' } });
    await expect(
      appTester(unsubscribeFromExports, {
        authData: { api_key: API_KEY },
        subscribeData: SUBSCRIPTION,
      }),
    ).resolves.toEqual({ id: SUBSCRIPTION.id, deleted: false });
  });

  it('has nothing to delete when subscribing never finished', async () => {
    await expect(
      appTester(unsubscribeFromExports, {
        authData: { api_key: API_KEY },
        subscribeData: {} as { id: string },
      }),
    ).resolves.toEqual({ id: null, deleted: false });
  });
});

describe('the setup instructions field', () => {
  const fields = () =>
    appTester(setupInstructionsField, { authData: { api_key: API_KEY } }) as Promise<
      Array<{ key: string; type: string; helpText: string }>
    >;

  it('shows the ingest URL, the Secret Key and where they go in JazzHR', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    const [field] = await fields();
    expect(field).toMatchObject({ key: 'jazzhr_setup', type: 'copy' });
    expect(field!.helpText).toContain(CONNECTION.ingest_url);
    expect(field!.helpText).toContain(CONNECTION.secret);
    expect(field!.helpText).toMatch(
      /Settings → Integrations → Candidate Export Integrations\*\* and click \*\*Add Integration/,
    );
    expect(field!.helpText).toMatch(/VERIFY event/);
    expect(field!.helpText).toMatch(/Workflow Helper/);
    expect(field!.helpText).not.toContain(API_KEY);
  });

  it('says plainly when the relay is not configured', async () => {
    delete process.env[RELAY_URL_ENV];
    const [field] = await fields();
    expect(field!.helpText).toMatch(/cannot be connected.*must set JAZZHR_RELAY_URL/s);
  });

  it('passes on why the relay refused, without the key', async () => {
    nock(RELAY)
      .post('/v1/connections')
      .reply(401, { error: { code: 'invalid_api_key', message: 'JazzHR rejected this API key.' } });
    const [field] = await fields();
    expect(field!.helpText).toMatch(/Reconnect your JazzHR account/);
    expect(errorTexts(field!.helpText)).not.toContain(API_KEY);
  });
});
