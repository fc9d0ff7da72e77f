import fc from 'fast-check';
import type { Bundle } from 'zapier-platform-core';

import { newestFirst, pollMode } from '../../src/triggers/polling';

const bundleWith = (meta: Partial<Bundle['meta']>) => ({ meta }) as Bundle;

describe('pollMode', () => {
  it('tells dedupe, sample and live polls apart, dedupe first', () => {
    expect(pollMode(bundleWith({ isPopulatingDedupe: true, isLoadingSample: true }))).toBe(
      'dedupe',
    );
    expect(pollMode(bundleWith({ isLoadingSample: true }))).toBe('sample');
    expect(pollMode(bundleWith({}))).toBe('live');
    expect(pollMode({} as Bundle)).toBe('live');
  });
});

describe('newestFirst', () => {
  it('orders by each key in turn, numbers as numbers, keeping ties in place', () => {
    const items = [
      { name: 'a', keys: ['2016-05-12', '9'] },
      { name: 'b', keys: ['2016-05-13', '9'] },
      { name: 'c', keys: ['2016-05-12', '10'] },
      { name: 'd', keys: ['2016-05-12', '10'] },
      { name: 'e', keys: ['2016-05-12'] },
    ];
    expect(newestFirst(items, (item) => item.keys).map((item) => item.name)).toEqual([
      'b',
      'c',
      'd',
      'a',
      'e',
    ]);
  });

  it('returns a descending permutation of any dated list', () => {
    const dated = fc.record({
      date: fc.date({
        min: new Date('2000-01-01'),
        max: new Date('2030-12-31'),
        noInvalidDate: true,
      }),
      id: fc.nat(100000),
    });
    fc.assert(
      fc.property(fc.array(dated), (records) => {
        const keyed = records.map((record) => ({
          day: record.date.toISOString().slice(0, 10),
          time: record.date.toISOString().slice(11, 19),
          id: String(record.id),
        }));
        const sorted = newestFirst(keyed, (item) => [item.day, item.time, item.id]);
        const asText = (list: typeof keyed) => list.map((item) => JSON.stringify(item)).sort();
        expect(asText(sorted)).toEqual(asText(keyed));
        for (let i = 1; i < sorted.length; i++) {
          const before = sorted[i - 1]!;
          const after = sorted[i]!;
          const order = `${before.day} ${before.time}`.localeCompare(`${after.day} ${after.time}`);
          expect(order >= 0).toBe(true);
          if (order === 0) expect(Number(before.id)).toBeGreaterThanOrEqual(Number(after.id));
        }
      }),
    );
  });
});
