import { createAppTester } from 'zapier-platform-core';

import { measured, notMeasured, type Row } from '../lib/results';
import { naivePoll } from '../standins/naive-poller';
import {
  STANDIN_API_KEY,
  startJazzhrStandin,
  type JazzhrStandin,
  type ListOrder,
} from '../standins/jazzhr';

/**
 * Figure 1: JazzHR requests per poll for the polling triggers, run through createAppTester
 * against the loopback stand-in, next to the naive list-then-detail poll on the same data.
 * After a poll, the items Zapier would keep (ids not seen before) have their dehydrated
 * pointers resolved the way Zapier does after dedupe, and those requests count too.
 */

const FIGURE = 'Poll cost';
const NEW_RECORDS = 5;

interface Polled {
  key: string;
  resource: string;
  records: number;
  /** For a list whose order JazzHR does not document, the order the stand-in uses. */
  order?: ListOrder;
}

const POLLED: Polled[] = [
  { key: 'new_applicant', resource: 'applicants', records: 100 },
  { key: 'new_activity', resource: 'activities', records: 300, order: 'newest_first' },
  { key: 'new_activity', resource: 'activities', records: 300, order: 'oldest_first' },
  { key: 'new_hire', resource: 'hires', records: 100 },
];

const label = ({ key, order }: Polled): string =>
  order ? `${key} (list ${order.replace('_', ' ')})` : key;
/** An idle poll reads page 1 alone, or on an oldest-first list its last page and the one after. */
const idleGoal = ({ order }: Polled): number => (order === 'oldest_first' ? 2 : 1);

type AnyFunction = (...args: never[]) => unknown;
type Tester = (method: AnyFunction, bundle: Record<string, unknown>) => Promise<unknown>;
type App = Record<string, unknown>;

const HYDRATE = /^hydrate\|\|\|([\s\S]*)\|\|\|hydrate$/;

interface Hydration {
  methodCalls: number;
  filePointersLeft: number;
}

function lookup(app: App, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], app);
}

/** Resolves every dehydrated method pointer inside value (recursively, as Zapier does for kept items). */
async function hydrate(
  app: App,
  tester: Tester,
  value: unknown,
  tally: Hydration,
): Promise<unknown> {
  if (typeof value === 'string') {
    const match = HYDRATE.exec(value);
    if (!match) return value;
    const pointer = JSON.parse(match[1]!) as { type: string; method: string; bundle: unknown };
    if (pointer.type !== 'method') {
      // A file pointer is only fetched when a later step maps it into a file field.
      tally.filePointersLeft++;
      return value;
    }
    const hydrator = lookup(app, pointer.method);
    if (typeof hydrator !== 'function')
      throw new Error(`dehydrated pointer names ${pointer.method}, which the app does not define`);
    tally.methodCalls++;
    const result = await tester(hydrator as AnyFunction, {
      authData: { api_key: STANDIN_API_KEY },
      inputData: pointer.bundle,
    });
    return hydrate(app, tester, result, tally);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const entry of value) out.push(await hydrate(app, tester, entry, tally));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value))
      out[key] = await hydrate(app, tester, entry, tally);
    return out;
  }
  return value;
}

const pollBundle = (isPopulatingDedupe: boolean) => ({
  authData: { api_key: STANDIN_API_KEY },
  inputData: {},
  meta: {
    isPopulatingDedupe,
    isLoadingSample: false,
    isFillingDynamicDropdown: false,
    isTestingAuth: false,
    limit: -1,
    page: 0,
  },
});

interface Phase {
  name: string;
  requests: number;
  breakdown: Record<string, number>;
  listed: number;
  kept: number;
  /** New records the stand-in holds that this poll should surface (a check on the figure). */
  expectedNew: number;
  hydratorCalls: number;
  filePointersLeft: number;
  baselineRequests: number;
}

async function measureTrigger(app: App, standin: JazzhrStandin, polled: Polled): Promise<Phase[]> {
  const { key, resource } = polled;
  const trigger = (app.triggers as Record<string, { operation?: { perform?: unknown } }>)[key];
  const perform = trigger?.operation?.perform;
  if (typeof perform !== 'function') throw new Error(`${key} has no perform function`);
  const tester = createAppTester(app) as unknown as Tester;
  const seen = new Set<string>();
  const phases: Phase[] = [];
  standin.resetData(polled.records);
  if (polled.order) standin.setOrder(resource, polled.order);

  const run = async (
    name: string,
    isPopulatingDedupe: boolean,
    expectedNew: number,
  ): Promise<void> => {
    standin.resetCounts();
    const items = (await tester(perform as AnyFunction, pollBundle(isPopulatingDedupe))) as {
      id: unknown;
    }[];
    if (!Array.isArray(items)) throw new Error(`${key} returned ${typeof items}, not a list`);
    // Zapier keeps only ids it has not seen, at most 100 a poll; while populating dedupe it keeps none.
    const kept = isPopulatingDedupe
      ? []
      : items.filter((item) => !seen.has(String(item.id))).slice(0, 100);
    for (const item of items) seen.add(String(item.id));
    const tally: Hydration = { methodCalls: 0, filePointersLeft: 0 };
    for (const item of kept) await hydrate(app, tester, item, tally);
    const requests = standin.total();
    const breakdown = standin.counts();
    standin.resetCounts();
    await naivePoll(standin.apiUrl, STANDIN_API_KEY, resource);
    phases.push({
      name,
      requests,
      breakdown,
      listed: items.length,
      kept: kept.length,
      expectedNew,
      hydratorCalls: tally.methodCalls,
      filePointersLeft: tally.filePointersLeft,
      baselineRequests: standin.total(),
    });
  };

  await run('populating dedupe', true, 0);
  await run(`idle poll, 0 new of ${polled.records}`, false, 0);
  standin.addNew(NEW_RECORDS);
  await run(`poll with ${NEW_RECORDS} new (details resolved for the new ones)`, false, NEW_RECORDS);
  return phases;
}

export async function pollCost(): Promise<Row[]> {
  const rows: Row[] = [];
  let app: App;
  try {
    app = ((await import('../../index')) as unknown as { default: App }).default;
  } catch (error) {
    return [
      notMeasured(
        FIGURE,
        'all polling triggers',
        `dist/index.js failed to load: ${(error as Error).message}`,
      ),
    ];
  }
  const standin = await startJazzhrStandin(100);
  const previousUrl = process.env.JAZZHR_API_URL;
  process.env.JAZZHR_API_URL = standin.apiUrl;
  try {
    for (const polled of POLLED) {
      const { key } = polled;
      const registered = (app.triggers as Record<string, unknown> | undefined)?.[key];
      if (!registered) {
        rows.push(notMeasured(FIGURE, key, `trigger ${key} is not registered in index.ts yet`));
        continue;
      }
      let phases: Phase[];
      try {
        phases = await measureTrigger(app, standin, polled);
      } catch (error) {
        rows.push(
          notMeasured(FIGURE, label(polled), `the poll failed: ${(error as Error).message}`),
        );
        continue;
      }
      for (const phase of phases) {
        const idle = phase.name.startsWith('idle');
        rows.push(
          measured({
            figure: FIGURE,
            metric:
              phase.kept === phase.expectedNew
                ? `${label(polled)}, ${phase.name}`
                : `${label(polled)}, ${phase.name} (WARNING: ${phase.kept} items passed dedupe, ${phase.expectedNew} expected)`,
            unit: 'req',
            value: phase.requests,
            baseline: phase.baselineRequests,
            baselineLabel: 'list + detail each',
            ...(idle ? { goal: { on: 'value', op: '<=', target: idleGoal(polled) } } : {}),
            details: {
              requestsByEndpoint: phase.breakdown,
              itemsReturned: phase.listed,
              itemsKeptAfterDedupe: phase.kept,
              newRecordsInStandin: phase.expectedNew,
              hydratorCalls: phase.hydratorCalls,
              filePointersNotResolved: phase.filePointersLeft,
            },
          }),
        );
      }
    }
  } finally {
    if (previousUrl === undefined) delete process.env.JAZZHR_API_URL;
    else process.env.JAZZHR_API_URL = previousUrl;
    await standin.close();
  }
  return rows;
}
