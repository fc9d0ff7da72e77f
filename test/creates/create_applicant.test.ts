import nock from 'nock';

import app from '../../index';
import { NAME_LOOKUP_MAX_DETAILS } from '../../src/jazzhr/applicant-lookup';
import applicantSample from '../../src/samples/applicant.json';
import {
  applicantDetail,
  applicantSummary,
  DETAIL,
  prospectId,
} from '../fixtures/applicants/builders';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { recordPosts, runCreate } from './operation-support';

installNockGuards();

const GRACE = DETAIL.id;
const NAME_LIST = '/v1/applicants/name/Grace%20Hopper';
const FILES = 'https://files.example.com';
const RESUME_URL = `${FILES}/cv/grace.pdf?token=s3cr3t-download-token`;
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');

const INPUT = {
  first_name: 'Grace',
  last_name: 'Hopper',
  email: 'grace.hopper@example.com',
  phone: '(555) 010-4477',
  address: '1 Navy Yard Way',
  city: 'Arlington',
  state: 'VA',
  postal: '22202',
  job_id: 'job_20240301120000_Q3W8E1R6T2Y7U4IO',
  workflow_step_id: '3481923',
  source: 'LinkedIn',
  linkedin: 'https://www.linkedin.com/in/grace-hopper-example',
  website: 'https://gracehopper.example.com',
  cover_letter: 'I would like to help your team ship reliable compilers.',
};

/** JazzHR's POST /applicants names for INPUT (REFERENCE.md), with the key in the body. */
const EXPECTED_BODY = {
  apikey: API_KEY,
  first_name: 'Grace',
  last_name: 'Hopper',
  email: 'grace.hopper@example.com',
  phone: '(555) 010-4477',
  address: '1 Navy Yard Way',
  city: 'Arlington',
  state: 'VA',
  postal: '22202',
  job: 'job_20240301120000_Q3W8E1R6T2Y7U4IO',
  workflow_step_id: '3481923',
  source: 'LinkedIn',
  linkedin: 'https://www.linkedin.com/in/grace-hopper-example',
  website: 'https://gracehopper.example.com',
  coverletter: 'I would like to help your team ship reliable compilers.',
};

function nameLookup(page: number, body: nock.Body) {
  jazzhrApi().get(`${NAME_LIST}/page/${page}`).query({ apikey: API_KEY }).reply(200, body);
}
function detailRead(id: string, body: nock.Body = applicantDetail({ id })) {
  jazzhrApi().get(`/v1/applicants/${id}`).query({ apikey: API_KEY }).reply(200, body);
}

describe('create_applicant', () => {
  it('is registered with the labelled fields a recruiter fills in', () => {
    const create = app.creates.create_applicant;
    const fields = create.operation.inputFields as { key: string; label?: string }[];
    expect(fields.map((field) => field.key)).toEqual([
      'first_name',
      'last_name',
      'email',
      'on_duplicate',
      'phone',
      'address',
      'city',
      'state',
      'postal',
      'job_id',
      'workflow_step_id',
      'source',
      'linkedin',
      'website',
      'cover_letter',
      'resume',
    ]);
    expect(fields.every((field) => field.label)).toBe(true);
    expect(create.operation.sample).toEqual({ ...applicantSample, outcome: 'created' });
  });

  it('checks for the email first, then posts JazzHR field names and returns the full detail', async () => {
    nameLookup(1, []);
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);

    const result = await runCreate('create_applicant', INPUT);
    expect(posts).toEqual([EXPECTED_BODY]);
    // The sample shown in the Zap editor is exactly what this returns for the fixture.
    expect(result).toEqual({ ...applicantSample, outcome: 'created' });
  });

  it('returns the existing applicant when the email matches, whatever its case, and posts nothing', async () => {
    nameLookup(1, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'GRACE.HOPPER@example.com' }));
    const posts = recordPosts('/v1/applicants', []);

    const result = await runCreate('create_applicant', INPUT);
    expect(posts).toHaveLength(0);
    expect(result).toMatchObject({ id: GRACE, outcome: 'existing' });
  });

  it('creates a namesake whose email differs', async () => {
    const namesake = prospectId('20200101000000', 'NAMESAKENAMESAKE');
    nameLookup(1, applicantSummary(namesake, 'Grace', 'Hopper')); // one record: a bare object
    detailRead(namesake, applicantDetail({ id: namesake, email: 'g.hopper@navy.example.mil' }));
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);

    const result = await runCreate('create_applicant', INPUT);
    expect(posts).toHaveLength(1);
    expect(result).toMatchObject({ id: GRACE, outcome: 'created' });
  });

  describe('request cost of the duplicate check', () => {
    // JazzHR's name filter matches substrings of either name: these come back for "Grace Hopper".
    const looseNamesakes = [
      ['Graceanne', 'Hopper'],
      ['Grace', 'Hoppers'],
      ['Ana Grace', 'Hopper'],
      ['Grace', 'Grasshopper'],
      ['Gracelyn', 'Hopperton'],
    ].map(([first, last], index) =>
      applicantSummary(prospectId(`2024060${index + 1}000000`, 'LOOSELOOSELOOSE0'), first!, last!),
    );

    it('creates a brand-new applicant among five loose namesakes in 3 requests: list, POST, read-back', async () => {
      // No detail is mocked for the loose namesakes: reading one would be a stray request.
      nameLookup(1, looseNamesakes);
      const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
      detailRead(GRACE, DETAIL);
      const result = await runCreate('create_applicant', INPUT);
      expect(posts).toHaveLength(1);
      expect(result).toMatchObject({ id: GRACE, outcome: 'created' });
    });

    it('answers a replayed step in 2 requests, the list and one detail, and posts nothing', async () => {
      nameLookup(1, [...looseNamesakes, applicantSummary(GRACE, ' GRACE ', 'hopper')]);
      detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));
      const posts = recordPosts('/v1/applicants', []);
      const result = await runCreate('create_applicant', INPUT);
      expect(posts).toEqual([]);
      expect(result).toMatchObject({ id: GRACE, outcome: 'existing' });
    });

    it('says in the help text what the check costs and what it cannot see', () => {
      const onDuplicate = (
        app.creates.create_applicant.operation.inputFields as { key: string; helpText?: string }[]
      ).find((field) => field.key === 'on_duplicate');
      expect(onDuplicate?.helpText).toMatch(
        /costs one JazzHR request .*plus one for each applicant whose first and last name equal these/,
      );
      expect(onDuplicate?.helpText).toMatch(
        /cannot see an existing applicant whose name is spelled differently/,
      );
    });
  });

  it('finds an existing applicant on the second page of namesakes', async () => {
    nameLookup(
      1,
      Array.from({ length: 100 }, (_, index) =>
        applicantSummary(
          prospectId('20240601000000', `GRACIE${String(index).padStart(10, '0')}`),
          'Gracie',
          'Hopperton',
        ),
      ),
    );
    nameLookup(2, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));

    const result = await runCreate('create_applicant', INPUT);
    expect(result).toMatchObject({ id: GRACE, outcome: 'existing' });
  });

  it(`reads at most ${NAME_LOOKUP_MAX_DETAILS} namesakes before creating`, async () => {
    const namesakes = Array.from({ length: 12 }, (_, index) =>
      applicantSummary(
        prospectId(`202401${String(10 + index)}000000`, 'NAMESAKENAMESAKE'),
        'Grace',
        'Hopper',
      ),
    );
    nameLookup(1, namesakes);
    const newestTen = [...namesakes].reverse().slice(0, NAME_LOOKUP_MAX_DETAILS);
    for (const summary of newestTen) {
      detailRead(summary.id, applicantDetail({ id: summary.id, email: 'someone@example.com' }));
    }
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);

    await runCreate('create_applicant', INPUT);
    expect(posts).toHaveLength(1);
  });

  it('skips the check when asked to create anyway', async () => {
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);
    const result = await runCreate('create_applicant', { ...INPUT, on_duplicate: 'create_anyway' });
    expect(posts).toHaveLength(1);
    expect(result.outcome).toBe('created');
  });

  it('sends only what was filled in', async () => {
    nameLookup(1, []);
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);
    await runCreate('create_applicant', {
      first_name: ' Grace ',
      last_name: 'Hopper',
      email: 'grace.hopper@example.com',
      phone: '',
      job_id: '   ',
    });
    expect(posts).toEqual([
      {
        apikey: API_KEY,
        first_name: 'Grace',
        last_name: 'Hopper',
        email: 'grace.hopper@example.com',
      },
    ]);
  });

  it('still returns the new applicant when reading it back fails', async () => {
    nameLookup(1, []);
    recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    jazzhrApi().get(`/v1/applicants/${GRACE}`).query({ apikey: API_KEY }).reply(404, '');

    const result = await runCreate('create_applicant', INPUT);
    expect(result).toMatchObject({
      id: GRACE,
      outcome: 'created',
      name: 'Grace Hopper',
      email: 'grace.hopper@example.com',
      location: 'Arlington, VA, 22202',
      job_id: INPUT.job_id,
      workflow_step_id: '3481923',
      linkedin_url: INPUT.linkedin,
    });
  });
});

describe('create_applicant errors, as zapier-platform-core delivers them', () => {
  it('carry neither core’s bundle dump nor the résumé link’s token', async () => {
    jazzhrApi().get(`${NAME_LIST}/page/1`).query(true).reply(401, 'Unauthorized');
    const error = await failureOf(runCreate('create_applicant', { ...INPUT, resume: RESUME_URL }));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toMatch(/^JazzHR rejected the API key \(HTTP 401\)\.[^\n]*$/);
    expect(errorTexts(error)).not.toMatch(/What happened|with bundle|s3cr3t-download-token/);
    expect(errorTexts(error)).not.toContain(INPUT.email);
  });
});

describe('create_applicant replay safety', () => {
  it('a replay after JazzHR saved the applicant but the answer was lost finds it: one POST in all', async () => {
    let postCount = 0;
    const countPost = () => {
      postCount += 1;
      return true;
    };
    // First run: nothing yet; JazzHR saves the applicant but the answer is lost (502).
    nameLookup(1, []);
    jazzhrApi().post('/v1/applicants', countPost).reply(502, 'Bad Gateway');
    nameLookup(1, []); // the immediate re-check does not see it yet
    const firstRun = await failureOf(runCreate('create_applicant', INPUT));
    expect(userMessage(firstRun)).toMatch(/Replaying this step is safe/);
    expect(errorTexts(firstRun)).not.toContain(API_KEY);

    // Zapier replays the step: the lookup now sees the applicant.
    nameLookup(1, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));
    const replay = await runCreate('create_applicant', INPUT);

    expect(replay).toMatchObject({ id: GRACE, outcome: 'existing' });
    expect(postCount).toBe(1);
  });

  it('a failed POST is checked at once, and counts as created when JazzHR saved it', async () => {
    nameLookup(1, []);
    const posts: unknown[] = [];
    jazzhrApi()
      .post('/v1/applicants', (body) => posts.push(body) > 0)
      .reply(504, 'Gateway Timeout');
    nameLookup(1, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));

    const result = await runCreate('create_applicant', INPUT);
    expect(result).toMatchObject({ id: GRACE, outcome: 'created' });
    expect(posts).toHaveLength(1);
  });

  it('with "create anyway", a lost answer is not re-checked and the user is warned about replays', async () => {
    jazzhrApi().post('/v1/applicants').reply(503, '');
    const error = await failureOf(
      runCreate('create_applicant', { ...INPUT, on_duplicate: 'create_anyway' }),
    );
    expect(userMessage(error)).toMatch(/Check JazzHR before replaying/);
  });

  it('a replay of a step that succeeded creates nothing new', async () => {
    nameLookup(1, []);
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);
    const first = await runCreate('create_applicant', INPUT);

    nameLookup(1, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));
    const again = await runCreate('create_applicant', INPUT);

    expect(posts).toHaveLength(1);
    expect(again.id).toBe(first.id);
    expect([first.outcome, again.outcome]).toEqual(['created', 'existing']);
  });
});

describe('create_applicant errors', () => {
  it('names every field to fix and calls nothing', async () => {
    const error = await failureOf(
      runCreate('create_applicant', {
        first_name: '  ',
        last_name: 'Hopper',
        email: 'grace at example.com',
        job_id: 'Senior Software Engineer',
      }),
    );
    const message = userMessage(error);
    expect(message).toMatch(/First Name: is required/);
    expect(message).toMatch(/Email: is not a valid email address/);
    expect(message).toMatch(/Job: must be a JazzHR job ID/);
    expect(message).not.toMatch(/Last Name/);
  });

  it('asks for a job when a workflow step is given without one', async () => {
    const error = await failureOf(runCreate('create_applicant', { ...INPUT, job_id: '' }));
    expect(userMessage(error)).toMatch(/^Workflow Step: needs a Job/);
  });

  it('rejects an unknown duplicate choice', async () => {
    const error = await failureOf(
      runCreate('create_applicant', { ...INPUT, on_duplicate: 'merge' }),
    );
    expect(userMessage(error)).toMatch(/If the Applicant Already Exists: must be/);
  });

  it('reports an _error in a 200 answer to the POST, without the key', async () => {
    nameLookup(1, []);
    jazzhrApi().post('/v1/applicants').reply(200, { _error: 'Invalid job id' });
    const error = await failureOf(runCreate('create_applicant', INPUT));
    expect(userMessage(error)).toMatch(/Invalid job id/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('asks to reconnect when JazzHR rejects the key, without echoing it', async () => {
    jazzhrApi().get(`${NAME_LIST}/page/1`).query(true).reply(401, { error: 'Invalid API key' });
    const error = await failureOf(runCreate('create_applicant', INPUT));
    expect(error.name).toBe('ExpiredAuthError');
    expect(userMessage(error)).toMatch(/Reconnect your JazzHR account/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('turns a 429 on the POST into a retry later', async () => {
    nameLookup(1, []);
    jazzhrApi().post('/v1/applicants').reply(429, '', { 'Retry-After': '30' });
    const error = await failureOf(runCreate('create_applicant', INPUT));
    expect(error.name).toBe('ThrottledError');
    expect(errorTexts(error)).not.toContain(API_KEY);
  });
});

describe('create_applicant resume', () => {
  it('downloads the file and sends it as base64-resume', async () => {
    nameLookup(1, []);
    nock(FILES)
      .get('/cv/grace.pdf')
      .query({ token: 's3cr3t-download-token' })
      .reply(200, PDF, { 'Content-Type': 'application/pdf' });
    const posts = recordPosts('/v1/applicants', [{ prospect_id: GRACE }]);
    detailRead(GRACE, DETAIL);

    await runCreate('create_applicant', { ...INPUT, resume: RESUME_URL });
    expect(posts[0]?.['base64-resume']).toBe(PDF.toString('base64'));
    // The key goes to JazzHR only, never to the file host.
    expect(posts[0]?.apikey).toBe(API_KEY);
  });

  it('refuses a file over 10 MB by its Content-Length, naming the field, before posting', async () => {
    nameLookup(1, []);
    nock(FILES)
      .get('/cv/grace.pdf')
      .query(true)
      .reply(200, 'x', { 'Content-Length': String(10 * 1024 * 1024 + 1) });
    const error = await failureOf(runCreate('create_applicant', { ...INPUT, resume: RESUME_URL }));
    expect(userMessage(error)).toMatch(
      /^Resume: the file from files\.example\.com is too large: it may be at most 10\.0 MB\./,
    );
    expect(errorTexts(error)).not.toContain('s3cr3t-download-token');
  });

  it('refuses a file one byte over 10 MB that does not announce its size', async () => {
    nameLookup(1, []);
    // nock sends a Buffer body without Content-Length, so only the bytes read can tell.
    nock(FILES)
      .get('/cv/grace.pdf')
      .query(true)
      .reply(200, Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
    const error = await failureOf(runCreate('create_applicant', { ...INPUT, resume: RESUME_URL }));
    expect(userMessage(error)).toMatch(/^Resume: .* is too large: it may be at most 10\.0 MB/);
  });

  it('names the field when the file cannot be downloaded', async () => {
    nameLookup(1, []);
    nock(FILES).get('/cv/grace.pdf').query(true).reply(403, 'AccessDenied');
    const error = await failureOf(runCreate('create_applicant', { ...INPUT, resume: RESUME_URL }));
    expect(userMessage(error)).toMatch(
      /^Resume: downloading the file from files\.example\.com failed with HTTP 403/,
    );
    expect(errorTexts(error)).not.toContain('s3cr3t-download-token');
  });

  it('does not download the resume when the applicant already exists', async () => {
    nameLookup(1, [applicantSummary(GRACE, 'Grace', 'Hopper')]);
    detailRead(GRACE, applicantDetail({ email: 'grace.hopper@example.com' }));
    const result = await runCreate('create_applicant', { ...INPUT, resume: RESUME_URL });
    expect(result.outcome).toBe('existing');
  });
});
