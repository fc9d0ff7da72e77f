import { z } from 'zod';

import { asList } from '../jazzhr/schemas';
import { issueLines, issuePath, someIssues } from '../zod-issues';

export type CandidateExportParseFailure =
  'invalid_json' | 'verify_event' | 'not_candidate_export' | 'invalid_field';

export class CandidateExportParseError extends Error {
  override readonly name = 'CandidateExportParseError';
  constructor(
    readonly reason: CandidateExportParseFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Any scalar becomes text (JazzHR sends ids as strings or numbers); null or absent becomes null. */
const text = z
  .unknown()
  .transform((value, ctx): string | null => {
    if (value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    ctx.addIssue({ code: 'custom', message: `expected text, got ${describe(value)}` });
    return z.NEVER;
  })
  .default(null);

/** JazzHR sends a one-item list as a bare object, and empty lists as null or "". */
function list<Item extends z.ZodType>(item: Item) {
  return z.preprocess(asList, z.array(item));
}

/** A record whose fields all default to null, tolerating a bare scalar where `scalarKey` is meant. */
function record<Shape extends z.ZodRawShape>(shape: Shape, scalarKey?: keyof Shape & string) {
  return z.preprocess(
    (value) =>
      scalarKey !== undefined && (typeof value === 'string' || typeof value === 'number')
        ? { [scalarKey]: value }
        : value,
    z
      .object(shape, { error: (issue) => `expected an object, got ${describe(issue.input)}` })
      .nullish(),
  );
}

// schemeId/schemeAgencyId are ignored: real payloads carry odd ones ("JazzHR Document to Candidate,").
const identifier = record({ value: text }, 'value');

const address = record({
  line: text,
  city: text,
  postalCode: text,
  formattedAddress: text,
  countrySubdivisions: list(record({ type: text, value: text }, 'value')),
});

const person = record({
  id: identifier,
  name: record({ formattedName: text, given: text, family: text }, 'formattedName'),
  gender: text,
  citizenShip: list(text),
  citizenship: list(text),
  applyDate: text,
  communication: record({
    address: list(address),
    phone: list(record({ formattedNumber: text }, 'formattedNumber')),
    email: list(record({ address: text }, 'address')),
  }),
});

const positionOpening = record({
  positionOpeningId: identifier,
  positionTitle: text,
  positionUri: text,
  candidateStatus: record({ name: text, category: text, transitionDateTime: text }, 'name'),
});

const attachment = record({ id: identifier, descriptions: list(text), url: text }, 'url');

const profile = record({
  profileId: identifier,
  associatedPositionOpenings: list(positionOpening),
  education: list(record({ educationLevelCodes: list(record({ name: text }, 'name')) })),
  attachments: list(attachment),
});

export const candidateExportSchema = z.object({
  candidate: z.object({ person, profiles: list(profile) }),
});

export type CandidateExport = z.infer<typeof candidateExportSchema>;

/**
 * The same schema compiled by zod into one generated function, on the first parse rather
 * than at load (most operations never parse an export). An input it rejects is parsed
 * again by the schema itself, so errors and their messages are the schema's own.
 */
let compiledSchema: typeof candidateExportSchema | undefined;
function exportSchema(): typeof candidateExportSchema {
  compiledSchema ??= z.compile(candidateExportSchema);
  return compiledSchema;
}

const MAX_REPORTED_ISSUES = 3;

/** Parses a Candidate Export body. Throws only CandidateExportParseError, saying what is wrong. */
export function parseCandidateExport(rawBody: string | Uint8Array): CandidateExport {
  let json: unknown;
  try {
    json = JSON.parse(decode(rawBody));
  } catch {
    throw new CandidateExportParseError(
      'invalid_json',
      'The Candidate Export body is not valid JSON. It must be the JSON JazzHR sent, unchanged.',
    );
  }
  try {
    return validate(json);
  } catch (error) {
    if (error instanceof CandidateExportParseError) throw error;
    throw new CandidateExportParseError(
      'not_candidate_export',
      'The body could not be read as a JazzHR Candidate Export.',
    );
  }
}

function validate(json: unknown): CandidateExport {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CandidateExportParseError(
      'not_candidate_export',
      `A Candidate Export body must be a JSON object with a "candidate" key; this one is ${describe(json)}.`,
    );
  }
  const body = json as Record<string, unknown>;
  if (!('candidate' in body) && typeof body.data === 'string' && /verify/i.test(body.data)) {
    throw new CandidateExportParseError(
      'verify_event',
      "This is JazzHR's VERIFY event (sent when the integration is saved), not a candidate export.",
    );
  }
  const candidate = body.candidate;
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    throw new CandidateExportParseError(
      'not_candidate_export',
      `A Candidate Export body must have a "candidate" object; this one has ${'candidate' in body ? describe(candidate) : 'none'} (keys: ${listKeys(body)}).`,
    );
  }
  const candidateFields = candidate as Record<string, unknown>;
  if (candidateFields.person == null && candidateFields.profiles == null) {
    throw new CandidateExportParseError(
      'not_candidate_export',
      'The "candidate" object has neither "person" nor "profiles", so there is no candidate to read.',
    );
  }
  const result = exportSchema().safeParse(json);
  if (result.success) return result.data;
  const problems = issueLines(result.error.issues, (issue) => issuePath(issue) || '(body)');
  throw new CandidateExportParseError(
    'invalid_field',
    `The Candidate Export has fields of the wrong type: ${someIssues(problems, MAX_REPORTED_ISSUES)}.`,
  );
}

const BYTE_ORDER_MARK = 0xfeff;

function decode(rawBody: string | Uint8Array): string {
  const textBody = typeof rawBody === 'string' ? rawBody : bytesView(rawBody).toString('utf8');
  return textBody.charCodeAt(0) === BYTE_ORDER_MARK ? textBody.slice(1) : textBody;
}

/** The bytes as a Buffer without copying them. */
function bytesView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function listKeys(body: Record<string, unknown>): string {
  const keys = Object.keys(body).slice(0, 5);
  if (keys.length === 0) return 'none';
  return keys.map((key) => JSON.stringify(key.slice(0, 40))).join(', ');
}
