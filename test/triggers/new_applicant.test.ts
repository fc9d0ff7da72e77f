import sample from '../../src/samples/new_applicant.json';
import detail from '../fixtures/jazzhr/applicant.detail.synthetic.json';
import applicants from '../fixtures/jazzhr/applicants.list.json';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards, recordUnmatched } from '../support/nock-guards';
import { describeCommonPollingCases, hydrate, jazzhr, poll } from './polling-support';
import { pointerTo, readPointer } from './pointers';

installNockGuards();

const LIST = '/v1/applicants/page/1';
const TURING = 'prospect_20160512184407_MYXVB4IKB2IALSSA';
const TURING_JOB = 'job_20160512181416_C2ZAFIUBO61DKFDA';

describeCommonPollingCases({
  key: 'new_applicant',
  listPath: LIST,
  record: applicants[3]!,
  sample,
  mockLiveItem: () =>
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, applicants[3])
      .get(`/v1/applicants/${TURING}`)
      .query({ apikey: API_KEY })
      .reply(200, detail),
});

describe('new_applicant', () => {
  it('lists newest first: by apply date, then by the time inside the id', async () => {
    const requests: string[] = [];
    // Reversed, so the result cannot simply keep JazzHR's order.
    jazzhr(requests)
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, [...applicants].reverse());
    const items = await poll('new_applicant');
    expect(items.map((item) => item.name)).toEqual([
      'Steven Stevenson',
      'David Davidson',
      'Bob Bobson',
      'Alan Turing',
      'Harry Potter',
      'George Washington',
      'Bugs Bunny',
      'Johnny Appleseed',
    ]);
    expect(requests).toEqual([`GET ${LIST}`]);
  });

  it('returns the list fields and a pointer to the detail, without fetching it', async () => {
    const unmatched = recordUnmatched();
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).reply(200, applicants);
    const items = await poll('new_applicant');
    const turing = items.find((item) => item.id === TURING);
    expect(turing).toMatchObject({
      first_name: 'Alan',
      last_name: 'Turing',
      name: 'Alan Turing',
      phone: '2345678910',
      apply_date: '2016-05-12',
      job_id: TURING_JOB,
      job_title: 'Software Craftsman Developer',
    });
    expect(readPointer(turing?.details)).toEqual({
      type: 'method',
      method: 'hydrators.applicantDetails',
      bundle: { applicant_id: TURING, job_id: TURING_JOB },
    });
    expect(unmatched).toEqual([]);
  });

  it('hydrates a pointer with exactly one detail request, for that applicant only', async () => {
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).reply(200, applicants);
    const items = await poll('new_applicant');
    const turing = items.find((item) => item.id === TURING);

    const requests: string[] = [];
    const unmatched = recordUnmatched();
    jazzhr(requests).get(`/v1/applicants/${TURING}`).query({ apikey: API_KEY }).reply(200, detail);
    const details = await hydrate(turing?.details);
    expect(requests).toEqual([`GET /v1/applicants/${TURING}`]);
    expect(unmatched).toEqual([]);
    expect(details).toMatchObject({
      email: 'alan.turing@example.com',
      phone: '2345678910',
      location: 'Des Moines, IA 50309',
      source: 'Indeed',
      rating: '4',
      recruiter_id: 'usr_20160511131709_PZEHEMXY9AYAOTRS',
      // `jobs` arrives as a bare object; the applied job's step is found in it.
      workflow_step_id: '1204',
      applicant_progress: 'New',
    });
  });

  it('filters by the chosen job as a path segment', async () => {
    const requests: string[] = [];
    const path = `/v1/applicants/job_id/${TURING_JOB}/page/1`;
    jazzhr(requests).get(path).query({ apikey: API_KEY }).reply(200, applicants[3]);
    const items = await poll('new_applicant', { inputData: { job_id: ` ${TURING_JOB} ` } });
    expect(items.map((item) => item.id)).toEqual([TURING]);
    expect(requests).toEqual([`GET ${path}`]);
  });

  it('treats a blank job as no filter', async () => {
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).reply(200, []);
    await expect(poll('new_applicant', { inputData: { job_id: '   ' } })).resolves.toEqual([]);
  });

  it.each([
    'Software Craftsman Developer',
    'prospect_20160512184407_MYXVB4IKB2IALSSA',
    'job_1/page/9',
  ])('rejects the job "%s" with advice, before any request', async (jobId) => {
    const unmatched = recordUnmatched();
    const error = await failureOf(poll('new_applicant', { inputData: { job_id: jobId } }));
    expect(userMessage(error)).toMatch(/^Job must be a JazzHR ID that starts with "job_"/);
    expect(userMessage(error)).toContain('Pick one from the dropdown');
    expect(unmatched).toEqual([]);
  });

  it('rejects a job that is not text', async () => {
    const error = await failureOf(poll('new_applicant', { inputData: { job_id: 42 } }));
    expect(userMessage(error)).toMatch(/^Job must be text/);
  });

  it('loads a sample of three with their details fetched at once', async () => {
    const requests: string[] = [];
    const scope = jazzhr(requests).get(LIST).query({ apikey: API_KEY }).reply(200, applicants);
    for (const applicant of applicants.slice(0, 3)) {
      scope
        .get(`/v1/applicants/${applicant.id}`)
        .query({ apikey: API_KEY })
        .reply(200, {
          ...detail,
          id: applicant.id,
          first_name: applicant.first_name,
          last_name: applicant.last_name,
          email: `${applicant.first_name.toLowerCase()}@example.com`,
        });
    }
    const items = await poll('new_applicant', { meta: { isLoadingSample: true } });
    expect(items.map((item) => (item.details as { email: string }).email)).toEqual([
      'steven@example.com',
      'david@example.com',
      'bob@example.com',
    ]);
    expect(requests).toHaveLength(4);
  });

  it('explains a detail that JazzHR no longer has, without the key', async () => {
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).reply(200, applicants[3]);
    const [item] = await poll('new_applicant');
    jazzhrApi().get(`/v1/applicants/${TURING}`).query({ apikey: API_KEY }).reply(404, '');
    const error = await failureOf(hydrate(item?.details));
    expect(userMessage(error)).toContain(`no applicants record with ID "${TURING}"`);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('refuses a pointer without an applicant id, before any request', async () => {
    const unmatched = recordUnmatched();
    const error = await failureOf(hydrate(pointerTo('applicantDetails', { applicant_id: '' })));
    expect(userMessage(error)).toMatch(/could not be loaded: The applicant ID is not a JazzHR/);
    expect(unmatched).toEqual([]);
  });
});
