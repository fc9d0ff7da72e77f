/**
 * Details the polling triggers fetch only for items Zapier actually uses (after dedupe).
 * The keys of `hydrators` are stored inside pointers of Zaps in flight: never rename them.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import { applicationFor, flattenApplicant, type ApplicantOutput } from '../applicant-output';
import { jazzhr } from '../jazzhr/client';
import { jazzhrIdPattern } from '../jazzhr/ids';
import { ApplicantDetail, Job, User } from '../jazzhr/schemas';
import { personName } from '../people';
import { issueLines } from '../zod-issues';
import { accountCache } from './account-cache';

const requiredId = (prefix: string, label: string) =>
  zod
    .string({ error: `${label} is missing.` })
    .trim()
    .regex(jazzhrIdPattern(prefix), { error: `${label} is not a JazzHR ${prefix}_ ID.` });

function readPointer<S extends zod.ZodType>(z: ZObject, schema: S, inputData: unknown) {
  const parsed = schema.safeParse(inputData);
  if (parsed.success) return parsed.data as zod.infer<S>;
  const problems = issueLines(parsed.error.issues, () => undefined).join(' ');
  throw new z.errors.Error(
    `This record's details could not be loaded: ${problems}`,
    'invalid_pointer',
    400,
  );
}

/** The contact and profile fields of an applicant's output, with the given job's workflow step. */
const CONTACT_FIELDS = [
  'name',
  'email',
  'phone',
  'address',
  'location',
  'linkedin_url',
  'website',
  'source',
  'referrer',
  'desired_salary',
  'desired_start_date',
  'recruiter_id',
  'rating',
  'resume_link',
  'workflow_step_id',
  'applicant_progress',
] as const satisfies (keyof ApplicantOutput)[];

function applicantContact(applicant: ApplicantDetail, jobId: string) {
  const output = flattenApplicant(applicant, jobId);
  return Object.fromEntries(CONTACT_FIELDS.map((key) => [key, output[key]])) as Pick<
    ApplicantOutput,
    (typeof CONTACT_FIELDS)[number]
  >;
}

const ApplicantPointer = zod.object({
  applicant_id: requiredId('prospect', 'The applicant ID'),
  job_id: zod.string().trim().optional().default(''),
});

/** new_applicant: the applicant's contact and profile fields, for one GET /applicants/{id}. */
export async function applicantDetails(z: ZObject, bundle: Bundle) {
  const pointer = readPointer(z, ApplicantPointer, bundle.inputData);
  const applicant = await jazzhr(z, bundle).get(
    'applicants',
    pointer.applicant_id,
    ApplicantDetail,
  );
  return applicantContact(applicant, pointer.job_id);
}

const HirePointer = zod.object({
  applicant_id: requiredId('prospect', 'The hired applicant ID'),
  job_id: zod.string().trim().optional().default(''),
});

/** new_hire: the new hire's contact details and the job, for GET /applicants/{id} and /jobs/{id}. */
export async function hireDetails(z: ZObject, bundle: Bundle) {
  const pointer = readPointer(z, HirePointer, bundle.inputData);
  const client = jazzhr(z, bundle);
  const [applicant, job] = await Promise.all([
    client.get('applicants', pointer.applicant_id, ApplicantDetail),
    pointer.job_id === '' ? undefined : client.get('jobs', pointer.job_id, Job),
  ]);
  return {
    first_name: applicant.first_name,
    last_name: applicant.last_name,
    ...applicantContact(applicant, pointer.job_id),
    apply_date: applicant.apply_date,
    job_title: job?.title ?? applicationFor(applicant.jobs, pointer.job_id)?.job_title ?? '',
    job_department: job?.department ?? '',
    job_type: job?.type ?? '',
    job_city: job?.city ?? '',
    job_state: job?.state ?? '',
    job_zip: job?.zip ?? '',
    job_country: job?.country_id ?? '',
    job_hiring_lead_id: job?.hiring_lead ?? '',
    job_internal_code: job?.internal_code ?? '',
    job_minimum_salary: job?.minimum_salary ?? '',
    job_maximum_salary: job?.maximum_salary ?? '',
  };
}

/** Users change rarely and activities name the same few over and over. */
export const USER_DIRECTORY_KEY = 'jazzhr_user_directory_v1';
const USER_DIRECTORY_TTL_SECONDS = 3600;
/** An id missing from a directory this old may be a newly added user: reload once. */
const USER_DIRECTORY_REFRESH_AFTER_MS = 10 * 60 * 1000;
const USER_DIRECTORY_PAGES = 5;

const UserDirectory = zod.object({
  fetched_at: zod.number(),
  users: zod.record(zod.string(), zod.object({ name: zod.string(), email: zod.string() })),
});
type UserDirectory = zod.infer<typeof UserDirectory>;

async function userDirectory(z: ZObject, bundle: Bundle, needed: string): Promise<UserDirectory> {
  const cached = UserDirectory.safeParse(await accountCache(z).get(USER_DIRECTORY_KEY));
  if (
    cached.success &&
    (needed in cached.data.users ||
      Date.now() - cached.data.fetched_at < USER_DIRECTORY_REFRESH_AFTER_MS)
  ) {
    return cached.data;
  }
  const users = await jazzhr(z, bundle).listPages('users', User, {
    maxPages: USER_DIRECTORY_PAGES,
  });
  const directory: UserDirectory = {
    fetched_at: Date.now(),
    users: Object.fromEntries(
      users.map((user) => [
        user.id,
        { name: personName(user.first_name, user.last_name), email: user.email },
      ]),
    ),
  };
  await accountCache(z).set(USER_DIRECTORY_KEY, directory, USER_DIRECTORY_TTL_SECONDS);
  return directory;
}

const ActivityPointer = zod.object({
  user_id: zod.string().trim().optional().default(''),
  object_id: zod.string().trim().optional().default(''),
});

/**
 * new_activity: who did it and which applicant it is about. The user comes from a cached
 * directory of the account's users; the applicant costs one GET when the activity is
 * about an applicant (object ids starting `prospect_`).
 */
export async function activityPeople(z: ZObject, bundle: Bundle) {
  const pointer = readPointer(z, ActivityPointer, bundle.inputData);
  const isUser = jazzhrIdPattern('usr').test(pointer.user_id);
  const isApplicant = jazzhrIdPattern('prospect').test(pointer.object_id);
  const [directory, applicant] = await Promise.all([
    isUser ? userDirectory(z, bundle, pointer.user_id) : undefined,
    isApplicant
      ? jazzhr(z, bundle).get('applicants', pointer.object_id, ApplicantDetail)
      : undefined,
  ]);
  const user = directory?.users[pointer.user_id];
  return {
    user_name: user?.name ?? '',
    user_email: user?.email ?? '',
    applicant_name: applicant ? personName(applicant.first_name, applicant.last_name) : '',
    applicant_email: applicant?.email ?? '',
    applicant_phone: applicant?.phone ?? '',
  };
}

export const hydrators = { applicantDetails, hireDetails, activityPeople };
