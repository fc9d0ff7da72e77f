import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';

import { jazzhr } from '../jazzhr/client';
import { ApplicantSummary } from '../jazzhr/schemas';
import sample from '../samples/applicant_list.json';
import { joinNonEmpty } from '../blank';
import { idCreationStamp } from '../jazzhr/ids';
import { personName } from '../people';
import { jazzhrPage } from './dropdown';

/** "Alan Turing — Software Craftsman Developer" */
export function applicantLabel(applicant: ApplicantSummary): string {
  const name = personName(applicant.first_name, applicant.last_name) || `Applicant ${applicant.id}`;
  return joinNonEmpty([name, applicant.job_title], ' — ');
}

/** JazzHR lists roughly newest first but not in order within a day; sort each page properly. */
function newestFirst(a: ApplicantSummary, b: ApplicantSummary): number {
  return (
    b.apply_date.localeCompare(a.apply_date) ||
    idCreationStamp(b.id).localeCompare(idCreationStamp(a.id))
  );
}

export async function perform(z: ZObject, bundle: Bundle) {
  const applicants = await jazzhr(z, bundle).list('applicants', ApplicantSummary, {
    page: jazzhrPage(bundle),
  });
  return [...applicants].sort(newestFirst).map((applicant) => ({
    id: applicant.id,
    name: applicantLabel(applicant),
    first_name: applicant.first_name,
    last_name: applicant.last_name,
    job_id: applicant.job_id,
    job_title: applicant.job_title,
    apply_date: applicant.apply_date,
  }));
}

export default defineTrigger({
  key: 'applicant_list',
  noun: 'Applicant',
  display: {
    label: 'List Applicants',
    description: 'Lists applicants, newest first, to fill applicant dropdowns.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample,
    outputFields: [
      { key: 'id', label: 'Applicant ID' },
      { key: 'name', label: 'Applicant (Name — Job)' },
      { key: 'first_name', label: 'First Name' },
      { key: 'last_name', label: 'Last Name' },
      { key: 'job_id', label: 'Job ID' },
      { key: 'job_title', label: 'Job Title' },
      { key: 'apply_date', label: 'Apply Date', type: 'datetime' },
    ],
  },
});
