import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from './jazzhr';

/**
 * The JazzHR failures every operation must explain: each case arranges JazzHR's answer to
 * `path` (which starts with /v1), runs the operation and checks the error a user sees.
 */
export function describeJazzHRFailures(path: string, run: () => Promise<unknown>): void {
  const echo = `{"error":"request apikey=${API_KEY} failed"}`;
  const cases: [string, () => void, string, RegExp][] = [
    [
      'an error body in a 200',
      () => jazzhrApi().get(path).query(true).reply(200, { _error: 'Something broke on our side' }),
      'AppError',
      /JazzHR reported an error for GET .*: Something broke on our side/,
    ],
    [
      'a rejected key',
      () => jazzhrApi().get(path).query(true).reply(401, echo),
      'ExpiredAuthError',
      /JazzHR rejected the API key \(HTTP 401\).*Settings → Integrations/,
    ],
    [
      'a 429 with Retry-After',
      () => jazzhrApi().get(path).query(true).reply(429, echo, { 'Retry-After': '20' }),
      'ThrottledError',
      /rate limit.*retry in about (2\d|30) seconds/,
    ],
    [
      'a 5xx',
      () => jazzhrApi().get(path).query(true).reply(502, echo),
      'ThrottledError',
      /JazzHR is failing right now: .*HTTP 502.*will be retried/,
    ],
    [
      'a non-JSON body',
      () => jazzhrApi().get(path).query(true).reply(200, `<html>Maintenance ${API_KEY}</html>`),
      'AppError',
      /something that is not JSON \(HTTP 200, starting "<html>Maintenance \[hidden\]/,
    ],
  ];

  describe('when JazzHR fails', () => {
    it.each(cases)(
      'explains %s without showing the key',
      async (_label, arrange, name, message) => {
        arrange();
        const error = await failureOf(run());
        expect(error.name).toBe(name);
        expect(userMessage(error)).toMatch(message);
        expect(errorTexts(error)).not.toContain(API_KEY);
      },
    );
  });
}
