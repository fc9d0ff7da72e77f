/** How the app names a person (a JazzHR user or applicant) to the people using it. */
import { joinNonEmpty } from './blank';

/** "First Last", trimmed; '' when both are blank or missing. */
export function personName(
  first: string | null | undefined,
  last: string | null | undefined,
): string {
  return joinNonEmpty([first, last], ' ');
}

/** "Dana Whitfield (dana.whitfield@example.com)"; whichever of the two is there alone, else the fallback. */
export function nameWithEmail(name: string, email: string, fallback: string): string {
  const [shownName, shownEmail] = [name.trim(), email.trim()];
  if (shownName && shownEmail) return `${shownName} (${shownEmail})`;
  return shownName || shownEmail || fallback;
}
