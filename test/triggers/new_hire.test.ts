import sample from '../../src/samples/new_hire.json';
import detail from '../fixtures/jazzhr/applicant.detail.synthetic.json';
import hires from '../fixtures/jazzhr/hires.list.synthetic.json';
import jobs from '../fixtures/jazzhr/jobs.list.json';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards, recordUnmatched } from '../support/nock-guards';
import { describeCommonPollingCases, hydrate, jazzhr, poll } from './polling-support';
import { pointerTo, readPointer } from './pointers';

installNockGuards();

const LIST = '/v1/hires/page/1';
const TURING = 'prospect_20160512184407_MYXVB4IKB2IALSSA';
const TURING_JOB = 'job_20160512181416_C2ZAFIUBO61DKFDA';
const turingHire = hires[1]!;
const turingJob = jobs.find((job) => job.id === TURING_JOB)!;

const hirePointer = (applicantId: string, jobId: string) =>
  pointerTo('hireDetails', { applicant_id: applicantId, job_id: jobId });

describeCommonPollingCases({
  key: 'new_hire',
  listPath: LIST,
  record: turingHire,
  sample,
  mockLiveItem: () =>
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, turingHire)
      .get(`/v1/applicants/${TURING}`)
      .query({ apikey: API_KEY })
      .reply(200, detail)
      .get(`/v1/jobs/${TURING_JOB}`)
      .query({ apikey: API_KEY })
      .reply(200, turingJob),
});

describe('new_hire', () => {
  it('lists newest first by hired date and time, with a pointer to the details', async () => {
    const requests: string[] = [];
    jazzhr(requests).get(LIST).query({ apikey: API_KEY }).reply(200, hires);
    const items = await poll('new_hire');
    expect(items.map((item) => `${item.hired_date} ${item.hired_time}`)).toEqual([
      '2016-05-20 10:15:00',
      '2016-05-20 08:10:00',
      '2016-05-18 09:30:00',
    ]);
    expect(items[0]).toMatchObject({
      id: 'hire_20160520101500_R2D4FJ8QWE7TYU1P',
      applicant_id: TURING,
      job_id: TURING_JOB,
      workflow_step_id: '1209',
      workflow_step_name: 'Hired',
    });
    expect(items[1]?.workflow_step_name).toBe('');
    expect(readPointer(items[0]?.details)).toEqual({
      type: 'method',
      method: 'hydrators.hireDetails',
      bundle: { applicant_id: TURING, job_id: TURING_JOB },
    });
    expect(requests).toEqual([`GET ${LIST}`]);
  });

  it('stands the applicant and job in for a missing hire id', async () => {
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, { ...turingHire, id: '' });
    const [item] = await poll('new_hire');
    expect(item?.id).toBe(`${TURING}_${TURING_JOB}`);
  });

  it('skips, and logs, a hire that names no applicant', async () => {
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, [turingHire, { ...hires[0], applicant_id: '' }]);
    const logged: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    const items = await poll('new_hire');
    log.mockRestore();
    expect(items.map((item) => item.applicant_id)).toEqual([TURING]);
    expect(logged.join('\n')).toContain('Skipped 1 JazzHR hire(s) without an applicant ID.');
  });

  it('hydrates the contact details and the job with one request each', async () => {
    const requests: string[] = [];
    const unmatched = recordUnmatched();
    jazzhr(requests)
      .get(`/v1/applicants/${TURING}`)
      .query({ apikey: API_KEY })
      .reply(200, { ...detail, address: '12 Bletchley Park Road' })
      .get(`/v1/jobs/${TURING_JOB}`)
      .query({ apikey: API_KEY })
      .reply(200, { ...turingJob, department: 'Engineering', zip: '50309' });
    const details = await hydrate(hirePointer(TURING, TURING_JOB));
    expect(details).toMatchObject({
      name: 'Alan Turing',
      email: 'alan.turing@example.com',
      phone: '2345678910',
      address: '12 Bletchley Park Road',
      location: 'Des Moines, IA 50309',
      job_title: 'Software Craftsman Developer',
      job_department: 'Engineering',
      job_type: 'Full Time',
      job_city: 'Des Moines',
      job_state: 'IA',
      job_zip: '50309',
      job_country: 'United States',
      job_hiring_lead_id: 'usr_20160511131709_PZEHEMXY9AYAOTRS',
    });
    expect(requests.sort()).toEqual(
      [`GET /v1/applicants/${TURING}`, `GET /v1/jobs/${TURING_JOB}`].sort(),
    );
    expect(unmatched).toEqual([]);
  });

  it('takes the job title from the applicant when the hire names no job', async () => {
    const requests: string[] = [];
    jazzhr(requests).get(`/v1/applicants/${TURING}`).query({ apikey: API_KEY }).reply(200, detail);
    const details = await hydrate(hirePointer(TURING, ''));
    expect(details).toMatchObject({ job_title: 'Software Craftsman Developer', job_city: '' });
    expect(requests).toEqual([`GET /v1/applicants/${TURING}`]);
  });

  it('explains a hired applicant JazzHR no longer has, without the key', async () => {
    jazzhrApi()
      .get(`/v1/applicants/${TURING}`)
      .query({ apikey: API_KEY })
      .reply(200, [])
      // Fetched alongside the applicant; the failure may win the race before it is sent.
      .get(`/v1/jobs/${TURING_JOB}`)
      .optionally()
      .query({ apikey: API_KEY })
      .reply(200, turingJob);
    const error = await failureOf(hydrate(hirePointer(TURING, TURING_JOB)));
    expect(userMessage(error)).toContain(`no applicants record with ID "${TURING}"`);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('refuses a pointer whose applicant id is not one, before any request', async () => {
    const unmatched = recordUnmatched();
    const error = await failureOf(hydrate(hirePointer('Alan Turing', TURING_JOB)));
    expect(userMessage(error)).toMatch(/The hired applicant ID is not a JazzHR prospect_ ID/);
    expect(unmatched).toEqual([]);
  });

  it('loads a sample of three with details fetched at once', async () => {
    const requests: string[] = [];
    const scope = jazzhr(requests).get(LIST).query({ apikey: API_KEY }).reply(200, hires);
    for (const hire of hires) {
      scope
        .get(`/v1/applicants/${hire.applicant_id}`)
        .query({ apikey: API_KEY })
        .reply(200, { ...detail, id: hire.applicant_id })
        .get(`/v1/jobs/${hire.job_id}`)
        .query({ apikey: API_KEY })
        .reply(
          200,
          jobs.find((job) => job.id === hire.job_id),
        );
    }
    const items = await poll('new_hire', { meta: { isLoadingSample: true } });
    expect(items).toHaveLength(3);
    expect(items.map((item) => (item.details as { job_title: string }).job_title)).toEqual([
      'Software Craftsman Developer',
      'Experience Architect (XA)',
      'Software Apprentice Developer',
    ]);
    expect(requests).toHaveLength(7);
  });
});
