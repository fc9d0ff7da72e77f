/**
 * Finding an applicant by email. JazzHR has no email filter and its applicant list carries no
 * email, so a lookup lists candidates (narrowed by name when one is known), then reads the
 * details of a capped number of them, newest first, and compares emails.
 *
 * Bounds, and why: JazzHR allows about 80 requests a minute per account and Zapier gives a step
 * 30 seconds. JazzHR's name filter is a loose substring match ("Ann Lee" also returns "Joann
 * Leeds"), so a name-narrowed lookup reads the details only of applicants whose first and last
 * name equal the ones given (case, accents and spacing aside): 1 list request and one detail per
 * true namesake, at most 2 list pages and 10 details. Without a name only the newest 25
 * applicants can be checked (1 list page, 25 details), so an email-only lookup misses anyone
 * older.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';

import { isNotFoundError, jazzhr, PAGE_SIZE } from './client';
import { idCreationStamp } from './ids';
import { ApplicantDetail, ApplicantSummary } from './schemas';

export const NAME_LOOKUP_MAX_PAGES = 2;
export const NAME_LOOKUP_MAX_DETAILS = 10;
export const EMAIL_ONLY_MAX_DETAILS = 25;

export interface ApplicantEmailQuery {
  email: string;
  firstName?: string;
  lastName?: string;
  /** Applicant details read at most (one request each). */
  maxDetails?: number;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** A name part as compared: case, accents, width and runs of spaces do not matter. */
const normaliseName = (name: string): string =>
  name.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The listed applicants whose name equals the one asked for (each part given must match, so a
 * last name alone matches every first name), newest first (id timestamp, then apply date).
 */
function trueNamesakes(
  candidates: ApplicantSummary[],
  firstName: string,
  lastName: string,
): ApplicantSummary[] {
  const [first, last] = [normaliseName(firstName), normaliseName(lastName)];
  const sameName = (candidate: ApplicantSummary) =>
    (first === '' || normaliseName(candidate.first_name) === first) &&
    (last === '' || normaliseName(candidate.last_name) === last);
  return candidates.filter(sameName).sort(newestFirst);
}

function newestFirst(a: ApplicantSummary, b: ApplicantSummary): number {
  return (
    idCreationStamp(b.id).localeCompare(idCreationStamp(a.id)) ||
    b.apply_date.localeCompare(a.apply_date)
  );
}

/**
 * The applicant whose email matches (case-insensitively), or undefined when none of the
 * applicants checked has it. JazzHR failures are thrown, never read as "not found": callers
 * decide whether to create an applicant from the answer.
 */
export async function findApplicantByEmail(
  z: ZObject,
  bundle: Bundle,
  query: ApplicantEmailQuery,
): Promise<ApplicantDetail | undefined> {
  const email = normaliseEmail(query.email ?? '');
  if (email === '') return undefined;
  const firstName = query.firstName?.trim() ?? '';
  const lastName = query.lastName?.trim() ?? '';
  const name = `${firstName} ${lastName}`.trim();
  const client = jazzhr(z, bundle);

  const maxDetails = Math.max(
    1,
    Math.floor(query.maxDetails ?? (name ? NAME_LOOKUP_MAX_DETAILS : EMAIL_ONLY_MAX_DETAILS)),
  );
  const candidates = await client.listPages('applicants', ApplicantSummary, {
    filters: name ? { name } : {},
    maxPages: name ? NAME_LOOKUP_MAX_PAGES : Math.ceil(maxDetails / PAGE_SIZE),
  });

  const ranked = name
    ? trueNamesakes(candidates, firstName, lastName)
    : [...candidates].sort(newestFirst);
  for (const candidate of ranked.slice(0, maxDetails)) {
    let detail: ApplicantDetail;
    try {
      detail = await client.get('applicants', candidate.id, ApplicantDetail);
    } catch (error) {
      // Deleted between the list and the detail read: not this one.
      if (isNotFoundError(error)) continue;
      throw error;
    }
    if (normaliseEmail(detail.email) === email) return detail;
  }
  return undefined;
}
