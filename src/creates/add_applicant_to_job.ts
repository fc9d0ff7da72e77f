import {
  defineCreate,
  type Bundle,
  type PlainInputField,
  type ZObject,
} from 'zapier-platform-core';
import { z as zod } from 'zod';

import { optionalText, parseInput, requiredApplicantId, requiredJobId } from '../inputs';
import { isUnconfirmedWrite, jazzhr, type JazzHRClient } from '../jazzhr/client';
import { ApplicantDetail, ApplicantJob, CreatedApplicantJob } from '../jazzhr/schemas';
import sample from '../samples/applicant_job.json';

const inputFields = [
  {
    key: 'applicant_id',
    label: 'Applicant',
    required: true,
    dynamic: 'applicant_list.id.name',
    search: 'find_applicant.id',
    helpText: 'The applicant to add. Pick one, or map an Applicant ID from an earlier step.',
  },
  {
    key: 'job_id',
    label: 'Job',
    required: true,
    dynamic: 'job_list.id.name',
    helpText: 'The job to add them to.',
  },
  {
    key: 'workflow_step_id',
    label: 'Workflow Step',
    dynamic: 'workflow_step_list.id.name',
    helpText:
      "Where they start in the job's hiring workflow. Leave empty for the first step. Ignored when they are already on this job.",
  },
] satisfies PlainInputField[];

const Input = zod.object({
  applicant_id: requiredApplicantId,
  job_id: requiredJobId,
  workflow_step_id: optionalText,
});
type Input = zod.infer<typeof Input>;

/**
 * The applicant's existing application to the job, if any. JazzHR is asked for exactly that
 * link; the answer is still filtered here in case a filter were ignored. When the list held
 * other links only, the applicant's own job list decides (it names jobs but not the link id).
 */
async function findLink(client: JazzHRClient, input: Input): Promise<Link | undefined> {
  const links = await client.list('applicants2jobs', ApplicantJob, {
    filters: { applicant_id: input.applicant_id, job_id: input.job_id },
  });
  const link = links.find(
    (candidate) =>
      candidate.applicant_id === input.applicant_id && candidate.job_id === input.job_id,
  );
  if (link) return link;
  if (links.length === 0) return undefined;
  const applicant = await client.get('applicants', input.applicant_id, ApplicantDetail);
  const job = applicant.jobs.find((candidate) => candidate.job_id === input.job_id);
  return job ? { ...linkFromInput(input, ''), workflow_step_id: job.workflow_step_id } : undefined;
}

type Link = Pick<ApplicantJob, 'id' | 'applicant_id' | 'job_id' | 'workflow_step_id'> &
  Partial<Pick<ApplicantJob, 'rating' | 'date'>>;

/** A link JazzHR did not describe itself; the id stays empty when JazzHR did not give one. */
function linkFromInput(input: Input, id: string): Link {
  return {
    id,
    applicant_id: input.applicant_id,
    job_id: input.job_id,
    workflow_step_id: input.workflow_step_id ?? '',
  };
}

function output(link: Link, outcome: 'created' | 'existing') {
  return {
    id: link.id,
    applicant_id: link.applicant_id,
    job_id: link.job_id,
    workflow_step_id: link.workflow_step_id,
    rating: link.rating ?? '',
    date: link.date ?? '',
    outcome,
  };
}

async function perform(z: ZObject, bundle: Bundle) {
  const input = parseInput(z, Input, bundle.inputData, inputFields);
  const client = jazzhr(z, bundle);

  // Checked before every POST: a replayed step finds the link its first run made.
  const existing = await findLink(client, input);
  if (existing) return output(existing, 'existing');

  let created: CreatedApplicantJob;
  try {
    created = await client.post(
      'applicants2jobs',
      {
        applicant_id: input.applicant_id,
        job_id: input.job_id,
        ...(input.workflow_step_id ? { workflow_step_id: input.workflow_step_id } : {}),
      },
      CreatedApplicantJob,
    );
  } catch (error) {
    if (!isUnconfirmedWrite(error)) throw error;
    const saved = await findLink(client, input);
    if (saved) return output(saved, 'created');
    throw new z.errors.Error(
      'JazzHR did not confirm adding the applicant to the job (it failed or did not answer). Replaying this step is safe: it checks for the application first.',
      'jazzhr_unavailable',
      503,
    );
  }
  return output(linkFromInput(input, created.appjob_id), 'created');
}

export default defineCreate({
  key: 'add_applicant_to_job',
  noun: 'Application',
  display: {
    label: 'Add Applicant to Job',
    description:
      'Adds an existing applicant to a job. Does nothing when they are already on that job.',
  },
  operation: {
    inputFields,
    perform,
    sample,
    outputFields: [
      { key: 'outcome', label: 'Outcome (Created or Existing)', type: 'string' },
      { key: 'id', label: 'Application ID', type: 'string' },
      { key: 'applicant_id', label: 'Applicant ID', type: 'string' },
      { key: 'job_id', label: 'Job ID', type: 'string' },
      { key: 'workflow_step_id', label: 'Workflow Step ID', type: 'string' },
      { key: 'rating', label: 'Rating (When Already on the Job)', type: 'string' },
      { key: 'date', label: 'Date Added (When Already on the Job)', type: 'string' },
    ],
  },
});
