import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';

import { jazzhr } from '../jazzhr/client';
import { Hire } from '../jazzhr/schemas';
// No /hires response has been captured: this sample is synthetic, its fields follow
// REFERENCE.md and the public koombea/jazzhr_tap hires schema.
import sample from '../samples/new_hire.json';
import { hireDetails } from './hydrators';
import { DEDUPE_PAGES, newestFirst, pollMode, withDetails } from './polling';

async function perform(z: ZObject, bundle: Bundle) {
  const client = jazzhr(z, bundle);
  const listed =
    pollMode(bundle) === 'dedupe'
      ? await client.listPages('hires', Hire, { maxPages: DEDUPE_PAGES })
      : await client.list('hires', Hire);

  // A hire without an applicant cannot be handed to HR; none is known to exist, so say so.
  const withApplicant = listed.filter((h) => h.applicant_id !== '');
  if (withApplicant.length < listed.length) {
    z.console.log(
      `Skipped ${listed.length - withApplicant.length} JazzHR hire(s) without an applicant ID.`,
    );
  }
  const hires = newestFirst(
    withApplicant.map((h) => ({
      // An applicant is hired into a job once, so that pair stands in for a missing id.
      id: h.id || `${h.applicant_id}_${h.job_id}`,
      applicant_id: h.applicant_id,
      job_id: h.job_id,
      workflow_step_id: h.workflow_step_id,
      workflow_step_name: h.workflow_step_name,
      hired_date: h.hired_date,
      hired_time: h.hired_time,
    })),
    (h) => [h.hired_date, h.hired_time, h.id],
  );
  if (pollMode(bundle) === 'dedupe') return hires;
  return withDetails(z, bundle, hires, hireDetails, (h) => ({
    applicant_id: h.applicant_id,
    job_id: h.job_id,
  }));
}

export default defineTrigger({
  key: 'new_hire',
  noun: 'Hire',
  display: {
    label: 'New Hire',
    description:
      'Triggers when an applicant is hired, with their contact details and the job, ready to hand to HR or payroll.',
  },
  operation: {
    type: 'polling',
    perform,
    sample,
    outputFields: [
      { key: 'id', label: 'Hire ID' },
      { key: 'hired_date', label: 'Hired Date' },
      { key: 'hired_time', label: 'Hired Time (As JazzHR Reports It)' },
      { key: 'applicant_id', label: 'Applicant ID' },
      { key: 'details__name', label: 'Full Name' },
      { key: 'details__first_name', label: 'First Name' },
      { key: 'details__last_name', label: 'Last Name' },
      { key: 'details__email', label: 'Email' },
      { key: 'details__phone', label: 'Phone' },
      { key: 'details__address', label: 'Address' },
      { key: 'details__location', label: 'Location' },
      { key: 'details__linkedin_url', label: 'LinkedIn URL' },
      { key: 'details__website', label: 'Website' },
      { key: 'details__source', label: 'Source' },
      { key: 'details__referrer', label: 'Referrer' },
      { key: 'details__desired_salary', label: 'Desired Salary' },
      { key: 'details__desired_start_date', label: 'Desired Start Date' },
      { key: 'details__apply_date', label: 'Apply Date' },
      { key: 'details__recruiter_id', label: 'Recruiter User ID' },
      { key: 'details__rating', label: 'Rating' },
      { key: 'details__resume_link', label: 'Resume Link (Opens in JazzHR)' },
      { key: 'details__workflow_step_id', label: 'Current Workflow Step ID' },
      { key: 'details__applicant_progress', label: 'Applicant Progress' },
      { key: 'job_id', label: 'Job ID' },
      { key: 'details__job_title', label: 'Job Title' },
      { key: 'details__job_department', label: 'Job Department' },
      { key: 'details__job_type', label: 'Job Type (Full Time…)' },
      { key: 'details__job_city', label: 'Job City' },
      { key: 'details__job_state', label: 'Job State' },
      { key: 'details__job_zip', label: 'Job Postal Code' },
      { key: 'details__job_country', label: 'Job Country' },
      { key: 'details__job_hiring_lead_id', label: 'Hiring Lead User ID' },
      { key: 'details__job_internal_code', label: 'Job Internal Code' },
      { key: 'details__job_minimum_salary', label: 'Job Minimum Salary' },
      { key: 'details__job_maximum_salary', label: 'Job Maximum Salary' },
      { key: 'workflow_step_id', label: 'Workflow Step ID' },
      { key: 'workflow_step_name', label: 'Workflow Step' },
    ],
  },
});
