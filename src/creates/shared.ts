/** Input checks and the applicant output shared by the create actions and Find Applicant. */
import type { PlainInputField, PlainOutputField, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import type { ApplicantDetail } from '../jazzhr/schemas';
import { personName } from '../triggers/dropdown';

/** Zapier sends "" (or whitespace) for fields left empty: those count as not given. */
const blankToUndefined = (value: unknown): unknown => {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

export const optionalText = zod.preprocess(
  blankToUndefined,
  zod.string({ error: 'must be text' }).optional(),
);

export const requiredText = (whatToEnter: string) =>
  zod.preprocess(
    blankToUndefined,
    zod.string({
      error: (issue) =>
        issue.input === undefined ? `is required. ${whatToEnter}` : 'must be text',
    }),
  );

export const requiredEmail = zod.preprocess(
  blankToUndefined,
  zod
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "is required. Enter the applicant's email address."
          : 'must be text',
    })
    .pipe(
      zod.email({
        error: 'is not a valid email address. Enter one like jane.doe@example.com.',
      }),
    ),
);

/** A JazzHR id with its type prefix (`prospect_…`, `job_…`); catches a mapped name or email. */
const prefixedId = (prefix: string, what: string, howToGetOne: string) =>
  zod.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`), {
    error: `must be a JazzHR ${what} ID (it starts with "${prefix}_"). ${howToGetOne}`,
  });

const APPLICANT_ID_HELP =
  'Pick the applicant from the list, or map the ID from a JazzHR trigger or a Find Applicant step.';
const JOB_ID_HELP = 'Pick the job from the list, or map a Job ID from a JazzHR step.';

export const requiredApplicantId = zod.preprocess(
  blankToUndefined,
  zod
    .string({
      error: (issue) =>
        issue.input === undefined ? `is required. ${APPLICANT_ID_HELP}` : 'must be text',
    })
    .pipe(prefixedId('prospect', 'applicant', APPLICANT_ID_HELP)),
);
export const optionalApplicantId = zod.preprocess(
  blankToUndefined,
  prefixedId('prospect', 'applicant', APPLICANT_ID_HELP).optional(),
);

export const requiredJobId = zod.preprocess(
  blankToUndefined,
  zod
    .string({
      error: (issue) =>
        issue.input === undefined ? `is required. ${JOB_ID_HELP}` : 'must be text',
    })
    .pipe(prefixedId('job', 'job', JOB_ID_HELP)),
);
export const optionalJobId = zod.preprocess(
  blankToUndefined,
  prefixedId('job', 'job', JOB_ID_HELP).optional(),
);

/**
 * Validates a step's input before anything is sent to JazzHR. Every problem is reported in one
 * error, each under the field's label as the user sees it in the Zap editor.
 */
export function parseInput<S extends zod.ZodType>(
  z: ZObject,
  schema: S,
  inputData: unknown,
  fields: readonly PlainInputField[],
): zod.infer<S> {
  const result = schema.safeParse(inputData ?? {});
  if (result.success) return result.data;
  const labels = new Map(fields.map((field) => [field.key, field.label ?? field.key]));
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `${labels.get(key) ?? key}: ${issue.message}`;
  });
  throw new z.errors.Error([...new Set(problems)].join(' '), 'invalid_input', 400);
}

/**
 * An applicant detail as a Zap step's output: lists flattened where a user maps single values
 * (the first job's ID and title, all job titles joined), nested lists kept for line items.
 */
export function flattenApplicant(detail: ApplicantDetail) {
  const firstJob = detail.jobs[0];
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
