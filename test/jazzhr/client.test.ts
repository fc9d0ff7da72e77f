import nock from 'nock';
import zapier, { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import applicantDetail from '../fixtures/jazzhr/applicant.detail.synthetic.json';
import applicants from '../fixtures/jazzhr/applicants.list.json';
import {
  isNotFoundError,
  isUnconfirmedWrite,
  jazzhr,
  PAGE_SIZE,
  type JazzHRClient,
} from '../../src/jazzhr/client';
import {
  ApplicantDetail,
  ApplicantSummary,
  CreatedApplicant,
  CreatedNote,
  Job,
} from '../../src/jazzhr/schemas';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';

const appTester = createAppTester({ version: '1.0.0', platformVersion: zapier.version });

function withClient<T>(
  use: (client: JazzHRClient) => Promise<T>,
  apiKey: string = API_KEY,
): Promise<T> {
  return appTester((z: ZObject, bundle: Bundle) => use(jazzhr(z, bundle)), {
    authData: { api_key: apiKey },
  });
}

function applicantPage(page: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    ...applicants[0],
    id: `prospect_2024010${page}000000_${String(index).padStart(16, '0')}`,
  }));
}

installNockGuards();

describe('list', () => {
  it('fetches one page with filters as path segments and the key as a query parameter', async () => {
    jazzhrApi()
      .get('/v1/applicants/job_id/job_20160512181416_C2ZAFIUBO61DKFDA/status/on%20hold/page/2')
      .query({ apikey: API_KEY })
      .matchHeader('accept', 'application/json')
      .reply(200, applicants);
    const records = await withClient((client) =>
      client.list('applicants', ApplicantSummary, {
        filters: { job_id: 'job_20160512181416_C2ZAFIUBO61DKFDA', name: '', status: 'on hold' },
        page: 2,
      }),
    );
    expect(records).toHaveLength(8);
    expect(records[3]).toMatchObject({
      id: 'prospect_20160512184407_MYXVB4IKB2IALSSA',
      last_name: 'Turing',
    });
  });

  it('turns a bare object into a one-record list', async () => {
    jazzhrApi().get('/v1/applicants/page/1').query({ apikey: API_KEY }).reply(200, applicants[0]);
    const records = await withClient((client) => client.list('applicants', ApplicantSummary));
    expect(records).toEqual([expect.objectContaining({ id: applicants[0]?.id })]);
  });

  it.each([
    ['[]', '[]'],
    ['an empty body', ''],
    ['null', 'null'],
  ])('reads %s as an empty list', async (_label, body) => {
    jazzhrApi().get('/v1/users/page/1').query({ apikey: API_KEY }).reply(200, body);
    await expect(withClient((client) => client.list('users', ApplicantSummary))).resolves.toEqual(
      [],
    );
  });

  it('uses JAZZHR_API_URL when set, read at call time', async () => {
    process.env.JAZZHR_API_URL = 'http://jazzhr.test:8080/v1/';
    try {
      nock('http://jazzhr.test:8080')
        .get('/v1/jobs/page/1')
        .query({ apikey: API_KEY })
        .reply(200, []);
      await expect(withClient((client) => client.list('jobs', Job))).resolves.toEqual([]);
    } finally {
      delete process.env.JAZZHR_API_URL;
    }
  });
});

describe('listPages', () => {
  it('walks pages until one has fewer than 100 records', async () => {
    jazzhrApi()
      .get('/v1/applicants/page/1')
      .query({ apikey: API_KEY })
      .reply(200, applicantPage(1, PAGE_SIZE));
    jazzhrApi()
      .get('/v1/applicants/page/2')
      .query({ apikey: API_KEY })
      .reply(200, applicantPage(2, 3));
    const records = await withClient((client) => client.listPages('applicants', ApplicantSummary));
    expect(records).toHaveLength(103);
  });

  it('stops at maxPages and drops a record that slid onto the next page', async () => {
    const first = applicantPage(1, PAGE_SIZE);
    const second = [first[99], ...applicantPage(2, PAGE_SIZE - 1)];
    jazzhrApi()
      .get('/v1/applicants/from_apply_date/2024-01-01/page/1')
      .query({ apikey: API_KEY })
      .reply(200, first);
    jazzhrApi()
      .get('/v1/applicants/from_apply_date/2024-01-01/page/2')
      .query({ apikey: API_KEY })
      .reply(200, second);
    const records = await withClient((client) =>
      client.listPages('applicants', ApplicantSummary, {
        filters: { from_apply_date: '2024-01-01' },
        maxPages: 2,
      }),
    );
    expect(records).toHaveLength(199);
    expect(new Set(records.map((record) => record.id)).size).toBe(199);
  });

  it('stops when a page repeats the previous page’s ids (JazzHR not paging)', async () => {
    const requests: string[] = [];
    const page = applicantPage(1, PAGE_SIZE);
    const scope = jazzhrApi();
    scope.on('request', (req: { path: string }) => requests.push(req.path.split('?')[0]!));
    scope
      .get(/^\/v1\/applicants\/page\/[1-9]\?/)
      .times(2)
      .reply(200, page);
    const records = await withClient((client) =>
      client.listPages('applicants', ApplicantSummary, { maxPages: 5 }),
    );
    expect(records).toHaveLength(PAGE_SIZE);
    expect(requests).toEqual(['/v1/applicants/page/1', '/v1/applicants/page/2']);
  });

  it('reads a null answer to a filter with no match as no records', async () => {
    jazzhrApi()
      .get('/v1/applicants/name/Nobody%20Here/page/1')
      .query({ apikey: API_KEY })
      .reply(200, 'null');
    await expect(
      withClient((client) =>
        client.listPages('applicants', ApplicantSummary, { filters: { name: 'Nobody Here' } }),
      ),
    ).resolves.toEqual([]);
  });

  it('refuses a maxPages below 1', async () => {
    const error = await failureOf(
      withClient((client) => client.listPages('applicants', ApplicantSummary, { maxPages: 0 })),
    );
    expect(userMessage(error)).toContain('maxPages must be a whole number of at least 1');
  });
});

describe('get', () => {
  it('fetches a detail and normalises its nested lists', async () => {
    jazzhrApi()
      .get('/v1/applicants/prospect_20160512184407_MYXVB4IKB2IALSSA')
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail);
    const detail = await withClient((client) =>
      client.get('applicants', ' prospect_20160512184407_MYXVB4IKB2IALSSA ', ApplicantDetail),
    );
    expect(detail.email).toBe('alan.turing@example.com');
    expect(detail.jobs).toHaveLength(1);
    expect(detail.activities).toHaveLength(1);
    expect(detail.comments).toEqual([]);
  });

  it('says which record was not found on a 404', async () => {
    jazzhrApi().get('/v1/jobs/job_missing').query({ apikey: API_KEY }).reply(404, '');
    const error = await failureOf(withClient((client) => client.get('jobs', 'job_missing', Job)));
    expect(userMessage(error)).toContain('JazzHR has no jobs record with ID "job_missing"');
  });

  it('refuses an empty id before calling JazzHR', async () => {
    const error = await failureOf(
      withClient((client) => client.get('applicants', '  ', ApplicantDetail)),
    );
    expect(userMessage(error)).toContain('A JazzHR applicants ID is required');
  });
});

describe('post', () => {
  it('sends the key inside the JSON body, not in the URL', async () => {
    jazzhrApi()
      .post('/v1/applicants', {
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        apikey: API_KEY,
      })
      .query((query) => Object.keys(query).length === 0)
      .reply(200, { prospect_id: 'prospect_20240102030405_ABCDEFGHIJKLMNOP' });
    const created = await withClient((client) =>
      client.post(
        'applicants',
        { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
        CreatedApplicant,
      ),
    );
    expect(created.prospect_id).toBe('prospect_20240102030405_ABCDEFGHIJKLMNOP');
  });

  it("carries JazzHR's message from a 200 holding _error", async () => {
    jazzhrApi().post('/v1/notes').reply(200, { _error: 'Applicant not found' });
    const error = await failureOf(
      withClient((client) => client.post('notes', { contents: 'x' }, CreatedNote)),
    );
    expect(userMessage(error)).toBe(
      'JazzHR reported an error for POST /notes: Applicant not found',
    );
  });

  it('does not ask Zapier to retry a failed POST, which JazzHR may have saved', async () => {
    jazzhrApi().post('/v1/applicants').reply(502, 'Bad Gateway');
    const error = await failureOf(
      withClient((client) => client.post('applicants', {}, CreatedApplicant)),
    );
    expect(error.name).toBe('AppError');
    expect(userMessage(error)).toContain(
      'JazzHR is failing right now: POST /applicants answered HTTP 502',
    );
    expect(userMessage(error)).toContain('check JazzHR before replaying the step');
  });
});

describe('errors', () => {
  it('turns a 401 into an expired connection with reconnect advice', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(401, { error: 'Invalid API key' });
    const error = await failureOf(withClient((client) => client.list('users', ApplicantSummary)));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toContain('JazzHR rejected the API key (HTTP 401)');
    expect(error.message).toContain('JazzHR Settings → Integrations');
  });

  it('turns a 403 into a plain rejected-key error', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(403, '');
    const error = await failureOf(withClient((client) => client.list('users', ApplicantSummary)));
    expect(error.name).toBe('AppError');
    expect(JSON.parse(error.message)).toMatchObject({ code: 'jazzhr_key_rejected', status: 403 });
  });

  it('refuses to call JazzHR without a key', async () => {
    const error = await failureOf(
      withClient((client) => client.list('users', ApplicantSummary), '  '),
    );
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toContain('No JazzHR API key is connected');
    expect(error.message).toContain('`zapier-platform invoke`');
    expect(error.message).toContain('`authData_api_key=…` in the `.env` file');
  });

  it('turns a 429 into a ThrottledError honouring Retry-After plus jitter', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(429, '', { 'Retry-After': '45' });
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(error.name).toBe('ThrottledError');
    const { message, delay } = JSON.parse(error.message) as { message: string; delay: number };
    expect(message).toContain('rate limit');
    expect(delay).toBeGreaterThanOrEqual(45);
    expect(delay).toBeLessThanOrEqual(55);
  });

  it('reads an HTTP-date Retry-After on a 429', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(429, '', { 'Retry-After': inTwoMinutes });
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    const { delay } = JSON.parse(error.message) as { delay: number };
    expect(delay).toBeGreaterThanOrEqual(118);
    expect(delay).toBeLessThanOrEqual(131);
  });

  it('turns a 5xx on a GET into a retry', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).reply(503, '<html>Service Unavailable</html>');
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(error.name).toBe('ThrottledError');
    expect(userMessage(error)).toMatch(
      /JazzHR is failing right now: GET \/jobs\/page\/1 answered HTTP 503 .*will be retried/,
    );
  });

  it('explains a non-JSON body', async () => {
    jazzhrApi()
      .get('/v1/jobs/page/1')
      .query(true)
      .reply(200, '<!DOCTYPE html><html><body>Login</body></html>');
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(userMessage(error)).toContain(
      'with something that is not JSON (HTTP 200, starting "<!DOCTYPE html>',
    );
  });

  it('names the resource when a record does not fit the schema', async () => {
    jazzhrApi()
      .get('/v1/jobs/page/1')
      .query(true)
      .reply(200, [{ title: 'No id' }]);
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(userMessage(error)).toContain(
      'JazzHR sent a jobs record (record 1) in a shape this integration cannot read: id:',
    );
  });

  it('refuses a resource name that is not one', async () => {
    const error = await failureOf(withClient((client) => client.list('jobs/../users', Job)));
    expect(userMessage(error)).toContain('is not a JazzHR resource name');
  });

  it('explains a network failure as a retry', async () => {
    jazzhrApi().get('/v1/jobs/page/1').query(true).replyWithError('socket hang up');
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(error.name).toBe('ThrottledError');
    expect(userMessage(error)).toContain('Could not reach JazzHR for GET /jobs/page/1');
  });

  it('rethrows unexpected programming errors unchanged', async () => {
    const broken = zod.looseObject({ id: zod.string() }).transform(() => {
      throw new TypeError('boom');
    });
    jazzhrApi()
      .get('/v1/jobs/page/1')
      .query(true)
      .reply(200, [{ id: 'job_1' }]);
    await expect(withClient((client) => client.list('jobs', broken))).rejects.toThrow('boom');
  });
});

describe('the API key never appears in an error', () => {
  const echo = `{"error":"bad request for apikey=${API_KEY}","key":"${API_KEY}"}`;
  const scenarios: [string, () => void][] = [
    ['401', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(401, echo)],
    ['403', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(403, echo)],
    [
      'key error in 200',
      () =>
        jazzhrApi()
          .get('/v1/jobs/page/1')
          .query(true)
          .reply(200, { _error: `API key ${API_KEY} invalid` }),
    ],
    ['429', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(429, echo)],
    ['500', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(500, echo)],
    ['404', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(404, echo)],
    ['400', () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(400, echo)],
    [
      'error in 200',
      () =>
        jazzhrApi()
          .get('/v1/jobs/page/1')
          .query(true)
          .reply(200, { error: `nope ${API_KEY}` }),
    ],
    [
      'not JSON',
      () => jazzhrApi().get('/v1/jobs/page/1').query(true).reply(200, `<p>${API_KEY}</p>`),
    ],
    [
      'bad shape',
      () =>
        jazzhrApi()
          .get('/v1/jobs/page/1')
          .query(true)
          .reply(200, [{ id: API_KEY, title: { x: API_KEY } }]),
    ],
    [
      'network',
      () =>
        jazzhrApi()
          .get('/v1/jobs/page/1')
          .query(true)
          .replyWithError(
            `request to https://api.resumatorapi.com/v1/jobs/page/1?apikey=${API_KEY} failed`,
          ),
    ],
  ];

  it.each(scenarios)('%s', async (_label, arrange) => {
    arrange();
    const error = await failureOf(withClient((client) => client.list('jobs', Job)));
    expect(errorTexts(error)).not.toContain(API_KEY);
    expect(userMessage(error).length).toBeGreaterThan(20);
  });

  it('on a failed POST', async () => {
    jazzhrApi().post('/v1/notes').reply(500, echo);
    const error = await failureOf(withClient((client) => client.post('notes', {}, CreatedNote)));
    expect(errorTexts(error)).not.toContain(API_KEY);
  });
});

describe('a POST that fails before or after it reaches JazzHR', () => {
  const savedUrl = process.env.JAZZHR_API_URL;
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.JAZZHR_API_URL;
    else process.env.JAZZHR_API_URL = savedUrl;
  });

  it('says a refused connection sent nothing, so the write is not left unconfirmed', async () => {
    // A real refused connection (nothing listens on port 1), not a simulated one.
    process.env.JAZZHR_API_URL = 'http://127.0.0.1:1/v1';
    nock.enableNetConnect('127.0.0.1');
    try {
      const error = await failureOf(withClient((client) => client.post('notes', {}, CreatedNote)));
      expect(userMessage(error)).toMatch(
        /^Could not reach JazzHR for POST \/notes: .*ECONNREFUSED.*\. The request was not sent, so JazzHR saved nothing: replay the step once JazzHR can be reached\.$/,
      );
      expect(userMessage(error)).not.toMatch(/may or may not/);
      expect(isUnconfirmedWrite(error)).toBe(false);
      expect(errorTexts(error)).not.toContain(API_KEY);
    } finally {
      nock.disableNetConnect();
    }
  });

  it('says a connection lost after sending may have saved it', async () => {
    jazzhrApi().post('/v1/notes').replyWithError('socket hang up');
    const error = await failureOf(withClient((client) => client.post('notes', {}, CreatedNote)));
    expect(userMessage(error)).toMatch(/JazzHR may or may not have saved this/);
    expect(isUnconfirmedWrite(error)).toBe(true);
  });
});

describe('error code checks', () => {
  const coded = (code: string) => new Error(JSON.stringify({ code }));

  it('isNotFoundError recognises only the client not-found error', () => {
    expect(isNotFoundError(coded('jazzhr_not_found'))).toBe(true);
    expect(isNotFoundError(coded('jazzhr_api_error'))).toBe(false);
    expect(isNotFoundError(new Error('plain text'))).toBe(false);
    expect(isNotFoundError('not an error')).toBe(false);
  });

  it('isUnconfirmedWrite recognises only a write JazzHR may or may not have saved', () => {
    expect(isUnconfirmedWrite(coded('jazzhr_unavailable'))).toBe(true);
    expect(isUnconfirmedWrite(coded('jazzhr_not_found'))).toBe(false);
    expect(isUnconfirmedWrite(new Error('plain text'))).toBe(false);
    expect(isUnconfirmedWrite(undefined)).toBe(false);
  });
});
