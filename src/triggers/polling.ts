import type { Bundle, ZObject } from 'zapier-platform-core';

/** The Zap editor only processes three new records when a user tests a trigger. */
export const SAMPLE_SIZE = 3;

/**
 * Pages read when a Zap is switched on. JazzHR's order is only roughly newest first, so
 * remembering a few pages keeps an older record that drifts onto page 1 from firing a Zap.
 */
export const DEDUPE_PAGES = 3;

export type PollMode = 'dedupe' | 'sample' | 'live';

export function pollMode(bundle: Bundle): PollMode {
  if (bundle.meta?.isPopulatingDedupe) return 'dedupe';
  if (bundle.meta?.isLoadingSample) return 'sample';
  return 'live';
}

export type Hydrator<Input extends Record<string, string>, Output> = (
  z: ZObject,
  bundle: Bundle<Input>,
) => Promise<Output>;

/**
 * Puts the pointer to an item's details under `details`. Live polls only dehydrate, so a poll
 * costs one list request and Zapier fetches details just for the items it keeps after dedupe.
 * Samples are few (three), so their details are fetched at once: the user then maps real
 * fields without depending on how the editor resolves pointers.
 */
export async function withDetails<Item, Input extends Record<string, string>, Output>(
  z: ZObject,
  bundle: Bundle,
  items: Item[],
  hydrator: Hydrator<Input, Output>,
  pointerInput: (item: Item) => Input,
): Promise<(Item & { details: Output | string })[]> {
  if (pollMode(bundle) === 'sample') {
    const sample = [];
    // One after another, so a lookup cached by the first (the user directory) serves the rest.
    for (const item of items.slice(0, SAMPLE_SIZE)) {
      sample.push({
        ...item,
        details: await hydrator(z, { ...bundle, inputData: pointerInput(item) }),
      });
    }
    return sample;
  }
  return items.map((item) => ({ ...item, details: z.dehydrate(hydrator, pointerInput(item)) }));
}

const compareText = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

/**
 * Sorts newest first by the given keys, compared left to right (dates `YYYY-MM-DD`, times
 * `HH:MM:SS`, id timestamps `YYYYMMDDhhmmss` all order as text; numeric ids order as numbers).
 */
export function newestFirst<Item>(items: Item[], sortKeys: (item: Item) => string[]): Item[] {
  return items
    .map((item) => ({ item, keys: sortKeys(item) }))
    .sort((a, b) => {
      for (let i = 0; i < Math.max(a.keys.length, b.keys.length); i++) {
        const order = compareText(b.keys[i] ?? '', a.keys[i] ?? '');
        if (order !== 0) return order;
      }
      return 0;
    })
    .map(({ item }) => item);
}
