import {
  defineCreate,
  type Bundle,
  type PlainInputField,
  type ZObject,
} from 'zapier-platform-core';
import { z as zod } from 'zod';

import {
  findApplicantByEmail,
  NAME_LOOKUP_MAX_DETAILS,
  NAME_LOOKUP_MAX_PAGES,
} from '../jazzhr/applicant-lookup';
import { isUnconfirmedWrite, jazzhr, PAGE_SIZE } from '../jazzhr/client';
import { applicantOutputFields, flattenApplicant } from '../applicant-output';
import { optionalJobId, optionalText, parseInput, requiredEmail, requiredText } from '../inputs';
import { ApplicantDetail, CreatedApplicant } from '../jazzhr/schemas';
import applicantSample from '../samples/applicant.json';
import { withPrivateErrors } from '../private-errors';
import { downloadResumeAsBase64, RESUME_MAX_BYTES } from './resume-download';

const RETURN_EXISTING = 'return_existing';
const CREATE_ANYWAY = 'create_anyway';

const inputFields = [
  { key: 'first_name', label: 'First Name', required: true },
  { key: 'last_name', label: 'Last Name', required: true },
  {
    key: 'email',
    label: 'Email',
    required: true,
    helpText: 'Also used to recognise an applicant who is already in JazzHR.',
  },
  {
    key: 'on_duplicate',
    label: 'If the Applicant Already Exists',
    required: true,
    default: RETURN_EXISTING,
    choices: [
      {
        value: RETURN_EXISTING,
        sample: RETURN_EXISTING,
        label: 'Return the existing applicant (create nothing)',
      },
      { value: CREATE_ANYWAY, sample: CREATE_ANYWAY, label: 'Create a new applicant anyway' },
    ],
    helpText:
      `JazzHR cannot search by email, so this lists applicants by name and compares emails. It costs one JazzHR request ` +
      `(two past ${PAGE_SIZE} similar names), plus one for each applicant whose first and last name equal these, case and accents aside ` +
      `(the ${NAME_LOOKUP_MAX_DETAILS} newest at most). It cannot see an existing applicant whose name is spelled differently in JazzHR ` +
      `(a nickname, a changed surname, a typo), nor one beyond the ${NAME_LOOKUP_MAX_PAGES * PAGE_SIZE} newest that JazzHR's name filter lists. ` +
      'An existing applicant is returned unchanged: the details and resume entered here are not applied. ' +
      'This check also keeps a replayed step from adding the applicant twice; "Create anyway" skips it.',
  },
  { key: 'phone', label: 'Phone' },
  { key: 'address', label: 'Street Address' },
  { key: 'city', label: 'City' },
  { key: 'state', label: 'State / Province' },
  { key: 'postal', label: 'Postal Code' },
  {
    key: 'job_id',
    label: 'Job',
    dynamic: 'job_list.id.name',
    helpText:
      'The job they are applying for. Leave empty to add them without a job (use "Add Applicant to Job" later).',
  },
  {
    key: 'workflow_step_id',
    label: 'Workflow Step',
    dynamic: 'workflow_step_list.id.name',
    helpText:
      "Where they start in the job's hiring workflow. Needs a Job. Leave empty for the workflow's first step.",
  },
  {
    key: 'source',
    label: 'Source',
    helpText: 'Where the applicant came from, e.g. "Career Fair" or "Employee Referral".',
  },
  { key: 'linkedin', label: 'LinkedIn Profile URL' },
  { key: 'website', label: 'Website' },
  { key: 'cover_letter', label: 'Cover Letter', type: 'text' },
  {
    key: 'resume',
    label: 'Resume',
    type: 'file',
    helpText: `A PDF or Word file from an earlier step, up to ${RESUME_MAX_BYTES / (1024 * 1024)} MB.`,
  },
] satisfies PlainInputField[];

const Input = zod
  .object({
    first_name: requiredText("Enter the applicant's first name."),
    last_name: requiredText("Enter the applicant's last name."),
    email: requiredEmail,
    on_duplicate: zod.preprocess(
      (value) => (value === undefined || value === '' ? RETURN_EXISTING : value),
      zod.enum([RETURN_EXISTING, CREATE_ANYWAY], {
        error: `must be "${RETURN_EXISTING}" or "${CREATE_ANYWAY}".`,
      }),
    ),
    phone: optionalText,
    address: optionalText,
    city: optionalText,
    state: optionalText,
    postal: optionalText,
    job_id: optionalJobId,
    workflow_step_id: optionalText,
    source: optionalText,
    linkedin: optionalText,
    website: optionalText,
    cover_letter: optionalText,
    resume: optionalText,
  })
  .superRefine((input, context) => {
    if (input.workflow_step_id && !input.job_id) {
      context.addIssue({
        code: 'custom',
        path: ['workflow_step_id'],
        message:
          'needs a Job: a workflow step belongs to a job. Pick the Job too, or clear Workflow Step.',
      });
    }
  });
type Input = zod.infer<typeof Input>;

/** Our field names → JazzHR's POST /applicants names (REFERENCE.md); unset fields are left out. */
function jazzhrBody(input: Input, resumeBase64: string | undefined): Record<string, unknown> {
  const body: Record<string, string | undefined> = {
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email,
    phone: input.phone,
    address: input.address,
    city: input.city,
    state: input.state,
    postal: input.postal,
    job: input.job_id,
    workflow_step_id: input.workflow_step_id,
    source: input.source,
    linkedin: input.linkedin,
    website: input.website,
    coverletter: input.cover_letter,
    'base64-resume': resumeBase64,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** What we know without JazzHR's detail, for when reading the new applicant back fails. */
function detailFromInput(id: string, input: Input): ApplicantDetail {
  return ApplicantDetail.parse({
    id,
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email,
    phone: input.phone,
    address: input.address,
    location: [input.city, input.state, input.postal].filter(Boolean).join(', '),
    linkedin_url: input.linkedin,
    website: input.website,
    source: input.source,
    jobs: input.job_id ? { job_id: input.job_id, workflow_step_id: input.workflow_step_id } : [],
  });
}

async function perform(z: ZObject, bundle: Bundle) {
  const input = parseInput(z, Input, bundle.inputData, inputFields);
  const checkForExisting = input.on_duplicate === RETURN_EXISTING;
  const lookup = () =>
    findApplicantByEmail(z, bundle, {
      email: input.email,
      firstName: input.first_name,
      lastName: input.last_name,
    });

  // Runs before every POST, so a replay of a step whose POST went through finds that applicant.
  if (checkForExisting) {
    const existing = await lookup();
    if (existing) return { ...flattenApplicant(existing), outcome: 'existing' };
  }

  const resume = input.resume ? await downloadResumeAsBase64(z, input.resume) : undefined;
  const client = jazzhr(z, bundle);
  let created: CreatedApplicant;
  try {
    created = await client.post('applicants', jazzhrBody(input, resume), CreatedApplicant);
  } catch (error) {
    if (!isUnconfirmedWrite(error)) throw error;
    // JazzHR failed or the answer was lost after it may have saved the applicant.
    const saved = checkForExisting ? await lookup() : undefined;
    if (saved) return { ...flattenApplicant(saved), outcome: 'created' };
    throw new z.errors.Error(
      checkForExisting
        ? 'JazzHR did not confirm the new applicant (it failed or did not answer). Replaying this step is safe: it looks for the applicant first and will not add them twice.'
        : 'JazzHR did not confirm the new applicant (it failed or did not answer), but may have saved it. Check JazzHR before replaying: with "Create a new applicant anyway" a replay can add them twice.',
      'jazzhr_unavailable',
      503,
    );
  }

  let detail: ApplicantDetail;
  try {
    detail = await client.get('applicants', created.prospect_id, ApplicantDetail);
  } catch {
    // The applicant exists; failing the step now would only invite a replay.
    detail = detailFromInput(created.prospect_id, input);
  }
  return { ...flattenApplicant(detail), outcome: 'created' };
}

export default defineCreate({
  key: 'create_applicant',
  noun: 'Applicant',
  display: {
    label: 'Create Applicant',
    description:
      'Adds an applicant, optionally to a job, with their resume. Returns the existing applicant instead when one has the same name and email.',
  },
  operation: {
    inputFields,
    // Its input holds the résumé link, whose token is the access to the file (see private-errors).
    perform: withPrivateErrors(perform),
    sample: { ...applicantSample, outcome: 'created' },
    outputFields: [
      { key: 'outcome', label: 'Outcome (Created or Existing)', type: 'string' },
      ...applicantOutputFields,
    ],
  },
});
