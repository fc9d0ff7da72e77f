/**
 * Checking a Zap step's input before anything is sent to JazzHR, for every trigger, create and
 * search: a blank field is not given, a JazzHR id carries its type prefix, and one error names
 * every problem.
 */
import type { PlainInputField, ZObject } from 'zapier-platform-core';
import { z as zod, type ZodType } from 'zod';

import { blankToUndefined } from './blank';
import { jazzhrIdPattern } from './jazzhr/ids';
import { issueLines } from './zod-issues';

/** A field typed as text: a mapped number or yes/no counts as its text. */
const textField = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : blankToUndefined(value);

export const optionalText = zod.preprocess(
  textField,
  zod.string({ error: 'must be text' }).optional(),
);

export const requiredText = (whatToEnter: string) =>
  zod.preprocess(
    textField,
    zod.string({
      error: (issue) =>
        issue.input === undefined ? `is required. ${whatToEnter}` : 'must be text',
    }),
  );

export const requiredEmail = zod.preprocess(
  textField,
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
  zod.string().regex(jazzhrIdPattern(prefix), {
    error: `must be a JazzHR ${what} ID (it starts with "${prefix}_"). ${howToGetOne}`,
  });

const APPLICANT_ID_HELP =
  'Pick the applicant from the list, or map the ID from a JazzHR trigger or a Find Applicant step.';
const JOB_ID_HELP = 'Pick the job from the list, or map a Job ID from a JazzHR step.';

const requiredId = (prefix: string, what: string, howToGetOne: string) =>
  zod.preprocess(
    textField,
    zod
      .string({
        error: (issue) =>
          issue.input === undefined ? `is required. ${howToGetOne}` : 'must be text',
      })
      .pipe(prefixedId(prefix, what, howToGetOne)),
  );
const optionalId = (prefix: string, what: string, howToGetOne: string) =>
  zod.preprocess(textField, prefixedId(prefix, what, howToGetOne).optional());

export const requiredApplicantId = requiredId('prospect', 'applicant', APPLICANT_ID_HELP);
export const optionalApplicantId = optionalId('prospect', 'applicant', APPLICANT_ID_HELP);
export const requiredJobId = requiredId('job', 'job', JOB_ID_HELP);
export const optionalJobId = optionalId('job', 'job', JOB_ID_HELP);

/**
 * A field of a polling trigger, blank or missing meaning not given; its messages name the
 * field themselves (there is no mapped number to read as text there).
 */
const optionalField = <S extends ZodType>(schema: S) =>
  zod.preprocess(blankToUndefined, schema.optional());

/** An optional JazzHR id input of a polling trigger, such as `job_…` or `prospect_…`. */
export const optionalJazzId = (prefix: string, label: string, example: string) =>
  optionalField(
    zod
      .string({ error: `${label} must be text: a JazzHR ID such as ${example}.` })
      .regex(jazzhrIdPattern(prefix), {
        error: `${label} must be a JazzHR ID that starts with "${prefix}_", such as ${example}. Pick one from the dropdown, or map an ID field from an earlier step.`,
      }),
  );

export const optionalInputText = (label: string, maxLength: number) =>
  optionalField(
    zod
      .string({ error: `${label} must be text.` })
      .max(maxLength, { error: `${label} is longer than ${maxLength} characters.` }),
  );

/**
 * Validates a step's input before anything is sent to JazzHR. Every problem is reported in one
 * error; given the step's input fields, each under the field's label as the user sees it in the
 * Zap editor (without them, the messages name their fields themselves).
 */
export function parseInput<S extends ZodType>(
  z: ZObject,
  schema: S,
  inputData: unknown,
  fields: readonly PlainInputField[] = [],
): zod.infer<S> {
  const result = schema.safeParse(inputData ?? {});
  if (result.success) return result.data as zod.infer<S>;
  const labels = new Map(fields.map((field) => [field.key, field.label ?? field.key]));
  const where = (issue: zod.core.$ZodIssue) => {
    if (fields.length === 0) return undefined;
    const key = String(issue.path[0] ?? '');
    return labels.get(key) ?? key;
  };
  throw new z.errors.Error(issueLines(result.error.issues, where).join(' '), 'invalid_input', 400);
}
