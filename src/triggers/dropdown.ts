/** Shared by the hidden triggers that fill dropdowns (job_list, user_list, …). */
import type { Bundle } from 'zapier-platform-core';

/** Zapier counts dropdown pages from 0; JazzHR counts from 1. */
export function jazzhrPage(bundle: Bundle): number {
  const page = Number(bundle.meta?.page ?? 0);
  return Number.isInteger(page) && page >= 0 ? page + 1 : 1;
}
