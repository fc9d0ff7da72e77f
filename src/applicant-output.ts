/** An applicant detail as a Zap step's output: the create actions, Find Applicant and the polling triggers' details. */
import type { PlainOutputField } from 'zapier-platform-core';

import type { ApplicantDetail, ApplicantDetailJob } from './jazzhr/schemas';
import { personName } from './people';

/** The application for a job, or the first one listed when the job is not given or not found. */
export const applicationFor = (jobs: ApplicantDetailJob[], jobId = '') =>
  (jobId === '' ? undefined : jobs.find((job) => job.job_id === jobId)) ?? jobs[0];

/**
 * An applicant detail as a Zap step's output: lists flattened where a user maps single values
 * (the given job's ID and title, else the first job's; all job titles joined), nested lists
 * kept for line items.
 */
export function flattenApplicant(detail: ApplicantDetail, jobId = '') {
  const firstJob = applicationFor(detail.jobs, jobId);
  return {
    id: detail.id,
    first_name: detail.first_name,
    last_name: detail.last_name,
    name: personName(detail.first_name, detail.last_name),
    email: detail.email,
    phone: detail.phone,
    address: detail.address,
    location: detail.location,
    linkedin_url: detail.linkedin_url,
    website: detail.website,
    source: detail.source,
    referrer: detail.referrer,
    recruiter_id: detail.recruiter_id,
    rating: detail.rating,
    apply_date: detail.apply_date,
    desired_salary: detail.desired_salary,
    desired_start_date: detail.desired_start_date,
    resume_link: detail.resume_link,
    job_id: firstJob?.job_id ?? '',
    job_title: firstJob?.job_title ?? '',
    workflow_step_id: firstJob?.workflow_step_id ?? '',
    applicant_progress: firstJob?.applicant_progress ?? '',
    job_titles: detail.jobs
      .map((job) => job.job_title)
      .filter(Boolean)
      .join(', '),
    jobs: detail.jobs.map((job) => ({
      job_id: job.job_id,
      job_title: job.job_title,
      workflow_step_id: job.workflow_step_id,
      applicant_progress: job.applicant_progress,
    })),
    questionnaire: detail.questionnaire.map(({ question, answer }) => ({ question, answer })),
  };
}
export type ApplicantOutput = ReturnType<typeof flattenApplicant>;

export const applicantOutputFields = [
  { key: 'id', label: 'Applicant ID', type: 'string' },
  { key: 'first_name', label: 'First Name', type: 'string' },
  { key: 'last_name', label: 'Last Name', type: 'string' },
  { key: 'name', label: 'Full Name', type: 'string' },
  { key: 'email', label: 'Email', type: 'string' },
  { key: 'phone', label: 'Phone', type: 'string' },
  { key: 'address', label: 'Address', type: 'string' },
  { key: 'location', label: 'Location', type: 'string' },
  { key: 'linkedin_url', label: 'LinkedIn URL', type: 'string' },
  { key: 'website', label: 'Website', type: 'string' },
  { key: 'source', label: 'Source', type: 'string' },
  { key: 'referrer', label: 'Referrer', type: 'string' },
  { key: 'recruiter_id', label: 'Recruiter User ID', type: 'string' },
  { key: 'rating', label: 'Rating', type: 'string' },
  { key: 'apply_date', label: 'Apply Date', type: 'string' },
  { key: 'desired_salary', label: 'Desired Salary', type: 'string' },
  { key: 'desired_start_date', label: 'Desired Start Date', type: 'string' },
  { key: 'resume_link', label: 'Resume Link (Opens in JazzHR When Signed In)', type: 'string' },
  { key: 'job_id', label: 'Job ID (First Job Listed)', type: 'string' },
  { key: 'job_title', label: 'Job Title (First Job Listed)', type: 'string' },
  { key: 'workflow_step_id', label: 'Workflow Step ID (First Job Listed)', type: 'string' },
  { key: 'applicant_progress', label: 'Workflow Status (First Job Listed)', type: 'string' },
  { key: 'job_titles', label: 'All Job Titles', type: 'string' },
  { key: 'jobs[]job_id', label: 'Jobs: Job ID', type: 'string' },
  { key: 'jobs[]job_title', label: 'Jobs: Job Title', type: 'string' },
  { key: 'jobs[]workflow_step_id', label: 'Jobs: Workflow Step ID', type: 'string' },
  { key: 'jobs[]applicant_progress', label: 'Jobs: Workflow Status', type: 'string' },
  { key: 'questionnaire[]question', label: 'Questionnaire: Question', type: 'string' },
  { key: 'questionnaire[]answer', label: 'Questionnaire: Answer', type: 'string' },
] satisfies PlainOutputField[];
