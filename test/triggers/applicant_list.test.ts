import { createAppTester } from 'zapier-platform-core';

import app from '../../index';
import applicants from '../fixtures/jazzhr/applicants.list.json';
import sample from '../../src/samples/applicant_list.json';
import applicantList, { applicantLabel, perform } from '../../src/triggers/applicant_list';
import { ApplicantSummary } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi, expectEveryMockUsed } from '../support/jazzhr';
import { describeJazzHRFailures } from '../support/jazzhr-error-cases';

const appTester = createAppTester(app);
const run = (page = 0) =>
  appTester(perform, {
    authData: { api_key: API_KEY },
    meta: { page, isFillingDynamicDropdown: true },
  }) as Promise<Record<string, string>[]>;

expectEveryMockUsed();

describe('applicant_list trigger', () => {
  it('is a hidden dropdown source registered under its key', () => {
    expect(app.triggers.applicant_list).toBe(applicantList);
    expect(applicantList.display.hidden).toBe(true);
  });

  it('labels applicants "First Last — Job title", newest first even within a day', async () => {
    jazzhrApi().get('/v1/applicants/page/1').query({ apikey: API_KEY }).reply(200, applicants);
    const items = await run();
    expect(items).toHaveLength(8);
    // The capture lists 2016-05-12 applicants out of time order; the id timestamps fix it.
    expect(items.map((item) => String(item.id).slice(9, 23))).toEqual([
      '20160513152410',
      '20160513152237',
      '20160513152138',
      '20160512184407',
      '20160512182822',
      '20160512181803',
      '20160512181705',
      '20160512180935',
    ]);
    expect(items[3]).toMatchObject({
      id: 'prospect_20160512184407_MYXVB4IKB2IALSSA',
      name: 'Alan Turing — Software Craftsman Developer',
      job_id: 'job_20160512181416_C2ZAFIUBO61DKFDA',
    });
  });

  it('handles a single applicant sent as a bare object', async () => {
    jazzhrApi().get('/v1/applicants/page/1').query(true).reply(200, applicants[0]);
    expect(await run()).toEqual([
      expect.objectContaining({
        id: applicants[0]?.id,
        name: 'Steven Stevenson — Executive Consultant',
      }),
    ]);
  });

  it.each(['[]', '', 'null'])('returns nothing for an empty answer %j', async (body) => {
    jazzhrApi().get('/v1/applicants/page/1').query(true).reply(200, body);
    expect(await run()).toEqual([]);
  });

  it('maps Zapier dropdown page N to JazzHR page N+1', async () => {
    const fullPage = Array.from({ length: 100 }, (_, index) => ({
      ...applicants[0],
      id: `prospect_20240101000000_${String(index).padStart(16, '0')}`,
    }));
    jazzhrApi().get('/v1/applicants/page/1').query(true).reply(200, fullPage);
    jazzhrApi().get('/v1/applicants/page/2').query(true).reply(200, [applicants[7]]);
    expect(await run(0)).toHaveLength(100);
    expect(await run(1)).toEqual([expect.objectContaining({ id: applicants[7]?.id })]);
  });

  it('labels applicants with missing names or jobs sensibly', () => {
    expect(applicantLabel(ApplicantSummary.parse({ id: 'prospect_1', first_name: 'Ada' }))).toBe(
      'Ada',
    );
    expect(applicantLabel(ApplicantSummary.parse({ id: 'prospect_1', job_title: 'Nurse' }))).toBe(
      'Applicant prospect_1 — Nurse',
    );
  });

  it('explains an applicant JazzHR sent without an id', async () => {
    jazzhrApi()
      .get('/v1/applicants/page/1')
      .query(true)
      .reply(200, [{ first_name: 'Ghost' }]);
    await expect(run()).rejects.toThrow(/JazzHR sent a applicants record \(record 1\)/);
  });

  it('has a sample shaped like its output', async () => {
    jazzhrApi().get('/v1/applicants/page/1').query(true).reply(200, [applicants[3]]);
    const [item] = await run();
    expect(item).toEqual(sample);
    expect(
      (applicantList.operation.outputFields ?? [])
        .map((field) => (field as { key: string }).key)
        .sort(),
    ).toEqual(Object.keys(sample).sort());
  });

  describeJazzHRFailures('/v1/applicants/page/1', () => run());
});
