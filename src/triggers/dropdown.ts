/** Shared by the hidden triggers that fill dropdowns (job_list, user_list, …), and by the operations that show a person's name. */
import type { Bundle } from 'zapier-platform-core';

/** Zapier counts dropdown pages from 0; JazzHR counts from 1. */
export function jazzhrPage(bundle: Bundle): number {
  const page = Number(bundle.meta?.page ?? 0);
  return Number.isInteger(page) && page >= 0 ? page + 1 : 1;
}

/** "First Last", trimmed; '' when both are blank or missing. */
export function personName(
  first: string | null | undefined,
  last: string | null | undefined,
): string {
  return joinNonEmpty([first, last], ' ');
}

/** Joins the parts that are not blank or missing with a separator. */
export function joinNonEmpty(
  parts: ReadonlyArray<string | null | undefined>,
  separator: string,
): string {
  return parts
    .map((part) => (part ?? '').trim())
    .filter(Boolean)
    .join(separator);
}
