import { createAppTester } from 'zapier-platform-core';

import { measured, notMeasured, type Row } from '../lib/results';
import { naiveCreateApplicant, naiveLookup } from '../standins/naive-lookup';
import { STANDIN_API_KEY, startJazzhrStandin, type JazzhrStandin } from '../standins/jazzhr';

/**
 * JazzHR requests per Create Applicant and Find Applicant (issue 13 §6), run through
 * createAppTester against the loopback stand-in, whose name filter is loose like JazzHR's: a
 * brand-new "Ann Lee" among five loose namesakes, the same step replayed, and a search by name
 * and email. The baseline is the duplicate check as it was before, on the same data.
 */

const FIGURE = 'Lookup cost';
const ANN = { first_name: 'Ann', last_name: 'Lee', email: 'ann.lee@example.com' };
const LOOSE_NAMESAKES = [
  ['Joann', 'Leeds'],
  ['Annie', 'Lee'],
  ['Ann', 'Leeds'],
  ['Anna', 'Lee'],
  ['Leeann', 'Annan'],
] as const;

type AnyFunction = (...args: never[]) => unknown;
type Tester = (method: AnyFunction, bundle: Record<string, unknown>) => Promise<unknown>;
type App = {
  creates: Record<string, { operation: { perform: AnyFunction } }>;
  searches: Record<string, { operation: { perform: AnyFunction } }>;
};

interface Scenario {
  metric: string;
  goal: number;
  op: '<=' | '==';
  /** Runs the app's operation; returns what a check of the answer needs. */
  run: () => Promise<string>;
  /** The same action done the old way, on the same data. */
  baseline: () => Promise<unknown>;
  expected: string;
}

function setUp(standin: JazzhrStandin): void {
  standin.resetData(100);
  for (const [first, last] of LOOSE_NAMESAKES)
    standin.addPerson(first, last, `${first}.${last}@example.com`.toLowerCase());
}

async function measure(standin: JazzhrStandin, scenario: Scenario): Promise<Row> {
  standin.resetCounts();
  const answer = await scenario.run();
  const value = standin.total();
  const breakdown = standin.counts();
  standin.resetCounts();
  await scenario.baseline();
  const baseline = standin.total();
  const metric =
    answer === scenario.expected
      ? scenario.metric
      : `${scenario.metric} (WARNING: answered ${answer}, expected ${scenario.expected})`;
  return measured({
    figure: FIGURE,
    metric,
    unit: 'req',
    value,
    baseline,
    baselineLabel: 'the check before issue 13, every loose namesake read',
    goal: { on: 'value', op: scenario.op, target: scenario.goal },
    details: { requestsByEndpoint: breakdown },
  });
}

export async function lookupCost(): Promise<Row[]> {
  let app: App;
  try {
    app = ((await import('../../index')) as unknown as { default: App }).default;
  } catch (error) {
    return [
      notMeasured(FIGURE, 'all', `dist/index.js failed to load: ${(error as Error).message}`),
    ];
  }
  const tester = createAppTester(app) as unknown as Tester;
  const standin = await startJazzhrStandin(100);
  const previousUrl = process.env.JAZZHR_API_URL;
  process.env.JAZZHR_API_URL = standin.apiUrl;
  const bundle = (inputData: Record<string, unknown>) => ({
    authData: { api_key: STANDIN_API_KEY },
    inputData,
  });
  const create = async () => {
    const result = await tester(app.creates.create_applicant!.operation.perform, bundle(ANN));
    return String((result as { outcome?: unknown }).outcome);
  };
  const naiveCreate = () => naiveCreateApplicant(standin.apiUrl, STANDIN_API_KEY, ANN);
  try {
    const rows: Row[] = [];
    setUp(standin);
    const brandNew: Scenario = {
      metric: 'Create Applicant, brand-new "Ann Lee" among 5 loose namesakes',
      goal: 3,
      op: '<=',
      run: create,
      // The app's run created Ann: the old check runs on the data as it was.
      baseline: async () => {
        setUp(standin);
        standin.resetCounts();
        return naiveCreate();
      },
      expected: 'created',
    };
    rows.push(await measure(standin, brandNew));
    rows.push(
      await measure(standin, {
        metric: 'Create Applicant, the same step replayed (posts nothing)',
        goal: 2,
        op: '==',
        run: create,
        baseline: naiveCreate,
        expected: 'existing',
      }),
    );
    rows.push(
      await measure(standin, {
        metric: 'Find Applicant by name and email, one applicant with that name',
        goal: 2,
        op: '==',
        run: async () => {
          const found = await tester(app.searches.find_applicant!.operation.perform, bundle(ANN));
          return `${(found as unknown[]).length} found`;
        },
        baseline: () => naiveLookup(standin.apiUrl, STANDIN_API_KEY, ANN),
        expected: '1 found',
      }),
    );
    return rows;
  } finally {
    if (previousUrl === undefined) delete process.env.JAZZHR_API_URL;
    else process.env.JAZZHR_API_URL = previousUrl;
    await standin.close();
  }
}
