import nock from 'nock';

import { listOrder, newestRecords } from '../../src/triggers/list-order';
import { Activity } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { cacheCallsOf, clearCache, poll, type Item } from './polling-support';

installNockGuards();
beforeEach(clearCache);

type Order = 'newest_first' | 'oldest_first';

/** Activity n (0 = the oldest) happened n minutes after a fixed moment. */
function activity(n: number, category = 'applicant') {
  const at = new Date(Date.UTC(2024, 0, 1, 8, 0, 0) + n * 60_000).toISOString();
  return {
    id: `activity_${category}_${String(n).padStart(5, '0')}`,
    category,
    user_id: 'usr_20160511131709_PZEHEMXY9AYAOTRS',
    object_id: 'prospect_20160513152410_WUEGUJS8TFT8VNTR',
    action: `Activity ${n}`,
    date: at.slice(0, 10),
    time: at.slice(11, 19),
  };
}

/**
 * JazzHR's /activities as a stand-in: `count` activities listed in `order`, 100 a page, the
 * category filter as a path segment; records the pages asked for.
 */
function activityFeed(order: Order, count: number, category?: string) {
  const records = Array.from({ length: count }, (_, n) => activity(n, category));
  const pagesRead: number[] = [];
  const prefix = category ? `/v1/activities/category/${category}` : '/v1/activities';
  jazzhrApi()
    .persist()
    .get((path) => path.startsWith(`${prefix}/page/`))
    .query({ apikey: API_KEY })
    .reply((uri) => {
      const page = Number(/\/page\/(\d+)/.exec(uri)?.[1]);
      pagesRead.push(page);
      const listed = order === 'oldest_first' ? records : [...records].reverse();
      return [200, listed.slice((page - 1) * 100, page * 100)];
    });
  return {
    pagesRead,
    /** Pages read since the last call. */
    take: () => pagesRead.splice(0),
    add: (n: number) => {
      for (let i = 0; i < n; i++) records.push(activity(records.length, category));
    },
    removeOldest: (n: number) => records.splice(0, n),
    newestIds: (n: number) =>
      records
        .slice(-n)
        .reverse()
        .map((record) => record.id),
  };
}

const dedupe = (inputData: Record<string, unknown> = {}) =>
  poll('new_activity', { inputData, meta: { isPopulatingDedupe: true } });
const ids = (items: Item[]) => items.map((item) => item.id);

afterEach(() => nock.cleanAll());

describe('listOrder', () => {
  it('reads the order from the majority of neighbouring times, skipping unknown ones', () => {
    expect(listOrder(['2024-01-01 10:00:00', '', '2024-01-01 09:00:00'])).toBe('newest_first');
    expect(listOrder(['2024-01-01', '2024-01-03', '2024-01-02', '2024-01-04'])).toBe(
      'oldest_first',
    );
    expect(listOrder(['2024-01-01', '2024-01-01'])).toBe('unknown');
    expect(listOrder(['2024-01-01'])).toBe('unknown');
  });
});

describe.each<Order>(['newest_first', 'oldest_first'])('New Activity on a list %s', (order) => {
  it('switching a Zap on remembers the newest records, and the next poll fires only for what is new', async () => {
    const feed = activityFeed(order, 250);
    const remembered = new Set(ids(await dedupe()));
    expect(remembered.size).toBe(250);
    feed.add(3);
    const items = await poll('new_activity');
    const fresh = ids(items).filter((id) => !remembered.has(id));
    expect(fresh).toEqual(feed.newestIds(3));
    expect(ids(items).slice(0, 3)).toEqual(feed.newestIds(3));
  });

  it('an idle poll costs at most 2 requests, and five new records come newest first', async () => {
    const feed = activityFeed(order, 250);
    await dedupe();
    feed.take();
    const idle = await poll('new_activity');
    expect(feed.take().length).toBeLessThanOrEqual(2);
    feed.add(5);
    const items = await poll('new_activity');
    expect(feed.take().length).toBeLessThanOrEqual(2);
    expect(ids(items).slice(0, 5)).toEqual(feed.newestIds(5));
    expect(ids(items).slice(5, 10)).toEqual(ids(idle).slice(0, 5));
  });
});

describe('New Activity on an oldest-first list', () => {
  it('finds the last page once by probing 1, 2, 4 then bisecting, and then reads only it', async () => {
    const feed = activityFeed('oldest_first', 250);
    const items = await dedupe();
    expect(feed.take()).toEqual([1, 2, 4, 3]);
    expect(ids(items).slice(0, 2)).toEqual(feed.newestIds(2));
    expect(items.at(-1)?.id).toBe(activity(0).id);
    await poll('new_activity');
    expect(feed.take()).toEqual([3]);
  });

  it('follows a new record past a full last page onto the next page', async () => {
    const feed = activityFeed('oldest_first', 300);
    await dedupe();
    expect(feed.take()).toEqual([1, 2, 4, 3]);
    await poll('new_activity');
    expect(feed.take()).toEqual([3, 4]);
    feed.add(1);
    const items = await poll('new_activity');
    expect(feed.take()).toEqual([3, 4]);
    expect(items[0]?.id).toBe(feed.newestIds(1)[0]);
    await poll('new_activity');
    expect(feed.take()).toEqual([4]);
  });

  it('finds the tail again when the remembered page has emptied', async () => {
    const feed = activityFeed('oldest_first', 250);
    await dedupe();
    feed.take();
    feed.removeOldest(100);
    const items = await poll('new_activity');
    expect(feed.take()).toEqual([3, 1, 2]);
    expect(ids(items)).toEqual(feed.newestIds(50));
  });

  it('remembers the tail per filter', async () => {
    const all = activityFeed('oldest_first', 250);
    const notes = activityFeed('oldest_first', 120, 'note');
    await dedupe();
    await dedupe({ category: 'note' });
    expect([all.take(), notes.take()]).toEqual([
      [1, 2, 4, 3],
      [1, 2],
    ]);
    await poll('new_activity');
    await poll('new_activity', { inputData: { category: 'note' } });
    expect([all.take(), notes.take()]).toEqual([[3], [2]]);
  });

  it('keeps the tail per JazzHR account (cache scope "auth")', async () => {
    activityFeed('oldest_first', 150);
    const calls = await cacheCallsOf(
      (z, bundle) =>
        newestRecords(z, bundle, {
          resource: 'activities',
          schema: Activity,
          timeOf: (record) => `${record.date} ${record.time}`,
        }),
      { authData: { api_key: API_KEY }, meta: {} },
    );
    expect(calls).toEqual([
      ['get', expect.stringMatching(/^jazzhr_list_tail_v1_[0-9a-f]{32}$/), ['auth']],
      ['set', calls[0]?.[1], { last_page: 2 }, 30 * 24 * 3600, ['auth']],
    ]);
  });

  it('stops probing when JazzHR answers every page with page 1 (not paging)', async () => {
    const page = Array.from({ length: 100 }, (_, n) => activity(n));
    const pagesRead: string[] = [];
    jazzhrApi()
      .persist()
      .get((path) => path.startsWith('/v1/activities/page/'))
      .query({ apikey: API_KEY })
      .reply((uri) => {
        pagesRead.push(uri.split('?')[0]!);
        return [200, page];
      });
    const items = await dedupe();
    expect(pagesRead).toEqual(['/v1/activities/page/1', '/v1/activities/page/2']);
    expect(items).toHaveLength(100);
    expect(items[0]?.id).toBe(activity(99).id);
  });
});
