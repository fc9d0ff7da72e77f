import type { CandidateExport } from './payload';

/**
 * What identifies the candidate of an export when they ask to be erased: each email address
 * (trimmed, lower-cased) and JazzHR's person id, each as one tagged text so the two never collide.
 */
export function candidateIdentifiers({ candidate }: CandidateExport): string[] {
  const emails = (candidate.person?.communication?.email ?? []).map((email) => email?.address);
  const identifiers = [
    ...emails.filter(isPresent).map(emailIdentifier),
    ...[candidate.person?.id?.value].filter(isPresent).map(personIdentifier),
  ];
  return [...new Set(identifiers)];
}

export function emailIdentifier(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

export function personIdentifier(id: string): string {
  return `person:${id.trim()}`;
}

function isPresent(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.trim() !== '';
}
