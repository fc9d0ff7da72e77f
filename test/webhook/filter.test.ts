import {
  exportMatchesFilter,
  STATUS_CATEGORIES,
  type PositionFilter,
} from '../../src/webhook/filter';
import { normaliseExport } from '../../src/webhook/normalise';
import { parseCandidateExport } from '../../src/webhook/payload';
import { exportBodyIn, exportWithJobs, STATUS_BY_CATEGORY } from '../fixtures/exports/statuses';

const matches = (body: string, filter: PositionFilter) =>
  exportMatchesFilter(parseCandidateExport(body), filter);

describe('exportMatchesFilter', () => {
  describe.each(STATUS_CATEGORIES)('an export in category %s', (category) => {
    const body = exportBodyIn(category);
    const { statusName } = STATUS_BY_CATEGORY[category];

    it('matches its own category, in any case, and no other', () => {
      expect(matches(body, { statusCategory: category })).toBe(true);
      expect(matches(body, { statusCategory: category.toUpperCase() })).toBe(true);
      for (const other of STATUS_CATEGORIES.filter((name) => name !== category)) {
        expect(matches(body, { statusCategory: other })).toBe(false);
      }
    });

    it('matches its workflow step name and the job title, ignoring case and spacing', () => {
      expect(matches(body, { statusName: ` ${statusName.toLowerCase()} ` })).toBe(true);
      expect(matches(body, { statusName: 'Offer Extended' })).toBe(false);
      expect(matches(body, { statusCategory: category, jobTitle: 'sample  JOB' })).toBe(true);
      expect(matches(body, { statusCategory: category, jobTitle: 'Payroll Clerk' })).toBe(false);
    });
  });

  it('lets every export through when no filter is set', () => {
    expect(matches(exportBodyIn('Hired'), {})).toBe(true);
    expect(matches('{"candidate": {"person": {"name": "Ann"}}}', {})).toBe(true);
  });

  it('matches an export with no jobs to no filter that is set', () => {
    expect(matches('{"candidate": {"person": {"name": "Ann"}}}', { statusCategory: 'New' })).toBe(
      false,
    );
  });

  it('wants one job that matches every filter, not filters met by different jobs', () => {
    const body = JSON.stringify(
      exportWithJobs(
        { title: 'Payroll Clerk', statusName: 'Phone Screen', category: 'Active' },
        { title: 'Warehouse Associate', statusName: 'Hired', category: 'Hired' },
      ),
    );
    expect(matches(body, { statusCategory: 'Hired' })).toBe(true);
    expect(matches(body, { statusCategory: 'Hired', jobTitle: 'Warehouse Associate' })).toBe(true);
    expect(matches(body, { statusCategory: 'Hired', jobTitle: 'Payroll Clerk' })).toBe(false);
  });

  it('reads the real capture as it is (New step in the Active category)', () => {
    const body = JSON.stringify(exportWithJobs({ statusName: 'New', category: 'Active' }));
    expect(matches(body, { statusCategory: 'Active', statusName: 'new' })).toBe(true);
    expect(matches(body, { statusCategory: 'New' })).toBe(false);
  });
});

describe('normaliseExport with a filter', () => {
  const body = JSON.stringify(
    exportWithJobs(
      { title: 'Payroll Clerk', jobId: '500001', statusName: 'Phone Screen', category: 'Active' },
      { title: 'Warehouse Associate', jobId: '500002', statusName: 'Hired', category: 'Hired' },
    ),
  );
  const normalise = (filter?: PositionFilter, exportContext?: string) =>
    normaliseExport(parseCandidateExport(body), { rawBody: body, filter, exportContext });

  it('describes the job that matches, not the first one', () => {
    expect(normalise()).toMatchObject({ job_id: '500001', status_category: 'Active' });
    expect(normalise({ statusCategory: 'hired' })).toMatchObject({
      job_id: '500002',
      job_title: 'Warehouse Associate',
      status: 'Hired',
      status_category: 'Hired',
    });
  });

  it('lets the export context choose among the matching jobs only', () => {
    expect(normalise({}, '500002')).toMatchObject({ job_id: '500002' });
    expect(normalise({ statusCategory: 'Active' }, '500002')).toMatchObject({ job_id: '500001' });
  });
});
