import nock from 'nock';

import app from '../../index';
import sample from '../../src/samples/applicant_job.json';
import { applicantDetail } from '../fixtures/applicants/builders';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { recordPosts, runCreate } from './operation-support';

installNockGuards();

const APPLICANT = 'prospect_20240311093015_K7QJ2M4XW9PLR8TB';
const JOB = 'job_20240301120000_Q3W8E1R6T2Y7U4IO';
const OTHER_JOB = 'job_20240215101500_A9S2D7F4G1H8J3KL';
const LINK_LIST = `/v1/applicants2jobs/applicant_id/${APPLICANT}/job_id/${JOB}/page/1`;
const INPUT = { applicant_id: APPLICANT, job_id: JOB, workflow_step_id: '3481923' };

const existingLink = {
  id: '48291734',
  applicant_id: APPLICANT,
  job_id: JOB,
  rating: 4,
  workflow_step_id: 3481950,
  date: '2024-03-12',
};

function links(body: nock.Body, status = 200) {
  jazzhrApi().get(LINK_LIST).query({ apikey: API_KEY }).reply(status, body);
}

describe('add_applicant_to_job', () => {
  it('offers applicant, job and step dropdowns, with a Find Applicant search for the applicant', () => {
    const fields = app.creates.add_applicant_to_job.operation.inputFields as {
      key: string;
      dynamic?: string;
      search?: string;
    }[];
    expect(fields).toEqual([
      expect.objectContaining({
        key: 'applicant_id',
        dynamic: 'applicant_list.id.name',
        search: 'find_applicant.id',
      }),
      expect.objectContaining({ key: 'job_id', dynamic: 'job_list.id.name' }),
      expect.objectContaining({ key: 'workflow_step_id', dynamic: 'workflow_step_list.id.name' }),
    ]);
  });

  it('checks for the link, then adds the applicant and says it was created', async () => {
    links([]);
    const posts = recordPosts('/v1/applicants2jobs', [{ appjob_id: '48291734' }]);
    const result = await runCreate('add_applicant_to_job', INPUT);
    expect(posts).toEqual([{ apikey: API_KEY, ...INPUT }]);
    expect(result).toEqual(sample);
  });

  it('leaves the workflow step out when none is chosen', async () => {
    links('');
    const posts = recordPosts('/v1/applicants2jobs', [{ appjob_id: '48291734' }]);
    const result = await runCreate('add_applicant_to_job', { ...INPUT, workflow_step_id: '' });
    expect(posts).toEqual([{ apikey: API_KEY, applicant_id: APPLICANT, job_id: JOB }]);
    expect(result).toMatchObject({ outcome: 'created', workflow_step_id: '' });
  });

  it('returns an existing link (sent as a bare object) and posts nothing', async () => {
    links(existingLink);
    const posts = recordPosts('/v1/applicants2jobs', []);
    const result = await runCreate('add_applicant_to_job', INPUT);
    expect(posts).toHaveLength(0);
    expect(result).toEqual({
      id: '48291734',
      applicant_id: APPLICANT,
      job_id: JOB,
      workflow_step_id: '3481950',
      rating: '4',
      date: '2024-03-12',
      outcome: 'existing',
    });
  });

  it("falls back to the applicant's own jobs when the list holds other links only", async () => {
    links([{ ...existingLink, id: '1', job_id: OTHER_JOB }]);
    jazzhrApi()
      .get(`/v1/applicants/${APPLICANT}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail({ id: APPLICANT }));
    const posts = recordPosts('/v1/applicants2jobs', []);
    const result = await runCreate('add_applicant_to_job', INPUT);
    expect(posts).toHaveLength(0);
    expect(result).toMatchObject({ id: '', job_id: JOB, outcome: 'existing' });
  });

  it('adds the applicant when neither the links nor their jobs mention the job', async () => {
    links([{ ...existingLink, id: '1', job_id: OTHER_JOB }]);
    jazzhrApi()
      .get(`/v1/applicants/${APPLICANT}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail({ id: APPLICANT, jobs: { job_id: OTHER_JOB } }));
    const posts = recordPosts('/v1/applicants2jobs', [{ appjob_id: '777' }]);
    const result = await runCreate('add_applicant_to_job', INPUT);
    expect(posts).toHaveLength(1);
    expect(result).toMatchObject({ id: '777', outcome: 'created' });
  });
});

describe('add_applicant_to_job replay safety', () => {
  it('a replay after a lost answer finds the link: one POST in all', async () => {
    let postCount = 0;
    links([]);
    jazzhrApi()
      .post('/v1/applicants2jobs', () => (postCount += 1) > 0)
      .reply(500, 'Internal Server Error');
    links([]);
    const first = await failureOf(runCreate('add_applicant_to_job', INPUT));
    expect(userMessage(first)).toMatch(/Replaying this step is safe/);

    links([existingLink]);
    const replay = await runCreate('add_applicant_to_job', INPUT);
    expect(replay.outcome).toBe('existing');
    expect(postCount).toBe(1);
  });

  it('counts a link found right after a failed POST as created', async () => {
    links([]);
    jazzhrApi().post('/v1/applicants2jobs').reply(504, 'Gateway Timeout');
    links([existingLink]);
    const result = await runCreate('add_applicant_to_job', INPUT);
    expect(result).toMatchObject({ id: '48291734', outcome: 'created' });
  });
});

describe('add_applicant_to_job errors', () => {
  it('names the fields to fix and calls nothing', async () => {
    const error = await failureOf(
      runCreate('add_applicant_to_job', { applicant_id: 'grace.hopper@example.com' }),
    );
    expect(userMessage(error)).toMatch(/^Applicant: must be a JazzHR applicant ID/);
    expect(userMessage(error)).toMatch(/Job: is required/);
  });

  it('reports an _error in a 200 answer to the POST, without the key', async () => {
    links([]);
    jazzhrApi().post('/v1/applicants2jobs').reply(200, { _error: 'Job is closed' });
    const error = await failureOf(runCreate('add_applicant_to_job', INPUT));
    expect(userMessage(error)).toMatch(/Job is closed/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('asks to reconnect when the key is rejected', async () => {
    jazzhrApi()
      .get(LINK_LIST)
      .query({ apikey: 'WRONG-KEY-9x8y7z6w' })
      .reply(401, { error: 'Invalid API key' });
    const error = await failureOf(runCreate('add_applicant_to_job', INPUT, 'WRONG-KEY-9x8y7z6w'));
    expect(error.name).toBe('ExpiredAuthError');
    expect(errorTexts(error)).not.toContain('WRONG-KEY-9x8y7z6w');
  });

  it('retries later on a 429', async () => {
    links('', 429);
    const error = await failureOf(runCreate('add_applicant_to_job', INPUT));
    expect(error.name).toBe('ThrottledError');
  });
});
