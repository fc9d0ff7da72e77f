/**
 * The single source of JazzHR record types. JazzHR sends every scalar as a string,
 * sometimes a number, "" when missing and sometimes null; a list of one record comes
 * back as a bare object. The schemas accept all of that and hand the rest of the app
 * one stable shape: every declared scalar is a string ("" when absent), every list an
 * array. Keys we do not declare pass through untouched.
 */
import { z } from 'zod';

/** Normalises JazzHR's list quirk: a bare object is a one-record list; [], "", null, undefined are empty. */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null || value === '') return [];
  return [value];
}

/** A scalar as JazzHR sends it, read as a string: numbers and booleans stringified, null and missing as "". */
export const Text = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((value) => (value === undefined || value === null ? '' : String(value)));

/** JazzHR's placeholder for a date it does not have, sometimes with a zero time after it. */
const ZERO_DATE = /^0000-00-00(?:[ T]00:00:00)?$/;

/** A date (`YYYY-MM-DD`) or date and time as text; JazzHR's "0000-00-00" placeholder reads as "". */
export const DateText = Text.transform((value) => (ZERO_DATE.test(value.trim()) ? '' : value));

/** A required identifier: a non-empty string (numbers accepted and stringified). */
export const Id = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, 'JazzHR sent an empty id'));

/** A nested list that may arrive as a bare object, "", null or missing. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(asList, z.array(item));
}

/** GET /applicants list item. There is no email in the list; it is only in the detail. */
export const ApplicantSummary = z.looseObject({
  id: Id,
  first_name: Text,
  last_name: Text,
  prospect_phone: Text,
  apply_date: DateText,
  job_id: Text,
  job_title: Text,
});
export type ApplicantSummary = z.infer<typeof ApplicantSummary>;

/** An applicant's application to one job, as nested in the applicant detail. */
export const ApplicantDetailJob = z.looseObject({
  job_id: Text,
  job_title: Text,
  workflow_step_id: Text,
  applicant_progress: Text,
  hiring_lead_rating: Text,
  average_rating: Text,
});
export type ApplicantDetailJob = z.infer<typeof ApplicantDetailJob>;

/**
 * GET /activities item, and the activity entries nested in an applicant detail
 * (those carry `activity` instead of `action`, and no category/user).
 */
export const Activity = z.looseObject({
  id: Text,
  category: Text,
  team_id: Text,
  user_id: Text,
  object_id: Text,
  action: Text,
  activity: Text,
  date: DateText,
  time: Text,
});
export type Activity = z.infer<typeof Activity>;

/** A comment (note) nested in an applicant detail. Not captured: synthetic, lenient. */
export const Comment = z.looseObject({
  id: Text,
  user_id: Text,
  text: Text,
  comment: Text,
  date: DateText,
  time: Text,
});
export type Comment = z.infer<typeof Comment>;

export const QuestionnaireAnswer = z.looseObject({
  question: Text,
  answer: Text,
});
export type QuestionnaireAnswer = z.infer<typeof QuestionnaireAnswer>;

/** Category attached to an applicant. Not captured: may be an object or a bare name. */
export const ApplicantCategory = z.union([
  z.looseObject({ id: Text, name: Text }),
  z.union([z.string(), z.number()]).transform((name) => ({ id: '', name: String(name) })),
]);
export type ApplicantCategory = z.infer<typeof ApplicantCategory>;

/** Nested records whose keys are not documented at all (feedback, messages, evaluation). */
const LooseRecord = z.union([
  z.looseObject({}),
  z.union([z.string(), z.number()]).transform((value) => ({ value: String(value) })),
]);

/** GET /applicants/{id}. Not captured publicly: fields follow REFERENCE.md. */
export const ApplicantDetail = z.looseObject({
  id: Id,
  first_name: Text,
  last_name: Text,
  email: Text,
  address: Text,
  location: Text,
  phone: Text,
  linkedin_url: Text,
  website: Text,
  desired_salary: Text,
  desired_start_date: DateText,
  referrer: Text,
  source: Text,
  recruiter_id: Text,
  rating: Text,
  apply_date: DateText,
  resume_link: Text,
  jobs: listOf(ApplicantDetailJob),
  activities: listOf(Activity),
  comments: listOf(Comment),
  questionnaire: listOf(QuestionnaireAnswer),
  categories: listOf(ApplicantCategory),
  feedback: listOf(LooseRecord),
  messages: listOf(LooseRecord),
  evaluation: listOf(LooseRecord),
});
export type ApplicantDetail = z.infer<typeof ApplicantDetail>;

/** GET /jobs item and /jobs/{id}. Shape captured from real accounts (2016, 2022). */
export const Job = z.looseObject({
  id: Id,
  team_id: Text,
  title: Text,
  country_id: Text,
  city: Text,
  state: Text,
  zip: Text,
  department: Text,
  description: Text,
  minimum_salary: Text,
  maximum_salary: Text,
  notes: Text,
  original_open_date: DateText,
  type: Text,
  status: Text,
  send_to_job_boards: Text,
  hiring_lead: Text,
  board_code: Text,
  internal_code: Text,
  questionnaire: Text,
});
export type Job = z.infer<typeof Job>;

/** GET /users item. */
export const User = z.looseObject({
  id: Id,
  type: Text,
  first_name: Text,
  last_name: Text,
  email: Text,
  date_created: DateText,
});
export type User = z.infer<typeof User>;

/**
 * GET /hires item, with the fields four public clients agree on (REFERENCE.md §1a). No
 * response has been captured, so every field is optional and unknown keys pass through.
 */
export const Hire = z.looseObject({
  id: Text,
  applicant_id: Text,
  job_id: Text,
  workflow_step_id: Text,
  workflow_step_name: Text,
  hired_date: DateText,
  hired_time: DateText,
});
export type Hire = z.infer<typeof Hire>;

const firstNonEmpty = (...values: string[]): string => values.find((value) => value !== '') ?? '';

/**
 * A workflow step: an 8-digit numeric id (the value of `workflow_step_id` elsewhere), a
 * 1-based `number` and a free-text name (REFERENCE.md §1a). The keys are not published, so
 * the plausible spellings are accepted and folded into `id` / `name` / `order`.
 */
export const WorkflowStep = z
  .looseObject({
    id: Text,
    step_id: Text,
    workflow_step_id: Text,
    name: Text,
    step_name: Text,
    workflow_step_name: Text,
    title: Text,
    label: Text,
    number: Text,
    step_number: Text,
    order: Text,
    position: Text,
    sort_order: Text,
  })
  .transform((step) => ({
    ...step,
    id: firstNonEmpty(step.id, step.step_id, step.workflow_step_id),
    name: firstNonEmpty(step.name, step.step_name, step.workflow_step_name, step.title, step.label),
    order: firstNonEmpty(step.number, step.step_number, step.order, step.position, step.sort_order),
  }));
export type WorkflowStep = z.infer<typeof WorkflowStep>;

const STEP_ID_KEYS = ['id', 'step_id', 'workflow_step_id'];

/** Steps as a list, a bare object, or an object keyed by step id (`{"12345678": {…}}`). */
function stepList(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return asList(value);
  const entries = Object.entries(value);
  const keyedById =
    entries.length > 0 &&
    !STEP_ID_KEYS.some((key) => key in value) &&
    entries.every(([key, step]) => /^\d+$/.test(key) && step !== null && typeof step === 'object');
  return keyedById ? entries.map(([id, step]) => ({ id, ...(step as object) })) : [value];
}

const Steps = z.preprocess(stepList, z.array(WorkflowStep));

/**
 * GET /workflows item. Keys not captured: `steps` may be spelled `workflow_steps`, and a
 * record that carries a step id of its own (`step_id`, `workflow_step_id`) is one step of the
 * workflow named by `workflow_id` / `workflow_name` rather than a workflow with nested steps.
 */
export const Workflow = z
  .looseObject({
    id: Text,
    workflow_id: Text,
    name: Text,
    workflow_name: Text,
    title: Text,
    step_id: Text,
    workflow_step_id: Text,
    steps: Steps,
    workflow_steps: Steps,
  })
  .transform((workflow) => {
    const nested = workflow.steps.length > 0 ? workflow.steps : workflow.workflow_steps;
    const isOneStep = nested.length === 0 && (workflow.step_id || workflow.workflow_step_id);
    if (isOneStep) {
      return {
        ...workflow,
        id: workflow.workflow_id,
        name: workflow.workflow_name,
        steps: [
          WorkflowStep.parse({
            ...workflow,
            id: firstNonEmpty(workflow.step_id, workflow.workflow_step_id),
          }),
        ],
      };
    }
    return {
      ...workflow,
      id: firstNonEmpty(workflow.id, workflow.workflow_id),
      name: firstNonEmpty(workflow.name, workflow.workflow_name, workflow.title),
      steps: nested,
    };
  });
export type Workflow = z.infer<typeof Workflow>;

/** GET /applicants2jobs item: one applicant's application to one job. */
export const ApplicantJob = z.looseObject({
  id: Id,
  applicant_id: Text,
  job_id: Text,
  rating: Text,
  workflow_step_id: Text,
  date: DateText,
});
export type ApplicantJob = z.infer<typeof ApplicantJob>;

/** POST /applicants answer. */
export const CreatedApplicant = z.looseObject({ prospect_id: Id });
export type CreatedApplicant = z.infer<typeof CreatedApplicant>;

/** POST /applicants2jobs answer. Synthetic: `appjob_id` per REFERENCE.md, `id` accepted too. */
export const CreatedApplicantJob = z
  .looseObject({ appjob_id: Text, id: Text })
  .transform((created) => ({
    ...created,
    appjob_id: firstNonEmpty(created.appjob_id, created.id),
  }));
export type CreatedApplicantJob = z.infer<typeof CreatedApplicantJob>;

/** POST /notes answer. Synthetic: `comment_id` per REFERENCE.md, `id` accepted too. */
export const CreatedNote = z.looseObject({ comment_id: Text, id: Text }).transform((created) => ({
  ...created,
  comment_id: firstNonEmpty(created.comment_id, created.id),
}));
export type CreatedNote = z.infer<typeof CreatedNote>;
