/** Runs the polling triggers and their hydrators through the real app, counting JazzHR requests. */
import nock from 'nock';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import app from '../../index';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { recordUnmatched, requestLine } from '../support/nock-guards';
import { readPointer } from './pointers';

export const appTester = createAppTester(app);

export type Operation = (z: ZObject, bundle: Bundle) => Promise<unknown>;
export type Item = Record<string, unknown> & { id: string };
export type PollingKey = 'new_applicant' | 'new_activity' | 'new_hire';

export interface PollOptions {
  inputData?: Record<string, unknown>;
  meta?: Partial<Bundle['meta']>;
  apiKey?: string;
}

export function poll(key: PollingKey, options: PollOptions = {}): Promise<Item[]> {
  // The union type also allows hook operations, which these polling triggers are not.
  const { perform } = app.triggers[key].operation as unknown as { perform: Operation };
  return appTester(perform, {
    authData: { api_key: options.apiKey ?? API_KEY },
    inputData: options.inputData ?? {},
    meta: { isLoadingSample: false, isPopulatingDedupe: false, ...options.meta },
  }) as Promise<Item[]>;
}

/** Resolves a pointer the way Zapier does: through the hydrator registered in the app. */
export function hydrate(value: unknown, apiKey: string = API_KEY): Promise<Record<string, string>> {
  const pointer = readPointer(value);
  const [group, name] = pointer.method.split('.');
  const hydrator = group === 'hydrators' && name ? app.hydrators?.[name] : undefined;
  if (typeof hydrator !== 'function')
    throw new Error(`no hydrator registered at ${pointer.method}`);
  return appTester(hydrator as Operation, {
    authData: { api_key: apiKey },
    inputData: pointer.bundle,
  }) as Promise<Record<string, string>>;
}

/**
 * Runs `operation` with a z.cache that finds nothing and records each get and set with all its
 * arguments (appTester's own cache ignores scopes, so it cannot show them).
 */
export async function cacheCallsOf(
  operation: (z: ZObject, bundle: Bundle) => Promise<unknown>,
  bundle: Record<string, unknown>,
): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  const recordingCache = {
    get: (...args: unknown[]) => {
      calls.push(['get', ...args]);
      return Promise.resolve(null);
    },
    set: (...args: unknown[]) => {
      calls.push(['set', ...args]);
      return Promise.resolve(true);
    },
    delete: () => Promise.resolve(true),
  };
  await appTester(
    (z: ZObject, b: Bundle) => operation({ ...z, cache: recordingCache } as ZObject, b),
    bundle,
  );
  return calls;
}

/** Empties appTester's stand-in for z.cache. */
export async function clearCache(): Promise<void> {
  await appTester(async () => null, {}, true);
}

/** A JazzHR scope that pushes each request it answers into `requests`, as requestLine gives it. */
export function jazzhr(requests: string[]): nock.Scope {
  const scope = jazzhrApi();
  scope.on('request', (req: { method?: string; path?: string }) => requests.push(requestLine(req)));
  return scope;
}

/** Flattens an item the way the Zap editor shows it: nested keys joined with `__`. */
export function flatKeys(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? flatKeys(inner as Record<string, unknown>, `${prefix}${key}__`)
      : [`${prefix}${key}`],
  );
}

interface CommonCases {
  key: PollingKey;
  /** The list path of page 1, as the trigger requests it with no input. */
  listPath: string;
  /** One record of that list. */
  record: Record<string, unknown>;
  /** The trigger's sample. */
  sample: Record<string, unknown>;
  /** Answers a live poll with one item, and every request hydrating it makes. */
  mockLiveItem: () => void;
}

/**
 * Cases every polling trigger must pass: the single-object quirk, empty answers, JazzHR's
 * failures mapped to clear errors that never hold the key, and paging only while a Zap
 * is being switched on.
 */
export function describeCommonPollingCases({
  key,
  listPath,
  record,
  sample,
  mockLiveItem,
}: CommonCases): void {
  const pagePath = (page: number) => listPath.replace(/\/page\/1$/, `/page/${page}`);
  const fullPage = (page: number, count = 100) =>
    Array.from({ length: count }, (_, index) => ({
      ...record,
      id: `${String(record.id)}_${page}_${index}`,
    }));

  describe(`${key}: what every polling trigger must do`, () => {
    it('reads a bare object (JazzHR’s one-record list) as one item', async () => {
      const requests: string[] = [];
      jazzhr(requests).get(listPath).query({ apikey: API_KEY }).reply(200, record);
      const items = await poll(key);
      expect(items).toHaveLength(1);
      expect(items[0]?.id).toBe(record.id);
      expect(requests).toEqual([`GET ${listPath}`]);
    });

    it.each([
      ['[]', '[]'],
      ['an empty body', ''],
      ['null', 'null'],
    ])('returns no items when JazzHR answers %s', async (_name, body) => {
      jazzhrApi().get(listPath).query({ apikey: API_KEY }).reply(200, body);
      await expect(poll(key)).resolves.toEqual([]);
    });

    it('costs exactly one request per live poll, even for a full page, and never pages', async () => {
      const requests: string[] = [];
      const unmatched = recordUnmatched();
      jazzhr(requests).get(listPath).query({ apikey: API_KEY }).reply(200, fullPage(1));
      const items = await poll(key);
      expect(items).toHaveLength(100);
      expect(requests).toEqual([`GET ${listPath}`]);
      expect(unmatched).toEqual([]);
      for (const item of items) expect(readPointer(item.details).method).toMatch(/^hydrators\./);
    });

    it('pages while populating dedupe, returning ids without fetching any detail', async () => {
      const requests: string[] = [];
      const unmatched = recordUnmatched();
      jazzhr(requests)
        .get(pagePath(1))
        .query({ apikey: API_KEY })
        .reply(200, fullPage(1))
        .get(pagePath(2))
        .query({ apikey: API_KEY })
        .reply(200, fullPage(2, 30));
      const items = await poll(key, { meta: { isPopulatingDedupe: true } });
      expect(items).toHaveLength(130);
      expect(new Set(items.map((item) => item.id)).size).toBe(130);
      expect(items.some((item) => 'details' in item)).toBe(false);
      expect(requests).toEqual([`GET ${pagePath(1)}`, `GET ${pagePath(2)}`]);
      expect(unmatched).toEqual([]);
    });

    it('stops paging for dedupe after three pages', async () => {
      const requests: string[] = [];
      const unmatched = recordUnmatched();
      const scope = jazzhr(requests);
      for (const page of [1, 2, 3]) {
        scope.get(pagePath(page)).query({ apikey: API_KEY }).reply(200, fullPage(page));
      }
      const items = await poll(key, { meta: { isPopulatingDedupe: true } });
      expect(items).toHaveLength(300);
      expect(requests).toHaveLength(3);
      expect(unmatched).toEqual([]);
    });

    it.each([
      [
        'an error body on a 200',
        200,
        { error: 'Something went wrong on our end' },
        'AppError',
        /JazzHR reported an error .*Something went wrong/,
      ],
      [
        'a rejected key (401)',
        401,
        { error: 'Invalid API key' },
        'ExpiredAuthError',
        /JazzHR rejected the API key/,
      ],
      ['a 429', 429, '', 'ThrottledError', /rate limit/],
      ['a 500', 500, 'Internal Server Error', 'ThrottledError', /JazzHR is failing right now/],
    ])('turns %s into a clear error', async (_name, status, body, errorName, message) => {
      jazzhrApi().get(listPath).query({ apikey: API_KEY }).reply(status, body);
      const error = await failureOf(poll(key));
      expect(error.name).toBe(errorName);
      expect(userMessage(error)).toMatch(message);
    });

    it.each([401, 403, 404, 429, 500, 200])(
      'never puts the key in an error, even when JazzHR echoes it (HTTP %i)',
      async (status) => {
        jazzhrApi()
          .get(listPath)
          .query({ apikey: API_KEY })
          .reply(status, { error: `bad request /${listPath}?apikey=${API_KEY} key ${API_KEY}` });
        const error = await failureOf(poll(key));
        expect(errorTexts(error)).not.toContain(API_KEY);
      },
    );

    it('has a sample and output fields matching what a hydrated live item holds', async () => {
      mockLiveItem();
      const [item] = await poll(key);
      const live = { ...item, details: await hydrate(item?.details) };
      expect(flatKeys(sample).sort()).toEqual(flatKeys(live).sort());
      for (const field of app.triggers[key].operation.outputFields ?? []) {
        expect(field).toHaveProperty('label');
        expect(flatKeys(live)).toContain((field as { key: string }).key);
      }
    });

    it('refuses to poll without a connected key, before any request', async () => {
      const unmatched = recordUnmatched();
      const error = await failureOf(poll(key, { apiKey: ' ' }));
      expect(error.name).toBe('ExpiredAuthError');
      expect(unmatched).toEqual([]);
    });
  });
}
