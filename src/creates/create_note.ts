import {
  defineCreate,
  type Bundle,
  type PlainInputField,
  type ZObject,
} from 'zapier-platform-core';
import { z as zod } from 'zod';

import { optionalText, parseInput, requiredApplicantId, requiredText } from '../inputs';
import { jazzhr } from '../jazzhr/client';
import { CreatedNote } from '../jazzhr/schemas';
import sample from '../samples/note.json';

export const ANONYMOUS_USER = 'usr_anonymous';

/**
 * Visibility → JazzHR's `security` code. UNCONFIRMED: JazzHR does not document the codes;
 * "1" = everyone comes from REFERENCE.md (one source), and one public integration sends "0".
 * Users' Zaps store the words, so correcting a code later is a change here only.
 */
export const SECURITY_CODES = { everyone: '1', private: '0' } as const;

const inputFields = [
  {
    key: 'applicant_id',
    label: 'Applicant',
    required: true,
    dynamic: 'applicant_list.id.name',
    search: 'find_applicant.id',
    helpText:
      'The applicant the note is about. Pick one, or map an Applicant ID from an earlier step.',
  },
  { key: 'contents', label: 'Note', required: true, type: 'text' },
  {
    key: 'visibility',
    label: 'Who Can See It',
    required: true,
    default: 'everyone',
    choices: [
      { value: 'everyone', sample: 'everyone', label: 'Everyone who can see the applicant' },
      { value: 'private', sample: 'private', label: 'Private' },
    ],
    helpText:
      'JazzHR does not publish what its visibility codes mean, so this choice is unconfirmed: check the first note in JazzHR before relying on "Private" for sensitive notes.',
  },
  {
    key: 'user_id',
    label: 'Author',
    dynamic: 'user_list.id.name',
    helpText: 'The JazzHR user shown as the author. Leave empty to post it anonymously.',
  },
] satisfies PlainInputField[];

const Input = zod.object({
  applicant_id: requiredApplicantId,
  contents: requiredText('Enter the text of the note.'),
  user_id: optionalText
    .pipe(
      zod
        .string()
        .regex(/^usr_[A-Za-z0-9_]+$/, {
          error: 'must be a JazzHR user ID (it starts with "usr_"). Pick the author from the list.',
        })
        .optional(),
    )
    .transform((id) => id ?? ANONYMOUS_USER),
  visibility: zod.preprocess(
    (value) => (value === undefined || value === '' ? 'everyone' : value),
    zod.enum(['everyone', 'private'], { error: 'must be "everyone" or "private".' }),
  ),
});

async function perform(z: ZObject, bundle: Bundle) {
  const input = parseInput(z, Input, bundle.inputData, inputFields);
  const security = SECURITY_CODES[input.visibility];
  const created = await jazzhr(z, bundle).post(
    'notes',
    {
      applicant_id: input.applicant_id,
      user_id: input.user_id,
      contents: input.contents,
      security,
    },
    CreatedNote,
  );
  return {
    id: created.comment_id,
    applicant_id: input.applicant_id,
    user_id: input.user_id,
    contents: input.contents,
    visibility: input.visibility,
    security,
  };
}

export default defineCreate({
  key: 'create_note',
  noun: 'Note',
  display: {
    label: 'Add Note to Applicant',
    description: "Adds a note (comment) to an applicant's profile.",
  },
  operation: {
    inputFields,
    perform,
    sample,
    outputFields: [
      { key: 'id', label: 'Note ID', type: 'string' },
      { key: 'applicant_id', label: 'Applicant ID', type: 'string' },
      { key: 'user_id', label: 'Author User ID', type: 'string' },
      { key: 'contents', label: 'Note', type: 'string' },
      { key: 'visibility', label: 'Who Can See It', type: 'string' },
      { key: 'security', label: 'JazzHR Security Code', type: 'string' },
    ],
  },
});
