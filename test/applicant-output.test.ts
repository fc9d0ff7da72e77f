import { applicantOutputFields, flattenApplicant } from '../src/applicant-output';
import { ApplicantDetail } from '../src/jazzhr/schemas';
import applicantSample from '../src/samples/applicant.json';
import { DETAIL } from './fixtures/applicants/builders';

describe('flattenApplicant', () => {
  it('turns the synthetic detail into the sample the Zap editor shows', () => {
    expect(flattenApplicant(ApplicantDetail.parse(DETAIL))).toEqual(applicantSample);
  });

  it('gives empty job fields for an applicant without jobs', () => {
    const flat = flattenApplicant(ApplicantDetail.parse({ id: 'prospect_1_A', jobs: '' }));
    expect(flat).toMatchObject({ job_id: '', job_title: '', job_titles: '', jobs: [], name: '' });
  });

  it('labels every top-level output key it returns', () => {
    const labelled = new Set(applicantOutputFields.map((field) => field.key.split('[]')[0]));
    expect(Object.keys(applicantSample).filter((key) => !labelled.has(key))).toEqual([]);
  });
});
