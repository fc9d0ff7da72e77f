/** What every hidden dropdown trigger must do, one suite run for each of them. */
import app from '../../index';
import applicantListSample from '../../src/samples/applicant_list.json';
import applicantList from '../../src/triggers/applicant_list';
import jobList from '../../src/triggers/job_list';
import userList from '../../src/triggers/user_list';
import workflowStepList from '../../src/triggers/workflow_step_list';
import jobListSample from '../../src/samples/job_list.json';
import userListSample from '../../src/samples/user_list.json';
import workflowStepListSample from '../../src/samples/workflow_step_list.json';
import applicants from '../fixtures/jazzhr/applicants.list.json';
import jobs from '../fixtures/jazzhr/jobs.list.json';
import users from '../fixtures/jazzhr/users.list.synthetic.json';
import workflows from '../fixtures/jazzhr/workflows.list.synthetic.json';
import { jazzhrApi } from '../support/jazzhr';
import { describeJazzHRFailures } from '../support/jazzhr-error-cases';
import { installNockGuards } from '../support/nock-guards';
import { runDropdown, type DropdownItem, type DropdownKey } from './dropdown-support';

type Items = DropdownItem[];

interface DropdownCase {
  key: DropdownKey;
  /** The trigger's module, as index.ts registers it. */
  definition: unknown;
  /** JazzHR's list resource behind it. */
  resource: string;
  /** One record sent as a bare object, and the item it must give. */
  bare: unknown;
  bareItem: Record<string, unknown>;
  /** A full page of 100 records, page 2's records, and how many items page 2 gives. */
  fullPage: unknown[];
  secondPage: unknown[];
  checkSecondPage: (items: Items) => void;
  /** A record the trigger cannot read, and what the error says. */
  unreadable: { body: unknown; error: RegExp };
  /** The records answered for the sample check, and how the sample must match the items. */
  sampleBody: unknown[];
  checkSample: (items: Items, sample: Record<string, unknown>) => void;
  sample: Record<string, unknown>;
}

const hundred = <T>(make: (index: number) => T): T[] =>
  Array.from({ length: 100 }, (_, i) => make(i));
/** A full page like `record`, each copy with its own JazzHR id starting `idPrefix`. */
const hundredLike = (record: object | undefined, idPrefix: string) =>
  hundred((index) => ({
    ...record,
    id: `${idPrefix}_20240101000000_${String(index).padStart(16, '0')}`,
  }));
const firstItemIsTheSample = (items: Items, sample: Record<string, unknown>) =>
  expect(items[0]).toEqual(sample);

const cases: DropdownCase[] = [
  {
    key: 'applicant_list',
    definition: applicantList,
    resource: 'applicants',
    bare: applicants[0],
    bareItem: { id: applicants[0]?.id, name: 'Steven Stevenson — Executive Consultant' },
    fullPage: hundredLike(applicants[0], 'prospect'),
    secondPage: [applicants[7]],
    checkSecondPage: (items) =>
      expect(items).toEqual([expect.objectContaining({ id: applicants[7]?.id })]),
    unreadable: {
      body: [{ first_name: 'Ghost' }],
      error: /JazzHR sent a applicants record \(record 1\)/,
    },
    sampleBody: [applicants[3]],
    checkSample: firstItemIsTheSample,
    sample: applicantListSample,
  },
  {
    key: 'job_list',
    definition: jobList,
    resource: 'jobs',
    bare: jobs[0],
    bareItem: { id: jobs[0]?.id },
    fullPage: hundredLike(jobs[0], 'job'),
    secondPage: [jobs[2]],
    checkSecondPage: (items) =>
      expect(items).toEqual([expect.objectContaining({ id: jobs[2]?.id })]),
    unreadable: {
      body: [{ title: 'Ghost' }],
      error: /JazzHR sent a jobs record \(record 1\) in a shape this integration cannot read: id/,
    },
    sampleBody: [jobs[0]],
    checkSample: (items, sample) =>
      expect(Object.keys(sample).sort()).toEqual(Object.keys(items[0] ?? {}).sort()),
    sample: jobListSample,
  },
  {
    key: 'user_list',
    definition: userList,
    resource: 'users',
    bare: users[1],
    bareItem: { id: users[1]?.id },
    fullPage: hundredLike(users[0], 'usr'),
    secondPage: [users[2]],
    checkSecondPage: (items) =>
      expect(items).toEqual([expect.objectContaining({ id: users[2]?.id })]),
    unreadable: {
      body: [{ first_name: 'Ghost' }],
      error: /JazzHR sent a users record \(record 1\)/,
    },
    sampleBody: [users[0]],
    checkSample: firstItemIsTheSample,
    sample: userListSample,
  },
  {
    key: 'workflow_step_list',
    definition: workflowStepList,
    resource: 'workflows',
    bare: { id: 'workflow_1', name: 'Sales', steps: { id: '77', name: 'Screen' } },
    bareItem: { id: '77', name: 'Sales › Screen' },
    fullPage: hundred((index) => ({
      id: `workflow_${index}`,
      name: `W${index}`,
      steps: { id: `${index}`, name: 'New' },
    })),
    secondPage: [workflows[0]],
    checkSecondPage: (items) => expect(items).toHaveLength(5),
    unreadable: {
      body: [{ id: 'workflow_1', steps: ['not a step'] }],
      error:
        /JazzHR sent a workflows record \(record 1\) in a shape this integration cannot read: steps/,
    },
    sampleBody: [workflows[0]],
    checkSample: (items, sample) => expect(items[1]).toEqual(sample),
    sample: workflowStepListSample,
  },
];

installNockGuards();

describe.each(cases)('$key dropdown trigger', (dropdown) => {
  const trigger = app.triggers[dropdown.key];
  const run = (page?: number) => runDropdown(dropdown.key, page);
  const page = (n: number) => `/v1/${dropdown.resource}/page/${n}`;

  it('is a hidden dropdown source registered under its key', () => {
    expect(trigger).toBe(dropdown.definition);
    expect(trigger.display.hidden).toBe(true);
  });

  it('handles a single record sent as a bare object', async () => {
    jazzhrApi()
      .get(page(1))
      .query(true)
      .reply(200, dropdown.bare as object);
    expect(await run()).toEqual([expect.objectContaining(dropdown.bareItem)]);
  });

  it.each(['[]', '', 'null'])('returns nothing for an empty answer %j', async (body) => {
    jazzhrApi().get(page(1)).query(true).reply(200, body);
    expect(await run()).toEqual([]);
  });

  it('maps Zapier dropdown page N to JazzHR page N+1', async () => {
    jazzhrApi().get(page(1)).query(true).reply(200, dropdown.fullPage);
    jazzhrApi().get(page(2)).query(true).reply(200, dropdown.secondPage);
    expect(await run(0)).toHaveLength(100);
    dropdown.checkSecondPage(await run(1));
  });

  it('falls back to the first page for a nonsense page number', async () => {
    jazzhrApi().get(page(1)).query(true).reply(200, []);
    expect(await run(-3)).toEqual([]);
  });

  it('explains a record it cannot read', async () => {
    jazzhrApi()
      .get(page(1))
      .query(true)
      .reply(200, dropdown.unreadable.body as object);
    await expect(run()).rejects.toThrow(dropdown.unreadable.error);
  });

  it('has a sample shaped like its output', async () => {
    jazzhrApi().get(page(1)).query(true).reply(200, dropdown.sampleBody);
    dropdown.checkSample(await run(), dropdown.sample);
    expect(
      (trigger.operation.outputFields ?? []).map((field) => (field as { key: string }).key).sort(),
    ).toEqual(Object.keys(dropdown.sample).sort());
  });

  describeJazzHRFailures(page(1), () => run());
});
