import { createHash } from 'node:crypto';

export const JAZZHR_HEADER = {
  event: 'X-JazzHR-Event',
  signature: 'X-JazzHR-Signature',
  uuid: 'X-JazzHR-UUID',
  exportContext: 'X-JazzHR-Export-Context',
  link: 'Link',
} as const;

/** The relay's own header: when it received the export, so every reading of it dates attachments alike. */
export const RELAY_RECEIVED_AT_HEADER = 'X-Relay-Received-At';

export const JAZZHR_EVENT = { verify: 'VERIFY', candidateExport: 'CANDIDATE-EXPORT' } as const;

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * An export's headers as one value, from the relay's ingest through its store and deliveries to
 * the trigger's perform and performList. Absent and blank values are left out.
 */
export interface ExportEnvelope {
  /** X-JazzHR-Event, as sent. */
  event?: string;
  /** X-JazzHR-UUID: the export's id (deriveExportUuid stands in when there is none). */
  uuid?: string;
  /** X-JazzHR-Signature: the body's HMAC-SHA256, hex. */
  signature?: string;
  /** X-JazzHR-Export-Context: names the job the export was made from. */
  exportContext?: string;
  /** Link: the candidate's JazzHR profile, kept only when jazzhrLink accepts it. */
  link?: string;
  /** X-Relay-Received-At: when the relay received the export, ISO-8601. */
  receivedAt?: string;
}

/** An envelope as envelopeToHeaders writes it: lower-case names, as Node reads them. */
export type EnvelopeHeaders = Record<string, string>;

const asSent = (value: string) => value;
const unlessBlank = (value: string) => (value === '' ? undefined : value);

/** Each field's header, and how that header's (trimmed) value is read; undefined leaves it out. */
const ENVELOPE_FIELDS: Record<
  keyof ExportEnvelope,
  { header: string; read: (value: string) => string | undefined }
> = {
  event: { header: JAZZHR_HEADER.event, read: asSent },
  uuid: { header: JAZZHR_HEADER.uuid, read: unlessBlank },
  signature: { header: JAZZHR_HEADER.signature, read: asSent },
  exportContext: { header: JAZZHR_HEADER.exportContext, read: unlessBlank },
  link: { header: JAZZHR_HEADER.link, read: jazzhrLink },
  receivedAt: { header: RELAY_RECEIVED_AT_HEADER, read: unlessBlank },
};
const FIELD_NAMES = Object.keys(ENVELOPE_FIELDS) as Array<keyof ExportEnvelope>;

/** The envelope of headers in any spelling: Node's, Zapier's `Http-X-Jazzhr-…`, or as stored. */
export function envelopeFromHeaders(headers: HeaderBag | null | undefined): ExportEnvelope {
  const header = headerReader(headers);
  const envelope: ExportEnvelope = {};
  for (const field of FIELD_NAMES) {
    const { header: name, read } = ENVELOPE_FIELDS[field];
    const raw = header(name);
    const value = raw === undefined ? undefined : read(raw);
    if (value !== undefined) envelope[field] = value;
  }
  return envelope;
}

/** The headers of an envelope, one per value it holds: stored, listed and delivered as they are. */
export function envelopeToHeaders(envelope: ExportEnvelope): EnvelopeHeaders {
  const headers: EnvelopeHeaders = {};
  for (const field of FIELD_NAMES) {
    const value = envelope[field];
    if (value !== undefined) headers[ENVELOPE_FIELDS[field].header.toLowerCase()] = value;
  }
  return headers;
}

/**
 * Stands in for a missing X-JazzHR-UUID, in the relay and the trigger alike: the same body always
 * gets the same id, so a resent export is still deduplicated. Shaped as a UUID (version 8,
 * "custom") for consumers that expect one.
 */
export function deriveExportUuid(body: string | Uint8Array): string {
  const hex = createHash('sha256').update(body).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

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
