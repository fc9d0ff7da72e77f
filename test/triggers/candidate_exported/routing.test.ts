/** Candidate Exported's routing: the named integration's channel, and the status and job filters. */
import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';

import app from '../../../index';
import { CANDIDATE_EXPORTED_SAMPLE } from '../../../src/triggers/candidate_exported/output';
import {
  processCandidateExportHook,
  type CandidateExportedItem,
} from '../../../src/triggers/candidate_exported/steps';
import {
  listRecentExports,
  setupInstructionsField,
  subscribeToExports,
} from '../../../src/triggers/candidate_exported/subscription';
import { STATUS_CATEGORIES } from '../../../src/webhook';
import { exportBodyIn, exportWithJobs, STATUS_BY_CATEGORY } from '../../fixtures/exports/statuses';
import { API_KEY, failureOf, userMessage } from '../../support/jazzhr';
import {
  CANDIDATE_PII,
  CONNECTION,
  deliveryBundle,
  RELAY,
  SUBSCRIPTION,
  TARGET_URL,
  useRelayStandIn,
} from './deliveries';

const appTester = createAppTester(app);
const PAYROLL = { integration_name: 'Zapier – Payroll' };

const logLines = useRelayStandIn();

const perform = (body: string, inputData: Record<string, string>) =>
  appTester(processCandidateExportHook, {
    ...deliveryBundle(body),
    inputData,
  }) as Promise<CandidateExportedItem[]>;

describe('perform with status and job filters', () => {
  describe.each(STATUS_CATEGORIES)('an export in category %s', (category) => {
    const body = exportBodyIn(category);

    it('starts the Zap that wants its category, by any case', async () => {
      const items = await perform(body, { status_category: category.toLowerCase() });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        status_category: category,
        status: STATUS_BY_CATEGORY[category].statusName,
      });
    });

    it('starts no Zap that wants another category, and logs why without candidate data', async () => {
      const other = STATUS_CATEGORIES.find((name) => name !== category)!;
      expect(await perform(body, { status_category: other })).toEqual([]);
      const log = logLines.join('\n');
      expect(log).toContain(
        `none of the candidate's jobs matches Status Category “${other}” (their status categories: ${category})`,
      );
      for (const value of CANDIDATE_PII) expect(log).not.toContain(value);
    });
  });

  it('compares the status name and the job title without regard to case', async () => {
    const body = exportBodyIn('Active');
    expect(
      await perform(body, { status_name: 'PHONE SCREEN', job_title: 'sample job' }),
    ).toHaveLength(1);
    expect(await perform(body, { status_name: 'Offer', job_title: 'sample job' })).toEqual([]);
    expect(logLines.join('\n')).toMatch(/matches Status Name “Offer” and Job Title “sample job”/);
  });

  it('describes the job that matched when the candidate applied to several', async () => {
    const body = JSON.stringify(
      exportWithJobs(
        { title: 'Payroll Clerk', statusName: 'Phone Screen', category: 'Active' },
        { title: 'Warehouse Associate', statusName: 'Hired', category: 'Hired' },
      ),
    );
    const [item] = await perform(body, { status_category: 'Hired' });
    expect(item).toMatchObject({ job_title: 'Warehouse Associate', status_category: 'Hired' });
  });

  it('runs every export when the filters are empty', async () => {
    const inputs = { status_category: '', status_name: '  ', job_title: '' };
    expect(await perform(exportBodyIn('Not Hired'), inputs)).toHaveLength(1);
  });
});

describe('performList per channel and with filters', () => {
  const stored = (uuid: string, body: string) => ({
    uuid,
    event: 'CANDIDATE-EXPORT',
    received_at: '2024-03-01T12:00:00.000Z',
    headers: { 'x-jazzhr-event': 'CANDIDATE-EXPORT', 'x-jazzhr-uuid': uuid },
    body,
  });
  const relayListing = (query: Record<string, string>, exports: unknown[]) => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    nock(RELAY)
      .get(`/v1/connections/${CONNECTION.id}/exports`)
      .query(query)
      .reply(200, { exports });
  };
  const list = (inputData: Record<string, string>, meta: Record<string, unknown> = {}) =>
    appTester(listRecentExports, { authData: { api_key: API_KEY }, inputData, meta }) as Promise<
      CandidateExportedItem[]
    >;

  it('lists the named integration’s channel', async () => {
    relayListing({ limit: '3', channel: 'zapier-payroll' }, [stored('u-1', exportBodyIn('New'))]);
    expect((await list(PAYROLL)).map((item) => item.id)).toEqual(['u-1']);
  });

  it('lists the default channel without a name', async () => {
    relayListing({ limit: '3' }, [stored('u-1', exportBodyIn('New'))]);
    expect((await list({})).map((item) => item.id)).toEqual(['u-1']);
  });

  it('applies the filters, looking through as many exports as the relay lists', async () => {
    relayListing({ limit: '100', channel: 'zapier-payroll' }, [
      stored('u-new', exportBodyIn('New')),
      stored('u-hired-1', exportBodyIn('Hired')),
      stored('u-active', exportBodyIn('Active')),
      stored('u-hired-2', exportBodyIn('Hired')),
      stored('u-hired-3', exportBodyIn('Hired')),
    ]);
    const items = await list({ ...PAYROLL, status_category: 'Hired' }, { limit: 2 });
    expect(items.map((item) => item.id)).toEqual(['u-hired-1', 'u-hired-2']);
    expect(logLines.join('\n')).toMatch(
      /skipped 2 stored export\(s\) in which none of the candidate's jobs matches Status Category “Hired”/,
    );
  });

  it('falls back to the sample when no stored export matches', async () => {
    relayListing({ limit: '100' }, [stored('u-new', exportBodyIn('New'))]);
    expect(await list({ status_category: 'Not Hired' })).toEqual([CANDIDATE_EXPORTED_SAMPLE]);
  });

  it('refuses an unknown status category, naming the field, before calling the relay', async () => {
    const error = await failureOf(list({ status_category: 'Archived' }));
    expect(userMessage(error)).toMatch(
      /^Status Category must be one of New, Active, Hired, Not Hired/,
    );
  });
});

describe('performSubscribe with an integration name', () => {
  const subscribe = (inputData: Record<string, string>) =>
    appTester(subscribeToExports, {
      authData: { api_key: API_KEY },
      targetUrl: TARGET_URL,
      inputData,
    });

  it('subscribes the Zap to the name’s channel', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    nock(RELAY)
      .post('/v1/subscriptions', {
        connection_id: CONNECTION.id,
        target_url: TARGET_URL,
        channel: 'zapier-payroll',
      })
      .reply(201, { ...SUBSCRIPTION, target_url: TARGET_URL });
    expect(await subscribe(PAYROLL)).toEqual(SUBSCRIPTION);
  });

  it('subscribes to the default channel without one', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    nock(RELAY)
      .post('/v1/subscriptions', (body: Record<string, unknown>) => !('channel' in body))
      .reply(201, { ...SUBSCRIPTION, target_url: TARGET_URL });
    expect(await subscribe({ integration_name: '  ' })).toEqual(SUBSCRIPTION);
  });

  it('refuses a name with no letters or digits, naming the field, before calling the relay', async () => {
    const error = await failureOf(subscribe({ integration_name: '– !!' }));
    expect(userMessage(error)).toMatch(
      /^JazzHR Integration Name must contain at least one letter or digit/,
    );
  });
});

describe('the setup box for a named integration', () => {
  const setupText = async (inputData: Record<string, string>) => {
    const [field] = (await appTester(setupInstructionsField, {
      authData: { api_key: API_KEY },
      inputData,
    })) as Array<{ helpText: string }>;
    return field!.helpText;
  };

  it('asks for an integration of that name, with the channel’s URL and the Secret Key', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    const text = await setupText(PAYROLL);
    expect(text).toMatch(
      /^\*\*In JazzHR, add a Candidate Export Integration named “Zapier – Payroll” with this URL and this Secret Key\.\*\*/,
    );
    expect(text).toContain(`\`${CONNECTION.ingest_url}/zapier-payroll\``);
    expect(text).toContain(`\`${CONNECTION.secret}\``);
    expect(text).toContain('**Send to Zapier – Payroll**');
    expect(text).not.toContain(API_KEY);
  });

  it('keeps the shared URL when the name is empty', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    const text = await setupText({ integration_name: '' });
    expect(text).toContain(`\`${CONNECTION.ingest_url}\``);
    expect(text).not.toContain(`${CONNECTION.ingest_url}/`);
  });

  it('escapes Markdown in the name', async () => {
    nock(RELAY).post('/v1/connections').reply(200, CONNECTION);
    expect(await setupText({ integration_name: 'Zapier *Hires*' })).toContain(
      '“Zapier \\*Hires\\*”',
    );
  });

  it('says what to fix for a name with no letters or digits', async () => {
    const text = await setupText({ integration_name: '***' });
    expect(text).toMatch(/JazzHR Integration Name must contain at least one letter or digit/);
  });
});
