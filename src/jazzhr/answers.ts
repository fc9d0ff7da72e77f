/**
 * JazzHR's answers read into data or a typed failure (with the request path they
 * answer and the schema checks of their records). No transport here: the client
 * sends the requests. It imports nothing from Zapier so the relay server can share it.
 */
import type { z, ZodType } from 'zod';

import { scrubSecrets } from '../scrub-secrets';
import { issueLines, issuePath } from '../zod-issues';
import { asList } from './schemas';

export const DEFAULT_BASE_URL = 'https://api.resumatorapi.com/v1';
export const PAGE_SIZE = 100;
export const DEFAULT_THROTTLE_SECONDS = 60;
export const DEFAULT_OUTAGE_RETRY_SECONDS = 30;
/** Added to every retry delay so Zaps throttled together do not all come back in the same second. */
export const RETRY_JITTER_SECONDS = 10;
const MAX_RETRY_SECONDS = 3600;

export type Filters = Record<string, string | number | null | undefined>;

export const RECONNECT_ADVICE =
  'Reconnect your JazzHR account in Zapier with the current API key from JazzHR Settings → Integrations (only JazzHR admins can see it).';

/** For a connection without a key; also tells a developer where `zapier-platform invoke` reads it. */
export const NO_API_KEY_MESSAGE =
  'No JazzHR API key is connected. Reconnect your JazzHR account in Zapier with the API key from JazzHR Settings → Integrations (only JazzHR admins can see it). Running `zapier-platform invoke` locally? It reads the key from `authData_api_key=…` in the `.env` file beside package.json.';

export type FailureKind =
  | 'bad_input'
  | 'rejected'
  | 'throttled'
  | 'unavailable'
  | 'not_found'
  | 'api_error'
  | 'not_json'
  | 'invalid_response';

export interface JazzHRFailure {
  kind: FailureKind;
  message: string;
  /** HTTP status when the failure came from an answer. */
  status?: number;
  /** Seconds to wait before retrying, for throttled and unavailable failures. */
  retryAfterSeconds?: number;
  /** True when the request never left this machine (no connection was made), so JazzHR saved nothing. */
  notSent?: boolean;
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: JazzHRFailure };

/** Thrown by the helpers here for input the caller must fix; the client turns it into a Zapier error. */
export class JazzHRRequestError extends Error {
  constructor(readonly failure: JazzHRFailure) {
    super(failure.message);
    this.name = 'JazzHRRequestError';
  }
}

/** The API root: env JAZZHR_API_URL (read at every call, so tests and the relay can point elsewhere) or JazzHR's. */
export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.JAZZHR_API_URL?.trim();
  return (configured || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

const RESOURCE_PATTERN = /^[a-z][a-z0-9_]*$/i;
const FILTER_NAME_PATTERN = /^[a-z][a-z0-9_]*$/i;

function badInput(message: string): never {
  throw new JazzHRRequestError({ kind: 'bad_input', message });
}

/**
 * The path after the base URL: `/resource`, `/resource/{id}`, or
 * `/resource/filter/value/…/page/N`. Filters are path segments, URL-encoded, in the
 * order given; empty values are skipped.
 */
export function resourcePath(
  resource: string,
  options: { id?: string; filters?: Filters; page?: number } = {},
): string {
  if (!RESOURCE_PATTERN.test(resource)) {
    badInput(`"${resource}" is not a JazzHR resource name (expected something like "applicants").`);
  }
  const segments = [resource];
  if (options.id !== undefined) {
    const id = options.id.trim();
    if (id === '') badInput(`A JazzHR ${resource} ID is required, but the one given was empty.`);
    segments.push(encodeURIComponent(id));
  }
  for (const [name, value] of Object.entries(options.filters ?? {})) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text === '') continue;
    if (!FILTER_NAME_PATTERN.test(name)) badInput(`"${name}" is not a JazzHR filter name.`);
    segments.push(encodeURIComponent(name), encodeURIComponent(text));
  }
  if (options.page !== undefined) {
    if (!Number.isInteger(options.page) || options.page < 1) {
      badInput(`JazzHR pages start at 1; page ${String(options.page)} cannot be fetched.`);
    }
    segments.push('page', String(options.page));
  }
  return `/${segments.join('/')}`;
}

/** A short, single-line, scrubbed excerpt of a body for error messages. */
export function excerpt(body: string, secrets: readonly string[] = [], maxLength = 80): string {
  const oneLine = scrubSecrets(body, secrets).replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength)}…` : oneLine;
}

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP date), without jitter. */
export function retryAfterSeconds(
  header: string | null | undefined,
  fallback: number,
  now: Date = new Date(),
): number {
  const value = header?.trim();
  if (!value) return fallback;
  if (/^\d+(\.\d+)?$/.test(value))
    return Math.min(MAX_RETRY_SECONDS, Math.max(1, Math.ceil(Number(value))));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return fallback;
  return Math.min(MAX_RETRY_SECONDS, Math.max(1, Math.ceil((date - now.getTime()) / 1000)));
}

export interface Answer {
  status: number;
  /** The raw body text ("" when there was none). */
  body: string;
  retryAfter?: string | null;
}

export interface Expectation {
  method: 'GET' | 'POST';
  resource: string;
  /** Set for GET /resource/{id}. */
  id?: string;
  /** A list (normalised from JazzHR's quirks) or a single record. */
  shape: 'list' | 'record';
  /** The path requested (filters and page included), for messages; /resource[/id] when absent. */
  path?: string;
}

export interface InterpretOptions {
  /** Values that must never appear in a message (the API key). */
  secrets?: readonly string[];
  now?: Date;
  /** For jitter; Math.random by default. */
  random?: () => number;
}

const KEY_PROBLEM =
  /api[\s_-]?key|unauthori[sz]ed|not authori[sz]ed|authenticat|invalid key|access denied/i;

function describeError(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(describeError).filter(Boolean).join('; ');
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['message', 'error', '_error', 'msg', 'description']) {
      if (record[key] !== undefined) return describeError(record[key]);
    }
    return JSON.stringify(value);
  }
  return '';
}

/** JazzHR's message when a body reports a failure (`error` or `_error` holding something), else undefined. */
export function errorInBody(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  for (const key of ['_error', 'error']) {
    const value = record[key];
    if (value === undefined || value === null || value === '' || value === false) continue;
    const message = describeError(value).trim();
    return message === '' ? 'no details given' : message;
  }
  return undefined;
}

function withJitter(seconds: number, random: () => number): number {
  return seconds + Math.round(random() * RETRY_JITTER_SECONDS);
}

function describeTarget(expectation: Expectation): string {
  const path =
    expectation.path ??
    (expectation.id === undefined
      ? `/${expectation.resource}`
      : `/${expectation.resource}/${expectation.id}`);
  return `${expectation.method} ${path}`;
}

/** What an answer says, read once for every check below. */
interface Reading {
  status: number;
  /** The trimmed body. */
  text: string;
  body: { ok: true; value: unknown } | { ok: false };
  /** JazzHR's own error message in the body, if any. */
  bodyMessage: string | undefined;
  /** That message, else an excerpt of the body ('' for none). */
  detail: string;
  /** "GET /path", scrubbed, for messages. */
  target: string;
  secrets: readonly string[];
}

function parseBody(text: string): Reading['body'] {
  if (text === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Reads one answer from JazzHR into data (lists normalised) or a typed failure. */
export function interpretAnswer(
  answer: Answer,
  expectation: Expectation,
  options: InterpretOptions = {},
): Outcome<unknown> {
  const secrets = options.secrets ?? [];
  const text = answer.body.trim();
  const body = parseBody(text);
  const bodyMessage = body.ok ? errorInBody(body.value) : undefined;
  const reading: Reading = {
    status: answer.status,
    text,
    body,
    bodyMessage,
    detail: bodyMessage ?? (text === '' ? '' : excerpt(text, secrets)),
    target: scrubSecrets(describeTarget(expectation), secrets),
    secrets,
  };
  const failure =
    statusFailure(reading, answer, expectation, options) ?? bodyFailure(reading, expectation);
  const outcome = failure ? { ok: false as const, failure } : recordsIn(reading, expectation);
  if (outcome.ok) return outcome;
  return {
    ok: false,
    failure: { ...outcome.failure, message: scrubSecrets(outcome.failure.message, secrets) },
  };
}

/** The failure an HTTP status (or a complaint about the key) means, if any. */
function statusFailure(
  reading: Reading,
  answer: Answer,
  expectation: Expectation,
  options: InterpretOptions,
): JazzHRFailure | undefined {
  const { status, bodyMessage, detail, target, secrets } = reading;
  const random = options.random ?? Math.random;
  if (status === 401 || status === 403) return keyRejected(reading);
  if (status === 429) {
    const seconds = withJitter(
      retryAfterSeconds(answer.retryAfter, DEFAULT_THROTTLE_SECONDS, options.now),
      random,
    );
    return {
      kind: 'throttled',
      status,
      retryAfterSeconds: seconds,
      message: `JazzHR's rate limit was reached (about 80 requests a minute per account). Zapier will retry in about ${seconds} seconds.`,
    };
  }
  if (status >= 500) {
    const seconds = withJitter(
      retryAfterSeconds(answer.retryAfter, DEFAULT_OUTAGE_RETRY_SECONDS, options.now),
      random,
    );
    const said = detail ? ` (${excerpt(detail, secrets)})` : '';
    return {
      kind: 'unavailable',
      status,
      retryAfterSeconds: seconds,
      message: `JazzHR is failing right now: ${target} answered HTTP ${status}${said}.`,
    };
  }
  if (bodyMessage !== undefined && KEY_PROBLEM.test(bodyMessage)) return keyRejected(reading);
  if (status === 404) {
    const message =
      expectation.id !== undefined
        ? `JazzHR has no ${expectation.resource} record with ID "${expectation.id}" (HTTP 404). Check the ID, or pick the record from the dropdown.`
        : `JazzHR answered HTTP 404 for ${target}. The JazzHR API address may be wrong (it should be ${DEFAULT_BASE_URL}).`;
    return { kind: 'not_found', status, message };
  }
  if (status < 200 || status >= 300) {
    const said = detail ? `: ${excerpt(detail, secrets, 200)}` : '.';
    return {
      kind: 'api_error',
      status,
      message: `JazzHR refused ${target} (HTTP ${status})${said}`,
    };
  }
  return undefined;
}

function keyRejected({ status, bodyMessage, secrets }: Reading): JazzHRFailure {
  const said = bodyMessage ? ` JazzHR said: "${excerpt(bodyMessage, secrets, 200)}".` : '';
  return {
    kind: 'rejected',
    status,
    message: `JazzHR rejected the API key (HTTP ${status}).${said} ${RECONNECT_ADVICE}`,
  };
}

/** The failure a 2xx body means: not JSON, or JazzHR's own error inside it. */
function bodyFailure(reading: Reading, expectation: Expectation): JazzHRFailure | undefined {
  const { status, text, body, bodyMessage, target, secrets } = reading;
  if (!body.ok) {
    return {
      kind: 'not_json',
      status,
      message: `JazzHR answered ${target} with something that is not JSON (HTTP ${status}, starting "${excerpt(text, secrets, 60)}"). JazzHR may be having trouble; try again in a few minutes.`,
    };
  }
  if (bodyMessage !== undefined) {
    return {
      kind: 'api_error',
      status,
      message: `JazzHR reported an error for ${target}: ${excerpt(bodyMessage, secrets, 300)}`,
    };
  }
  return expectation.shape === 'record' && normaliseList(body.value).length === 0
    ? emptyAnswer(reading, expectation)
    : undefined;
}

function emptyAnswer({ status, target }: Reading, expectation: Expectation): JazzHRFailure {
  if (expectation.id !== undefined) {
    return {
      kind: 'not_found',
      status,
      message: `JazzHR has no ${expectation.resource} record with ID "${expectation.id}" (it sent an empty answer). Check the ID, or pick the record from the dropdown.`,
    };
  }
  return { kind: 'api_error', status, message: `JazzHR sent an empty answer to ${target}.` };
}

/** The data of an answer that passed every check: the list, or its first record. */
function recordsIn({ body }: Reading, expectation: Expectation): Outcome<unknown> {
  const records = normaliseList(body.ok ? body.value : null);
  return { ok: true, data: expectation.shape === 'list' ? records : records[0] };
}

/** A list as JazzHR sends it (array, bare object, [], "", null, {}) as an array. */
export function normaliseList(value: unknown): unknown[] {
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  ) {
    return [];
  }
  return asList(value);
}

function schemaFailure(
  resource: string,
  issues: z.core.$ZodIssue[],
  position?: number,
): JazzHRFailure {
  const where = position === undefined ? '' : ` (record ${position + 1})`;
  const problems = issueLines(issues, (issue) => issuePath(issue) || '(record)')
    .slice(0, 3)
    .join('; ');
  return {
    kind: 'invalid_response',
    message: `JazzHR sent a ${resource} record${where} in a shape this integration cannot read: ${problems}.`,
  };
}

/** Checks every record of a normalised list against a schema. */
export function parseRecords<S extends ZodType>(
  schema: S,
  records: unknown[],
  resource: string,
): Outcome<z.infer<S>[]> {
  const parsed: z.infer<S>[] = [];
  for (const [position, record] of records.entries()) {
    const result = schema.safeParse(record);
    if (!result.success)
      return { ok: false, failure: schemaFailure(resource, result.error.issues, position) };
    parsed.push(result.data as z.infer<S>);
  }
  return { ok: true, data: parsed };
}

/** Checks one record against a schema. */
export function parseRecord<S extends ZodType>(
  schema: S,
  record: unknown,
  resource: string,
): Outcome<z.infer<S>> {
  const result = schema.safeParse(record);
  if (!result.success) return { ok: false, failure: schemaFailure(resource, result.error.issues) };
  return { ok: true, data: result.data as z.infer<S> };
}

/** Failures to open a connection at all: the request was never sent. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The failure for a request that never got an answer (DNS, refused connection, timeout). */
export function networkFailure(
  error: unknown,
  target: string,
  secrets: readonly string[] = [],
): JazzHRFailure {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return {
    kind: 'unavailable',
    retryAfterSeconds: DEFAULT_OUTAGE_RETRY_SECONDS,
    notSent: typeof code === 'string' && NOT_CONNECTED_CODES.has(code),
    message: scrubSecrets(
      `Could not reach JazzHR for ${target}: ${excerpt(reason, secrets, 160)}.`,
      secrets,
    ),
  };
}
