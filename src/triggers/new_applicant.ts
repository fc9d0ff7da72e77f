import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import { jazzhr } from '../jazzhr/client';
import { ApplicantSummary } from '../jazzhr/schemas';
import sample from '../samples/new_applicant.json';
import { optionalJazzId, parseInput } from '../inputs';
import { idCreationStamp } from '../jazzhr/ids';
import { personName } from '../people';
import { applicantDetails } from './hydrators';
import { DEDUPE_PAGES, newestFirst, pollMode, withDetails } from './polling';

const Input = zod.object({
  job_id: optionalJazzId('job', 'Job', 'job_20160512181416_C2ZAFIUBO61DKFDA'),
});

async function perform(z: ZObject, bundle: Bundle) {
  const { job_id } = parseInput(z, Input, bundle.inputData);
  const client = jazzhr(z, bundle);
  const filters = { job_id };
  const listed =
    pollMode(bundle) === 'dedupe'
      ? await client.listPages('applicants', ApplicantSummary, { filters, maxPages: DEDUPE_PAGES })
      : await client.list('applicants', ApplicantSummary, { filters });

  // JazzHR sorts by apply date only roughly and not at all within a day; the id carries
  // the exact creation time.
  const applicants = newestFirst(listed, (a) => [a.apply_date, idCreationStamp(a.id), a.id]).map(
    (a) => ({
      id: a.id,
      first_name: a.first_name,
      last_name: a.last_name,
      name: personName(a.first_name, a.last_name),
      phone: a.prospect_phone,
      apply_date: a.apply_date,
      job_id: a.job_id,
      job_title: a.job_title,
    }),
  );
  if (pollMode(bundle) === 'dedupe') return applicants;
  return withDetails(z, bundle, applicants, applicantDetails, (a) => ({
    applicant_id: a.id,
    job_id: a.job_id,
  }));
}

export default defineTrigger({
  key: 'new_applicant',
  noun: 'Applicant',
  display: {
    label: 'New Applicant',
    description: 'Triggers when someone applies to a job, or is added as an applicant.',
  },
  operation: {
    type: 'polling',
    inputFields: [
      {
        key: 'job_id',
        label: 'Job',
        dynamic: 'job_list.id.name',
        helpText: 'Only trigger for applicants to this job. Leave empty for applicants to any job.',
      },
    ],
    perform,
    sample,
    outputFields: [
      { key: 'id', label: 'Applicant ID' },
      { key: 'name', label: 'Full Name' },
      { key: 'first_name', label: 'First Name' },
      { key: 'last_name', label: 'Last Name' },
      { key: 'phone', label: 'Phone' },
      { key: 'apply_date', label: 'Apply Date' },
      { key: 'job_id', label: 'Job ID' },
      { key: 'job_title', label: 'Job Title' },
      { key: 'details__name', label: 'Full Name (From Profile)' },
      { key: 'details__email', label: 'Email' },
      { key: 'details__phone', label: 'Phone (From Profile)' },
      { key: 'details__address', label: 'Address' },
      { key: 'details__location', label: 'Location' },
      { key: 'details__linkedin_url', label: 'LinkedIn URL' },
      { key: 'details__website', label: 'Website' },
      { key: 'details__source', label: 'Source' },
      { key: 'details__referrer', label: 'Referrer' },
      { key: 'details__desired_salary', label: 'Desired Salary' },
      { key: 'details__desired_start_date', label: 'Desired Start Date' },
      { key: 'details__recruiter_id', label: 'Recruiter User ID' },
      { key: 'details__rating', label: 'Rating' },
      { key: 'details__resume_link', label: 'Resume Link (Opens in JazzHR)' },
      { key: 'details__workflow_step_id', label: 'Workflow Step ID' },
      { key: 'details__applicant_progress', label: 'Applicant Progress' },
    ],
  },
});
