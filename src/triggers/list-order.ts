/**
 * The newest records of a JazzHR list whose order JazzHR does not document (REFERENCE.md §1a:
 * /activities). Zapier reads only what one poll returns, so the news must be found wherever the
 * list keeps them. The order is read from the records' own dates on the page. Newest first:
 * page 1 holds the news. Oldest first: they are at the tail, so the last page is found once
 * (pages 1, 2, 4, 8… then bisection) and remembered per account and filter in z.cache; a poll
 * then reads the remembered page and, when that page is full, the page after it.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import type { z as zod, ZodType } from 'zod';

import { jazzhr, pageIds, PAGE_SIZE, type Filters } from '../jazzhr/client';
import { resourcePath } from '../jazzhr/answers';
import { accountCache } from './account-cache';
import { DEDUPE_PAGES, pollMode } from './polling';

export type ListOrder = 'newest_first' | 'oldest_first' | 'unknown';

/** Probing stops here (819,200 records); past it the last page probed stands in for the tail. */
export const MAX_PROBED_PAGE = 8192;
const TAIL_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The order of times listed top to bottom ('' = unknown, skipped), by the majority of
 * neighbouring pairs: JazzHR sorts roughly, so one pair out of place does not decide it.
 */
export function listOrder(times: readonly string[]): ListOrder {
  const known = times.filter((time) => time !== '');
  let rising = 0;
  let falling = 0;
  for (let i = 1; i < known.length; i++) {
    if (known[i]! > known[i - 1]!) rising++;
    else if (known[i]! < known[i - 1]!) falling++;
  }
  if (rising > falling) return 'oldest_first';
  if (falling > rising) return 'newest_first';
  return 'unknown';
}

export interface UndocumentedList<S extends ZodType> {
  resource: string;
  schema: S;
  filters?: Filters;
  /** The record's date and time as text that sorts like them ('' when it has none). */
  timeOf: (record: zod.infer<S>) => string;
}

/** Reads each page once per poll; a page repeating another (JazzHR not paging) reads as empty. */
function pageReader<S extends ZodType>(z: ZObject, bundle: Bundle, list: UndocumentedList<S>) {
  const client = jazzhr(z, bundle);
  const read = new Map<number, zod.infer<S>[]>();
  const pageWithIds = new Map<string, number>();
  return async (page: number): Promise<zod.infer<S>[]> => {
    const known = read.get(page);
    if (known) return known;
    let records = await client.list(list.resource, list.schema, { filters: list.filters, page });
    const ids = pageIds(records);
    if (ids !== '' && pageWithIds.has(ids)) records = [];
    else if (ids !== '') pageWithIds.set(ids, page);
    read.set(page, records);
    return records;
  };
}
type ReadPage<T> = (page: number) => Promise<T[]>;

/** The last non-empty page (1 when the list is empty), given that page 1 is full. */
async function findLastPage<T>(readPage: ReadPage<T>): Promise<number> {
  let full = 1;
  let probe = 2;
  for (; probe <= MAX_PROBED_PAGE; probe *= 2) {
    const count = (await readPage(probe)).length;
    if (count === PAGE_SIZE) full = probe;
    else if (count > 0) return probe;
    else break;
  }
  if (probe > MAX_PROBED_PAGE) return full;
  // Page `full` is full and page `probe` empty: the last page lies between.
  let empty = probe;
  while (empty - full > 1) {
    const middle = Math.floor((full + empty) / 2);
    const count = (await readPage(middle)).length;
    if (count === PAGE_SIZE) full = middle;
    else if (count === 0) empty = middle;
    else return middle;
  }
  return full;
}

/** Records of `count` pages from `last` back towards page 1, newest first. */
async function readBackwards<T>(readPage: ReadPage<T>, last: number, count: number) {
  const records: T[] = [];
  for (let page = last; page >= Math.max(1, last - count + 1); page--) {
    records.push(...[...(await readPage(page))].reverse());
  }
  return records;
}

/** Pages 1…count of a newest-first list, stopping at the first that is not full. */
async function readForwards<T>(readPage: ReadPage<T>, count: number) {
  const records: T[] = [];
  for (let page = 1; page <= count; page++) {
    const listed = await readPage(page);
    records.push(...listed);
    if (listed.length < PAGE_SIZE) break;
  }
  return records;
}

function tailCacheKey(z: ZObject, list: UndocumentedList<ZodType>): string {
  const path = resourcePath(list.resource, { filters: list.filters });
  return `jazzhr_list_tail_v1_${z.hash('sha256', path).slice(0, 32)}`;
}

async function rememberedTail(z: ZObject, key: string): Promise<number | undefined> {
  const value = await accountCache(z).get(key);
  const lastPage = (value as { last_page?: unknown } | null)?.last_page;
  return Number.isInteger(lastPage) && (lastPage as number) >= 1 ? (lastPage as number) : undefined;
}

async function rememberTail(z: ZObject, key: string, lastPage: number | undefined): Promise<void> {
  if (lastPage === undefined) await accountCache(z).delete(key);
  else await accountCache(z).set(key, { last_page: lastPage }, TAIL_TTL_SECONDS);
}

/**
 * From a remembered last page: its records and the next page's (read only when it is full),
 * and where the tail is now. Undefined when the list no longer looks oldest first there, or
 * the page is gone (records deleted): the caller then starts over from page 1.
 */
async function readFromTail<S extends ZodType>(
  readPage: ReadPage<zod.infer<S>>,
  list: UndocumentedList<S>,
  remembered: number,
  pages: number,
): Promise<{ lastPage: number; records: zod.infer<S>[] } | undefined> {
  const tail = await readPage(remembered);
  if (tail.length === 0 || listOrder(tail.map(list.timeOf)) === 'newest_first') return undefined;
  const next = tail.length === PAGE_SIZE ? await readPage(remembered + 1) : [];
  const lastPage = next.length > 0 ? remembered + 1 : remembered;
  return {
    lastPage,
    records: await readBackwards(readPage, lastPage, pages + lastPage - remembered),
  };
}

/**
 * The newest records of the list, newest first: one page for a poll (two when an oldest-first
 * list's last page has filled up), DEDUPE_PAGES pages while a Zap is being switched on.
 */
export async function newestRecords<S extends ZodType>(
  z: ZObject,
  bundle: Bundle,
  list: UndocumentedList<S>,
): Promise<zod.infer<S>[]> {
  const pages = pollMode(bundle) === 'dedupe' ? DEDUPE_PAGES : 1;
  const readPage = pageReader(z, bundle, list);
  const key = tailCacheKey(z, list);
  const remembered = await rememberedTail(z, key);
  if (remembered !== undefined) {
    const fromTail = await readFromTail(readPage, list, remembered, pages);
    if (fromTail) {
      if (fromTail.lastPage !== remembered) await rememberTail(z, key, fromTail.lastPage);
      return fromTail.records;
    }
  }
  const first = await readPage(1);
  if (listOrder(first.map(list.timeOf)) !== 'oldest_first') {
    if (remembered !== undefined) await rememberTail(z, key, undefined);
    return readForwards(readPage, pages);
  }
  const lastPage = first.length === PAGE_SIZE ? await findLastPage(readPage) : 1;
  await rememberTail(z, key, lastPage);
  return readBackwards(readPage, lastPage, pages);
}
