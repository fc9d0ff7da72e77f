import jobs from '../fixtures/jazzhr/jobs.list.json';
import { jobLabel } from '../../src/triggers/job_list';
import { Job } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { runDropdown } from './dropdown-support';

installNockGuards();

describe('job_list trigger', () => {
  it('labels jobs with title, place and status, open ones first', async () => {
    const closed = {
      ...jobs[1],
      id: 'job_20160601000000_CLOSED0000000000',
      title: 'Old Role',
      status: 'Closed',
      original_open_date: '2016-06-01',
    };
    jazzhrApi()
      .get('/v1/jobs/page/1')
      .query({ apikey: API_KEY })
      .reply(200, [closed, ...jobs]);
    const items = await runDropdown('job_list');
    expect(items).toHaveLength(15);
    expect(items.at(-1)).toMatchObject({ id: closed.id, name: 'Old Role — Columbus, OH (Closed)' });
    expect(items[0]).toMatchObject({
      id: 'job_20160513152017_CX4GTCWXERY4H6PF',
      name: 'DevOps Journeyman (DevOps Engineer) — Columbus, OH (Open)',
      status: 'Open',
    });
    expect(new Set(items.map((item) => item.id)).size).toBe(15);
  });

  it('labels jobs with missing parts sensibly', () => {
    expect(jobLabel(Job.parse({ id: 'job_1', title: 'Nurse', status: '' }))).toBe('Nurse');
    expect(jobLabel(Job.parse({ id: 'job_1', state: 'TX', status: 'Open' }))).toBe(
      'Untitled job job_1 — TX (Open)',
    );
  });
});
