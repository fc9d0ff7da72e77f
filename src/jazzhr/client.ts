/**
 * The only place that talks HTTP to JazzHR. The API key is added here, per request,
 * rather than by an app-wide beforeRequest middleware: the app also calls the relay
 * and JazzHR's attachment URLs, which must never receive it.
 */
import type { Bundle, HttpRequestOptions, ZObject } from 'zapier-platform-core';
import type { z, ZodType } from 'zod';

import {
  apiBaseUrl,
  interpretAnswer,
  JazzHRRequestError,
  networkFailure,
  NO_API_KEY_MESSAGE,
  PAGE_SIZE,
  parseRecord,
  parseRecords,
  resourcePath,
  type Expectation,
  type Filters,
  type JazzHRFailure,
  type Outcome,
} from './answers';

import { zapierErrorCode } from '../zapier-errors';

export { PAGE_SIZE, type Filters } from './answers';

/** Pages listPages walks when the caller does not say: 500 records, 5 of the 80 requests a minute JazzHR allows. */
export const DEFAULT_MAX_PAGES = 5;

/** Turns a typed failure into the Zapier error the platform understands. */
export function toZapierError(z: ZObject, failure: JazzHRFailure, method: 'GET' | 'POST'): Error {
  switch (failure.kind) {
    case 'rejected':
      // 401 or a body calling the key invalid: the key is gone for good, so Zapier should
      // mark the connection expired and ask the user to reconnect instead of erroring on.
      // A 403 might be a permission on one resource, so it stays a plain error.
      return failure.status === 403
        ? new z.errors.Error(failure.message, 'jazzhr_key_rejected', failure.status)
        : new z.errors.ExpiredAuthError(failure.message);
    case 'throttled':
      return new z.errors.ThrottledError(failure.message, failure.retryAfterSeconds);
    case 'unavailable':
      // A GET is safe to repeat. A POST may have been saved before JazzHR failed, so an
      // automatic retry could create a duplicate applicant or note.
      if (method === 'GET') {
        return new z.errors.ThrottledError(
          `${failure.message} The step will be retried in about ${failure.retryAfterSeconds ?? 30} seconds.`,
          failure.retryAfterSeconds,
        );
      }
      if (failure.notSent) {
        return new z.errors.Error(
          `${failure.message} The request was not sent, so JazzHR saved nothing: replay the step once JazzHR can be reached.`,
          'jazzhr_unreachable',
          failure.status,
        );
      }
      return new z.errors.Error(
        `${failure.message} JazzHR may or may not have saved this, so it is not retried automatically; check JazzHR before replaying the step.`,
        'jazzhr_unavailable',
        failure.status,
      );
    default:
      return new z.errors.Error(failure.message, `jazzhr_${failure.kind}`, failure.status);
  }
}

/** True for the client's error for a record JazzHR does not have (HTTP 404 or an empty answer). */
export const isNotFoundError = (error: unknown): boolean =>
  zapierErrorCode(error) === 'jazzhr_not_found';

/** True when a POST got no usable answer (5xx, network): JazzHR may or may not have saved it. */
export const isUnconfirmedWrite = (error: unknown): boolean =>
  zapierErrorCode(error) === 'jazzhr_unavailable';

/** The ids of a page's records in order, as one string to compare pages by; '' unless every record has one. */
export function pageIds(records: readonly unknown[]): string {
  const ids = records.map((record) => String((record as { id?: unknown }).id ?? ''));
  return ids.includes('') ? '' : ids.join('\n');
}

type Method = 'GET' | 'POST';

function unwrap<T>(z: ZObject, outcome: Outcome<T>, method: Method): T {
  if (!outcome.ok) throw toZapierError(z, outcome.failure, method);
  return outcome.data;
}

function requirePath(z: ZObject, build: () => string, method: Method): string {
  try {
    return build();
  } catch (error) {
    if (error instanceof JazzHRRequestError) throw toZapierError(z, error.failure, method);
    throw error;
  }
}

/** One request to JazzHR with the API key, its answer read into data or thrown as a Zapier error. */
async function send(
  z: ZObject,
  apiKey: string,
  path: string,
  expectation: Expectation,
  body?: Record<string, unknown>,
): Promise<unknown> {
  const { method } = expectation;
  if (apiKey === '')
    throw toZapierError(z, { kind: 'rejected', message: NO_API_KEY_MESSAGE }, method);
  const secrets = [apiKey];
  const request: HttpRequestOptions & { url: string; throwForThrottlingEarly: boolean } = {
    url: `${apiBaseUrl()}${path}`,
    method,
    headers: { accept: 'application/json' },
    skipThrowForStatus: true,
    // Core 19 turns a 429 into a ThrottledError that ignores HTTP-date Retry-After
    // values; we read the 429 ourselves.
    throwForThrottlingEarly: false,
  };
  if (method === 'GET') request.params = { apikey: apiKey };
  else request.json = { ...body, apikey: apiKey };

  let response;
  try {
    response = await z.request(request);
  } catch (error) {
    throw toZapierError(z, networkFailure(error, `${method} ${path}`, secrets), method);
  }
  const answer = {
    status: response.status,
    body: response.content ?? '',
    retryAfter: response.getHeader('retry-after'),
  };
  return unwrap(z, interpretAnswer(answer, expectation, { secrets }), method);
}

function checkedMaxPages(z: ZObject, maxPages: number): number {
  if (Number.isInteger(maxPages) && maxPages >= 1) return maxPages;
  const message = `maxPages must be a whole number of at least 1, not ${String(maxPages)}.`;
  throw toZapierError(z, { kind: 'bad_input', message }, 'GET');
}

/**
 * Adds the records whose id has not been seen. Records can shift between pages while they are
 * walked (new applicants push older ones down), so the same id may appear on two pages.
 */
function addUnseen<T>(into: T[], seen: Set<string>, records: readonly T[]): void {
  for (const record of records) {
    const id = (record as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') {
      if (seen.has(id)) continue;
      seen.add(id);
    }
    into.push(record);
  }
}

/**
 * Reads pages 1 to `maxPages` with `readPage`, each record once, stopping at a page shorter
 * than PAGE_SIZE or one that repeats the page before.
 */
async function walkPages<T>(
  maxPages: number,
  readPage: (page: number) => Promise<T[]>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let previousIds = '';
  for (let page = 1; page <= maxPages; page += 1) {
    const records = await readPage(page);
    // A page that repeats the one before means JazzHR is not paging (REFERENCE.md §1a, the
    // ?page= trap): reading on would only fetch the same records again.
    const ids = pageIds(records);
    if (page > 1 && ids !== '' && ids === previousIds) break;
    previousIds = ids;
    addUnseen(all, seen, records);
    if (records.length < PAGE_SIZE) break;
  }
  return all;
}

export function jazzhr(z: ZObject, bundle: Bundle) {
  const apiKey = String(bundle.authData?.api_key ?? '').trim();

  async function list<S extends ZodType>(
    resource: string,
    schema: S,
    options: { filters?: Filters; page?: number } = {},
  ): Promise<z.infer<S>[]> {
    const page = options.page ?? 1;
    const path = requirePath(
      z,
      () => resourcePath(resource, { filters: options.filters, page }),
      'GET',
    );
    const records = (await send(z, apiKey, path, {
      method: 'GET',
      resource,
      shape: 'list',
      path,
    })) as unknown[];
    return unwrap(z, parseRecords(schema, records, resource), 'GET');
  }

  async function listPages<S extends ZodType>(
    resource: string,
    schema: S,
    options: { filters?: Filters; maxPages?: number } = {},
  ): Promise<z.infer<S>[]> {
    const maxPages = checkedMaxPages(z, options.maxPages ?? DEFAULT_MAX_PAGES);
    return walkPages(maxPages, (page) =>
      list(resource, schema, { filters: options.filters, page }),
    );
  }

  async function get<S extends ZodType>(
    resource: string,
    id: string,
    schema: S,
  ): Promise<z.infer<S>> {
    const trimmedId = String(id ?? '').trim();
    const path = requirePath(z, () => resourcePath(resource, { id: trimmedId }), 'GET');
    const record = await send(z, apiKey, path, {
      method: 'GET',
      resource,
      id: trimmedId,
      shape: 'record',
      path,
    });
    return unwrap(z, parseRecord(schema, record, resource), 'GET');
  }

  async function post<S extends ZodType>(
    resource: string,
    body: Record<string, unknown>,
    schema: S,
  ): Promise<z.infer<S>> {
    const path = requirePath(z, () => resourcePath(resource), 'POST');
    const record = await send(
      z,
      apiKey,
      path,
      { method: 'POST', resource, shape: 'record', path },
      body,
    );
    return unwrap(z, parseRecord(schema, record, resource), 'POST');
  }

  return { list, listPages, get, post };
}

export type JazzHRClient = ReturnType<typeof jazzhr>;
