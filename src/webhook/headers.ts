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
  return headerReader(headers)(name);
}

/**
 * readHeader for several names over one request: every header name is normalised once,
 * not once per lookup. The first header of each normalised name wins, as in readHeader.
 */
export function headerReader(
  headers: HeaderBag | null | undefined,
): (name: string) => string | undefined {
  const byName = new Map<string, string>();
  if (headers !== null && typeof headers === 'object') {
    for (const key of Object.keys(headers)) {
      const value = firstValue(headers[key]);
      if (value === undefined) continue;
      const normalisedKey = canonical(key);
      if (!byName.has(normalisedKey)) byName.set(normalisedKey, value);
    }
  }
  return (name) => {
    const wanted = canonical(name);
    return byName.get(wanted) ?? byName.get(`http-${wanted}`);
  };
}

function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.includes('_') ? lower.replace(/_/g, '-') : lower;
}

function firstValue(raw: string | string[] | undefined): string | undefined {
  const value = Array.isArray(raw) ? raw.find((item) => typeof item === 'string') : raw;
  return typeof value === 'string' ? value.trim() : undefined;
}

const JAZZHR_LINK_HOSTS = ['jazz.co', 'jazzhr.com'];

/**
 * The Link header's value when it points to JazzHR: an https URL on jazz.co, jazzhr.com or a
 * subdomain, alone or as `<url>; rel=…`. The signature does not cover Link, so anything else
 * could be a sender's lure and is dropped.
 */
export function jazzhrLink(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const candidate = (/^<([^>]*)>/.exec(value)?.[1] ?? value).trim();
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  const onJazzhr = JAZZHR_LINK_HOSTS.some((name) => host === name || host.endsWith(`.${name}`));
  return url.protocol === 'https:' && onJazzhr && url.username === '' && url.password === ''
    ? value
    : undefined;
}
