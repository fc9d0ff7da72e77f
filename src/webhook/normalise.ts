import { z } from 'zod';

import { blankToNull } from '../blank';
import { httpUrl } from '../web-link';

import { isEmptyFilter, positionMatches, type PositionFilter } from './filter';
import { deriveExportUuid, type ExportEnvelope } from './headers';
import type { CandidateExport } from './payload';

const nullableText = z.string().nullable();

export const candidateExportAttachmentSchema = z.object({
  id: nullableText,
  file_name: nullableText,
  url: nullableText,
  expires_at: nullableText,
});

export const candidateExportItemSchema = z.object({
  id: z.string(),
  candidate_id: nullableText,
  first_name: nullableText,
  last_name: nullableText,
  full_name: nullableText,
  email: nullableText,
  phone: nullableText,
  address_line: nullableText,
  city: nullableText,
  state: nullableText,
  postal_code: nullableText,
  formatted_address: nullableText,
  gender: nullableText,
  citizenship: nullableText,
  apply_date: nullableText,
  job_id: nullableText,
  job_title: nullableText,
  job_url: nullableText,
  application_id: nullableText,
  status: nullableText,
  status_category: nullableText,
  status_changed_at: nullableText,
  education_level: nullableText,
  attachments: z.array(candidateExportAttachmentSchema),
  resume_url: nullableText,
  resume_file_name: nullableText,
  profile_url: nullableText,
  export_context: nullableText,
  export_uuid: nullableText,
  received_at: z.string(),
});

export type CandidateExportAttachment = z.infer<typeof candidateExportAttachmentSchema>;
export type CandidateExportItem = z.infer<typeof candidateExportItemSchema>;

/**
 * An export as it reached the trigger: its envelope, and the body exactly as received (the id
 * is derived from it when there is no UUID). Without a receivedAt it counts as received now.
 */
export interface ReceivedExport extends ExportEnvelope {
  rawBody: string | Uint8Array;
}

/** JazzHR documents attachment links as working for 2 h 30 min after the export is sent. */
export const ATTACHMENT_LIFETIME_MS = 150 * 60 * 1000;

type Profile = NonNullable<CandidateExport['candidate']['profiles'][number]>;
type Position = NonNullable<Profile['associatedPositionOpenings'][number]>;
type Address = NonNullable<
  NonNullable<
    NonNullable<CandidateExport['candidate']['person']>['communication']
  >['address'][number]
>;

/** Turns a parsed Candidate Export into the one flat item a Zap step sees. */
export function normaliseExport(
  payload: CandidateExport,
  /** filter: the Zap's status and job filters; the item describes a job that matches them. */
  context: ReceivedExport & { filter?: PositionFilter },
): CandidateExportItem {
  const person = payload.candidate.person;
  const communication = person?.communication;
  const address = present(communication?.address)[0];
  const profiles = present(payload.candidate.profiles);
  const { profile, position } = selectPosition(profiles, context.exportContext, context.filter);
  const receivedAt = toDate(context.receivedAt);
  const attachments = collectAttachments(profile, profiles, receivedAt);
  const resume = pickResumeAttachment(attachments);
  const uuid = blankToNull(context.uuid);

  const given = blankToNull(person?.name?.given);
  const family = blankToNull(person?.name?.family);
  const citizenship = [...present(person?.citizenShip), ...present(person?.citizenship)]
    .map((value) => value.trim())
    .filter((value, index, all) => value !== '' && all.indexOf(value) === index);

  return {
    id: uuid ?? deriveExportUuid(context.rawBody),
    candidate_id: blankToNull(person?.id?.value),
    first_name: given,
    last_name: family,
    full_name:
      blankToNull(person?.name?.formattedName) ??
      blankToNull([given, family].filter(Boolean).join(' ')),
    email: firstText(present(communication?.email).map((email) => email.address)),
    phone: firstText(present(communication?.phone).map((phone) => phone.formattedNumber)),
    address_line: blankToNull(address?.line),
    city: blankToNull(address?.city),
    state: stateOf(address),
    postal_code: blankToNull(address?.postalCode),
    formatted_address: blankToNull(address?.formattedAddress),
    gender: blankToNull(person?.gender),
    citizenship: citizenship.length > 0 ? citizenship.join(', ') : null,
    apply_date: toDateOnly(person?.applyDate),
    job_id: blankToNull(position?.positionOpeningId?.value),
    job_title: blankToNull(position?.positionTitle),
    job_url: blankToNull(position?.positionUri),
    application_id: blankToNull(profile?.profileId?.value),
    status: blankToNull(position?.candidateStatus?.name),
    status_category: blankToNull(position?.candidateStatus?.category),
    status_changed_at: toIsoUtc(position?.candidateStatus?.transitionDateTime),
    education_level: firstText(
      present(profile?.education).flatMap((education) =>
        present(education.educationLevelCodes).map((code) => code.name),
      ),
    ),
    attachments,
    resume_url: resume?.url ?? null,
    resume_file_name: resume?.file_name ?? null,
    profile_url: profileUrlFromLink(context.link),
    export_context: blankToNull(context.exportContext),
    export_uuid: uuid,
    received_at: receivedAt.toISOString(),
  };
}

/**
 * The export's job. X-JazzHR-Export-Context's format is undocumented, so it is
 * matched defensively: as a job id (alone, inside JSON, or as a digit run), then
 * as a title, then as the job URL; with no context or no match, the first job. With a
 * filter, only the jobs that match it are candidates (all of them when none does).
 */
export function selectPosition(
  profiles: Profile[],
  exportContext: string | null | undefined,
  filter: PositionFilter = {},
): { profile: Profile | undefined; position: Position | undefined } {
  const allPairs = profiles.flatMap((profile) =>
    present(profile.associatedPositionOpenings).map((position) => ({ profile, position })),
  );
  const matching = isEmptyFilter(filter)
    ? allPairs
    : allPairs.filter(({ position }) => positionMatches(position, filter));
  const pairs = matching.length > 0 ? matching : allPairs;
  const fallback = pairs[0] ?? { profile: profiles[0], position: undefined };
  const contextText = blankToNull(exportContext);
  if (contextText === null || pairs.length < 2) return fallback;

  const tokens = contextTokens(contextText);
  const lowerTokens = tokens.map((token) => token.toLowerCase());
  const byId = pairs.find(({ position }) => {
    const id = blankToNull(position.positionOpeningId?.value);
    return id !== null && tokens.includes(id);
  });
  const byTitle = pairs.find(({ position }) => {
    const title = blankToNull(position.positionTitle)?.toLowerCase();
    return title !== undefined && lowerTokens.includes(title);
  });
  const byUri = pairs.find(({ position }) => {
    const uri = blankToNull(position.positionUri);
    return uri !== null && tokens.some((token) => token === uri || token.includes(uri));
  });
  return byId ?? byTitle ?? byUri ?? fallback;
}

function contextTokens(context: string): string[] {
  const tokens = [context];
  try {
    collectScalars(JSON.parse(context), tokens, 0);
  } catch {
    // Not JSON: the plain string and its digit runs are all there is.
  }
  for (const match of context.matchAll(/\d+/g)) tokens.push(match[0]);
  return tokens.map((token) => token.trim()).filter((token) => token !== '');
}

function collectScalars(value: unknown, into: string[], depth: number): void {
  if (depth > 5 || value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number') into.push(String(value));
  else if (typeof value === 'object') {
    for (const inner of Object.values(value)) collectScalars(inner, into, depth + 1);
  }
}

function collectAttachments(
  selected: Profile | undefined,
  profiles: Profile[],
  receivedAt: Date,
): CandidateExportAttachment[] {
  const ordered = selected
    ? [selected, ...profiles.filter((profile) => profile !== selected)]
    : profiles;
  const seen = new Set<string>();
  const attachments: CandidateExportAttachment[] = [];
  for (const attachment of ordered.flatMap((profile) => present(profile.attachments))) {
    const id = blankToNull(attachment.id?.value);
    const url = blankToNull(attachment.url);
    const dedupeKey = id ?? url;
    if (dedupeKey !== null && seen.has(dedupeKey)) continue;
    if (dedupeKey !== null) seen.add(dedupeKey);
    attachments.push({
      id,
      file_name: firstText(present(attachment.descriptions)),
      url,
      expires_at: url === null ? null : attachmentExpiry(url, receivedAt),
    });
  }
  return attachments;
}

const RESUME_NAME = /r[eé]sum[eé]|(^|[^a-z])cv([^a-z]|$)|curriculum/i;

/** The attachment most likely to be the résumé: the first whose name says so, else the first. */
export function pickResumeAttachment(
  attachments: CandidateExportAttachment[],
): CandidateExportAttachment | undefined {
  const withUrl = attachments.filter((attachment) => attachment.url !== null);
  return withUrl.find((attachment) => RESUME_NAME.test(attachment.file_name ?? '')) ?? withUrl[0];
}

/**
 * Attachment links are signed JWTs whose `exp` is what JazzHR enforces, so that
 * wins; a link without a readable `exp` gets the documented 2 h 30 min from receipt.
 */
export function attachmentExpiry(url: string, receivedAt: Date): string {
  return jwtExpiry(url) ?? new Date(receivedAt.getTime() + ATTACHMENT_LIFETIME_MS).toISOString();
}

const EARLIEST_PLAUSIBLE_EXP = Date.UTC(2000, 0, 1) / 1000;
const LATEST_PLAUSIBLE_EXP = Date.UTC(2200, 0, 1) / 1000;

function jwtExpiry(url: string): string | null {
  try {
    const lastSegment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
    const parts = lastSegment.split('.');
    if (parts.length !== 3 || !parts[1]) return null;
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    if (typeof exp !== 'number' || exp < EARLIEST_PLAUSIBLE_EXP || exp > LATEST_PLAUSIBLE_EXP) {
      return null;
    }
    return new Date(exp * 1000).toISOString();
  } catch {
    return null;
  }
}

/** The profile URL in a bare or RFC 8288 Link header, as `new URL` writes it; http(s) only. */
function profileUrlFromLink(link: string | undefined): string | null {
  const value = blankToNull(link);
  if (value === null) return null;
  const candidate = /<([^>]+)>/.exec(value)?.[1] ?? value;
  return httpUrl(candidate.trim())?.toString() ?? null;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * JazzHR documents `YYYY-MM-DD HH:mm:ss` in UTC but sends ISO-8601 with an
 * offset; both (and a bare date) become ISO-8601 UTC. Anything else is null.
 */
export function toIsoUtc(value: string | null | undefined): string | null {
  const match = DATE_TIME.exec(value?.trim() ?? '');
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', zone] = match;
  const millis = Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(+year!, +month! - 1, +day!, +hour, +minute, +second, millis);
  const check = new Date(utc);
  const valid =
    check.getUTCFullYear() === +year! &&
    check.getUTCMonth() === +month! - 1 &&
    check.getUTCDate() === +day! &&
    +hour < 24 &&
    +minute < 60 &&
    +second < 60;
  if (!valid) return null;
  return new Date(utc - offsetMinutes(zone) * 60_000).toISOString();
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

/** An apply date keeps its own calendar day (an offset does not move it); unreadable dates are null. */
function toDateOnly(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return toIsoUtc(trimmed) === null ? null : trimmed.slice(0, 10);
}

function stateOf(address: Address | undefined): string | null {
  const subdivisions = present(address?.countrySubdivisions);
  const state = subdivisions.find(
    (subdivision) => subdivision.type?.trim().toLowerCase() === 'state',
  );
  return blankToNull((state ?? subdivisions[0])?.value);
}

function toDate(value: string | undefined): Date {
  const date = value === undefined ? new Date() : new Date(value);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

function present<T>(items: ReadonlyArray<T | null | undefined> | null | undefined): T[] {
  return (items ?? []).filter((item): item is T => item !== null && item !== undefined);
}

function firstText(values: ReadonlyArray<string | null | undefined>): string | null {
  for (const value of values) {
    const text = blankToNull(value);
    if (text !== null) return text;
  }
  return null;
}
