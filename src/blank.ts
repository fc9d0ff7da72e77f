/**
 * Blank means absent: JazzHR and Zapier both send "" (or only spaces) for a value that is not
 * there, and sometimes null. Every part of the app reads such values through these.
 */

/** The trimmed text, or null when it is blank or missing. */
export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Text trimmed, and blank text or null as undefined (not given); anything else as it is. */
export function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value !== 'string') return value;
  return blankToNull(value) ?? undefined;
}

/** Joins the parts that are not blank or missing with a separator, each trimmed. */
export function joinNonEmpty(
  parts: ReadonlyArray<string | null | undefined>,
  separator: string,
): string {
  return parts
    .map((part) => (part ?? '').trim())
    .filter(Boolean)
    .join(separator);
}
