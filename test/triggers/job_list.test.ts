import { createAppTester } from 'zapier-platform-core';

import app from '../../index';
import jobs from '../fixtures/jazzhr/jobs.list.json';
import sample from '../../src/samples/job_list.json';
import jobList, { jobLabel, perform } from '../../src/triggers/job_list';
import { Job } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi, expectEveryMockUsed } from '../support/jazzhr';
import { describeJazzHRFailures } from '../support/jazzhr-error-cases';

const appTester = createAppTester(app);
const run = (page = 0) =>
  appTester(perform, {
    authData: { api_key: API_KEY },
    meta: { page, isFillingDynamicDropdown: true },
  }) as Promise<Record<string, string>[]>;

expectEveryMockUsed();

describe('job_list trigger', () => {
  it('is a hidden dropdown source registered under its key', () => {
    expect(app.triggers.job_list).toBe(jobList);
    expect(jobList.display.hidden).toBe(true);
  });

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
    const items = await run();
    expect(items).toHaveLength(15);
    expect(items.at(-1)).toMatchObject({ id: closed.id, name: 'Old Role — Columbus, OH (Closed)' });
    expect(items[0]).toMatchObject({
      id: 'job_20160513152017_CX4GTCWXERY4H6PF',
      name: 'DevOps Journeyman (DevOps Engineer) — Columbus, OH (Open)',
      status: 'Open',
    });
    expect(new Set(items.map((item) => item.id)).size).toBe(15);
  });

  it('handles a single job sent as a bare object', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, jobs[0]);
    expect(await run()).toEqual([expect.objectContaining({ id: jobs[0]?.id })]);
  });

  it.each(['[]', '', 'null'])('returns nothing for an empty answer %j', async (body) => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, body);
    expect(await run()).toEqual([]);
  });

  it('maps Zapier dropdown page N to JazzHR page N+1', async () => {
    const fullPage = Array.from({ length: 100 }, (_, index) => ({
      ...jobs[0],
      id: `job_20240101000000_${String(index).padStart(16, '0')}`,
    }));
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, fullPage);
    jazzhrApi().get('/v1/jobs/page/2').query(true).reply(200, [jobs[2]]);
    expect(await run(0)).toHaveLength(100);
    expect(await run(1)).toEqual([expect.objectContaining({ id: jobs[2]?.id })]);
  });

  it('falls back to the first page for a nonsense page number', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, []);
    expect(await run(-3)).toEqual([]);
  });

  it('explains a job JazzHR sent without an id', async () => {
    jazzhrApi()
      .get('/v1/jobs/page/1')
      .query(true)
      .reply(200, [{ title: 'Ghost' }]);
    await expect(run()).rejects.toThrow(
      /JazzHR sent a jobs record \(record 1\) in a shape this integration cannot read: id/,
    );
  });

  it('labels jobs with missing parts sensibly', () => {
    expect(jobLabel(Job.parse({ id: 'job_1', title: 'Nurse', status: '' }))).toBe('Nurse');
    expect(jobLabel(Job.parse({ id: 'job_1', state: 'TX', status: 'Open' }))).toBe(
      'Untitled job job_1 — TX (Open)',
    );
  });

  it('has a sample shaped like its output', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, [jobs[0]]);
    const [item] = await run();
    expect(Object.keys(sample).sort()).toEqual(Object.keys(item ?? {}).sort());
    expect(
      (jobList.operation.outputFields ?? []).map((field) => (field as { key: string }).key).sort(),
    ).toEqual(Object.keys(sample).sort());
  });

  describeJazzHRFailures('/v1/jobs/page/1', () => run());
});
