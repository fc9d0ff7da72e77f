import nock from 'nock';

import app from '../../index';
import applicantSample from '../../src/samples/applicant.json';
import {
  applicantDetail,
  applicantSummary,
  DETAIL,
  prospectId,
} from '../fixtures/applicants/builders';
import { runSearch } from '../creates/operation-support';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';

installNockGuards();

// What `zapier-platform validate` runs locally; core publishes no types for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schemaTools = require('zapier-platform-core/src/tools/schema') as {
  compileApp: (app: object) => object;
  validateApp: (compiled: object) => unknown[];
};

const GRACE = DETAIL.id;
const NAME_LIST = '/v1/applicants/name/Grace%20Hopper';

function get(path: string, body: nock.Body, status = 200) {
  jazzhrApi().get(path).query({ apikey: API_KEY }).reply(status, body);
}

describe('find_applicant definition', () => {
  it('is offered as Find or Create Applicant, and the app validates against the Zapier schema', () => {
    expect(app.searchOrCreates?.find_applicant).toEqual({
      key: 'find_applicant',
      display: expect.objectContaining({ label: 'Find or Create Applicant' }),
      search: 'find_applicant',
      create: 'create_applicant',
    });
    expect(schemaTools.validateApp(schemaTools.compileApp(app))).toEqual([]);
  });

  it('tells users in the help text how far an email search reaches', () => {
    const email = (
      app.searches.find_applicant.operation.inputFields as { key: string; helpText?: string }[]
    ).find((field) => field.key === 'email');
    expect(email?.helpText).toMatch(/up to 200 of them/);
    expect(email?.helpText).toMatch(
      /the 10 newest at most\): someone whose name is spelled differently/,
    );
    expect(email?.helpText).toMatch(/only the 25 newest applicants/);
  });
});

describe('find_applicant by name and email: request cost', () => {
  it('costs 2 requests, the list and one detail, when one applicant has that name', async () => {
    get(`${NAME_LIST}/page/1`, [
      applicantSummary(prospectId('20240601000000', 'LOOSELOOSELOOSE1'), 'Graceanne', 'Hopper'),
      applicantSummary(prospectId('20240602000000', 'LOOSELOOSELOOSE2'), 'Grace', 'Hoppers'),
      applicantSummary(GRACE, 'Grace', 'Hopper'),
    ]);
    get(`/v1/applicants/${GRACE}`, applicantDetail({ email: 'grace.hopper@example.com' }));
    const found = await runSearch({
      email: 'grace.hopper@example.com',
      first_name: 'Grace',
      last_name: 'Hopper',
    });
    expect(found.map((applicant) => applicant.id)).toEqual([GRACE]);
  });
});

describe('find_applicant by ID', () => {
  it('returns the full detail, flattened (nested lists sent as bare objects included)', async () => {
    get(`/v1/applicants/${GRACE}`, {
      ...DETAIL,
      jobs: DETAIL.jobs[0],
    });
    const [found, ...rest] = await runSearch({ applicant_id: GRACE });
    expect(rest).toEqual([]);
    expect(found).toEqual({
      ...applicantSample,
      job_titles: 'Senior Software Engineer',
      jobs: [applicantSample.jobs[0]],
    });
  });

  it('returns nothing, not an error, for an unknown ID', async () => {
    get(`/v1/applicants/${GRACE}`, '', 404);
    await expect(runSearch({ applicant_id: GRACE })).resolves.toEqual([]);
  });

  it('returns nothing for an empty answer', async () => {
    get(`/v1/applicants/${GRACE}`, []);
    await expect(runSearch({ applicant_id: GRACE })).resolves.toEqual([]);
  });

  it('prefers the ID over the email', async () => {
    get(`/v1/applicants/${GRACE}`, DETAIL);
    const results = await runSearch({ applicant_id: GRACE, email: 'other@example.com' });
    expect(results.map((result) => result.id)).toEqual([GRACE]);
  });
});

describe('find_applicant by email', () => {
  it('narrows by name and matches the email case-insensitively', async () => {
    get(`${NAME_LIST}/page/1`, applicantSummary(GRACE, 'Grace', 'Hopper'));
    get(`/v1/applicants/${GRACE}`, DETAIL);
    const results = await runSearch({
      email: 'grace.hopper@EXAMPLE.com',
      first_name: 'Grace',
      last_name: 'Hopper',
    });
    expect(results).toEqual([applicantSample]);
  });

  it('crosses onto the second page of namesakes', async () => {
    get(
      `${NAME_LIST}/page/1`,
      Array.from({ length: 100 }, (_, index) =>
        applicantSummary(
          prospectId('20240601000000', `GRACIE${String(index).padStart(10, '0')}`),
          'Gracie',
          'Hopperton',
        ),
      ),
    );
    get(`${NAME_LIST}/page/2`, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    get(`/v1/applicants/${GRACE}`, DETAIL);
    const results = await runSearch({
      email: 'grace.hopper@example.com',
      first_name: 'Grace',
      last_name: 'Hopper',
    });
    expect(results.map((result) => result.id)).toEqual([GRACE]);
  });

  it('returns nothing when no applicant has the email', async () => {
    get(`${NAME_LIST}/page/1`, []);
    await expect(
      runSearch({ email: 'grace.hopper@example.com', first_name: 'Grace', last_name: 'Hopper' }),
    ).resolves.toEqual([]);
  });

  it('without a name, checks the newest applicants', async () => {
    const newer = prospectId('20240312000000', 'NEWERNEWERNEWER0');
    get('/v1/applicants/page/1', [
      applicantSummary(GRACE, 'Grace', 'Hopper'),
      applicantSummary(newer, 'Ada', 'Lovelace'),
    ]);
    get(`/v1/applicants/${newer}`, applicantDetail({ id: newer, email: 'ada@example.com' }));
    get(`/v1/applicants/${GRACE}`, DETAIL);
    const results = await runSearch({ email: 'grace.hopper@example.com' });
    expect(results.map((result) => result.id)).toEqual([GRACE]);
  });
});

describe('find_applicant errors', () => {
  it('asks for an email or an ID', async () => {
    const error = await failureOf(runSearch({ first_name: 'Grace' }));
    expect(userMessage(error)).toBe(
      'Email: enter the applicant’s email address (with their first and last name if you have them), or fill in Applicant ID instead.',
    );
  });

  it('names a malformed email or ID', async () => {
    const error = await failureOf(runSearch({ email: 'grace', applicant_id: '12345' }));
    expect(userMessage(error)).toMatch(/Email: is not a valid email address/);
    expect(userMessage(error)).toMatch(/Applicant ID: must be a JazzHR applicant ID/);
  });

  it('reports an _error in a 200 answer, without the key', async () => {
    get(`/v1/applicants/${GRACE}`, { _error: 'Temporary failure' });
    const error = await failureOf(runSearch({ applicant_id: GRACE }));
    expect(userMessage(error)).toMatch(/Temporary failure/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('asks to reconnect when the key is rejected, without echoing it', async () => {
    get(`${NAME_LIST}/page/1`, { error: 'Invalid API key' }, 401);
    const error = await failureOf(
      runSearch({ email: 'grace.hopper@example.com', first_name: 'Grace', last_name: 'Hopper' }),
    );
    expect(error.name).toBe('ExpiredAuthError');
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('retries later on a 429', async () => {
    get(`/v1/applicants/${GRACE}`, '', 429);
    const error = await failureOf(runSearch({ applicant_id: GRACE }));
    expect(error.name).toBe('ThrottledError');
  });
});
