/**
 * Channels: JazzHR routes an export by the name of the Candidate Export Integration it is sent
 * to (a recruiter's choice, or a Workflow Helper's "Send to …"). Each integration gets its own
 * URL, `…/hooks/jazzhr/{connection_id}/{channel}`, whose channel is derived from that name.
 * The app derives it; the relay accepts only what this pattern allows.
 */

export const CHANNEL_MAX_LENGTH = 40;

/** 1–40 characters of `[a-z0-9-]`, not starting or ending with `-`. */
export const CHANNEL_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export const CHANNEL_RULE =
  '1–40 characters of lower-case letters, digits and "-", not starting or ending with "-"';

export function isChannel(value: unknown): value is string {
  return typeof value === 'string' && CHANNEL_PATTERN.test(value);
}

/** Latin letters that Unicode does not decompose into a base letter and an accent. */
const UNDECOMPOSED_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * The channel for a JazzHR integration name: lower case, accents removed, every run of other
 * characters becomes `-`, trimmed of `-`, at most 40 characters. "Zapier – Payroll" becomes
 * `zapier-payroll`. An empty result ('') means the name has no letters or digits to route by.
 */
export function channelFromIntegrationName(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => UNDECOMPOSED_LETTERS[letter] ?? letter);
  return trimDashes(trimDashes(plain.replace(/[^a-z0-9]+/g, '-')).slice(0, CHANNEL_MAX_LENGTH));
}

function trimDashes(text: string): string {
  return text.replace(/^-+|-+$/g, '');
}
