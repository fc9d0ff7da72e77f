import applicants from '../fixtures/jazzhr/applicants.list.json';
import { applicantLabel } from '../../src/triggers/applicant_list';
import { ApplicantSummary } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { runDropdown } from './dropdown-support';

installNockGuards();

describe('applicant_list trigger', () => {
  it('labels applicants "First Last — Job title", newest first even within a day', async () => {
    jazzhrApi().get('/v1/applicants/page/1').query({ apikey: API_KEY }).reply(200, applicants);
    const items = await runDropdown('applicant_list');
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

  it('labels applicants with missing names or jobs sensibly', () => {
    expect(applicantLabel(ApplicantSummary.parse({ id: 'prospect_1', first_name: 'Ada' }))).toBe(
      'Ada',
    );
    expect(applicantLabel(ApplicantSummary.parse({ id: 'prospect_1', job_title: 'Nurse' }))).toBe(
      'Applicant prospect_1 — Nurse',
    );
  });
});
