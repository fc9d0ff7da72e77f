import { z } from 'zod';

import {
  apiBaseUrl,
  DEFAULT_BASE_URL,
  errorInBody,
  excerpt,
  interpretAnswer,
  JazzHRRequestError,
  networkFailure,
  normaliseList,
  parseRecord,
  parseRecords,
  resourcePath,
  retryAfterSeconds,
  type Expectation,
} from '../../src/jazzhr/answers';
import { scrubSecrets } from '../../src/scrub-secrets';
import { ApplicantSummary } from '../../src/jazzhr/schemas';

const KEY = 'sEcReT-KeY-http-7Q2Z';
const listOfApplicants: Expectation = { method: 'GET', resource: 'applicants', shape: 'list' };
const oneApplicant: Expectation = {
  method: 'GET',
  resource: 'applicants',
  id: 'prospect_1',
  shape: 'record',
};
const noJitter = { secrets: [KEY], random: () => 0 };

function failureOf(outcome: ReturnType<typeof interpretAnswer>) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.data)}`);
  return outcome.failure;
}

describe('apiBaseUrl', () => {
  it('defaults to JazzHR', () => {
    expect(apiBaseUrl({})).toBe(DEFAULT_BASE_URL);
    expect(apiBaseUrl({ JAZZHR_API_URL: '  ' })).toBe(DEFAULT_BASE_URL);
  });
  it('honours JAZZHR_API_URL and tolerates trailing slashes', () => {
    expect(apiBaseUrl({ JAZZHR_API_URL: 'http://127.0.0.1:9999/v1//' })).toBe(
      'http://127.0.0.1:9999/v1',
    );
  });
  it('reads the environment at call time', () => {
    const before = process.env.JAZZHR_API_URL;
    process.env.JAZZHR_API_URL = 'http://mock.local/v1/';
    try {
      expect(apiBaseUrl()).toBe('http://mock.local/v1');
    } finally {
      if (before === undefined) delete process.env.JAZZHR_API_URL;
      else process.env.JAZZHR_API_URL = before;
    }
  });
});

describe('resourcePath', () => {
  it('puts encoded filters in order, skips empty ones, then the page', () => {
    expect(
      resourcePath('applicants', {
        filters: {
          from_apply_date: '2024-01-01',
          name: '',
          city: null,
          recruiter_id: undefined,
          job_id: 'job_1',
          rating: 4,
        },
        page: 2,
      }),
    ).toBe('/applicants/from_apply_date/2024-01-01/job_id/job_1/rating/4/page/2');
  });
  it('URL-encodes filter values and ids', () => {
    expect(resourcePath('jobs', { filters: { status: 'on hold', title: 'R&D / QA?' } })).toBe(
      '/jobs/status/on%20hold/title/R%26D%20%2F%20QA%3F',
    );
    expect(resourcePath('applicants', { id: ' prospect/1 ' })).toBe('/applicants/prospect%2F1');
  });
  it('rejects bad resources, ids, filter names and pages with specific messages', () => {
    expect(() => resourcePath('../users')).toThrow(/not a JazzHR resource name/);
    expect(() => resourcePath('applicants', { id: '   ' })).toThrow(/applicants ID is required/);
    expect(() => resourcePath('applicants', { filters: { 'job id': 'x' } })).toThrow(
      /"job id" is not a JazzHR filter name/,
    );
    expect(() => resourcePath('applicants', { page: 0 })).toThrow(/pages start at 1/);
    expect(() => resourcePath('applicants', { page: 1.5 })).toThrow(JazzHRRequestError);
  });
});

describe('scrubSecrets and excerpt', () => {
  it('removes the key, its URL-encoded form and apikey parameters or fields', () => {
    const key = 'a+b/c=d-secret';
    const text = `https://x/v1/users?apikey=${encodeURIComponent(key)}&x=1 {"apikey": "${key}"} raw ${key} apikey=other`;
    const scrubbed = scrubSecrets(text, [key]);
    expect(scrubbed).not.toContain(key);
    expect(scrubbed).not.toContain(encodeURIComponent(key));
    expect(scrubbed).not.toContain('other');
    expect(scrubbed).toContain('apikey=[hidden]&x=1');
  });
  it('cuts long bodies to one short line', () => {
    const text = excerpt(`<html>\n  <body>${'x'.repeat(500)}</body></html>`, [], 20);
    expect(text).toBe('<html> <body>xxxxxxx…');
  });
});

describe('retryAfterSeconds', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(retryAfterSeconds('120', 60, now)).toBe(120);
    expect(retryAfterSeconds('0.2', 60, now)).toBe(1);
  });
  it('reads an HTTP date', () => {
    expect(retryAfterSeconds('Wed, 01 May 2024 12:00:45 GMT', 60, now)).toBe(45);
    expect(retryAfterSeconds('Wed, 01 May 2024 11:00:00 GMT', 60, now)).toBe(1);
  });
  it('falls back when missing or unreadable, and caps absurd values', () => {
    expect(retryAfterSeconds(undefined, 60, now)).toBe(60);
    expect(retryAfterSeconds('soon', 60, now)).toBe(60);
    expect(retryAfterSeconds('999999', 60, now)).toBe(3600);
  });
});

describe('normaliseList', () => {
  it.each([
    [[], []],
    ['', []],
    [null, []],
    [undefined, []],
    [{}, []],
    [{ id: 'a' }, [{ id: 'a' }]],
    [
      [{ id: 'a' }, { id: 'b' }],
      [{ id: 'a' }, { id: 'b' }],
    ],
  ])('%j → %j', (input, expected) => {
    expect(normaliseList(input)).toEqual(expected);
  });
});

describe('errorInBody', () => {
  it('finds _error and error in several shapes', () => {
    expect(errorInBody({ _error: 'Missing email' })).toBe('Missing email');
    expect(errorInBody({ error: { message: 'Bad job' } })).toBe('Bad job');
    expect(errorInBody({ error: ['one', 'two'] })).toBe('one; two');
    expect(errorInBody({ error: { code: 7 } })).toBe('{"code":7}');
    expect(errorInBody({ error: 404 })).toBe('404');
    expect(errorInBody({ error: [] })).toBe('no details given');
  });
  it('ignores empty error fields, lists and scalars', () => {
    expect(errorInBody({ error: '', _error: null, id: 'x' })).toBeUndefined();
    expect(errorInBody([{ error: 'x' }])).toBeUndefined();
    expect(errorInBody('error')).toBeUndefined();
  });
});

describe('interpretAnswer', () => {
  it('normalises a successful list, including the one-record quirk and empty answers', () => {
    expect(
      interpretAnswer({ status: 200, body: '[{"id":"a"},{"id":"b"}]' }, listOfApplicants),
    ).toEqual({
      ok: true,
      data: [{ id: 'a' }, { id: 'b' }],
    });
    expect(interpretAnswer({ status: 200, body: '{"id":"a"}' }, listOfApplicants)).toEqual({
      ok: true,
      data: [{ id: 'a' }],
    });
    for (const body of ['[]', '', '  ', 'null', '""']) {
      expect(interpretAnswer({ status: 200, body }, listOfApplicants)).toEqual({
        ok: true,
        data: [],
      });
    }
  });

  it('returns the record for a detail, unwrapping a one-item list', () => {
    expect(interpretAnswer({ status: 200, body: '{"id":"a"}' }, oneApplicant)).toEqual({
      ok: true,
      data: { id: 'a' },
    });
    expect(interpretAnswer({ status: 200, body: '[{"id":"a"}]' }, oneApplicant)).toEqual({
      ok: true,
      data: { id: 'a' },
    });
  });

  it('treats an empty detail as not found and an empty POST answer as an error', () => {
    expect(failureOf(interpretAnswer({ status: 200, body: '[]' }, oneApplicant))).toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('no applicants record with ID "prospect_1"'),
    });
    expect(
      failureOf(
        interpretAnswer(
          { status: 200, body: '' },
          { method: 'POST', resource: 'notes', shape: 'record' },
        ),
      ),
    ).toMatchObject({ kind: 'api_error', message: 'JazzHR sent an empty answer to POST /notes.' });
  });

  it('maps 401 and 403 to a rejected key with reconnect advice', () => {
    for (const status of [401, 403]) {
      const failure = failureOf(
        interpretAnswer(
          { status, body: `{"error":"Invalid apikey ${KEY}"}` },
          listOfApplicants,
          noJitter,
        ),
      );
      expect(failure.kind).toBe('rejected');
      expect(failure.status).toBe(status);
      expect(failure.message).toContain('JazzHR rejected the API key');
      expect(failure.message).toContain('Settings → Integrations');
      expect(failure.message).not.toContain(KEY);
    }
  });

  it('maps a 200 or 400 body that calls the key invalid to a rejected key', () => {
    for (const status of [200, 400]) {
      expect(
        failureOf(
          interpretAnswer({ status, body: '{"_error":"Invalid API Key"}' }, listOfApplicants),
        ).kind,
      ).toBe('rejected');
    }
  });

  it('maps 429 to throttled, honouring Retry-After plus jitter', () => {
    const failure = failureOf(
      interpretAnswer({ status: 429, body: '', retryAfter: '30' }, listOfApplicants, {
        random: () => 0.5,
      }),
    );
    expect(failure).toMatchObject({ kind: 'throttled', status: 429, retryAfterSeconds: 35 });
    expect(failure.message).toContain('rate limit');
    const byDate = failureOf(
      interpretAnswer(
        { status: 429, body: '', retryAfter: 'Wed, 01 May 2024 12:01:30 GMT' },
        listOfApplicants,
        { now: new Date('2024-05-01T12:00:00Z'), random: () => 0 },
      ),
    );
    expect(byDate.retryAfterSeconds).toBe(90);
    const byDefault = failureOf(
      interpretAnswer({ status: 429, body: '' }, listOfApplicants, { random: () => 0.999 }),
    );
    expect(byDefault.retryAfterSeconds).toBe(70);
  });

  it('maps 5xx to unavailable with a scrubbed excerpt', () => {
    const failure = failureOf(
      interpretAnswer(
        { status: 503, body: `<h1>Down</h1> apikey=${KEY}` },
        listOfApplicants,
        noJitter,
      ),
    );
    expect(failure).toMatchObject({ kind: 'unavailable', status: 503, retryAfterSeconds: 30 });
    expect(failure.message).toContain(
      'JazzHR is failing right now: GET /applicants answered HTTP 503',
    );
    expect(failure.message).not.toContain(KEY);
  });

  it('maps 404 on a detail to not found naming the resource and id, and on a list to a wrong address', () => {
    expect(failureOf(interpretAnswer({ status: 404, body: '' }, oneApplicant)).message).toContain(
      'JazzHR has no applicants record with ID "prospect_1"',
    );
    expect(
      failureOf(interpretAnswer({ status: 404, body: '' }, listOfApplicants)).message,
    ).toContain('JazzHR answered HTTP 404 for GET /applicants');
  });

  it("maps other 4xx to api_error with JazzHR's message", () => {
    const failure = failureOf(
      interpretAnswer(
        { status: 422, body: '{"error":"email is required"}' },
        { method: 'POST', resource: 'applicants', shape: 'record' },
      ),
    );
    expect(failure).toMatchObject({ kind: 'api_error', status: 422 });
    expect(failure.message).toBe('JazzHR refused POST /applicants (HTTP 422): email is required');
    expect(failureOf(interpretAnswer({ status: 400, body: '' }, listOfApplicants)).message).toBe(
      'JazzHR refused GET /applicants (HTTP 400).',
    );
  });

  it('maps an error body in a 200 to api_error carrying the message', () => {
    const failure = failureOf(
      interpretAnswer({ status: 200, body: '{"_error":"Job does not exist"}' }, listOfApplicants),
    );
    expect(failure).toMatchObject({
      kind: 'api_error',
      message: 'JazzHR reported an error for GET /applicants: Job does not exist',
    });
  });

  it('maps a non-JSON 200 to not_json with a short excerpt', () => {
    const failure = failureOf(
      interpretAnswer(
        { status: 200, body: `<html>Maintenance ${KEY} ${'z'.repeat(300)}</html>` },
        listOfApplicants,
        noJitter,
      ),
    );
    expect(failure.kind).toBe('not_json');
    expect(failure.message).toContain('something that is not JSON');
    expect(failure.message).toContain('<html>Maintenance [hidden]');
    expect(failure.message.length).toBeLessThan(300);
    expect(failure.message).not.toContain(KEY);
  });
});

describe('parseRecords and parseRecord', () => {
  it('parses every record and names the resource and record on failure', () => {
    expect(parseRecords(ApplicantSummary, [{ id: 'a', first_name: 1 }], 'applicants')).toEqual({
      ok: true,
      data: [expect.objectContaining({ id: 'a', first_name: '1', last_name: '' })],
    });
    const outcome = parseRecords(
      ApplicantSummary,
      [{ id: 'a' }, { first_name: 'x' }],
      'applicants',
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.failure.kind).toBe('invalid_response');
      expect(outcome.failure.message).toContain('applicants record (record 2)');
      expect(outcome.failure.message).toContain('id:');
    }
  });
  it('names the resource for a single record, and the record itself when it is not an object', () => {
    const outcome = parseRecord(z.looseObject({ id: z.string() }), 'oops', 'jobs');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.failure.message).toMatch(
        /^JazzHR sent a jobs record in a shape .*\(record\): /,
      );
  });
});

describe('networkFailure', () => {
  it('explains the failure without the key', () => {
    const failure = networkFailure(
      new Error(
        `request to https://api.resumatorapi.com/v1/users?apikey=${KEY} failed, reason: ECONNRESET`,
      ),
      'GET /users/page/1',
      [KEY],
    );
    expect(failure).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 30 });
    expect(failure.message).toContain('Could not reach JazzHR for GET /users/page/1');
    expect(failure.message).toContain('ECONNRESET');
    expect(failure.message).not.toContain(KEY);
    expect(networkFailure('plain', 'GET /x').message).toContain('plain');
  });
});
