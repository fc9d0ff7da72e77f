/**
 * Finding an applicant by email. JazzHR has no email filter and its applicant list carries no
 * email, so a lookup lists candidates (narrowed by name when one is known), then reads the
 * details of a capped number of them, newest first, and compares emails.
 *
 * Bounds, and why: JazzHR allows about 80 requests a minute per account and Zapier gives a step
 * 30 seconds. A name-narrowed lookup reads at most 2 list pages (200 people sharing the name:
 * JazzHR's name filter is loose, "Ann Lee" also returns "Joann Leeds") and 10 details: 12
 * requests. Without a name only the newest 25 applicants can be checked (1 list page, 25
 * details), so an email-only lookup misses anyone older.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';

import { isNotFoundError, jazzhr, PAGE_SIZE } from './client';
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

const normaliseName = (name: string): string =>
  name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** `prospect_20160512184407_…` carries its creation time; ids without one sort last. */
const creationStamp = (id: string): string => /_(\d{14})_/.exec(id)?.[1] ?? '';

/** Exact first+last name matches first, then newest (by id timestamp, then apply date). */
function rankCandidates(
  candidates: ApplicantSummary[],
  firstName: string,
  lastName: string,
): ApplicantSummary[] {
  const wanted = normaliseName(`${firstName} ${lastName}`);
  const exact = (candidate: ApplicantSummary) =>
    wanted !== '' && normaliseName(`${candidate.first_name} ${candidate.last_name}`) === wanted;
  return [...candidates].sort((a, b) => {
    const byName = Number(exact(b)) - Number(exact(a));
    if (byName !== 0) return byName;
    const byStamp = creationStamp(b.id).localeCompare(creationStamp(a.id));
    if (byStamp !== 0) return byStamp;
    return b.apply_date.localeCompare(a.apply_date);
  });
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

  for (const candidate of rankCandidates(candidates, firstName, lastName).slice(0, maxDetails)) {
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
