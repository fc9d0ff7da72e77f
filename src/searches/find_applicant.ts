import {
  defineSearch,
  type Bundle,
  type PlainInputField,
  type ZObject,
} from 'zapier-platform-core';
import { z as zod } from 'zod';

import { applicantOutputFields, flattenApplicant } from '../applicant-output';
import { optionalApplicantId, optionalText, parseInput } from '../inputs';
import {
  EMAIL_ONLY_MAX_DETAILS,
  findApplicantByEmail,
  NAME_LOOKUP_MAX_DETAILS,
  NAME_LOOKUP_MAX_PAGES,
} from '../jazzhr/applicant-lookup';
import { isNotFoundError, jazzhr, PAGE_SIZE } from '../jazzhr/client';
import { ApplicantDetail } from '../jazzhr/schemas';
import sample from '../samples/applicant.json';

const inputFields = [
  {
    key: 'email',
    label: 'Email',
    helpText:
      `JazzHR cannot search by email, so this checks applicants one by one. With First and Last Name it lists people ` +
      `with that name (one JazzHR request per ${PAGE_SIZE}, up to ${NAME_LOOKUP_MAX_PAGES * PAGE_SIZE} of them) and reads only those whose first and last name ` +
      `equal these, case and accents aside (one request each, the ${NAME_LOOKUP_MAX_DETAILS} newest at most): someone whose name is spelled ` +
      `differently in JazzHR is not found. With the email alone only the ${EMAIL_ONLY_MAX_DETAILS} newest applicants are checked ` +
      `(one request each), so older ones are not found.`,
  },
  {
    key: 'first_name',
    label: 'First Name',
    helpText:
      'Strongly recommended with Email: it lets the search reach older applicants. Enter it as JazzHR has it.',
  },
  { key: 'last_name', label: 'Last Name', helpText: 'Strongly recommended with Email.' },
  {
    key: 'applicant_id',
    label: 'Applicant ID',
    dynamic: 'applicant_list.id.name',
    helpText:
      'Look the applicant up by JazzHR ID instead (exact). When given, Email and Name are ignored.',
  },
] satisfies PlainInputField[];

const Input = zod
  .object({
    email: optionalText.pipe(
      zod
        .email({ error: 'is not a valid email address. Enter one like jane.doe@example.com.' })
        .optional(),
    ),
    first_name: optionalText,
    last_name: optionalText,
    applicant_id: optionalApplicantId,
  })
  .superRefine((input, context) => {
    if (!input.email && !input.applicant_id) {
      context.addIssue({
        code: 'custom',
        path: ['email'],
        message:
          'enter the applicant’s email address (with their first and last name if you have them), or fill in Applicant ID instead.',
      });
    }
  });

async function perform(z: ZObject, bundle: Bundle) {
  const input = parseInput(z, Input, bundle.inputData, inputFields);
  if (input.applicant_id) {
    try {
      const detail = await jazzhr(z, bundle).get('applicants', input.applicant_id, ApplicantDetail);
      return [flattenApplicant(detail)];
    } catch (error) {
      if (isNotFoundError(error)) return [];
      throw error;
    }
  }
  const found = await findApplicantByEmail(z, bundle, {
    email: input.email ?? '',
    firstName: input.first_name,
    lastName: input.last_name,
  });
  return found ? [flattenApplicant(found)] : [];
}

export default defineSearch({
  key: 'find_applicant',
  noun: 'Applicant',
  display: {
    label: 'Find Applicant',
    description:
      'Finds an applicant by email (best with their name) or by applicant ID, with their jobs and contact details.',
  },
  operation: {
    inputFields,
    perform,
    sample,
    outputFields: applicantOutputFields,
  },
});
