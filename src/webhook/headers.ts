export const JAZZHR_HEADER = {
  event: 'X-JazzHR-Event',
  signature: 'X-JazzHR-Signature',
  uuid: 'X-JazzHR-UUID',
  exportContext: 'X-JazzHR-Export-Context',
  link: 'Link',
} as const;

export const JAZZHR_EVENT = { verify: 'VERIFY', candidateExport: 'CANDIDATE-EXPORT' } as const;

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Reads a header whatever its case. Zapier hands hook headers over as
 * `Http-X-Jazzhr-Signature` (CGI style), so that spelling, and its
 * `HTTP_X_JAZZHR_SIGNATURE` form, are accepted too; a plain spelling wins.
 * Surrounding whitespace is dropped (it is not part of an HTTP header value).
 */
export function readHeader(
  headers: HeaderBag | null | undefined,
  name: string,
): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const wanted = canonical(name);
  let prefixed: string | undefined;
  for (const [key, raw] of Object.entries(headers)) {
    const value = firstValue(raw);
    if (value === undefined) continue;
    const normalisedKey = canonical(key);
    if (normalisedKey === wanted) return value;
    if (prefixed === undefined && normalisedKey === `http-${wanted}`) prefixed = value;
  }
  return prefixed;
}

function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-');
}

function firstValue(raw: string | string[] | undefined): string | undefined {
  const value = Array.isArray(raw) ? raw.find((item) => typeof item === 'string') : raw;
  return typeof value === 'string' ? value.trim() : undefined;
}
