import applicantDetail from '../fixtures/jazzhr/applicant.detail.synthetic.json';
import applicants from '../fixtures/jazzhr/applicants.list.json';
import jobs from '../fixtures/jazzhr/jobs.list.json';
import users from '../fixtures/jazzhr/users.list.synthetic.json';
import workflows from '../fixtures/jazzhr/workflows.list.synthetic.json';
import {
  Activity,
  ApplicantDetail,
  ApplicantJob,
  ApplicantSummary,
  asList,
  CreatedApplicant,
  CreatedApplicantJob,
  CreatedNote,
  Hire,
  Job,
  User,
  Workflow,
} from '../../src/jazzhr/schemas';

describe('asList', () => {
  it('wraps a bare value and empties the empty ones', () => {
    expect(asList({ id: 'a' })).toEqual([{ id: 'a' }]);
    expect(asList([1, 2])).toEqual([1, 2]);
    expect(asList([])).toEqual([]);
    expect(asList('')).toEqual([]);
    expect(asList(null)).toEqual([]);
    expect(asList(undefined)).toEqual([]);
  });
});

describe('record schemas', () => {
  it('read the captured applicant list and jobs list', () => {
    const parsedApplicants = applicants.map((record) => ApplicantSummary.parse(record));
    expect(parsedApplicants[3]).toMatchObject({
      id: 'prospect_20160512184407_MYXVB4IKB2IALSSA',
      first_name: 'Alan',
    });
    const parsedJobs = jobs.map((record) => Job.parse(record));
    expect(parsedJobs[0]).toMatchObject({
      title: 'Executive Consultant',
      status: 'Open',
      minimum_salary: '1',
    });
  });

  it('turn numbers into strings, null and missing values into "", and keep unknown keys', () => {
    const user = User.parse({
      id: 42,
      first_name: null,
      email: 'a@example.com',
      favourite_colour: 'teal',
    });
    expect(user).toEqual({
      id: '42',
      type: '',
      first_name: '',
      last_name: '',
      email: 'a@example.com',
      date_created: '',
      favourite_colour: 'teal',
    });
  });

  it('refuse records without an id, and scalars that are objects', () => {
    expect(ApplicantSummary.safeParse({ first_name: 'x' }).success).toBe(false);
    expect(ApplicantSummary.safeParse({ id: '  ' }).success).toBe(false);
    expect(Job.safeParse({ id: 'job_1', title: { text: 'x' } }).success).toBe(false);
  });

  it('normalise every nested list of an applicant detail', () => {
    const detail = ApplicantDetail.parse(applicantDetail);
    expect(detail.rating).toBe('4');
    expect(detail.eeo_gender).toBeNull();
    expect(detail.jobs).toEqual([
      expect.objectContaining({
        job_id: 'job_20160512181416_C2ZAFIUBO61DKFDA',
        workflow_step_id: '1204',
      }),
    ]);
    expect(detail.activities).toHaveLength(1);
    expect(detail.activities[0]?.activity).toBe('Applicant applied through the careers page');
    expect(detail.comments).toEqual([]);
    expect(detail.questionnaire).toEqual([
      { question: 'Are you authorized to work in the United States?', answer: 'Yes' },
    ]);
    expect(detail.categories).toEqual([]);
    expect(detail.feedback).toEqual([]);
    expect(detail.messages).toEqual([]);
    expect(detail.evaluation).toEqual([]);
  });

  it('accept categories and loose nested records as objects or bare values', () => {
    const detail = ApplicantDetail.parse({
      id: 'prospect_1',
      categories: ['Senior', { id: 'cat_1', name: 'Remote' }],
      feedback: 'Strong hire',
      evaluation: { score: 5 },
    });
    expect(detail.categories).toEqual([
      { id: '', name: 'Senior' },
      { id: 'cat_1', name: 'Remote' },
    ]);
    expect(detail.feedback).toEqual([{ value: 'Strong hire' }]);
    expect(detail.evaluation).toEqual([{ score: 5 }]);
  });

  it('fold the plausible workflow spellings into id, name and steps', () => {
    const [standard, alternative] = workflows.map((record) => Workflow.parse(record));
    expect(standard).toMatchObject({
      id: 'workflow_20160511131709_DEFAULT0000000001',
      name: 'Default Hiring Workflow',
    });
    expect(standard?.steps.map((step) => step.name)).toEqual([
      'New',
      'Phone Screen',
      'Interview',
      'Offer',
      'Hired',
    ]);
    expect(alternative).toMatchObject({
      id: 'workflow_20170102090000_ENGINEERING00002',
      name: 'Engineering',
    });
    expect(alternative?.steps).toEqual([
      expect.objectContaining({ id: '1310', name: 'Technical Interview', order: '1' }),
    ]);
  });

  it('read the remaining records leniently', () => {
    expect(Activity.parse({ id: 'a', action: 'moved', date: '2024-01-01' })).toMatchObject({
      action: 'moved',
      user_id: '',
    });
    expect(
      Hire.parse({ applicant_id: 'prospect_1', hired_time: '2024-01-01 10:00:00' }),
    ).toMatchObject({ id: '', job_id: '' });
    expect(ApplicantJob.parse({ id: 7, rating: 3 })).toMatchObject({ id: '7', rating: '3' });
    expect(users.map((record) => User.parse(record))[0]?.type).toBe('Super Admin');
  });

  it('read JazzHR’s "0000-00-00" placeholder as an empty date', () => {
    expect(
      ApplicantDetail.parse({ ...applicantDetail, desired_start_date: '0000-00-00' }),
    ).toMatchObject({ desired_start_date: '' });
    expect(ApplicantSummary.parse({ id: 'prospect_1', apply_date: '0000-00-00' }).apply_date).toBe(
      '',
    );
    expect(Activity.parse({ id: 'a', date: '0000-00-00', time: '10:00:00' })).toMatchObject({
      date: '',
      time: '10:00:00',
    });
    expect(Job.parse({ id: 'job_1', original_open_date: '0000-00-00' }).original_open_date).toBe(
      '',
    );
    expect(User.parse({ id: 'usr_1', date_created: '0000-00-00 00:00:00' }).date_created).toBe('');
    expect(Hire.parse({ hired_date: '0000-00-00', hired_time: '00:00:00' })).toMatchObject({
      hired_date: '',
      hired_time: '00:00:00',
    });
    expect(ApplicantSummary.parse({ id: 'prospect_1', apply_date: '2024-02-29' }).apply_date).toBe(
      '2024-02-29',
    );
  });

  it('read every /hires field the public clients list, workflow_step_name included', () => {
    expect(
      Hire.parse({
        id: 'hire_1',
        applicant_id: 'prospect_1',
        job_id: 'job_1',
        workflow_step_id: 12345678,
        workflow_step_name: null,
        hired_date: '2024-01-02',
        hired_time: '10:00:00',
      }),
    ).toEqual({
      id: 'hire_1',
      applicant_id: 'prospect_1',
      job_id: 'job_1',
      workflow_step_id: '12345678',
      workflow_step_name: '',
      hired_date: '2024-01-02',
      hired_time: '10:00:00',
    });
    expect(Hire.parse({ workflow_step_name: 'Hired' }).workflow_step_name).toBe('Hired');
  });

  it('read a step’s 1-based `number` as its order', () => {
    const workflow = Workflow.parse({
      id: 'workflow_1',
      name: 'Sales',
      steps: [{ id: 12345678, name: 'Phone Screen', number: 2 }],
    });
    expect(workflow.steps[0]).toMatchObject({ id: '12345678', name: 'Phone Screen', order: '2' });
  });

  it('read steps keyed by their id', () => {
    const workflow = Workflow.parse({
      id: 'workflow_1',
      name: 'Sales',
      steps: { '12345678': { name: 'New', number: '1' }, '12345679': { name: 'Offer' } },
    });
    expect(workflow.steps.map((step) => [step.id, step.name, step.order])).toEqual([
      ['12345678', 'New', '1'],
      ['12345679', 'Offer', ''],
    ]);
  });

  it('read a record that is one step of a workflow (steps listed flat)', () => {
    const workflow = Workflow.parse({
      workflow_id: 'workflow_1',
      workflow_name: 'Sales',
      workflow_step_id: '12345678',
      workflow_step_name: 'Phone Screen',
      number: '2',
    });
    expect(workflow).toMatchObject({ id: 'workflow_1', name: 'Sales' });
    expect(workflow.steps).toEqual([
      expect.objectContaining({ id: '12345678', name: 'Phone Screen', order: '2' }),
    ]);
  });

  it('read POST answers, accepting id as the fallback spelling', () => {
    expect(CreatedApplicant.parse({ prospect_id: 'prospect_1' }).prospect_id).toBe('prospect_1');
    expect(CreatedApplicant.safeParse({}).success).toBe(false);
    expect(CreatedApplicantJob.parse({ appjob_id: 12 }).appjob_id).toBe('12');
    expect(CreatedApplicantJob.parse({ id: 'aj_1' }).appjob_id).toBe('aj_1');
    expect(CreatedNote.parse({ comment_id: 'c_1' }).comment_id).toBe('c_1');
    expect(CreatedNote.parse({ id: 9 }).comment_id).toBe('9');
  });
});
