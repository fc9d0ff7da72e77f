/** What a JazzHR id says by itself: `prospect_20160512184407_MYXVB4IKB2IALSSA`. */

/** An id of one type, such as `job_…` or `prospect_…`: the prefix, `_`, then letters, digits and `_`. */
export function jazzhrIdPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[A-Za-z0-9_]+$`);
}

/** The creation time inside an id (`20160512184407`, ordering as text); '' when it has none. */
export function idCreationStamp(id: string): string {
  return /^[a-z]+_(\d{14})_/i.exec(id)?.[1] ?? '';
}
